import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from './runCli.js';
import { SCENARIOS } from './testing/tinyRegion.js';

const REGION = path.join(SCENARIOS, 'region.sim.yaml');
const QUIET = path.join(SCENARIOS, 'quiet-day.yaml');

function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('pnpm simulate', () => {
  test('--json prints one JSON line of the documented shape', () => {
    const { code, out, err } = cli('--region', REGION, '--load', QUIET, '--policy', 'fifo', '--seed', '3', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.split('\n')).toHaveLength(1);
    const result = JSON.parse(out);
    expect(Object.keys(result)).toEqual(['policy', 'studies', 'compliance', 'tatMinutes', 'utilization']);
    expect(result.policy).toBe('fifo');
    expect(Object.keys(result.compliance)).toEqual(['overall', 'emergency', 'outpatient', 'inpatient']);
    expect(Object.keys(result.tatMinutes)).toEqual(['emergency', 'outpatient', 'inpatient']);
    for (const p of ['emergency', 'outpatient', 'inpatient']) {
      expect(Object.keys(result.tatMinutes[p])).toEqual(['p50', 'p95']);
    }
    for (const v of [...Object.values(result.compliance), result.utilization] as number[]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(result.studies).toBeGreaterThan(50);
  });

  test('the same seed prints the same line; the default policy is deadline-aware', () => {
    const a = cli('--region', REGION, '--load', QUIET, '--seed', '8', '--json');
    const b = cli('--region', REGION, '--load', QUIET, '--seed', '8', '--json');
    expect(a.out).toBe(b.out);
    expect(JSON.parse(a.out).policy).toBe('deadline-aware');
  });

  test('without --json: a readable summary', () => {
    const { code, out } = cli('--region', REGION, '--load', QUIET, '--seed', '1');
    expect(code).toBe(0);
    expect(out).toMatch(/^policy deadline-aware: \d+ studies \(\d+ images\), utilisation \d+\.\d %/);
    expect(out).toMatch(/^priority +studies +within limit +p50 min +p95 min$/m);
    expect(out).toMatch(/^emergency +\d+ /m);
    expect(out).toMatch(/^overall +\d+ +\d+\.\d %$/m);
  });

  test.each([
    [['--load', QUIET], '--region FILE is required'],
    [['--region', REGION], '--load FILE is required'],
    [
      ['--region', REGION, '--load', QUIET, '--policy', 'random'],
      '--policy: unknown policy "random"; choose one of deadline-aware, fifo, round-robin, least-loaded',
    ],
    [['--region', REGION, '--load', QUIET, '--seed=-1'], '--seed: "-1" is not a non-negative integer'],
    [['--region', REGION, '--load', QUIET, '--seed', 'one'], '--seed: "one" is not a non-negative integer'],
    [['--region', REGION, '--load', QUIET, '--speed', '2'], "Unknown option '--speed'"],
  ])('%j → exit 2: %s', (argv, message) => {
    const { code, err } = cli(...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('usage: pnpm simulate');
  });

  test('a bad load file → exit 1, naming the file and the field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'telerad-sim-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'hours: 8\nreadingMinutes: { DX: { mean: 6, sd: 3 } }\narrivals:\n  - { clinic: dongshan, perHour: [1, 2], mix: { outpatient: 1 } }\n',
    );
    const { code, err } = cli('--region', REGION, '--load', file);
    expect(code).toBe(1);
    expect(err).toBe(`invalid load file ${file} — arrivals.0.perHour: 2 hourly rates for 8 hours`);
  });

  test('a bad region file → exit 1, naming the region problem', () => {
    const { code, err } = cli('--region', QUIET, '--load', QUIET);
    expect(code).toBe(1);
    expect(err).toMatch(/^invalid region .*quiet-day\.yaml — /);
  });
});
