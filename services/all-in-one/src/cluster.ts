import cluster, { type Worker } from 'node:cluster';
import { type Config, loadRegion, type Region } from '@telerad/config';
import { scheduleOrphanSweep } from '@telerad/ingest';
import { startEmbeddedRedis } from '@telerad/queue';
import { openBlobStore, prepareDatabase } from '@telerad/runtime';
import { createLogger, createMetrics } from '@telerad/telemetry';
import { AggregatorRegistry } from 'prom-client';
import {
  dicomProcessPort,
  failuresAfter,
  KILL_AFTER_GRACE_MS,
  ROLE_VARIABLE,
  restartDelayMs,
  runDicomProcess,
} from './dicomProcess.js';
import { exitAfterStop } from './exitAfterStop.js';
import { startAllInOne } from './startAllInOne.js';

/** Messages between the primary and its workers (besides prom-client's own). */
type WorkerMessage =
  /** A worker serves: an all-in-one names its HTTP port (and its DICOM port when it runs the SCP too), the C-STORE process its DICOM port. */
  | { type: 'telerad:ready'; port: number | null; dicomPort: number | null }
  | { type: 'telerad:metrics-request'; requestId: number };
type PrimaryMessage = { type: 'telerad:metrics'; requestId: number; text?: string; error?: string };

type Role = 'all-in-one' | 'dicom';

export interface ClusterStarted {
  region: Region;
  port: number;
  dicomPort: number;
}

/**
 * The primary of TELERAD_WORKERS worker processes and, with TELERAD_DICOM_PROCESS=separate, of the
 * C-STORE process: the C-STORE SCP alone, at nice 10, so the kernel runs the API, the worklist and the
 * router first while modalities send (the all-in-one workers then leave the DICOM port to it). What
 * must happen once happens here, before any worker is forked: migrations and region seeding, the
 * embedded redis-server when REDIS_URL is unset (its URL is handed to the workers), and the hourly
 * orphan-file sweep. The workers share the HTTP port (and the DICOM port when each runs the SCP);
 * with several, node:cluster hands connections round-robin, with one each port goes straight to its
 * process. A worker that dies is started again after a back-off (1 s, doubling to 30 s while it
 * keeps dying young); SIGINT/SIGTERM stop the workers gracefully, then the primary. `onStarted`
 * runs once every worker is serving.
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
  // Slots 0 … workers-1 are all-in-one workers; with a separate C-STORE process it takes the last slot.
  const roles: Role[] = Array.from({ length: config.workers }, () => 'all-in-one');
  if (config.dicomProcess === 'separate') roles.push('dicom');
  const slots = new Map<Worker, { slot: number; startedAt: number }>();
  const failures = new Array<number>(roles.length).fill(0);
  const restartTimers = new Set<NodeJS.Timeout>();
  const ready = new Set<number>();
  let started = false;
  let stopping = false;
  let port: number | null = null;
  let dicomPort: number | null = null;
  // One port per process, not one per connection, when a single process listens on it.
  if (config.workers === 1) cluster.schedulingPolicy = cluster.SCHED_NONE;

  // The C-STORE process listens on a socket of its own, on the same port after a restart.
  const cstorePort = config.dicomProcess === 'separate' ? await dicomProcessPort(config) : config.dicomPort;

  const fork = (slot: number) => {
    const role = roles[slot] ?? 'all-in-one';
    const worker = cluster.fork({
      REDIS_URL: redisUrl,
      [ROLE_VARIABLE]: role,
      ...(role === 'dicom' ? { TELERAD_DICOM_PORT: String(cstorePort) } : {}),
    });
    slots.set(worker, { slot, startedAt: Date.now() });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'telerad:ready') {
        logger.info({ worker: worker.id, pid: worker.process.pid, slot, role }, 'worker serving');
        ready.add(slot);
        port ??= message.port;
        dicomPort ??= message.dicomPort;
        if (!started && ready.size === roles.length && port !== null && dicomPort !== null) {
          started = true;
          onStarted({ region, port, dicomPort });
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
    failures[info.slot] = failuresAfter(failures[info.slot] ?? 0, lived);
    const delayMs = restartDelayMs(failures[info.slot] ?? 1);
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
  logger.info({ workers: config.workers, dicomProcess: config.dicomProcess }, 'starting workers');
  for (let slot = 0; slot < roles.length; slot++) fork(slot);
}

/**
 * One worker, on a database the primary prepared and the Redis it named, without the orphan sweep
 * (the primary's): the whole all-in-one (without the C-STORE SCP when the C-STORE process has it), or
 * the C-STORE process. Its metrics carry a `worker` label (its number, or `dicom`); an all-in-one's
 * /metrics answers for every worker.
 */
export async function runWorker(config: Config): Promise<void> {
  const worker = cluster.worker;
  if (worker === undefined) throw new Error('runWorker runs in a node:cluster worker process');
  const role: Role = process.env[ROLE_VARIABLE] === 'dicom' ? 'dicom' : 'all-in-one';
  const logger = createLogger({
    level: config.logLevel,
    name: role === 'dicom' ? 'telerad-dicom' : `telerad-worker-${worker.id}`,
  });
  const metrics = createMetrics();
  metrics.registry.setDefaultLabels({ worker: role === 'dicom' ? 'dicom' : String(worker.id) });
  new AggregatorRegistry(); // answers the primary's requests for this worker's metrics
  AggregatorRegistry.setRegistries([metrics.registry]);
  if (role === 'dicom') {
    await runDicomProcess(config, logger, metrics);
    return;
  }
  listenForMetrics();
  const ownMetrics = metrics.registry.metrics.bind(metrics.registry);
  metrics.registry.metrics = () =>
    clusterMetrics().catch((error: unknown) => {
      logger.warn({ err: error }, "the primary did not send every worker's metrics; answering with this worker's");
      return ownMetrics();
    });

  const app = await startAllInOne(config, {
    logger,
    metrics,
    databasePrepared: true,
    orphanSweep: false,
    cstore: config.dicomProcess === 'inline' ? 'inline' : 'none',
  });
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
