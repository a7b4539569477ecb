export { assertValidKey, assertValidPrefix } from './assertValidKey.js';
export type { BlobInfo, BlobStore, PutResult } from './BlobStore.js';
export { BlobNotFoundError, InvalidBlobKeyError } from './BlobStore.js';
export { type BlobStoreConfig, createBlobStore } from './createBlobStore.js';
export { createFsBlobStore } from './createFsBlobStore.js';
export { createS3BlobStore, type S3Options } from './createS3BlobStore.js';
