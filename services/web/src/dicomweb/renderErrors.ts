import { TeleradError } from '@telerad/core';

/** The reasons @telerad/imaging gives for pixel data it cannot render. */
export const IMAGING_ERROR_CODES = [
  'no-pixel-data',
  'unsupported-transfer-syntax',
  'corrupt-pixel-data',
  'frame-out-of-range',
  'unsupported-image',
] as const;
export type ImagingErrorCode = (typeof IMAGING_ERROR_CODES)[number];

/** An instance telerad cannot render, with the imaging reason (recorded by the render job or now). */
export class UnrenderableError extends TeleradError {
  constructor(
    readonly code: ImagingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * HTTP status of each reason: a frame that does not exist is 404; an instance without pixel data has
 * no image representation at all (406); pixel data in a syntax telerad cannot decode, or that is
 * corrupt, is a stored media type it does not support (415).
 */
export function statusOfImagingError(code: ImagingErrorCode): number {
  switch (code) {
    case 'frame-out-of-range':
      return 404;
    case 'no-pixel-data':
      return 406;
    case 'unsupported-transfer-syntax':
    case 'corrupt-pixel-data':
    case 'unsupported-image':
      return 415;
  }
}

/**
 * An ImagingError (also one rebuilt after crossing from a worker thread, where only its name, code and
 * message survive) as an UnrenderableError; anything else as it is.
 */
export function asUnrenderable(error: unknown): unknown {
  if (error instanceof UnrenderableError) return error;
  if (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ImagingError') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (IMAGING_ERROR_CODES as readonly string[]).includes(code)) {
      return new UnrenderableError(code as ImagingErrorCode, String(message ?? code));
    }
  }
  return error;
}
