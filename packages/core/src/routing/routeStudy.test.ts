import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pickRadiologist } from '../pickRadiologist.js';
import { compareInsertionRisk, insertionRisk } from './deadlineAware.js';
import { eligibilityOf } from './eligibility.js';
import { projectQueue } from './projectQueue.js';
import { toQueued } from './readingTimeFor.js';
import { routeStudy } from './routeStudy.js';
import { ROUTING_POLICIES } from './routingPolicy.js';
import { gen, NOW, OPTIONS, randomRoster, randomStudy } from './testing/randomRouting.js';
import type { QueuedStudy, RoutableStudy, RoutingRadiologist } from './types.js';

const MINUTE = 60_000;
const at = (minutes: number) => NOW + minutes * MINUTE;

const study = (priority: RoutableStudy['priority'], modality = 'DX', readyMinutesAgo = 0): RoutableStudy => {
  const readyAt = at(-readyMinutesAgo);
  const limit = { emergency: 30, outpatient: 60, inpatient: 120 }[priority];
  return {
    id: 'new',
    priority,
    readyAt,
    deadlineAt: readyAt + limit * MINUTE,
    targetAt: readyAt + 60 * MINUTE,
    modality,
  };
};
const queued = (studyId: string, priority: QueuedStudy['priority'], deadline: number, minutes = 6): QueuedStudy => ({
  studyId,
  priority,
  deadlineAt: at(deadline),
  expectedMinutes: minutes,
});
const rad = (username: string, over: Partial<RoutingRadiologist> = {}): RoutingRadiologist => ({
  id: `id-${username}`,
  username,
  onDuty: true,
  queue: [],
  busyUntil: at(-1),
  ...over,
});
const exact = { readingMinutes: { DX: { mean: 6, sd: 0 }, CR: { mean: 8, sd: 0 } } };

describe('routeStudy: nobody to give it to', () => {
  test.each([
    ['an empty roster', [], 'no radiologist is on duty'],
    ['everyone off duty', [rad('rad1', { onDuty: false })], 'no radiologist is on duty'],
    [
      'nobody on duty reads CR',
      [rad('rad1', { qualifications: ['DX'] }), rad('rad2', { onDuty: false })],
      'no radiologist on duty reads CR',
    ],
    [
      'everyone qualified is at their cap',
      [rad('rad1', { maxOpen: 1, queue: [queued('a', 'outpatient', 50)] }), rad('rad2', { qualifications: ['DX'] })],
      'every qualified radiologist on duty has reached their cap of open studies',
    ],
  ] as const)('%s → %s', (_name, roster, reason) => {
    for (const policy of ROUTING_POLICIES) {
      expect(routeStudy(policy, study('outpatient', 'CR'), roster, NOW, OPTIONS)).toEqual({ assignee: null, reason });
    }
  });

  test('a body part nobody reads is named', () => {
    const s = { ...study('outpatient'), bodyPart: 'SKULL' };
    expect(routeStudy('deadline-aware', s, [rad('rad1', { bodyParts: ['CHEST'] })], NOW, OPTIONS)).toEqual({
      assignee: null,
      reason: 'no radiologist on duty reads DX SKULL',
    });
  });

  test('the study being read counts towards the cap', () => {
    const reading = rad('rad1', { maxOpen: 1, busyUntil: at(3), reading: { studyId: 'r', priority: 'inpatient' } });
    expect(eligibilityOf(reading, study('outpatient'), NOW)).toBe('full');
  });
});

