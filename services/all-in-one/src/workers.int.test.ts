import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createDb } from '@telerad/db';
import { createDxInstance, newUid } from '@telerad/dicom';
import {
  apiClient,
  mainThreadNiceness,
  multipartRelated,
  type TempDir,
  tempDir,
  testConfig,
  threadNiceness,
} from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const mainJs = path.resolve(import.meta.dirname, '../dist/main.js');
const storescuMissing = spawnSync('storescu', ['--version']).status !== 0;

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [mainJs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** The environment of an all-in-one on a test configuration's PostgreSQL schema and Redis. */
function postgresEnv(config: Awaited<ReturnType<typeof testConfig>>['config']): Record<string, string> {
  return {
    TELERAD_DATA_DIR: config.dataDir,
    TELERAD_REGION: config.regionFile,
    TELERAD_HTTP_PORT: '0',
    TELERAD_DICOM_PORT: '0',
    TELERAD_LOG_LEVEL: 'warn',
    TELERAD_QUEUE_PREFIX: config.queuePrefix,
    DATABASE_URL: config.databaseUrl ?? '',
    DATABASE_SCHEMA: config.databaseSchema ?? '',
    REDIS_URL: config.redisUrl ?? '',
  };
}

/** Waits for a started all-in-one's banner: the banner, its HTTP base URL and its C-STORE port. */
async function untilServing(stack: Started): Promise<{ banner: string; base: string; dicomPort: number }> {
  for (let i = 0; i < 600 && !/Ctrl-C/.test(stack.output()); i++) {
    if (stack.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const banner = stack.output();
  const httpPort = /open\s+http:\/\/localhost:(\d+)\//.exec(banner)?.[1];
  const cstorePort = /C-STORE\s+port (\d+)/.exec(banner)?.[1];
  if (httpPort === undefined || cstorePort === undefined) throw new Error(`telerad did not start:\n${banner}`);
  return { banner, base: `http://127.0.0.1:${httpPort}`, dicomPort: Number(cstorePort) };
}

/** SIGTERM to an all-in-one still running, which must stop and exit 0; false when it was not running. */
async function stopsCleanly(stack: Started | undefined): Promise<boolean> {
  if (stack === undefined || stack.child.exitCode !== null) return false;
  stack.child.kill('SIGTERM');
  const { code } = await stack.exited;
  expect(code).toBe(0);
  return true;
}

/** One request on a connection of its own, so node:cluster hands each to the next worker. */
function post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `telerad_instances_received_total` by worker and channel, from one /metrics answer. */
function receivedByWorker(metrics: string): Map<string, Record<string, number>> {
  const byWorker = new Map<string, Record<string, number>>();
  for (const m of metrics.matchAll(/^telerad_instances_received_total\{([^}]*)\} (\d+)$/gm)) {
    const labels = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const counts = byWorker.get(labels.worker ?? '') ?? {};
    counts[labels.channel ?? ''] = Number(m[2]);
    byWorker.set(labels.worker ?? '', counts);
  }
  return byWorker;
}

describe('the all-in-one with TELERAD_WORKERS=2 on PostgreSQL and the test Redis, with the C-STORE process', () => {
  let stack: Started;
  let base: string;
  let dicomPort: number;
  let files: TempDir;
  let cleanup: () => Promise<void>;
  let config: Awaited<ReturnType<typeof testConfig>>['config'];

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    config = t.config;
    cleanup = t.cleanup;
    files = await tempDir('telerad-workers');
    stack = startMain({ ...postgresEnv(config), TELERAD_WORKERS: '2' });
    const serving = await untilServing(stack);
    expect(serving.banner).toMatch(
      /2 workers \(TELERAD_WORKERS\) and a primary; C-STORE in a process of its own at nice 10/,
    );
    ({ base, dicomPort } = serving);
  }, 120_000);

  afterAll(async () => {
    // SIGTERM stops both workers and the C-STORE process gracefully, then the primary.
    await stopsCleanly(stack);
    await files?.remove();
    await cleanup?.();
  }, 60_000);

  const api = apiClient(() => base);

  const sentSops: string[] = [];
  const sentStudies: string[] = [];

  test('STOW-RS requests are spread over both workers, C-STORE goes to the C-STORE process; every instance is indexed once', async () => {
    // Six STOW-RS requests of two instances each, each on its own connection.
    for (let i = 0; i < 6; i++) {
      const study = newUid();
      const sops = [newUid(), newUid()];
      const { body, contentType } = multipartRelated(
        sops.map((sop) =>
          createDxInstance({
            studyInstanceUid: study,
            sopInstanceUid: sop,
            patientId: `W-${i}`,
            rows: 64,
            columns: 64,
          }),
        ),
      );
      const r = await post(
        `${base}/dicomweb/studies`,
        { authorization: 'Bearer demo-token-clinic-a', 'content-type': contentType },
        body,
      );
      expect(r.status, r.text).toBe(200);
      sentStudies.push(study);
      sentSops.push(...sops);
    }
    // Four storescu associations of one instance each (dcmtk; scripts/test.sh installs it).
    if (!storescuMissing) {
      for (let i = 0; i < 4; i++) {
        const study = newUid();
        const sop = newUid();
        const file = path.join(files.path, `${i}.dcm`);
        await writeFile(
          file,
          createDxInstance({
            studyInstanceUid: study,
            sopInstanceUid: sop,
            patientId: `C-${i}`,
            rows: 64,
            columns: 64,
          }),
        );
        const sent = spawnSync(
          'storescu',
          ['-aet', 'CLINIC_A', '-aec', 'TELERAD', '127.0.0.1', String(dicomPort), file],
          {
            encoding: 'utf8',
          },
        );
        expect(sent.status, sent.stderr).toBe(0);
        sentStudies.push(study);
        sentSops.push(sop);
      }
    }

    // /metrics on either worker answers for every process, each series labelled with its worker.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const byWorker = receivedByWorker(metrics);
    expect([...byWorker.keys()].sort()).toEqual(storescuMissing ? ['1', '2'] : ['1', '2', 'dicom']);
    for (const worker of ['1', '2']) {
      expect(byWorker.get(worker)?.['stow-rs'] ?? 0).toBeGreaterThan(0);
      expect(byWorker.get(worker)?.['c-store'] ?? 0).toBe(0);
    }
    expect(byWorker.get('dicom')?.['stow-rs'] ?? 0).toBe(0);
    const total = (channel: string) => [...byWorker.values()].reduce((sum, c) => sum + (c[channel] ?? 0), 0);
    expect(total('stow-rs')).toBe(12);
    if (!storescuMissing) expect(total('c-store')).toBe(4);

    const db = await createDb({
      databaseUrl: config.databaseUrl,
      schema: config.databaseSchema,
      dataDir: config.dataDir,
    });
    try {
      const rows = await db.db
        .selectFrom('instance')
        .select('sop_instance_uid')
        .where('sop_instance_uid', 'in', sentSops)
        .execute();
      expect(rows.map((r) => r.sop_instance_uid).sort()).toEqual([...sentSops].sort());
    } finally {
      await db.close();
    }
  });

  test('a study sent to the workers reaches a radiologist’s worklist', async () => {
    const list = await api('/api/studies', { token: 'demo-token-clinic-a' });
    const study = list.json.items.find((s: { studyInstanceUid: string }) => s.studyInstanceUid === sentStudies[0]);
    expect(study).toMatchObject({ status: 'receiving', instanceCount: 2 });
    expect(
      (await api(`/api/studies/${study.id}/submit`, { method: 'POST', token: 'demo-token-clinic-a' })).status,
    ).toBe(200);
    const login = await api('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: 'rad1', password: 'demo' }),
    });
    const token = login.json.token as string;
    let item: { assignedTo?: string | null; status?: string } | undefined;
    for (let i = 0; i < 100 && item?.assignedTo == null; i++) {
      const worklist = await api('/api/worklist', { token });
      item = worklist.json.items.find((s: { id: string }) => s.id === study.id);
      if (item?.assignedTo == null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(item).toMatchObject({ status: 'assigned', assignedTo: 'rad1' });
  });

  test('a worker that dies is replaced by a new one, and the primary logs it', async () => {
    const pid = stack.child.pid ?? 0;
    const before = nodeChildren(pid);
    expect(before).toHaveLength(3);
    // An all-in-one worker: its main thread runs at the normal priority (its preview threads at 10).
    const victim = before.find((worker) => mainThreadNiceness(worker) === 0);
    if (victim === undefined) throw new Error('no all-in-one worker among the primary’s processes');
    process.kill(victim, 'SIGKILL');
    let workers: string[] = [];
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const now = nodeChildren(pid);
      if (now.length !== 3 || now.includes(victim ?? 0)) continue;
      const metrics = await fetch(`${base}/metrics`)
        .then((r) => r.text())
        .catch(() => '');
      workers = [...new Set([...metrics.matchAll(/worker="(\d+)"/g)].map((m) => m[1]))].sort();
      if (workers.includes('4')) break;
    }
    // Worker 4 took the place of the one killed (the C-STORE process is worker 3); the other kept serving.
    expect(workers).toHaveLength(2);
    expect(workers).toContain('4');
    expect(stack.output()).toMatch(/"signal":"SIGKILL".*"restartInMs":1000.*worker died; starting a new one/);
    const { body, contentType } = multipartRelated([createDxInstance({ rows: 64, columns: 64 })]);
    for (let i = 0; i < 2; i++) {
      const r = await post(
        `${base}/dicomweb/studies`,
        { authorization: 'Bearer demo-token-clinic-a', 'content-type': contentType },
        body,
      );
      expect(r.status, r.text).toBe(200);
    }
  }, 60_000);

  test('the C-STORE process runs every thread at nice 10, and one that dies is replaced and takes sends again', async () => {
    const pid = stack.child.pid ?? 0;
    const niced = () => nodeChildren(pid).filter((worker) => Math.min(...threadNiceness(worker)) === 10);
    const [dicom, ...others] = niced();
    if (dicom === undefined) throw new Error('no process of the primary’s runs all its threads at nice 10');
    expect(others).toEqual([]);
    // The all-in-one workers' main threads stay at the normal priority: only intake from the modalities yields.
    for (const worker of nodeChildren(pid).filter((w) => w !== dicom)) {
      expect(mainThreadNiceness(worker)).toBe(0);
    }
    process.kill(dicom, 'SIGKILL');
    let replacement: number | undefined;
    for (let i = 0; i < 300 && replacement === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      replacement = niced().find((worker) => worker !== dicom);
    }
    expect(replacement).toBeDefined();
    expect(stack.output()).toMatch(/"signal":"SIGKILL".*worker died; starting a new one/);
    if (storescuMissing) return;
    const file = path.join(files.path, 'after-restart.dcm');
    const sop = newUid();
    await writeFile(file, createDxInstance({ sopInstanceUid: sop, patientId: 'C-AGAIN', rows: 64, columns: 64 }));
    // The new process may still be connecting to the database and Redis: a refused association is retried.
    let sent = spawnSync('storescu', ['-aet', 'CLINIC_A', '-aec', 'TELERAD', '127.0.0.1', String(dicomPort), file]);
    for (let i = 0; i < 50 && sent.status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      sent = spawnSync('storescu', ['-aet', 'CLINIC_A', '-aec', 'TELERAD', '127.0.0.1', String(dicomPort), file]);
    }
    expect(sent.status, sent.stderr?.toString()).toBe(0);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(receivedByWorker(metrics).get('dicom')?.['c-store']).toBe(1);
  }, 60_000);
});

