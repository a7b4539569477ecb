import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDxInstance } from './createDxInstance.js';
import { DicomParseError } from './DicomParseError.js';
import { parseInstance } from './parseInstance.js';
import { bytesSource, type PositionedBytes, parseInstanceFile, parseInstanceFrom } from './parseInstanceFrom.js';
import { PrefixTooShortError } from './readDataSet.js';
import { rewriteElements } from './rewriteElements.js';

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const withElements = (file: Uint8Array, changes: Record<string, Uint8Array | null>) =>
  rewriteElements(file, ({ tag }) => changes[tag]);
const metaEnd = (file: Buffer) => 132 + 12 + file.readUInt32LE(132 + 8);
const pixelHeaderAt = (file: Buffer) => file.length - 131072 - 12;

/** A JPEG Lossless file with `count` fragments of `size` bytes after an empty offset table. */
function encapsulated(count: number, size: number): Buffer {
  const native = withElements(createDxInstance(), { x00020010: ascii('1.2.840.10008.1.2.4.70') });
  const item = (length: number) => {
    const bytes = Buffer.alloc(8 + length, 0x55);
    bytes.writeUInt32LE(0xe000fffe, 0);
    bytes.writeUInt32LE(length, 4);
    return bytes;
  };
  const pixelData = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  const delimiter = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  const items = Array.from({ length: count }, () => item(size));
  return Buffer.concat([native.subarray(0, pixelHeaderAt(native)), pixelData, item(0), ...items, delimiter]);
}

function deflated(file: Buffer): Buffer {
  const explicit = withElements(file, { x00020010: ascii('1.2.840.10008.1.2.1.99') });
  return Buffer.concat([explicit.subarray(0, metaEnd(explicit)), deflateRawSync(explicit.subarray(metaEnd(explicit)))]);
}

const dx = createDxInstance({ patientId: 'PFX', rows: 512, columns: 512 });
/** A header of about 60 KB: several doublings of a 1 KB first prefix. */
const longHeader = withElements(dx, { x00081030: ascii('CHEST '.repeat(10_000)) });
const lyingPixels = Buffer.from(dx);
lyingPixels.writeUInt32LE(512 * 512 * 2 + 1000, pixelHeaderAt(dx) + 8);
const lyingDescription = Buffer.from(longHeader);
{
  // Study Description's 2-byte length is at tag + 6; make it claim more than the file holds.
  const at = lyingDescription.indexOf(Buffer.from([0x08, 0x00, 0x30, 0x10, 0x4c, 0x4f]));
  lyingDescription.writeUInt16LE(0xfffe, at + 6);
}

const cases: Array<[string, Buffer]> = [
  ['a valid DX', dx],
  ['a header longer than the first prefix', longHeader],
  ['a file meta group without the preamble', dx.subarray(132)],
  ['a bare explicit VR dataset', dx.subarray(metaEnd(dx))],
  ['a deflated dataset (needs the whole file)', deflated(dx)],
  ['encapsulated, fragment headers past the prefix', encapsulated(200, 3000)],
  ['encapsulated, many tiny fragments', encapsulated(20_000, 2)],
  ['encapsulated without the preamble', encapsulated(50, 1000).subarray(132)],
  ['encapsulated, last fragment cut', encapsulated(200, 3000).subarray(0, -1000)],
  ['encapsulated, no delimiter', encapsulated(200, 3000).subarray(0, -8)],
  ['cut half way through the pixel data', dx.subarray(0, dx.length - 200_000)],
  ['cut one byte short', dx.subarray(0, -1)],
  ['cut before the pixel data element', dx.subarray(0, pixelHeaderAt(dx))],
  ['cut inside the long header', longHeader.subarray(0, 30_000)],
  ['pixel data length longer than the file', lyingPixels],
  ['an element length past the end of the file', lyingDescription.subarray(0, 40_000)],
  ['pixel data shorter than the geometry', withElements(dx, { x00280010: new Uint8Array([0x00, 0x04]) })],
  ['a missing SOP Instance UID', withElements(dx, { x00080018: null })],
  ['random bytes', Buffer.alloc(300_000, 0x5a)],
];

type Outcome = { meta: unknown } | { reason: string; message: string };

async function outcome(parse: () => unknown): Promise<Outcome> {
  try {
    return { meta: await parse() };
  } catch (error) {
    if (!(error instanceof DicomParseError)) throw error;
    return { reason: error.reason, message: error.message };
  }
}

/** bytesSource, recording the largest prefix read. */
function counting(bytes: Buffer): PositionedBytes & { largestRead: number; syncReads: number } {
  const inner = bytesSource(bytes);
  const source = {
    size: inner.size,
    largestRead: 0,
    syncReads: 0,
    read: (position: number, length: number) => {
      source.largestRead = Math.max(source.largestRead, length);
      return inner.read(position, length);
    },
    readSync: (position: number, length: number) => {
      source.syncReads++;
      return inner.readSync(position, length);
    },
  };
  return source;
}

describe('parsing from a prefix gives what parsing the whole file gives', () => {
  test.each(cases)('%s', async (_name, file) => {
    const whole = await outcome(() => parseInstance(file));
    for (const firstPrefixBytes of [1024, 4096, 1 << 20]) {
      const source = counting(file);
      expect(await outcome(() => parseInstanceFrom(source, { firstPrefixBytes }))).toEqual(whole);
    }
  });

  test('a valid file is parsed from a prefix, not read whole', async () => {
    const source = counting(dx);
    await parseInstanceFrom(source, { firstPrefixBytes: 1024 });
    expect(source.largestRead).toBeLessThanOrEqual(4096);
    const long = counting(longHeader);
    await parseInstanceFrom(long, { firstPrefixBytes: 1024 });
    expect(long.largestRead).toBeGreaterThan(60_000);
    expect(long.largestRead).toBeLessThanOrEqual(131_072);
  });

  test('fragment headers past the prefix are read in windows, not one by one', async () => {
    const file = encapsulated(20_000, 2);
    const source = counting(file);
    await parseInstanceFrom(source, { firstPrefixBytes: 1024 });
    expect(source.largestRead).toBeLessThanOrEqual(4096);
    expect(source.syncReads).toBeLessThan(10);
  });

  test('parseInstance on a prefix asks for more instead of calling the file truncated', () => {
    expect(() => parseInstance(longHeader.subarray(0, 4096), { totalLength: longHeader.length })).toThrow(
      PrefixTooShortError,
    );
    // Without a reader, fragment headers past the prefix need a longer prefix too.
    const file = encapsulated(200, 3000);
    expect(() => parseInstance(file.subarray(0, 4096), { totalLength: file.length })).toThrow(PrefixTooShortError);
  });
});

describe('parseInstanceFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parse-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test.each(cases.slice(0, 12))('%s', async (name, file) => {
    const filePath = path.join(dir, `${name.replace(/\W+/g, '-')}.dcm`);
    await writeFile(filePath, file);
    expect(await outcome(() => parseInstanceFile(filePath, { firstPrefixBytes: 2048 }))).toEqual(
      await outcome(() => parseInstance(file)),
    );
  });
});
