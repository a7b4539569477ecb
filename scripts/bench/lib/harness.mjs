// What every benchmark needs around its measurements: its arguments checked, a temp dir, child
// processes (each in its own process group, logged to the temp dir) that are stopped — with the temp
// dir removed — on every way out, waiting for a server to answer, a keep-alive HTTP client, and
// percentiles and peak memory.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { killGroup, procStatusKb, sleep } from './telerad.mjs';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** Exits with a clear message when a built file the benchmark runs is missing. */
export function requireBuilt(...relativePaths) {
  for (const relative of relativePaths) {
    if (!existsSync(path.join(repoRoot, relative))) {
      console.error(`${relative} is missing: run \`pnpm build\` first`);
      process.exit(2);
    }
  }
}

export function positiveInt(text, name) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a positive integer, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
}

/**
 * A temp dir `telerad-bench-<name>-*` and the child processes started in it. `cleanup()` stops the
 * children (SIGTERM, then SIGKILL after 15 s), runs the hooks given to `onCleanup`, and removes the
 * dir; it also runs on SIGINT/SIGTERM, and the children are killed when the process exits anyway.
 */
export function createHarness(name) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `telerad-bench-${name}-`));
  /** @type {Array<{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<unknown> }>} */
  const children = [];
  const hooks = [];
  let cleanedUp = false;

  async function cleanup() {
    if (cleanedUp) return;
    cleanedUp = true;
    for (const { child } of children) killGroup(child, 'SIGTERM');
    await Promise.race([Promise.all(children.map((c) => c.exited)), sleep(15_000)]);
    for (const { child } of children) killGroup(child, 'SIGKILL');
    for (const hook of hooks) await hook().catch((error) => console.error(`cleaning up: ${error.message}`));
    rmSync(tmp, { recursive: true, force: true });
  }
  process.on('exit', () => {
    for (const { child } of children) killGroup(child, 'SIGKILL');
    if (!cleanedUp) rmSync(tmp, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the servers and removing ${tmp}`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  /** Starts a detached child logging to `<tmp>/<name>.log`. */
  function startChild(childName, command, args, options) {
    const log = path.join(tmp, `${childName}.log`);
    const out = createWriteStream(log);
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    children.push({ name: childName, child, exited });
    return { child, log, exited };
  }

  return { tmp, children, cleanup, startChild, onCleanup: (hook) => hooks.push(hook) };
}

export function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `url` until it answers 2xx; throws with the log's tail if the child exits or time runs out. */
export async function waitFor(name, url, headers, started, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`${name} exited during start-up:\n${tail(started.log)}`);
    }
    try {
      const r = await fetch(url, { headers });
      if (r.ok) return;
    } catch {}
    if (Date.now() > deadline)
      throw new Error(`${name} did not answer ${url} in ${timeoutMs / 1000} s:\n${tail(started.log)}`);
    await sleep(200);
  }
}

/** One client on one keep-alive connection: requests go one after another, as a viewer's do. */
export function createHttpClient() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  /** One GET; resolves with status, headers, body and the time to the last byte in ms. */
  function get(url, headers) {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(url, { agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks),
            ms: performance.now() - t0,
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }
  function post(url, headers, body) {
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  return { agent, get, post };
}

export const percentile = (xs, p) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

export const peakRssMb = (pid) => {
  const kb = procStatusKb(pid, 'VmHWM');
  return kb === null ? null : Math.round(kb / 1024);
};
