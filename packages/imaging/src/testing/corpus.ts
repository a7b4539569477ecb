import { createDxInstance } from '@telerad/dicom';
import { phantom, syntheticImage } from './syntheticImage.js';

// The source images of the rendering tests: every pixel layout and display attribute a modality
// may send, small enough to render quickly. Transfer syntaxes are made from them by dcmtk and gdcm.

const rows = 96;
const columns = 80;

/** The 12-bit MONOCHROME2 phantom most display cases start from, with their own attributes. */
const phantom12 = (attributes: Parameters<typeof syntheticImage>[0]['attributes']) =>
  syntheticImage({
    rows,
    columns,
    bitsAllocated: 16,
    bitsStored: 12,
    photometric: 'MONOCHROME2',
    value: (x, y) => 4095 * phantom(x, y, 0, columns, rows),
    attributes,
  });

/**
 * The display phantoms the rendering tests share, at any size: a signed CT with rescale and a soft
 * tissue window, a signed 12-bit CT with rescale and no window (the histogram decides), and a
 * 14-bit MONOCHROME1 film with its window.
 */
export function displayPhantoms(rows: number, columns: number) {
  return {
    ct: () =>
      syntheticImage({
        rows,
        columns,
        bitsAllocated: 16,
        bitsStored: 16,
        signed: true,
        photometric: 'MONOCHROME2',
        value: (x, y) => -1000 + 4000 * phantom(x, y, 0, columns, rows),
        attributes: { RescaleSlope: '1', RescaleIntercept: '-1024', WindowCenter: '40', WindowWidth: '400' },
      }),
    ct12: () =>
      syntheticImage({
        rows,
        columns,
        bitsAllocated: 16,
        bitsStored: 12,
        highBit: 11,
        signed: true,
        photometric: 'MONOCHROME2',
        value: (x, y) => -2000 + 4000 * phantom(x, y, 0, columns, rows),
        attributes: { RescaleSlope: '2', RescaleIntercept: '-100' },
      }),
    mono1: () =>
      syntheticImage({
        rows,
        columns,
        bitsAllocated: 16,
        bitsStored: 14,
        photometric: 'MONOCHROME1',
        value: (x, y) => 16383 * phantom(x, y, 0, columns, rows),
        attributes: { WindowCenter: '8000', WindowWidth: '12000' },
      }),
  };
}

