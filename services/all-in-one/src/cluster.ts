import cluster, { type Worker } from 'node:cluster';
import { type Config, loadRegion, type Region } from '@telerad/config';
import { scheduleOrphanSweep } from '@telerad/ingest';
import { startEmbeddedRedis } from '@telerad/queue';
import { openBlobStore, prepareDatabase } from '@telerad/runtime';
import { createLogger, createMetrics } from '@telerad/telemetry';
import { AggregatorRegistry } from 'prom-client';
import { exitAfterStop } from './exitAfterStop.js';
import { startAllInOne } from './startAllInOne.js';

/** Messages between the primary and its workers (besides prom-client's own). */
type WorkerMessage =
  | { type: 'telerad:ready'; port: number; dicomPort: number }
  | { type: 'telerad:metrics-request'; requestId: number };
type PrimaryMessage = { type: 'telerad:metrics'; requestId: number; text?: string; error?: string };

/** A worker that lived at least this long before dying starts the back-off from the beginning again. */
const HEALTHY_LIFETIME_MS = 60_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** After a worker's own stop grace (TELERAD_STOP_GRACE_SECONDS), how long before the primary kills it. */
const KILL_AFTER_GRACE_MS = 5_000;

export interface ClusterStarted {
  region: Region;
  port: number;
  dicomPort: number;
}

/**
 * The primary of TELERAD_WORKERS worker processes. What must happen once happens here, before any
 * worker is forked: migrations and region seeding, the embedded redis-server when REDIS_URL is unset
 * (its URL is handed to the workers), and the hourly orphan-file sweep. The workers share the HTTP
 * and DICOM ports (node:cluster hands connections round-robin). A worker that dies is started again
 * after a back-off (1 s, doubling to 30 s while it keeps dying young); SIGINT/SIGTERM stop the
 * workers gracefully, then the primary. `onStarted` runs once every worker is serving.
 */
export async function runPrimary(config: Config, onStarted: (started: ClusterStarted) => void): Promise<void> {
  const logger = createLogger({ level: config.logLevel, name: 'telerad-primary' });
  const region = loadRegion(config.regionFile);
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => logger.warn({ err: error }, 'error while stopping'));
    }
  };
  let redisUrl: string;
  try {
    const db = await prepareDatabase(config, logger, region);
    closers.push(() => db.close());
    const store = await openBlobStore(config);
    if (config.redisUrl === null) {
      const embedded = await startEmbeddedRedis({
        dataDir: config.dataDir,
        onLog: (line) => logger.debug({ line }, 'redis-server'),
      });
      closers.push(() => embedded.stop());
      redisUrl = embedded.url;
      logger.info({ url: redisUrl }, 'embedded redis-server started');
    } else {
      redisUrl = config.redisUrl;
    }
    const stopSweep = scheduleOrphanSweep({ db, store, logger, config });
    closers.push(async () => stopSweep());
  } catch (error) {
    await closeAll();
    throw error;
  }

  // Each worker's /metrics asks the primary, which gathers every worker's registry (prom-client's
  // cluster support) and answers with all of them, each series labelled with its worker.
  const aggregator = new AggregatorRegistry();
  const slots = new Map<Worker, { slot: number; startedAt: number }>();
  const failures = new Array<number>(config.workers).fill(0);
  const restartTimers = new Set<NodeJS.Timeout>();
  const ready = new Set<number>();
  let started = false;
  let stopping = false;

  const fork = (slot: number) => {
    const worker = cluster.fork({ REDIS_URL: redisUrl });
    slots.set(worker, { slot, startedAt: Date.now() });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'telerad:ready') {
        logger.info({ worker: worker.id, pid: worker.process.pid, slot }, 'worker serving');
        ready.add(slot);
        if (!started && ready.size === config.workers) {
          started = true;
          onStarted({ region, port: message.port, dicomPort: message.dicomPort });
        }
      } else if (message.type === 'telerad:metrics-request') {
        const answer = (reply: Omit<PrimaryMessage, 'type' | 'requestId'>) => {
          if (worker.isConnected()) worker.send({ type: 'telerad:metrics', requestId: message.requestId, ...reply });
        };
        aggregator.clusterMetrics().then(
          (text) => answer({ text }),
          (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
        );
      }
    });
  };

  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping workers');
    for (const timer of restartTimers) clearTimeout(timer);
    const workers = [...slots.keys()].filter((w) => !w.isDead());
    const exited = Promise.all(
      workers.map((w) => (w.isDead() ? undefined : new Promise((resolve) => w.once('exit', resolve)))),
    );
    for (const worker of workers) worker.process.kill('SIGTERM');
    const grace = setTimeout(() => {
      for (const worker of workers) {
        if (worker.isDead()) continue;
        logger.warn({ worker: worker.id, pid: worker.process.pid }, 'worker did not stop in time; killing it');
        worker.process.kill('SIGKILL');
      }
    }, config.stopGraceMs + KILL_AFTER_GRACE_MS);
    await exited;
    clearTimeout(grace);
    await closeAll();
    logger.info('stopped');
    process.exit(exitCode);
  };

  cluster.on('exit', (worker, code, signal) => {
    const info = slots.get(worker);
    slots.delete(worker);
    if (stopping || info === undefined) return;
    if (!started) {
      // A worker that cannot start (a port in use, a database refusing) would fail the same way again.
      logger.error({ worker: worker.id, code, signal }, 'a worker failed while starting; stopping');
      void stop('a worker failed to start', 1);
      return;
    }
    const lived = Date.now() - info.startedAt;
    failures[info.slot] = lived >= HEALTHY_LIFETIME_MS ? 0 : (failures[info.slot] ?? 0) + 1;
    const delayMs = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** Math.max(0, (failures[info.slot] ?? 1) - 1));
    logger.error(
      { worker: worker.id, pid: worker.process.pid, code, signal, livedMs: lived, restartInMs: delayMs },
      'worker died; starting a new one',
    );
    const timer = setTimeout(() => {
      restartTimers.delete(timer);
      if (!stopping) fork(info.slot);
    }, delayMs);
    restartTimers.add(timer);
  });

  process.once('SIGINT', () => void stop('SIGINT', 0));
  process.once('SIGTERM', () => void stop('SIGTERM', 0));
  logger.info({ workers: config.workers }, 'starting workers');
  for (let slot = 0; slot < config.workers; slot++) fork(slot);
}

