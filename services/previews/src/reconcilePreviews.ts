import type { DbHandle } from '@telerad/db';
import { enqueueRender, type Queues } from '@telerad/queue';

/**
 * Queues a render job for every instance still without previews: those whose job was lost with Redis,
 * never queued (the queue did not answer at intake), or ran out of attempts while storage was down.
 * Job ids are deterministic, so a job still waiting is not doubled.
 */
export async function reconcilePreviews(deps: { db: DbHandle; queues: Queues }, batchSize = 1000): Promise<number> {
  let queued = 0;
  let after: string | null = null;
  for (;;) {
    let q = deps.db.db.selectFrom('instance').select('id').where('preview_status', '=', 'pending');
    if (after !== null) q = q.where('id', '>', after);
    const rows = await q.orderBy('id').limit(batchSize).execute();
    for (const row of rows) await enqueueRender(deps.queues, row.id);
    queued += rows.length;
    const last = rows.at(-1);
    if (last === undefined || rows.length < batchSize) return queued;
    after = last.id;
  }
}
