import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type Client, CopyDestinationOptions, CopySourceOptions } from 'minio';
import { bodyChunks } from './bodyChunks.js';
import { S3MultipartUpload } from './S3MultipartUpload.js';
import { takeBytes } from './takeBytes.js';

/**
 * CopyObject copies at most 5 GiB in one request; larger objects keep no sha256 metadata (the hash
 * is still returned to the caller) rather than failing a put whose bytes are already stored.
 */
const MAX_SINGLE_COPY_BYTES = 5 * 1024 * 1024 * 1024;

export interface S3Upload {
  bucket: string;
  key: string;
  contentType: string;
  /** Bodies up to this size go in one PUT; larger ones in parts of this size. */
  partSize: number;
}

/**
 * Stores `body` under the key, hashing it as it streams, and records the hash as `x-amz-meta-sha256`.
 * Resolves only after the server acknowledged the whole object; on failure an unfinished multipart
 * upload is aborted, so nothing appears under the key.
 */
export async function uploadToS3(
  client: Client,
  target: S3Upload,
  body: Buffer | Readable,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const queued: Buffer[] = [];
  let queuedBytes = 0;
  let multipart: S3MultipartUpload | null = null;
  try {
    for await (const chunk of bodyChunks(body)) {
      hash.update(chunk);
      size += chunk.length;
      queued.push(chunk);
      queuedBytes += chunk.length;
      while (queuedBytes >= target.partSize) {
        multipart ??= await S3MultipartUpload.start(client, target.bucket, target.key, target.contentType);
        await multipart.add(takeBytes(queued, target.partSize));
        queuedBytes -= target.partSize;
      }
    }
    const sha256 = hash.digest('hex');
    const rest = takeBytes(queued, queuedBytes);
    if (multipart === null) {
      await client.putObject(target.bucket, target.key, rest, rest.length, metadata(target.contentType, sha256));
    } else {
      const etag = await multipart.complete(rest);
      // Completed: there is nothing left to abort if adding the metadata fails.
      multipart = null;
      if (size <= MAX_SINGLE_COPY_BYTES) await addSha256Metadata(client, target, etag, sha256);
    }
    return { size, sha256 };
  } catch (error) {
    await multipart?.abort();
    throw error;
  }
}

function metadata(contentType: string, sha256: string): Record<string, string> {
  return { 'Content-Type': contentType, 'x-amz-meta-sha256': sha256 };
}

/**
 * A multipart upload's metadata is fixed when it starts, before the hash is known, so it is added
 * afterwards by copying the object onto itself with new metadata (a server-side copy: the bytes do
 * not travel again). The copy is conditional on the ETag just written: if another writer replaced
 * the object meanwhile, their object stands with their own hash, and ours was simply superseded.
 */
async function addSha256Metadata(client: Client, target: S3Upload, etag: string, sha256: string): Promise<void> {
  try {
    await client.copyObject(
      new CopySourceOptions({ Bucket: target.bucket, Object: target.key, MatchETag: etag }),
      new CopyDestinationOptions({
        Bucket: target.bucket,
        Object: target.key,
        MetadataDirective: 'REPLACE',
        UserMetadata: { sha256 },
        Headers: { 'Content-Type': target.contentType },
      }),
    );
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'PreconditionFailed') throw error;
  }
}
