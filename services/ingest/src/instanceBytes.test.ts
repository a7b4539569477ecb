import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DatasetCollector } from './dimse/DatasetCollector.js';
import { type InstanceBytes, isSpooled, releaseInstanceBytes, SpoolingSink } from './instanceBytes.js';
import { parseMultipartRelatedSpooled } from './stow/parseMultipartRelated.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'spool-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spool = () => ({ dir: path.join(dir, 'spool'), thresholdBytes: 1000 });
const spoolFiles = () => readdir(path.join(dir, 'spool')).catch(() => [] as string[]);
const pattern = (length: number, seed = 1) => Buffer.from(Array.from({ length }, (_, i) => (i * seed + 3) & 0xff));
const contents = async (bytes: InstanceBytes) => (isSpooled(bytes) ? readFile(bytes.path) : bytes);

describe('SpoolingSink', () => {
  test('keeps small bytes in memory, synchronously', async () => {
    const sink = new SpoolingSink(spool(), Buffer.from('HEAD'));
    expect(sink.write(pattern(500))).toBeUndefined();
    const bytes = await sink.finish();
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes).toEqual(Buffer.concat([Buffer.from('HEAD'), pattern(500)]));
    expect(await spoolFiles()).toEqual([]);
  });

  test('past the threshold the bytes go to a spool file, head first', async () => {
    const sink = new SpoolingSink(spool(), Buffer.from('HEAD'));
    for (let i = 0; i < 10; i++) await sink.write(pattern(300, i));
    const bytes = await sink.finish();
    expect(isSpooled(bytes)).toBe(true);
    const expected = Buffer.concat([Buffer.from('HEAD'), ...Array.from({ length: 10 }, (_, i) => pattern(300, i))]);
    expect(bytes).toMatchObject({ size: expected.length });
    expect((await contents(bytes)).equals(expected)).toBe(true);
    await releaseInstanceBytes(bytes);
    expect(await spoolFiles()).toEqual([]);
  });

  test('thousands of small chunks are written in batches; the file and its SHA-256 match every byte', async () => {
    const sink = new SpoolingSink(spool());
    const chunks = Array.from({ length: 3000 }, (_, i) => pattern(700 + (i % 13), i));
    for (const chunk of chunks) await sink.write(chunk);
    const bytes = await sink.finish();
    const expected = Buffer.concat(chunks);
    expect(bytes).toMatchObject({ size: expected.length, sha256: createHash('sha256').update(expected).digest('hex') });
    expect((await contents(bytes)).equals(expected)).toBe(true);
    await releaseInstanceBytes(bytes);
  });

  test('discard removes the spool file', async () => {
    const sink = new SpoolingSink(spool());
    await sink.write(pattern(5000));
    expect(await spoolFiles()).toHaveLength(1);
    await sink.discard();
    expect(await spoolFiles()).toEqual([]);
  });
});

describe('parseMultipartRelatedSpooled', () => {
  const boundary = 'b-123';
  const contentType = `multipart/related; type="application/dicom"; boundary=${boundary}`;
  const body = (parts: Buffer[]) =>
    Buffer.concat([
      ...parts.flatMap((part, i) => [
        Buffer.from(`${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
        part,
      ]),
      Buffer.from(`\r\n--${boundary}--`),
    ]);
  async function* chunked(bytes: Buffer, size: number, failAt?: number) {
    for (let offset = 0; offset < bytes.length; offset += size) {
      if (failAt !== undefined && offset >= failAt) throw new Error('aborted');
      yield bytes.subarray(offset, offset + size);
    }
  }

  test('small parts come as Buffers, large ones as spool files removed after onPart', async () => {
    const parts = [pattern(300, 1), pattern(5000, 2), pattern(999, 3), pattern(20_000, 4)];
    const seen: Array<{ spooled: boolean; equal: boolean }> = [];
    const files: string[] = [];
    await parseMultipartRelatedSpooled(
      chunked(body(parts), 777),
      contentType,
      async (part) => {
        if (isSpooled(part.body)) files.push(part.body.path);
        seen.push({
          spooled: isSpooled(part.body),
          equal: (await contents(part.body)).equals(parts[seen.length] as Buffer),
        });
      },
      { maxPartBytes: 1 << 20, spool: spool() },
    );
    expect(seen).toEqual([
      { spooled: false, equal: true },
      { spooled: true, equal: true },
      { spooled: false, equal: true },
      { spooled: true, equal: true },
    ]);
    expect(files).toHaveLength(2);
    expect(await spoolFiles()).toEqual([]);
  });

  test('a body that breaks off in a large part leaves no spool file', async () => {
    const parts = [pattern(20_000)];
    await expect(
      parseMultipartRelatedSpooled(chunked(body(parts), 1000, 10_000), contentType, async () => {}, {
        maxPartBytes: 1 << 20,
        spool: spool(),
      }),
    ).rejects.toThrow('aborted');
    expect(await spoolFiles()).toEqual([]);
  });

  test('a failing onPart still removes the spool file', async () => {
    await expect(
      parseMultipartRelatedSpooled(
        chunked(body([pattern(20_000)]), 4096),
        contentType,
        async () => {
          throw new Error('store failed');
        },
        { maxPartBytes: 1 << 20, spool: spool() },
      ),
    ).rejects.toThrow('store failed');
    expect(await spoolFiles()).toEqual([]);
  });
});

describe('DatasetCollector with a spool', () => {
  test('a large dataset is spooled after its head; destroying it early removes the file', async () => {
    const head = Buffer.from('PART10-HEADER');
    const collector = new DatasetCollector('1.2.840.10008.1.2.1', 1 << 20, { spool: spool(), head });
    const data = [pattern(700, 1), pattern(700, 2), pattern(700, 3)];
    for (const chunk of data) collector.write(chunk);
    collector.end();
    const bytes = await collector.takeBytes();
    expect(isSpooled(bytes)).toBe(true);
    expect((await contents(bytes)).equals(Buffer.concat([head, ...data]))).toBe(true);
    expect(collector.byteLength).toBe(2100);
    await releaseInstanceBytes(bytes);

    const aborted = new DatasetCollector('1.2.840.10008.1.2.1', 1 << 20, { spool: spool(), head });
    aborted.write(pattern(5000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await spoolFiles()).toHaveLength(1);
    aborted.destroy();
    await new Promise((resolve) => aborted.once('close', resolve));
    expect(await spoolFiles()).toEqual([]);
  });
});
