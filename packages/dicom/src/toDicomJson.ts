import type { DataSet, Element } from 'dicom-parser';
import { parseCharsetTerms } from './characterSets.js';
import { chooseCharacterSet } from './chooseCharacterSet.js';
import { decodeDicomText } from './decodeDicomText.js';
import { dicomTag } from './dicomTag.js';
import { vrOfTag } from './lookupAttribute.js';
import type { ReadDataSet } from './readDataSet.js';

/** One attribute in the DICOM JSON model (PS3.18 §F.2). */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}
export type DicomJsonObject = Record<string, DicomJsonAttribute>;

export interface ToDicomJsonOptions {
  /**
   * The URI of a large value, given its path: tags (8 hex digits) and item indexes (from 0)
   * alternating, e.g. ['7FE00010'] or ['00540016', '0', '00181072'].
   */
  bulkDataUri(path: string[]): string;
  /** Binary values longer than this many bytes become BulkDataURIs; shorter ones InlineBinary. Default 1024. */
  inlineLimit?: number;
  /** The clinic's character set for text that declares none or the wrong one (as at intake). */
  defaultCharset?: string;
}

const SINGLE_TEXT_VRS = new Set(['LT', 'ST', 'UT', 'UR']);
const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const TEXT_VRS = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);
const undefinedLength = 0xffffffff;

/**
 * The dataset (without the File Meta group) in the DICOM JSON model, as WADO-RS metadata answers it:
 * text decoded with the file's character set (guessed as at intake when it is missing or wrong),
 * numbers as numbers, person names in groups, sequences as nested objects, Pixel Data and other
 * large binary values as BulkDataURIs. Reads only what `readDataSet` parsed: the header.
 */
export function toDicomJson(read: ReadDataSet, options: ToDicomJsonOptions): DicomJsonObject {
  const { dataSet } = read;
  const declared = parseCharsetTerms(asciiOf(dataSet, dataSet.elements[dicomTag.SpecificCharacterSet.tag]));
  const textValues: Uint8Array[] = [];
  collectText(dataSet, textValues);
  const { terms } = chooseCharacterSet(declared, textValues, options.defaultCharset);
  const context: Context = {
    options,
    terms,
    littleEndian: read.transferSyntaxUid !== '1.2.840.10008.1.2.2',
    inlineLimit: options.inlineLimit ?? 1024,
  };
  return convert(dataSet, [], context);
}

interface Context {
  options: ToDicomJsonOptions;
  terms: string[];
  littleEndian: boolean;
  inlineLimit: number;
}

function convert(dataSet: DataSet, path: string[], context: Context): DicomJsonObject {
  const json: DicomJsonObject = {};
  const pixelRepresentation = dataSet.uint16('x00280103') ?? 0;
  for (const key of Object.keys(dataSet.elements).sort()) {
    const element = dataSet.elements[key] as Element;
    const tag = key.slice(1).toUpperCase();
    // File Meta is not part of the dataset; group lengths are encoding details (PS3.18 §F.2).
    if (tag.startsWith('0002') || tag.startsWith('FFFE') || tag.endsWith('0000')) continue;
    let vr = element.vr ?? vrOfTag(tag);
    if (element.vr === undefined && vr === 'US' && pixelRepresentation === 1 && isPixelValueTag(tag)) vr = 'SS';
    if (element.items !== undefined) vr = 'SQ';
    json[tag] = attribute(dataSet, element, tag, vr, [...path, tag], context);
  }
  return json;
}

/** Tags whose US-or-SS VR follows Pixel Representation (PS3.6 "US or SS"). */
function isPixelValueTag(tag: string): boolean {
  return /^00280(10[6-9A]|12[01])$|^00283002$|^00281(10[1-3]|20[1-3])$/.test(tag);
}

function attribute(
  dataSet: DataSet,
  element: Element,
  tag: string,
  vr: string,
  path: string[],
  context: Context,
): DicomJsonAttribute {
  if (vr === 'SQ') {
    const items = element.items ?? [];
    return items.length === 0
      ? { vr }
      : {
          vr,
          Value: items.map((item, index) =>
            item.dataSet === undefined ? {} : convert(item.dataSet, [...path, String(index)], context),
          ),
        };
  }
  if (tag === '7FE00010' || tag === '7FE00008' || tag === '7FE00009' || BINARY_VRS.has(vr)) {
    if (element.length === 0) return { vr };
    if (tag.startsWith('7FE0') || element.length === undefinedLength || element.length > context.inlineLimit) {
      return { vr, BulkDataURI: context.options.bulkDataUri(path) };
    }
    return { vr, InlineBinary: Buffer.from(bytesOf(dataSet, element)).toString('base64') };
  }
  if (element.length === 0) return { vr };
  const values =
    numericValues(dataSet, element, vr, context.littleEndian) ?? stringValues(dataSet, element, vr, context);
  return values.length === 0 ? { vr } : { vr, Value: values };
}

