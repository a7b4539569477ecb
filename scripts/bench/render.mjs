#!/usr/bin/env node
// Rendering benchmark (issue 4, "How it is measured"): a 1024-px preview of a 2500 × 3000 16-bit DX,
// uncompressed, JPEG-LS and JPEG 2000, through telerad's WADO-RS `rendered` and Orthanc's on the same
// files, then cached thumbnails, and each server's peak memory. Results: docs/benchmarks.md.
//
//   pnpm build && node scripts/bench/render.mjs [--iterations 20] [--thumbnails 300] [--no-orthanc]
//
// Both servers run as child processes on loopback on their embedded defaults in a temp dir, started
// as scripts/bench/ingest.mjs starts them: telerad is `node services/all-in-one/dist/main.js`
// (PGlite, local object folder, its own redis-server), Orthanc is Debian's `Orthanc` with the
// `orthanc-dicomweb` plugin, and `orthanc-gdcm` when installed (without it Orthanc refuses JPEG 2000;
// the bench says how to install it: `apt-get install -y orthanc-gdcm`).
// The three files are made before the clock starts: `createDxInstance` (explicit VR little endian,
// 12 bits stored) and `gdcmconv --jpegls` / `--j2k` of fresh copies (lossless). Both servers get the
// same bytes by STOW-RS; telerad's render jobs are awaited so its stored previews exist.
//
// Preview rows, each format twice: "new window", `--iterations` requests for one instance, each in a
// window not used before (the viewer's drag; Orthanc keeps the last decoded image, telerad re-windows
// the frame its render job stored with the previews, or else one it kept decoded from the second
// request on); and "new file", one request for each of `--copies` instances (same pixels, new SOP
// Instance UID by `dcmodify -gin`) that neither server has decoded yet (telerad's render job has made
// their previews and kept frames, as it does right after intake).
// One client, requests one after another, each
//   GET /dicomweb/studies/{st}/series/{se}/instances/{sop}/rendered?viewport=1024,1024&window=C,W,linear
// (Orthanc: the same path under /dicom-web), with a different window every request so that no server
// can answer from a cache of answers (telerad's must say `Telerad-Render-Source: rendered` or
// `rewindowed`, made now from the file or from a kept decoded frame; the row says how many re-windowed). One warm-up
// request of the "new window" series is not counted. Thumbnail row: GET …/thumbnail on telerad (the stored
// thumbnail, from memory after the first request), and on Orthanc, whose DICOMweb plugin 1.7 has no
// thumbnail resource, the same `rendered?viewport=256,256` repeated. Peak RSS is VmHWM of each
// server process (telerad's worker threads are inside its process; its redis-server is not counted).
// Prints a table and one JSON line.
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
    copies: { type: 'string', default: '12' },
    thumbnails: { type: 'string', default: '300' },
    'no-orthanc': { type: 'boolean', default: false },
  },
});
const iterations = positiveInt(values.iterations, '--iterations');
const thumbnailRequests = positiveInt(values.thumbnails, '--thumbnails');
const copies = positiveInt(values.copies, '--copies');
const TARGET_MS = { uncompressed: 150, 'JPEG-LS': 600, 'JPEG 2000': 1500 };

const harness = createHarness('render');
const { tmp, cleanup } = harness;
const { agent, get, post } = createHttpClient();

// ── the files ──────────────────────────────────────────────────────────────────────────────────────
/**
 * Per format, one file to re-window and `copies` more (dcmodify -gin: same pixels, new SOP Instance
 * UID) to be rendered once each, so that neither server has decoded them before.
 */
function makeFiles() {
  const dir = path.join(tmp, 'files');
  mkdirSync(dir);
  const studyInstanceUid = newUid();
  const kinds = [
    { name: 'uncompressed', option: null },
    { name: 'JPEG-LS', option: '--jpegls' },
    { name: 'JPEG 2000', option: '--j2k' },
  ];
  return kinds.map((kind, i) => {
    const seriesInstanceUid = newUid();
    const raw = path.join(dir, `${i}-raw.dcm`);
    writeFileSync(raw, createDxInstance({ rows: 3000, columns: 2500, studyInstanceUid, seriesInstanceUid }));
    let file = raw;
    if (kind.option !== null) {
      file = path.join(dir, `${i}.dcm`);
      execFileSync('gdcmconv', [kind.option, raw, file]);
    }
    const instances = Array.from({ length: copies + 1 }, (_, n) => {
      const copy = path.join(dir, `${i}-${n}.dcm`);
      writeFileSync(copy, readFileSync(file));
      execFileSync('dcmodify', ['-nb', '-gin', '-m', `(0020,0013)=${n + 1}`, copy]);
      const bytes = readFileSync(copy);
      const sopInstanceUid = /\(0008,0018\) UI \[([0-9.]+)\]/.exec(
        execFileSync('dcmdump', ['+P', '0008,0018', copy], { encoding: 'utf8' }),
      )?.[1];
      if (sopInstanceUid === undefined) throw new Error(`no SOP Instance UID in ${copy}`);
      return { studyInstanceUid, seriesInstanceUid, sopInstanceUid, bytes };
    });
    return { ...kind, instances };
  });
}

