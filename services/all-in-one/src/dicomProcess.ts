import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '@telerad/config';
import { type DatabaseServer, type IpcChannel, openIpcDatabase, serveDatabaseOverIpc } from '@telerad/db';
import { startCStoreScp } from '@telerad/ingest';
import { lowerProcessPriority, openRuntime, type Runtime } from '@telerad/runtime';
import type { Logger, Metrics } from '@telerad/telemetry';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { exitAfterStop } from './exitAfterStop.js';

/**
 * The C-STORE process (TELERAD_DICOM_PROCESS=separate): the all-in-one's DICOM C-STORE SCP alone in
 * a process of its own, every thread at nice 10, so that when modalities send a burst the kernel
 * runs the API, the worklist and the router first, and intake takes every cycle they leave. It is
 * a node:cluster worker: of the primary with PostgreSQL (cluster.ts), or of the all-in-one process
 * itself on PGlite (`startDicomChild`), which then serves its embedded database to it over IPC.
 */

/** The nice value of the C-STORE process: below everything else of telerad's. */
export const DICOM_PROCESS_NICENESS = 10;
/** Tells a forked worker what it is; set by whoever forks it, in the worker's environment. */
export const ROLE_VARIABLE = 'TELERAD_CLUSTER_ROLE';

/** A worker that lived at least this long before dying starts the back-off from the beginning again. */
const HEALTHY_LIFETIME_MS = 60_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** After a process's own stop grace (TELERAD_STOP_GRACE_SECONDS), how long before it is killed. */
export const KILL_AFTER_GRACE_MS = 5_000;

/** Deaths in a row of a worker that keeps dying young, given how long it lived this time. */
export function failuresAfter(previous: number, livedMs: number): number {
  return livedMs >= HEALTHY_LIFETIME_MS ? 0 : previous + 1;
}

/** Wait before starting a worker again: 1 s, doubling with each young death, at most 30 s. */
export function restartDelayMs(failures: number): number {
  return Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** Math.max(0, failures - 1));
}

/** A TCP port free on every interface now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The port the C-STORE process listens on: TELERAD_DICOM_PORT, or with 0 a free one chosen once by
 * whoever forks it, so that a replacement listens where its predecessor did.
 */
export async function dicomProcessPort(config: Config): Promise<number> {
  return config.dicomPort === 0 ? await freePort() : config.dicomPort;
}

type ChildMessage =
  | { type: 'telerad:ready'; port: number | null; dicomPort: number | null }
  | { type: 'telerad:metrics-json'; requestId: number; metrics?: MetricObjectWithValues<MetricValue<string>>[] };
type ParentMessage = { type: 'telerad:metrics-json-request'; requestId: number };

/** This process's end of the channel to the process that forked it. */
const parentChannel: IpcChannel & { once(event: 'disconnect', listener: () => void): unknown } = {
  send: (message) => process.send?.(message),
  on: (event, listener) => process.on(event, listener),
  off: (event, listener) => process.off(event, listener),
  once: (event, listener) => process.once(event, listener),
};

/**
 * In the forked worker: the SCP on the database the parent prepared (over IPC from the parent on
 * PGlite), the Redis and object storage it names. It indexes and queues exactly as the SCP does
 * inline; only the kernel's choice of what to run first on a busy machine changes. It listens on a
 * socket of its own (not one the primary shares) and answers its parent's requests for metrics.
 */
