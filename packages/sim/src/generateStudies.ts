import { computeDeadline, type Priority } from '@telerad/core';
import type { Scenario } from './buildScenario.js';
import type { LoadArrival, LoadReadingTime } from './loadSchema.js';
import { Random } from './random.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Truncated-normal reading times are redrawn below this. */
const SHORTEST_READ_MINUTES = 0.5;

/** One simulated study, complete (ready) on arrival. Times are ms from the start of the day. */
export interface SimStudy {
  id: string;
  clinic: string;
  hospital: string;
  priority: Priority;
  modality: string;
  images: number;
  readyAt: number;
  targetAt: number;
  deadlineAt: number;
  /** How long this study will actually take to read: drawn now, unknown to the routing policy. */
  readingMs: number;
}

/**
 * Every study of the day for a seed, in arrival order. Each clinic's studies arrive as a Poisson
 * process whose rate may change on the hour. All random draws happen here, once, so every policy
 * run on the same seed faces exactly the same studies and reading times.
 */
export function generateStudies(scenario: Scenario, seed: number): SimStudy[] {
  const random = new Random(seed);
  const drafts: Array<Omit<SimStudy, 'id'>> = [];
  for (const stream of scenario.load.arrivals) {
    const hospital = scenario.clinicHospital.get(stream.clinic) ?? '';
    for (let hour = 0; hour < scenario.load.hours; hour++) {
      const rate = Array.isArray(stream.perHour) ? (stream.perHour[hour] ?? 0) : stream.perHour;
      if (rate <= 0) continue;
      for (let t = hour * HOUR + random.exponential(rate) * HOUR; t < (hour + 1) * HOUR; ) {
        drafts.push(draw(random, scenario, stream, hospital, Math.round(t)));
        t += random.exponential(rate) * HOUR;
      }
    }
  }
  drafts.sort((a, b) => a.readyAt - b.readyAt);
  const width = String(drafts.length).length;
  return drafts.map((d, i) => ({ id: `s${String(i + 1).padStart(width, '0')}`, ...d }));
}

function draw(
  random: Random,
  scenario: Scenario,
  stream: LoadArrival,
  hospital: string,
  readyAt: number,
): Omit<SimStudy, 'id'> {
  const priority = random.weighted(stream.mix);
  const modality =
    stream.modalities === undefined
      ? (Object.keys(scenario.load.readingMinutes)[0] ?? 'DX')
      : random.weighted(stream.modalities);
  const images =
    typeof stream.imagesPerStudy === 'number'
      ? stream.imagesPerStudy
      : random.int(stream.imagesPerStudy.min, stream.imagesPerStudy.max);
  const time = scenario.load.readingMinutes[modality];
  const deadlines = computeDeadline(new Date(readyAt), priority, scenario.sla);
  return {
    clinic: stream.clinic,
    hospital,
    priority,
    modality,
    images,
    readyAt,
    targetAt: deadlines.targetAt.getTime(),
    deadlineAt: deadlines.deadlineAt.getTime(),
    readingMs: Math.round(sampleMinutes(random, time) * MINUTE),
  };
}

function sampleMinutes(random: Random, time: LoadReadingTime | undefined): number {
  if (time === undefined) return 10;
  return time.distribution === 'normal'
    ? random.truncatedNormal(time.mean, time.sd, SHORTEST_READ_MINUTES)
    : random.lognormal(time.mean, time.sd);
}
