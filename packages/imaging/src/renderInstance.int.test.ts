import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rewriteElements } from '@telerad/dicom';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderInstance } from './renderInstance.js';
import { colourSources, type Source, sources } from './testing/corpus.js';
import { convert, dcmtkRender, psnr, type Raster, raster } from './testing/dicomTools.js';
import type { RenderWindow } from './types.js';

// Every supported transfer syntax and photometric interpretation, rendered by telerad and by dcmtk's
// dcmj2pnm with the same window (after gdcmconv --raw where dcmtk has no decoder): PSNR ≥ 40 dB.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'telerad-imaging-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Tool = [tool: string, ...args: string[]];

interface Case {
  name: string;
  source: Source;
  /** How to make the file under test from the source; none means the source as it is. */
  encode?: Tool;
  /** What dcmtk renders as the reference: the file under test, or its gdcmconv --raw copy. */
  reference?: 'file' | 'gdcm-raw';
  /** A second conversion after `encode`. */
  decompress?: Tool;
  window?: RenderWindow;
  frame?: number;
  /** dcmtk renders with the file's VOI LUT (+Wl 1) instead of a window. */
  voiLut?: boolean;
  /** Rewrite the decoded YBR_FULL copy into YBR_FULL_422 (two luma samples, one chroma pair). */
  ybr422?: boolean;
}

