import {
  enqueueDelivery,
  enqueueRoute,
  rearmSlaTimers,
  type SlaTimerKind,
  scheduleRosterSweeps,
  scheduleStableCheck,
} from '@telerad/queue';
import { sql } from 'kysely';
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
export async function reconcile(
  deps: RouterDeps,
  now = new Date(),
  options: { rosterSweepEveryMs?: number } = {},
): Promise<ReconcileCounts> {
  // The repeating roster sweep lives in Redis too: a Redis that lost everything lost it as well.
  await scheduleRosterSweeps(deps.queues, options.rosterSweepEveryMs);
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

  // Open studies whose clock runs (not on hold), with the timers that have not fired yet. A timer
  // lost, finished early, or left at an old time (the deadline moved) is armed again at the
  // study's current time.
  const open = await deps.db.db
    .selectFrom('study as s')
    .select([
      's.id',
      's.warning_at',
      's.deadline_at',
      (eb) =>
        eb
          .selectFrom('sla_event as e')
          .select(sql<SlaTimerKind[]>`coalesce(array_agg(e.kind), '{}')`.as('k'))
          .whereRef('e.study_id', '=', 's.id')
          .as('fired'),
    ])
    .where('s.status', 'in', ['ready', 'assigned', 'reading'])
    .where('s.deadline_at', 'is not', null)
    .where('s.held_at', 'is', null)
    .execute();
  let timers = 0;
  for (const s of open) {
    if (s.warning_at === null || s.deadline_at === null) continue;
    const skip = s.fired ?? [];
    if (skip.length === 2) continue;
    await rearmSlaTimers(deps.queues, s.id, { warningAt: s.warning_at, deadlineAt: s.deadline_at }, { skip, now });
    timers++;
  }
  const pending = await deps.db.db.selectFrom('delivery').select('id').where('status', '=', 'pending').execute();
  for (const d of pending) await enqueueDelivery(deps.queues, d.id, deps.config.deliveryRetryDelaysMs);

  return { receiving: receiving.length, ready: unrouted.length, timers, deliveries: pending.length };
}
