import type { Priority } from '@telerad/core';
import { ROUTING_POLICIES } from '@telerad/core';
import { describe, expect, test } from 'vitest';
import { generateStudies, type SimStudy } from './generateStudies.js';
import { runSimulation } from './runSimulation.js';
import { simulate } from './simulate.js';
import { summarise } from './summarise.js';
import { tinyScenario } from './testing/tinyRegion.js';

const MIN = 60_000;
const LIMIT = { emergency: 30, outpatient: 60, inpatient: 120 };

const study = (id: string, priority: Priority, readyMin: number, readMin: number, modality = 'DX'): SimStudy => ({
  id,
  clinic: 'clinic-a',
  hospital: 'district',
  priority,
  modality,
  images: 2,
  readyAt: readyMin * MIN,
  targetAt: (readyMin + Math.min(60, LIMIT[priority])) * MIN,
  deadlineAt: (readyMin + LIMIT[priority]) * MIN,
  readingMs: readMin * MIN,
});
const signed = (run: ReturnType<typeof simulate>) =>
  Object.fromEntries(run.outcomes.map((o) => [o.study.id, o.signedAt === null ? null : o.signedAt / MIN]));
const readers = (run: ReturnType<typeof simulate>) =>
  Object.fromEntries(run.outcomes.map((o) => [o.study.id, o.readBy]));

