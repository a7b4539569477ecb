import { createDxInstance, implementationClassUid, parseInstance } from '@telerad/dicom';
import { describe, expect, test } from 'vitest';
import { buildPart10File, datasetOffset } from './part10File.js';

describe('buildPart10File', () => {
  test('wraps the dataset bytes unchanged in a file meta naming the request UIDs and syntax', () => {
    const original = createDxInstance();
    const meta = parseInstance(original);
    const dataset = original.subarray(datasetOffset(original));
    const file = buildPart10File(
      {
        sopClassUid: meta.sopClassUid,
        sopInstanceUid: meta.sopInstanceUid,
        transferSyntaxUid: meta.transferSyntaxUid,
        sourceAeTitle: 'CLINIC_A',
      },
      dataset,
    );
    expect(file.subarray(datasetOffset(file)).equals(dataset)).toBe(true);
    expect(parseInstance(file)).toEqual(meta);
    const header = file.subarray(0, datasetOffset(file)).toString('latin1');
    expect(header).toContain(implementationClassUid);
    expect(header).toContain('CLINIC_A');
    // Every meta value has an even length, so the group length lands exactly on the dataset.
    expect(datasetOffset(file) % 2).toBe(0);
  });
});
