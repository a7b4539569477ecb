import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ValidationError } from '@telerad/core';
import { DicomParseError } from '@telerad/dicom';
import type { SpooledFile } from '../instanceBytes.js';
import { type IngestDeps, InstanceRejectedError, storeInstance } from '../storeInstance.js';
import { parseClientMetadata, tusError } from './uploadMetadata.js';

/** What the client is told when its upload ends: the stored instance, or why not. */
export interface UploadStored {
  studyId: string;
  studyInstanceUid: string;
  sopInstanceUid: string;
  duplicate: boolean;
}

export interface UploadRefusal {
  error: { code: string; message: string };
}

export type FinishOutcome =
  /** Stored and indexed (or already stored byte for byte): the upload file is gone. */
  | { kind: 'stored'; status: 200; body: UploadStored }
  /** The bytes can never be accepted: the upload file is gone, a new upload can try again. */
  | { kind: 'refused'; status: number; body: UploadRefusal; reason: string }
  /** Storing failed for a passing reason (database, object store): the upload is kept to try again. */
  | { kind: 'failed'; status: 500; body: UploadRefusal };

export interface FinishInput {
  /** The completed upload's bytes on disk. */
  filePath: string;
  metadata: Record<string, string | null> | undefined;
  clinicId: string;
  actor: string;
}

/**
 * Ends a completed upload: the bytes must hash to the SHA-256 the client declared at creation, then
 * they go through the same `storeInstance` as STOW-RS and C-STORE (channel `upload`). Never throws;
 * the caller removes or keeps the upload file according to the outcome.
 */
export async function finishUpload(deps: IngestDeps, input: FinishInput): Promise<FinishOutcome> {
  try {
    const declared = parseClientMetadata(input.metadata);
    // The upload file is hashed and stored as a stream, never read whole into memory.
    const file: SpooledFile = await stat(input.filePath).then(
      (info) => ({ path: input.filePath, size: info.size }),
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        throw tusError(410, 'expired', 'the upload is no longer here; send the file again');
      },
    );
    const actual = await hashFile(file.path);
    if (actual !== declared.sha256) {
      return refused(
        deps,
        400,
        'checksum-mismatch',
        `the received bytes do not match the file's SHA-256 (declared ${declared.sha256}, received ${actual}, ` +
          `${file.size} bytes); the upload was discarded, send the file again`,
      );
    }
    const stored = await storeInstance(deps, file, {
      clinicId: input.clinicId,
      actor: input.actor,
      channel: 'upload',
      ...(declared.priority !== null ? { priority: declared.priority } : {}),
    });
    return {
      kind: 'stored',
      status: 200,
      body: {
        studyId: stored.studyId,
        studyInstanceUid: stored.studyInstanceUid,
        sopInstanceUid: stored.sopInstanceUid,
        duplicate: stored.duplicate,
      },
    };
  } catch (error) {
    if (error instanceof DicomParseError) return refused(deps, 400, error.reason, error.message);
    if (error instanceof InstanceRejectedError) {
      // Not 409: in tus a 409 means "wrong offset" and clients retry it.
      const status = error.reason === 'tenancy' ? 403 : error.reason === 'conflict' ? 422 : 400;
      return refused(deps, status, error.reason, error.message);
    }
    if (isTusHookError(error)) {
      const body = JSON.parse(error.body) as UploadRefusal;
      return refused(deps, error.status_code, body.error.code, body.error.message);
    }
    if (error instanceof ValidationError) return refused(deps, 400, 'invalid', error.message);
    deps.logger.error({ err: error }, 'storing a finished upload failed');
    return {
      kind: 'failed',
      status: 500,
      body: {
        error: {
          code: 'internal',
          message: 'the file arrived but could not be stored now; it is kept and tried again',
        },
      },
    };
  }
}

async function hashFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function refused(deps: IngestDeps, status: number, reason: string, message: string): FinishOutcome {
  deps.metrics.instancesRejected.inc({ channel: 'upload', reason });
  return { kind: 'refused', status, reason, body: { error: { code: reason, message } } };
}

function isTusHookError(error: unknown): error is { status_code: number; body: string } {
  return typeof error === 'object' && error !== null && 'status_code' in error && 'body' in error;
}
