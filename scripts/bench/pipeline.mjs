#!/usr/bin/env node
// Measures the foundation's path on a real stack: STOW-RS of full-size DX studies, "study complete"
// → assigned on a radiologist's worklist, and "signed" → report received by the clinic's system.
//
//   pnpm build && node scripts/bench/pipeline.mjs [--studies 20] [--images 2] [--concurrency 4]
//
// Runs on the embedded defaults in a temp data dir (PGlite, local folder, own redis-server) unless
// DATABASE_URL / REDIS_URL / S3_ENDPOINT are set. Prints one JSON line last.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');
const { loadConfig } = await import(`${root}/packages/config/dist/index.js`);
const { createDxInstance, newUid } = await import(`${root}/packages/dicom/dist/index.js`);
const { startAllInOne } = await import(`${root}/services/all-in-one/dist/index.js`);

const { values } = parseArgs({
  options: {
    studies: { type: 'string', default: '20' },
    images: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '4' },
    rows: { type: 'string', default: '3000' },
    columns: { type: 'string', default: '2500' },
  },
});
const studies = Number(values.studies);
const images = Number(values.images);
const concurrency = Number(values.concurrency);

// The clinic's system: records when each report arrives.
const arrivals = new Map();
const inbox = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    arrivals.set(body.data.studyId, performance.now());
    res.writeHead(204).end();
  });
});
await new Promise((r) => inbox.listen(0, '127.0.0.1', r));
const inboxUrl = `http://127.0.0.1:${inbox.address().port}/reports`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'telerad-bench-'));
const region = readFileSync(`${root}/fixtures/region.demo.yaml`, 'utf8').replace(
  /url: http:\/\/\S+/g,
  `url: ${inboxUrl}`,
);
writeFileSync(path.join(dir, 'region.yaml'), region);
const config = loadConfig({
  ...process.env,
  TELERAD_DATA_DIR: path.join(dir, 'data'),
  TELERAD_REGION: path.join(dir, 'region.yaml'),
  TELERAD_HTTP_PORT: '0',
  TELERAD_LOG_LEVEL: 'warn',
});
const stack = await startAllInOne(config);
const base = stack.url;

const api = async (p, init = {}) => {
  const r = await fetch(`${base}${p}`, init);
  if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${p} → ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
};
const token = async (username) =>
  (
    await api('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo' }),
    })
  ).token;
const rad = { rad1: await token('rad1'), rad2: await token('rad2') };
const clinic = { authorization: 'Bearer demo-token-clinic-a' };

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? null;
};
const round = (x) => (x === null ? null : Math.round(x * 10) / 10);

let bytes = 0;
let stowMs = 0;
const assignMs = [];
const deliverMs = [];

async function oneStudy(i) {
  const studyInstanceUid = newUid();
  const files = Array.from({ length: images }, () =>
    createDxInstance({
      studyInstanceUid,
      rows: Number(values.rows),
      columns: Number(values.columns),
      patientId: `B-${i}`,
    }),
  );
  const boundary = `bench${i}x${Date.now()}`;
  const parts = files.flatMap((f) => [
    Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
    f,
    Buffer.from('\r\n'),
  ]);
  const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
  const t0 = performance.now();
  await api('/dicomweb/studies?priority=emergency', {
    method: 'POST',
    headers: { ...clinic, 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
    body,
  });
  stowMs += performance.now() - t0;
  bytes += body.length;
  const list = await api('/api/studies?limit=500', { headers: clinic });
  const study = list.items.find((s) => s.studyInstanceUid === studyInstanceUid);
  const t1 = performance.now();
  await api(`/api/studies/${study.id}/submit`, { method: 'POST', headers: clinic });
  let assignee = null;
  while (assignee === null) {
    const detail = await api(`/api/studies/${study.id}`, { headers: clinic });
    assignee = detail.study.assignedTo;
    if (assignee === null) await new Promise((r) => setTimeout(r, 5));
  }
  assignMs.push(performance.now() - t1);
  const auth = { authorization: `Bearer ${rad[assignee]}` };
  await api(`/api/studies/${study.id}/claim`, { method: 'POST', headers: auth });
  await api(`/api/studies/${study.id}/report`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ findings: '双肺纹理清晰。', impression: '未见明显异常。', critical: false }),
  });
  const t2 = performance.now();
  await api(`/api/studies/${study.id}/report/sign`, { method: 'POST', headers: auth });
  while (!arrivals.has(study.id)) await new Promise((r) => setTimeout(r, 2));
  deliverMs.push(arrivals.get(study.id) - t2);
}

const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < studies) await oneStudy(next++);
  }),
);
const wallS = (performance.now() - started) / 1000;
const result = {
  bench: 'pipeline',
  database: config.databaseUrl === null ? 'pglite' : 'postgres',
  studies,
  imagesPerStudy: images,
  imageMB: round(bytes / studies / images / 1e6),
  concurrency,
  stowMBps: round(bytes / 1e6 / (stowMs / 1000 / concurrency)),
  submitToAssignedMs: { p50: round(percentile(assignMs, 50)), p99: round(percentile(assignMs, 99)) },
  signToDeliveredMs: { p50: round(percentile(deliverMs, 50)), p99: round(percentile(deliverMs, 99)) },
  wallSeconds: round(wallS),
  rssMB: Math.round(process.memoryUsage().rss / 1e6),
};
console.log(
  `${studies} studies × ${images} images (${result.imageMB} MB each), ${concurrency} clients, ${result.database}:\n` +
    `  STOW-RS           ${result.stowMBps} MB/s\n` +
    `  submit→assigned   p50 ${result.submitToAssignedMs.p50} ms, p99 ${result.submitToAssignedMs.p99} ms\n` +
    `  sign→delivered    p50 ${result.signToDeliveredMs.p50} ms, p99 ${result.signToDeliveredMs.p99} ms`,
);
console.log(JSON.stringify(result));
await stack.stop();
inbox.close();
rmSync(dir, { recursive: true, force: true });
