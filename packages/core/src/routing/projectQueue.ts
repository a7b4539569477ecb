import { readingSequence } from './readingSequence.js';
import type { ReadingOrder } from './routingPolicy.js';
import type { QueuedStudy, RoutingRadiologist } from './types.js';

const MINUTE = 60_000;

export interface ProjectedStudy {
  study: QueuedStudy;
  /** Expected finish (ms), reading the queue in order from when the radiologist is next free. */
  finish: number;
  /** How far past the deadline the expected finish is (ms), 0 when on time. */
  lateMs: number;
  /** Chance the study is signed after its deadline, with reading times normally spread around their means. */
  breachProbability: number;
}

/** When the radiologist can open their next study: now, or when the study open now is expected to end. */
export function freeAt(radiologist: Pick<RoutingRadiologist, 'busyUntil'>, now: number): number {
  return Math.max(now, radiologist.busyUntil);
}

/**
 * The radiologist's queue read in order from when they are next free: each study's expected finish,
 * lateness and chance of a breach. The spread of a finish time adds up the spreads of every study read
 * before it.
 */
export function projectQueue(
  radiologist: Pick<RoutingRadiologist, 'busyUntil' | 'queue'>,
  now: number,
  order: ReadingOrder = 'urgency',
): ProjectedStudy[] {
  let clock = freeAt(radiologist, now);
  const queue = order === 'urgency' ? readingSequence(radiologist.queue, clock) : radiologist.queue;
  let variance = 0;
  return queue.map((study) => {
    clock += study.expectedMinutes * MINUTE;
    variance += ((study.sdMinutes ?? 0) * MINUTE) ** 2;
    const slack = study.deadlineAt - clock;
    return {
      study,
      finish: clock,
      lateMs: Math.max(0, -slack),
      breachProbability: breachProbability(slack, Math.sqrt(variance)),
    };
  });
}

export interface QueueRisk {
  /** Sum of the breach probabilities: the number of breaches to expect. */
  expectedBreaches: number;
  /** Sum of the expected lateness (ms). */
  lateMs: number;
}

export function queueRisk(projection: readonly ProjectedStudy[]): QueueRisk {
  let expectedBreaches = 0;
  let lateMs = 0;
  for (const p of projection) {
    expectedBreaches += p.breachProbability;
    lateMs += p.lateMs;
  }
  return { expectedBreaches, lateMs };
}

function breachProbability(slackMs: number, sdMs: number): number {
  if (sdMs === 0) return slackMs < 0 ? 1 : 0;
  return 1 - normalCdf(slackMs / sdMs);
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