function stowBody(instances) {
  const boundary = `bench-${randomBytes(12).toString('hex')}`;
  const parts = instances.flatMap((f) => [
    Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
    f.bytes,
    Buffer.from('\r\n'),
  ]);
  return {
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
  };
}

// ── the servers ────────────────────────────────────────────────────────────────────────────────────

/** One instance per STOW-RS request, so intake's buffers do not swell either server's peak memory. */
async function upload(server, files) {
  for (const instance of files.flatMap((f) => f.instances)) {
    const { body, contentType } = stowBody([instance]);
    const r = await post(
      `${server.web}/studies`,
      { ...server.headers, 'content-type': contentType, accept: 'application/dicom+json' },
      body,
    );
    if (r.status !== 200) throw new Error(`${server.name} STOW-RS → ${r.status}: ${r.text.slice(0, 400)}`);
  }
}

/** Waits until telerad's render jobs have stored every file's previews. */
async function previewsStored(telerad, files) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const list = JSON.parse((await get(`${telerad.base}/api/studies?limit=10`, telerad.headers)).body.toString());
    const study = list.items.find((s) => s.studyInstanceUid === files[0].instances[0].studyInstanceUid);
    const expected = files.reduce((n, f) => n + f.instances.length, 0);
    if (study !== undefined) {
      const detail = JSON.parse(
        (await get(`${telerad.base}/api/studies/${study.id}`, telerad.headers)).body.toString(),
      );
      const states = detail.study.series.flatMap((s) => s.instances.map((i) => i.preview.status));
      if (states.length === expected && states.every((s) => s !== 'pending')) {
        const counts = new Map();
        for (const state of states) counts.set(state, (counts.get(state) ?? 0) + 1);
        return [...counts].map(([state, n]) => `${n} ${state}`);
      }
    }
    if (Date.now() > deadline) throw new Error('telerad did not store the previews within 180 s');
    await sleep(250);
  }
}

const instancePath = (f) =>
  `/studies/${f.studyInstanceUid}/series/${f.seriesInstanceUid}/instances/${f.sopInstanceUid}`;

/**
 * Previews in windows no request used before: `iterations` of one instance (`instances[0]`, the
 * viewer's drag), or one each of `instances[1..]` (files neither server has decoded yet).
 */
async function previews(server, file, offset, cold) {
  const times = [];
  const sources = {};
  const targets = cold ? file.instances.slice(1) : Array.from({ length: iterations + 1 }, () => file.instances[0]);
  for (const [i, instance] of targets.entries()) {
    const window = `${1000 + offset + i * 13},${2800 + i * 7},linear`;
    const r = await get(`${server.web}${instancePath(instance)}/rendered?viewport=1024,1024&window=${window}`, {
      ...server.headers,
      accept: 'image/jpeg',
    });
    if (r.status !== 200) return { failure: `${r.status} ${r.body.toString().slice(0, 160).replace(/\s+/g, ' ')}` };
    // A new window must be made now: rendered from the file, or re-windowed from a frame kept decoded
    // (from the second request for the same instance and size), never an answer kept from before.
    const source = r.headers['telerad-render-source'];
    if (server.name === 'telerad' && source !== 'rendered' && source !== 'rewindowed') {
      throw new Error(`telerad answered a new window from ${source}, not a render`);
    }
    // The first request of the same-file series reads and decodes the file: a warm-up, not counted.
    if (cold || i > 0) {
      times.push(r.ms);
      if (source !== undefined) sources[source] = (sources[source] ?? 0) + 1;
    }
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), n: times.length, sources };
}

async function thumbnails(server, file) {
  const instance = file.instances[0];
  const url =
    server.name === 'telerad'
      ? `${server.web}${instancePath(instance)}/thumbnail`
      : `${server.web}${instancePath(instance)}/rendered?viewport=256,256`;
  const times = [];
  for (let i = -1; i < thumbnailRequests; i++) {
    const r = await get(url, { ...server.headers, accept: 'image/jpeg' });
    if (r.status !== 200) return { failure: `${r.status} ${r.body.toString().slice(0, 160)}` };
    if (i >= 0) times.push(r.ms);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), n: times.length };
}

