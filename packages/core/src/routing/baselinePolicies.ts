import { pickRadiologist } from '../pickRadiologist.js';
import { freeAt, projectQueue } from './projectQueue.js';
import type { QueuedStudy, RoutingRadiologist } from './types.js';

const MINUTE = 60_000;

export interface BaselineChoice {
  radiologist: RoutingRadiologist;
  projectedFinish: number;
}

const byUsername = (a: RoutingRadiologist, b: RoutingRadiologist) =>
  a.username < b.username ? -1 : a.username > b.username ? 1 : 0;

/** fifo: whoever is expected to be free first (their queue read through), ties by username. */
export function firstFree(study: QueuedStudy, candidates: readonly RoutingRadiologist[], now: number): BaselineChoice {
  let best: BaselineChoice | null = null;
  for (const r of [...candidates].sort(byUsername)) {
    const free = r.queue.reduce((t, q) => t + q.expectedMinutes * MINUTE, freeAt(r, now));
    if (best === null || free < best.projectedFinish) best = { radiologist: r, projectedFinish: free };
  }
  if (best === null) throw new RangeError('firstFree needs at least one candidate');
  return { ...best, projectedFinish: best.projectedFinish + study.expectedMinutes * MINUTE };
}

/**
 * round-robin: the next candidate by username after the previous assignee (who may now be
 * ineligible), wrapping round.
 */
export function nextInTurn(
  study: QueuedStudy,
  candidates: readonly RoutingRadiologist[],
  previousUsername: string | null,
  now: number,
): BaselineChoice {
  const sorted = [...candidates].sort(byUsername);
  const chosen = sorted.find((r) => previousUsername !== null && r.username > previousUsername) ?? sorted[0];
  if (chosen === undefined) throw new RangeError('nextInTurn needs at least one candidate');
  return { radiologist: chosen, projectedFinish: finishOf(chosen, study, now) };
}

/** least-loaded: today's rule, the least urgency-weighted open work (pickRadiologist). */
export function leastLoaded(
  study: QueuedStudy,
  candidates: readonly RoutingRadiologist[],
  now: number,
): BaselineChoice {
  const picked = pickRadiologist(
    candidates.map((r) => ({
      userId: r.id,
      username: r.username,
      outstanding: [...(r.reading === undefined ? [] : [r.reading.priority]), ...r.queue.map((q) => q.priority)],
    })),
  );
  const chosen = candidates.find((r) => r.id === picked?.userId);
  if (chosen === undefined) throw new RangeError('leastLoaded needs at least one candidate');
  return { radiologist: chosen, projectedFinish: finishOf(chosen, study, now) };
}

function finishOf(radiologist: RoutingRadiologist, study: QueuedStudy, now: number): number {
  const projection = projectQueue({ ...radiologist, queue: [...radiologist.queue, study] }, now);
  return projection.find((p) => p.study === study)?.finish ?? Number.POSITIVE_INFINITY;
}
