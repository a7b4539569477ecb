import { ValidationError } from '@telerad/core';
import { DicomParseError } from '@telerad/dicom';
import { InstanceRejectedError } from '../storeInstance.js';

/** C-STORE response statuses (PS3.4 Table B.2-1); A7xx, A9xx and Cxxx are ranges, the base is used. */
export const C_STORE_STATUS = {
  success: 0x0000,
  /** Refused: Out of Resources — the sender should try again later. */
  outOfResources: 0xa700,
  /** Error: Data Set does not match SOP Class. */
  datasetMismatch: 0xa900,
  /** Error: Cannot understand. */
  cannotUnderstand: 0xc000,
} as const;

export interface CStoreFailure {
  status: number;
  /** Error Comment (0000,0902): LO, at most 64 characters, ASCII, no patient data. */
  comment: string;
  /** The `reason` label of telerad_instances_rejected_total. */
  label: string;
}

/** The status and error comment a failed C-STORE answers, from what storing it threw. */
export function cStoreFailureOf(error: unknown): CStoreFailure {
  if (error instanceof DicomParseError) {
    switch (error.reason) {
      case 'missing-attribute':
      case 'invalid-uid':
        return failure(C_STORE_STATUS.datasetMismatch, error.message, error.reason);
      case 'pixel-data-length':
        return failure(C_STORE_STATUS.datasetMismatch, 'pixel data length does not match the image size', error.reason);
      case 'truncated':
        return failure(C_STORE_STATUS.cannotUnderstand, 'dataset is truncated', error.reason);
      case 'not-dicom':
        return failure(C_STORE_STATUS.cannotUnderstand, 'dataset cannot be decoded', error.reason);
      case 'unsupported':
        return failure(C_STORE_STATUS.cannotUnderstand, error.message, error.reason);
    }
  }
  if (error instanceof InstanceRejectedError) {
    switch (error.reason) {
      case 'conflict':
        return failure(
          C_STORE_STATUS.datasetMismatch,
          'SOP Instance UID already stored with other content',
          'conflict',
        );
      case 'tenancy':
        return failure(C_STORE_STATUS.cannotUnderstand, "UID already belongs to another clinic's study", 'tenancy');
      case 'invalid':
        return failure(C_STORE_STATUS.datasetMismatch, error.message, 'invalid');
      case 'not-dicom':
        return failure(C_STORE_STATUS.cannotUnderstand, 'dataset cannot be decoded', 'not-dicom');
    }
  }
  if (error instanceof ValidationError) return failure(C_STORE_STATUS.cannotUnderstand, error.message, 'invalid');
  return failure(C_STORE_STATUS.outOfResources, 'could not be stored now; send it again', 'internal');
}

export function failure(status: number, comment: string, label: string): CStoreFailure {
  return { status, comment: errorComment(comment), label };
}

/** LO: default repertoire, no backslash or control characters, at most 64 characters. */
function errorComment(text: string): string {
  const ascii = text
    .replace(/×/g, 'x')
    .replace(/[^\x20-\x5b\x5d-\x7e]/g, '?')
    .trim();
  return ascii.length <= 64 ? ascii : `${ascii.slice(0, 61)}...`;
}
