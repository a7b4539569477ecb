import { aligned } from './aligned.js';
import type { Frame } from './decodeImageFrame.js';
import { ImagingError } from './ImagingError.js';
import type { ImageHeader, Lut } from './readImage.js';

/**
 * Colour images to interleaved 8-bit RGB: RGB as is (either planar configuration), YBR_FULL and
 * YBR_FULL_422 through the JPEG (ITU-R BT.601 full range) conversion, PALETTE COLOR through its
 * tables. No VOI applies to colour (PS3.4 §N.2.3).
 */
export function colourDisplay(frame: Frame, header: ImageHeader): Uint8Array {
  const count = frame.rows * frame.columns;
  const photometric = frame.photometricInterpretation;
  if (photometric === 'PALETTE COLOR') return paletteToRgb(frame, header, count);
  if (frame.samplesPerPixel !== 3) {
    throw new ImagingError(
      'unsupported-image',
      `${photometric} with ${frame.samplesPerPixel} samples per pixel cannot be displayed`,
    );
  }
  if (photometric === 'YBR_FULL_422' && frame.pixels.length < count * 3 * (frame.bitsAllocated / 8)) {
    return ybr422ToRgb(frame, count);
  }
  const rgb = interleaved8(frame, count);
  if (photometric === 'RGB') return rgb;
  if (photometric === 'YBR_FULL' || photometric === 'YBR_FULL_422') return ybrFullToRgb(rgb);
  throw new ImagingError('unsupported-image', `photometric interpretation ${photometric} cannot be displayed`);
}

/** Samples to 8 bits, colour-by-pixel. */
function interleaved8(frame: Frame, count: number): Uint8Array {
  const { pixels } = frame;
  let samples: Uint8Array;
  if (frame.bitsAllocated === 8) {
    samples = pixels.subarray(0, count * 3);
  } else if (frame.bitsAllocated === 16) {
    const shift = Math.max(0, frame.bitsStored - 8);
    const alignedPixels = aligned(pixels, count * 6, 2);
    const wide = new Uint16Array(alignedPixels.buffer, alignedPixels.byteOffset, count * 3);
    samples = new Uint8Array(count * 3);
    const mask = 2 ** frame.bitsStored - 1;
    for (let index = 0; index < samples.length; index++) samples[index] = ((wide[index] as number) & mask) >> shift;
  } else {
    throw new ImagingError(
      'unsupported-image',
      `colour with Bits Allocated ${frame.bitsAllocated} cannot be displayed`,
    );
  }
  if (frame.planarConfiguration !== 1) return samples;
  const output = new Uint8Array(count * 3);
  for (let index = 0; index < count; index++) {
    output[index * 3] = samples[index] as number;
    output[index * 3 + 1] = samples[count + index] as number;
    output[index * 3 + 2] = samples[2 * count + index] as number;
  }
  return output;
}

function clamp8(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}

/** PS3.3 §C.7.6.3.1.2, YBR_FULL: the JPEG File Interchange Format conversion. */
function ybrFullToRgb(ybr: Uint8Array): Uint8Array {
  const output = new Uint8Array(ybr.length);
  for (let index = 0; index < ybr.length; index += 3) {
    const y = ybr[index] as number;
    const cb = (ybr[index + 1] as number) - 128;
    const cr = (ybr[index + 2] as number) - 128;
    output[index] = clamp8(y + 1.402 * cr);
    output[index + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
    output[index + 2] = clamp8(y + 1.772 * cb);
  }
  return output;
}

/** Native YBR_FULL_422: Y1 Y2 Cb Cr for each horizontal pair of pixels. */
function ybr422ToRgb(frame: Frame, count: number): Uint8Array {
  if (frame.bitsAllocated !== 8) {
    throw new ImagingError('unsupported-image', 'YBR_FULL_422 with more than 8 bits cannot be displayed');
  }
  const { pixels, columns } = frame;
  const ybr = new Uint8Array(count * 3);
  let source = 0;
  for (let row = 0; row < frame.rows; row++) {
    for (let column = 0; column < columns; column += 2) {
      const y1 = pixels[source] as number;
      const y2 = pixels[source + 1] as number;
      const cb = pixels[source + 2] as number;
      const cr = pixels[source + 3] as number;
      source += 4;
      const target = (row * columns + column) * 3;
      ybr.set([y1, cb, cr], target);
      if (column + 1 < columns) ybr.set([y2, cb, cr], target + 3);
    }
  }
  return ybrFullToRgb(ybr);
}

function paletteToRgb(frame: Frame, header: ImageHeader, count: number): Uint8Array {
  const palette = header.palette;
  if (!palette || frame.samplesPerPixel !== 1) {
    throw new ImagingError('unsupported-image', 'PALETTE COLOR image without a usable palette');
  }
  const { pixels } = frame;
  const wide = frame.bitsAllocated === 16;
  const alignedPixels = wide ? aligned(pixels, count * 2, 2) : pixels;
  const indices = wide
    ? new Uint16Array(alignedPixels.buffer, alignedPixels.byteOffset, count)
    : alignedPixels.subarray(0, count);
  const tables = [palette.red, palette.green, palette.blue].map(to8bit);
  const output = new Uint8Array(count * 3);
  const signed = frame.pixelRepresentation === 1;
  for (let index = 0; index < count; index++) {
    let value = indices[index] as number;
    if (signed && wide && value >= 0x8000) value -= 0x10000;
    else if (signed && !wide && value >= 0x80) value -= 0x100;
    for (let channel = 0; channel < 3; channel++) {
      const table = tables[channel] as { first: number; values: Uint8Array };
      const slot = Math.min(table.values.length - 1, Math.max(0, value - table.first));
      output[index * 3 + channel] = table.values[slot] as number;
    }
  }
  return output;
}

function to8bit(lut: Lut): { first: number; values: Uint8Array } {
  const shift = lut.bits > 8 ? lut.bits - 8 : 0;
  return { first: lut.firstMapped, values: Uint8Array.from(lut.data, (value) => value >> shift) };
}
