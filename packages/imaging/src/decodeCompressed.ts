import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImagingError } from './ImagingError.js';

interface JpegImage {
  parse(data: Uint8Array): void;
  colorTransform: boolean;
  width: number;
  height: number;
  components: unknown[];
  getData16(width: number, height: number): Uint16Array;
}

/** What a codec produced: samples right-aligned, native little-endian, `bits` ≤ 8 in one byte each. */
export interface CodecOutput {
  pixels: Uint8Array;
  rows: number;
  columns: number;
  bitsPerSample: number;
  components: number;
  planar: boolean;
  /** The codec converted colour to RGB (JPEG YCbCr, JPEG 2000 ICT/RCT). */
  rgb: boolean;
}

type Loaded<T> = (() => Promise<T>) & { reset(): void };

function once<T>(load: () => Promise<T>): Loaded<T> {
  let promise: Promise<T> | undefined;
  const loaded = () => {
    promise ??= load();
    return promise;
  };
  return Object.assign(loaded, {
    reset() {
      promise = undefined;
    },
  });
}

/**
 * A WASM module that trapped or aborted (out of memory on a huge frame, a codec bug) is unusable;
 * the next decode loads a fresh instance instead of failing forever in this thread.
 */
function discardIfBroken(loader: Loaded<unknown>, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const trapped = error instanceof Error && error.constructor.name === 'RuntimeError';
  if (trapped || /abort|out of memory|memory access/i.test(message)) loader.reset();
}

function release(decoder: { delete(): void }): void {
  try {
    decoder.delete();
  } catch {
    // The module aborted; it is discarded with the decoder.
  }
}

/**
 * The codecs print their diagnostics to stdout/stderr; keep the last line to put in the error instead
 * (a log line per corrupt file, without an instance id, would help no one).
 */
let lastCodecMessage = '';
/** A new object for each module: Emscripten adds the module's exports to the object it is given. */
const codecOutput = () => ({
  print: (text: string) => {
    lastCodecMessage = text;
  },
  printErr: (text: string) => {
    lastCodecMessage = text;
  },
});

const charls = once(async () => (await import('@cornerstonejs/codec-charls/decodewasmjs')).default(codecOutput()));
const libjpegTurbo = once(async () =>
  (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')).default(codecOutput()),
);
const openjpeg = once(async () => (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default(codecOutput()));
/** OpenJPH's module; the tests encode HTJ2K with it (its factory can run only once per thread). */
export const openjph = once(async () => (await import('@cornerstonejs/codec-openjph/wasmjs')).default(codecOutput()));
/**
 * 12-bit JPEG (Extended, process 4): libjpeg-turbo's WASM build is 8-bit only, so this uses
 * cornerstone's JpegImage (a pdf.js descendant) from @cornerstonejs/dicom-image-loader. That package
 * does not export the file, so it is loaded by path from the installed package.
 */
const jpegImage = once(async () => {
  const packageJson = createRequire(import.meta.url).resolve('@cornerstonejs/dicom-image-loader/package.json');
  const file = path.join(path.dirname(packageJson), 'dist/esm/codecs/jpeg.js');
  return ((await import(pathToFileURL(file).href)) as { default: new () => JpegImage }).default;
});
const jpegLossless = once(async () => (await import('jpeg-lossless-decoder-js')).Decoder);

/** WASM codecs throw numbers (exception pointers), strings or Errors. */
function codecFailure(codec: string, error: unknown): ImagingError {
  if (error instanceof ImagingError) return error;
  const reported = lastCodecMessage.replace(/^\[ERROR\]\s*/, '').trim();
  lastCodecMessage = '';
  const detail =
    error instanceof Error ? error.message : typeof error === 'number' ? reported || `error ${error}` : String(error);
  return new ImagingError('corrupt-pixel-data', `the ${codec} data cannot be decoded: ${detail}`, { cause: error });
}

function safeExceptionMessage(codec: { getExceptionMessage(pointer: number): string }, pointer: number): string {
  try {
    return codec.getExceptionMessage(pointer);
  } catch {
    return `error ${pointer}`;
  }
}

function copyOut(decoded: Uint8Array): Uint8Array {
  return new Uint8Array(decoded);
}

function bytesPerSample(bits: number): number {
  return bits <= 8 ? 1 : 2;
}

function checkLength(codec: string, output: CodecOutput): CodecOutput {
  if (output.rows === 0 || output.columns === 0 || output.components === 0) {
    const reported = lastCodecMessage.replace(/^\[ERROR\]\s*/, '').trim();
    lastCodecMessage = '';
    throw new ImagingError(
      'corrupt-pixel-data',
      `the ${codec} data cannot be decoded: ${reported || 'it decodes to an empty image'}`,
    );
  }
  const expected = output.rows * output.columns * output.components * bytesPerSample(output.bitsPerSample);
  if (output.pixels.length < expected) {
    throw new ImagingError(
      'corrupt-pixel-data',
      `the ${codec} data decodes to ${output.pixels.length} bytes, ${expected} expected`,
    );
  }
  return { ...output, pixels: output.pixels.subarray(0, expected) };
}

export async function decodeJpegLs(encoded: Uint8Array): Promise<CodecOutput> {
  const codec = await charls();
  const decoder = new codec.JpegLSDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    return checkLength('JPEG-LS', {
      pixels: copyOut(decoder.getDecodedBuffer()),
      rows: info.height,
      columns: info.width,
      bitsPerSample: info.bitsPerSample,
      components: info.componentCount,
      planar: info.componentCount > 1 && decoder.getInterleaveMode() === 0,
      rgb: false,
    });
  } catch (error) {
    discardIfBroken(charls, error);
    throw codecFailure('JPEG-LS', typeof error === 'number' ? safeExceptionMessage(codec, error) : error);
  } finally {
    release(decoder);
  }
}

/** JPEG baseline and extended with 8-bit samples (libjpeg-turbo); colour comes out as RGB. */
export async function decodeJpeg8(encoded: Uint8Array): Promise<CodecOutput> {
  const codec = await libjpegTurbo();
  const decoder = new codec.JPEGDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    return checkLength('JPEG', {
      pixels: copyOut(decoder.getDecodedBuffer()),
      rows: info.height,
      columns: info.width,
      bitsPerSample: 8,
      components: info.componentCount,
      planar: false,
      rgb: info.componentCount === 3,
    });
  } catch (error) {
    discardIfBroken(libjpegTurbo, error);
    throw codecFailure('JPEG', error);
  } finally {
    release(decoder);
  }
}

