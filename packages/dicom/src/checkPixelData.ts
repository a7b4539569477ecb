import type { DataSet } from 'dicom-parser';
import { DicomParseError } from './DicomParseError.js';
import { dicomTag } from './dicomTag.js';
import type { PixelEncoding } from './transferSyntax.js';

export interface PixelGeometry {
  rows: number | null;
  columns: number | null;
  bitsAllocated: number | null;
  samplesPerPixel: number;
  numberOfFrames: number;
  photometricInterpretation: string;
}

const undefinedLength = 0xffffffff;

/**
 * Where the fragment item headers of encapsulated pixel data are read from: by default the parsed
 * bytes themselves; for a file parsed from a prefix, the file (offsets are `dataSet.byteArray`'s).
 */
export interface ItemHeaderSource {
  /** The file's length, in the same offsets. */
  length: number;
  /** The 8 bytes at `position` (tag and length of one item); position + 8 ≤ length. */
  read8(position: number): Uint8Array;
}

function bufferSource(bytes: Uint8Array): ItemHeaderSource {
  return { length: bytes.length, read8: (position) => bytes.subarray(position, position + 8) };
}

/**
 * Checks that the pixel data is all there and, for native transfer syntaxes, exactly as long as
 * the image geometry says. Reads only element headers: the pixel bytes are never touched.
 */
export function checkPixelData(
  dataSet: DataSet,
  encoding: PixelEncoding,
  transferSyntaxUid: string,
  geometry: PixelGeometry,
  items: ItemHeaderSource = bufferSource(dataSet.byteArray),
): void {
  const element = dataSet.elements[dicomTag.PixelData.tag];
  if (!element) {
    if (geometry.rows !== null && geometry.columns !== null) {
      throw new DicomParseError(
        'truncated',
        `file is truncated: it ends before ${dicomTag.PixelData.label} although Rows and Columns are present`,
      );
    }
    return;
  }
  if (encoding === 'encapsulated') {
    if (element.length === undefinedLength) checkFragments(items, element.dataOffset);
    return;
  }
  if (element.length === undefinedLength) {
    throw new DicomParseError(
      'pixel-data-length',
      `pixel data is encapsulated but transfer syntax ${transferSyntaxUid} is native (uncompressed)`,
    );
  }
  const rows = required(geometry.rows, dicomTag.Rows.label);
  const columns = required(geometry.columns, dicomTag.Columns.label);
  const bitsAllocated = required(geometry.bitsAllocated, dicomTag.BitsAllocated.label);
  const { numberOfFrames: frames, samplesPerPixel: samples } = geometry;
  // YBR_FULL_422 stores two samples' worth per pixel (PS3.5 §8.2.1 note), not three.
  const storedSamples = geometry.photometricInterpretation === 'YBR_FULL_422' ? 2 : samples;
  const expected =
    bitsAllocated === 1
      ? Math.ceil((rows * columns * frames * storedSamples) / 8)
      : (rows * columns * bitsAllocated * frames * storedSamples) / 8;
  const padded = expected % 2 === 1 && element.length === expected + 1;
  if (element.length !== expected && !padded) {
    throw new DicomParseError(
      'pixel-data-length',
      `pixel data is ${element.length} bytes but Rows×Columns×BitsAllocated/8×Frames×SamplesPerPixel = ` +
        `${rows}×${columns}×${bitsAllocated}/8×${frames}×${storedSamples} = ${expected}`,
    );
  }
}

function required(value: number | null, label: string): number {
  if (value === null)
    throw new DicomParseError('missing-attribute', `missing ${label}, needed to check the pixel data`);
  return value;
}

/** Walks the fragment items (PS3.5 §A.4) to the sequence delimiter, jumping over their contents. */
function checkFragments(bytes: ItemHeaderSource, start: number): void {
  let position = start;
  for (;;) {
    if (position + 8 > bytes.length) {
      throw new DicomParseError(
        'truncated',
        `file is truncated: encapsulated pixel data has no sequence delimiter before the end (${bytes.length} bytes)`,
      );
    }
    const header = bytes.read8(position);
    const view = new DataView(header.buffer, header.byteOffset, 8);
    const group = view.getUint16(0, true);
    const elementNumber = view.getUint16(2, true);
    const length = view.getUint32(4, true);
    if (group !== 0xfffe || (elementNumber !== 0xe000 && elementNumber !== 0xe0dd)) {
      throw new DicomParseError(
        'pixel-data-length',
        `encapsulated pixel data is malformed: expected an item tag at offset ${position}`,
      );
    }
    if (elementNumber === 0xe0dd) return;
    position += 8 + length;
    if (position > bytes.length) {
      throw new DicomParseError(
        'truncated',
        `file is truncated: a pixel data fragment ends at offset ${position} but the file has ${bytes.length} bytes`,
      );
    }
  }
}
