import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type TempDir, tempDir } from '@telerad/testkit';
import { afterEach, describe, expect, test } from 'vitest';

// The built all-in-one (`pnpm build` first), as ./scripts/start.sh runs it: embedded PGlite and its own
// redis-server in a data dir of the test's own.
const mainJs = path.resolve(import.meta.dirname, '../dist/main.js');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; at: number }>;
}

async function startEmbedded(dataDir: string, graceSeconds: number): Promise<Running> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key === 'DATABASE_URL' || key === 'REDIS_URL' || key.startsWith('S3_')) delete env[key];
  }
  const child = spawn(process.execPath, [mainJs], {
    env: {
      ...env,
      TELERAD_DATA_DIR: dataDir,
      TELERAD_HTTP_PORT: '0',
      TELERAD_DICOM_PORT: '0',
      TELERAD_STOP_GRACE_SECONDS: String(graceSeconds),
      TELERAD_REGION: path.resolve(import.meta.dirname, '../../../fixtures/region.demo.yaml'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const deadline = Date.now() + 60_000;
  while (!/telerad is running/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`telerad did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output, exited };
}

/** Pids of the redis-server processes serving `dataDir` (found by their command line). */
function embeddedRedisPids(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes('redis-server') && cmdline.includes(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('stopping the all-in-one', () => {
  let dir: TempDir | undefined;
  let running: Running | undefined;
  afterEach(async () => {
    running?.child.kill('SIGKILL');
    for (const pid of dir ? embeddedRedisPids(dir.path) : []) process.kill(pid, 'SIGKILL');
    await dir?.remove();
  });

  test('SIGTERM stops it cleanly, its redis-server too, and it exits 0', async () => {
    dir = await tempDir('telerad-stop');
    // A clean stop under a busy test run can take seconds: the grace here is not what is tested.
    running = await startEmbedded(dir.path, 60);
    expect(embeddedRedisPids(dir.path)).toHaveLength(1);
    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);
    expect(embeddedRedisPids(dir.path)).toEqual([]);
  }, 90_000);

  test('with its Redis gone, a stop that would wait for ever exits 1 after the grace period, saying why', async () => {
    dir = await tempDir('telerad-stop');
    running = await startEmbedded(dir.path, 2);
    for (const pid of embeddedRedisPids(dir.path)) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const signalled = Date.now();
    running.child.kill('SIGTERM');
    const { code, at } = await running.exited;
    expect(code).toBe(1);
    expect(at - signalled).toBeGreaterThanOrEqual(1_900);
    expect(running.output()).toMatch(/stopping did not finish in time/);
  }, 90_000);
});
