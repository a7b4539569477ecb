export { parseCalledAeTitle, statSuffix } from './calledAeTitle.js';
export type { ScpDeps } from './createScpClass.js';
export { C_STORE_STATUS, type CStoreFailure, cStoreFailureOf } from './cStoreFailure.js';
export { buildPart10File, datasetOffset, type FileMeta } from './part10File.js';
export {
  answerPresentationContext,
  imageStorageSopClasses,
  storageTransferSyntaxes,
  verificationSopClass,
} from './presentationContexts.js';
export { type CStoreScp, type CStoreScpOptions, startCStoreScp } from './startCStoreScp.js';
