#!/usr/bin/env node
// Bounded memory (issue 3, item 7): peak RSS of the telerad process while it takes
//   phase 1: 20 concurrent STOW-RS uploads of 15 MB instances (full-size DX, 2500 × 3000, 16 bit),
//            `--rounds` times (default 2), each instance new;
//   phase 2: one STOW-RS upload of a ~200 MB instance (10000 × 10000, 16 bit), streamed from a file.
// telerad runs as `node services/all-in-one/dist/main.js` in a child process of its own (PGlite,
// local object folder, its own redis-server), as in scripts/bench/ingest.mjs. The child's RSS
// (VmRSS) is sampled every 20 ms from /proc; the peak of each phase is printed, along with
// VmHWM (the peak over the child's life, start-up included) and one JSON line at the end.
//
// The bound is stated over the idle process (embedded PGlite alone takes ~450 MB): each phase's peak
// RSS may exceed the idle RSS by at most --bound-mb (default 100). Exit status 1 when it does.
//
//   pnpm build && node scripts/bench/memory.mjs [--rounds 2] [--large-rows 10000] [--bound-mb 100]

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { embeddedTeleradEnv, freePort, killGroup, procStatusKb, sleep } from './lib/telerad.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const mainJs = path.join(root, 'services/all-in-one/dist/main.js');
const dicomDist = path.join(root, 'packages/dicom/dist/index.js');
for (const file of [mainJs, dicomDist]) {
  if (!existsSync(file)) {
    console.error(`${path.relative(root, file)} is missing: run \`pnpm build\` first`);
    process.exit(2);
  }
}
const { createDxInstance, rewriteElements } = await import(dicomDist);

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '20' },
    'large-rows': { type: 'string', default: '10000' },
    'bound-mb': { type: 'string', default: '100' },
  },
});
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const largeRows = Number(values['large-rows']);
const boundMb = Number(values['bound-mb']);
const clinicAuth = 'Bearer demo-token-clinic-a';

// ── cleanup: the child's process group and the temp dir, on every way out ─────────────────────────
const tmp = mkdtempSync(path.join(os.tmpdir(), 'telerad-bench-memory-'));
let child;
let cleanedUp = false;
async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  killGroup(child, 'SIGTERM');
  if (child) await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 15_000).unref())]);
  killGroup(child, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', () => {
  killGroup(child, 'SIGKILL');
  if (!cleanedUp) rmSync(tmp, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

const mb = (kb) => (kb === null ? null : Math.round(kb / 1024));

/** Samples the child's VmRSS every 20 ms; stop() gives the peak in MB. */
function rssSampler(pid) {
  let peak = procStatusKb(pid, 'VmRSS') ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, procStatusKb(pid, 'VmRSS') ?? 0);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, procStatusKb(pid, 'VmRSS') ?? 0);
      return mb(peak);
    },
  };
}

async function startTelerad() {
  const port = await freePort();
  const env = embeddedTeleradEnv({
    root,
    dataDir: path.join(tmp, 'telerad'),
    httpPort: port,
    dicomPort: await freePort(),
    queuePrefix: 'bench-memory',
  });
  const log = path.join(tmp, 'telerad.log');
  const out = createWriteStream(log);
  child = spawn(process.execPath, [mainJs], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`telerad exited during start-up:\n${readFileSync(log, 'utf8')}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, log };
    } catch {}
    if (Date.now() > deadline) throw new Error(`telerad did not start:\n${readFileSync(log, 'utf8')}`);
    await sleep(200);
  }
}

/** POSTs a one-part STOW-RS body made of `head`, the part (a Buffer or a file to stream) and `tail`. */
function stow(url, part) {
  const boundary = `bench-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const size = Buffer.isBuffer(part) ? part.length : statSync(part).size;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: {
          authorization: clinicAuth,
          'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
          'content-length': head.length + size + tail.length,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.write(head);
    if (Buffer.isBuffer(part)) {
      req.write(part);
      req.end(tail);
    } else {
      const body = createReadStream(part);
      body.pipe(req, { end: false });
      body.on('end', () => req.end(tail));
      body.on('error', reject);
    }
  });
}

/** A DX instance of rows × rows 16-bit pixels written to `file` in 1 MB pieces, never whole in memory. */
async function writeLargeDx(file, rows) {
  const us = (v) => new Uint8Array([v & 0xff, v >> 8]);
  const small = rewriteElements(createDxInstance({ rows: 16, columns: 16, patientId: 'BENCH-LARGE' }), ({ tag }) =>
    tag === 'x00280010' || tag === 'x00280011' ? us(rows) : undefined,
  );
  const header = small.subarray(0, small.length - 16 * 16 * 2 - 12);
  const pixelBytes = rows * rows * 2;
  const pixelHeader = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0, 0, 0, 0, 0]);
  pixelHeader.writeUInt32LE(pixelBytes, 8);
  const out = createWriteStream(file);
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i += 2) chunk.writeUInt16LE((i * 7) & 0x0fff, i);
  const write = async (b) => {
    if (!out.write(b)) await once(out, 'drain');
  };
  await write(Buffer.from(header));
  await write(pixelHeader);
  for (let left = pixelBytes; left > 0; left -= chunk.length)
    await write(chunk.subarray(0, Math.min(left, chunk.length)));
  out.end();
  await once(out, 'finish');
  return statSync(file).size;
}

