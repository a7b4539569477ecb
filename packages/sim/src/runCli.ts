import { parseArgs } from 'node:util';
import { ConfigError } from '@telerad/config';
import {
  DEFAULT_ROUTING_POLICY,
  isRoutingPolicy,
  PRIORITIES,
  ROUTING_POLICIES,
  type RoutingPolicy,
} from '@telerad/core';
import { LoadFileError } from './readLoad.js';
import { readScenario, runSimulation } from './runSimulation.js';
import { type SimSummary, toJson } from './summarise.js';

export const USAGE = `usage: pnpm simulate --region FILE --load FILE [--policy NAME] [--seed N] [--json]
  --region  region YAML (fixtures/region.demo.yaml, fixtures/scenarios/region.sim.yaml)
  --load    load YAML (fixtures/scenarios/*.yaml)
  --policy  ${ROUTING_POLICIES.join(' | ')} (default ${DEFAULT_ROUTING_POLICY})
  --seed    integer seed of the random draws (default 1); the same seed gives the same day
  --json    print one JSON line instead of the readable summary`;

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** The simulator's command line; returns the exit code (0 done, 1 bad input file, 2 bad arguments). */
export function runCli(argv: readonly string[], io: CliIo): number {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const args = checkArguments(values);
  if (typeof args === 'string') {
    io.stderr(`${args}\n${USAGE}`);
    return 2;
  }
  let summary: SimSummary;
  try {
    summary = runSimulation(readScenario(args.region, args.load), args.policy, args.seed);
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof LoadFileError)) throw error;
    io.stderr(error.message);
    return 1;
  }
  io.stdout(values.json ? JSON.stringify(toJson(summary)) : describe(summary));
  return 0;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      region: { type: 'string' },
      load: { type: 'string' },
      policy: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

interface CliArguments {
  region: string;
  load: string;
  policy: RoutingPolicy;
  seed: number;
}

/** The arguments as the simulator needs them, or what is wrong with them. */
function checkArguments(values: ReturnType<typeof parse>): CliArguments | string {
  const { region, load, policy = DEFAULT_ROUTING_POLICY, seed = '1' } = values;
  if (region === undefined) return '--region FILE is required';
  if (load === undefined) return '--load FILE is required';
  if (!isRoutingPolicy(policy))
    return `--policy: unknown policy "${policy}"; choose one of ${ROUTING_POLICIES.join(', ')}`;
  if (!/^\d{1,9}$/.test(seed)) return `--seed: "${seed}" is not a non-negative integer`;
  return { region, load, policy, seed: Number(seed) };
}

const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const minutes = (v: number | null) => (v === null ? '—' : v.toFixed(1));

/** The readable summary: one line per priority, as on the administrator's SLA page. */
export function describe(summary: SimSummary): string {
  const rows = [
    ['priority', 'studies', 'within limit', 'p50 min', 'p95 min'],
    ...PRIORITIES.map((p) => {
      const s = summary.byPriority[p];
      return [p, String(s.studies), percent(s.compliance), minutes(s.p50), minutes(s.p95)];
    }),
    ['overall', String(summary.studies), percent(summary.compliance), '', ''],
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const table = rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const notes = [
    `policy ${summary.policy}: ${summary.studies} studies (${summary.images} images), utilisation ${percent(summary.utilization)}`,
    ...(summary.rerouted > 0
      ? [`${summary.rerouted} unopened studies re-routed when a radiologist went off duty`]
      : []),
    ...(summary.unsigned > 0 ? [`${summary.unsigned} studies never read: nobody eligible was on duty`] : []),
  ];
  return [...notes, ...table].join('\n');
}
