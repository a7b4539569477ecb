import { compareUrgency, orderByUrgency } from './compareUrgency.js';
import type { ReadingOrder } from './routingPolicy.js';
import type { QueuedStudy, RoutingRadiologist } from './types.js';

/**
 * The study this radiologist should open next: the most urgent of their queue (emergencies first,
 * then earliest deadline), or the longest-waiting one under `arrival` order. Null when the queue is
 * empty.
 */
export function nextStudyFor(
  radiologist: Pick<RoutingRadiologist, 'queue'>,
  order: ReadingOrder = 'urgency',
): QueuedStudy | null {
  const queue = order === 'urgency' ? orderByUrgency(radiologist.queue) : radiologist.queue;
  return queue[0] ?? null;
}

/**
 * Whether a radiologist may open `studyId` from their queue: not when another study in it is more
 * urgent (an emergency, or an earlier deadline), so nobody cherry-picks the easy film past an urgent
 * one. False for a study that is not in the queue.
 */
export function mayOpen(queue: readonly QueuedStudy[], studyId: string): boolean {
  const wanted = queue.find((q) => q.studyId === studyId);
  if (wanted === undefined) return false;
  return queue.every((q) => q.studyId === studyId || compareUrgency(q, wanted) >= 0);
}
