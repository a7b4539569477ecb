import { ValidationError } from '@telerad/core';

/** Why a file was refused; STOW-RS and C-STORE map each reason to a failure code. */
export type DicomParseReason =
  | 'not-dicom'
  | 'truncated'
  | 'missing-attribute'
  | 'invalid-uid'
  | 'pixel-data-length'
  | 'unsupported';

/** A file that can never be accepted as sent: retrying it will fail the same way. */
export class DicomParseError extends ValidationError {
  readonly reason: DicomParseReason;

  constructor(reason: DicomParseReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}
