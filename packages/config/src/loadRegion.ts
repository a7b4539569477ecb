import { readFileSync } from 'node:fs';
import { PLAIN_FILM_READING_MINUTES, type ReadingTimes, type SlaPolicy } from '@telerad/core';
import { parse } from 'yaml';
import { ConfigError } from './loadConfig.js';
import { type Region, regionSchema } from './regionSchema.js';

/** Reads and validates a region YAML file; errors name the file and the path of each problem. */
export function loadRegion(file: string): Region {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read region file ${file}: ${(error as Error).message}`);
  }
  return parseRegion(raw, file);
}

export function parseRegion(raw: unknown, source = 'region'): Region {
  const parsed = regionSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid region ${source} — ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Expected reading minutes per modality: the region's, over the plain-film defaults. */
export function readingTimesOf(region: Region): ReadingTimes {
  const own = Object.fromEntries(
    Object.entries(region.readingTimes).map(([modality, t]) => [
      modality,
      { mean: t.mean / 60_000, sd: t.sd / 60_000 },
    ]),
  );
  return { ...PLAIN_FILM_READING_MINUTES, ...own };
}

export function slaPolicyOf(region: Region): SlaPolicy {
  const { warnAt } = region.sla;
  const rule = (r: { target: number; limit: number }) => ({ targetMs: r.target, limitMs: r.limit, warnAt });
  return {
    emergency: rule(region.sla.emergency),
    outpatient: rule(region.sla.outpatient),
    inpatient: rule(region.sla.inpatient),
  };
}
