import { DicomParseError } from '@telerad/dicom';
import { describe, expect, test } from 'vitest';
import { InstanceRejectedError } from '../storeInstance.js';
import { C_STORE_STATUS, cStoreFailureOf } from './cStoreFailure.js';

describe('cStoreFailureOf', () => {
  test.each([
    [new DicomParseError('missing-attribute', 'missing Study Instance UID'), C_STORE_STATUS.datasetMismatch],
    [new DicomParseError('invalid-uid', "invalid SOP Instance UID: '1..2' (empty component)"), 0xa900],
    [new DicomParseError('pixel-data-length', 'pixel data is 10 bytes but Rows×Columns = 12'), 0xa900],
    [new DicomParseError('truncated', 'file is truncated: …'), C_STORE_STATUS.cannotUnderstand],
    [new DicomParseError('not-dicom', 'not a DICOM file'), 0xc000],
    [new InstanceRejectedError('SOP Instance UID 1.2 was already stored with different content', 'conflict'), 0xa900],
    [new InstanceRejectedError("Study Instance UID 1.2 already belongs to another clinic's study", 'tenancy'), 0xc000],
    [new Error('connect ECONNREFUSED 127.0.0.1:5432'), C_STORE_STATUS.outOfResources],
  ])('%s → status %i', (error, status) => {
    const failure = cStoreFailureOf(error);
    expect(failure.status).toBe(status);
    expect(failure.comment.length).toBeGreaterThan(0);
    expect(failure.comment.length).toBeLessThanOrEqual(64);
    expect(failure.comment).toMatch(/^[\x20-\x5b\x5d-\x7e]+$/);
  });

  test('an internal error does not leak its message', () => {
    expect(cStoreFailureOf(new Error('password authentication failed for user "telerad"'))).toEqual({
      status: 0xa700,
      comment: 'could not be stored now; send it again',
      label: 'internal',
    });
  });

  test('long reasons are cut to 64 characters', () => {
    const uid = `1.2.${'3'.repeat(80)}`;
    const failure = cStoreFailureOf(
      new DicomParseError('invalid-uid', `invalid SOP Instance UID: '${uid}' (too long)`),
    );
    expect(failure.comment).toHaveLength(64);
    expect(failure.comment.endsWith('...')).toBe(true);
  });
});
