import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDxInstance } from '@telerad/dicom';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeFrame } from './decodeFrame.js';
import { renderInstance } from './renderInstance.js';
import { convert, psnr, raster } from './testing/dicomTools.js';
import { encapsulate, encodeHtj2k } from './testing/encapsulate.js';
import { phantom, syntheticImage } from './testing/syntheticImage.js';

// Lossless codecs must give back exactly the stored pixels; lossy 12-bit JPEG must match libjpeg's
// (dcmtk's) decode; reduced-resolution JPEG 2000 previews must look like the full decode scaled.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'telerad-imaging-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function nativePixels(file: Buffer): Buffer {
  const element = dicomParser.parseDicom(file).elements.x7fe00010;
  if (!element) throw new Error('no pixel data');
  return file.subarray(element.dataOffset, element.dataOffset + element.length);
}

const rows = 90;
const columns = 70;
const multiframe = () =>
  syntheticImage({
    rows,
    columns,
    bitsAllocated: 16,
    bitsStored: 16,
    signed: true,
    photometric: 'MONOCHROME2',
    frames: 3,
    value: (x, y, frame) => -3000 + 6000 * phantom(x, y, frame, columns, rows),
  });
const rgb = () =>
  syntheticImage({
    rows,
    columns,
    bitsAllocated: 8,
    bitsStored: 8,
    samplesPerPixel: 3,
    photometric: 'RGB',
    value: (x, y, _frame, sample) => 255 * phantom((x + sample * 9) % columns, y, 0, columns, rows),
  });

describe('decodeFrame gives back the stored pixels of lossless data', () => {
  test.each([
    ['explicit VR big endian', 'dcmconv', ['+tb']],
    ['deflated', 'dcmconv', ['+td']],
    ['RLE', 'dcmcrle', []],
    ['JPEG lossless', 'dcmcjpeg', ['+e1']],
    ['JPEG lossless, 1 kB fragments with an offset table', 'dcmcjpeg', ['+e1', '+fs', '1']],
    ['JPEG lossless, 1 kB fragments without an offset table', 'dcmcjpeg', ['+e1', '+fs', '1', '-ot']],
    ['JPEG-LS', 'gdcmconv', ['--jpegls']],
    ['JPEG 2000', 'gdcmconv', ['--j2k']],
  ] as const)('%s, signed 16-bit, every frame', async (name, tool, args) => {
    const source = multiframe();
    const file = await convert(dir, source, tool, [...args], `mf-${name.replace(/\W+/g, '-')}`);
    const expected = nativePixels(source);
    const frameBytes = rows * columns * 2;
    for (const frame of [1, 2, 3]) {
      const decoded = await decodeFrame(file, frame);
      expect(decoded).toMatchObject({ rows, columns, bitsAllocated: 16, pixelRepresentation: 1, samplesPerPixel: 1 });
      const want = expected.subarray((frame - 1) * frameBytes, frame * frameBytes);
      expect(Buffer.from(decoded.pixels).equals(want)).toBe(true);
    }
  });

  test.each([
    ['RLE', 'dcmcrle', []],
    ['JPEG-LS', 'gdcmconv', ['--jpegls']],
    ['JPEG 2000', 'gdcmconv', ['--j2k']],
  ] as const)('%s, RGB', async (name, tool, args) => {
    const source = rgb();
    const file = await convert(dir, source, tool, [...args], `rgb-${name.replace(/\W+/g, '-')}`);
    const decoded = await decodeFrame(file, 1);
    expect(decoded).toMatchObject({ samplesPerPixel: 3, planarConfiguration: 0, photometricInterpretation: 'RGB' });
    expect(Buffer.from(decoded.pixels).equals(nativePixels(source))).toBe(true);
  });

  test('HTJ2K (encoded by OpenJPH)', async () => {
    const source = multiframe();
    const frameBytes = rows * columns * 2;
    const native = nativePixels(source);
    const frames = [0, 1, 2].map((index) => native.subarray(index * frameBytes, (index + 1) * frameBytes));
    const encoded = await encodeHtj2k(frames, { width: columns, height: rows, bitsPerSample: 16, isSigned: true });
    const file = encapsulate(source, '1.2.840.10008.1.2.4.201', encoded);
    for (const frame of [1, 3]) {
      const decoded = await decodeFrame(file, frame);
      expect(Buffer.from(decoded.pixels).equals(frames[frame - 1] as Buffer)).toBe(true);
    }
  });

  test('8-bit samples in 16 bits allocated keep the 16-bit layout (an 8-bit HTJ2K codestream)', async () => {
    const source = syntheticImage({
      rows,
      columns,
      bitsAllocated: 16,
      bitsStored: 8,
      photometric: 'MONOCHROME2',
      value: (x, y) => 255 * phantom(x, y, 0, columns, rows),
    });
    const native = nativePixels(source);
    const eightBit = Uint8Array.from(new Uint16Array(native.buffer, native.byteOffset, native.length / 2));
    const encoded = await encodeHtj2k([eightBit], { width: columns, height: rows, bitsPerSample: 8, isSigned: false });
    const decoded = await decodeFrame(encapsulate(source, '1.2.840.10008.1.2.4.201', encoded), 1);
    expect(decoded.bitsAllocated).toBe(16);
    expect(Buffer.from(decoded.pixels).equals(native)).toBe(true);
  });

  test('decoded native pixels are a copy, not a view of the file', async () => {
    const file = createDxInstance({ rows: 8, columns: 8 });
    const decoded = await decodeFrame(file, 1);
    file.fill(0);
    expect(decoded.pixels.some((value) => value !== 0)).toBe(true);
  });
});

describe('lossy data', () => {
  test('12-bit JPEG (extended) decodes as libjpeg does, within 1', async () => {
    const file = await convert(dir, createDxInstance({ rows: 200, columns: 160 }), 'dcmcjpeg', ['+ee'], 'jpeg12');
    const reference = nativePixels(await convert(dir, file, 'dcmdjpeg', [], 'jpeg12-raw'));
    const decoded = await decodeFrame(file, 1);
    const actual = new Uint16Array(decoded.pixels.buffer, decoded.pixels.byteOffset, decoded.pixels.length / 2);
    const expected = new Uint16Array(reference.buffer, reference.byteOffset, reference.length / 2);
    let worst = 0;
    for (let index = 0; index < expected.length; index++) {
      worst = Math.max(worst, Math.abs((actual[index] as number) - (expected[index] as number)));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});

describe('reduced-resolution previews', () => {
  test.each([
    ['JPEG 2000', async (file: Buffer) => convert(dir, file, 'gdcmconv', ['--j2k'], 'preview-j2k')],
    [
      'HTJ2K',
      async (file: Buffer) => {
        const encoded = await encodeHtj2k([nativePixels(file)], {
          width: 400,
          height: 480,
          bitsPerSample: 16,
          isSigned: false,
        });
        return encapsulate(file, '1.2.840.10008.1.2.4.201', encoded);
      },
    ],
  ] as const)('%s preview looks like the full-resolution image scaled down', async (_name, encode) => {
    const source = createDxInstance({ rows: 480, columns: 400 });
    const file = await encode(source);
    const options = { format: 'png' as const, maxSize: 100 };
    const preview = await renderInstance(file, options);
    const fromNative = await renderInstance(source, options);
    expect({ width: preview.width, height: preview.height }).toEqual({ width: 83, height: 100 });
    // The wavelet's low band is not a lanczos downscale; a wrong level or size would be far below this.
    expect(psnr(await raster(preview.data), await raster(fromNative.data))).toBeGreaterThanOrEqual(25);
  });
});
