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
export { newUid } from './newUid.js';
export { type InstanceMeta, type ParseInstanceOptions, parseInstance } from './parseInstance.js';
export { type PersonName, parsePersonName } from './personName.js';
export { type ElementEdit, type RewritableElement, rewriteElements } from './rewriteElements.js';
export { isValidUid, uidProblem } from './uidProblem.js';
