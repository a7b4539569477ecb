import { projectQueue, queueRisk } from './projectQueue.js';
import type { QueuedStudy, RoutingRadiologist } from './types.js';

/** What giving a study to one radiologist would do to their queue. */
export interface InsertionRisk {
  radiologist: RoutingRadiologist;
  /** Breaches to expect in their queue after, minus before (rounded to 1e-9 so ties are exact). */
  addedRisk: number;
  /** Expected lateness of their queue after, minus before (ms). */
  addedLateMs: number;
  /** Expected finish of the new study in their queue, read most urgent first. */
  projectedFinish: number;
  /** When their whole queue, this study included, is expected to be read. */
  queueEnd: number;
}

/** The study inserted into the radiologist's queue in reading order, and what that costs. */
export function insertionRisk(radiologist: RoutingRadiologist, study: QueuedStudy, now: number): InsertionRisk {
  const before = queueRisk(projectQueue(radiologist, now));
  const after = projectQueue({ ...radiologist, queue: [...radiologist.queue, study] }, now);
  const risk = queueRisk(after);
  const own = after.find((p) => p.study === study);
  return {
    radiologist,
    addedRisk: Math.round((risk.expectedBreaches - before.expectedBreaches) * 1e9) / 1e9,
    addedLateMs: Math.round(risk.lateMs - before.lateMs),
    projectedFinish: own?.finish ?? Number.POSITIVE_INFINITY,
    queueEnd: after.at(-1)?.finish ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * Least added risk first, then least added lateness, then the earliest finish of the study, then the
 * shortest queue, then the username.
 */
export function compareInsertionRisk(a: InsertionRisk, b: InsertionRisk): number {
  return (
    a.addedRisk - b.addedRisk ||
    a.addedLateMs - b.addedLateMs ||
    a.projectedFinish - b.projectedFinish ||
    a.queueEnd - b.queueEnd ||
    (a.radiologist.username < b.radiologist.username ? -1 : a.radiologist.username > b.radiologist.username ? 1 : 0)
  );
}

/**
 * The default policy: give the study to the radiologist whose queue it puts least at risk. Each
 * queue is projected most urgent first (emergencies ahead of everything) with the study inserted;
 * the one with the fewest added breaches to expect wins, then the least added lateness, then the
 * earliest finish of this study, then the shortest queue, then the username. Needs at least one candidate.
 */
export function deadlineAware(
  study: QueuedStudy,
  candidates: readonly RoutingRadiologist[],
  now: number,
): InsertionRisk {
  const [first, ...rest] = candidates.map((r) => insertionRisk(r, study, now));
  if (first === undefined) throw new RangeError('deadlineAware needs at least one candidate');
  return rest.reduce((best, c) => (compareInsertionRisk(c, best) < 0 ? c : best), first);
}
