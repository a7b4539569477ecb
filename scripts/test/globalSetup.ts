/**
 * Vitest global setup: provides `databaseUrl` and `redisUrl` to every test (read them with
 * testDatabaseUrl() / testRedisUrl() from @telerad/testkit).
 *
 * TELERAD_TEST_DATABASE_URL and TELERAD_TEST_REDIS_URL point the tests at servers of your own;
 * otherwise a throwaway PostgreSQL cluster and a redis-server are started under .test-data/ for
 * this run only, on a free port and a unix socket, so they never meet a server the machine already
 * runs, nor another test run in the same checkout.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createRedis } from '../../packages/queue/src/connection.js';
import { embeddedRedisUrl, startEmbeddedRedis } from '../../packages/queue/src/embeddedRedis.js';
import { removeStaleCluster, startPostgresCluster } from '../../packages/testkit/src/postgresCluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

const repoRoot = path.resolve(import.meta.dirname, '../..');
const testData = path.join(repoRoot, '.test-data');

type Stop = () => Promise<void>;

export default async function setup(project: TestProject): Promise<Stop> {
  await removeStaleTestData();
  const stops: Stop[] = [];
  const teardown = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => console.error(`[telerad tests] teardown: ${(error as Error).message}`));
    }
  };
  try {
    const database = await provideDatabase(stops);
    const redis = await provideRedis(stops);
    project.provide('databaseUrl', database.url);
    project.provide('redisUrl', redis.url);
    console.log(`[telerad tests] PostgreSQL: ${database.description}; Redis: ${redis.description}`);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

interface Provided {
  url: string;
  description: string;
}

async function provideDatabase(stops: Stop[]): Promise<Provided> {
  const given = process.env.TELERAD_TEST_DATABASE_URL?.trim();
  if (given) return { url: given, description: `TELERAD_TEST_DATABASE_URL (${redactPassword(given)})` };
  const cluster = await startPostgresCluster({ dir: path.join(testData, `pg-${process.pid}`) });
  stops.push(() => cluster.stop());
  return {
    url: cluster.url,
    description: `started ${cluster.version} on 127.0.0.1:${cluster.port} in ${shortPath(cluster.dir)}`,
  };
}

async function provideRedis(stops: Stop[]): Promise<Provided> {
  const given = process.env.TELERAD_TEST_REDIS_URL?.trim();
  if (given) return { url: given, description: `TELERAD_TEST_REDIS_URL (${redactPassword(given)})` };
  const dataDir = path.join(testData, `redis-${process.pid}`);
  const redis = await startEmbeddedRedis({ dataDir });
  stops.push(async () => {
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { url: redis.url, description: `started on ${redis.url.slice('redis+unix://'.length)}` };
}

/**
 * A test run killed before its teardown (SIGKILL, a closed terminal) leaves its servers running and
 * its directories behind; those of runs whose process is gone are stopped and removed here.
 */
async function removeStaleTestData(): Promise<void> {
  const entries = await readdir(testData).catch(() => [] as string[]);
  for (const entry of entries) {
    const match = /^(pg|redis)-(\d+)$/.exec(entry);
    if (match === null || isAlive(Number(match[2]))) continue;
    const dir = path.join(testData, entry);
    if (match[1] === 'pg') await removeStaleCluster(dir);
    else {
      await shutdownRedis(embeddedRedisUrl(dir));
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function shutdownRedis(url: string): Promise<void> {
  const client = createRedis(url, { lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.call('SHUTDOWN', 'NOSAVE');
  } catch {
    // Nothing answers (the usual case) or the server closed the connection as it shut down.
  } finally {
    client.disconnect();
  }
}

/** Relative to the repository when inside it (the cluster may have moved to the temp dir). */
function shortPath(dir: string): string {
  const relative = path.relative(repoRoot, dir);
  return relative.startsWith('..') ? dir : relative;
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}
