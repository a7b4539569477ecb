import { inflateRawSync } from 'node:zlib';
import type { DataSet } from 'dicom-parser';
import dicomParser from 'dicom-parser';
import { DicomParseError } from './DicomParseError.js';
import { dicomTag } from './dicomTag.js';
import { explicitVrLittleEndian, implicitVrLittleEndian } from './transferSyntax.js';

export interface ReadDataSet {
  dataSet: DataSet;
  transferSyntaxUid: string;
  /** 'part10' when the file has the preamble and `DICM`; 'raw' for a bare dataset. */
  format: 'part10' | 'raw';
  /**
   * What to subtract from an offset in `dataSet.byteArray` to get the offset in the file: 132 when a
   * Part 10 file without its preamble was given one, else 0.
   */
  offsetShift: number;
  /** The length the bounds checks compared against, in `dataSet.byteArray` offsets. */
  checkedLength: number;
}

export interface ReadDataSetOptions {
  /** A deflated dataset that inflates to more is refused (a deflate bomb); default 512 MiB. */
  maxInflatedBytes?: number;
  /**
   * The whole file's size when `bytes` is only its first part (a prefix). Element lengths are then
   * checked against this size, and a prefix too short to hold everything up to the pixel data's
   * header makes readDataSet throw PrefixTooShortError: read more of the file and call again.
   */
  totalLength?: number;
}

/**
 * The prefix given with `totalLength` ends before everything up to the Pixel Data header could be
 * read; not a verdict on the file. Call again with a longer prefix (the whole file at the latest).
 */
export class PrefixTooShortError extends Error {
  constructor(readonly prefixLength: number) {
    super(`the first ${prefixLength} bytes do not hold the whole header; read more of the file`);
    this.name = 'PrefixTooShortError';
  }
}

/** The default largest instance (TELERAD_MAX_INSTANCE_MB), which an inflated dataset is too. */
const defaultMaxInflatedBytes = 512 * 1024 * 1024;
const preambleLength = 128;
const minimumPrefixLength = 1024;
const undefinedLength = 0xffffffff;
const explicitVrs = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

/**
 * Parses the dataset up to, not into, the pixel data: dicom-parser keeps offsets into `bytes`
 * and never copies, so this stays fast for 20 MB radiographs. Accepts Part 10 files, Part 10
 * files that lost their preamble, and bare datasets (implicit or explicit VR little endian).
 */
export function readDataSet(bytes: Uint8Array, options: ReadDataSetOptions = {}): ReadDataSet {
  const totalLength = options.totalLength ?? bytes.length;
  if (totalLength < bytes.length) throw new RangeError('totalLength is shorter than the bytes given');
  const prefix = totalLength > bytes.length;
  // Too short to tell a Part 10 file from a bare dataset.
  if (prefix && bytes.length < minimumPrefixLength) throw new PrefixTooShortError(bytes.length);
  const fullInflater = inflaterWithin(options.maxInflatedBytes ?? defaultMaxInflatedBytes);
  // A deflated dataset cannot be parsed from part of its stream: ask for the whole file.
  const inflater: typeof fullInflater = prefix
    ? () => {
        throw new PrefixTooShortError(bytes.length);
      }
    : fullInflater;
  const parse = (data: Uint8Array, rawSyntax: string | undefined, shift = 0) => ({
    ...parseWith(data, rawSyntax, inflater, prefix ? { totalLength: totalLength + shift } : undefined),
    offsetShift: shift,
  });
  if (hasDicmPrefix(bytes)) return { ...parse(bytes, undefined), format: 'part10' };
  const firstGroup = bytes.length >= 8 ? (bytes[0] as number) | ((bytes[1] as number) << 8) : -1;
  if (firstGroup === 0x0002) {
    // File meta without the preamble: dicom-parser only finds the meta after `DICM`, so supply one.
    const withPreamble = new Uint8Array(preambleLength + 4 + bytes.length);
    withPreamble.set([0x44, 0x49, 0x43, 0x4d], preambleLength);
    withPreamble.set(bytes, preambleLength + 4);
    return { ...parse(withPreamble, undefined, preambleLength + 4), format: 'part10' };
  }
  if (firstGroup === 0x0008) {
    const vr = String.fromCharCode(bytes[4] as number, bytes[5] as number);
    const syntax = explicitVrs.has(vr) ? explicitVrLittleEndian : implicitVrLittleEndian;
    const read = parse(bytes, syntax);
    if (!read.dataSet.elements[dicomTag.SOPClassUID.tag] && !read.dataSet.elements[dicomTag.SOPInstanceUID.tag]) {
      throw new DicomParseError('not-dicom', 'not a DICOM file: neither a Part 10 header nor SOP Class/Instance UIDs');
    }
    return { ...read, format: 'raw' };
  }
  if (bytes.length < preambleLength + 4 && bytes.every((byte) => byte === 0)) {
    throw new DicomParseError('truncated', `file is truncated: ${bytes.length} bytes end inside the 128-byte preamble`);
  }
  throw new DicomParseError('not-dicom', "not a DICOM file: no 'DICM' prefix at byte 128 and no dataset at byte 0");
}

