import { PRIORITIES, type Priority } from '@telerad/core';
import type { SimRun } from './simulate.js';

const MINUTE = 60_000;

export interface PrioritySummary {
  studies: number;
  /** Share signed within the limit (0–1); null when there were none of this priority. */
  compliance: number | null;
  p50: number | null;
  p95: number | null;
}

export interface SimSummary {
  policy: string;
  studies: number;
  images: number;
  unsigned: number;
  rerouted: number;
  compliance: number | null;
  byPriority: Record<Priority, PrioritySummary>;
  /** Share of on-duty radiologist time spent reading, over the arrival window (0–1). */
  utilization: number | null;
}

/** The SLA figures an administrator sees, computed from a simulated day. */
export function summarise(run: SimRun): SimSummary {
  const outcomes = run.outcomes;
  const within = (o: (typeof outcomes)[number]) => o.signedAt !== null && o.signedAt <= o.study.deadlineAt;
  const byPriority = Object.fromEntries(
    PRIORITIES.map((p) => {
      const mine = outcomes.filter((o) => o.study.priority === p);
      const tat = mine.flatMap((o) => (o.signedAt === null ? [] : [(o.signedAt - o.study.readyAt) / MINUTE]));
      return [
        p,
        {
          studies: mine.length,
          compliance: share(mine.filter(within).length, mine.length),
          p50: percentile(tat, 0.5),
          p95: percentile(tat, 0.95),
        },
      ];
    }),
  ) as Record<Priority, PrioritySummary>;
  return {
    policy: run.policy,
    studies: outcomes.length,
    images: outcomes.reduce((sum, o) => sum + o.study.images, 0),
    unsigned: outcomes.filter((o) => o.signedAt === null).length,
    rerouted: run.rerouted,
    compliance: share(outcomes.filter(within).length, outcomes.length),
    byPriority,
    utilization: share(run.busyMs, run.onDutyMs),
  };
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Linear interpolation between closest ranks, as PostgreSQL's percentile_cont (the SLA dashboard). */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  const lo = sorted[low] ?? 0;
  const hi = sorted[Math.min(low + 1, sorted.length - 1)] ?? lo;
  return lo + (hi - lo) * (rank - low);
}

export interface SimJson {
  policy: string;
  studies: number;
  compliance: Record<'overall' | Priority, number | null>;
  tatMinutes: Record<Priority, { p50: number | null; p95: number | null }>;
  utilization: number | null;
}

/** The one-line JSON form (`--json`): compliance as fractions 0–1, minutes to 0.1. */
export function toJson(summary: SimSummary): SimJson {
  const round = (v: number | null, digits: number) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);
  const compliance = { overall: round(summary.compliance, 4) } as SimJson['compliance'];
  const tatMinutes = {} as SimJson['tatMinutes'];
  for (const p of PRIORITIES) {
    const s = summary.byPriority[p];
    compliance[p] = round(s.compliance, 4);
    tatMinutes[p] = { p50: round(s.p50, 1), p95: round(s.p95, 1) };
  }
  return {
    policy: summary.policy,
    studies: summary.studies,
    compliance,
    tatMinutes,
    utilization: round(summary.utilization, 3),
  };
}
