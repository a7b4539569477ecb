import { describe, expect, test } from 'vitest';
import { pickRadiologist, type RadiologistLoad } from './pickRadiologist.js';

const rad = (username: string, ...outstanding: RadiologistLoad['outstanding']): RadiologistLoad => ({
  userId: `id-${username}`,
  username,
  outstanding,
});

describe('pickRadiologist: least urgency-weighted outstanding work', () => {
  test('nobody on duty → null', () => {
    expect(pickRadiologist([])).toBeNull();
  });

  test.each([
    ['an idle radiologist beats a busy one', [rad('rad1', 'inpatient'), rad('rad2')], 'rad2'],
    [
      'one emergency outweighs two inpatient films',
      [rad('rad1', 'emergency'), rad('rad2', 'inpatient', 'inpatient')],
      'rad2',
    ],
    [
      'two emergencies outweigh one outpatient and two inpatient',
      [rad('rad1', 'emergency', 'emergency'), rad('rad2', 'outpatient', 'inpatient', 'inpatient')],
      'rad2',
    ],
    ['ties go to the first username, whatever the input order', [rad('rad2'), rad('rad1')], 'rad1'],
  ] as const)('%s', (_name, candidates, expected) => {
    expect(pickRadiologist(candidates)?.username).toBe(expected);
  });

  test('the choice never has more weighted load than any other candidate', () => {
    const priorities = ['emergency', 'outpatient', 'inpatient'] as const;
    const weight = { emergency: 3, outpatient: 2, inpatient: 1 };
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 500; round++) {
      const candidates = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) =>
        rad(
          `r${i}`,
          ...Array.from(
            { length: Math.floor(random() * 6) },
            () => priorities[Math.floor(random() * 3)] ?? 'inpatient',
          ),
        ),
      );
      const load = (c: RadiologistLoad) => c.outstanding.reduce((s, p) => s + weight[p], 0);
      const chosen = pickRadiologist(candidates);
      expect(chosen).not.toBeNull();
      for (const c of candidates) expect(load(chosen as RadiologistLoad)).toBeLessThanOrEqual(load(c));
    }
  });
});
