import { randomUUID } from 'node:crypto';
import type { Principal } from '@telerad/core';
import type { StudyEvent } from '@telerad/queue';
import { describe, expect, test } from 'vitest';
import { eventFor } from './eventFilter.js';

const district = randomUUID();
const city = randomUUID();
const clinicA = randomUUID();
const clinicB = randomUUID();
const rad1 = randomUUID();
const rad3 = randomUUID();
const user = (role: 'admin' | 'radiologist' | 'radiographer', over: Partial<Principal> = {}): Principal =>
  ({
    kind: 'user',
    userId: randomUUID(),
    username: role,
    role,
    hospitalId: null,
    clinicId: null,
    ...over,
  }) as Principal;

const event: StudyEvent = {
  type: 'reassigned',
  studyId: randomUUID(),
  hospitalId: district,
  clinicId: clinicA,
  userId: rad1,
  previousUserId: rad3,
  at: new Date().toISOString(),
};

describe('who hears a study event', () => {
  test.each<[string, Principal, { toYou: boolean; fromYou: boolean } | null]>([
    ['an administrator', user('admin'), { toYou: false, fromYou: false }],
    ['the new assignee', user('radiologist', { userId: rad1, hospitalId: district }), { toYou: true, fromYou: false }],
    [
      'the one it was taken from, of another hospital',
      user('radiologist', { userId: rad3, hospitalId: city }),
      { toYou: false, fromYou: true },
    ],
    ['a colleague of the hospital', user('radiologist', { hospitalId: district }), { toYou: false, fromYou: false }],
    ['a radiologist of another hospital', user('radiologist', { hospitalId: city }), null],
    ["the clinic's radiographer", user('radiographer', { clinicId: clinicA }), { toYou: false, fromYou: false }],
    ["another clinic's radiographer", user('radiographer', { clinicId: clinicB }), null],
    [
      "the clinic's API token",
      { kind: 'clinic', clinicId: clinicA, clinicCode: 'a' },
      { toYou: false, fromYou: false },
    ],
    ["another clinic's API token", { kind: 'clinic', clinicId: clinicB, clinicCode: 'b' }, null],
  ])('%s', (_who, principal, expected) => {
    const heard = eventFor(principal, event);
    if (expected === null) expect(heard).toBeNull();
    else expect(heard).toEqual({ type: 'reassigned', studyId: event.studyId, at: event.at, ...expected });
  });
});
