#!/usr/bin/env node
// DICOMweb read benchmark: what a viewer does when it opens a study, against telerad and Orthanc
// (Debian's, with the orthanc-dicomweb plugin) holding the same files. Results: docs/benchmarks.md.
//
//   pnpm build && node scripts/bench/dicomweb.mjs [--iterations 20] [--instances 4] [--no-orthanc]
//
// Both servers run as child processes on loopback on their embedded defaults in a temp dir, as
// scripts/bench/render.mjs starts them. The study is `--instances` synthetic 2500 × 3000 16-bit DX
// (15 MB each, explicit VR little endian) in one series, plus one `gdcmconv --jpegls` copy in a
// second series, made before the clock starts and sent to both by STOW-RS. Then one client, requests
// one after another on a keep-alive connection, times to the last byte (one warm-up not counted):
// QIDO-RS study and instance searches, series metadata, one instance, the whole study, a native
// frame, the JPEG-LS frame as stored and decoded. telerad's preview render jobs (same process) are
// awaited before the clock starts. Prints a table and one JSON line.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createHarness,
  createHttpClient,
  peakRssMb,
  percentile,
  positiveInt,
  repoRoot,
  requireBuilt,
} from './lib/harness.mjs';
import { startOrthanc, startTelerad } from './lib/servers.mjs';
import { sleep } from './lib/telerad.mjs';

requireBuilt('services/all-in-one/dist/main.js', 'packages/dicom/dist/index.js');
const { createDxInstance, newUid } = await import(path.join(repoRoot, 'packages/dicom/dist/index.js'));

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20' },
    instances: { type: 'string', default: '4' },
    'no-orthanc': { type: 'boolean', default: false },
  },
});
const iterations = positiveInt(values.iterations, '--iterations');
const instanceCount = positiveInt(values.instances, '--instances');

const harness = createHarness('dicomweb');
const { tmp, cleanup } = harness;
const { agent, get, post } = createHttpClient();

// ── the servers ────────────────────────────────────────────────────────────────────────────────────

async function upload(server, files) {
  const { body, contentType } = stowBody(files);
  const r = await post(
    `${server.web}/studies`,
    { ...server.headers, 'content-type': contentType, accept: 'application/dicom+json' },
    body,
  );
  if (r.status !== 200) throw new Error(`${server.name} STOW-RS → ${r.status}: ${r.text.slice(0, 400)}`);
}

function stowBody(files) {
  const boundary = `bench-${randomBytes(12).toString('hex')}`;
  const parts = files.flatMap((f) => [
    Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
    f.bytes,
    Buffer.from('\r\n'),
  ]);
  return {
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
  };
}

function makeStudy() {
  const dir = path.join(tmp, 'files');
  mkdirSync(dir);
  const studyInstanceUid = newUid();
  const patientId = `BENCH-${randomBytes(4).toString('hex')}`;
  const nativeSeries = newUid();
  const jlsSeries = newUid();
  const make = (seriesInstanceUid, instanceNumber, sopInstanceUid = newUid()) => ({
    studyInstanceUid,
    seriesInstanceUid,
    sopInstanceUid,
    bytes: createDxInstance({
      sopInstanceUid,
      rows: 3000,
      columns: 2500,
      studyInstanceUid,
      seriesInstanceUid,
      instanceNumber,
      seriesNumber: seriesInstanceUid === nativeSeries ? 1 : 2,
      patientId,
    }),
  });
  const native = Array.from({ length: instanceCount }, (_, i) => make(nativeSeries, i + 1));
  const jls = make(jlsSeries, 1);
  const raw = path.join(dir, 'raw.dcm');
  const out = path.join(dir, 'jls.dcm');
  writeFileSync(raw, jls.bytes);
  execFileSync('gdcmconv', ['--jpegls', raw, out]);
  jls.bytes = readFileSync(out);
  return { studyInstanceUid, patientId, nativeSeries, jlsSeries, native, jls };
}

/** Waits until telerad's render jobs have stored every file's previews. */
async function previewsStored(telerad, files) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const list = JSON.parse((await get(`${telerad.base}/api/studies?limit=10`, telerad.headers)).body.toString());
    const study = list.items.find((s) => s.studyInstanceUid === files[0].studyInstanceUid);
    if (study !== undefined) {
      const detail = JSON.parse(
        (await get(`${telerad.base}/api/studies/${study.id}`, telerad.headers)).body.toString(),
      );
      const states = detail.study.series.flatMap((s) => s.instances.map((i) => i.preview.status));
      if (states.length === files.length && states.every((s) => s !== 'pending')) return states;
    }
    if (Date.now() > deadline) throw new Error('telerad did not store the previews within 180 s');
    await sleep(250);
  }
}