describe('routeStudy: who each policy picks', () => {
  const busy = rad('rad1', { busyUntil: at(4), reading: { studyId: 'r1', priority: 'inpatient' } });
  const loaded = rad('rad2', { queue: [queued('a', 'inpatient', 110), queued('b', 'inpatient', 115)] });
  const idle = rad('rad3');

  test.each([
    ['deadline-aware', 'equally early: the shorter queue', [busy, loaded, idle], 'rad3'],
    ['fifo', 'whoever is free first', [busy, loaded], 'rad1'],
    ['least-loaded', 'the least weighted work (one inpatient film being read)', [busy, loaded], 'rad1'],
    ['round-robin', 'the first by username without a previous turn', [loaded, busy, idle], 'rad1'],
  ] as const)('%s: %s', (policy, _name, roster, expected) => {
    const decision = routeStudy(policy, study('outpatient'), roster, NOW, exact);
    expect(decision.assignee).toBe(`id-${expected}`);
  });

  test('deadline-aware sends an emergency to the radiologist it does not make anyone late with', () => {
    // rad1's queue is tight: an emergency in front would push an outpatient film past its deadline.
    const tight = rad('rad1', { queue: [queued('o', 'outpatient', 7)] });
    const longer = rad('rad2', { queue: [queued('i', 'inpatient', 100), queued('i2', 'inpatient', 110)] });
    const decision = routeStudy('deadline-aware', study('emergency'), [tight, longer], NOW, exact);
    expect(decision).toEqual({ assignee: 'id-rad2', projectedFinish: at(6) });
  });

  test('deadline-aware weighs the spread of reading times: a shorter but riskier queue loses', () => {
    const options = { readingMinutes: { DX: { mean: 6, sd: 4 } } };
    const q = (id: string, deadline: number) => ({ ...queued(id, 'outpatient', deadline), sdMinutes: 4 });
    const tight = rad('rad1', { queue: [q('a', 14)] });
    const roomy = rad('rad2', { queue: [q('b', 50), q('c', 55)] });
    expect(routeStudy('deadline-aware', study('emergency'), [tight, roomy], NOW, options).assignee).toBe('id-rad2');
  });

  test('round-robin passes the turn on and wraps round', () => {
    const roster = [rad('rad1'), rad('rad2'), rad('rad3', { onDuty: false })];
    const turns: Array<string | null> = [];
    let last: string | null = null;
    for (let i = 0; i < 4; i++) {
      last = routeStudy('round-robin', study('inpatient'), roster, NOW, { ...exact, lastAssigneeId: last }).assignee;
      turns.push(last);
    }
    expect(turns).toEqual(['id-rad1', 'id-rad2', 'id-rad1', 'id-rad2']);
  });

  test('projectedFinish is the study’s expected finish in the chosen queue', () => {
    const decision = routeStudy('fifo', study('inpatient', 'CR'), [busy], NOW, exact);
    expect(decision).toEqual({ assignee: 'id-rad1', projectedFinish: at(4 + 8) });
  });
});

