/** A small region and load for the simulator's tests. Not exported from the package. */
import path from 'node:path';
import { parseRegion, type Region } from '@telerad/config';
import { buildScenario, type Scenario } from '../buildScenario.js';
import { parseLoad } from '../readLoad.js';

export const REPO = path.resolve(import.meta.dirname, '../../../..');
export const SCENARIOS = path.join(REPO, 'fixtures/scenarios');

const radiologist = (username: string, onDuty = true) => ({
  username,
  password: 'x',
  role: 'radiologist',
  hospital: 'district',
  onDuty,
  name: { zh: username, en: username },
});

export const tinyRegion: Region = parseRegion({
  region: { code: 'tiny', name: { zh: '小', en: 'Tiny' } },
  sla: {
    emergency: { target: '30m', limit: '30m' },
    outpatient: { target: '60m', limit: '60m' },
    inpatient: { target: '60m', limit: '120m' },
  },
  hospitals: [{ code: 'district', name: { zh: '区', en: 'District' } }],
  clinics: [{ code: 'clinic-a', name: { zh: '甲', en: 'A' }, hospital: 'district' }],
  users: [radiologist('rad1'), radiologist('rad2'), radiologist('rad3', false)],
});

export const tinyLoad = {
  hours: 2,
  readingMinutes: { DX: { mean: 6, sd: 2 } },
  arrivals: [{ clinic: 'clinic-a', perHour: 10, mix: { emergency: 1, outpatient: 4, inpatient: 1 } }],
};

export function tinyScenario(overrides: Record<string, unknown> = {}): Scenario {
  return buildScenario(tinyRegion, parseLoad({ ...tinyLoad, ...overrides }));
}
