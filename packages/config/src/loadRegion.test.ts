import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { loadRegion, parseRegion, readingTimesOf, slaPolicyOf } from './loadRegion.js';

const demoFile = path.resolve(import.meta.dirname, '../../../fixtures/region.demo.yaml');

describe('the demo region', () => {
  const region = loadRegion(demoFile);

  test('has the district hospital with its fallback, two clinics and the six demo users', () => {
    expect(region.hospitals.map((h) => [h.code, h.fallback])).toEqual([
      ['district', ['city']],
      ['city', []],
    ]);
    expect(region.clinics.map((c) => [c.code, c.aeTitles, c.apiTokens])).toEqual([
      ['clinic-a', ['CLINIC_A'], ['demo-token-clinic-a']],
      ['clinic-b', ['CLINIC_B'], ['demo-token-clinic-b']],
    ]);
    expect(region.users.map((u) => `${u.username}:${u.role}`)).toEqual([
      'admin:admin',
      'rad1:radiologist',
      'rad2:radiologist',
      'rad3:radiologist',
      'tech-a:radiographer',
      'tech-b:radiographer',
    ]);
    expect(region.aeTitle).toBe('TELERAD');
    expect(region.timeZone).toBe('Asia/Shanghai');
    expect(region.users.find((u) => u.username === 'rad1')?.shifts).toEqual([
      { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '20:00' },
      { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '20:00', end: '08:00' },
    ]);
  });

  test('carries the mission SLA: 30 / 60 / 60–120 minutes', () => {
    const policy = slaPolicyOf(region);
    expect(policy.emergency).toEqual({ targetMs: 30 * 60_000, limitMs: 30 * 60_000, warnAt: 0.75 });
    expect(policy.outpatient.limitMs).toBe(60 * 60_000);
    expect(policy.inpatient).toMatchObject({ targetMs: 60 * 60_000, limitMs: 120 * 60_000 });
  });

  test('reading times: plain-film defaults, and a region’s own in any duration', () => {
    expect(readingTimesOf(region)).toEqual({ DX: { mean: 6, sd: 3 }, CR: { mean: 7, sd: 3.5 } });
    const raw = parse(readFileSync(demoFile, 'utf8'));
    raw.readingTimes = { DX: { mean: '6s', sd: '3s' }, MG: { mean: '12m', sd: '4m' } };
    expect(readingTimesOf(parseRegion(raw))).toEqual({
      DX: { mean: 0.1, sd: 0.05 },
      CR: { mean: 7, sd: 3.5 },
      MG: { mean: 12, sd: 4 },
    });
    raw.readingTimes = { dx: { mean: '6m', sd: '3m' } };
    expect(() => parseRegion(raw)).toThrow(/readingTimes/);
  });
});

describe('bad region files are refused with the path of each problem', () => {
  const demo = parse(readFileSync(demoFile, 'utf8'));
  const variant = (mutate: (r: typeof demo) => void) => {
    const copy = structuredClone(demo);
    mutate(copy);
    return copy;
  };

  test.each([
    [
      'unknown hospital',
      (r: typeof demo) => (r.clinics[0].hospital = 'nowhere'),
      /clinics\.0\.hospital: unknown hospital "nowhere"/,
    ],
    ['bad duration', (r: typeof demo) => (r.sla.emergency.limit = 'half an hour'), /sla\.emergency\.limit/],
    ['radiologist without hospital', (r: typeof demo) => delete r.users[1].hospital, /users\.1\.hospital/],
    [
      'duplicate AE title',
      (r: typeof demo) => (r.clinics[1].aeTitles = ['CLINIC_A']),
      /AE title CLINIC_A is used by both/,
    ],
    [
      'bad webhook secret',
      (r: typeof demo) => (r.clinics[0].webhook.secret = 'hunter2'),
      /clinics\.0\.webhook\.secret/,
    ],
    ['unknown field', (r: typeof demo) => (r.colour = 'blue'), /colour/],
    [
      'unknown fallback',
      (r: typeof demo) => (r.hospitals[0].fallback = ['moon']),
      /hospitals\.0\.fallback\.0: unknown/,
    ],
    ['fallback to itself', (r: typeof demo) => (r.hospitals[0].fallback = ['district']), /fall back to itself/],
    ['bad time zone', (r: typeof demo) => (r.timeZone = 'Mars/Olympus'), /timeZone: an IANA time zone/],
    [
      'bad shift time',
      (r: typeof demo) => (r.users[1].shifts = [{ days: ['mon'], start: '8am', end: '17:00' }]),
      /users\.1\.shifts\.0\.start/,
    ],
    [
      'bad weekday',
      (r: typeof demo) => (r.users[1].shifts = [{ days: ['monday'], start: '08:00', end: '17:00' }]),
      /users\.1\.shifts\.0\.days/,
    ],
    [
      'bad dated shift',
      (r: typeof demo) => (r.users[1].shiftDates = [{ date: '2026-13-01', off: true }]),
      /users\.1\.shiftDates\.0/,
    ],
    ['zero cap', (r: typeof demo) => (r.users[1].maxOpen = 0), /users\.1\.maxOpen/],
    ['bad title', (r: typeof demo) => (r.users[1].title = 'professor'), /users\.1\.title/],
  ])('%s', (_name, mutate, message) => {
    expect(() => parseRegion(variant(mutate))).toThrow(message);
  });
});
