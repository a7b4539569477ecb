import { describe, expect, test } from 'vitest';
import { computeDeadline } from './computeDeadline.js';
import { DEFAULT_SLA_POLICY } from './slaPolicy.js';

const readyAt = new Date('2026-11-24T09:00:00+08:00');
const minutesAfter = (d: Date) => (d.getTime() - readyAt.getTime()) / 60_000;

describe('computeDeadline on the alliance commitment', () => {
  test.each([
    ['emergency', 30, 30, 22.5],
    ['outpatient', 60, 60, 45],
    ['inpatient', 60, 120, 90],
  ] as const)('%s: target %i min, limit %i min, warning at %f min', (priority, target, limit, warning) => {
    const d = computeDeadline(readyAt, priority, DEFAULT_SLA_POLICY);
    expect(minutesAfter(d.targetAt)).toBe(target);
    expect(minutesAfter(d.deadlineAt)).toBe(limit);
    expect(minutesAfter(d.warningAt)).toBe(warning);
  });

  test('the chest film taken at 9:00 is due before 9:30 when urgent', () => {
    const d = computeDeadline(readyAt, 'emergency', DEFAULT_SLA_POLICY);
    expect(d.deadlineAt.toISOString()).toBe('2026-11-24T01:30:00.000Z');
  });

  test('warning always falls between ready and the limit', () => {
    for (const warnAt of [0.01, 0.5, 0.75, 0.99]) {
      const policy = { ...DEFAULT_SLA_POLICY, outpatient: { targetMs: 1000, limitMs: 7_777, warnAt } };
      const d = computeDeadline(readyAt, 'outpatient', policy);
      expect(d.warningAt.getTime()).toBeGreaterThan(readyAt.getTime());
      expect(d.warningAt.getTime()).toBeLessThan(d.deadlineAt.getTime());
    }
  });
});
