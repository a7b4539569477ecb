import { data as dcmjsData } from 'dcmjs';
import { describe, expect, test } from 'vitest';
import { DicomParseError } from './DicomParseError.js';
import { readFrames } from './readFrames.js';

const JLS = '1.2.840.10008.1.2.4.80';

/** A Part 10 file from dcmjs; `pixelData` is appended as given (Pixel Data is the last element). */
function file(transferSyntaxUid: string, dataset: Record<string, unknown>, pixelData?: Buffer): Buffer {
  const { DicomDict, DicomMetaDictionary } = dcmjsData;
  const dict = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
      MediaStorageSOPInstanceUID: '1.2.3.4',
      TransferSyntaxUID: transferSyntaxUid,
      ImplementationClassUID: '1.2.3.5',
    }),
  );
  dict.dict = DicomMetaDictionary.denaturalizeDataset({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
    SOPInstanceUID: '1.2.3.4',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: 2,
    Columns: 2,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    ...dataset,
  });
  const header = Buffer.from(dict.write());
  return pixelData === undefined ? header : Buffer.concat([header, pixelData]);
}

const item = (bytes: Buffer) => {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0xfffe, 0);
  head.writeUInt16LE(0xe000, 2);
  head.writeUInt32LE(bytes.length, 4);
  return Buffer.concat([head, bytes]);
};

/** Encapsulated Pixel Data: OB, undefined length, the offset table item, fragments, delimiter. */
function encapsulated(offsets: number[], fragments: Buffer[]): Buffer {
  const head = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  const table = Buffer.alloc(offsets.length * 4);
  offsets.forEach((o, i) => {
    table.writeUInt32LE(o, i * 4);
  });
  const end = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return Buffer.concat([head, item(table), ...fragments.map(item), end]);
}

const jpeg = (n: number, length = 6) => Buffer.from([0xff, 0xd8, ...new Array(length - 2).fill(n)]);
const tail = (n: number) => Buffer.from([n, n, n, n]);

describe('readFrames', () => {
  test('native multi-frame: each frame is its slice, in the order asked', () => {
    const pixels = new Uint8Array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    const f = file('1.2.840.10008.1.2.1', { NumberOfFrames: '3', PixelData: pixels.buffer });
    const { frames, encoding } = readFrames(f, [3, 1]);
    expect(encoding).toBe('native');
    expect(frames.map((x) => Buffer.from(x))).toEqual([Buffer.from([3, 3, 3, 3]), Buffer.from([1, 1, 1, 1])]);
  });

  test.each([
    // Offsets count from the first fragment's item header: frame 2 starts after 8 + 4 and 8 + 4 bytes.
    [
      'a Basic Offset Table, frame 1 in two fragments',
      [0, 24],
      [tail(1), tail(1), tail(2)],
      [Buffer.concat([tail(1), tail(1)]), tail(2)],
    ],
    ['no offset table, one fragment per frame', [], [jpeg(1, 10), jpeg(2)], [jpeg(1, 10), jpeg(2)]],
    [
      'no offset table, frames found by their start markers',
      [],
      [jpeg(1), tail(1), jpeg(2)],
      [Buffer.concat([jpeg(1), tail(1)]), jpeg(2)],
    ],
  ])('encapsulated, %s', (_name, offsets, fragments, expected) => {
    const f = file(JLS, { NumberOfFrames: '2' }, encapsulated(offsets, fragments));
    const { frames, encoding } = readFrames(f, [1, 2]);
    expect(encoding).toBe('encapsulated');
    expect(frames.map((x) => Buffer.from(x))).toEqual(expected);
  });

  test('frames that cannot be told apart, and frames that do not exist, are refused with a reason', () => {
    const f = file(JLS, { NumberOfFrames: '2' }, encapsulated([], [tail(1), tail(2), tail(3)]));
    expect(() => readFrames(f, [1])).toThrow(DicomParseError);
    expect(() => readFrames(f, [1])).toThrow(/cannot tell 2 frames apart in 3 fragments/);
    expect(() => readFrames(f, [3])).toThrow(/frame 3 does not exist: the instance has 2/);
  });
});
