import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, unlink } from 'node:fs/promises';
import { createConnection } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createRedis } from './connection.js';

export interface EmbeddedRedisOptions {
  /** Redis keeps its append-only file and (usually) its socket in `<dataDir>/redis`. */
  dataDir: string;
  /** Receives every line redis-server prints. */
  onLog?: (line: string) => void;
  /** How long to wait for the first PONG (loading a large AOF takes a while). Default 30 s. */
  startTimeoutMs?: number;
}

export interface EmbeddedRedis {
  /** `redis+unix://<socket path>`, as `createRedis` accepts. */
  url: string;
  /** Shuts redis down (the AOF is flushed) and waits for the process to exit. */
  stop(): Promise<void>;
}

export class EmbeddedRedisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** sun_path holds 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;
const KEPT_LOG_LINES = 40;
const STOP_GRACE_MS = 10_000;

/**
 * Runs the system `redis-server` as a child process: no TCP port, a unix socket only the current
 * user can open, AOF persistence, and no eviction (BullMQ must never lose a key to memory pressure).
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const redisDir = path.resolve(options.dataDir, 'redis');
  await mkdir(redisDir, { recursive: true });
  const socketPath = socketPathFor(redisDir);
  await removeStaleSocket(socketPath);

  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > KEPT_LOG_LINES) recent.shift();
    options.onLog?.(line);
  };

  const child = spawn('redis-server', serverArgs(redisDir, socketPath), { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = watchExit(child, log);
  for (const stream of [child.stdout, child.stderr]) {
    if (stream !== null) createInterface({ input: stream }).on('line', log);
  }
  // A child that outlives its parent would keep the AOF locked and the socket taken. SIGTERM makes
  // redis flush the AOF before it exits. Signal handlers belong to the caller; they should call stop().
  const killOnExit = () => child.kill('SIGTERM');
  process.on('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const url = `redis+unix://${socketPath}`;
  try {
    await waitForPong(url, exited, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stopChild(child, exited);
    const tail = recent.length > 0 ? `\nredis-server's last lines:\n${recent.join('\n')}` : '';
    throw new EmbeddedRedisError(`${(error as Error).message}${tail}`);
  }
  return { url, stop: () => stopChild(child, exited) };
}

function serverArgs(redisDir: string, socketPath: string): string[] {
  return [
    ...['--port', '0'],
    ...['--unixsocket', socketPath, '--unixsocketperm', '700'],
    ...['--dir', redisDir],
    ...['--appendonly', 'yes', '--appendfsync', 'everysec'],
    ...['--maxmemory-policy', 'noeviction'],
    ...['--save', ''],
    ...['--daemonize', 'no'],
  ];
}

/** The URL startEmbeddedRedis gives (and will give again) for this data dir. */
export function embeddedRedisUrl(dataDir: string): string {
  return `redis+unix://${socketPathFor(path.resolve(dataDir, 'redis'))}`;
}

/**
 * The socket lives beside the data when the path fits in sun_path. Deep checkouts and temp dirs can
 * exceed that limit, and redis would then fail with a bare "unable to bind"; so a long path falls
 * back to a short one under the system temp dir, named by a hash of the data dir so the same data
 * dir always gets the same socket (and two data dirs never share one).
 */
function socketPathFor(redisDir: string): string {
  const preferred = path.join(redisDir, 'redis.sock');
  if (Buffer.byteLength(preferred) <= MAX_SOCKET_PATH_BYTES) return preferred;
  const hash = createHash('sha256').update(redisDir).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `telerad-redis-${hash}.sock`);
}

/** A socket file left by a killed redis blocks the bind; one that still answers belongs to a live server. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  const state = await new Promise<'absent' | 'stale' | 'live'>((resolve) => {
    const probe = createConnection({ path: socketPath });
    probe.once('connect', () => {
      probe.destroy();
      resolve('live');
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? 'absent' : 'stale'));
  });
  if (state === 'live') {
    throw new EmbeddedRedisError(`another redis-server is already listening on ${socketPath}; stop it first`);
  }
  if (state === 'stale') await unlink(socketPath).catch(() => undefined);
}

type ExitResult = { code: number | null; signal: NodeJS.Signals | null; spawnError?: NodeJS.ErrnoException };

function watchExit(child: ChildProcess, log: (line: string) => void): Promise<ExitResult> {
  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' without a later 'exit' means the binary could not be started at all.
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: error });
    });
    child.once('exit', (code, signal) => {
      log(`redis-server exited (${signal ?? `code ${code}`})`);
      resolve({ code, signal });
    });
  });
}

async function waitForPong(url: string, exited: Promise<ExitResult>, timeoutMs: number): Promise<void> {
  let exit: ExitResult | undefined;
  void exited.then((result) => {
    exit = result;
  });
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (exit !== undefined) throw startFailure(exit);
    const client = createRedis(url, { lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
    client.on('error', () => undefined);
    try {
      await client.connect();
      // PING answers LOADING while the AOF is replayed, so keep asking until PONG.
      if ((await client.ping()) === 'PONG') return;
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (exit !== undefined) throw startFailure(exit);
  throw new Error(`redis-server did not answer PING on ${url} within ${timeoutMs} ms (${lastError})`);
}

function startFailure(exit: ExitResult): Error {
  if (exit.spawnError?.code === 'ENOENT') {
    return new Error('redis-server not found: install it with `apt-get install redis-server`');
  }
  if (exit.spawnError !== undefined) return new Error(`redis-server could not start: ${exit.spawnError.message}`);
  return new Error(`redis-server exited during start-up (${exit.signal ?? `code ${exit.code}`})`);
}

async function stopChild(child: ChildProcess, exited: Promise<ExitResult>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    await exited;
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
