export { isSupportedCharset } from './characterSets.js';
export {
  computedRadiographySopClass,
  createDxInstance,
  type DxInstanceOptions,
  digitalXRayForPresentationSopClass,
  implementationClassUid,
} from './createDxInstance.js';
export { DicomParseError, type DicomParseReason } from './DicomParseError.js';
export { decodeDicomText } from './decodeDicomText.js';
export { type DicomAttribute, lookupAttribute, vrOfTag } from './lookupAttribute.js';
export { newUid } from './newUid.js';
export { type InstanceMeta, type ParseInstanceOptions, parseInstance } from './parseInstance.js';
export {
  bytesSource,
  defaultFirstPrefixBytes,
  type ParseInstanceFromOptions,
  type PositionedBytes,
  parseInstanceFile,
  parseInstanceFrom,
} from './parseInstanceFrom.js';
export { type PersonName, parsePersonName } from './personName.js';
export { PrefixTooShortError, type ReadDataSet, readDataSet } from './readDataSet.js';
export { type FramesRead, readFrames } from './readFrames.js';
export { type ElementEdit, type RewritableElement, rewriteElements } from './rewriteElements.js';
export {
  type DicomJsonAttribute,
  type DicomJsonObject,
  type ToDicomJsonOptions,
  toDicomJson,
} from './toDicomJson.js';
export { transcodeToExplicitLittleEndian } from './transcodeToExplicitLittleEndian.js';
export {
  deflatedExplicitVrLittleEndian,
  explicitVrLittleEndian,
  implicitVrLittleEndian,
  pixelEncodingOf,
} from './transferSyntax.js';
export { isValidUid, uidProblem } from './uidProblem.js';
export { valueAt } from './valueAt.js';
export { type NativePixels, withNativePixelData } from './withNativePixelData.js';
