import type { Region } from '@telerad/config';
import { slaPolicyOf } from '@telerad/config';
import type { ReadingTimes, SlaPolicy } from '@telerad/core';
import type { Load } from './loadSchema.js';
import { LoadFileError } from './readLoad.js';

const MINUTE = 60_000;

export interface SimRadiologist {
  id: string;
  username: string;
  hospital: string;
  onDuty: boolean;
  qualifications?: readonly string[];
  maxOpen?: number;
}

/** A radiologist going on or off duty, in milliseconds from the start of the day. */
export interface RosterChange {
  at: number;
  radiologistId: string;
  onDuty: boolean;
}

/** Everything one simulated day needs except the random draws: the region and the load, joined up. */
export interface Scenario {
  load: Load;
  sla: SlaPolicy;
  /** Clinic code → the hospital that reads its studies. */
  clinicHospital: ReadonlyMap<string, string>;
  radiologists: readonly SimRadiologist[];
  events: readonly RosterChange[];
  /** How long studies arrive for (ms). */
  windowMs: number;
  readingMinutes: ReadingTimes;
}

/**
 * Joins a load to a region: its clinics must exist, the radiologists it names must be radiologists
 * of the region (without a list, the region's radiologists on duty read), and its events must name
 * simulated radiologists. Problems are reported together, each with its path in the load file.
 */
export function buildScenario(region: Region, load: Load, source = 'load'): Scenario {
  const problems: string[] = [];
  const clinicHospital = new Map(region.clinics.map((c) => [c.code, c.hospital]));
  load.arrivals.forEach((a, i) => {
    if (!clinicHospital.has(a.clinic)) {
      problems.push(
        `arrivals.${i}.clinic: unknown clinic "${a.clinic}" (the region has ${[...clinicHospital.keys()].join(', ')})`,
      );
    }
  });
  const radiologists = rosterOf(region, load, problems);
  const known = new Set(radiologists.map((r) => r.id));
  const startMinutes = minutesOf(load.start);
  const events = load.events.map((e, i) => {
    if (!known.has(e.radiologist))
      problems.push(`events.${i}.radiologist: "${e.radiologist}" is not a simulated radiologist`);
    return {
      at: (minutesOf(e.at) - startMinutes) * MINUTE,
      radiologistId: e.radiologist,
      onDuty: e.onDuty ?? !e.offDuty,
    };
  });
  if (problems.length > 0) throw new LoadFileError(`invalid load file ${source} — ${problems.join('; ')}`);
  return {
    load,
    sla: slaPolicyOf(region),
    clinicHospital,
    radiologists,
    events: events.sort((a, b) => a.at - b.at),
    windowMs: load.hours * 60 * MINUTE,
    readingMinutes: Object.fromEntries(
      Object.entries(load.readingMinutes).map(([m, t]) => [m, { mean: t.mean, sd: t.sd }]),
    ),
  };
}

function rosterOf(region: Region, load: Load, problems: string[]): SimRadiologist[] {
  const regionRadiologists = region.users.filter((u) => u.role === 'radiologist');
  const byUsername = new Map(regionRadiologists.map((u) => [u.username, u]));
  if (load.radiologists === undefined) {
    return regionRadiologists
      .filter((u) => u.onDuty)
      .map((u) => ({ id: u.username, username: u.username, hospital: u.hospital ?? '', onDuty: true }));
  }
  const roster: SimRadiologist[] = [];
  load.radiologists.forEach((r, i) => {
    const user = byUsername.get(r.username);
    if (user === undefined) {
      problems.push(`radiologists.${i}.username: "${r.username}" is not a radiologist of the region`);
      return;
    }
    roster.push({
      id: r.username,
      username: r.username,
      hospital: user.hospital ?? '',
      onDuty: r.onDuty,
      ...(r.qualifications === undefined ? {} : { qualifications: r.qualifications }),
      ...(r.maxOpen === undefined ? {} : { maxOpen: r.maxOpen }),
    });
  });
  return roster;
}

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