// ── run ────────────────────────────────────────────────────────────────────────────────────────────
try {
  const load0 = os.loadavg();
  const files = makeFiles();
  for (const f of files)
    console.error(`${f.name}: ${(f.instances[0].bytes.length / 1e6).toFixed(1)} MB × ${f.instances.length}`);
  const telerad = await startTelerad(harness);
  const orthanc = values['no-orthanc'] ? null : await startOrthanc(harness, { needsGdcm: true });
  const servers = [telerad, ...(orthanc ? [orthanc] : [])];
  for (const s of servers) await upload(s, files);
  const states = await previewsStored(telerad, files);
  console.error(`telerad previews: ${states.join(', ')}`);

  const rows = [];
  for (const [index, file] of files.entries()) {
    for (const cold of [false, true]) {
      const row = { file: file.name, kind: cold ? 'new file' : 'new window', target: TARGET_MS[file.name] };
      // Which server goes first alternates, so neither always meets a warmer machine.
      const order = (index + (cold ? 1 : 0)) % 2 === 0 ? servers : [...servers].reverse();
      for (const s of order) row[s.name] = await previews(s, file, index * 1000, cold);
      rows.push(row);
    }
  }
  const thumbs = {};
  for (const s of servers) thumbs[s.name] = await thumbnails(s, files[0]);
  const memory = Object.fromEntries(servers.map((s) => [s.name, peakRssMb(s.child.pid)]));
  const load1 = os.loadavg();

  const ms = (x) => (x === null || x === undefined ? '—' : `${Math.round(x)} ms`);
  const cell = (r, key) => (r === undefined ? '—' : r.failure ? `refused (${r.failure.slice(0, 40)})` : ms(r[key]));
  console.log(
    `\nrender benchmark — ${os.cpus().length} cores, load ${load0.map((l) => l.toFixed(2)).join(' ')} before, ${load1.map((l) => l.toFixed(2)).join(' ')} after`,
  );
  console.log(
    `Orthanc ${orthanc?.version ?? '(not run)'}${orthanc ? (orthanc.gdcm ? ' with orthanc-gdcm' : ' without orthanc-gdcm') : ''}; new window: ${iterations} windows of one file; new file: ${copies} files, one request each; ${thumbnailRequests} thumbnails\n`,
  );
  console.log(
    '| 1024-px preview | telerad p50 | telerad p95 | Orthanc p50 | Orthanc p95 | Orthanc/telerad (p50) | target p50 | target met | faster than Orthanc |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const yes = (b) => (b ? 'yes' : 'no');
  for (const r of rows) {
    const t = r.telerad;
    const o = r.orthanc;
    const ratio = t?.p50 && o?.p50 ? `${(o.p50 / t.p50).toFixed(2)}×` : '—';
    const met = t?.p50 !== undefined && t.p50 <= r.target;
    const faster = o === undefined ? '—' : yes(Boolean(o.failure) || (t?.p50 !== undefined && o.p50 > t.p50));
    console.log(
      `| ${r.file}, ${r.kind}${t?.sources?.rewindowed ? ` (${t.sources.rewindowed} of ${t.n} re-windowed)` : ''} | ${cell(t, 'p50')} | ${cell(t, 'p95')} | ${cell(o, 'p50')} | ${cell(o, 'p95')} | ${ratio} | ≤ ${r.target} ms | ${yes(met)} | ${faster} |`,
    );
  }
  const tt = thumbs.telerad;
  const ot = thumbs.orthanc;
  console.log(
    `| thumbnail, repeated (p99) | ${cell(tt, 'p99')} | | ${cell(ot, 'p99')} | | ${tt?.p99 && ot?.p99 ? `${(ot.p99 / tt.p99).toFixed(1)}×` : '—'} | ≤ 20 ms | ${yes(tt?.p99 <= 20)} | ${ot === undefined ? '—' : yes(Boolean(ot.failure) || ot.p99 > tt?.p99)} |`,
  );
  console.log(
    `\npeak RSS: telerad ${memory.telerad ?? '—'} MB${orthanc ? `, Orthanc ${memory.orthanc ?? '—'} MB` : ''}`,
  );
  console.log(
    JSON.stringify({
      rows,
      thumbnails: thumbs,
      peakRssMb: memory,
      load: { before: load0, after: load1 },
      orthanc: orthanc?.version ?? null,
    }),
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  agent.destroy();
  await cleanup();
}