export async function runDicomProcess(config: Config, logger: Logger, metrics: Metrics): Promise<void> {
  lowerProcessPriority(DICOM_PROCESS_NICENESS);
  process.on('message', (message: ParentMessage) => {
    if (message?.type !== 'telerad:metrics-json-request') return;
    void metrics.registry.getMetricsAsJSON().then(
      (json) => send({ type: 'telerad:metrics-json', requestId: message.requestId, metrics: json }),
      () => send({ type: 'telerad:metrics-json', requestId: message.requestId }),
    );
  });
  const database = config.databaseUrl === null ? openIpcDatabase(parentChannel) : undefined;
  const runtime = await openRuntime(config, {
    logger,
    metrics,
    databasePrepared: true,
    ...(database !== undefined ? { database } : {}),
  });
  const scp = await startCStoreScp(runtime, { port: config.dicomPort, exclusive: true }).catch(
    async (error: unknown) => {
      await runtime.close();
      throw error;
    },
  );
  // Start-up started more threads (libuv's pool, the database driver's): lower them too.
  lowerProcessPriority(DICOM_PROCESS_NICENESS);
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'C-STORE process stopping');
    await exitAfterStop(
      async () => {
        await scp.stop();
        await runtime.close();
      },
      logger,
      config.stopGraceMs,
    );
  };
  // Ctrl-C in a terminal reaches every process of the group: the parent stops this one (SIGTERM)
  // once what it serves has stopped, so a C-STORE in flight can still be indexed and answered.
  process.on('SIGINT', () => logger.debug('SIGINT: waiting for the parent to stop this process'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('disconnect', () => void stop('parent gone'));
  send({ type: 'telerad:ready', port: null, dicomPort: scp.port });
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

export interface DicomChild {
  /** The port the C-STORE process listens on. */
  port: number;
  /** Stops it (its C-STOREs in flight are answered first), and keeps it stopped. */
  stop(): Promise<void>;
}

/**
 * From the all-in-one process on PGlite: forks the C-STORE process, serves it the embedded
 * database over IPC, starts it again with back-off when it dies, and answers /metrics for both
 * (its series carry `worker="dicom"`). Resolves once it listens; rejects when it cannot start (a
 * DICOM port in use, say: its log says why).
 */
export async function startDicomChild(runtime: Runtime): Promise<DicomChild> {
  const { config, logger } = runtime;
  const port = await dicomProcessPort(config);
  // Node's advanced serialization keeps the dates, bigints and bytes of query results.
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./main.js', import.meta.url)), serialization: 'advanced' });

  let current: Worker | null = null;
  let stopping = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  const servers = new Set<DatabaseServer>();

  const fork = () =>
    new Promise<void>((resolve, reject) => {
      const startedAt = Date.now();
      const worker = cluster.fork({
        [ROLE_VARIABLE]: 'dicom',
        REDIS_URL: runtime.redisUrl,
        TELERAD_DICOM_PORT: String(port),
      });
      current = worker;
      const server = serveDatabaseOverIpc(runtime.db.db, worker);
      servers.add(server);
      let ready = false;
      worker.on('message', (message: ChildMessage) => {
        if (message?.type !== 'telerad:ready') return;
        ready = true;
        logger.info({ pid: worker.process.pid, port }, 'C-STORE process serving');
        resolve();
      });
      worker.once('exit', (code, signal) => {
        servers.delete(server);
        void server
          .dispose()
          .catch((error: unknown) => logger.warn({ err: error }, 'error while releasing its database'));
        if (current === worker) current = null;
        if (!ready) {
          reject(new Error(`the C-STORE process stopped while starting (exit code ${code}, signal ${signal})`));
          return;
        }
        if (stopping) return;
        failures = failuresAfter(failures, Date.now() - startedAt);
        const delayMs = restartDelayMs(failures);
        logger.error(
          { pid: worker.process.pid, code, signal, livedMs: Date.now() - startedAt, restartInMs: delayMs },
          'C-STORE process died; starting a new one',
        );
        scheduleRestart(delayMs);
      });
    });

  const scheduleRestart = (delayMs: number) => {
    restartTimer = setTimeout(() => {
      if (stopping) return;
      fork().catch((error: unknown) => {
        if (stopping) return;
        failures++;
        const next = restartDelayMs(failures);
        logger.error({ err: error, restartInMs: next }, 'the C-STORE process could not start again; trying later');
        scheduleRestart(next);
      });
    }, delayMs);
  };

  // /metrics answers for both processes.
  const registry = runtime.metrics.registry;
  const ownMetrics = registry.metrics.bind(registry);
  let nextRequestId = 0;
  const childMetrics = (worker: Worker) =>
    new Promise<MetricObjectWithValues<MetricValue<string>>[]>((resolve, reject) => {
      const requestId = nextRequestId++;
      const timer = setTimeout(() => {
        worker.off('message', onMessage);
        reject(new Error('the C-STORE process did not send its metrics within 5 s'));
      }, 5_000);
      const onMessage = (message: ChildMessage) => {
        if (message?.type !== 'telerad:metrics-json' || message.requestId !== requestId) return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        if (message.metrics === undefined) reject(new Error('the C-STORE process could not gather its metrics'));
        else resolve(message.metrics);
      };
      worker.on('message', onMessage);
      worker.send({ type: 'telerad:metrics-json-request', requestId } satisfies ParentMessage);
    });
  registry.metrics = async () => {
    const worker = current;
    if (worker === null) return ownMetrics();
    try {
      const [mine, theirs] = await Promise.all([registry.getMetricsAsJSON(), childMetrics(worker)]);
      return await AggregatorRegistry.aggregate([mine, theirs]).metrics();
    } catch (error) {
      logger.warn({ err: error }, "answering /metrics without the C-STORE process's series");
      return ownMetrics();
    }
  };

  try {
    await fork();
  } catch (error) {
    registry.metrics = ownMetrics;
    throw error;
  }
  return {
    port,
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      registry.metrics = ownMetrics;
      const worker = current;
      if (worker !== null && !worker.isDead()) {
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        worker.process.kill('SIGTERM');
        const kill = setTimeout(() => worker.process.kill('SIGKILL'), config.stopGraceMs + KILL_AFTER_GRACE_MS);
        await exited;
        clearTimeout(kill);
      }
      await Promise.all([...servers].map((server) => server.dispose()));
    },
  };
}
