import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { UploadStored } from './finishUpload.js';

/**
 * A stored upload's answer, kept for a day after its bytes are gone. When the answer to the last
 * PATCH is lost on a weak link, the client's next HEAD finds the upload complete and gets its result
 * from here (header `Upload-Result`) instead of sending the whole file again.
 */
export interface FinishedUpload {
  clinicId: string;
  size: number;
  result: UploadStored;
  finishedAt: string;
}

export const FINISHED_DIR = 'finished';

export class FinishedUploads {
  readonly directory: string;

  constructor(uploadDir: string) {
    this.directory = path.join(uploadDir, FINISHED_DIR);
  }

  /** `id` must already be a checked upload id (hex), never a path from the request. */
  private file(id: string): string {
    return path.join(this.directory, `${id}.json`);
  }

  async get(id: string): Promise<FinishedUpload | undefined> {
    try {
      return JSON.parse(await readFile(this.file(id), 'utf8')) as FinishedUpload;
    } catch {
      return undefined;
    }
  }

  async set(id: string, value: FinishedUpload): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    await writeFile(this.file(id), JSON.stringify(value));
  }

  async delete(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
  }
}

/** The answer header: the same JSON as the final PATCH's body, URL-encoded to stay ASCII. */
export const RESULT_HEADER = 'Upload-Result';

export function encodeResultHeader(result: UploadStored): string {
  return encodeURIComponent(JSON.stringify(result));
}
