import { implementationClassUid } from '@telerad/dicom';

export interface FileMeta {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The calling AE title: Source Application Entity Title (0002,0016). */
  sourceAeTitle?: string;
}

export const implementationVersionName = 'TELERAD_0_1';

/**
 * A DICOM Part 10 file (PS3.10 §7.1): the 128-byte preamble, `DICM`, the File Meta Information
 * (always explicit VR little endian) and then the dataset exactly as the sender encoded it in the
 * negotiated transfer syntax — deflated, big endian or compressed bytes are kept, never re-encoded.
 */
export function buildPart10File(meta: FileMeta, dataset: Uint8Array): Buffer {
  const elements = [
    element(0x0001, 'OB', Buffer.from([0x00, 0x01])),
    element(0x0002, 'UI', uid(meta.sopClassUid)),
    element(0x0003, 'UI', uid(meta.sopInstanceUid)),
    element(0x0010, 'UI', uid(meta.transferSyntaxUid)),
    element(0x0012, 'UI', uid(implementationClassUid)),
    element(0x0013, 'SH', text(implementationVersionName)),
    ...(meta.sourceAeTitle ? [element(0x0016, 'AE', text(meta.sourceAeTitle.trim()))] : []),
  ];
  const groupLength = elements.reduce((sum, e) => sum + e.length, 0);
  const groupLengthElement = element(0x0000, 'UL', Buffer.alloc(4));
  groupLengthElement.writeUInt32LE(groupLength, 8);
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, groupLengthElement, ...elements, dataset]);
}

/** Where the dataset starts in a Part 10 file: after the preamble, `DICM` and the meta group. */
export function datasetOffset(file: Uint8Array): number {
  const view = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (
    view.toString('latin1', 128, 132) !== 'DICM' ||
    view.readUInt16LE(132) !== 0x0002 ||
    view.readUInt16LE(134) !== 0
  ) {
    throw new Error('not a Part 10 file with a File Meta Information Group Length');
  }
  return 132 + 12 + view.readUInt32LE(140);
}

const longLengthVrs = new Set(['OB', 'OW', 'UN', 'SQ', 'UT', 'UC', 'UR']);

function element(elementNumber: number, vr: string, value: Buffer): Buffer {
  const long = longLengthVrs.has(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(0x0002, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(value.length, 8);
  else header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/** UI values are padded to even length with a NUL. */
function uid(value: string): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from([0])]);
}

/** Text values are padded to even length with a space. */
function text(value: string): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from(' ')]);
}