/**
 * One worker: the whole all-in-one on a database the primary prepared and the Redis it named,
 * without the orphan sweep (the primary's). Its metrics carry a `worker` label; its /metrics answers
 * for every worker.
 */
export async function runWorker(config: Config): Promise<void> {
  const worker = cluster.worker;
  if (worker === undefined) throw new Error('runWorker runs in a node:cluster worker process');
  const logger = createLogger({ level: config.logLevel, name: `telerad-worker-${worker.id}` });
  const metrics = createMetrics();
  metrics.registry.setDefaultLabels({ worker: String(worker.id) });
  new AggregatorRegistry(); // answers the primary's requests for this worker's metrics
  AggregatorRegistry.setRegistries([metrics.registry]);
  listenForMetrics();
  const ownMetrics = metrics.registry.metrics.bind(metrics.registry);
  metrics.registry.metrics = () =>
    clusterMetrics().catch((error: unknown) => {
      logger.warn({ err: error }, "the primary did not send every worker's metrics; answering with this worker's");
      return ownMetrics();
    });

  const app = await startAllInOne(config, { logger, metrics, databasePrepared: true, orphanSweep: false });
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'worker stopping');
    await exitAfterStop(() => app.stop(), logger, config.stopGraceMs);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // The primary is gone (killed): nobody hands out connections any more.
  process.once('disconnect', () => void stop('primary gone'));
  send({ type: 'telerad:ready', port: app.port, dicomPort: app.dicomPort });
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

let nextRequestId = 0;
const pending = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();

function listenForMetrics(): void {
  process.on('message', (message: PrimaryMessage) => {
    if (message?.type !== 'telerad:metrics') return;
    const request = pending.get(message.requestId);
    pending.delete(message.requestId);
    if (message.text !== undefined) request?.resolve(message.text);
    else request?.reject(new Error(message.error ?? 'no metrics'));
  });
}

function clusterMetrics(): Promise<string> {
  const requestId = nextRequestId++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(requestId);
      reject(new Error('the primary did not answer within 10 s'));
    }, 10_000);
    pending.set(requestId, {
      resolve: (text) => {
        clearTimeout(timer);
        resolve(text);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    send({ type: 'telerad:metrics-request', requestId });
  });
}
