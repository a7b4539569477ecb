#!/usr/bin/env node
// Intake benchmark (issue 3, "How it is measured"): STOW-RS and C-STORE of full-size DX images into
// telerad and into Orthanc in the same run, at 1, 4 and 16 concurrent clients, plus upload-complete →
// assigned on a radiologist's worklist for telerad. Results and their reading: docs/benchmarks.md.
//
//   pnpm build && node scripts/bench/ingest.mjs [--instances 48] [--concurrency 1,4,16] [--repeat 1]
//                                               [--rows 3000] [--columns 2500] [--no-orthanc]
//                                               [--no-cstore] [--no-stow] [--database pglite|postgres]
//                                               [--workers 1]
//
// Both servers run as child processes on loopback, each on its embedded defaults in a temp dir on
// local disk: telerad is `node services/all-in-one/dist/main.js` (PGlite, local object folder, its own
// redis-server; DATABASE_URL, REDIS_URL and S3_* are removed from its environment), Orthanc is
// Debian's `Orthanc` with the `orthanc-dicomweb` plugin and a private JSON config (SQLite index and
// filesystem storage, both in the temp dir). The client is this process. Every instance is its own
// study (one chest DX) and is generated before the clock starts; telerad and Orthanc get the same
// bytes, with fresh UIDs for every pass (a resend would only measure the duplicate path).
//
// Per concurrency level: one throughput pass per server (which goes first alternates between levels;
// with --repeat N, N passes each and the median), then a worklist pass on telerad with new studies:
// after each STOW-RS response the study is submitted and polled (GET /api/studies/{id}) until it is
// assigned, without holding up the next upload. Polling starts at 5 ms and backs off to 100 ms, so a
// latency is an upper bound, high by at most one poll interval; polling every few ms for every study
// would load telerad's single embedded-database connection and slow the uploads being measured.
// Each worklist pass also prints where that time went (p50/p99 of: finding the study, submitting it,
// the router assigning it). TELERAD_BENCH_NODE_ARGS passes options to telerad's node, e.g.
// '--cpu-prof --cpu-prof-dir=/tmp/prof' with TELERAD_STOP_GRACE_SECONDS=3 to profile a run.
//
// C-STORE (skip with --no-cstore): the same kind of files, written to the temp dir before the clock
// starts, sent by dcmtk `storescu` processes, each one association carrying its share of the files
// (N concurrent processes split the pass's files between them): to telerad's SCP
// (TELERAD_DICOM_PORT, calling AE CLINIC_A, called AE TELERAD) and to Orthanc's DICOM port (DicomAet
// ORTHANC, any calling AE). Throughput is the file bytes of all instances over the time from starting
// the first storescu to the exit of the last; storescu's start-up and association are inside it. The
// worklist pass reads each storescu's `-v` log as it runs: the moment its Nth "Received Store
// Response (Success)" line arrives is the upload-complete of its Nth file, then the study is looked
// up, submitted and polled as for STOW-RS.
// --database postgres runs telerad against a PostgreSQL cluster of its own in the temp dir (Debian's
// server binaries, fsync on, synchronous_commit off — like Orthanc's SQLite in WAL mode with
// SYNCHRONOUS=NORMAL, a commit survives a crash of the server but not a power loss), the way a
// district hospital deploys it; the default is the embedded PGlite that start.sh runs.
// --workers N (with --database postgres when N > 1) runs telerad with TELERAD_WORKERS=N: a primary and
// N worker processes sharing the ports. --dicom-process separate|inline sets TELERAD_DICOM_PROCESS
// (separate, the default: the C-STORE SCP runs in a process of its own at nice 10, under a primary on
// postgres, a child of telerad's process on PGlite). "cores" and peak memory count telerad's process
// and its node child processes together (not the redis-server it starts).
// Temp dirs and children are removed even on failure or Ctrl-C. Prints tables, then one JSON line.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createHarness, percentile, positiveInt, tail, waitFor } from './lib/harness.mjs';
import { startOrthanc } from './lib/servers.mjs';
import { embeddedTeleradEnv, freePort, procStatusKb, sleep } from './lib/telerad.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const mainJs = path.join(root, 'services/all-in-one/dist/main.js');
const dicomDist = path.join(root, 'packages/dicom/dist/index.js');
for (const file of [mainJs, dicomDist]) {
  if (!existsSync(file)) {
    console.error(`${path.relative(root, file)} is missing: run \`pnpm build\` first`);
    process.exit(2);
  }
}
const { createDxInstance } = await import(dicomDist);

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '48' },
    concurrency: { type: 'string', default: '1,4,16' },
    repeat: { type: 'string', default: '1' },
    rows: { type: 'string', default: '3000' },
    columns: { type: 'string', default: '2500' },
    'no-orthanc': { type: 'boolean', default: false },
    'no-cstore': { type: 'boolean', default: false },
    'no-stow': { type: 'boolean', default: false },
    database: { type: 'string', default: 'pglite' },
    workers: { type: 'string', default: '1' },
    'dicom-process': { type: 'string', default: 'separate' },
  },
});
const instances = positiveInt(values.instances, '--instances');
if (values.database !== 'pglite' && values.database !== 'postgres') {
  console.error(`--database must be pglite or postgres, not ${values.database}`);
  process.exit(2);
}
const workers = positiveInt(values.workers, '--workers');
if (workers > 1 && values.database !== 'postgres') {
  console.error('--workers above 1 needs --database postgres: telerad refuses several workers on PGlite');
  process.exit(2);
}
const dicomProcess = values['dicom-process'];
if (dicomProcess !== 'separate' && dicomProcess !== 'inline') {
  console.error(`--dicom-process must be separate or inline, not ${dicomProcess}`);
  process.exit(2);
}
const levels = values.concurrency.split(',').map((v) => positiveInt(v, '--concurrency'));
const repeat = positiveInt(values.repeat, '--repeat');
const rows = positiveInt(values.rows, '--rows');
const columns = positiveInt(values.columns, '--columns');
const clinicAuth = 'Bearer demo-token-clinic-a';
const pollDelaysMs = [5, 10, 20, 40, 80, 100];

