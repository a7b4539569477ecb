import { ImagingError } from './ImagingError.js';

/**
 * RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits segment per
 * byte plane, most significant byte first. Writes native little-endian, colour-by-pixel samples.
 */
export function decodeRle(
  encoded: Uint8Array,
  frame: { rows: number; columns: number; samplesPerPixel: number; bitsAllocated: number },
): Uint8Array {
  const pixels = frame.rows * frame.columns;
  const bytesPerSample = frame.bitsAllocated / 8;
  if (!Number.isInteger(bytesPerSample)) {
    throw new ImagingError('unsupported-image', `RLE with Bits Allocated ${frame.bitsAllocated} is not supported`);
  }
  const expectedSegments = frame.samplesPerPixel * bytesPerSample;
  if (encoded.length < 64) throw new ImagingError('corrupt-pixel-data', 'the RLE frame is shorter than its header');
  const header = new DataView(encoded.buffer, encoded.byteOffset, 64);
  const segments = header.getUint32(0, true);
  if (segments !== expectedSegments) {
    throw new ImagingError(
      'corrupt-pixel-data',
      `the RLE frame has ${segments} segments where ${expectedSegments} are needed for this image`,
    );
  }
  const output = new Uint8Array(pixels * expectedSegments);
  for (let segment = 0; segment < segments; segment++) {
    const start = header.getUint32(4 + segment * 4, true);
    const end = segment + 1 < segments ? header.getUint32(8 + segment * 4, true) : encoded.length;
    if (start < 64 || end > encoded.length || end < start) {
      throw new ImagingError('corrupt-pixel-data', `RLE segment ${segment + 1} lies outside the frame`);
    }
    const sample = Math.floor(segment / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
    unpackBits(encoded, start, end, output, sample * bytesPerSample + byteInSample, expectedSegments, pixels);
  }
  return output;
}

/** PackBits into every `stride`-th byte of `output` from `first`; a short segment leaves zeros. */
function unpackBits(
  input: Uint8Array,
  start: number,
  end: number,
  output: Uint8Array,
  first: number,
  stride: number,
  count: number,
): void {
  let position = start;
  let written = 0;
  let target = first;
  while (position < end && written < count) {
    const header = input[position++] as number;
    if (header < 128) {
      const length = Math.min(header + 1, count - written, end - position);
      for (let index = 0; index < length; index++) {
        output[target] = input[position++] as number;
        target += stride;
      }
      written += length;
    } else if (header > 128) {
      const value = input[position++] as number;
      const length = Math.min(257 - header, count - written);
      for (let index = 0; index < length; index++) {
        output[target] = value;
        target += stride;
      }
      written += length;
    }
  }
  if (written < count) {
    throw new ImagingError('corrupt-pixel-data', `an RLE segment decodes to ${written} of ${count} bytes`);
  }
}
