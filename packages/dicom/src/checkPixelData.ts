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
 * Checks that the pixel data is all there and, for native transfer syntaxes, exactly as long as
 * the image geometry says. Reads only element headers: the pixel bytes are never touched.
 */
export function checkPixelData(
  dataSet: DataSet,
  encoding: PixelEncoding,
  transferSyntaxUid: string,
  geometry: PixelGeometry,
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
    if (element.length === undefinedLength) checkFragments(dataSet.byteArray, element.dataOffset);
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
function checkFragments(bytes: Uint8Array, start: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let position = start;
  for (;;) {
    if (position + 8 > bytes.length) {
      throw new DicomParseError(
        'truncated',
        `file is truncated: encapsulated pixel data has no sequence delimiter before the end (${bytes.length} bytes)`,
      );
    }
    const group = view.getUint16(position, true);
    const elementNumber = view.getUint16(position + 2, true);
    const length = view.getUint32(position + 4, true);
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