describe('simulate', () => {
  test.each(ROUTING_POLICIES)('%s: one study is read at once and signed after its reading time', (policy) => {
    const run = simulate(tinyScenario(), [study('s1', 'outpatient', 10, 7.5)], policy);
    expect(signed(run)).toEqual({ s1: 17.5 });
    const summary = summarise(run);
    expect(summary.compliance).toBe(1);
    expect(summary.byPriority.outpatient).toEqual({ studies: 1, compliance: 1, p50: 7.5, p95: 7.5 });
    expect(summary.byPriority.emergency).toEqual({ studies: 0, compliance: null, p50: null, p95: null });
    // 7.5 minutes of reading in two radiologists' two hours
    expect(summary.utilization).toBeCloseTo(7.5 / 240, 10);
  });

  test('a load of one study through the whole pipeline gives the expected turnaround', () => {
    const scenario = tinyScenario({
      radiologists: [{ username: 'rad1' }],
      hours: 1,
      readingMinutes: { DX: { mean: 6, sd: 0 } },
      arrivals: [{ clinic: 'clinic-a', perHour: 1, mix: { inpatient: 1 } }],
    });
    const seed = Array.from({ length: 100 }, (_, i) => i).find((s) => generateStudies(scenario, s).length === 1);
    if (seed === undefined) throw new Error('no seed gives exactly one study');
    const summary = runSimulation(scenario, 'deadline-aware', seed);
    expect(summary.studies).toBe(1);
    expect(summary.byPriority.inpatient).toEqual({ studies: 1, compliance: 1, p50: 6, p95: 6 });
    // utilisation counts reading inside the hour of arrivals only
    const readyMinutes = (generateStudies(scenario, seed)[0]?.readyAt ?? 0) / MIN;
    expect(summary.utilization).toBeCloseTo(Math.min(6, 60 - readyMinutes) / 60, 10);
  });

  test('the same seed reproduces the day exactly; another seed gives another day', () => {
    const scenario = tinyScenario();
    for (const policy of ROUTING_POLICIES) {
      expect(runSimulation(scenario, policy, 11)).toEqual(runSimulation(scenario, policy, 11));
    }
    expect(generateStudies(scenario, 11)).toEqual(generateStudies(scenario, 11));
    expect(generateStudies(scenario, 11)).not.toEqual(generateStudies(scenario, 12));
  });

  test('every policy meets the same studies on a seed', () => {
    const scenario = tinyScenario();
    const counts = ROUTING_POLICIES.map((p) => runSimulation(scenario, p, 5).studies);
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBe(generateStudies(scenario, 5).length);
  });

  test('arrivals follow the hourly rates and the mix', () => {
    const scenario = tinyScenario({
      hours: 4,
      arrivals: [
        {
          clinic: 'clinic-a',
          perHour: [0, 30, 0, 30],
          mix: { emergency: 1, inpatient: 3 },
          imagesPerStudy: { min: 2, max: 3 },
        },
      ],
    });
    const studies = Array.from({ length: 20 }, (_, seed) => generateStudies(scenario, seed)).flat();
    const hour = (s: SimStudy) => Math.floor(s.readyAt / (60 * MIN));
    expect(studies.filter((s) => hour(s) === 0 || hour(s) === 2)).toEqual([]);
    expect(studies.length / 20).toBeCloseTo(60, -1);
    expect(studies.filter((s) => s.priority === 'emergency').length / studies.length).toBeCloseTo(0.25, 1);
    expect(studies.some((s) => s.priority === 'outpatient')).toBe(false);
    expect(new Set(studies.map((s) => s.images))).toEqual(new Set([2, 3]));
    for (const s of studies) expect(s.deadlineAt - s.readyAt).toBe(LIMIT[s.priority] * MIN);
  });

  test('an emergency goes ahead of a queue under deadline-aware, behind it under fifo', () => {
    const scenario = tinyScenario({ radiologists: [{ username: 'rad1' }] });
    const studies = [
      study('o1', 'outpatient', 0, 10),
      study('o2', 'outpatient', 1, 10),
      study('o3', 'outpatient', 2, 10),
      study('e', 'emergency', 3, 10),
    ];
    expect(signed(simulate(scenario, studies, 'deadline-aware'))).toEqual({ o1: 10, e: 20, o2: 30, o3: 40 });
    expect(signed(simulate(scenario, studies, 'fifo'))).toEqual({ o1: 10, o2: 20, o3: 30, e: 40 });
  });

  test('deadline-aware: a free colleague takes an emergency waiting behind a read that runs long', () => {
    const scenario = tinyScenario();
    // rad1 opens a film expected to take 6 minutes that takes 40; the emergency arriving at minute 1
    // goes to rad1 (expected free at 6, rad2 busy until about 6 too) and would wait until minute 40.
    const studies = [
      study('long', 'outpatient', 0, 40),
      study('o', 'outpatient', 0.5, 6),
      study('e', 'emergency', 1, 5),
    ];
    const run = simulate(scenario, studies, 'deadline-aware');
    expect(run.outcomes.find((o) => o.study.id === 'e')?.signedAt ?? Infinity).toBeLessThanOrEqual(12 * MIN);
    expect(readers(run).e).not.toBe(readers(run).long);
    expect(run.emergenciesTaken).toBe(1);
    // round-robin keeps it where it was assigned
    const rr = simulate(scenario, studies, 'round-robin');
    expect(rr.emergenciesTaken).toBe(0);
  });

  test('deadline-aware reads a study that can still be in time before one already late', () => {
    const scenario = tinyScenario({ radiologists: [{ username: 'rad1' }] });
    // o1 takes 70 minutes: o2 (due 61) is lost whatever happens; o3 (due 77) can still be saved
    const studies = [
      study('o1', 'outpatient', 0, 70),
      study('o2', 'outpatient', 1, 6),
      study('o3', 'outpatient', 17, 4),
    ];
    expect(signed(simulate(scenario, studies, 'deadline-aware'))).toEqual({ o1: 70, o3: 74, o2: 80 });
    expect(signed(simulate(scenario, studies, 'fifo'))).toEqual({ o1: 70, o2: 76, o3: 80 });
  });

  test('a radiologist going off duty finishes the open study; the unopened ones move', () => {
    const scenario = tinyScenario({
      radiologists: [{ username: 'rad1', qualifications: ['CR'] }, { username: 'rad2' }],
      events: [{ at: '08:05', radiologist: 'rad2', offDuty: true }],
    });
    // Only rad2 reads DX, so both DX studies queue on rad2 until 08:05, then wait for nobody.
    const studies = [
      study('d1', 'outpatient', 0, 10),
      study('d2', 'outpatient', 1, 10),
      study('c1', 'inpatient', 2, 5, 'CR'),
    ];
    const run = simulate(scenario, studies, 'deadline-aware');
    expect(signed(run)).toEqual({ d1: 10, d2: null, c1: 7 });
    expect(run.rerouted).toBe(1);
    expect(summarise(run).unsigned).toBe(1);
  });

  test('a study nobody can take waits until someone comes on duty', () => {
    const scenario = tinyScenario({
      radiologists: [{ username: 'rad1', onDuty: false }, { username: 'rad2' }],
      events: [
        { at: '08:00', radiologist: 'rad2', offDuty: true },
        { at: '08:20', radiologist: 'rad1', onDuty: true },
      ],
    });
    const run = simulate(scenario, [study('s1', 'emergency', 5, 6)], 'deadline-aware');
    expect(signed(run)).toEqual({ s1: 26 });
    expect(readers(run)).toEqual({ s1: 'rad1' });
    // rad1 on duty from 08:20 to the end of the two-hour window: 100 minutes
    expect(run.onDutyMs).toBe(100 * MIN);
  });

  test('the sick radiologist’s studies go to the colleague (re-routed, then read)', () => {
    const scenario = tinyScenario({
      radiologists: [{ username: 'rad1' }, { username: 'rad2' }],
      events: [{ at: '08:03', radiologist: 'rad2', offDuty: true }],
    });
    const studies = [
      study('a', 'outpatient', 0, 10),
      study('b', 'outpatient', 0.5, 10),
      study('c', 'outpatient', 1, 10),
      study('d', 'outpatient', 1.5, 10),
    ];
    const run = simulate(scenario, studies, 'round-robin');
    expect(readers(run)).toEqual({ a: 'rad1', b: 'rad2', c: 'rad1', d: 'rad1' });
    expect(run.rerouted).toBe(1);
    expect(signed(run)).toEqual({ a: 10, b: 10.5, c: 20, d: 30 });
  });
});
