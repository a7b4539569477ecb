import { describe, expect, test } from 'vitest';
import { percentile, summarise, toJson } from './summarise.js';

describe('percentile (as PostgreSQL percentile_cont)', () => {
  test.each([
    [[], 0.5, null],
    [[7], 0.95, 7],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[10, 1, 5], 0.5, 5],
    [[0, 10], 0.95, 9.5],
    [Array.from({ length: 21 }, (_, i) => i), 0.95, 19],
  ])('%j at %f → %s', (values, q, expected) => {
    expect(percentile(values, q)).toBe(expected);
  });
});

describe('summarise and toJson', () => {
  const MIN = 60_000;
  const outcome = (priority: 'emergency' | 'outpatient' | 'inpatient', tat: number | null, limit: number) => ({
    study: {
      id: `${priority}-${tat}`,
      clinic: 'c',
      hospital: 'h',
      priority,
      modality: 'DX',
      images: 1,
      readyAt: 0,
      targetAt: limit * MIN,
      deadlineAt: limit * MIN,
      readingMs: 5 * MIN,
    },
    signedAt: tat === null ? null : tat * MIN,
    readBy: tat === null ? null : 'rad1',
  });
  const run = {
    policy: 'fifo' as const,
    outcomes: [
      outcome('emergency', 30, 30), // exactly at the limit: within
      outcome('emergency', 31, 30),
      outcome('outpatient', 20, 60),
      outcome('inpatient', null, 120), // never read: a breach, no turnaround
    ],
    busyMs: 30 * MIN,
    onDutyMs: 120 * MIN,
    rerouted: 0,
  };

  test('compliance counts signed within the limit; unread studies are breaches', () => {
    const s = summarise(run);
    expect(s.compliance).toBe(0.5);
    expect(s.byPriority.emergency.compliance).toBe(0.5);
    expect(s.byPriority.inpatient).toEqual({ studies: 1, compliance: 0, p50: null, p95: null });
    expect(s.unsigned).toBe(1);
    expect(s.utilization).toBe(0.25);
  });

  test('the JSON line has exactly the documented shape', () => {
    const json = toJson(summarise(run));
    expect(json).toEqual({
      policy: 'fifo',
      studies: 4,
      compliance: { overall: 0.5, emergency: 0.5, outpatient: 1, inpatient: 0 },
      tatMinutes: {
        emergency: { p50: 30.5, p95: 31 },
        outpatient: { p50: 20, p95: 20 },
        inpatient: { p50: null, p95: null },
      },
      utilization: 0.25,
    });
  });
});
