import type { Fragment } from 'dicom-parser';
import dicomParser from 'dicom-parser';
import { ImagingError } from './ImagingError.js';
import { type ParsedImage, parserMessage } from './readImage.js';

/** Bytes one native frame takes; YBR_FULL_422 stores two samples per pixel (PS3.3 §C.7.6.3.1.2). */
export function nativeFrameLength(image: ParsedImage): { bits: number; bytes: number } {
  const { rows, columns, samplesPerPixel, bitsAllocated, photometricInterpretation } = image.header;
  const samples = photometricInterpretation === 'YBR_FULL_422' ? 2 : samplesPerPixel;
  const bits = rows * columns * samples * bitsAllocated;
  return { bits, bytes: Math.ceil(bits / 8) };
}

export function assertFrameInRange(image: ParsedImage, frame: number): void {
  const frames = image.header.numberOfFrames;
  if (!Number.isInteger(frame) || frame < 1 || frame > frames) {
    throw new ImagingError(
      'frame-out-of-range',
      `frame ${frame} does not exist: the instance has ${frames} frame${frames === 1 ? '' : 's'}`,
    );
  }
}

/**
 * One native frame, as a view into the file's bytes (no copy). Bit-packed frames (Bits Allocated 1)
 * of a multi-frame image need not start on a byte: `bitOffset` says where it starts.
 */
export function nativeFrame(image: ParsedImage, frame: number): { bytes: Uint8Array; bitOffset: number } {
  const { dataSet, pixelData } = image;
  const { bits, bytes } = nativeFrameLength(image);
  const startBit = (frame - 1) * bits;
  const start = Math.floor(startBit / 8);
  const end = Math.ceil((startBit + bits) / 8);
  if (end > pixelData.length) {
    throw new ImagingError(
      'corrupt-pixel-data',
      `the pixel data is too short for frame ${frame}: ${pixelData.length} bytes, frame ${frame} ends at byte ${end} (${bytes} bytes a frame)`,
    );
  }
  const offset = pixelData.dataOffset;
  return {
    bytes: dataSet.byteArray.subarray(offset + start, offset + end),
    bitOffset: startBit % 8,
  };
}

/**
 * One compressed frame of encapsulated pixel data (PS3.5 §A.4). Frames are found through the Basic
 * Offset Table, else one fragment per frame, else by the codestream start marker that begins each
 * frame (JPEG SOI, JPEG 2000 SOC).
 */
export function encapsulatedFrame(image: ParsedImage, frame: number): Uint8Array {
  const { dataSet, pixelData, header } = image;
  const fragments = pixelData.fragments;
  if (!pixelData.encapsulatedPixelData || fragments === undefined) {
    throw new ImagingError(
      'corrupt-pixel-data',
      `the transfer syntax ${header.transferSyntaxUid} needs encapsulated pixel data, but the Pixel Data is native`,
    );
  }
  if (fragments.length === 0)
    throw new ImagingError('corrupt-pixel-data', 'the encapsulated pixel data has no fragments');
  assertFragmentsInBounds(image, fragments);
  try {
    if (header.numberOfFrames === 1) {
      return fragments.length === 1
        ? fragmentBytes(image, fragments[0] as Fragment)
        : dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, fragments.length);
    }
    const offsets = pixelData.basicOffsetTable ?? [];
    if (offsets.length === header.numberOfFrames) {
      return dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, frame - 1);
    }
    if (fragments.length === header.numberOfFrames) return fragmentBytes(image, fragments[frame - 1] as Fragment);
    const starts = frameStarts(image, fragments);
    const first = starts[frame - 1];
    if (starts.length !== header.numberOfFrames || first === undefined) {
      throw new ImagingError(
        'corrupt-pixel-data',
        `cannot find frame ${frame}: ${fragments.length} fragments hold ${starts.length} frames, ${header.numberOfFrames} declared`,
      );
    }
    const next = starts[frame] ?? fragments.length;
    return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, first, next - first);
  } catch (error) {
    if (error instanceof ImagingError) throw error;
    throw new ImagingError('corrupt-pixel-data', `cannot read frame ${frame}: ${parserMessage(error)}`, {
      cause: error,
    });
  }
}

function fragmentBytes(image: ParsedImage, fragment: Fragment): Uint8Array {
  return image.dataSet.byteArray.subarray(fragment.position, fragment.position + fragment.length);
}

function frameStarts(image: ParsedImage, fragments: Fragment[]): number[] {
  const bytes = image.dataSet.byteArray;
  const starts: number[] = [];
  fragments.forEach((fragment, index) => {
    const a = bytes[fragment.position];
    const b = bytes[fragment.position + 1];
    if (a === 0xff && (b === 0xd8 || b === 0x4f)) starts.push(index);
  });
  return starts;
}

function assertFragmentsInBounds(image: ParsedImage, fragments: Fragment[]): void {
  const size = image.dataSet.byteArray.length;
  for (const fragment of fragments) {
    if (fragment.position + fragment.length > size) {
      throw new ImagingError(
        'corrupt-pixel-data',
        `the pixel data is truncated: a fragment of ${fragment.length} bytes runs past the end of the file`,
      );
    }
  }
}