const NUMERIC_SIZES: Record<string, number> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, SV: 8, UV: 8, AT: 4 };

function numericValues(dataSet: DataSet, element: Element, vr: string, littleEndian: boolean): unknown[] | null {
  const size = NUMERIC_SIZES[vr];
  if (size === undefined) return null;
  const bytes = bytesOf(dataSet, element);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: unknown[] = [];
  for (let offset = 0; offset + size <= bytes.length; offset += size) {
    switch (vr) {
      case 'US':
        values.push(view.getUint16(offset, littleEndian));
        break;
      case 'SS':
        values.push(view.getInt16(offset, littleEndian));
        break;
      case 'UL':
        values.push(view.getUint32(offset, littleEndian));
        break;
      case 'SL':
        values.push(view.getInt32(offset, littleEndian));
        break;
      case 'FL':
        values.push(finite(view.getFloat32(offset, littleEndian)));
        break;
      case 'FD':
        values.push(finite(view.getFloat64(offset, littleEndian)));
        break;
      case 'SV':
        values.push(Number(view.getBigInt64(offset, littleEndian)));
        break;
      case 'UV':
        values.push(Number(view.getBigUint64(offset, littleEndian)));
        break;
      case 'AT': {
        const group = view.getUint16(offset, littleEndian);
        const elementNumber = view.getUint16(offset + 2, littleEndian);
        values.push(hex4(group) + hex4(elementNumber));
        break;
      }
    }
  }
  return values;
}

/** JSON has no NaN or Infinity; such a float is written as null. */
const finite = (n: number) => (Number.isFinite(n) ? n : null);
const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

function stringValues(dataSet: DataSet, element: Element, vr: string, context: Context): unknown[] {
  const bytes = bytesOf(dataSet, element);
  const text = TEXT_VRS.has(vr) ? decodeDicomText(bytes, context.terms) : Buffer.from(bytes).toString('latin1');
  if (SINGLE_TEXT_VRS.has(vr)) {
    const value = text.replace(/[\0 ]+$/, '');
    return value === '' ? [] : [value];
  }
  const parts = text.split('\\').map((part) => part.replace(/\0/g, '').trim());
  if (parts.every((part) => part === '')) return [];
  switch (vr) {
    case 'PN':
      return parts.map((part) => (part === '' ? null : personName(part)));
    case 'DS':
    case 'IS':
      return parts.map((part) => {
        if (part === '') return null;
        const n = Number(part);
        return Number.isFinite(n) ? n : part;
      });
    default:
      return parts.map((part) => (part === '' ? null : part));
  }
}

function personName(value: string): Record<string, string> {
  const [alphabetic = '', ideographic = '', phonetic = ''] = value.split('=');
  const pn: Record<string, string> = {};
  if (alphabetic) pn.Alphabetic = alphabetic;
  if (ideographic) pn.Ideographic = ideographic;
  if (phonetic) pn.Phonetic = phonetic;
  return pn;
}

function bytesOf(dataSet: DataSet, element: Element): Uint8Array {
  const array = dataSet.byteArray as Uint8Array;
  return array.subarray(element.dataOffset, element.dataOffset + element.length);
}

function asciiOf(dataSet: DataSet, element: Element | undefined): string {
  return element === undefined ? '' : Buffer.from(bytesOf(dataSet, element)).toString('latin1');
}

/** Raw bytes of every text value, nested ones too, for the character-set choice. */
function collectText(dataSet: DataSet, into: Uint8Array[]): void {
  for (const [key, element] of Object.entries(dataSet.elements)) {
    if (element.items !== undefined) {
      for (const item of element.items) if (item.dataSet !== undefined) collectText(item.dataSet, into);
      continue;
    }
    const vr = element.vr ?? vrOfTag(key.slice(1));
    if (TEXT_VRS.has(vr) && element.length !== undefinedLength) into.push(bytesOf(dataSet, element));
  }
}
