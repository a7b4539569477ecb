import { enqueueDelivery, enqueueRoute, scheduleSlaTimers, scheduleStableCheck } from '@telerad/queue';
import type { RouterDeps } from './deps.js';

export interface ReconcileCounts {
  receiving: number;
  ready: number;
  timers: number;
  deliveries: number;
}

/**
 * PostgreSQL is the source of truth; Redis holds only jobs derived from it. This pass re-derives every
 * job an open study or pending delivery needs. Job ids are deterministic, so re-adding a job that
 * still exists changes nothing; it runs at start-up and every minute.
 */
export async function reconcile(deps: RouterDeps, now = new Date()): Promise<ReconcileCounts> {
  const stableMs = deps.config.stableSeconds * 1000;
  const receiving = await deps.db.db
    .selectFrom('study')
    .select(['id', 'last_instance_at'])
    .where('status', '=', 'receiving')
    .execute();
  for (const s of receiving) {
    await scheduleStableCheck(deps.queues, s.id, s.last_instance_at.getTime() + stableMs - now.getTime());
  }
  const unrouted = await deps.db.db
    .selectFrom('study')
    .select('id')
    .where('status', '=', 'ready')
    .where('assigned_to', 'is', null)
    .execute();
  for (const s of unrouted) await enqueueRoute(deps.queues, s.id, 'reconcile');

  const open = await deps.db.db
    .selectFrom('study')
    .select(['id', 'warning_at', 'deadline_at'])
    .where('status', 'in', ['ready', 'assigned', 'reading'])
    .where('deadline_at', 'is not', null)
    .execute();
  let timers = 0;
  for (const s of open) {
    if (s.warning_at === null || s.deadline_at === null) continue;
    await scheduleSlaTimers(deps.queues, s.id, { warningAt: s.warning_at, deadlineAt: s.deadline_at }, now);
    timers++;
  }
  const pending = await deps.db.db.selectFrom('delivery').select('id').where('status', '=', 'pending').execute();
  for (const d of pending) await enqueueDelivery(deps.queues, d.id, deps.config.deliveryRetryDelaysMs);

  return { receiving: receiving.length, ready: unrouted.length, timers, deliveries: pending.length };
}
