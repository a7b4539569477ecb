import type { Readable } from 'node:stream';

export interface PutResult {
  key: string;
  size: number;
  /** Hex SHA-256 of the stored bytes, computed while they were written. */
  sha256: string;
}

export interface BlobInfo {
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * Object storage for original DICOM files and rendered previews. `put` resolves only once the bytes
 * are durable (fsync'd file, or an S3 PUT the server acknowledged); a failed put leaves nothing under
 * the key.
 *
 * Keys are relative, `/`-separated paths such as `studies/<studyUid>/<seriesUid>/<sopUid>.dcm`: no
 * leading `/`, no empty, `.` or `..` segments, no backslashes or control characters, at most 1024
 * bytes with segments of at most 255 bytes, and not under the reserved `.tmp/`. Any other key makes
 * every method reject with InvalidBlobKeyError, on every store alike.
 */
export interface BlobStore {
  readonly kind: 'fs' | 's3';
  /** Streams the body (a Readable is never buffered whole) and replaces any object under the key. */
  put(key: string, body: Buffer | Readable, options?: { contentType?: string }): Promise<PutResult>;
  /**
   * Moves a finished local file into the store under `key` without copying its bytes, when the store
   * can (the folder store, with the file on the same filesystem): the file is fsync'd and renamed into
   * place, and is gone afterwards. `sha256` and `size` are the caller's, computed while the file was
   * written. Stores that cannot move files leave this out; callers then `put` a stream of the file.
   */
  adoptFile?(key: string, file: { path: string; size: number; sha256: string }): Promise<PutResult>;
  /** Streams the object; rejects with BlobNotFoundError when absent. */
  get(key: string): Promise<Readable>;
  /** The whole object in memory; rejects with BlobNotFoundError when absent. */
  getBuffer(key: string): Promise<Buffer>;
  /** Size and date, or null when absent. */
  head(key: string): Promise<BlobInfo | null>;
  /** Removes the object; absent objects are not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every object whose key starts with `prefix` (a plain string prefix, as in S3: `studies/1.2`
   * matches `studies/1.2.3/…`), in byte-wise key order as S3's ListObjectsV2 gives them (the test
   * server s3rver does not keep to that order).
   */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** Resolves when the store answers (for /healthz). */
  ping(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no object stored under ${key}`);
    this.name = this.constructor.name;
  }
}

export class InvalidBlobKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = this.constructor.name;
  }
}
