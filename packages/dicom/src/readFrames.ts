import type { DataSet } from 'dicom-parser';
import { DicomParseError } from './DicomParseError.js';
import { dicomTag } from './dicomTag.js';
import { readUint16 } from './elementValue.js';
import { readDataSet } from './readDataSet.js';
import { pixelEncodingOf } from './transferSyntax.js';

export interface FramesRead {
  transferSyntaxUid: string;
  encoding: 'native' | 'encapsulated';
  /** The frames asked for, in the order asked: native frames little endian, encapsulated as stored. */
  frames: Uint8Array[];
}

const undefinedLength = 0xffffffff;
const bigEndian = '1.2.840.10008.1.2.2';

/**
 * The bytes of the given frames (numbered from 1) of a whole instance: for native pixel data the
 * frame's slice (byte-swapped to little endian for a big-endian file), for encapsulated pixel data
 * the frame's fragments joined, found by the Basic Offset Table, or one fragment per frame, or by the
 * codestream start markers. Never decodes.
 * @throws DicomParseError when the pixel data is missing or its frames cannot be told apart.
 */
export function readFrames(bytes: Uint8Array, frameNumbers: readonly number[]): FramesRead {
  const { dataSet, transferSyntaxUid } = readDataSet(bytes);
  const encoding = pixelEncodingOf(transferSyntaxUid);
  if (encoding === null)
    throw new DicomParseError('unsupported', `transfer syntax ${transferSyntaxUid} is not supported`);
  const element = dataSet.elements[dicomTag.PixelData.tag];
  if (element === undefined) throw new DicomParseError('missing-attribute', `no ${dicomTag.PixelData.label}`);
  const numberOfFrames = Math.max(1, Number.parseInt(dataSet.string('x00280008') ?? '1', 10) || 1);
  for (const n of frameNumbers) {
    if (!Number.isInteger(n) || n < 1 || n > numberOfFrames) {
      throw new RangeError(`frame ${n} does not exist: the instance has ${numberOfFrames}`);
    }
  }
  const array = dataSet.byteArray as Uint8Array;
  if (encoding === 'native') {
    if (element.length === undefinedLength) {
      throw new DicomParseError('pixel-data-length', 'pixel data is encapsulated in a native transfer syntax');
    }
    const frameBytes = nativeFrameBytes(dataSet, element.length, numberOfFrames);
    const swap = transferSyntaxUid === bigEndian ? (readUint16(dataSet, dicomTag.BitsAllocated.tag) ?? 8) : 8;
    const frames = frameNumbers.map((n) => {
      const start = element.dataOffset + (n - 1) * frameBytes;
      const frame = array.subarray(start, start + frameBytes);
      return swap === 16 || swap === 32 ? swapped(frame, swap / 8) : frame;
    });
    return { transferSyntaxUid, encoding, frames };
  }
  const groups = encapsulatedFrames(array, element.dataOffset, numberOfFrames);
  const frames = frameNumbers.map((n) => joined(groups[n - 1] ?? []));
  return { transferSyntaxUid, encoding, frames };
}

function nativeFrameBytes(dataSet: DataSet, length: number, numberOfFrames: number): number {
  const rows = readUint16(dataSet, dicomTag.Rows.tag) ?? 0;
  const columns = readUint16(dataSet, dicomTag.Columns.tag) ?? 0;
  const samples = readUint16(dataSet, dicomTag.SamplesPerPixel.tag) ?? 1;
  const bits = readUint16(dataSet, dicomTag.BitsAllocated.tag) ?? 16;
  const frameBits = rows * columns * samples * bits;
  if (frameBits % 8 !== 0 && numberOfFrames > 1) {
    throw new DicomParseError('unsupported', 'frames of 1-bit pixel data that do not end on a byte boundary');
  }
  const frameBytes = Math.ceil(frameBits / 8);
  if (frameBytes === 0 || frameBytes * numberOfFrames > length) {
    throw new DicomParseError(
      'pixel-data-length',
      `pixel data holds ${length} bytes, fewer than ${numberOfFrames} frame(s) of ${frameBytes}`,
    );
  }
  return frameBytes;
}

function swapped(frame: Uint8Array, width: number): Uint8Array {
  const copy = Buffer.from(frame);
  if (width === 2) copy.swap16();
  else copy.swap32();
  return copy;
}

interface Fragment {
  /** Offset of the item header, relative to the first fragment's item header (as the BOT counts). */
  relative: number;
  data: Uint8Array;
}

/** Fragments grouped by frame. */
function encapsulatedFrames(array: Uint8Array, dataOffset: number, numberOfFrames: number): Fragment[][] {
  const view = new DataView(array.buffer, array.byteOffset, array.byteLength);
  const items: Uint8Array[] = [];
  let position = dataOffset;
  while (position + 8 <= array.length) {
    const group = view.getUint16(position, true);
    const elementNumber = view.getUint16(position + 2, true);
    const length = view.getUint32(position + 4, true);
    if (group !== 0xfffe || elementNumber === 0xe0dd) break;
    if (elementNumber !== 0xe000 || position + 8 + length > array.length) {
      throw new DicomParseError('truncated', 'encapsulated pixel data ends inside a fragment');
    }
    items.push(array.subarray(position + 8, position + 8 + length));
    position += 8 + length;
  }
  const [table, ...data] = items;
  if (table === undefined || data.length === 0)
    throw new DicomParseError('truncated', 'encapsulated pixel data has no fragments');
  let relative = 0;
  const fragments: Fragment[] = data.map((bytes) => {
    const fragment = { relative, data: bytes };
    relative += 8 + bytes.length;
    return fragment;
  });
  if (table.length > 0 && table.length >= 4 * numberOfFrames) {
    const offsets = Array.from({ length: numberOfFrames }, (_, i) =>
      new DataView(table.buffer, table.byteOffset, table.byteLength).getUint32(i * 4, true),
    );
    return offsets.map((start, i) => {
      const end = offsets[i + 1] ?? Number.POSITIVE_INFINITY;
      return fragments.filter((f) => f.relative >= start && f.relative < end);
    });
  }
  if (numberOfFrames === 1) return [fragments];
  if (fragments.length === numberOfFrames) return fragments.map((f) => [f]);
  // No offset table: a frame starts with a JPEG SOI (FFD8) or a JPEG 2000 SOC (FF4F) marker.
  const starts = fragments.flatMap((f, i) =>
    f.data[0] === 0xff && (f.data[1] === 0xd8 || f.data[1] === 0x4f) ? [i] : [],
  );
  if (starts.length !== numberOfFrames) {
    throw new DicomParseError(
      'unsupported',
      `cannot tell ${numberOfFrames} frames apart in ${fragments.length} fragments without a Basic Offset Table`,
    );
  }
  return starts.map((start, i) => fragments.slice(start, starts[i + 1] ?? fragments.length));
}

function joined(fragments: Fragment[]): Uint8Array {
  if (fragments.length === 1) return (fragments[0] as Fragment).data;
  return Buffer.concat(fragments.map((f) => f.data));
}
