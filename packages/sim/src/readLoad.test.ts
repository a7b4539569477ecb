import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadRegion } from '@telerad/config';
import { describe, expect, test } from 'vitest';
import { buildScenario } from './buildScenario.js';
import { LoadFileError, parseLoad, readLoad } from './readLoad.js';
import { SCENARIOS, tinyLoad, tinyRegion } from './testing/tinyRegion.js';

const problemsOf = (raw: unknown): string => {
  try {
    buildScenario(tinyRegion, parseLoad(raw, 'test.yaml'), 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(LoadFileError);
    return (error as Error).message;
  }
  throw new Error('expected the load to be refused');
};

describe('load file validation', () => {
  test.each([
    ['no hours', { ...tinyLoad, hours: undefined }, 'hours: Invalid input'],
    ['hours as text', { ...tinyLoad, hours: 'eight' }, 'hours: Invalid input: expected number'],
    ['no arrivals', { ...tinyLoad, arrivals: [] }, 'arrivals: Too small'],
    ['a negative rate', { ...tinyLoad, arrivals: [{ ...tinyLoad.arrivals[0], perHour: -1 }] }, 'arrivals.0.perHour'],
    [
      'hourly rates that do not match hours',
      { ...tinyLoad, arrivals: [{ ...tinyLoad.arrivals[0], perHour: [1, 2, 3] }] },
      'arrivals.0.perHour: 3 hourly rates for 2 hours',
    ],
    [
      'a mix of zeros',
      { ...tinyLoad, arrivals: [{ ...tinyLoad.arrivals[0], mix: { emergency: 0 } }] },
      'arrivals.0.mix: at least one of emergency, outpatient, inpatient must be above 0',
    ],
    [
      'an unknown priority in the mix',
      { ...tinyLoad, arrivals: [{ ...tinyLoad.arrivals[0], mix: { urgent: 1, outpatient: 1 } }] },
      'arrivals.0.mix: Unrecognized key: "urgent"',
    ],
    [
      'a modality without reading times',
      { ...tinyLoad, arrivals: [{ ...tinyLoad.arrivals[0], modalities: { CT: 1 } }] },
      'arrivals.0.modalities.CT: no readingMinutes for CT',
    ],
    ['a reading time without sd', { ...tinyLoad, readingMinutes: { DX: { mean: 6 } } }, 'readingMinutes.DX.sd'],
    ['a zero mean', { ...tinyLoad, readingMinutes: { DX: { mean: 0, sd: 1 } } }, 'readingMinutes.DX.mean: Too small'],
    ['no modality at all', { ...tinyLoad, readingMinutes: {} }, 'readingMinutes: name at least one modality'],
    ['an unknown key', { ...tinyLoad, arrival: [] }, '(root): Unrecognized key: "arrival"'],
    ['a bad start', { ...tinyLoad, start: '8am' }, 'start: a time of day such as 08:00 or 14:30'],
    [
      'an event with neither onDuty nor offDuty',
      { ...tinyLoad, events: [{ at: '09:00', radiologist: 'rad1' }] },
      'events.0: give exactly one of onDuty or offDuty',
    ],
    [
      'an event before the start',
      { ...tinyLoad, start: '08:00', events: [{ at: '07:30', radiologist: 'rad1', offDuty: true }] },
      'events.0.at: 07:30 is before the start 08:00',
    ],
    [
      'a clinic the region does not have',
      { ...tinyLoad, arrivals: [{ ...tinyLoad.arrivals[0], clinic: 'nowhere' }] },
      'arrivals.0.clinic: unknown clinic "nowhere" (the region has clinic-a)',
    ],
    [
      'a radiologist the region does not have',
      { ...tinyLoad, radiologists: [{ username: 'rad1' }, { username: 'admin' }] },
      'radiologists.1.username: "admin" is not a radiologist of the region',
    ],
    [
      'an event for someone not simulated',
      {
        ...tinyLoad,
        radiologists: [{ username: 'rad1' }],
        events: [{ at: '09:00', radiologist: 'rad2', offDuty: true }],
      },
      'events.0.radiologist: "rad2" is not a simulated radiologist',
    ],
  ])('%s is refused, naming the field', (_name, raw, expected) => {
    const message = problemsOf(raw);
    expect(message).toContain('invalid load file test.yaml — ');
    expect(message).toContain(expected);
  });

  test('several problems are reported together', () => {
    const message = problemsOf({ ...tinyLoad, hours: 0, readingMinutes: {} });
    expect(message).toMatch(/hours: .*; readingMinutes: /);
  });

  test('an unreadable file names the file', () => {
    expect(() => readLoad('/nonexistent/load.yaml')).toThrow(/cannot read load file \/nonexistent\/load.yaml/);
  });

  test('defaults: start 08:00, one image a study, lognormal reading times, no events', () => {
    const load = parseLoad(tinyLoad);
    expect(load.start).toBe('08:00');
    expect(load.arrivals[0]?.imagesPerStudy).toBe(1);
    expect(load.readingMinutes.DX?.distribution).toBe('lognormal');
    expect(load.events).toEqual([]);
  });

  test('without a radiologist list, the region’s radiologists on duty read', () => {
    const scenario = buildScenario(tinyRegion, parseLoad(tinyLoad));
    expect(scenario.radiologists.map((r) => r.username)).toEqual(['rad1', 'rad2']);
  });

  test('events become roster changes in ms from the start, in time order', () => {
    const scenario = buildScenario(
      tinyRegion,
      parseLoad({
        ...tinyLoad,
        start: '08:00',
        radiologists: [{ username: 'rad1' }, { username: 'rad3', onDuty: false }],
        events: [
          { at: '12:00', radiologist: 'rad1', offDuty: true },
          { at: '09:15', radiologist: 'rad3', onDuty: true },
        ],
      }),
    );
    expect(scenario.events).toEqual([
      { at: 75 * 60_000, radiologistId: 'rad3', onDuty: true },
      { at: 240 * 60_000, radiologistId: 'rad1', onDuty: false },
    ]);
  });

  test.each(readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml') && f !== 'region.sim.yaml'))(
    'the shipped scenario %s is valid against region.sim.yaml',
    (file) => {
      const region = loadRegion(path.join(SCENARIOS, 'region.sim.yaml'));
      const scenario = buildScenario(region, readLoad(path.join(SCENARIOS, file)));
      expect(scenario.radiologists.length).toBeGreaterThan(0);
    },
  );
});
