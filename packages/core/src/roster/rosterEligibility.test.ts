import { describe, expect, test } from 'vitest';
import { candidatesFor, preferPresent } from './candidatesFor.js';
import { type RosterVerdict, rosterEligibility } from './rosterEligibility.js';
import type { EligibilityContext, RosterMember } from './rosterMember.js';
import { zonedInstant } from './zonedTime.js';

const TZ = 'Asia/Shanghai';
/** Monday 2026-11-23, 10:00 in Shanghai. */
const NOW = zonedInstant('2026-11-23', 10 * 60, TZ);
const DAY = {
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, start: '08:00', end: '17:00' }],
  dated: [],
};
const NIGHT = { weekly: [{ days: ['mon'] as const, start: '20:00', end: '08:00' }], dated: [] };

const member = (over: Partial<RosterMember> = {}): RosterMember => ({
  id: 'r1',
  username: 'rad1',
  hospitalId: 'district',
  onDuty: true,
  title: 'attending',
  schedule: DAY,
  timeZone: TZ,
  maxOpen: 5,
  modalities: ['DX', 'CR'],
  bodyParts: null,
  openCount: 0,
  lastSeenAt: null,
  ...over,
});
const context: EligibilityContext = { hospitalIds: ['district'], residentsMaySign: [] };

describe('rosterEligibility', () => {
  test.each<
    [string, Partial<RosterMember>, Partial<EligibilityContext>, { modality: string; bodyPart?: string }, RosterVerdict]
  >([
    ['on shift, on duty, qualified, under cap', {}, {}, { modality: 'DX' }, 'eligible'],
    ['another hospital', { hospitalId: 'city' }, {}, { modality: 'DX' }, 'other-hospital'],
    [
      'another hospital when escalated to it',
      { hospitalId: 'city' },
      { hospitalIds: ['city'] },
      { modality: 'DX' },
      'eligible',
    ],
    ['the one the study is moving away from', {}, { exclude: ['r1'] }, { modality: 'DX' }, 'excluded'],
    ['off duty', { onDuty: false }, {}, { modality: 'DX' }, 'off-duty'],
    ['on duty but the shift is at night', { schedule: NIGHT }, {}, { modality: 'DX' }, 'off-shift'],
    ['no shifts written: on shift', { schedule: { weekly: [], dated: [] } }, {}, { modality: 'DX' }, 'eligible'],
    [
      'on leave today',
      { schedule: { ...DAY, dated: [{ date: '2026-11-23', off: true }] } },
      {},
      { modality: 'DX' },
      'off-shift',
    ],
    ['a resident cannot sign alone', { title: 'resident' }, {}, { modality: 'DX' }, 'title'],
    [
      'a resident where the hospital allows it',
      { title: 'resident' },
      { residentsMaySign: ['district'] },
      { modality: 'DX' },
      'eligible',
    ],
    ['a chief', { title: 'chief' }, {}, { modality: 'DX' }, 'eligible'],
    ['title not recorded', { title: null }, {}, { modality: 'DX' }, 'eligible'],
    ['not qualified for MG', {}, {}, { modality: 'MG' }, 'unqualified'],
    ['modality not known', {}, {}, { modality: '' }, 'eligible'],
    ['every modality', { modalities: null }, {}, { modality: 'MG' }, 'eligible'],
    ['chest only, a spine film', { bodyParts: ['CHEST'] }, {}, { modality: 'DX', bodyPart: 'LSPINE' }, 'unqualified'],
    ['chest only, a chest film', { bodyParts: ['CHEST'] }, {}, { modality: 'DX', bodyPart: 'CHEST' }, 'eligible'],
    ['chest only, body part unknown', { bodyParts: ['CHEST'] }, {}, { modality: 'DX' }, 'eligible'],
    ['at the cap', { openCount: 5 }, {}, { modality: 'DX' }, 'full'],
    ['one below the cap', { openCount: 4 }, {}, { modality: 'DX' }, 'eligible'],
    ['no cap', { maxOpen: null, openCount: 40 }, {}, { modality: 'DX' }, 'eligible'],
  ])('%s', (_name, over, ctx, study, expected) => {
    expect(rosterEligibility(member(over), study, NOW, { ...context, ...ctx })).toBe(expected);
  });
});

describe('candidatesFor', () => {
  test.each<[string, Array<Partial<RosterMember>>, string]>([
    ['nobody in the hospital', [{ hospitalId: 'city' }], 'the hospital has no radiologist'],
    ['everyone off duty', [{ onDuty: false }, { id: 'r2', onDuty: false }], 'no radiologist is on duty'],
    [
      'on duty but off shift',
      [{ onDuty: false }, { id: 'r2', schedule: NIGHT }],
      'no radiologist on duty is on shift now',
    ],
    ['only a resident', [{ title: 'resident' }], 'no radiologist on duty may sign alone (only residents are on shift)'],
    ['nobody reads CR', [{ modalities: ['DX'] }], 'no radiologist on duty reads CR'],
    [
      'everyone full',
      [{ openCount: 5 }, { id: 'r2', modalities: ['DX'] }],
      'every qualified radiologist on duty has reached their cap of open studies',
    ],
  ])('%s', (_name, members, reason) => {
    expect(candidatesFor(members.map(member), { modality: 'CR' }, NOW, context)).toEqual({ eligible: null, reason });
  });

  test('moving a study away from the only one on duty', () => {
    const found = candidatesFor([member(), member({ id: 'r2', onDuty: false })], { modality: 'DX' }, NOW, {
      ...context,
      exclude: ['r1'],
    });
    expect(found).toEqual({ eligible: null, reason: 'no other radiologist is on duty' });
  });

  test('the eligible ones, in roster order', () => {
    const found = candidatesFor(
      [member(), member({ id: 'r2', onDuty: false }), member({ id: 'r3' })],
      { modality: 'DX' },
      NOW,
      context,
    );
    expect(found.eligible?.map((m) => m.id)).toEqual(['r1', 'r3']);
  });
});

describe('preferPresent', () => {
  test('the ones with the worklist open when there are any, else everyone eligible', () => {
    const here = member({ id: 'here', lastSeenAt: NOW - 10_000 });
    const gone = member({ id: 'gone', lastSeenAt: NOW - 60_000 });
    const never = member({ id: 'never' });
    expect(preferPresent([gone, here, never], NOW).map((m) => m.id)).toEqual(['here']);
    expect(preferPresent([gone, never], NOW).map((m) => m.id)).toEqual(['gone', 'never']);
  });
});
