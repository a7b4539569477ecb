import { expect, test } from 'vitest';
import { buildStowResponse } from './buildStowResponse.js';
import { FAILURE_REASON, failureReasonForParseError } from './failureReason.js';
import { stowStatus } from './stowStatus.js';

test('a response with stored and failed instances', () => {
  const response = buildStowResponse({
    retrieveUrl: 'https://pacs.example/dicomweb/studies/1.2.3',
    stored: [
      {
        sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1',
        sopInstanceUid: '1.2.3.1.1',
        retrieveUrl: 'https://pacs.example/dicomweb/studies/1.2.3/series/1.2.3.1/instances/1.2.3.1.1',
      },
    ],
    failed: [
      {
        sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1',
        sopInstanceUid: '1.2.3.1.2',
        failureReason: FAILURE_REASON.datasetMismatch,
        message: 'part 2: missing Series Instance UID (0020,000E)',
      },
      { failureReason: FAILURE_REASON.cannotUnderstand, message: 'part 3: not a DICOM file' },
    ],
  });
  expect(response).toEqual({
    '00081190': { vr: 'UR', Value: ['https://pacs.example/dicomweb/studies/1.2.3'] },
    '00081198': {
      vr: 'SQ',
      Value: [
        {
          '00000902': { vr: 'LO', Value: ['part 2: missing Series Instance UID (0020,000E)'] },
          '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.1.1'] },
          '00081155': { vr: 'UI', Value: ['1.2.3.1.2'] },
          '00081197': { vr: 'US', Value: [0xa900] },
        },
        {
          '00000902': { vr: 'LO', Value: ['part 3: not a DICOM file'] },
          '00081150': { vr: 'UI' },
          '00081155': { vr: 'UI' },
          '00081197': { vr: 'US', Value: [0xc000] },
        },
      ],
    },
    '00081199': {
      vr: 'SQ',
      Value: [
        {
          '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.1.1'] },
          '00081155': { vr: 'UI', Value: ['1.2.3.1.1'] },
          '00081190': {
            vr: 'UR',
            Value: ['https://pacs.example/dicomweb/studies/1.2.3/series/1.2.3.1/instances/1.2.3.1.1'],
          },
        },
      ],
    },
  });
  // It is plain JSON: nothing is lost on the wire.
  expect(JSON.parse(JSON.stringify(response))).toEqual(response);
});

test('sequences without items are left out', () => {
  expect(buildStowResponse({ stored: [], failed: [] })).toEqual({});
  const onlyStored = buildStowResponse({ stored: [{ sopClassUid: '1.2', sopInstanceUid: '1.2.3' }], failed: [] });
  expect(Object.keys(onlyStored)).toEqual(['00081199']);
});

test('failure reason codes are the PS3.18 Table I.2-2 values', () => {
  expect(FAILURE_REASON).toEqual({
    outOfResources: 0xa700,
    datasetMismatch: 0xa900,
    cannotUnderstand: 0xc000,
    transferSyntaxNotSupported: 0xc122,
    processingFailure: 0x0110,
    sopClassNotSupported: 0x0122,
  });
});

test.each([
  ['not-dicom', 0xc000],
  ['truncated', 0xc000],
  ['missing-attribute', 0xa900],
  ['invalid-uid', 0xa900],
  ['pixel-data-length', 0xa900],
  ['unsupported', 0xc122],
] as const)('a %s file fails with %i', (reason, code) => {
  expect(failureReasonForParseError(reason)).toBe(code);
});

test.each([
  [3, 0, 200],
  [2, 1, 202],
  [0, 2, 409],
  [0, 0, 409],
])('stowStatus(%i stored, %i failed) = %i', (stored, failed, status) => {
  expect(stowStatus(stored, failed)).toBe(status);
});
