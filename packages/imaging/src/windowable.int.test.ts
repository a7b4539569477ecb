import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDxInstance } from '@telerad/dicom';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prepareWindowable, renderInstance } from './renderInstance.js';
import { displayPhantoms } from './testing/corpus.js';
import { convert, psnr, raster } from './testing/dicomTools.js';
import { syntheticImage } from './testing/syntheticImage.js';
import type { RenderOptions, RenderWindow } from './types.js';
import { renderWindowable } from './windowable.js';

// A reduced grayscale render is made from a kept frame (see WindowableFrame), so re-windowing a kept
// frame must give exactly the image a direct render in that window gives: the same bytes, for every
// window, function, format and size (supersampled, and above half the size). How faithful that image
// is to the original is reducedRender.int.test.ts's subject.

const rows = 600;
const columns = 480;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'telerad-windowable-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sources = { dx: () => createDxInstance({ rows, columns }), ...displayPhantoms(rows, columns) };

type Case = [name: string, source: keyof typeof sources, windows: (RenderWindow | undefined)[]];
const cases: Case[] = [
  [
    'chest DX, file window then wider and narrower',
    'dx',
    [undefined, { center: 1500, width: 2000 }, { center: 1800, width: 1600, fn: 'LINEAR_EXACT' }],
  ],
  [
    'MONOCHROME1',
    'mono1',
    [undefined, { center: 6000, width: 4000 }, { center: 10000, width: 3000, fn: 'LINEAR_EXACT' }],
  ],
  [
    'rescaled CT with SIGMOID and LINEAR_EXACT',
    'ct',
    [
      undefined,
      { center: 40, width: 400, fn: 'SIGMOID' },
      { center: 300, width: 1500, fn: 'SIGMOID' },
      { center: -600, width: 1500, fn: 'LINEAR_EXACT' },
    ],
  ],
  ['signed 12-bit CT, histogram window', 'ct12', [undefined, { center: 0, width: 2000 }]],
];

const reduced: RenderOptions[] = [
  { format: 'png', maxSize: 256 },
  { format: 'png', viewport: { width: 300, height: 200 } },
  { format: 'jpeg', maxSize: 300 },
  { format: 'png', maxSize: 450 },
];

describe('re-windowing a kept frame', () => {
  test.each(cases)('%s is the direct render, byte for byte', async (_name, source, windows) => {
    const bytes = sources[source]();
    for (const size of reduced) {
      const [first, ...drags] = windows;
      const firstOptions: RenderOptions = first === undefined ? size : { ...size, window: first };
      const prepared = await prepareWindowable(bytes, firstOptions);
      const kept = prepared.windowable;
      if (kept === undefined) throw new Error('a grayscale frame was not kept');
      expect(prepared.rendered.data.equals((await renderInstance(bytes, firstOptions)).data)).toBe(true);
      for (const window of [...drags, undefined]) {
        const options: RenderOptions = window === undefined ? size : { ...size, window };
        const fromKept = await renderWindowable(kept, options);
        const again = await renderInstance(bytes, options);
        expect([fromKept.width, fromKept.height]).toEqual([again.width, again.height]);
        expect(fromKept.data.equals(again.data)).toBe(true);
      }
    }
  });

  test('kept at twice the output size, or at the decoded size above half', async () => {
    const bytes = sources.dx();
    const half = await prepareWindowable(bytes, { format: 'png', maxSize: 300 });
    expect(half.windowable).toMatchObject({ width: 240, height: 300, keptWidth: 480, keptHeight: 600 });
    const smaller = await prepareWindowable(bytes, { format: 'png', maxSize: 256 });
    expect(smaller.windowable).toMatchObject({ width: 205, height: 256, keptWidth: 410, keptHeight: 512 });
    const larger = await prepareWindowable(bytes, { format: 'png', maxSize: 450 });
    expect(larger.windowable).toMatchObject({ width: 360, height: 450, keptWidth: 480, keptHeight: 600 });
  });

  test('a different window from the kept frame really differs (the comparison can fail)', async () => {
    const bytes = sources.ct();
    const options: RenderOptions = { format: 'png', maxSize: 256 };
    const { windowable } = await prepareWindowable(bytes, options);
    if (windowable === undefined) throw new Error('a grayscale frame was not kept');
    const lung = await renderWindowable(windowable, { ...options, window: { center: -600, width: 1500 } });
    const soft = await renderInstance(bytes, { ...options, window: { center: 40, width: 400 } });
    expect(psnr(await raster(lung.data), await raster(soft.data))).toBeLessThan(25);
  });

  test('JPEG-LS and JPEG 2000 frames are kept small and re-windowed alike', async () => {
    const original = sources.dx();
    for (const [name, flag] of [
      ['jls', '--jpegls'],
      ['j2k', '--j2k'],
    ] as const) {
      const bytes = await convert(dir, original, 'gdcmconv', [flag], `windowable-${name}`);
      const options: RenderOptions = { format: 'jpeg', quality: 95, maxSize: 200 };
      const { windowable } = await prepareWindowable(bytes, options);
      if (windowable === undefined) throw new Error('a grayscale frame was not kept');
      // Kept at twice the output size, also where JPEG 2000 decoded a reduced resolution (300 rows).
      expect([windowable.width, windowable.height]).toEqual([160, 200]);
      expect(windowable.keptHeight).toBe(400);
      expect(windowable.samples.length).toBe(windowable.keptWidth * windowable.keptHeight);
      const window = { center: 1400, width: 2400 };
      const fromKept = await renderWindowable(windowable, { ...options, window, format: 'webp' });
      expect(fromKept.contentType).toBe('image/webp');
      const again = await renderInstance(bytes, { ...options, window, format: 'webp' });
      expect(fromKept.data.equals(again.data)).toBe(true);
    }
  });

  test('colour images are rendered the ordinary way and not kept', async () => {
    const bytes = syntheticImage({
      rows: 64,
      columns: 48,
      bitsAllocated: 8,
      bitsStored: 8,
      samplesPerPixel: 3,
      photometric: 'RGB',
      value: (x, y, _f, sample) => (sample === 0 ? x * 5 : sample === 1 ? y * 3 : 128),
    });
    const prepared = await prepareWindowable(bytes, { format: 'png', maxSize: 32 });
    expect(prepared.windowable).toBeUndefined();
    expect([prepared.rendered.width, prepared.rendered.height]).toEqual([24, 32]);
  });
});
