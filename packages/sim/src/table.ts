#!/usr/bin/env node
/**
 * Regenerates the policy × scenario table of docs/routing.md:
 *   node packages/sim/dist/table.js [--seeds 20] [--write docs/routing.md]
 * Without --write it prints the Markdown. With it, it replaces what lies between the
 * `<!-- sim-table:start -->` and `<!-- sim-table:end -->` markers of that file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildTable, renderTable, renderVerdict } from './routingTable.js';
import { readScenario } from './runSimulation.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = path.join(root, 'fixtures/scenarios');
const SCENARIOS = ['quiet-day', 'morning-rush', 'flu-season', 'radiologist-ill'];
const START = '<!-- sim-table:start -->';
const END = '<!-- sim-table:end -->';

const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '20' }, write: { type: 'string' } },
});
const seedCount = Number(values.seeds);
if (!Number.isInteger(seedCount) || seedCount < 1)
  throw new Error(`--seeds: "${values.seeds}" is not a positive integer`);
const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
const scenarios = SCENARIOS.map((name) => ({
  name,
  scenario: readScenario(path.join(dir, 'region.sim.yaml'), path.join(dir, `${name}.yaml`)),
}));
const rows = buildTable(scenarios, seeds);
const markdown = [
  `Seeds 1–${seedCount}, averaged per policy; every policy meets the same studies and reading times on a seed.`,
  `Regenerate with \`pnpm exec tsc -b packages/sim && node packages/sim/dist/table.js --seeds ${seedCount} --write docs/routing.md\`.`,
  '',
  renderTable(rows),
  '',
  renderVerdict(rows),
].join('\n');

if (values.write === undefined) {
  process.stdout.write(`${markdown}\n`);
} else {
  const file = path.resolve(values.write);
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${file} has no ${START} … ${END} markers`);
  writeFileSync(file, `${text.slice(0, from + START.length)}\n${markdown}\n${text.slice(to)}`);
  process.stdout.write(`wrote the table to ${file}\n`);
}
