import { describe, expect, test } from 'vitest';
import { computeDeadline } from '../computeDeadline.js';
import type { Priority } from '../priority.js';
import { DEFAULT_SLA_POLICY } from '../slaPolicy.js';
import { heldFor, isPriorityRaise, shiftDeadlines } from './slaPause.js';

describe('SLA pause', () => {
  const ready = new Date('2026-03-02T09:00:00Z');
  test('a 12-minute hold moves target, warning and limit 12 minutes later', () => {
    const before = computeDeadline(ready, 'emergency', DEFAULT_SLA_POLICY);
    const after = shiftDeadlines(before, 12 * 60_000);
    expect(after.deadlineAt.toISOString()).toBe('2026-03-02T09:42:00.000Z');
    expect(after.warningAt.toISOString()).toBe('2026-03-02T09:34:30.000Z');
    expect(after.targetAt.toISOString()).toBe('2026-03-02T09:42:00.000Z');
  });
  test('no pause changes nothing; a negative pause is refused', () => {
    const before = computeDeadline(ready, 'inpatient', DEFAULT_SLA_POLICY);
    expect(shiftDeadlines(before, 0)).toEqual(before);
    expect(() => shiftDeadlines(before, -1)).toThrow(RangeError);
  });
  test('held time is never negative', () => {
    expect(heldFor(new Date(2000), new Date(1000))).toBe(0);
    expect(heldFor(new Date(1000), new Date(61_000))).toBe(60_000);
  });
  test.each<[Priority, Priority, boolean]>([
    ['inpatient', 'outpatient', true],
    ['inpatient', 'emergency', true],
    ['outpatient', 'emergency', true],
    ['emergency', 'emergency', false],
    ['emergency', 'outpatient', false],
    ['outpatient', 'inpatient', false],
    ['outpatient', 'outpatient', false],
  ])('%s → %s is a raise: %s', (from, to, raise) => {
    expect(isPriorityRaise(from, to)).toBe(raise);
  });
});
