import type { StudyDeadlines } from '../computeDeadline.js';
import { PRIORITIES, type Priority } from '../priority.js';

/**
 * The SLA clock stops while the radiologist waits for the clinic (a hold): every deadline moves
 * later by exactly the time the study was held, so the paused time never counts against anyone.
 */
export function shiftDeadlines(deadlines: StudyDeadlines, pausedMs: number): StudyDeadlines {
  if (!Number.isFinite(pausedMs) || pausedMs < 0) throw new RangeError(`paused time must be ≥ 0 ms, got ${pausedMs}`);
  return {
    targetAt: new Date(deadlines.targetAt.getTime() + pausedMs),
    warningAt: new Date(deadlines.warningAt.getTime() + pausedMs),
    deadlineAt: new Date(deadlines.deadlineAt.getTime() + pausedMs),
  };
}

/** How long a hold that began at `heldAt` has lasted at `now` (never negative: clocks may differ). */
export function heldFor(heldAt: Date, now: Date): number {
  return Math.max(0, now.getTime() - heldAt.getTime());
}

/** Whether `to` is more urgent than `from` (a clinic may only raise a study's priority). */
export function isPriorityRaise(from: Priority, to: Priority): boolean {
  return PRIORITIES.indexOf(to) < PRIORITIES.indexOf(from);
}
