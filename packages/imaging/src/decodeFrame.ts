import { decodeImageFrame, type Frame } from './decodeImageFrame.js';
import { readImage } from './readImage.js';
import type { DecodedFrame } from './types.js';

/**
 * Decodes one frame (1-based) of a Part 10 file at full resolution, in native little-endian layout:
 * what WADO-RS returns for a frame asked for uncompressed. The pixels never share memory with `bytes`.
 */
export async function decodeFrame(bytes: Uint8Array, frame: number): Promise<DecodedFrame> {
  const decoded = await decodeImageFrame(readImage(bytes), frame);
  return {
    pixels: ownPixels(decoded),
    rows: decoded.rows,
    columns: decoded.columns,
    bitsAllocated: decoded.bitsAllocated,
    samplesPerPixel: decoded.samplesPerPixel,
    photometricInterpretation: decoded.photometricInterpretation,
    pixelRepresentation: decoded.pixelRepresentation,
    planarConfiguration: decoded.planarConfiguration,
  };
}

function ownPixels(frame: Frame): Uint8Array {
  if (frame.bitsAllocated === 1 && frame.bitOffset !== 0) {
    // A bit-packed frame that starts mid-byte: shift it so that it starts at bit 0.
    const bits = frame.rows * frame.columns * frame.samplesPerPixel;
    const packed = new Uint8Array(Math.ceil(bits / 8));
    for (let index = 0; index < bits; index++) {
      const source = frame.bitOffset + index;
      if (((frame.pixels[source >> 3] as number) >> (source & 7)) & 1) {
        packed[index >> 3] = (packed[index >> 3] as number) | (1 << (index & 7));
      }
    }
    return packed;
  }
  // new Uint8Array copies; slice() on a Buffer would return another view.
  return frame.viewOfInput ? new Uint8Array(frame.pixels) : frame.pixels;
}