/** The node processes a process started (the primary's workers), from /proc. */
function nodeChildren(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid && comm.startsWith('node') ? [Number(entry)] : [];
      } catch {
        return [];
      }
    });
}

/** Starts the all-in-one on PostgreSQL with a port another program holds; its exit code and output. */
async function startWithPortTaken(env: (port: string) => Record<string, string>) {
  const t = await testConfig({ database: 'postgres' });
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
  try {
    const started = startMain({ ...postgresEnv(t.config), ...env(String((taken.address() as net.AddressInfo).port)) });
    const { code } = await started.exited;
    return { code, output: started.output() };
  } finally {
    await new Promise((resolve) => taken.close(resolve));
    await t.cleanup();
  }
}

describe('TELERAD_WORKERS when a worker cannot start', () => {
  test('the primary stops everything and exits non-zero instead of restarting it forever', async () => {
    const { code, output } = await startWithPortTaken((port) => ({ TELERAD_WORKERS: '2', TELERAD_HTTP_PORT: port }));
    expect(code).toBe(1);
    expect(output).toMatch(/a worker failed while starting; stopping/);
    expect(output).not.toMatch(/telerad is running/);
  }, 60_000);
});

describe('the C-STORE process of a one-worker all-in-one on PostgreSQL', () => {
  test('its DICOM port already in use stops everything with exit 1 and a reason', async () => {
    const { code, output } = await startWithPortTaken((port) => ({ TELERAD_DICOM_PORT: port }));
    expect(code).toBe(1);
    expect(output).toMatch(/EADDRINUSE/);
    expect(output).toMatch(/a worker failed while starting; stopping/);
    expect(output).not.toMatch(/telerad is running/);
  }, 60_000);
});

