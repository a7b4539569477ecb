import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FINISHED_DIR } from './finishedUploads.js';

export const UPLOAD_EXPIRY_MS = 24 * 3600_000;

export interface SweepOptions {
  /** Uploads created longer ago than this are removed (default 24 h). */
  maxAgeMs?: number;
  now?: Date;
  /** An upload being finished right now is left alone. */
  busy?: (id: string) => boolean;
}

/**
 * Removes what a day-old upload left in the upload folder: incomplete uploads (`<id>` and
 * `<id>.json` of @tus/file-store), data files whose info never got written, and the kept answers of
 * finished uploads. Returns how many uploads were removed.
 */
export async function sweepExpiredUploads(uploadDir: string, options: SweepOptions = {}): Promise<number> {
  const cutoff = (options.now ?? new Date()).getTime() - (options.maxAgeMs ?? UPLOAD_EXPIRY_MS);
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(uploadDir);
  } catch {
    return 0;
  }
  const infos = new Set(names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length)));
  for (const name of names) {
    if (name === FINISHED_DIR) continue;
    const id = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
    if (options.busy?.(id)) continue;
    if (name.endsWith('.json')) {
      const created = await creationTime(path.join(uploadDir, name));
      if (created === null || created >= cutoff) continue;
      await rm(path.join(uploadDir, id), { force: true });
      await rm(path.join(uploadDir, name), { force: true });
      removed++;
    } else if (!infos.has(id)) {
      // A data file without its info: creation stopped between the two writes.
      const info = await stat(path.join(uploadDir, name)).catch(() => null);
      if (info?.isFile() && info.mtimeMs < cutoff) {
        await rm(path.join(uploadDir, name), { force: true });
        removed++;
      }
    }
  }
  const finishedDir = path.join(uploadDir, FINISHED_DIR);
  for (const name of await readdir(finishedDir).catch(() => [] as string[])) {
    const info = await stat(path.join(finishedDir, name)).catch(() => null);
    if (info && info.mtimeMs < cutoff) await rm(path.join(finishedDir, name), { force: true });
  }
  return removed;
}

/** The upload's `creation_date` from its info file; an unreadable one counts by the file's time. */
async function creationTime(infoPath: string): Promise<number | null> {
  try {
    const info = JSON.parse(await readFile(infoPath, 'utf8')) as { creation_date?: string };
    const time = info.creation_date ? Date.parse(info.creation_date) : Number.NaN;
    if (!Number.isNaN(time)) return time;
  } catch {
    // Half-written or not JSON: fall back to the file's time.
  }
  const info = await stat(infoPath).catch(() => null);
  return info ? info.mtimeMs : null;
}
