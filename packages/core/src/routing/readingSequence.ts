import { orderByUrgency } from './compareUrgency.js';
import type { QueuedStudy } from './types.js';

const MINUTE = 60_000;

/**
 * The order in which a radiologist who can start at `startAt` should read their queue so that as
 * many studies as possible are signed in time: every emergency first (earliest deadline first), then
 * the rest earliest deadline first, except that a study which can no longer be read in time at its
 * place is moved to the end. Which one moves follows Moore and Hodgson's rule (the fewest late
 * studies on one reader): walking the queue in deadline order, whenever the study reached would finish
 * after its deadline, the longest read kept so far goes to the end. Studies moved to the end keep
 * their deadline order among themselves. Without the rule, a desk over capacity reads studies that
 * are already late while the ones that could still be saved become late in turn.
 */
export function readingSequence<T extends QueuedStudy>(queue: readonly T[], startAt: number): T[] {
  const ordered = orderByUrgency(queue);
  const emergencies = ordered.filter((q) => q.priority === 'emergency');
  let clock = startAt + emergencies.reduce((sum, q) => sum + q.expectedMinutes * MINUTE, 0);
  const kept: T[] = [];
  const late: T[] = [];
  for (const study of ordered) {
    if (study.priority === 'emergency') continue;
    kept.push(study);
    clock += study.expectedMinutes * MINUTE;
    if (clock <= study.deadlineAt) continue;
    const [moved] = kept.splice(longestRead(kept), 1);
    if (moved === undefined) continue;
    late.push(moved);
    clock -= moved.expectedMinutes * MINUTE;
  }
  return [...emergencies, ...kept, ...orderByUrgency(late)];
}

/** Index of the longest expected read; among equals, the one due last. */
function longestRead(studies: readonly QueuedStudy[]): number {
  let best = 0;
  for (let i = 1; i < studies.length; i++) {
    if ((studies[i]?.expectedMinutes ?? 0) >= (studies[best]?.expectedMinutes ?? 0)) best = i;
  }
  return best;
}
