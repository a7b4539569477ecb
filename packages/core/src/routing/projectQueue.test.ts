import { describe, expect, test } from 'vitest';
import { normalCdf, projectQueue, queueRisk } from './projectQueue.js';
import type { QueuedStudy } from './types.js';

const NOW = Date.UTC(2026, 10, 24, 1, 0);
const at = (minutes: number) => NOW + minutes * 60_000;
const q = (
  studyId: string,
  priority: QueuedStudy['priority'],
  deadline: number,
  minutes = 10,
  sd = 0,
): QueuedStudy => ({
  studyId,
  priority,
  deadlineAt: at(deadline),
  expectedMinutes: minutes,
  sdMinutes: sd,
});

describe('projectQueue', () => {
  test('reads most urgent first from when the current study ends', () => {
    const projection = projectQueue(
      { busyUntil: at(5), queue: [q('i', 'inpatient', 30), q('e', 'emergency', 20), q('o', 'outpatient', 25)] },
      NOW,
    );
    expect(projection.map((p) => [p.study.studyId, (p.finish - NOW) / 60_000, p.lateMs / 60_000])).toEqual([
      ['e', 15, 0],
      ['o', 25, 0],
      ['i', 35, 5],
    ]);
    expect(queueRisk(projection)).toEqual({ expectedBreaches: 1, lateMs: 5 * 60_000 });
  });

  test('a radiologist who is free starts now, not at a past busyUntil', () => {
    const [only] = projectQueue({ busyUntil: at(-30), queue: [q('o', 'outpatient', 60)] }, NOW);
    expect(only?.finish).toBe(at(10));
  });

  test('arrival order keeps the queue as assigned', () => {
    const projection = projectQueue(
      { busyUntil: NOW, queue: [q('i', 'inpatient', 90), q('e', 'emergency', 20)] },
      NOW,
      'arrival',
    );
    expect(projection.map((p) => p.study.studyId)).toEqual(['i', 'e']);
  });

  test.each([
    // slack (min), sd per study (min), studies ahead → breach probability
    [0, 5, 0.5],
    [10, 5, 1 - normalCdf(2)],
    [-10, 5, normalCdf(2)],
  ])('a study with %i min slack and sd %i min breaches with probability %f', (slack, sd, expected) => {
    const [only] = projectQueue({ busyUntil: NOW, queue: [q('o', 'outpatient', 10 + slack, 10, sd)] }, NOW);
    expect(only?.breachProbability).toBeCloseTo(expected, 6);
  });

  test('spreads add up along the queue: the second study is less certain than the first', () => {
    const [a, b] = projectQueue(
      { busyUntil: NOW, queue: [q('a', 'outpatient', 12, 10, 3), q('b', 'outpatient', 22, 10, 3)] },
      NOW,
    );
    expect(a?.breachProbability).toBeLessThan(b?.breachProbability ?? 0);
  });

  test.each([
    [0, 0.5],
    [1.96, 0.975],
    [-1.96, 0.025],
    [3, 0.99865],
  ])('normalCdf(%f) ≈ %f', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 4);
  });
});
