export { createTusRouter, UPLOADS_PATH } from './createTusRouter.js';
export { RESULT_HEADER } from './finishedUploads.js';
export type { FinishOutcome, UploadRefusal, UploadStored } from './finishUpload.js';
export { sweepExpiredUploads, UPLOAD_EXPIRY_MS } from './sweepExpiredUploads.js';
