import { compareUrgency } from './compareUrgency.js';
import type { QueuedStudy, RoutingRadiologist } from './types.js';

export interface EmergencyMove {
  study: QueuedStudy;
  /** The colleague it is taken from. */
  fromId: string;
}

/**
 * An emergency goes ahead of everything at the desk, not only in one queue: a radiologist who is free
 * now (reading nothing) takes an unopened emergency assigned to a colleague who is busy reading
 * another study, before anything of their own except an emergency due no later. Among several, the
 * one due first. Its assignee was chosen when it arrived on the expected end of the read in progress;
 * a read that runs long (four or five times the mean happens) would otherwise keep the emergency
 * waiting while colleagues read less urgent films. `mayRead` says whether the taker may read a
 * study (qualifications); null when there is nothing to take.
 */
export function emergencyToTake(
  taker: Pick<RoutingRadiologist, 'id' | 'queue' | 'reading' | 'onDuty'>,
  colleagues: readonly Pick<RoutingRadiologist, 'id' | 'queue' | 'reading'>[],
  mayRead: (study: QueuedStudy) => boolean = () => true,
): EmergencyMove | null {
  if (!taker.onDuty || taker.reading !== undefined) return null;
  let best: EmergencyMove | null = null;
  for (const colleague of colleagues) {
    if (colleague.id === taker.id || colleague.reading === undefined) continue;
    for (const study of colleague.queue) {
      if (study.priority !== 'emergency' || !mayRead(study)) continue;
      if (best === null || compareUrgency(study, best.study) < 0) best = { study, fromId: colleague.id };
    }
  }
  if (best === null) return null;
  const own = taker.queue.some(
    (q) => q.priority === 'emergency' && q.deadlineAt <= (best as EmergencyMove).study.deadlineAt,
  );
  return own ? null : best;
}
