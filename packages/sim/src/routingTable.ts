import { PRIORITIES, type Priority, ROUTING_POLICIES, type RoutingPolicy } from '@telerad/core';
import type { Scenario } from './buildScenario.js';
import { runSimulation } from './runSimulation.js';
import type { SimSummary } from './summarise.js';

/** One policy on one scenario, averaged over seeds. */
export interface TableRow {
  scenario: string;
  policy: RoutingPolicy;
  seeds: number;
  studies: number;
  utilization: number;
  compliance: number;
  emergency: number;
  /** The worst seed's emergency compliance. */
  worstEmergency: number;
  /** Seeds on which every emergency was signed within its limit. */
  seedsAllEmergenciesInTime: number;
  p95: Record<Priority, number | null>;
}

const mean = (values: readonly (number | null)[]): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
};

/** Every policy on every scenario, each over the same seeds (so every policy meets the same studies). */
export function buildTable(scenarios: ReadonlyArray<{ name: string; scenario: Scenario }>, seeds: readonly number[]) {
  const rows: TableRow[] = [];
  for (const { name, scenario } of scenarios) {
    for (const policy of ROUTING_POLICIES) {
      const runs = seeds.map((seed) => runSimulation(scenario, policy, seed));
      rows.push(rowOf(name, policy, runs));
    }
  }
  return rows;
}

function rowOf(scenario: string, policy: RoutingPolicy, runs: readonly SimSummary[]): TableRow {
  const emergency = runs.map((r) => r.byPriority.emergency.compliance);
  return {
    scenario,
    policy,
    seeds: runs.length,
    studies: mean(runs.map((r) => r.studies)) ?? 0,
    utilization: mean(runs.map((r) => r.utilization)) ?? 0,
    compliance: mean(runs.map((r) => r.compliance)) ?? 0,
    emergency: mean(emergency) ?? 1,
    worstEmergency: Math.min(...emergency.map((v) => v ?? 1)),
    seedsAllEmergenciesInTime: emergency.filter((v) => v === null || v === 1).length,
    p95: Object.fromEntries(PRIORITIES.map((p) => [p, mean(runs.map((r) => r.byPriority[p].p95))])) as Record<
      Priority,
      number | null
    >,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const min = (v: number | null) => (v === null ? '—' : v.toFixed(1));

export function renderTable(rows: readonly TableRow[]): string {
  const header =
    '| scenario | policy | studies | utilisation | compliance | emergency | worst seed, emergency | seeds with every emergency in time | p95 emergency (min) | p95 outpatient (min) | p95 inpatient (min) |';
  const rule = `|${'---|'.repeat(11)}`;
  const lines = rows.map(
    (r) =>
      `| ${r.scenario} | ${r.policy} | ${r.studies.toFixed(0)} | ${pct(r.utilization)} | ${pct(r.compliance)} | ${pct(r.emergency)} | ${pct(r.worstEmergency)} | ${r.seedsAllEmergenciesInTime}/${r.seeds} | ${min(r.p95.emergency)} | ${min(r.p95.outpatient)} | ${min(r.p95.inpatient)} |`,
  );
  return [header, rule, ...lines].join('\n');
}

/** Differences smaller than this (a twentieth of a percentage point) count as a tie. */
const TIE = 0.0005;

function versus(a: TableRow, b: TableRow): 'better' | 'tie' | 'worse' {
  const overall = a.compliance - b.compliance;
  if (Math.abs(overall) > TIE) return overall > 0 ? 'better' : 'worse';
  const emergency = a.emergency - b.emergency;
  if (Math.abs(emergency) > TIE) return emergency > 0 ? 'better' : 'worse';
  return 'tie';
}

/**
 * Per scenario: does deadline-aware meet the target, and how does it compare with each other
 * policy (better: higher overall compliance, or equal and more emergencies in time).
 */
export function renderVerdict(rows: readonly TableRow[]): string {
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const lines = scenarios.map((name) => {
    const of = (p: RoutingPolicy) => rows.find((r) => r.scenario === name && r.policy === p);
    const da = of('deadline-aware');
    const fifo = of('fifo');
    const rr = of('round-robin');
    const ll = of('least-loaded');
    if (da === undefined || fifo === undefined || rr === undefined || ll === undefined) return `| ${name} | — |`;
    const target = da.seedsAllEmergenciesInTime === da.seeds && da.compliance >= 0.99 ? 'yes' : 'no';
    return `| ${name} | ${pct(da.utilization)} | ${target} | ${versus(da, fifo)} | ${versus(da, rr)} | ${versus(da, ll)} |`;
  });
  return [
    '| scenario | utilisation | target met (every emergency in time on every seed, ≥ 99 % overall) | vs fifo | vs round-robin | vs least-loaded |',
    `|${'---|'.repeat(6)}`,
    ...lines,
  ].join('\n');
}
