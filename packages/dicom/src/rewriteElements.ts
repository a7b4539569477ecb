import type { DataSet } from 'dicom-parser';
import dicomParser from 'dicom-parser';
import { explicitVrLittleEndian } from './transferSyntax.js';

export interface RewritableElement {
  /** dicom-parser form, e.g. `x00100010`. */
  tag: string;
  vr: string;
  value: Uint8Array;
}

/** Return new value bytes to replace the value, null to remove the element, undefined to keep it. */
export type ElementEdit = (element: RewritableElement) => Uint8Array | null | undefined;

const longLengthVrs = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const nulPaddedVrs = new Set(['UI', 'OB', 'OW', 'UN']);

/**
 * Rewrites top-level element values of an explicit VR little endian Part 10 file, fixing value
 * lengths and the file meta group length. createDxInstance uses it to store text as GB18030
 * (dcmjs always writes UTF-8); tests use it to make broken files without a second writer.
 */
export function rewriteElements(file: Uint8Array, edit: ElementEdit): Buffer {
  const dataSet = dicomParser.parseDicom(file);
  if (dataSet.string('x00020010') !== explicitVrLittleEndian) {
    throw new Error('rewriteElements handles explicit VR little endian files only');
  }
  const elements = Object.values(dataSet.elements).sort((a, b) => a.dataOffset - b.dataOffset);
  const headerStart = (index: number): number => {
    const element = elements[index];
    if (!element) return file.length;
    return element.dataOffset - (longLengthVrs.has(element.vr ?? '') ? 12 : 8);
  };

  const chunks: Uint8Array[] = [file.subarray(0, headerStart(0))];
  let metaChanged = false;
  elements.forEach((element, index) => {
    const start = headerStart(index);
    const end = headerStart(index + 1);
    const vr = element.vr ?? 'UN';
    const replacement = edit({ tag: element.tag, vr, value: valueBytes(dataSet, element.dataOffset, element.length) });
    if (replacement === undefined) {
      chunks.push(file.subarray(start, end));
      return;
    }
    if (element.tag.startsWith('x0002')) metaChanged = true;
    if (replacement !== null) chunks.push(encodeElement(element.tag, vr, replacement));
  });
  const out = Buffer.concat(chunks);
  return metaChanged ? fixMetaGroupLength(out) : out;
}

function valueBytes(dataSet: DataSet, offset: number, length: number): Uint8Array {
  return dataSet.byteArray.subarray(offset, offset + length);
}

function encodeElement(tag: string, vr: string, value: Uint8Array): Buffer {
  const padded =
    value.length % 2 === 0 ? value : Buffer.concat([value, Buffer.from([nulPaddedVrs.has(vr) ? 0 : 0x20])]);
  const long = longLengthVrs.has(vr);
  if (!long && padded.length > 0xffff) throw new Error(`a ${vr} value cannot be ${padded.length} bytes long`);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(Number.parseInt(tag.slice(1, 5), 16), 0);
  header.writeUInt16LE(Number.parseInt(tag.slice(5, 9), 16), 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(padded.length, 8);
  else header.writeUInt16LE(padded.length, 6);
  return Buffer.concat([header, padded]);
}

/** (0002,0000) holds the byte count of the rest of the meta group, right after the preamble. */
function fixMetaGroupLength(file: Buffer): Buffer {
  const groupLengthValue = 132 + 8;
  let position = groupLengthValue + 4;
  while (position + 8 <= file.length && file.readUInt16LE(position) === 0x0002) {
    const vr = file.toString('latin1', position + 4, position + 6);
    position += longLengthVrs.has(vr) ? 12 + file.readUInt32LE(position + 8) : 8 + file.readUInt16LE(position + 6);
  }
  file.writeUInt32LE(position - (groupLengthValue + 4), groupLengthValue);
  return file;
}