const dxWindow = { center: 1600, width: 3200 };
const cases: Case[] = [
  { name: 'DX explicit VR little endian, 12 of 16 bits, window from the file', source: 'dx' },
  { name: 'DX with an explicit window', source: 'dx', window: { center: 1200, width: 1000 } },
  { name: 'bits above High Bit masked off', source: 'dxMasked', window: { center: 2048, width: 4096 } },
  { name: 'signed CT with rescale, window from the file', source: 'ct' },
  { name: 'signed CT with rescale, lung window', source: 'ct', window: { center: -600, width: 1500 } },
  { name: 'signed 12-bit in 16 with slope 2', source: 'ct12', window: { center: 0, width: 3000 } },
  { name: 'MONOCHROME1 inverted', source: 'mono1' },
  { name: 'SIGMOID VOI LUT function from the file', source: 'sigmoid' },
  { name: 'Modality LUT Sequence', source: 'modalityLut', window: { center: 40000, width: 30000 } },
  { name: 'VOI LUT Sequence', source: 'voiLut', voiLut: true },
  {
    name: '1-bit, multi-frame, frame 2 starts inside a byte',
    source: 'bits1',
    frame: 2,
    window: { center: 0.5, width: 1 },
  },
  { name: '1-bit, frame 3', source: 'bits1', frame: 3, window: { center: 0.5, width: 1 } },
  { name: '12 bits stored in 32 allocated', source: 'bits32', window: { center: 2048, width: 4096 } },
  { name: 'signed 8-bit', source: 'signed8', window: { center: 0, width: 200 } },
  { name: 'VOI LUT Sequence over negative HU, signed CT', source: 'ctVoiLut', voiLut: true },
  { name: '8-bit grayscale', source: 'gray8', window: { center: 128, width: 256 } },
  { name: 'multi-frame, frame 2', source: 'multiframe', frame: 2, window: { center: 2048, width: 4096 } },
  { name: 'multi-frame, frame 3', source: 'multiframe', frame: 3, window: { center: 2048, width: 4096 } },
  { name: 'RGB colour-by-pixel', source: 'rgb' },
  { name: 'RGB colour-by-plane', source: 'rgbPlanar' },
  { name: 'PALETTE COLOR', source: 'palette' },
  { name: 'implicit VR little endian', source: 'ct', encode: ['dcmconv', '+ti'], window: { center: 40, width: 400 } },
  { name: 'explicit VR big endian', source: 'ct', encode: ['dcmconv', '+tb'], window: { center: 40, width: 400 } },
  { name: 'explicit VR big endian, RGB', source: 'rgb', encode: ['dcmconv', '+tb'] },
  { name: 'deflated explicit VR little endian', source: 'dx', encode: ['dcmconv', '+td'], window: dxWindow },
  { name: 'RLE, 16-bit', source: 'ct', encode: ['dcmcrle'], window: { center: 40, width: 400 } },
  { name: 'RLE, RGB', source: 'rgb', encode: ['dcmcrle'] },
  { name: 'RLE, multi-frame', source: 'multiframe', encode: ['dcmcrle'], frame: 2, window: dxWindow },
  { name: 'JPEG lossless SV1 (.70)', source: 'dx', encode: ['dcmcjpeg', '+e1'], window: dxWindow },
  { name: 'JPEG lossless process 14 (.57)', source: 'dx', encode: ['dcmcjpeg', '+el'], window: dxWindow },
  { name: 'JPEG lossless, signed CT', source: 'ct', encode: ['dcmcjpeg', '+e1'], window: { center: 40, width: 400 } },
  {
    name: 'JPEG baseline, 8-bit grayscale',
    source: 'gray8',
    encode: ['dcmcjpeg', '+eb'],
    window: { center: 128, width: 256 },
  },
  { name: 'JPEG extended, 12-bit DX', source: 'dx', encode: ['dcmcjpeg', '+ee'], window: dxWindow },
  { name: 'JPEG extended, 12-bit, window from the file', source: 'dx', encode: ['dcmcjpeg', '+ee'] },
  { name: 'JPEG baseline, RGB colour (no colour transform)', source: 'rgb', encode: ['dcmcjpeg', '+eb', '+cr'] },
  { name: 'JPEG baseline, planar RGB source', source: 'rgbPlanar', encode: ['dcmcjpeg', '+eb'] },
  { name: 'JPEG baseline, YBR_FULL_422 colour', source: 'rgb', encode: ['dcmcjpeg', '+eb'] },
  { name: 'JPEG baseline, multi-frame', source: 'multiframe', encode: ['dcmcjpeg', '+e1'], frame: 3, window: dxWindow },
  {
    name: 'YBR_FULL native (JPEG decoded without colour conversion)',
    source: 'rgb',
    encode: ['dcmcjpeg', '+eb', '+q', '98'],
    decompress: ['dcmdjpeg', '+cn'],
  },
  {
    name: 'YBR_FULL_422 native',
    source: 'rgb',
    encode: ['dcmcjpeg', '+eb', '+q', '98'],
    decompress: ['dcmdjpeg', '+cn', '+px'],
    ybr422: true,
  },
  { name: 'JPEG-LS lossless', source: 'dx', encode: ['gdcmconv', '--jpegls'], reference: 'gdcm-raw', window: dxWindow },
  {
    name: 'JPEG-LS, signed CT',
    source: 'ct',
    encode: ['gdcmconv', '--jpegls'],
    reference: 'gdcm-raw',
    window: { center: 40, width: 400 },
  },
  {
    name: 'JPEG-LS near-lossless (.81)',
    source: 'dx',
    encode: ['gdcmconv', '--jpegls', '--lossy', '-e', '3'],
    reference: 'gdcm-raw',
    window: dxWindow,
  },
  { name: 'JPEG-LS, RGB', source: 'rgb', encode: ['gdcmconv', '--jpegls'], reference: 'gdcm-raw' },
  { name: 'JPEG 2000 lossless', source: 'dx', encode: ['gdcmconv', '--j2k'], reference: 'gdcm-raw', window: dxWindow },
  {
    name: 'JPEG 2000, signed CT',
    source: 'ct',
    encode: ['gdcmconv', '--j2k'],
    reference: 'gdcm-raw',
    window: { center: 40, width: 400 },
  },
  {
    name: 'JPEG 2000 lossy (.91)',
    source: 'ct',
    encode: ['gdcmconv', '--j2k', '--lossy', '-r', '8'],
    reference: 'gdcm-raw',
    window: { center: 40, width: 400 },
  },
  { name: 'JPEG 2000, RGB', source: 'rgb', encode: ['gdcmconv', '--j2k'], reference: 'gdcm-raw' },
  {
    name: 'JPEG 2000, multi-frame',
    source: 'multiframe',
    encode: ['gdcmconv', '--j2k'],
    reference: 'gdcm-raw',
    frame: 2,
    window: dxWindow,
  },
];

