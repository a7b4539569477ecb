import type { DataSet } from 'dicom-parser';

const empty = new Uint8Array(0);

/** The raw value bytes of a top-level element, as a view into the file (no copy). */
export function elementBytes(dataSet: DataSet, tag: string): Uint8Array {
  const element = dataSet.elements[tag];
  if (!element || element.length === 0) return empty;
  return dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
}

/** Every value of an ASCII-only element (CS, UI, DA, TM, IS, DS) as one string, padding removed. */
export function readAsciiValues(dataSet: DataSet, tag: string): string {
  const bytes = elementBytes(dataSet, tag);
  return trimValue(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
}

/** The first value of an ASCII-only element, padding removed. */
export function readAscii(dataSet: DataSet, tag: string): string {
  return trimValue(readAsciiValues(dataSet, tag).split('\\')[0] ?? '');
}

/**
 * The first value of an Integer String (IS), or null when absent, not an integer, or outside the
 * range an IS can hold (−2³¹ … 2³¹ − 1, PS3.5 Table 6.2-1), which the index's integer columns share.
 */
export function readIntegerString(dataSet: DataSet, tag: string): number | null {
  const text = readAscii(dataSet, tag);
  if (text === '') return null;
  const value = Number(text);
  return Number.isInteger(value) && value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? value : null;
}

/** A text value without NUL characters: never part of DICOM text (PS3.5 §6.1), refused by PostgreSQL. */
export function withoutNul(value: string): string {
  return value.includes('\0') ? value.replace(/\0/g, '') : value;
}

/** A US value, or null when absent; dicom-parser handles the byte order. */
export function readUint16(dataSet: DataSet, tag: string): number | null {
  const element = dataSet.elements[tag];
  if (!element || element.length < 2) return null;
  return dataSet.uint16(tag) ?? null;
}

/** Leading and trailing spaces and the NUL padding of UIDs are not part of a value. */
export function trimValue(value: string): string {
  return value.replace(/^[ \0]+|[ \0]+$/g, '');
}
