import type { BlobInfo } from '@telerad/storage';
import type { IngestDeps } from './storeInstance.js';

/**
 * Deletes stored DICOM files that no index row points to: the bytes of an instance whose index
 * transaction never committed (the process died, the database refused). Only objects older than
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
    const indexed = await deps.db.db.selectFrom('instance').select('blob_key').where('blob_key', 'in', keys).execute();
    const known = new Set(indexed.map((r) => r.blob_key));
    for (const key of keys) {
      if (known.has(key)) continue;
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

/** Runs the sweep every `everyMs` (hourly by default) until the returned function is called. */
export function scheduleOrphanSweep(
  deps: Pick<IngestDeps, 'db' | 'store' | 'logger'>,
  options: { everyMs?: number; olderThanMs?: number } = {},
): () => void {
  const timer = setInterval(() => {
    sweepOrphanBlobs(deps, { olderThanMs: options.olderThanMs ?? 3_600_000 }).catch((error: unknown) =>
      deps.logger.error({ err: error }, 'orphan file sweep failed'),
    );
  }, options.everyMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