async function fileUnderTest(testCase: Case): Promise<Buffer> {
  let file = sources[testCase.source]();
  for (const [index, step] of [testCase.encode, testCase.decompress].entries()) {
    if (!step) continue;
    const [tool, ...args] = step;
    file = await convert(dir, file, tool, args, `${slug(testCase.name)}-${index}`);
  }
  return testCase.ybr422 ? toYbr422(file) : file;
}

/** YBR_FULL colour-by-pixel → YBR_FULL_422: each pair of pixels keeps both Y and the first's CbCr. */
function toYbr422(file: Buffer): Buffer {
  const dataSet = dicomParser.parseDicom(file);
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData) throw new Error('no pixel data');
  const ybr = file.subarray(pixelData.dataOffset, pixelData.dataOffset + pixelData.length);
  const packed = Buffer.alloc((ybr.length / 3) * 2);
  for (let pixel = 0, target = 0; pixel < ybr.length / 3; pixel += 2, target += 4) {
    packed[target] = ybr[pixel * 3] as number;
    packed[target + 1] = ybr[pixel * 3 + 3] as number;
    packed[target + 2] = ybr[pixel * 3 + 1] as number;
    packed[target + 3] = ybr[pixel * 3 + 2] as number;
  }
  const rewritten = rewriteElements(file, ({ tag }) => {
    if (tag === 'x00280004') return new Uint8Array(Buffer.from('YBR_FULL_422'));
    if (tag === 'x7fe00010') return new Uint8Array(packed);
    return undefined;
  });
  return rewritten;
}

async function reference(testCase: Case, file: Buffer): Promise<Raster> {
  const referenceFile =
    testCase.reference === 'gdcm-raw'
      ? await convert(dir, file, 'gdcmconv', ['--raw'], `${slug(testCase.name)}-raw`)
      : file;
  const colour = colourSources.includes(testCase.source);
  // dcmtk renders the YBR_FULL_422 copy from its YBR_FULL original (it reads 4:2:2 native data as 4:4:4).
  if (testCase.ybr422) return dcmtkRender(dir, await ybrFullOf(testCase), slug(testCase.name), []);
  const voi = testCase.window
    ? ['+Ww', String(testCase.window.center), String(testCase.window.width)]
    : testCase.voiLut
      ? ['+Wl', '1']
      : ['+Wi', '1'];
  const options = [...(colour ? [] : voi), ...(testCase.frame ? ['+F', String(testCase.frame)] : [])];
  return dcmtkRender(dir, referenceFile, slug(testCase.name), options);
}

async function ybrFullOf(testCase: Case): Promise<Buffer> {
  return fileUnderTest({ ...testCase, ybr422: false });
}

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

describe('renderInstance matches dcmtk', () => {
  test.each(cases)('$name', async (testCase) => {
    const file = await fileUnderTest(testCase);
    const expected = await reference(testCase, file);
    const rendered = await renderInstance(file, {
      format: 'png',
      ...(testCase.window ? { window: testCase.window } : {}),
      ...(testCase.frame ? { frame: testCase.frame } : {}),
    });
    const actual = await raster(rendered.data);
    expect({ width: actual.width, height: actual.height, channels: actual.channels }).toEqual({
      width: expected.width,
      height: expected.height,
      channels: expected.channels,
    });
    expect(psnr(actual, expected)).toBeGreaterThanOrEqual(40);
  });
});