describe('routeStudy properties over 1000 random rosters', () => {
  const rounds = Array.from({ length: 1000 }, (_, seed) => seed);

  test('with one eligible radiologist every policy picks them', () => {
    for (const seed of rounds) {
      const g = gen(seed);
      const only = { ...rad(`rad${seed}`), queue: randomRoster(g)[0]?.queue ?? [] };
      const s = randomStudy(g, 'new');
      for (const policy of ROUTING_POLICIES) {
        expect(routeStudy(policy, s, [only], NOW, OPTIONS).assignee).toBe(only.id);
      }
    }
  });

  test('no policy chooses someone off duty, unqualified or full; null only when nobody is eligible', () => {
    for (const seed of rounds) {
      const g = gen(seed);
      const roster = randomRoster(g);
      const s = randomStudy(g, 'new');
      const anyEligible = roster.some((r) => eligibilityOf(r, s, NOW) === 'eligible');
      for (const policy of ROUTING_POLICIES) {
        const decision = routeStudy(policy, s, roster, NOW, { ...OPTIONS, lastAssigneeId: roster[0]?.id ?? null });
        if (decision.assignee === null) {
          expect(anyEligible).toBe(false);
          continue;
        }
        const chosen = roster.find((r) => r.id === decision.assignee);
        expect(chosen && eligibilityOf(chosen, s, NOW)).toBe('eligible');
      }
    }
  });

  test('deadline-aware adds no more projected risk and lateness than any other choice', () => {
    for (const seed of rounds) {
      for (const exactTimes of [true, false]) {
        const g = gen(seed);
        const roster = randomRoster(g, exactTimes);
        const s = randomStudy(g, 'new');
        const options = exactTimes ? exact : OPTIONS;
        const decision = routeStudy('deadline-aware', s, roster, NOW, options);
        if (decision.assignee === null) continue;
        const q = toQueued(s, options);
        const risks = roster
          .filter((r) => eligibilityOf(r, s, NOW) === 'eligible')
          .map((r) => insertionRisk(r, q, NOW));
        const chosen = risks.find((r) => r.radiologist.id === decision.assignee);
        if (chosen === undefined) throw new Error('chosen radiologist missing');
        for (const other of risks) {
          expect(compareInsertionRisk(chosen, other)).toBeLessThanOrEqual(0);
          if (exactTimes) {
            // with exact reading times the risk is the number of studies made late
            expect(Number.isInteger(chosen.addedRisk)).toBe(true);
            expect(chosen.addedRisk).toBeLessThanOrEqual(other.addedRisk);
            if (chosen.addedRisk === other.addedRisk) expect(chosen.addedLateMs).toBeLessThanOrEqual(other.addedLateMs);
          }
        }
        expect(decision.projectedFinish).toBe(chosen.projectedFinish);
      }
    }
  });

  test('an emergency is projected ahead of every non-emergency in the chosen queue', () => {
    for (const seed of rounds) {
      const g = gen(seed);
      const roster = randomRoster(g);
      const s = { ...randomStudy(g, 'new'), priority: 'emergency' as const };
      for (const policy of ['deadline-aware', 'round-robin', 'least-loaded'] as const) {
        const decision = routeStudy(policy, s, roster, NOW, OPTIONS);
        const chosen = roster.find((r) => r.id === decision.assignee);
        if (chosen === undefined || decision.assignee === null) continue;
        const projection = projectQueue({ ...chosen, queue: [...chosen.queue, toQueued(s, OPTIONS)] }, NOW);
        const own = projection.findIndex((p) => p.study.studyId === 'new');
        expect(projection.slice(0, own).every((p) => p.study.priority === 'emergency')).toBe(true);
        expect(decision.projectedFinish).toBe(projection[own]?.finish);
      }
    }
  });

  test('fifo picks whoever is free first; least-loaded agrees with pickRadiologist', () => {
    for (const seed of rounds) {
      const g = gen(seed);
      const roster = randomRoster(g).map((r) => ({
        ...r,
        maxOpen: undefined,
        qualifications: undefined,
        onDuty: true,
      }));
      const s = randomStudy(g, 'new');
      const freeAt = (r: RoutingRadiologist) =>
        r.queue.reduce((t, q) => t + q.expectedMinutes * MINUTE, Math.max(NOW, r.busyUntil));
      const fifo = routeStudy('fifo', s, roster, NOW, OPTIONS);
      const earliest = Math.min(...roster.map(freeAt));
      expect(freeAt(roster.find((r) => r.id === fifo.assignee) as RoutingRadiologist)).toBe(earliest);
      const least = routeStudy('least-loaded', s, roster, NOW, OPTIONS);
      const today = pickRadiologist(
        roster.map((r) => ({
          userId: r.id,
          username: r.username,
          outstanding: [...(r.reading ? [r.reading.priority] : []), ...r.queue.map((q) => q.priority)],
        })),
      );
      expect(least.assignee).toBe(today?.userId);
    }
  });
});

describe('routeStudy properties (fast-check)', () => {
  const cases = fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((seed) => {
    const g = gen(seed);
    return { roster: randomRoster(g), study: randomStudy(g, 'new') };
  });

  test('deterministic, and deadline-aware does not depend on the order the roster is listed in', () => {
    fc.assert(
      fc.property(cases, ({ roster, study: s }) => {
        for (const policy of ROUTING_POLICIES) {
          expect(routeStudy(policy, s, roster, NOW, OPTIONS)).toEqual(routeStudy(policy, s, roster, NOW, OPTIONS));
        }
        expect(routeStudy('deadline-aware', s, [...roster].reverse(), NOW, OPTIONS)).toEqual(
          routeStudy('deadline-aware', s, roster, NOW, OPTIONS),
        );
      }),
    );
  });

  test('never an ineligible radiologist, under any policy', () => {
    fc.assert(
      fc.property(cases, ({ roster, study: s }) => {
        for (const policy of ROUTING_POLICIES) {
          const decision = routeStudy(policy, s, roster, NOW, OPTIONS);
          const chosen = roster.find((r) => r.id === decision.assignee);
          if (decision.assignee === null)
            expect(roster.every((r) => eligibilityOf(r, s, NOW) !== 'eligible')).toBe(true);
          else expect(chosen && eligibilityOf(chosen, s, NOW)).toBe('eligible');
        }
      }),
    );
  });
});