/**
 * JPEG with 9–12-bit samples, grayscale. JpegImage's level shift is scaled from the 8-bit constant
 * (2056 / (255 / 4095) instead of 2048 · 16 + 8), which adds a constant 15 to every 12-bit sample
 * below the top clamp; it is taken off here so that the values match libjpeg's (dcmtk's) decode.
 */
export async function decodeJpeg12(encoded: Uint8Array, precision: number): Promise<CodecOutput> {
  const JpegImage = await jpegImage();
  const jpeg = new JpegImage();
  let samples: Uint16Array;
  try {
    jpeg.parse(encoded);
    jpeg.colorTransform = false;
    if (jpeg.components.length !== 1) {
      throw new ImagingError('unsupported-image', `colour JPEG with ${precision}-bit samples cannot be decoded`);
    }
    samples = jpeg.getData16(jpeg.width, jpeg.height);
  } catch (error) {
    throw codecFailure('JPEG', error);
  }
  const top = 2 ** precision - 1;
  const bias = Math.floor(((2056 * top) / 255 - (2 ** (precision - 1) * 16 + 8)) / 16);
  if (bias > 0) {
    for (let index = 0; index < samples.length; index++) {
      const value = samples[index] as number;
      if (value !== top) samples[index] = value > bias ? value - bias : 0;
    }
  }
  return checkLength('JPEG', {
    pixels: new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength),
    rows: jpeg.height,
    columns: jpeg.width,
    bitsPerSample: precision,
    components: 1,
    planar: false,
    rgb: false,
  });
}

export async function decodeJpegLossless(encoded: Uint8Array, bitsAllocated: number): Promise<CodecOutput> {
  const Decoder = await jpegLossless();
  const header = jpegFrameHeader(encoded, 'JPEG Lossless');
  try {
    const numBytes = bitsAllocated <= 8 ? 1 : 2;
    const decoded = new Decoder().decode(encoded.buffer, encoded.byteOffset, encoded.length, numBytes);
    const bytes = new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
    return checkLength('JPEG Lossless', {
      pixels: copyOut(bytes),
      rows: header.rows,
      columns: header.columns,
      bitsPerSample: numBytes === 1 ? Math.min(header.precision, 8) : header.precision,
      components: header.components,
      planar: false,
      rgb: false,
    });
  } catch (error) {
    throw codecFailure('JPEG Lossless', error);
  }
}

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

/** Rows, columns, precision and components from a JPEG's SOFn marker (or JPEG-LS SOF55). */
export function jpegFrameHeader(
  encoded: Uint8Array,
  codec = 'JPEG',
): {
  precision: number;
  rows: number;
  columns: number;
  components: number;
  process: number;
} {
  let position = 2;
  if (encoded[0] !== 0xff || encoded[1] !== 0xd8) {
    throw new ImagingError('corrupt-pixel-data', `the ${codec} data does not start with an SOI marker`);
  }
  while (position + 9 < encoded.length) {
    if (encoded[position] !== 0xff) {
      position++;
      continue;
    }
    const marker = encoded[position + 1] as number;
    if (marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      position += marker === 0xff ? 1 : 2;
      continue;
    }
    const length = ((encoded[position + 2] as number) << 8) | (encoded[position + 3] as number);
    const startOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (startOfFrame || marker === 0xf7 /* JPEG-LS SOF55 */) {
      return {
        process: marker - 0xc0,
        precision: encoded[position + 4] as number,
        rows: ((encoded[position + 5] as number) << 8) | (encoded[position + 6] as number),
        columns: ((encoded[position + 7] as number) << 8) | (encoded[position + 8] as number),
        components: encoded[position + 9] as number,
      };
    }
    position += 2 + length;
  }
  throw new ImagingError('corrupt-pixel-data', `the ${codec} data has no frame header (SOF marker)`);
}
