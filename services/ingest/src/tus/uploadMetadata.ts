import { isPriority, type Priority } from '@telerad/core';

/** The metadata key under which the server records the owning clinic; a client's value is overwritten. */
export const CLINIC_KEY = 'clinicId';

/** What a browser sends in `Upload-Metadata` when it creates an upload. */
export interface ClientUploadMetadata {
  filename: string | null;
  priority: Priority | null;
  /** SHA-256 of the whole file, lowercase hex. */
  sha256: string;
}

/** A tus error the server answers with (`throw` it from a hook): status and a JSON body. */
export interface TusHookError {
  status_code: number;
  body: string;
}

export function tusError(status: number, code: string, message: string): TusHookError {
  return { status_code: status, body: JSON.stringify({ error: { code, message } }) };
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * Checks the client's metadata at creation: the SHA-256 is required (the stored bytes are checked
 * against it when the upload ends), the priority must be one we know. Throws a 400 tus error.
 */
export function parseClientMetadata(metadata: Record<string, string | null> | undefined): ClientUploadMetadata {
  const sha256 = metadata?.sha256 ?? null;
  if (sha256 === null || sha256 === '') {
    throw tusError(400, 'invalid', 'Upload-Metadata must carry sha256: the SHA-256 of the whole file in hex');
  }
  if (!SHA256_HEX.test(sha256)) {
    throw tusError(400, 'invalid', 'Upload-Metadata sha256 must be 64 hexadecimal digits (the SHA-256 of the file)');
  }
  const priority = metadata?.priority ?? null;
  if (priority !== null && priority !== '' && !isPriority(priority)) {
    throw tusError(400, 'invalid', `priority must be emergency, outpatient or inpatient, not "${priority}"`);
  }
  const filename = metadata?.filename ?? null;
  return {
    filename: filename === '' ? null : filename,
    priority: priority === null || priority === '' ? null : priority,
    sha256: sha256.toLowerCase(),
  };
}
