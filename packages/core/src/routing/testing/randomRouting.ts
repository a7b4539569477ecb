/**
 * Seeded generators for the routing property tests (fast-check lives only in the web package).
 * Not exported from the package: tests import it by path.
 */
import { PRIORITIES, type Priority } from '../../priority.js';
import type { QueuedStudy, RoutableStudy, RouteOptions, RoutingRadiologist } from '../types.js';

const MINUTE = 60_000;
const LIMIT_MINUTES: Record<Priority, number> = { emergency: 30, outpatient: 60, inpatient: 120 };
const TARGET_MINUTES: Record<Priority, number> = { emergency: 30, outpatient: 60, inpatient: 60 };

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Gen {
  random: () => number;
  int: (min: number, max: number) => number;
  pick: <T>(items: readonly T[]) => T;
  chance: (p: number) => boolean;
}

export function gen(seed: number): Gen {
  const random = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(0, items.length - 1)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  };
  return { random, int, pick, chance: (p) => random() < p };
}

export const NOW = Date.UTC(2026, 10, 24, 1, 0);
export const OPTIONS: RouteOptions = {
  readingMinutes: { DX: { mean: 6, sd: 3 }, CR: { mean: 8, sd: 4 } },
};
const MODALITIES = ['DX', 'CR'] as const;

/** A study made ready up to 100 minutes ago (some already late). */
export function randomStudy(g: Gen, id: string): RoutableStudy {
  const priority = g.pick(PRIORITIES);
  const readyAt = NOW - g.int(0, 100) * MINUTE;
  return {
    id,
    priority,
    readyAt,
    deadlineAt: readyAt + LIMIT_MINUTES[priority] * MINUTE,
    targetAt: readyAt + TARGET_MINUTES[priority] * MINUTE,
    modality: g.pick(MODALITIES),
  };
}

export function randomQueued(g: Gen, id: string, exact: boolean): QueuedStudy {
  const s = randomStudy(g, id);
  const time = OPTIONS.readingMinutes[s.modality] ?? { mean: 6, sd: 3 };
  return {
    studyId: s.id,
    priority: s.priority,
    deadlineAt: s.deadlineAt,
    expectedMinutes: time.mean,
    ...(exact ? {} : { sdMinutes: time.sd }),
  };
}

/**
 * 1–6 radiologists, some off duty, some reading only DX, some capped, with up to 8 queued studies.
 * `exact` leaves out reading-time spreads, so projected risk is a count of late studies.
 */
export function randomRoster(g: Gen, exact = false): RoutingRadiologist[] {
  return Array.from({ length: g.int(1, 6) }, (_, i) => {
    const queue = Array.from({ length: g.int(0, 8) }, (_, j) => randomQueued(g, `q${i}-${j}`, exact));
    const reading = g.chance(0.6);
    return {
      id: `id-${i}`,
      username: `rad${g.int(1, 9)}${i}`,
      onDuty: g.chance(0.85),
      ...(g.chance(0.2) ? { qualifications: ['DX'] } : {}),
      ...(g.chance(0.2) ? { maxOpen: g.int(1, 6) } : {}),
      queue,
      busyUntil: reading ? NOW + g.int(-2, 10) * MINUTE : NOW - MINUTE,
      ...(reading ? { reading: { studyId: `r${i}`, priority: g.pick(PRIORITIES) } } : {}),
    };
  });
}