function expectStored(answer, what) {
  if (answer.status !== 200) throw new Error(`${what}: HTTP ${answer.status}: ${answer.text.slice(0, 500)}`);
}

try {
  const server = await startTelerad();
  const pid = child.pid;
  const stowUrl = `${server.base}/dicomweb/studies`;
  await sleep(2000);
  const idleMb = mb(procStatusKb(pid, 'VmRSS'));
  const startupHwmMb = mb(procStatusKb(pid, 'VmHWM'));
  console.log(`telerad pid ${pid} up; idle RSS ${idleMb} MB (VmHWM during start-up ${startupHwmMb} MB)`);

  // Warm-up: one small upload so first-use allocations are not counted against phase 1.
  expectStored(await stow(stowUrl, createDxInstance({ rows: 256, columns: 256 })), 'warm-up');

  // Phase 1: `concurrency` concurrent 15 MB uploads, `rounds` times.
  let phase1Mb = 0;
  let phase1Bytes = 0;
  const phase1Started = Date.now();
  for (let round = 0; round < rounds; round++) {
    const files = Array.from({ length: concurrency }, (_, i) =>
      createDxInstance({ rows: 3000, columns: 2500, patientId: `BENCH-MEM-${round}-${i}` }),
    );
    phase1Bytes += files.reduce((sum, f) => sum + f.length, 0);
    const sampler = rssSampler(pid);
    const answers = await Promise.all(files.map((f) => stow(stowUrl, f)));
    phase1Mb = Math.max(phase1Mb, sampler.stop());
    for (const [i, a] of answers.entries()) expectStored(a, `phase 1 upload ${i}`);
  }
  const phase1Seconds = (Date.now() - phase1Started) / 1000;
  console.log(
    `phase 1: ${rounds} × ${concurrency} concurrent ${(phase1Bytes / rounds / concurrency / 1e6).toFixed(1)} MB uploads ` +
      `in ${phase1Seconds.toFixed(1)} s: peak RSS ${phase1Mb} MB`,
  );

  // Phase 2: one large instance, streamed from a file by the client.
  const largeFile = path.join(tmp, 'large.dcm');
  const largeBytes = await writeLargeDx(largeFile, largeRows);
  await sleep(1000);
  const beforeLargeMb = mb(procStatusKb(pid, 'VmRSS'));
  const sampler = rssSampler(pid);
  const phase2Started = Date.now();
  const answer = await stow(stowUrl, largeFile);
  const phase2Mb = sampler.stop();
  expectStored(answer, 'phase 2');
  const phase2Seconds = (Date.now() - phase2Started) / 1000;
  console.log(
    `phase 2: one ${(largeBytes / 1e6).toFixed(1)} MB instance in ${phase2Seconds.toFixed(1)} s: ` +
      `RSS ${beforeLargeMb} MB before, peak ${phase2Mb} MB`,
  );
  const hwmMb = mb(procStatusKb(pid, 'VmHWM'));
  const growthMb = Math.max(phase1Mb, phase2Mb) - idleMb;
  console.log(
    `VmHWM (peak over the process's life): ${hwmMb} MB; largest growth over idle ${growthMb} MB, bound ${boundMb} MB`,
  );
  const result = {
    bench: 'memory',
    idleRssMb: idleMb,
    startupVmHwmMb: startupHwmMb,
    phase1: {
      uploads: rounds * concurrency,
      concurrency,
      instanceMb: round1(phase1Bytes / rounds / concurrency / 1e6),
      seconds: round1(phase1Seconds),
      peakRssMb: phase1Mb,
    },
    phase2: {
      instanceMb: round1(largeBytes / 1e6),
      seconds: round1(phase2Seconds),
      rssBeforeMb: beforeLargeMb,
      peakRssMb: phase2Mb,
    },
    vmHwmMb: hwmMb,
    growthOverIdleMb: growthMb,
    boundOverIdleMb: boundMb,
    withinBound: growthMb <= boundMb,
  };
  console.log(JSON.stringify(result));
  await cleanup();
  process.exit(result.withinBound ? 0 : 1);
} catch (error) {
  console.error(error);
  await cleanup();
  process.exit(1);
}

function round1(x) {
  return Math.round(x * 10) / 10;
}