const harness = createHarness('ingest');
const { tmp, children, cleanup, startChild } = harness;

/** One request over a keep-alive agent; resolves with status and body text. */
function send(agent, url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A process and its node child processes (telerad's cluster workers), from /proc (Linux). */
function nodeProcessTree(pid) {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && comm.startsWith('node')) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/** utime + stime of a process and its node workers in seconds, from /proc (Linux), or null. */
function cpuSeconds(pid) {
  let total = 0;
  for (const p of nodeProcessTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
    } catch {
      if (p === pid) return null;
    }
  }
  return total;
}

/** Peak resident memory of a process and its node workers in MB (the sum of each one's peak), or null. */
function peakRssMb(pid) {
  const kbs = nodeProcessTree(pid).map((p) => procStatusKb(p, 'VmHWM'));
  if (kbs[0] === null) return null;
  return Math.round(kbs.reduce((sum, kb) => sum + (kb ?? 0), 0) / 1024);
}

const round = (x, digits = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits);

function stowBody(file) {
  const boundary = `bench-${randomBytes(12).toString('hex')}`;
  return {
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
    body: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

/** Full-size DX studies of one instance each, with a patient ID to find each study by. */
function makeStudies(count, tag) {
  return Array.from({ length: count }, (_, i) => {
    const patientId = `BENCH-${tag}-${i}`;
    const file = createDxInstance({ rows, columns, patientId, accessionNumber: patientId });
    return { patientId, ...stowBody(file) };
  });
}

// ── the servers ────────────────────────────────────────────────────────────────────────────────────
async function startTelerad() {
  const port = await freePort();
  const env = embeddedTeleradEnv({
    root,
    dataDir: path.join(tmp, 'telerad'),
    httpPort: port,
    dicomPort: await freePort(),
    queuePrefix: 'bench',
  });
  if (values.database === 'postgres') {
    const { startPostgresCluster } = await import(path.join(root, 'packages/testkit/dist/postgresCluster.js'));
    const cluster = await startPostgresCluster({ dir: path.join(tmp, 'postgres'), durable: true });
    harness.onCleanup(() => cluster.stop());
    env.DATABASE_URL = cluster.url;
  }
  env.TELERAD_WORKERS = String(workers);
  env.TELERAD_DICOM_PROCESS = dicomProcess;
  // e.g. TELERAD_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles telerad's main thread.
  const nodeArgs = (process.env.TELERAD_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const started = startChild('telerad', process.execPath, [...nodeArgs, mainJs], { cwd: root, env });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('telerad', `${base}/healthz`, {}, started);
  return {
    name: 'telerad',
    base,
    stowUrl: `${base}/dicomweb/studies`,
    headers: { authorization: clinicAuth },
    dicomPort: Number(env.TELERAD_DICOM_PORT),
    calledAe: 'TELERAD',
    ...started,
  };
}

// ── one pass ───────────────────────────────────────────────────────────────────────────────────────
/**
 * Sends every study with `concurrency` clients; returns throughput and, with `trackWorklist`, the
 * upload-complete → assigned latency of each study (awaited after the last upload was answered).
 */
async function stowRun(server, studies, concurrency, { trackWorklist }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const apiAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const trackers = [];
  const cpu0 = cpuSeconds(server.child.pid);
  const client0 = process.cpuUsage();
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < studies.length) {
        const study = studies[next++];
        const r = await send(agent, server.stowUrl, {
          method: 'POST',
          headers: {
            ...server.headers,
            'content-type': study.contentType,
            'content-length': String(study.body.length),
            accept: 'application/dicom+json',
          },
          body: study.body,
        });
        const uploaded = performance.now();
        const stored = r.status === 200 ? JSON.parse(r.text)['00081199']?.Value?.length : 0;
        if (r.status !== 200 || stored !== 1) {
          throw new Error(
            `${server.name} STOW-RS → ${r.status}, not 200 with one stored instance: ${r.text.slice(0, 500)}`,
          );
        }
        bytes += study.body.length;
        if (trackWorklist) trackers.push(untilAssigned(server, apiAgent, study, uploaded));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu1 = cpuSeconds(server.child.pid);
  const client = process.cpuUsage(client0);
  const latencies = await Promise.all(trackers);
  agent.destroy();
  apiAgent.destroy();
  return {
    mbps: bytes / 1e6 / seconds,
    ips: studies.length / seconds,
    seconds,
    serverCores: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / seconds,
    clientCores: (client.user + client.system) / 1e6 / seconds,
    latencies,
  };
}

/** Stages of the worklist latency of the current worklist pass (reset by each pass). */
let stageMs = { lookup: [], submit: [], assign: [] };

/** Submit the study and poll until a radiologist is assigned; ms since its upload was answered. */
async function untilAssigned(server, agent, study, uploaded) {
  const headers = { authorization: clinicAuth };
  const api = async (p, method = 'GET') => {
    const r = await send(agent, `${server.base}${p}`, { method, headers });
    if (r.status !== 200) throw new Error(`${method} ${p} → ${r.status} ${r.text.slice(0, 300)}`);
    return JSON.parse(r.text);
  };
  // The clinic's system knows the study by its patient ID or UID, not by telerad's id: look it up.
  const list = await api(`/api/studies?q=${encodeURIComponent(study.patientId)}&limit=100`);
  const found = list.items.find((s) => s.patientId === study.patientId);
  if (found === undefined) throw new Error(`study of ${study.patientId} is not in /api/studies after STOW-RS`);
  const listed = performance.now();
  await api(`/api/studies/${found.id}/submit`, 'POST');
  const submitted = performance.now();
  const deadline = uploaded + 60_000;
  for (let poll = 0; ; poll++) {
    const detail = await api(`/api/studies/${found.id}`);
    if (detail.study.assignedTo !== null) {
      const now = performance.now();
      // Where the time went: finding the study, submitting it, and the router assigning it (polled).
      stageMs.lookup.push(listed - uploaded);
      stageMs.submit.push(submitted - listed);
      stageMs.assign.push(now - submitted);
      return now - uploaded;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `study ${found.id} not assigned 60 s after upload (${detail.study.unassignedReason ?? 'no reason'})`,
      );
    }
    await sleep(pollDelaysMs[Math.min(poll, pollDelaysMs.length - 1)]);
  }
}

// ── C-STORE ────────────────────────────────────────────────────────────────────────────────────────
/** Full-size DX files on disk, one study each, for storescu; the dir goes with `dispose`. */
function writeStudyFiles(count, tag) {
  const dir = path.join(tmp, `files-${tag}`);
  mkdirSync(dir);
  const studies = Array.from({ length: count }, (_, i) => {
    const patientId = `BENCH-${tag}-${i}`;
    const file = path.join(dir, `${String(i).padStart(3, '0')}.dcm`);
    writeFileSync(file, createDxInstance({ rows, columns, patientId, accessionNumber: patientId }));
    return { patientId, file, size: statSync(file).size };
  });
  return Object.assign(studies, { dispose: () => rmSync(dir, { recursive: true, force: true }) });
}

/** utime + stime of this process's waited-for children (the storescu processes), in seconds. */
function childrenCpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/**
 * One storescu process, one association, for `share`; `onStored(study, at)` as each success
 * response arrives (storescu sends the files in order, one at a time). Rejects unless every file
 * got success.
 */
function storescu(server, share, onStored) {
  return new Promise((resolve, reject) => {
    const args = ['-v', '-ta', '30', '-td', '300', '-aet', 'CLINIC_A', '-aec', server.calledAe];
    const child = spawn('storescu', [...args, '127.0.0.1', String(server.dicomPort), ...share.map((s) => s.file)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stored = 0;
    const log = [];
    const onLine = (line) => {
      log.push(line);
      if (log.length > 40) log.shift();
      if (/Received Store Response \(Success\)/.test(line)) {
        const study = share[stored++];
        if (study !== undefined) onStored(study, performance.now());
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0 && stored === share.length) resolve();
      else {
        reject(
          new Error(
            `storescu → ${server.name} ended with ${signal ?? code}, ${stored}/${share.length} stored:\n${log.join('\n')}`,
          ),
        );
      }
    });
  });
}

/** Like stowRun, over C-STORE: `concurrency` storescu processes share the studies' files. */
async function cstoreRun(server, studies, concurrency, { trackWorklist }) {
  const shares = Array.from({ length: Math.min(concurrency, studies.length) }, () => []);
  for (const [i, study] of studies.entries()) shares[i % shares.length].push(study);
  const apiAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const trackers = [];
  const cpu0 = cpuSeconds(server.child.pid);
  const client0 = process.cpuUsage();
  const kids0 = childrenCpuSeconds();
  const started = performance.now();
  await Promise.all(
    shares.map((share) =>
      storescu(server, share, (study, uploaded) => {
        if (trackWorklist) trackers.push(untilAssigned(server, apiAgent, study, uploaded));
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu1 = cpuSeconds(server.child.pid);
  const client = process.cpuUsage(client0);
  const kids = childrenCpuSeconds() - kids0;
  const latencies = await Promise.all(trackers);
  apiAgent.destroy();
  const bytes = studies.reduce((sum, s) => sum + s.size, 0);
  return {
    mbps: bytes / 1e6 / seconds,
    ips: studies.length / seconds,
    seconds,
    serverCores: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / seconds,
    clientCores: ((client.user + client.system) / 1e6 + kids) / seconds,
    latencies,
  };
}

// ── main ───────────────────────────────────────────────────────────────────────────────────────────
const median = (xs) => percentile(xs, 50);
const summarize = (passes) => ({
  mbps: round(median(passes.map((r) => r.mbps))),
  ips: round(median(passes.map((r) => r.ips)), 2),
  serverCores: round(median(passes.map((r) => r.serverCores ?? 0)), 2),
  clientCores: round(median(passes.map((r) => r.clientCores)), 2),
  passesMBps: passes.map((r) => round(r.mbps)),
});
const loadNow = () => os.loadavg().map((l) => round(l, 2));

/**
 * Every concurrency level of one protocol: throughput passes on each server (alternating which goes
 * first), then a worklist pass on telerad. `make(count, tag)` builds a pass's studies (with an
 * optional `dispose()`), `run` sends them.
 */
async function measure(protocol, telerad, orthanc, runTag, make, run) {
  const results = [];
  for (const [levelIndex, concurrency] of levels.entries()) {
    const servers = [telerad, orthanc].filter(Boolean);
    if (levelIndex % 2 === 1) servers.reverse();
    const passes = new Map(servers.map((server) => [server, []]));
    for (let pass = 0; pass < repeat; pass++) {
      const studies = make(instances, `${runTag}-${protocol}-c${concurrency}-p${pass}`);
      console.error(
        `${protocol}, ${concurrency} client(s), pass ${pass + 1}/${repeat}: ${servers.map((s) => s.name).join(', then ')}`,
      );
      try {
        for (const server of servers) {
          passes.get(server).push(await run(server, studies, concurrency, { trackWorklist: false }));
          await sleep(1000);
        }
      } finally {
        studies.dispose?.();
      }
    }
    console.error(`${protocol}, ${concurrency} client(s): worklist pass on telerad`);
    const studies = make(instances, `${runTag}-${protocol}-c${concurrency}-w`);
    let w;
    stageMs = { lookup: [], submit: [], assign: [] };
    try {
      w = await run(telerad, studies, concurrency, { trackWorklist: true });
    } finally {
      studies.dispose?.();
    }
    await sleep(1000);
    const t = summarize(passes.get(telerad));
    const o = orthanc ? summarize(passes.get(orthanc)) : null;
    results.push({
      concurrency,
      telerad: t,
      orthanc: o,
      ratio: o ? round(t.mbps / o.mbps, 2) : null,
      worklistMs: {
        p50: round(percentile(w.latencies, 50)),
        p99: round(percentile(w.latencies, 99)),
        max: round(Math.max(...w.latencies)),
        passMBps: round(w.mbps),
        stages: Object.fromEntries(
          Object.entries(stageMs).map(([stage, ms]) => [
            stage,
            { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) },
          ]),
        ),
      },
      latencies: w.latencies,
    });
  }
  const all = results.flatMap((r) => r.latencies);
  return {
    rows: results.map(({ latencies, ...r }) => r),
    worklistMs: { samples: all.length, p50: round(percentile(all, 50)), p99: round(percentile(all, 99)) },
    target: {
      throughputAtLeastOrthanc: orthanc ? results.every((r) => r.ratio >= 1) : null,
      worklistP99Under1s: percentile(all, 99) < 1000,
    },
  };
}

function printTable(title, measured) {
  const pad = (v, n) => String(v ?? '–').padStart(n);
  console.log(`\n${title}`);
  console.log(
    `${pad('clients', 7)} | ${pad('telerad MB/s', 12)} ${pad('inst/s', 7)} ${pad('cores', 5)} | ` +
      `${pad('Orthanc MB/s', 12)} ${pad('inst/s', 7)} ${pad('cores', 5)} | ${pad('ratio', 5)} | ` +
      `${pad('worklist p50', 12)} ${pad('p99 ms', 7)}`,
  );
  for (const r of measured.rows) {
    console.log(
      `${pad(r.concurrency, 7)} | ${pad(r.telerad.mbps, 12)} ${pad(r.telerad.ips, 7)} ${pad(r.telerad.serverCores, 5)} | ` +
        `${pad(r.orthanc?.mbps, 12)} ${pad(r.orthanc?.ips, 7)} ${pad(r.orthanc?.serverCores, 5)} | ${pad(r.ratio, 5)} | ` +
        `${pad(r.worklistMs.p50, 12)} ${pad(r.worklistMs.p99, 7)}`,
    );
  }
  const stages = measured.rows.map(({ concurrency, worklistMs: { stages: st } }) =>
    Object.entries(st)
      .map(([stage, { p50, p99 }]) => `${stage} ${p50}/${p99}`)
      .reduce((line, part) => `${line} ${part},`, `${concurrency} client(s):`),
  );
  console.log(`worklist stages p50/p99 ms (lookup, submit, router assigns): ${stages.join('; ')}`);
  console.log(
    `upload-complete → assigned, all ${measured.worklistMs.samples} studies: p50 ${measured.worklistMs.p50} ms, ` +
      `p99 ${measured.worklistMs.p99} ms\ntarget: throughput ≥ Orthanc at every concurrency: ` +
      `${fmtTarget(measured.target.throughputAtLeastOrthanc)}; worklist p99 < 1 s: ${fmtTarget(measured.target.worklistP99Under1s)}`,
  );
}

let exitCode = 0;
try {
  if (values['no-cstore'] === false && spawnSync('storescu', ['--version']).status !== 0) {
    throw new Error('storescu not found (apt-get install -y dcmtk), or pass --no-cstore');
  }
  const runTag = randomBytes(3).toString('hex');
  const loadBefore = loadNow();
  if (loadBefore[0] > 1) {
    console.error(`note: load average ${loadBefore.join(' ')} on ${os.cpus().length} cores: something else is running`);
  }
  console.error(`temp dir ${tmp}; starting telerad${values['no-orthanc'] ? '' : ' and Orthanc'}…`);
  const [telerad, orthanc] = await Promise.all([
    startTelerad(),
    values['no-orthanc'] ? null : startOrthanc(harness, { withGdcm: false }),
  ]);

  // Warm both servers (JIT, first PGlite/SQLite pages, connections): two studies each, not timed.
  const warm = makeStudies(2, `${runTag}-warm`);
  for (const server of [telerad, orthanc]) {
    if (server) await stowRun(server, warm, 1, { trackWorklist: server === telerad });
  }
  const imageMB = round(warm[0].body.length / 1e6);

  const stow = values['no-stow'] ? null : await measure('STOW-RS', telerad, orthanc, runTag, makeStudies, stowRun);
  let cstore = null;
  if (!values['no-cstore']) {
    const warmFiles = writeStudyFiles(2, `${runTag}-cstore-warm`);
    for (const server of [telerad, orthanc]) {
      if (server) await cstoreRun(server, warmFiles, 1, { trackWorklist: server === telerad });
    }
    warmFiles.dispose();
    cstore = await measure('C-STORE', telerad, orthanc, runTag, writeStudyFiles, cstoreRun);
  }

  const summary = {
    bench: 'ingest',
    machine: {
      cpus: os.cpus().length,
      memGB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadBefore,
      loadAfter: loadNow(),
    },
    telerad: {
      storage: 'fs (fsync per object)',
      database: values.database,
      workers,
      dicomProcess,
      peakRssMB: peakRssMb(telerad.child.pid),
    },
    orthanc: orthanc && {
      version: orthanc.version,
      storage: 'fs (SyncStorageArea default: fsync per file)',
      database: 'sqlite',
      peakRssMB: peakRssMb(orthanc.child.pid),
    },
    instancesPerPass: instances,
    passes: repeat,
    imageMB,
    // STOW-RS, at the top level as before; null with --no-stow.
    rows: stow?.rows ?? null,
    worklistMs: stow?.worklistMs ?? null,
    target: stow?.target ?? null,
    cstore: cstore && { storescu: 'one association per process', ...cstore },
  };

  const setting =
    `${instances} × ${imageMB} MB DX (${columns}×${rows}, 16-bit) per pass, median of ${repeat} pass(es); ` +
    `${os.cpus().length} cores (load ${loadBefore[0]} before, ${summary.machine.loadAfter[0]} after), ` +
    `Node ${process.version}${orthanc ? `, Orthanc ${orthanc.version}` : ''}; ` +
    `telerad on ${values.database}, ${workers === 1 ? 'one' : workers} worker process(es)` +
    (dicomProcess === 'separate' ? ' and a C-STORE process at nice 10' : ', C-STORE inline');
  if (stow) printTable(`STOW-RS, one instance per request, ${setting}`, stow);
  if (cstore) printTable(`C-STORE, dcmtk storescu, one association per client, ${setting}`, cstore);
  console.log(JSON.stringify(summary));
} catch (error) {
  exitCode = 1;
  console.error(error instanceof Error ? error.stack : error);
  for (const { name } of children)
    console.error(`--- ${name} log (last lines) ---\n${tail(path.join(tmp, `${name}.log`))}`);
} finally {
  await cleanup();
}
process.exit(exitCode);

function fmtTarget(met) {
  return met === null ? 'not measured' : met ? 'met' : 'NOT met';
}
