import { createDxInstance } from '@telerad/dicom';
import { describe, expect, test } from 'vitest';
import { outputSize } from './output.js';
import { renderInstance } from './renderInstance.js';
import { raster } from './testing/dicomTools.js';
import { phantom, syntheticImage } from './testing/syntheticImage.js';
import { windowTransform } from './voiLut.js';

describe('VOI LUT functions (PS3.3 §C.11.2.1.2)', () => {
  test.each([
    // LINEAR: c = 50, w = 11 maps 44.5 → 0 … 54.5 → 1
    ['LINEAR', 50, 11, 44, 0],
    ['LINEAR', 50, 11, 45, 0.05],
    ['LINEAR', 50, 11, 49.5, 0.5],
    ['LINEAR', 50, 11, 54.5, 1],
    ['LINEAR', 50, 11, 55, 1],
    // LINEAR_EXACT: c = 50, w = 10 maps 45 → 0 … 55 → 1
    ['LINEAR_EXACT', 50, 10, 45, 0],
    ['LINEAR_EXACT', 50, 10, 47.5, 0.25],
    ['LINEAR_EXACT', 50, 10, 50, 0.5],
    ['LINEAR_EXACT', 50, 10, 56, 1],
    // SIGMOID: 1 / (1 + exp(-4 (x - c) / w))
    ['SIGMOID', 50, 10, 50, 0.5],
    ['SIGMOID', 50, 10, 55, 1 / (1 + Math.exp(-2))],
    ['SIGMOID', 50, 10, 40, 1 / (1 + Math.exp(4))],
  ] as const)('%s c=%d w=%d: %d → %d', (fn, center, width, x, y) => {
    expect(windowTransform({ center, width, fn })(x)).toBeCloseTo(y, 6);
  });
});

describe('output size', () => {
  test.each([
    [2500, 3000, { maxSize: 1024 }, { width: 853, height: 1024 }],
    [2500, 3000, { maxSize: 4096 }, { width: 2500, height: 3000 }],
    [2500, 3000, { viewport: { width: 500, height: 500 } }, { width: 417, height: 500 }],
    [2500, 3000, { viewport: { width: 200, height: 900 }, maxSize: 256 }, { width: 200, height: 240 }],
    [64, 48, { viewport: { width: 1000, height: 1000 } }, { width: 64, height: 48 }],
  ])('%d×%d with %j', (columns, rows, options, expected) => {
    expect(outputSize(columns, rows, options)).toEqual(expected);
  });
});

describe('default window', () => {
  test('without a window in the file, the histogram sets one that ignores a few extreme pixels', async () => {
    const rows = 100;
    const columns = 100;
    // Values 1000–2000, plus a handful of hot pixels at 4095 that a min–max window would chase.
    const file = syntheticImage({
      rows,
      columns,
      bitsAllocated: 16,
      bitsStored: 12,
      photometric: 'MONOCHROME2',
      value: (x, y) => (x === 0 && y < 10 ? 4095 : 1000 + 1000 * (x / (columns - 1))),
    });
    const { data } = await raster((await renderInstance(file, { format: 'png' })).data);
    // The image's own range spans (nearly) the whole display range.
    expect(data[1]).toBeLessThanOrEqual(5);
    expect(data[columns * 50 + columns - 1]).toBeGreaterThanOrEqual(250);
    expect(data[columns * 50 + columns / 2]).toBeGreaterThan(100);
    expect(data[columns * 50 + columns / 2]).toBeLessThan(155);
  });

  test('the window in the file wins over the histogram; an explicit window wins over both', async () => {
    const file = createDxInstance({ rows: 64, columns: 64 });
    const fromFile = await renderInstance(file, { format: 'png' });
    const explicit = await renderInstance(file, { format: 'png', window: { center: 1600, width: 3200 } });
    const other = await renderInstance(file, { format: 'png', window: { center: 500, width: 200 } });
    expect(fromFile.data.equals(explicit.data)).toBe(true);
    expect(fromFile.data.equals(other.data)).toBe(false);
  });

  test('a file held at an odd offset of a larger buffer renders the same', async () => {
    const file = createDxInstance({ rows: 40, columns: 30 });
    const shifted = Buffer.alloc(file.length + 1);
    file.copy(shifted, 1);
    const options = { format: 'png' as const };
    const [aligned, odd] = await Promise.all([
      renderInstance(file, options),
      renderInstance(shifted.subarray(1), options),
    ]);
    expect(odd.data.equals(aligned.data)).toBe(true);
  });

  test('Presentation LUT Shape INVERSE inverts MONOCHROME2', async () => {
    const spec = {
      rows: 16,
      columns: 16,
      bitsAllocated: 8 as const,
      bitsStored: 8,
      photometric: 'MONOCHROME2',
      value: (x: number, y: number) => 255 * phantom(x, y, 0, 16, 16),
    };
    const window = { center: 127.5, width: 256 };
    const plain = await raster((await renderInstance(syntheticImage(spec), { format: 'png', window })).data);
    const inverse = syntheticImage({ ...spec, attributes: { PresentationLUTShape: 'INVERSE' } });
    const inverted = await raster((await renderInstance(inverse, { format: 'png', window })).data);
    expect(Array.from(inverted.data)).toEqual(Array.from(plain.data, (value) => 255 - value));
  });
});
