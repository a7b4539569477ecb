import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PRIORITIES } from '../priority.js';
import { orderByUrgency } from './compareUrgency.js';
import { readingSequence } from './readingSequence.js';
import type { QueuedStudy } from './types.js';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 24, 1, 0);
const at = (minutes: number) => NOW + minutes * MINUTE;
const q = (studyId: string, priority: QueuedStudy['priority'], due: number, minutes = 6): QueuedStudy => ({
  studyId,
  priority,
  deadlineAt: at(due),
  expectedMinutes: minutes,
});
const ids = (queue: readonly QueuedStudy[], startAt = NOW) => readingSequence(queue, startAt).map((s) => s.studyId);

/** Studies that finish after their deadline when read in this order from `startAt` at expected times. */
function lateCount(order: readonly QueuedStudy[], startAt: number): number {
  let clock = startAt;
  let late = 0;
  for (const s of order) {
    clock += s.expectedMinutes * MINUTE;
    if (clock > s.deadlineAt) late++;
  }
  return late;
}

describe('readingSequence: the order that keeps the most deadlines', () => {
  test.each([
    ['in time: earliest deadline first', [q('b', 'outpatient', 50), q('a', 'inpatient', 30)], ['a', 'b']],
    ['an emergency first even when due later', [q('o', 'outpatient', 10), q('e', 'emergency', 28)], ['e', 'o']],
    [
      'a study already late goes after one still in time',
      [q('late', 'outpatient', -1), q('o', 'outpatient', 9)],
      ['o', 'late'],
    ],
    [
      // deadline order reads all three late (a at 6, b at 12, c at 15); moving a saves b and c
      'over capacity: one study given up saves two',
      [q('a', 'outpatient', 5), q('b', 'outpatient', 7), q('c', 'inpatient', 9, 3)],
      ['b', 'c', 'a'],
    ],
    [
      'the longer read is the one moved',
      [q('long', 'outpatient', 5, 8), q('short', 'outpatient', 7, 3)],
      ['short', 'long'],
    ],
    ['an emergency already late still goes first', [q('o', 'outpatient', 20), q('e', 'emergency', -3)], ['e', 'o']],
  ] as const)('%s', (_name, queue, expected) => {
    expect(ids(queue)).toEqual(expected);
  });

  test('a later start can make a study impossible to read in time', () => {
    const queue = [q('soon', 'outpatient', 10), q('later', 'outpatient', 40)];
    expect(ids(queue, NOW)).toEqual(['soon', 'later']);
    expect(ids(queue, at(8))).toEqual(['later', 'soon']);
  });

  const queued = fc.record({
    priority: fc.constantFrom(...PRIORITIES),
    due: fc.integer({ min: -30, max: 120 }),
    minutes: fc.integer({ min: 1, max: 20 }),
  });
  const queues = fc
    .array(queued, { maxLength: 12 })
    .map((list) => list.map((s, i) => q(`s${i}`, s.priority, s.due, s.minutes)));
  const starts = fc.integer({ min: -10, max: 60 }).map(at);

  test('property: the same studies, every emergency ahead of every other study', () => {
    fc.assert(
      fc.property(queues, starts, (queue, startAt) => {
        const order = readingSequence(queue, startAt);
        expect([...order].sort((a, b) => a.studyId.localeCompare(b.studyId))).toEqual(
          [...queue].sort((a, b) => a.studyId.localeCompare(b.studyId)),
        );
        const firstOther = order.findIndex((s) => s.priority !== 'emergency');
        if (firstOther >= 0) expect(order.slice(firstOther).every((s) => s.priority !== 'emergency')).toBe(true);
      }),
    );
  });

  test('property: never more studies late than earliest-deadline-first, and the same order when EDF keeps every deadline', () => {
    fc.assert(
      fc.property(queues, starts, (queue, startAt) => {
        const edf = orderByUrgency(queue);
        const order = readingSequence(queue, startAt);
        expect(lateCount(order, startAt)).toBeLessThanOrEqual(lateCount(edf, startAt));
        if (lateCount(edf, startAt) === 0) expect(order).toEqual(edf);
      }),
    );
  });

  test('property: deterministic, and the input is left as it was', () => {
    fc.assert(
      fc.property(queues, starts, (queue, startAt) => {
        const copy = [...queue];
        expect(readingSequence(queue, startAt)).toEqual(readingSequence(queue, startAt));
        expect(queue).toEqual(copy);
      }),
    );
  });
});
