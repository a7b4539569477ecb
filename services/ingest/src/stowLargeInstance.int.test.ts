import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createDxInstance, newUid, rewriteElements } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spoolDirOf } from './instanceBytes.js';
import { createStowRouter } from './stowRoute.js';

/**
 * Bounded memory (issue 3, item 7): a ~200 MB instance sent by STOW-RS is spooled to disk as it
 * arrives, parsed from its header, streamed to the object store and indexed, while the server's RSS
 * grows by far less than the instance. The server runs in this process, the body is streamed from a
 * file, and RSS is sampled throughout the request.
 */
const ROWS = 10_000;
const COLUMNS = 10_000;
const BOUNDARY = 'telerad-large-7f3a';

/** Writes a DX instance of ROWS × COLUMNS 16-bit pixels to `filePath` without building it in memory. */
async function writeLargeDx(filePath: string, uids: { studyInstanceUid: string; sopInstanceUid: string }) {
  const us = (value: number) => new Uint8Array([value & 0xff, value >> 8]);
  const small = rewriteElements(
    createDxInstance({ rows: 16, columns: 16, patientId: 'LARGE-1', ...uids }),
    ({ tag }) => (tag === 'x00280010' ? us(ROWS) : tag === 'x00280011' ? us(COLUMNS) : undefined),
  );
  const header = small.subarray(0, small.length - 16 * 16 * 2 - 12);
  const pixelHeader = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0, 0, 0, 0, 0]);
  const pixelBytes = ROWS * COLUMNS * 2;
  pixelHeader.writeUInt32LE(pixelBytes, 8);
  const out = createWriteStream(filePath);
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i += 2) chunk.writeUInt16LE((i * 7) & 0x0fff, i);
  const write = async (bytes: Buffer) => {
    if (!out.write(bytes)) await once(out, 'drain');
  };
  await write(Buffer.from(header));
  await write(pixelHeader);
  for (let left = pixelBytes; left > 0; left -= chunk.length)
    await write(chunk.subarray(0, Math.min(left, chunk.length)));
  out.end();
  await once(out, 'finish');
  return header.length + pixelHeader.length + pixelBytes;
}

async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('STOW-RS of a 200 MB instance', () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let server: http.Server;
  let port: number;
  let dicomFile: string;
  let clinicId: string;

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    const clinic = await runtime.db.db
      .selectFrom('clinic')
      .select(['id', 'code'])
      .where('code', '=', 'clinic-a')
      .executeTakeFirstOrThrow();
    clinicId = clinic.id;
    const app = express();
    app.use((_req, res, next) => {
      res.locals.principal = { kind: 'clinic', clinicId: clinic.id, clinicCode: clinic.code };
      next();
    });
    app.use('/dicomweb', createStowRouter(runtime));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    dicomFile = path.join(t.config.dataDir, 'large-input.dcm');
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await runtime?.close();
    await cleanup?.();
  });

  /** POSTs one part streamed from `filePath`; `abortAfter` bytes of it, then the socket is destroyed. */
  function post(filePath: string, size: number, abortAfter?: number): Promise<{ status: number; body: string }> {
    const head = Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/dicomweb/studies',
          headers: {
            'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
            'content-length': head.length + size + tail.length,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      request.on('error', reject);
      request.write(head);
      const body = createReadStream(filePath, abortAfter === undefined ? {} : { end: abortAfter - 1 });
      body.pipe(request, { end: false });
      body.on('end', () => {
        if (abortAfter === undefined) request.end(tail);
        else setTimeout(() => request.destroy(new Error('aborted by the test')), 200);
      });
    });
  }

  const spoolFiles = () => readdir(spoolDirOf(runtime.config.dataDir)).catch(() => [] as string[]);

  test('is stored byte for byte and indexed, and RSS grows far less than the instance', async () => {
    const studyInstanceUid = newUid();
    const sopInstanceUid = newUid();
    const size = await writeLargeDx(dicomFile, { studyInstanceUid, sopInstanceUid });
    expect(size).toBeGreaterThan(200_000_000);
    const expectedSha = await sha256File(dicomFile);

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = Date.now();
    let answer: { status: number; body: string };
    try {
      answer = await post(dicomFile, size);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - before) / 2 ** 20;
    console.log(
      `200 MB STOW-RS: ${Date.now() - started} ms, RSS ${Math.round(before / 2 ** 20)} MB before, ` +
        `peak ${Math.round(peak / 2 ** 20)} MB (+${growthMb.toFixed(1)} MB)`,
    );
    expect(answer.status, answer.body).toBe(200);

    const row = await runtime.db.db
      .selectFrom('instance')
      .innerJoin('study', 'study.id', 'instance.study_id')
      .select(['instance.blob_key', 'instance.size_bytes', 'instance.sha256', 'instance.rows', 'instance.columns'])
      .select(['study.clinic_id', 'study.patient_id'])
      .where('instance.sop_instance_uid', '=', sopInstanceUid)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      size_bytes: String(size),
      sha256: expectedSha,
      rows: ROWS,
      columns: COLUMNS,
      clinic_id: clinicId,
      patient_id: 'LARGE-1',
    });
    expect(await runtime.store.head(row.blob_key)).toMatchObject({ size });
    const stored = createHash('sha256');
    for await (const chunk of await runtime.store.get(row.blob_key)) stored.update(chunk as Buffer);
    expect(stored.digest('hex')).toBe(expectedSha);
    // The instance is 200 MB; the server held far less of it at any time.
    expect(growthMb).toBeLessThan(80);
    expect(await spoolFiles()).toEqual([]);
  }, 180_000);

  test('sending it again is a duplicate, found by hashing the spooled file', async () => {
    const { size } = await stat(dicomFile);
    const answer = await post(dicomFile, size);
    expect(answer.status, answer.body).toBe(200);
    expect(await spoolFiles()).toEqual([]);
  }, 120_000);

  test('an upload aborted half way leaves no spool file', async () => {
    const { size } = await stat(dicomFile);
    await expect(post(dicomFile, size, 40 * 2 ** 20)).rejects.toThrow();
    for (let i = 0; i < 50 && (await spoolFiles()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await spoolFiles()).toEqual([]);
    await rm(dicomFile, { force: true });
  }, 60_000);
});
