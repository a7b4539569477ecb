import { compareUrgency } from './compareUrgency.js';
import { freeAt } from './projectQueue.js';
import { readingSequence } from './readingSequence.js';
import type { ReadingOrder } from './routingPolicy.js';
import type { QueuedStudy, RoutingRadiologist } from './types.js';

/**
 * The study this radiologist should open next at `now`: the first of their queue in reading order
 * (readingSequence: emergencies first, then earliest deadline first, studies that can no longer be
 * read in time after those that still can), or the longest-waiting one under `arrival` order. Null
 * when the queue is empty.
 */
export function nextStudyFor(
  radiologist: Pick<RoutingRadiologist, 'queue'> & Partial<Pick<RoutingRadiologist, 'busyUntil'>>,
  now: number,
  order: ReadingOrder = 'urgency',
): QueuedStudy | null {
  const queue =
    order === 'urgency'
      ? readingSequence(radiologist.queue, freeAt({ busyUntil: radiologist.busyUntil ?? now }, now))
      : radiologist.queue;
  return queue[0] ?? null;
}

/**
 * Whether a radiologist may open `studyId` from their queue at `now`: only when every study ahead of
 * it in reading order is equally urgent (same priority class and deadline), so nobody cherry-picks
 * the easy film past an emergency or a study due sooner that can still be read in time. False for a
 * study that is not in the queue.
 */
export function mayOpen(queue: readonly QueuedStudy[], studyId: string, now: number): boolean {
  const sequence = readingSequence(queue, now);
  const at = sequence.findIndex((q) => q.studyId === studyId);
  const wanted = sequence[at];
  if (wanted === undefined) return false;
  return sequence.slice(0, at).every((q) => compareUrgency(q, wanted) === 0);
}
