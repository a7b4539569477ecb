import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort.js';

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  /** Major version of the server binaries used. */
  version: string;
  /** The directory holding the cluster (data/, the log and usually the socket). */
  dir: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';
/** sun_path holds 108 bytes including the NUL; the socket file is `.s.PGSQL.<port>` (+ `.lock`). */
const MAX_SOCKET_PATH_BYTES = 107;
const START_ATTEMPTS = 3;

/** The newest PostgreSQL server binaries Debian's packages installed, or null. */
export function findPostgresBin(): { binDir: string; version: string } | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const binDir = path.join(PG_ROOT, version, 'bin');
    if (existsSync(path.join(binDir, 'initdb')) && existsSync(path.join(binDir, 'pg_ctl'))) return { binDir, version };
  }
  return null;
}

/**
 * Creates and starts a throwaway PostgreSQL cluster in `dir`: trust authentication, listening on
 * 127.0.0.1 at a free port and on a socket of its own (so it never meets the machine's own server),
 * with fsync off because nothing in it needs to survive a crash.
 */
export async function startPostgresCluster(options: {
  dir: string;
  /**
   * Keep fsync and full-page writes on (commits still do not wait for the disk: synchronous_commit
   * off survives a crash of the server, not a power loss) — for benchmarks that compare with peers
   * doing the same disk work. Tests leave it off.
   */
  durable?: boolean;
}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (bin === null) {
    throw new Error(
      `PostgreSQL server binaries not found under ${PG_ROOT}/*/bin: run ./scripts/test.sh, which installs them ` +
        '(or set TELERAD_TEST_DATABASE_URL to a server of your own)',
    );
  }
  const runner = new PgRunner(bin.binDir);
  const dir = await runner.prepareDir(options.dir);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const socketDir = await runner.socketDir(dir);

  await runner.run('initdb', [
    '-D',
    dataDir,
    '--auth=trust',
    '-U',
    'postgres',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await startServer(runner, dataDir, logFile, socketDir, options.durable ?? false);

  // The cluster must not outlive the test run, even when the runner dies before its teardown.
  const stopNow = () => runner.runSync('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
  process.on('exit', stopNow);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    version: bin.version,
    dir,
    async stop() {
      process.off('exit', stopNow);
      if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
        await runner.run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      }
      await rm(dir, { recursive: true, force: true });
      if (!socketDir.startsWith(dir)) await rm(socketDir, { recursive: true, force: true });
    },
  };
}

/** Stops a cluster a killed test run left in `dir` (if it still runs) and removes the directory. */
export async function removeStaleCluster(dir: string): Promise<void> {
  const bin = findPostgresBin();
  const dataDir = path.join(dir, 'data');
  if (bin !== null && existsSync(path.join(dataDir, 'postmaster.pid'))) {
    new PgRunner(bin.binDir).runSync('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
  }
  await rm(dir, { recursive: true, force: true });
}

async function startServer(
  runner: PgRunner,
  dataDir: string,
  logFile: string,
  socketDir: string,
  durable: boolean,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k ${shellQuote(socketDir)}`,
      '-c listen_addresses=127.0.0.1',
      ...(durable ? [] : ['-c fsync=off', '-c full_page_writes=off']),
      '-c synchronous_commit=off',
      // Every test file opens a pool of its own, and several files run at once.
      '-c max_connections=300',
    ].join(' ');
    try {
      await runner.run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', settings, 'start']);
      return port;
    } catch (error) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      // Another process can take the port between freePort() and the bind: try another one.
      if (attempt < START_ATTEMPTS && /could not bind|already in use/i.test(log)) continue;
      const tail = log.split('\n').slice(-15).join('\n');
      throw new Error(`${(error as Error).message}\npostgres log (${logFile}):\n${tail}`);
    }
  }
}

/** pg_ctl hands `-o` to a shell. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs the server binaries. PostgreSQL refuses to run as root, so as root every command goes
 * through `runuser -u postgres` and the directories it writes belong to that user.
 */
class PgRunner {
  private readonly owner: { uid: number; gid: number } | null;

  constructor(private readonly binDir: string) {
    this.owner = process.getuid?.() === 0 ? postgresUser() : null;
  }

  async prepareDir(preferred: string): Promise<string> {
    await mkdir(preferred, { recursive: true });
    if (this.owner === null) return preferred;
    await chown(preferred, this.owner.uid, this.owner.gid);
    if (spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', preferred]).status === 0) return preferred;
    // A checkout under a private home (/root is mode 700) is out of the postgres user's reach; the
    // system temp dir is not.
    await rm(preferred, { recursive: true, force: true });
    const fallback = await mkdtemp(path.join(os.tmpdir(), 'telerad-pg-'));
    await chown(fallback, this.owner.uid, this.owner.gid);
    return fallback;
  }

  /** `<dir>/sock` unless that is too long for a unix socket path, then a short temp dir. */
  async socketDir(dir: string): Promise<string> {
    const preferred = path.join(dir, 'sock');
    const longest = path.join(preferred, '.s.PGSQL.65535.lock');
    let socketDir = preferred;
    if (Buffer.byteLength(longest) <= MAX_SOCKET_PATH_BYTES) await mkdir(preferred, { recursive: true });
    else socketDir = await mkdtemp(path.join(os.tmpdir(), 'telerad-pgs-'));
    if (this.owner !== null) await chown(socketDir, this.owner.uid, this.owner.gid);
    return socketDir;
  }

  run(tool: string, args: string[]): Promise<void> {
    const [file, argv] = this.command(tool, args);
    return new Promise((resolve, reject) => {
      execFile(file, argv, { cwd: os.tmpdir() }, (error, stdout, stderr) => {
        if (error === null) resolve();
        else reject(new Error(`${tool} failed (${error.message.split('\n')[0]}):\n${stderr || stdout}`.trim()));
      });
    });
  }

  runSync(tool: string, args: string[]): void {
    const [file, argv] = this.command(tool, args);
    spawnSync(file, argv, { cwd: os.tmpdir(), stdio: 'ignore' });
  }

  private command(tool: string, args: string[]): [string, string[]] {
    const bin = path.join(this.binDir, tool);
    return this.owner === null ? [bin, args] : ['runuser', ['-u', 'postgres', '--', bin, ...args]];
  }
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root needs the postgres system user, which the postgresql package creates');
  }
}