/** `iterations` timed GETs of one path (after a warm-up), or why the server refused it. */
async function measure(server, pathAndQuery, accept) {
  const times = [];
  let bytes = 0;
  for (let i = -1; i < iterations; i++) {
    let r;
    try {
      r = await get(`${server.web}${pathAndQuery}`, { ...server.headers, accept });
    } catch (error) {
      // A server that drops the connection is a failed row, not the end of the run.
      return { failure: error instanceof Error ? error.message : String(error) };
    }
    if (r.status !== 200) return { failure: `${r.status} ${r.body.toString().slice(0, 120).replace(/\s+/g, ' ')}` };
    if (i >= 0) times.push(r.ms);
    bytes = r.body.length;
  }
  const p50 = percentile(times, 50);
  return { p50, p95: percentile(times, 95), bytes, mbps: p50 > 0 ? bytes / 1e6 / (p50 / 1000) : null };
}

// ── run ────────────────────────────────────────────────────────────────────────────────────────────
try {
  const load0 = os.loadavg();
  const study = makeStudy();
  const files = [...study.native, study.jls];
  console.error(
    `study: ${files.length} instances, ${(files.reduce((n, f) => n + f.bytes.length, 0) / 1e6).toFixed(1)} MB`,
  );
  const telerad = await startTelerad(harness);
  const orthanc = values['no-orthanc'] ? null : await startOrthanc(harness);
  const servers = [telerad, ...(orthanc ? [orthanc] : [])];
  for (const s of servers) await upload(s, files);
  // telerad renders previews of what it received in the same process: measure after, not during.
  await previewsStored(telerad, files);

  const st = study.studyInstanceUid;
  const first = study.native[0];
  const instance = `/studies/${st}/series/${study.nativeSeries}/instances/${first.sopInstanceUid}`;
  const jlsInstance = `/studies/${st}/series/${study.jlsSeries}/instances/${study.jls.sopInstanceUid}`;
  const dicom = 'multipart/related; type="application/dicom"; transfer-syntax=*';
  const octet = 'multipart/related; type="application/octet-stream"';
  const cases = [
    ['QIDO-RS studies by PatientID', `/studies?PatientID=${study.patientId}`, 'application/dicom+json'],
    [
      'QIDO-RS instances of the series',
      `/studies/${st}/series/${study.nativeSeries}/instances`,
      'application/dicom+json',
    ],
    ['series metadata', `/studies/${st}/series/${study.nativeSeries}/metadata`, 'application/dicom+json'],
    ['retrieve one instance (15 MB)', instance, dicom],
    [`retrieve the study (${files.length} instances)`, `/studies/${st}`, dicom],
    ['frame 1, native', `${instance}/frames/1`, octet],
    ['frame 1, JPEG-LS as stored', `${jlsInstance}/frames/1`, 'multipart/related; type="image/jls"'],
    ['frame 1, JPEG-LS decoded', `${jlsInstance}/frames/1`, octet],
  ];
  const rows = [];
  for (const [index, [name, p, accept]] of cases.entries()) {
    const row = { name };
    // Which server goes first alternates, so neither always meets a warmer machine.
    const order = index % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) row[s.name] = await measure(s, p, accept);
    rows.push(row);
  }
  const memory = Object.fromEntries(servers.map((s) => [s.name, peakRssMb(s.child.pid)]));
  const load1 = os.loadavg();

  const ms = (x) => (x === null || x === undefined ? '—' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);
  const cell = (r, key) => (r === undefined ? '—' : r.failure ? `refused (${r.failure.slice(0, 40)})` : ms(r[key]));
  const rate = (r) => (r?.mbps && r.bytes > 1e6 ? ` (${Math.round(r.mbps)} MB/s)` : '');
  console.log(
    `\nDICOMweb read benchmark — ${os.cpus().length} cores, load ${load0.map((l) => l.toFixed(2)).join(' ')} before, ${load1.map((l) => l.toFixed(2)).join(' ')} after`,
  );
  console.log(`Orthanc ${orthanc?.version ?? '(not run)'}; ${iterations} requests per row, one client\n`);
  console.log('| request | telerad p50 | telerad p95 | Orthanc p50 | Orthanc p95 | Orthanc/telerad (p50) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const t = r.telerad;
    const o = r.orthanc;
    const ratio = t?.p50 && o?.p50 ? `${(o.p50 / t.p50).toFixed(2)}×` : '—';
    console.log(
      `| ${r.name} | ${cell(t, 'p50')}${rate(t)} | ${cell(t, 'p95')} | ${cell(o, 'p50')}${rate(o)} | ${cell(o, 'p95')} | ${ratio} |`,
    );
  }
  console.log(
    `\npeak RSS: telerad ${memory.telerad ?? '—'} MB${orthanc ? `, Orthanc ${memory.orthanc ?? '—'} MB` : ''}`,
  );
  console.log(
    JSON.stringify({
      rows,
      peakRssMb: memory,
      load: { before: load0, after: load1 },
      orthanc: orthanc?.version ?? null,
    }),
  );
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  for (const { name } of children) console.error(`── ${name} log:\n${tail(path.join(tmp, `${name}.log`), 20)}`);
  process.exitCode = 1;
} finally {
  agent.destroy();
  await cleanup();
}
