export { createImagingPool, type ImagingPool, type ImagingPoolOptions } from './createImagingPool.js';
export { decodeFrame } from './decodeFrame.js';
export { ImagingError, type ImagingErrorCode } from './ImagingError.js';
export { outputSize } from './output.js';
export { prepareWindowable, renderInstance } from './renderInstance.js';
export { supportedTransferSyntaxes } from './transferSyntaxes.js';
export type {
  DecodedFrame,
  RenderedImage,
  RenderFormat,
  RenderOptions,
  RenderWindow,
  VoiLutFunction,
} from './types.js';
export type { VoiSpec } from './voiSpec.js';
export {
  isSupersampled,
  type PreparedRender,
  renderWindowable,
  type WindowableFrame,
  windowableBytes,
} from './windowable.js';
export { WINDOWABLE_FILE_VERSION, windowableFromBytes, windowableToBytes } from './windowableFile.js';
