import path from 'node:path';
import { type Config, loadRegion, type Region, readingTimesOf, slaPolicyOf } from '@telerad/config';
import type { ReadingTimes, SlaPolicy } from '@telerad/core';
import { createDb, type DbHandle, migrate, seedRegion } from '@telerad/db';
import { createQueues, createRedis, type Queues, startEmbeddedRedis } from '@telerad/queue';
import { type BlobStore, createBlobStore } from '@telerad/storage';
import { createLogger, createMetrics, type Logger, type Metrics } from '@telerad/telemetry';
import type { Redis } from 'ioredis';

/**
 * Everything a service needs, opened from one configuration: the database (migrated, region loaded
 * on first start), object storage, Redis with the queues, a logger and metrics. Each service's main
 * and the all-in-one runner open exactly one.
 */
export interface Runtime {
  config: Config;
  region: Region;
  slaPolicy: SlaPolicy;
  /** Expected reading minutes per modality (the region's, over plain-film defaults): routing's projections. */
  readingMinutes: ReadingTimes;
  db: DbHandle;
  store: BlobStore;
  redisUrl: string;
  /** Connection for queues (producers); workers open their own. */
  redis: Redis;
  queues: Queues;
  logger: Logger;
  metrics: Metrics;
  /** A new Redis connection (workers, subscribers) that the runtime closes with itself. */
  newRedis(): Redis;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  metrics?: Metrics;
}

export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const metrics = options.metrics ?? createMetrics();
  const region = loadRegion(config.regionFile);
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.warn({ err: error }, 'error while closing runtime');
      }
    }
  };
  try {
    const db = await createDb({
      databaseUrl: config.databaseUrl,
      schema: config.databaseSchema,
      dataDir: config.dataDir,
    });
    closers.push(() => db.close());
    const migrations = await migrate(db.db);
    if (migrations.length > 0) logger.info({ migrations }, 'database migrated');
    if (await seedRegion(db.db, region))
      logger.info({ region: region.region.code }, 'region loaded into empty database');

    const store = await createBlobStore(
      config.s3 === null ? { kind: 'fs', root: path.join(config.dataDir, 'objects') } : { kind: 's3', ...config.s3 },
    );

    let redisUrl = config.redisUrl;
    if (redisUrl === null) {
      const embedded = await startEmbeddedRedis({
        dataDir: config.dataDir,
        onLog: (line) => logger.debug({ line }, 'redis-server'),
      });
      closers.push(() => embedded.stop());
      redisUrl = embedded.url;
      logger.info({ url: redisUrl }, 'embedded redis-server started');
    }
    const connections: Redis[] = [];
    const newRedis = () => {
      const connection = createRedis(redisUrl);
      connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
      connections.push(connection);
      return connection;
    };
    closers.push(async () => {
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    });
    const redis = newRedis();
    const queues = createQueues(redis, config.queuePrefix);
    closers.push(() => queues.close());

    return {
      config,
      region,
      slaPolicy: slaPolicyOf(region),
      readingMinutes: readingTimesOf(region),
      db,
      store,
      redisUrl,
      redis,
      queues,
      logger,
      metrics,
      newRedis,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