function hasDicmPrefix(bytes: Uint8Array): boolean {
  return (
    bytes.length >= preambleLength + 4 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

function parseWith(
  bytes: Uint8Array,
  rawSyntax: string | undefined,
  inflater: (bytes: Uint8Array, position: number) => Uint8Array,
  prefix: { totalLength: number } | undefined,
): Omit<ReadDataSet, 'format' | 'offsetShift'> {
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      untilTag: dicomTag.PixelData.tag,
      inflater,
      ...(rawSyntax === undefined ? {} : { TransferSyntaxUID: rawSyntax }),
    });
  } catch (error) {
    if (error instanceof PrefixTooShortError) throw error;
    const failure = parserFailure(error);
    // Reading past the end of a prefix says nothing about the file: read more of it.
    if (prefix !== undefined && failure.reason === 'truncated') throw new PrefixTooShortError(bytes.length);
    throw failure;
  }
  const checkedLength = prefix?.totalLength ?? dataSet.byteArray.length;
  assertElementsInBounds(dataSet, checkedLength);
  if (prefix !== undefined) assertHeaderInPrefix(dataSet, bytes.length);
  const transferSyntaxUid = rawSyntax ?? (dataSet.string(dicomTag.TransferSyntaxUID.tag) ?? '').replace(/\0/g, '');
  return { dataSet, transferSyntaxUid, checkedLength };
}

/**
 * From a prefix, the parse is complete only when it reached the Pixel Data header and every other
 * element's value lies inside the prefix (only the pixel data may go on past it).
 */
function assertHeaderInPrefix(dataSet: DataSet, prefixLength: number): void {
  const pixelData = dataSet.elements[dicomTag.PixelData.tag];
  if (pixelData === undefined || pixelData.dataOffset > prefixLength) throw new PrefixTooShortError(prefixLength);
  for (const element of Object.values(dataSet.elements)) {
    if (element === pixelData || element.length === undefinedLength) continue;
    if (element.dataOffset + element.length > prefixLength) throw new PrefixTooShortError(prefixLength);
  }
}

/**
 * Deflated datasets: dicom-parser's own Node path needs a Buffer; this works on any Uint8Array. The
 * output is bounded: a 1 MB deflate stream can inflate to 1 GB, synchronously, on the event loop.
 */
function inflaterWithin(maxInflatedBytes: number) {
  return (bytes: Uint8Array, position: number): Uint8Array => {
    let inflated: Buffer;
    try {
      inflated = inflateRawSync(bytes.subarray(position), { maxOutputLength: maxInflatedBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw error;
      throw new DicomParseError(
        'not-dicom',
        `the deflated dataset inflates to more than ${Math.round(maxInflatedBytes / 2 ** 20)} MB, the largest instance accepted`,
        { cause: error },
      );
    }
    const full = new Uint8Array(position + inflated.length);
    full.set(bytes.subarray(0, position));
    full.set(inflated, position);
    return full;
  };
}

/** dicom-parser throws strings, `{ exception }` objects or Errors; turn them into a reason. */
function parserFailure(error: unknown): DicomParseError {
  if (error instanceof DicomParseError) return error;
  const message =
    typeof error === 'string'
      ? error
      : error instanceof Error
        ? error.message
        : typeof error === 'object' && error !== null && 'exception' in error
          ? String(error.exception)
          : String(error);
  if (/past end of buffer|overrun/i.test(message)) {
    return new DicomParseError('truncated', `file is truncated: ${message}`, { cause: error });
  }
  if (message.includes('0002,0010')) {
    return new DicomParseError('missing-attribute', `missing ${dicomTag.TransferSyntaxUID.label}`, { cause: error });
  }
  return new DicomParseError('not-dicom', `not a readable DICOM file: ${message}`, { cause: error });
}

const labelByTag = new Map<string, string>(Object.values(dicomTag).map(({ tag, label }) => [tag, label]));

function describeTag(tag: string): string {
  return labelByTag.get(tag) ?? `element (${tag.slice(1, 5).toUpperCase()},${tag.slice(5).toUpperCase()})`;
}

/** dicom-parser seeks past values without checking the end, so a cut file parses "fine". */
function assertElementsInBounds(dataSet: DataSet, size: number): void {
  for (const element of Object.values(dataSet.elements)) {
    if (element.length === undefinedLength) continue;
    const end = element.dataOffset + element.length;
    if (end > size) {
      throw new DicomParseError(
        'truncated',
        `file is truncated: ${describeTag(element.tag)} needs ${element.length} bytes at offset ` +
          `${element.dataOffset} but the file has ${size} bytes`,
      );
    }
  }
}
