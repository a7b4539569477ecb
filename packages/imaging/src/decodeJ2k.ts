import {
  type CodecOutput,
  checkLength,
  codecFailure,
  copyOut,
  discardIfBroken,
  openjpeg,
  openjph,
  release,
} from './codecModules.js';

/**
 * JPEG 2000 (OpenJPEG) and HTJ2K (OpenJPH). With `targetSize`, decodes only the resolution levels
 * needed for an image whose longest side is at least that many pixels: a full-resolution decode of
 * a radiograph takes seconds, a quarter-resolution one a tenth of that.
 */
export async function decodeJ2k(
  encoded: Uint8Array,
  kind: 'jpeg-2000' | 'htj2k',
  size: { width: number; height: number },
  targetSize: number | undefined,
): Promise<CodecOutput> {
  const codecName = kind === 'htj2k' ? 'HTJ2K' : 'JPEG 2000';
  const codec = kind === 'htj2k' ? await openjph() : await openjpeg();
  const decoder = 'HTJ2KDecoder' in codec ? new codec.HTJ2KDecoder() : new codec.J2KDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    const level = reductionLevel(size, j2kDecompositionLevels(encoded), targetSize);
    if (level === 0) decoder.decode();
    else decoder.decodeSubResolution(level, 0);
    const info = decoder.getFrameInfo();
    // The frame info keeps the full size; the decoded buffer has the reduced one.
    const decodedSize = level === 0 ? { width: info.width, height: info.height } : reducedSize(info, level);
    return checkLength(codecName, {
      pixels: copyOut(decoder.getDecodedBuffer()),
      rows: decodedSize.height,
      columns: decodedSize.width,
      bitsPerSample: info.bitsPerSample,
      components: info.componentCount,
      planar: false,
      rgb: info.componentCount === 3,
    });
  } catch (error) {
    discardIfBroken(kind === 'htj2k' ? openjph : openjpeg, error);
    throw codecFailure(codecName, error);
  } finally {
    release(decoder);
  }
}

function reducedSize(full: { width: number; height: number }, level: number): { width: number; height: number } {
  const scale = 2 ** level;
  return { width: Math.ceil(full.width / scale), height: Math.ceil(full.height / scale) };
}

function reductionLevel(
  full: { width: number; height: number },
  decompositions: number,
  targetSize: number | undefined,
): number {
  if (targetSize === undefined) return 0;
  let level = 0;
  while (level < decompositions) {
    const next = reducedSize(full, level + 1);
    if (Math.max(next.width, next.height) < targetSize) break;
    level++;
  }
  return level;
}

/**
 * The number of wavelet decomposition levels in the main header's COD marker (ITU-T T.800 §A.6.1),
 * which bounds how far a decode may reduce the resolution. 0 when no COD is found before the first tile.
 */
export function j2kDecompositionLevels(encoded: Uint8Array): number {
  let position = 2; // after SOC
  while (position + 4 <= encoded.length) {
    if (encoded[position] !== 0xff) return 0;
    const marker = encoded[position + 1] as number;
    const length = ((encoded[position + 2] as number) << 8) | (encoded[position + 3] as number);
    if (marker === 0x52) return encoded[position + 9] ?? 0; // COD: Lcod, Scod, SGcod (4 bytes), levels
    if (marker === 0x90) return 0; // SOT: the main header ended without a COD
    position += 2 + length;
  }
  return 0;
}

/** Width and height from a JPEG 2000 codestream's SIZ marker (ITU-T T.800 §A.5.1), or undefined. */
export function j2kImageSize(encoded: Uint8Array): { width: number; height: number } | undefined {
  // A JP2 file wraps the codestream in boxes; find the SOC + SIZ pair wherever it starts.
  for (let start = 0; start + 20 < encoded.length && start < 4096; start++) {
    if (
      encoded[start] === 0xff &&
      encoded[start + 1] === 0x4f &&
      encoded[start + 2] === 0xff &&
      encoded[start + 3] === 0x51
    ) {
      const view = new DataView(encoded.buffer, encoded.byteOffset + start + 4);
      const xsiz = view.getUint32(4);
      const ysiz = view.getUint32(8);
      const xosiz = view.getUint32(12);
      const yosiz = view.getUint32(16);
      return { width: xsiz - xosiz, height: ysiz - yosiz };
    }
  }
  return undefined;
}
