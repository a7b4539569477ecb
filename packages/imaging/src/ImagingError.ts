export type ImagingErrorCode =
  | 'no-pixel-data'
  | 'unsupported-transfer-syntax'
  | 'corrupt-pixel-data'
  | 'frame-out-of-range'
  | 'unsupported-image';

/**
 * Pixel data that can never be decoded or rendered as asked: a corrupt file, a codec telerad lacks,
 * a frame the instance does not have. Not worth a retry; the message says what is wrong.
 */
export class ImagingError extends Error {
  constructor(
    readonly code: ImagingErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = this.constructor.name;
  }
}
