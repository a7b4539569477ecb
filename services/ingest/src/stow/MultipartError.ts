import { ValidationError } from '@telerad/core';

/**
 * What went wrong, so the HTTP layer can answer precisely: 'content-type' → 415 Unsupported Media
 * Type, 'too-large' → 413 Content Too Large, 'malformed' → 400 Bad Request (PS3.18 §10.5.3).
 */
export type MultipartErrorKind = 'content-type' | 'too-large' | 'malformed';

/** A request body that is not a well-formed multipart/related STOW-RS payload. */
export class MultipartError extends ValidationError {
  readonly kind: MultipartErrorKind;

  constructor(kind: MultipartErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}
