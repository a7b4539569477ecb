import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDxInstance, rewriteElements } from '@telerad/dicom';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeFrame } from './decodeFrame.js';
import { ImagingError } from './ImagingError.js';
import { renderInstance } from './renderInstance.js';
import { convert } from './testing/dicomTools.js';

// Bad pixel data gets an ImagingError with a code and a message naming the problem: never a crash,
// a hang or a garbage picture.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'telerad-imaging-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dx = () => createDxInstance({ rows: 64, columns: 48 });
const ascii = (text: string) => new Uint8Array(Buffer.from(text.length % 2 ? `${text}\0` : text, 'latin1'));

async function failure(promise: Promise<unknown>): Promise<ImagingError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ImagingError);
  return error as ImagingError;
}

/** The fragments of an encapsulated file, to damage one in place. */
function firstFragment(file: Buffer): { position: number; length: number } {
  const fragment = dicomParser.parseDicom(file).elements.x7fe00010?.fragments?.[0];
  if (!fragment) throw new Error('no fragment');
  return fragment;
}

describe('pixel data that cannot be rendered', () => {
  test('truncated native pixel data', async () => {
    const file = dx();
    const error = await failure(renderInstance(file.subarray(0, file.length - 100), { format: 'jpeg' }));
    expect(error.code).toBe('corrupt-pixel-data');
    expect(error.message).toMatch(/truncated/);
  });

  test('truncated JPEG-LS pixel data', async () => {
    const file = await convert(dir, dx(), 'gdcmconv', ['--jpegls'], 'truncated-jpegls');
    const fragment = firstFragment(file);
    const error = await failure(renderInstance(file.subarray(0, fragment.position + 200), { format: 'jpeg' }));
    expect(error.code).toBe('corrupt-pixel-data');
  });

  test('garbage in a JPEG-LS fragment', async () => {
    const file = await convert(dir, dx(), 'gdcmconv', ['--jpegls'], 'garbage-jpegls');
    const fragment = firstFragment(file);
    file.fill(0x5a, fragment.position + 2, fragment.position + fragment.length);
    const error = await failure(renderInstance(file, { format: 'jpeg' }));
    expect(error.code).toBe('corrupt-pixel-data');
    expect(error.message).toMatch(/JPEG-LS/);
  });

  test('garbage in a JPEG 2000 fragment', async () => {
    const file = await convert(dir, dx(), 'gdcmconv', ['--j2k'], 'garbage-j2k');
    const fragment = firstFragment(file);
    file.fill(0xa5, fragment.position + 40, fragment.position + fragment.length);
    const error = await failure(renderInstance(file, { format: 'jpeg' }));
    expect(error.code).toBe('corrupt-pixel-data');
    expect(error.message).toMatch(/JPEG 2000/);
  });

  test('garbage in an RLE frame', async () => {
    const file = await convert(dir, dx(), 'dcmcrle', [], 'garbage-rle');
    const fragment = firstFragment(file);
    file.fill(0xff, fragment.position, fragment.position + 64);
    const error = await failure(renderInstance(file, { format: 'jpeg' }));
    expect(error.code).toBe('corrupt-pixel-data');
    expect(error.message).toMatch(/RLE/);
  });

  test('an unsupported transfer syntax is named', async () => {
    const file = rewriteElements(dx(), ({ tag }) =>
      tag === 'x00020010' ? ascii('1.2.840.10008.1.2.4.100') : undefined,
    );
    const error = await failure(renderInstance(file, { format: 'png' }));
    expect(error.code).toBe('unsupported-transfer-syntax');
    expect(error.message).toContain('MPEG2 Main Profile (1.2.840.10008.1.2.4.100)');
  });

  test('an unknown transfer syntax', async () => {
    const file = rewriteElements(dx(), ({ tag }) => (tag === 'x00020010' ? ascii('1.2.3.4.5.6') : undefined));
    const error = await failure(decodeFrame(file, 1));
    expect(error.code).toBe('unsupported-transfer-syntax');
    expect(error.message).toContain('1.2.3.4.5.6');
  });

  test('no pixel data', async () => {
    const file = rewriteElements(dx(), ({ tag }) => (tag === 'x7fe00010' ? null : undefined));
    const error = await failure(renderInstance(file, { format: 'png' }));
    expect(error.code).toBe('no-pixel-data');
  });

  test('a frame the instance does not have', async () => {
    const error = await failure(renderInstance(dx(), { format: 'png', frame: 2 }));
    expect(error.code).toBe('frame-out-of-range');
    expect(error.message).toBe('frame 2 does not exist: the instance has 1 frame');
    expect((await failure(decodeFrame(dx(), 0))).code).toBe('frame-out-of-range');
  });

  test('Bits Stored larger than Bits Allocated', async () => {
    const file = rewriteElements(dx(), ({ tag }) => (tag === 'x00280101' ? new Uint8Array([20, 0]) : undefined));
    const error = await failure(renderInstance(file, { format: 'png' }));
    expect(error.code).toBe('unsupported-image');
    expect(error.message).toMatch(/Bits Stored 20/);
  });

  test('not a DICOM file', async () => {
    const error = await failure(renderInstance(Buffer.from('hello, this is not DICOM'), { format: 'png' }));
    expect(error.code).toBe('corrupt-pixel-data');
  });
});

