import { aligned } from './aligned.js';
import type { Frame } from './decodeImageFrame.js';
import { ImagingError } from './ImagingError.js';
import type { ImageHeader } from './readImage.js';
import type { RenderWindow } from './types.js';
import { isVoiLutFunction, lutTransform, type VoiTransform, windowTransform } from './voiLut.js';
import { type VoiSpec, voiTransformOf } from './voiSpec.js';

/** Share of pixels ignored at each end when the window comes from the histogram. */
const histogramTail = 0.005;

/**
 * The grayscale display pipeline of PS3.4 §N.2: stored value → Modality LUT (rescale or table) →
 * VOI LUT (window or table) → Presentation LUT (INVERSE, MONOCHROME1) → 8-bit display value.
 * All stages are folded into one table indexed by the stored bits, so the per-pixel work is one
 * mask and one lookup.
 */
export function grayscaleDisplay(frame: Frame, header: ImageHeader, window: RenderWindow | undefined): Uint8Array {
  const samples = storedSamples(frame);
  const { bitsStored, shift } = samples;
  const size = 2 ** bitsStored;
  const mask = size - 1;
  const signed = frame.pixelRepresentation === 1;
  const modality = modalityValues(header, size, signed);
  const voi = chooseVoi(header, window) ?? histogramWindow(samples, modality, header);
  const invert = frame.photometricInterpretation === 'MONOCHROME1' || header.presentationLutShape === 'INVERSE';
  const table = new Uint8Array(size);
  for (let index = 0; index < size; index++) {
    const shown = Math.round(255 * Math.min(1, Math.max(0, voi(modality[index] as number))));
    table[index] = invert ? 255 - shown : shown;
  }
  const count = frame.rows * frame.columns;
  const output = new Uint8Array(count);
  const values = samples.values;
  if (shift === 0 && mask === 0xffff) {
    for (let index = 0; index < count; index++) output[index] = table[values[index] as number] as number;
  } else {
    for (let index = 0; index < count; index++)
      output[index] = table[((values[index] as number) >> shift) & mask] as number;
  }
  return output;
}

export interface StoredSamples {
  values: Uint8Array | Uint16Array;
  bitsStored: number;
  shift: number;
}

/** The frame's samples as an aligned typed array, with where the stored bits sit in each. */
export function storedSamples(frame: Frame): StoredSamples {
  const count = frame.rows * frame.columns;
  const { pixels } = frame;
  if (frame.bitsAllocated === 1) {
    const values = new Uint8Array(count);
    for (let index = 0; index < count; index++) {
      const bit = frame.bitOffset + index;
      values[index] = ((pixels[bit >> 3] as number) >> (bit & 7)) & 1;
    }
    return { values, bitsStored: 1, shift: 0 };
  }
  if (frame.bitsStored > 16) {
    throw new ImagingError('unsupported-image', `grayscale with ${frame.bitsStored} bits stored cannot be displayed`);
  }
  const shift = frame.highBit + 1 - frame.bitsStored;
  if (frame.bitsAllocated === 8) return { values: pixels.subarray(0, count), bitsStored: frame.bitsStored, shift };
  if (frame.bitsAllocated === 16) {
    const alignedPixels = aligned(pixels, count * 2, 2);
    return {
      values: new Uint16Array(alignedPixels.buffer, alignedPixels.byteOffset, count),
      bitsStored: frame.bitsStored,
      shift,
    };
  }
  // 32-bit samples with at most 16 stored bits: read the low half of each little-endian word.
  const alignedPixels = aligned(pixels, count * 4, 4);
  const words = new Uint32Array(alignedPixels.buffer, alignedPixels.byteOffset, count);
  const values = new Uint16Array(count);
  for (let index = 0; index < count; index++) values[index] = ((words[index] as number) >>> shift) & 0xffff;
  return { values, bitsStored: frame.bitsStored, shift: 0 };
}

/** The Modality LUT output for every stored bit pattern (sign-extended when signed). */
export function modalityValues(header: ImageHeader, size: number, signed: boolean): Float64Array {
  const values = new Float64Array(size);
  const half = size / 2;
  const lut = header.modalityLut;
  const last = lut ? lut.data.length - 1 : 0;
  for (let index = 0; index < size; index++) {
    const stored = signed && index >= half ? index - size : index;
    values[index] = lut
      ? (lut.data[Math.min(last, Math.max(0, stored - lut.firstMapped))] as number)
      : stored * header.rescaleSlope + header.rescaleIntercept;
  }
  return values;
}

function chooseVoi(header: ImageHeader, window: RenderWindow | undefined): VoiTransform | undefined {
  if (window) return windowTransform(window);
  const fileWindow = header.windows[0];
  if (fileWindow) {
    const fn = isVoiLutFunction(header.voiLutFunction) ? header.voiLutFunction : 'LINEAR';
    return windowTransform({ ...fileWindow, fn });
  }
  if (header.voiLut) return lutTransform(header.voiLut);
  return undefined;
}

function histogramWindow(samples: StoredSamples, modality: Float64Array, header: ImageHeader): VoiTransform {
  return voiTransformOf(histogramVoi(samples, modality, header));
}

/** A window over the modality values from the 0.5th to the 99.5th percentile, padding excluded. */
export function histogramVoi(samples: StoredSamples, modality: Float64Array, header: ImageHeader): VoiSpec {
  const size = modality.length;
  const mask = size - 1;
  const counts = new Uint32Array(size);
  const { values, shift } = samples;
  for (let index = 0; index < values.length; index++) {
    const slot = ((values[index] as number) >> shift) & mask;
    counts[slot] = (counts[slot] as number) + 1;
  }
  if (header.pixelPaddingValue !== undefined) counts[header.pixelPaddingValue & mask] = 0;
  const present: number[] = [];
  let total = 0;
  for (let index = 0; index < size; index++) {
    if ((counts[index] as number) > 0) {
      present.push(index);
      total += counts[index] as number;
    }
  }
  if (total === 0) return { kind: 'black' };
  present.sort((a, b) => (modality[a] as number) - (modality[b] as number));
  const lowRank = total * histogramTail;
  const highRank = total * (1 - histogramTail);
  let seen = 0;
  let low = modality[present[0] as number] as number;
  let high = modality[present[present.length - 1] as number] as number;
  let lowFound = false;
  for (const index of present) {
    seen += counts[index] as number;
    if (!lowFound && seen > lowRank) {
      low = modality[index] as number;
      lowFound = true;
    }
    if (seen >= highRank) {
      high = modality[index] as number;
      break;
    }
  }
  if (high <= low) return { kind: 'step', at: low };
  return { kind: 'window', window: { center: (low + high) / 2, width: high - low, fn: 'LINEAR_EXACT' } };
}
