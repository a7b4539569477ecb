import type { CodecOutput } from './codecModules.js';
import { decodeJ2k, j2kImageSize } from './decodeJ2k.js';
import { decodeJpeg8, decodeJpeg12, decodeJpegLossless, decodeJpegLs, jpegFrameHeader } from './decodeJpeg.js';
import { decodeRle } from './decodeRle.js';
import { assertFrameInRange, encapsulatedFrame, nativeFrame } from './frameBytes.js';
import { ImagingError } from './ImagingError.js';
import type { ParsedImage } from './readImage.js';
import { codecOf, describeTransferSyntax } from './transferSyntaxes.js';
import type { DecodedFrame } from './types.js';

/** A decoded frame plus what the display pipeline needs to read its samples. */
export interface Frame extends DecodedFrame {
  bitsStored: number;
  highBit: number;
  /** For Bits Allocated 1: the bit where the frame starts in `pixels[0]`. */
  bitOffset: number;
  /** `pixels` is a view into the caller's file bytes, not a copy. */
  viewOfInput: boolean;
}

export interface DecodeOptions {
  /** Decode at a reduced resolution whose longest side is still at least this, where the codec can. */
  targetSize?: number;
}

export async function decodeImageFrame(image: ParsedImage, frame: number, options: DecodeOptions = {}): Promise<Frame> {
  const { header } = image;
  assertFrameInRange(image, frame);
  const codec = codecOf(header.transferSyntaxUid);
  switch (codec) {
    case undefined:
      throw new ImagingError(
        'unsupported-transfer-syntax',
        `pixel data in transfer syntax ${describeTransferSyntax(header.transferSyntaxUid)} cannot be decoded`,
      );
    case 'native':
    case 'native-big-endian':
      return decodeNative(image, frame, codec === 'native-big-endian');
    case 'rle': {
      const pixels = decodeRle(encapsulatedFrame(image, frame), header);
      return { ...baseFrame(image), pixels, planarConfiguration: 0, viewOfInput: false };
    }
    case 'jpeg-baseline': {
      const encoded = encapsulatedFrame(image, frame);
      const { precision, columns, rows } = jpegFrameHeader(encoded);
      assertCodestreamSize(image, columns, rows);
      return fromCodec(image, precision > 8 ? await decodeJpeg12(encoded, precision) : await decodeJpeg8(encoded));
    }
    case 'jpeg-lossless':
    case 'jpeg-ls': {
      const encoded = encapsulatedFrame(image, frame);
      const { columns, rows } = jpegFrameHeader(encoded, codec === 'jpeg-ls' ? 'JPEG-LS' : 'JPEG Lossless');
      assertCodestreamSize(image, columns, rows);
      const output =
        codec === 'jpeg-ls' ? await decodeJpegLs(encoded) : await decodeJpegLossless(encoded, header.bitsAllocated);
      return fromCodec(image, output);
    }
    case 'jpeg-2000':
    case 'htj2k': {
      const encoded = encapsulatedFrame(image, frame);
      const size = j2kImageSize(encoded);
      if (size === undefined) {
        throw new ImagingError('corrupt-pixel-data', 'the JPEG 2000 data has no image header (SOC and SIZ markers)');
      }
      assertCodestreamSize(image, size.width, size.height);
      return fromCodec(
        image,
        await decodeJ2k(encoded, codec, { width: header.columns, height: header.rows }, options.targetSize),
        true,
      );
    }
  }
}

/**
 * Samples of at most 8 bits in an image whose header allocates 16: widened (sign-extended when
 * signed) so that a decoded frame has the layout the header describes.
 */
function widenTo16(samples: Uint8Array, bits: number, signed: boolean): Uint8Array {
  const wide = new Uint16Array(samples.length);
  const sign = 2 ** (bits - 1);
  for (let index = 0; index < samples.length; index++) {
    const value = samples[index] as number;
    wide[index] = signed && value >= sign ? (value - 2 * sign) & 0xffff : value;
  }
  return new Uint8Array(wide.buffer);
}

/**
 * The codestream must describe the image the header does, checked before decoding: a codestream
 * claiming 60000 × 60000 pixels would otherwise exhaust the codec's memory.
 */
function assertCodestreamSize(image: ParsedImage, columns: number, rows: number): void {
  const { header } = image;
  if (columns !== header.columns || rows !== header.rows) {
    throw new ImagingError(
      'corrupt-pixel-data',
      `the compressed frame is ${columns}×${rows}, the header says ${header.columns}×${header.rows}`,
    );
  }
}

function baseFrame(image: ParsedImage): Omit<Frame, 'pixels' | 'viewOfInput'> {
  const { header } = image;
  return {
    rows: header.rows,
    columns: header.columns,
    bitsAllocated: header.bitsAllocated,
    bitsStored: header.bitsStored,
    highBit: header.highBit,
    samplesPerPixel: header.samplesPerPixel,
    photometricInterpretation: header.photometricInterpretation,
    pixelRepresentation: header.pixelRepresentation,
    planarConfiguration: header.planarConfiguration,
    bitOffset: 0,
  };
}

function decodeNative(image: ParsedImage, frame: number, bigEndian: boolean): Frame {
  const { bytes, bitOffset } = nativeFrame(image, frame);
  const base = { ...baseFrame(image), bitOffset };
  const { bitsAllocated } = image.header;
  // 8-bit samples in an OW value are byte-swapped in pairs in big endian too.
  const wordSize = bitsAllocated === 8 && image.pixelData.vr === 'OW' ? 16 : bitsAllocated;
  if (!bigEndian || wordSize < 16) return { ...base, pixels: bytes, viewOfInput: true };
  const swapped = Buffer.from(bytes);
  if (wordSize === 16) swapped.swap16();
  else swapped.swap32();
  return { ...base, pixels: new Uint8Array(swapped.buffer, swapped.byteOffset, swapped.length), viewOfInput: false };
}

/** A codec's output must match the header's geometry, except for a reduced-resolution decode. */
function fromCodec(image: ParsedImage, output: CodecOutput, mayBeReduced = false): Frame {
  const { header } = image;
  const reduced = mayBeReduced && (output.rows < header.rows || output.columns < header.columns);
  if (!reduced && (output.rows !== header.rows || output.columns !== header.columns)) {
    throw new ImagingError(
      'corrupt-pixel-data',
      `the compressed frame is ${output.columns}×${output.rows}, the header says ${header.columns}×${header.rows}`,
    );
  }
  if (output.components !== header.samplesPerPixel) {
    throw new ImagingError(
      'corrupt-pixel-data',
      `the compressed frame has ${output.components} components, the header says ${header.samplesPerPixel} samples per pixel`,
    );
  }
  const widen = output.bitsPerSample <= 8 && header.bitsAllocated === 16;
  const bitsAllocated = output.bitsPerSample <= 8 && !widen ? 8 : 16;
  const bitsStored = Math.min(bitsAllocated, Math.max(header.bitsStored, output.bitsPerSample));
  return {
    pixels: widen ? widenTo16(output.pixels, output.bitsPerSample, header.pixelRepresentation === 1) : output.pixels,
    rows: output.rows,
    columns: output.columns,
    bitsAllocated,
    bitsStored,
    highBit: bitsStored - 1,
    samplesPerPixel: output.components,
    photometricInterpretation: output.rgb ? 'RGB' : header.photometricInterpretation,
    pixelRepresentation: header.pixelRepresentation,
    planarConfiguration: output.planar ? 1 : 0,
    bitOffset: 0,
    viewOfInput: false,
  };
}
