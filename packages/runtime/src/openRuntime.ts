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
  /**
   * The database is already migrated and the region loaded (prepareDatabase ran, e.g. in the
   * all-in-one's primary process before it forked its workers): skip both.
   */
  databasePrepared?: boolean;
  /**
   * An open handle on a prepared database to use instead of opening one (the C-STORE process of a
   * PGlite deployment reaches the owner's over IPC). The runtime closes it with itself.
   */
  database?: DbHandle;
}

/**
 * Migrates the database and loads the region into an empty one; what must happen once before any
 * process of a deployment serves. Returns the open database (closing it is the caller's).
 */
export async function prepareDatabase(config: Config, logger: Logger, region = loadRegion(config.regionFile)) {
  const db = await createDb({
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    dataDir: config.dataDir,
  });
  try {
    const migrations = await migrate(db.db);
    if (migrations.length > 0) logger.info({ migrations }, 'database migrated');
    if (await seedRegion(db.db, region))
      logger.info({ region: region.region.code }, 'region loaded into empty database');
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** The object store the configuration names: S3, or the local folder under the data dir. */
export function openBlobStore(config: Config): Promise<BlobStore> {
  return createBlobStore(
    config.s3 === null ? { kind: 'fs', root: path.join(config.dataDir, 'objects') } : { kind: 's3', ...config.s3 },
  );
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
    const db =
      options.database ??
      (options.databasePrepared === true
        ? await createDb({ databaseUrl: config.databaseUrl, schema: config.databaseSchema, dataDir: config.dataDir })
        : await prepareDatabase(config, logger, region));
    closers.push(() => db.close());

    const store = await openBlobStore(config);

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
