export {
  buildStowResponse,
  type DicomJsonAttribute,
  type DicomJsonDataset,
  type FailedInstance,
  type StoredInstance,
  type StowResponseInput,
} from './buildStowResponse.js';
export { FAILURE_REASON, type FailureReason, failureReasonForParseError } from './failureReason.js';
export { MultipartError, type MultipartErrorKind } from './MultipartError.js';
export {
  type MultipartPart,
  type ParseMultipartOptions,
  type ParseMultipartSpooledOptions,
  parseMultipartRelated,
  parseMultipartRelatedSpooled,
  type SpooledMultipartPart,
} from './parseMultipartRelated.js';
export { stowStatus } from './stowStatus.js';
