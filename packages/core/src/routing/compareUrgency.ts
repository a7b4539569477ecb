import { PRIORITIES } from '../priority.js';
import type { QueuedStudy } from './types.js';

type Urgent = Pick<QueuedStudy, 'priority' | 'deadlineAt'>;

/**
 * Reading order within one queue: every emergency before anything else, then the earliest deadline,
 * then the more urgent priority. Negative when `a` comes first; 0 when neither is more urgent.
 */
export function compareUrgency(a: Urgent, b: Urgent): number {
  const aEmergency = a.priority === 'emergency' ? 0 : 1;
  const bEmergency = b.priority === 'emergency' ? 0 : 1;
  if (aEmergency !== bEmergency) return aEmergency - bEmergency;
  if (a.deadlineAt !== b.deadlineAt) return a.deadlineAt - b.deadlineAt;
  return PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority);
}

/** The queue in reading order; studies equally urgent keep the order they were assigned in. */
export function orderByUrgency<T extends Urgent>(queue: readonly T[]): T[] {
  return [...queue].sort(compareUrgency);
}
