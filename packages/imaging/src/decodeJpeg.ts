import {
  type CodecOutput,
  charls,
  checkLength,
  codecFailure,
  copyOut,
  discardIfBroken,
  jpegImage,
  jpegLossless,
  libjpegTurbo,
  release,
  safeExceptionMessage,
} from './codecModules.js';
import { ImagingError } from './ImagingError.js';

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