export const sources = {
  dx: () => createDxInstance({ rows: 120, columns: 100 }),
  dxMasked: () =>
    syntheticImage({
      rows,
      columns,
      bitsAllocated: 16,
      bitsStored: 12,
      photometric: 'MONOCHROME2',
      noiseAboveHighBit: true,
      value: (x, y) => 4095 * phantom(x, y, 0, columns, rows),
    }),
  ...displayPhantoms(rows, columns),
  sigmoid: () => phantom12({ WindowCenter: '2000', WindowWidth: '1500', VOILUTFunction: 'SIGMOID' }),
  modalityLut: () =>
    phantom12({
      // A logarithmic Modality LUT over the whole stored range, output 0–65535.
      ModalityLUTSequence: [
        {
          LUTDescriptor: [4096, 0, 16],
          ModalityLUTType: 'OD',
          LUTData: Array.from({ length: 4096 }, (_, i) => Math.round((65535 * Math.log1p(i)) / Math.log1p(4095))),
          _vrMap: { LUTDescriptor: 'US', LUTData: 'US' },
        },
      ],
    }),
  voiLut: () =>
    phantom12({
      // A VOI LUT from 500 to 3571 (3072 entries, 12-bit output) with a gamma curve.
      VOILUTSequence: [
        {
          LUTDescriptor: [3072, 500, 12],
          LUTExplanation: 'GAMMA',
          LUTData: Array.from({ length: 3072 }, (_, i) => Math.round(4095 * (i / 3071) ** 0.6)),
          _vrMap: { LUTDescriptor: 'US', LUTData: 'US' },
        },
      ],
    }),
  bits1: () =>
    syntheticImage({
      rows: 7,
      columns: 5,
      bitsAllocated: 1,
      bitsStored: 1,
      photometric: 'MONOCHROME2',
      frames: 3,
      value: (x, y, frame) => ((x + y + frame) % 3 === 0 ? 1 : 0),
    }),
  bits32: () =>
    syntheticImage({
      rows,
      columns,
      bitsAllocated: 32,
      bitsStored: 12,
      photometric: 'MONOCHROME2',
      value: (x, y) => 4095 * phantom(x, y, 0, columns, rows),
    }),
  signed8: () =>
    syntheticImage({
      rows,
      columns,
      bitsAllocated: 8,
      bitsStored: 8,
      signed: true,
      photometric: 'MONOCHROME2',
      value: (x, y) => -128 + 255 * phantom(x, y, 0, columns, rows),
    }),
  ctVoiLut: () =>
    syntheticImage({
      rows,
      columns,
      bitsAllocated: 16,
      bitsStored: 16,
      signed: true,
      photometric: 'MONOCHROME2',
      value: (x, y) => -1000 + 4000 * phantom(x, y, 0, columns, rows),
      attributes: {
        RescaleSlope: '1',
        RescaleIntercept: '-1024',
        // A VOI LUT over HU -1200 … 1847 (its first mapped value is negative).
        VOILUTSequence: [
          {
            LUTDescriptor: [3048, -1200, 12],
            LUTData: Array.from({ length: 3048 }, (_, i) => Math.round(4095 * Math.sqrt(i / 3047))),
            _vrMap: { LUTDescriptor: 'SS', LUTData: 'US' },
          },
        ],
      },
    }),
  gray8: () =>
    syntheticImage({
      rows,
      columns,
      bitsAllocated: 8,
      bitsStored: 8,
      photometric: 'MONOCHROME2',
      value: (x, y) => 255 * phantom(x, y, 0, columns, rows),
    }),
  multiframe: () =>
    syntheticImage({
      rows,
      columns,
      bitsAllocated: 16,
      bitsStored: 12,
      photometric: 'MONOCHROME2',
      frames: 3,
      value: (x, y, frame) => 4095 * phantom(x, y, frame, columns, rows),
    }),
  rgb: () => syntheticImage({ ...colour(), planarConfiguration: 0 }),
  rgbPlanar: () => syntheticImage({ ...colour(), planarConfiguration: 1 }),
  palette: () =>
    syntheticImage({
      rows,
      columns,
      bitsAllocated: 8,
      bitsStored: 8,
      photometric: 'PALETTE COLOR',
      value: (x, y) => 255 * phantom(x, y, 0, columns, rows),
      attributes: paletteAttributes(),
    }),
};

function colour() {
  return {
    rows,
    columns,
    bitsAllocated: 8 as const,
    bitsStored: 8,
    samplesPerPixel: 3 as const,
    photometric: 'RGB',
    value: (x: number, y: number, _frame: number, sample: number) =>
      255 * (sample === 0 ? phantom(x, y, 0, columns, rows) : sample === 1 ? x / (columns - 1) : y / (rows - 1)),
  };
}

function paletteAttributes(): Record<string, unknown> {
  const channel = (f: (i: number) => number) => new Uint16Array(256).map((_, i) => Math.round(65535 * f(i / 255)));
  const descriptor = [256, 0, 16];
  return {
    RedPaletteColorLookupTableDescriptor: descriptor,
    GreenPaletteColorLookupTableDescriptor: descriptor,
    BluePaletteColorLookupTableDescriptor: descriptor,
    RedPaletteColorLookupTableData: channel((t) => t).buffer,
    GreenPaletteColorLookupTableData: channel((t) => t * t).buffer,
    BluePaletteColorLookupTableData: channel((t) => 1 - t).buffer,
  };
}

export type Source = keyof typeof sources;

/** The colour sources: dcmtk renders them without a VOI window. */
export const colourSources: readonly Source[] = ['rgb', 'rgbPlanar', 'palette'];
