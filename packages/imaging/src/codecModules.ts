import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImagingError } from './ImagingError.js';

// The codec modules, loaded once per thread on first use, and what the decoders share.

export interface JpegImage {
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

export type Loaded<T> = (() => Promise<T>) & { reset(): void };

export function once<T>(load: () => Promise<T>): Loaded<T> {
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
export function discardIfBroken(loader: Loaded<unknown>, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const trapped = error instanceof Error && error.constructor.name === 'RuntimeError';
  if (trapped || /abort|out of memory|memory access/i.test(message)) loader.reset();
}

export function release(decoder: { delete(): void }): void {
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

export const charls = once(async () =>
  (await import('@cornerstonejs/codec-charls/decodewasmjs')).default(codecOutput()),
);
export const libjpegTurbo = once(async () =>
  (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')).default(codecOutput()),
);
export const openjpeg = once(async () =>
  (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default(codecOutput()),
);
/** OpenJPH's module; the tests encode HTJ2K with it (its factory can run only once per thread). */
export const openjph = once(async () => (await import('@cornerstonejs/codec-openjph/wasmjs')).default(codecOutput()));
/**
 * 12-bit JPEG (Extended, process 4): libjpeg-turbo's WASM build is 8-bit only, so this uses
 * cornerstone's JpegImage (a pdf.js descendant) from @cornerstonejs/dicom-image-loader. That package
 * does not export the file, so it is loaded by path from the installed package.
 */
export const jpegImage = once(async () => {
  const packageJson = createRequire(import.meta.url).resolve('@cornerstonejs/dicom-image-loader/package.json');
  const file = path.join(path.dirname(packageJson), 'dist/esm/codecs/jpeg.js');
  return ((await import(pathToFileURL(file).href)) as { default: new () => JpegImage }).default;
});
export const jpegLossless = once(async () => (await import('jpeg-lossless-decoder-js')).Decoder);

/** WASM codecs throw numbers (exception pointers), strings or Errors. */
export function codecFailure(codec: string, error: unknown): ImagingError {
  if (error instanceof ImagingError) return error;
  const reported = lastCodecMessage.replace(/^\[ERROR\]\s*/, '').trim();
  lastCodecMessage = '';
  const detail =
    error instanceof Error ? error.message : typeof error === 'number' ? reported || `error ${error}` : String(error);
  return new ImagingError('corrupt-pixel-data', `the ${codec} data cannot be decoded: ${detail}`, { cause: error });
}

export function safeExceptionMessage(codec: { getExceptionMessage(pointer: number): string }, pointer: number): string {
  try {
    return codec.getExceptionMessage(pointer);
  } catch {
    return `error ${pointer}`;
  }
}

export function copyOut(decoded: Uint8Array): Uint8Array {
  return new Uint8Array(decoded);
}

function bytesPerSample(bits: number): number {
  return bits <= 8 ? 1 : 2;
}

export function checkLength(codec: string, output: CodecOutput): CodecOutput {
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
