import type { Readable } from 'node:stream';
import { TeleradError } from '@telerad/core';
import { BlobNotFoundError, type BlobStore } from '@telerad/storage';

/**
 * An instance that is in the index but whose original file is no longer in object storage (deleted
 * or lost behind telerad's back). Answered as 410 Gone with the instance named, and logged as an
 * error for the administrators: it needs restoring from the sender or a backup.
 */
export class OriginalMissingError extends TeleradError {
  constructor(
    readonly sopInstanceUid: string,
    readonly blobKey: string,
  ) {
    super(
      `the original file of instance ${sopInstanceUid} is missing from storage; it cannot be retrieved or rendered until an administrator restores it`,
    );
  }
}

/** The whole original of an instance; OriginalMissingError when storage no longer has it. */
export async function readOriginal(store: BlobStore, blobKey: string, sopInstanceUid: string): Promise<Buffer> {
  try {
    return await store.getBuffer(blobKey);
  } catch (error) {
    throw missingAs(error, blobKey, sopInstanceUid);
  }
}

/** The original of an instance as a stream; OriginalMissingError when storage no longer has it. */
export async function streamOriginal(store: BlobStore, blobKey: string, sopInstanceUid: string): Promise<Readable> {
  try {
    return await store.get(blobKey);
  } catch (error) {
    throw missingAs(error, blobKey, sopInstanceUid);
  }
}

function missingAs(error: unknown, blobKey: string, sopInstanceUid: string): unknown {
  return error instanceof BlobNotFoundError ? new OriginalMissingError(sopInstanceUid, blobKey) : error;
}
