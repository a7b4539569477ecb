import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { assertValidKey, assertValidPrefix } from './assertValidKey.js';
import { type BlobInfo, BlobNotFoundError, type BlobStore, type PutResult } from './BlobStore.js';
import { isS3NotFound } from './isS3NotFound.js';
import { uploadToS3 } from './uploadToS3.js';

export interface S3Options {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  /** Path-style URLs (`host/bucket/key`); the default, since MinIO, Ceph and Garage expect them. */
  pathStyle?: boolean;
  /** Bodies up to this many bytes are one PUT, larger ones are sent in parts of it. Default 16 MiB. */
  partSize?: number;
}

/** S3 refuses parts below 5 MiB (except the last one). */
const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

/**
 * A BlobStore on any S3 server. The bucket is created on first use rather than here, so a service
 * can start while the object store is still coming up; a failed attempt is retried by the next call.
 */
export function createS3BlobStore(options: S3Options): BlobStore {
  const partSize = options.partSize ?? DEFAULT_PART_SIZE;
  if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE) {
    throw new RangeError(`S3 partSize must be an integer of at least ${MIN_PART_SIZE} bytes, got ${partSize}`);
  }
  const { bucket, region } = options;
  const client = new Client({
    endPoint: options.endPoint,
    port: options.port,
    useSSL: options.useSSL,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region,
    pathStyle: options.pathStyle ?? true,
  });

  let bucketReady: Promise<void> | null = null;
  const ensureBucket = (): Promise<void> => {
    bucketReady ??= createBucketIfMissing(client, bucket, region).catch((error: unknown) => {
      bucketReady = null;
      throw error;
    });
    return bucketReady;
  };

  const get = async (key: string): Promise<Readable> => {
    assertValidKey(key);
    await ensureBucket();
    return client.getObject(bucket, key).catch((error: unknown) => {
      throw isS3NotFound(error) ? new BlobNotFoundError(key) : error;
    });
  };

  return {
    kind: 's3',

    async put(key: string, body: Buffer | Readable, putOptions?: { contentType?: string }): Promise<PutResult> {
      assertValidKey(key);
      await ensureBucket();
      const contentType = putOptions?.contentType ?? 'application/octet-stream';
      const written = await uploadToS3(client, { bucket, key, contentType, partSize }, body);
      return { key, ...written };
    },

    get,

    async getBuffer(key: string): Promise<Buffer> {
      const chunks: Buffer[] = [];
      for await (const chunk of await get(key)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },

    async head(key: string): Promise<BlobInfo | null> {
      assertValidKey(key);
      await ensureBucket();
      try {
        const stat = await client.statObject(bucket, key);
        return { key, size: stat.size, lastModified: stat.lastModified };
      } catch (error) {
        if (isS3NotFound(error)) return null;
        throw error;
      }
    },

    async delete(key: string): Promise<void> {
      assertValidKey(key);
      await ensureBucket();
      // S3 answers 204 for an absent key too, so no not-found handling is needed.
      await client.removeObject(bucket, key);
    },

    async *list(prefix: string): AsyncIterable<BlobInfo> {
      assertValidPrefix(prefix);
      await ensureBucket();
      for await (const item of client.listObjectsV2(bucket, prefix, true)) {
        // Recursive listings have no common-prefix entries, but the type allows them.
        if (item.name === undefined) continue;
        yield { key: item.name, size: item.size, lastModified: item.lastModified };
      }
    },

    async ping(): Promise<void> {
      if (!(await client.bucketExists(bucket))) {
        // Deleted behind our back (or never created): make it again instead of failing every put.
        bucketReady = null;
        await ensureBucket();
      }
    },
  };
}

async function createBucketIfMissing(client: Client, bucket: string, region: string): Promise<void> {
  if (await client.bucketExists(bucket)) return;
  try {
    await client.makeBucket(bucket, region);
  } catch (error) {
    // Another process created it between our check and our request.
    const code = (error as { code?: unknown }).code;
    if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
  }
}
