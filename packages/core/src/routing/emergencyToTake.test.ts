import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PRIORITIES } from '../priority.js';
import { emergencyToTake } from './emergencyToTake.js';
import type { QueuedStudy, RoutingRadiologist } from './types.js';

const NOW = Date.UTC(2026, 10, 24, 1, 0);
const at = (minutes: number) => NOW + minutes * 60_000;
const q = (studyId: string, priority: QueuedStudy['priority'], due: number): QueuedStudy => ({
  studyId,
  priority,
  deadlineAt: at(due),
  expectedMinutes: 6,
});
const rad = (id: string, over: Partial<RoutingRadiologist> = {}): RoutingRadiologist => ({
  id,
  username: id,
  onDuty: true,
  queue: [],
  busyUntil: at(-1),
  ...over,
});
const reading = { studyId: 'r', priority: 'outpatient' as const };

describe('emergencyToTake: a free radiologist takes an emergency waiting behind a colleague', () => {
  test.each([
    ['waiting behind a read', rad('me'), [rad('a', { reading, queue: [q('e', 'emergency', 20)] })], 'e'],
    ['not from a colleague who is free to read it', rad('me'), [rad('a', { queue: [q('e', 'emergency', 20)] })], null],
    ['not while I am reading', rad('me', { reading }), [rad('a', { reading, queue: [q('e', 'emergency', 20)] })], null],
    [
      'not when off duty',
      rad('me', { onDuty: false }),
      [rad('a', { reading, queue: [q('e', 'emergency', 20)] })],
      null,
    ],
    ['never an outpatient film', rad('me'), [rad('a', { reading, queue: [q('o', 'outpatient', 5)] })], null],
    [
      'not before my own emergency due sooner',
      rad('me', { queue: [q('mine', 'emergency', 10)] }),
      [rad('a', { reading, queue: [q('e', 'emergency', 20)] })],
      null,
    ],
    [
      'before my own outpatient film',
      rad('me', { queue: [q('mine', 'outpatient', 3)] }),
      [rad('a', { reading, queue: [q('e', 'emergency', 20)] })],
      'e',
    ],
    [
      'the emergency due first',
      rad('me'),
      [
        rad('a', { reading, queue: [q('e1', 'emergency', 25)] }),
        rad('b', { reading, queue: [q('e2', 'emergency', 12)] }),
      ],
      'e2',
    ],
  ] as const)('%s', (_name, taker, colleagues, expected) => {
    expect(emergencyToTake(taker, colleagues)?.study.studyId ?? null).toBe(expected);
  });

  test('only what the taker may read', () => {
    const colleagues = [rad('a', { reading, queue: [q('cr', 'emergency', 10), q('dx', 'emergency', 20)] })];
    expect(emergencyToTake(rad('me'), colleagues, (s) => s.studyId !== 'cr')?.study.studyId).toBe('dx');
    expect(emergencyToTake(rad('me'), colleagues)).toEqual({ study: colleagues[0]?.queue[0], fromId: 'a' });
  });

  test('property: only an emergency, from a colleague reading, that the taker may read', () => {
    const desk = fc.array(
      fc.record({
        reading: fc.boolean(),
        queue: fc.array(
          fc.record({ priority: fc.constantFrom(...PRIORITIES), due: fc.integer({ min: -20, max: 120 }) }),
          {
            maxLength: 5,
          },
        ),
      }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(desk, fc.boolean(), (spec, allowOdd) => {
        const [me, ...others] = spec.map((s, i) =>
          rad(`r${i}`, {
            ...(s.reading && i > 0 ? { reading } : {}),
            queue: s.queue.map((x, j) => q(`r${i}-${j}`, x.priority, x.due)),
          }),
        );
        if (me === undefined) return;
        const mayRead = (s: QueuedStudy) => allowOdd || Number(s.studyId.at(-1)) % 2 === 0;
        const move = emergencyToTake(me, others, mayRead);
        const waiting = others
          .filter((o) => o.reading !== undefined)
          .flatMap((o) => o.queue.filter((s) => s.priority === 'emergency' && mayRead(s)));
        if (move === null) {
          const firstDue = Math.min(...waiting.map((s) => s.deadlineAt));
          const ownSooner = me.queue.some((s) => s.priority === 'emergency' && s.deadlineAt <= firstDue);
          expect(waiting.length === 0 || ownSooner).toBe(true);
          return;
        }
        expect(move.study.priority).toBe('emergency');
        expect(mayRead(move.study)).toBe(true);
        expect(others.find((o) => o.id === move.fromId)?.reading).toBeDefined();
        expect(waiting.every((s) => s.deadlineAt >= move.study.deadlineAt)).toBe(true);
      }),
    );
  });
});