describe('compressed data that disagrees with its header or is damaged', () => {
  test('a JPEG-LS frame claiming a huge size is refused before decoding', async () => {
    const file = await convert(dir, dx(), 'gdcmconv', ['--jpegls'], 'huge-jpegls');
    const { position } = firstFragment(file);
    const sof = file.indexOf(Buffer.from([0xff, 0xf7]), position);
    file.writeUInt16BE(60000, sof + 5); // height
    const error = await failure(renderInstance(file, { format: 'jpeg' }));
    expect(error.code).toBe('corrupt-pixel-data');
    expect(error.message).toBe('the compressed frame is 48×60000, the header says 48×64');
  });

  test('a JPEG 2000 frame claiming a huge size is refused before decoding', async () => {
    const file = await convert(dir, dx(), 'gdcmconv', ['--j2k'], 'huge-j2k');
    const { position } = firstFragment(file);
    const siz = file.indexOf(Buffer.from([0xff, 0x51]), position);
    file.writeUInt32BE(60000, siz + 6); // Xsiz
    const error = await failure(renderInstance(file, { format: 'jpeg' }));
    expect(error.message).toBe('the compressed frame is 60000×64, the header says 48×64');
  });

  test('garbage in a 12-bit JPEG frame', async () => {
    const file = await convert(dir, dx(), 'dcmcjpeg', ['+ee'], 'garbage-jpeg12');
    const fragment = firstFragment(file);
    const scan = file.indexOf(Buffer.from([0xff, 0xda]), fragment.position);
    file.fill(0xff, scan + 20, fragment.position + fragment.length - 2);
    const error = await failure(renderInstance(file, { format: 'jpeg' }));
    expect(error.code).toBe('corrupt-pixel-data');
  });

  test('a codec keeps working after a corrupt frame', async () => {
    const good = await convert(dir, dx(), 'gdcmconv', ['--j2k'], 'good-j2k');
    const bad = Buffer.from(good);
    const fragment = firstFragment(bad);
    bad.fill(0x11, fragment.position + 60, fragment.position + fragment.length);
    await failure(renderInstance(bad, { format: 'jpeg' }));
    await expect(renderInstance(good, { format: 'jpeg' })).resolves.toMatchObject({ width: 48, height: 64 });
  });

  test('a frame larger than 256 megapixels is refused', async () => {
    const file = rewriteElements(dx(), ({ tag }) => {
      if (tag === 'x00280010' || tag === 'x00280011') return new Uint8Array([0xff, 0xff]);
      return undefined;
    });
    const error = await failure(renderInstance(file, { format: 'jpeg' }));
    expect(error.code).toBe('unsupported-image');
    expect(error.message).toMatch(/65535×65535 frame is larger than the 256 megapixels/);
  });
});
