import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, loadConfig } from '@telerad/config';
import { createDb } from '@telerad/db';
import { sql } from 'kysely';
import { parse, stringify } from 'yaml';
import { testDatabaseUrl, testRedisUrl } from './provided.js';
import { tempDir } from './tempDir.js';
import { uniqueName } from './uniqueName.js';

const DEMO_REGION = path.resolve(import.meta.dirname, '../../../fixtures/region.demo.yaml');

/** The demo region as plain data, to adjust for a test (short SLA, webhook URLs…). */
export type RegionDocument = {
  sla: Record<string, { target: string; limit: string } | number>;
  clinics: Array<{ code: string; webhook?: { url: string; secret: string }; [k: string]: unknown }>;
  users: Array<{ username: string; onDuty?: boolean; [k: string]: unknown }>;
  [k: string]: unknown;
};

export interface TestConfigOptions {
  /** 'postgres' (a fresh schema on the test server) or 'pglite' (embedded, in the data dir). */
  database: 'postgres' | 'pglite';
  /** 'shared' (the test Redis with a fresh queue prefix) or 'embedded' (the runtime starts its own). */
  redis?: 'shared' | 'embedded';
  /** Adjusts a copy of the demo region. */
  region?: (region: RegionDocument) => void;
  /** Extra environment, e.g. TELERAD_STABLE_SECONDS. */
  env?: Record<string, string>;
}

export interface TestConfig {
  config: Config;
  /** Deletes the schema, queue data and data directory. */
  cleanup(): Promise<void>;
}

/** A whole telerad configuration of the test's own: nothing is shared with another test. */
export async function testConfig(options: TestConfigOptions): Promise<TestConfig> {
  const dir = await tempDir('telerad-stack');
  const region = parse(readFileSync(DEMO_REGION, 'utf8')) as RegionDocument;
  options.region?.(region);
  const regionFile = path.join(dir.path, 'region.yaml');
  writeFileSync(regionFile, stringify(region));
  const schema = options.database === 'postgres' ? uniqueName('stack') : undefined;
  const env: Record<string, string> = {
    TELERAD_DATA_DIR: path.join(dir.path, 'data'),
    TELERAD_REGION: regionFile,
    TELERAD_HTTP_PORT: '0',
    TELERAD_DICOM_PORT: '0',
    TELERAD_LOG_LEVEL: 'silent',
    TELERAD_QUEUE_PREFIX: uniqueName('q'),
    ...(options.database === 'postgres' ? { DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema ?? '' } : {}),
    ...((options.redis ?? 'shared') === 'shared' ? { REDIS_URL: testRedisUrl() } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  return {
    config,
    async cleanup() {
      if (schema !== undefined) {
        const db = await createDb({ databaseUrl: testDatabaseUrl(), dataDir: dir.path });
        await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(db.db);
        await db.close();
      }
      await dir.remove();
    },
  };
}