describe('the C-STORE process of the all-in-one on the embedded PGlite (what start.sh runs)', () => {
  let stack: Started;
  let dir: TempDir;
  let base: string;
  let dicomPort: number;

  beforeAll(async () => {
    dir = await tempDir('telerad-cstore-pglite');
    stack = startMain({
      TELERAD_DATA_DIR: path.join(dir.path, 'data'),
      TELERAD_HTTP_PORT: '0',
      TELERAD_DICOM_PORT: '0',
      TELERAD_LOG_LEVEL: 'info',
      DATABASE_URL: '',
      REDIS_URL: '',
    });
    const serving = await untilServing(stack);
    expect(serving.banner).toMatch(/processes\s+one for the pipeline; C-STORE in a process of its own at nice 10/);
    ({ base, dicomPort } = serving);
  }, 120_000);

  afterAll(async () => {
    if (await stopsCleanly(stack)) {
      // The C-STORE process stopped with it.
      expect(nodeChildren(stack.child.pid ?? 0)).toEqual([]);
    }
    await dir?.remove();
  }, 60_000);

  const storescu = async (patientId: string) => {
    const file = path.join(dir.path, `${patientId}.dcm`);
    const study = newUid();
    await writeFile(file, createDxInstance({ studyInstanceUid: study, patientId, rows: 64, columns: 64 }));
    let sent = spawnSync('storescu', ['-aet', 'CLINIC_A', '-aec', 'TELERAD', '127.0.0.1', String(dicomPort), file]);
    // A C-STORE process being replaced refuses the association for a moment.
    for (let i = 0; i < 50 && sent.status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      sent = spawnSync('storescu', ['-aet', 'CLINIC_A', '-aec', 'TELERAD', '127.0.0.1', String(dicomPort), file]);
    }
    expect(sent.status, sent.stderr?.toString()).toBe(0);
    return study;
  };

  const studyOf = async (studyInstanceUid: string) => {
    const list = await fetch(`${base}/api/studies`, { headers: { authorization: 'Bearer demo-token-clinic-a' } });
    const items = ((await list.json()) as { items: Array<{ studyInstanceUid: string; instanceCount: number }> }).items;
    return items.find((s) => s.studyInstanceUid === studyInstanceUid);
  };

  test.skipIf(storescuMissing)(
    'a C-STORE lands in the embedded database through the C-STORE process, which runs at nice 10',
    async () => {
      const children = nodeChildren(stack.child.pid ?? 0);
      expect(children).toHaveLength(1);
      expect(threadNiceness(children[0] ?? 0)).toEqual(threadNiceness(children[0] ?? 0).map(() => 10));
      expect(mainThreadNiceness(stack.child.pid ?? 0)).toBe(0);
      const study = await storescu('PGLITE-1');
      expect(await studyOf(study)).toMatchObject({ instanceCount: 1, status: 'receiving' });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(receivedByWorker(metrics).get('dicom')?.['c-store']).toBe(1);
      // Both processes' series in one valid answer: one HELP line per metric.
      expect(metrics.match(/^# HELP telerad_instances_received_total /gm)).toHaveLength(1);
    },
    60_000,
  );

  test.skipIf(storescuMissing)(
    'a C-STORE process that dies is replaced, and the database stays usable by both',
    async () => {
      const [dicom] = nodeChildren(stack.child.pid ?? 0);
      if (dicom === undefined) throw new Error('no C-STORE process');
      process.kill(dicom, 'SIGKILL');
      let replacement: number | undefined;
      for (let i = 0; i < 300 && replacement === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        replacement = nodeChildren(stack.child.pid ?? 0).find((pid) => pid !== dicom);
      }
      expect(replacement).toBeDefined();
      expect(stack.output()).toMatch(/"signal":"SIGKILL".*C-STORE process died; starting a new one/);
      const study = await storescu('PGLITE-2');
      expect(await studyOf(study)).toMatchObject({ instanceCount: 1 });
    },
    60_000,
  );

  test.skipIf(storescuMissing)(
    'Ctrl-C reaching the C-STORE process leaves it serving until its parent stops it',
    async () => {
      // A terminal's Ctrl-C reaches every process of the group; the parent then stops the C-STORE
      // process itself (SIGTERM, afterAll), so it must not stop, or be restarted as dead, on SIGINT.
      const [dicom] = nodeChildren(stack.child.pid ?? 0);
      if (dicom === undefined) throw new Error('no C-STORE process');
      const logged = stack.output().length;
      process.kill(dicom, 'SIGINT');
      await new Promise((r) => setTimeout(r, 1500));
      expect(nodeChildren(stack.child.pid ?? 0)).toEqual([dicom]);
      const study = await storescu('PGLITE-3');
      expect(await studyOf(study)).toMatchObject({ instanceCount: 1 });
      expect(stack.output().slice(logged)).not.toMatch(/C-STORE process (stopping|died)/);
    },
    60_000,
  );
});

describe('TELERAD_WORKERS on the embedded PGlite', () => {
  test('more than one worker without DATABASE_URL is refused at start, naming the settings', async () => {
    const dir = await tempDir('telerad-workers-pglite');
    try {
      const started = startMain({
        TELERAD_WORKERS: '2',
        TELERAD_DATA_DIR: path.join(dir.path, 'data'),
        TELERAD_HTTP_PORT: '0',
        TELERAD_DICOM_PORT: '0',
        DATABASE_URL: '',
        REDIS_URL: '',
      });
      const { code } = await started.exited;
      expect(code).toBe(2);
      expect(started.output()).toMatch(
        /telerad cannot start: invalid configuration — TELERAD_WORKERS is 2, and more than one worker process needs PostgreSQL \(set DATABASE_URL\): the embedded PGlite is a single in-process database/,
      );
      expect(started.output()).not.toMatch(/telerad is running/);
    } finally {
      await dir.remove();
    }
  }, 30_000);
});
