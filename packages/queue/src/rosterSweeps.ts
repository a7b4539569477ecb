import type { Queues } from './createQueues.js';

/**
 * How often the router looks for unopened studies held by radiologists who cannot read them (and
 * ready studies nobody holds). 3 s keeps "re-routed or a reason recorded within 5 s" with room for
 * the sweep's own work.
 */
export const ROSTER_SWEEP_EVERY_MS = 3000;

/**
 * The repeating sweep. A job scheduler with a fixed id: however many router processes call this,
 * one sweep is due per interval.
 */
export async function scheduleRosterSweeps(queues: Queues, everyMs = ROSTER_SWEEP_EVERY_MS): Promise<void> {
  await queues.roster.upsertJobScheduler(
    'roster-sweep',
    { every: everyMs },
    {
      name: 'sweep',
      data: { reason: 'schedule' },
      opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
    },
  );
}

/** A sweep now: the roster changed (duty, shift, cap, qualifications). Sweeping twice is harmless. */
export async function requestRosterSweep(queues: Queues): Promise<void> {
  await queues.roster.add('sweep', { reason: 'roster-changed' });
}
