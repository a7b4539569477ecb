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
 */
export interface BlobStore {
  readonly kind: 'fs' | 's3';
  put(key: string, body: Buffer | Readable, options?: { contentType?: string }): Promise<PutResult>;
  /** Streams the object; rejects with BlobNotFoundError when absent. */
  get(key: string): Promise<Readable>;
  getBuffer(key: string): Promise<Buffer>;
  /** Size and date, or null when absent. */
  head(key: string): Promise<BlobInfo | null>;
  /** Removes the object; absent objects are not an error. */
  delete(key: string): Promise<void>;
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
