import { describe, expect, test } from 'vitest';
import { compareUrgency } from './compareUrgency.js';
import { mayOpen, nextStudyFor } from './nextStudyFor.js';
import { gen, randomQueued } from './testing/randomRouting.js';
import type { QueuedStudy } from './types.js';

const NOW = Date.UTC(2026, 10, 24, 1, 0);
const at = (minutes: number) => NOW + minutes * 60_000;
const q = (studyId: string, priority: QueuedStudy['priority'], deadlineMinutes: number): QueuedStudy => ({
  studyId,
  priority,
  deadlineAt: at(deadlineMinutes),
  expectedMinutes: 6,
});

describe('reading order within one queue', () => {
  test.each([
    [
      'an emergency goes ahead of an outpatient film due sooner',
      [q('o', 'outpatient', 5), q('e', 'emergency', 30)],
      'e',
    ],
    ['the earliest deadline first', [q('i', 'inpatient', 90), q('o', 'outpatient', 40)], 'o'],
    ['an inpatient film due first goes first', [q('o', 'outpatient', 50), q('i', 'inpatient', 20)], 'i'],
    ['the earlier of two emergencies', [q('e2', 'emergency', 28), q('e1', 'emergency', 12)], 'e1'],
    ['same deadline: the more urgent priority', [q('i', 'inpatient', 60), q('o', 'outpatient', 60)], 'o'],
    ['equally urgent: the one assigned first', [q('a', 'outpatient', 60), q('b', 'outpatient', 60)], 'a'],
  ] as const)('%s', (_name, queue, expected) => {
    expect(nextStudyFor({ queue }, NOW)?.studyId).toBe(expected);
  });

  test('an empty queue has nothing next', () => {
    expect(nextStudyFor({ queue: [] }, NOW)).toBeNull();
  });

  test('arrival order reads the longest-assigned first, whatever the urgency', () => {
    const queue = [q('o', 'outpatient', 50), q('e', 'emergency', 30)];
    expect(nextStudyFor({ queue }, NOW, 'arrival')?.studyId).toBe('o');
  });
});

describe('mayOpen: no cherry-picking past a more urgent study', () => {
  const queue = [
    q('o', 'outpatient', 40),
    q('e', 'emergency', 25),
    q('i', 'inpatient', 100),
    q('o2', 'outpatient', 40),
  ];
  test.each([
    ['e', true, 'the emergency'],
    ['o', false, 'an outpatient film while an emergency waits'],
    ['i', false, 'an inpatient film due later'],
    ['o2', false, 'anything while an emergency waits'],
    ['missing', false, 'a study not in the queue'],
  ] as const)('%s → %s (%s)', (studyId, expected) => {
    expect(mayOpen(queue, studyId, NOW)).toBe(expected);
  });

  test('equally urgent studies may be opened in either order', () => {
    const tied = [q('a', 'outpatient', 60), q('b', 'outpatient', 60), q('c', 'inpatient', 90)];
    expect(mayOpen(tied, 'a', NOW)).toBe(true);
    expect(mayOpen(tied, 'b', NOW)).toBe(true);
    expect(mayOpen(tied, 'c', NOW)).toBe(false);
  });

  test('a study already past its deadline waits behind one that can still be read in time', () => {
    const queue = [q('late', 'outpatient', -5), q('o', 'outpatient', 20)];
    expect(nextStudyFor({ queue }, NOW)?.studyId).toBe('o');
    expect(mayOpen(queue, 'late', NOW)).toBe(false);
    expect(mayOpen(queue, 'o', NOW)).toBe(true);
  });

  test("a busy radiologist's next study is chosen for when they will be free", () => {
    // free in 16 minutes: the film due in 20 can no longer be read in time, the one due in 60 can
    const queue = [q('soon', 'outpatient', 20), q('later', 'outpatient', 60)];
    expect(nextStudyFor({ queue, busyUntil: at(16) }, NOW)?.studyId).toBe('later');
    expect(nextStudyFor({ queue, busyUntil: at(2) }, NOW)?.studyId).toBe('soon');
  });

  test('properties over 500 random queues', () => {
    const g = gen(7);
    for (let round = 0; round < 500; round++) {
      const queue = Array.from({ length: g.int(0, 10) }, (_, i) => randomQueued(g, `s${i}`, true));
      const next = nextStudyFor({ queue }, NOW);
      expect(next === null).toBe(queue.length === 0);
      if (next !== null) expect(mayOpen(queue, next.studyId, NOW)).toBe(true);
      const emergency = queue.some((s) => s.priority === 'emergency');
      for (const s of queue) {
        // never past an emergency; never past a study more urgent that is ahead in reading order
        if (emergency && s.priority !== 'emergency') expect(mayOpen(queue, s.studyId, NOW)).toBe(false);
        if (queue.some((o) => o.priority === 'emergency' && compareUrgency(o, s) < 0)) {
          expect(mayOpen(queue, s.studyId, NOW)).toBe(false);
        }
      }
    }
  });
});
