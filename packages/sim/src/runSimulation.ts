import { loadRegion, type Region } from '@telerad/config';
import type { RoutingPolicy } from '@telerad/core';
import { buildScenario, type Scenario } from './buildScenario.js';
import { generateStudies } from './generateStudies.js';
import type { Load } from './loadSchema.js';
import { readLoad } from './readLoad.js';
import { simulate } from './simulate.js';
import { type SimSummary, summarise } from './summarise.js';

/** Reads and joins a region file and a load file; throws ConfigError or LoadFileError naming the problem. */
export function readScenario(regionFile: string, loadFile: string): Scenario {
  const region: Region = loadRegion(regionFile);
  const load: Load = readLoad(loadFile);
  return buildScenario(region, load, loadFile);
}

/** One simulated day of a scenario under a policy, for a seed. */
export function runSimulation(scenario: Scenario, policy: RoutingPolicy, seed: number): SimSummary {
  return summarise(simulate(scenario, generateStudies(scenario, seed), policy));
}
