import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BlobInfo } from '@telerad/storage';
import { spoolDirOf } from './instanceBytes.js';
import { originalKeyOf } from './previewKeys.js';
import type { IngestDeps } from './storeInstance.js';

/**
 * Deletes stored DICOM files that no index row points to: the bytes of an instance whose index
 * transaction never committed (the process died, the database refused), and previews whose original
 * is not indexed. Only objects older than
 * `olderThanMs` are considered, so an instance being indexed right now is never touched.
 */
export async function sweepOrphanBlobs(
  deps: Pick<IngestDeps, 'db' | 'store' | 'logger'>,
  options: { olderThanMs: number; now?: Date },
): Promise<{ examined: number; deleted: number }> {
  const cutoff = (options.now ?? new Date()).getTime() - options.olderThanMs;
  let examined = 0;
  let deleted = 0;
  let batch: BlobInfo[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const keys = batch.map((b) => b.key);
    const originals = [...new Set(keys.map(originalKeyOf))];
    const indexed = await deps.db.db
      .selectFrom('instance')
      .select('blob_key')
      .where('blob_key', 'in', originals)
      .execute();
    const known = new Set(indexed.map((r) => r.blob_key));
    for (const key of keys) {
      if (known.has(originalKeyOf(key))) continue;
      await deps.store.delete(key);
      deleted++;
      deps.logger.warn({ key }, 'deleted a stored file that no index row points to');
    }
    batch = [];
  };
  for await (const blob of deps.store.list('studies/')) {
    examined++;
    if (blob.lastModified.getTime() > cutoff) continue;
    batch.push(blob);
    if (batch.length >= 500) await flush();
  }
  await flush();
  return { examined, deleted };
}

/**
 * Removes spool files (large instances on their way to storage) older than `olderThanMs`: what a
 * crashed process left behind. A request still spooling touches its file continuously.
 */
export async function sweepSpool(dataDir: string, olderThanMs: number, now = Date.now()): Promise<number> {
  const dir = spoolDirOf(dataDir);
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0; // no spool directory yet
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info?.isFile() && now - info.mtimeMs > olderThanMs) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Runs both sweeps every `everyMs` (hourly by default), and the spool sweep once now, until the
 * returned function is called.
 */
export function scheduleOrphanSweep(
  deps: Pick<IngestDeps, 'db' | 'store' | 'logger' | 'config'>,
  options: { everyMs?: number; olderThanMs?: number } = {},
): () => void {
  const olderThanMs = options.olderThanMs ?? 3_600_000;
  const sweepSpoolNow = () =>
    sweepSpool(deps.config.dataDir, olderThanMs).catch((error: unknown) =>
      deps.logger.error({ err: error }, 'spool sweep failed'),
    );
  void sweepSpoolNow();
  const timer = setInterval(() => {
    void sweepSpoolNow();
    sweepOrphanBlobs(deps, { olderThanMs }).catch((error: unknown) =>
      deps.logger.error({ err: error }, 'orphan file sweep failed'),
    );
  }, options.everyMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
