import type { Priority } from './priority.js';

/** SLA rule for one priority. Durations are milliseconds. */
export interface SlaRule {
  /** Report wanted by this time (the published commitment's target). */
  targetMs: number;
  /** Report must be signed by this time; later is a breach. */
  limitMs: number;
  /** Fraction of the limit at which a warning fires (0 < warnAt < 1). */
  warnAt: number;
}

export type SlaPolicy = Readonly<Record<Priority, SlaRule>>;

const MINUTE = 60_000;

/** The alliance's service commitment: emergency 30 min, outpatient 1 h, inpatient 1–2 h. */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  emergency: { targetMs: 30 * MINUTE, limitMs: 30 * MINUTE, warnAt: 0.75 },
  outpatient: { targetMs: 60 * MINUTE, limitMs: 60 * MINUTE, warnAt: 0.75 },
  inpatient: { targetMs: 60 * MINUTE, limitMs: 120 * MINUTE, warnAt: 0.75 },
};
