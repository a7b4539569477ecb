import type { DicomParseReason } from '@telerad/dicom';

/**
 * Failure Reason (0008,1197) values for a STOW-RS FailedSOPSequence item: PS3.18 Annex I,
 * Table I.2-2 (the C-STORE status classes of PS3.4 Table B.2-1 plus the Storage Commitment
 * reasons of PS3.3 §C.14.1.1). A7xx, A9xx and Cxxx are ranges; the base value of each is used.
 */
export const FAILURE_REASON = {
  /** A7xx Refused: out of resources — try again later. */
  outOfResources: 0xa700,
  /** A9xx Error: Data Set does not match SOP Class. */
  datasetMismatch: 0xa900,
  /** Cxxx Error: cannot understand — not DICOM, or certain Data Elements unreadable. */
  cannotUnderstand: 0xc000,
  /** C122 Referenced Transfer Syntax not supported. */
  transferSyntaxNotSupported: 0xc122,
  /** 0110 Processing failure — a general failure in processing the operation. */
  processingFailure: 0x0110,
  /** 0122 Referenced SOP Class not supported. */
  sopClassNotSupported: 0x0122,
} as const;

export type FailureReason = (typeof FAILURE_REASON)[keyof typeof FAILURE_REASON];

/** The Failure Reason for an instance @telerad/dicom refused, by why it refused it. */
export function failureReasonForParseError(reason: DicomParseReason): FailureReason {
  switch (reason) {
    case 'not-dicom':
    case 'truncated':
      return FAILURE_REASON.cannotUnderstand;
    case 'missing-attribute':
    case 'invalid-uid':
    case 'pixel-data-length':
      return FAILURE_REASON.datasetMismatch;
    case 'unsupported':
      return FAILURE_REASON.transferSyntaxNotSupported;
  }
}
