import type { BlobStore } from './BlobStore.js';
import { createFsBlobStore } from './createFsBlobStore.js';
import { createS3BlobStore, type S3Options } from './createS3BlobStore.js';

export type BlobStoreConfig = { kind: 'fs'; root: string } | ({ kind: 's3' } & S3Options);

/** The store the configuration names: a local folder (embedded default) or an S3 bucket. */
export async function createBlobStore(config: BlobStoreConfig): Promise<BlobStore> {
  switch (config.kind) {
    case 'fs':
      return createFsBlobStore(config.root);
    case 's3': {
      const { kind: _kind, ...options } = config;
      return createS3BlobStore(options);
    }
  }
}
