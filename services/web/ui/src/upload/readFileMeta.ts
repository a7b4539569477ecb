/** What the DICOM Part 10 file meta group (0002,xxxx) says about a file, read in the browser. */
export interface FileMeta {
  sopClassUid: string | null;
  sopInstanceUid: string | null;
}

/** Media Storage Directory Storage: a DICOMDIR index, not an image to send. */
export const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const HEADER_BYTES = 64 * 1024;

/**
 * Reads the SOP Class and Instance UIDs from the file meta group, which is always explicit VR little
 * endian whatever the data set's transfer syntax. Returns null for a file without the "DICM" preamble.
 */
export async function readFileMeta(file: Blob): Promise<FileMeta | null> {
  const buffer = await file.slice(0, HEADER_BYTES).arrayBuffer();
  return parseFileMeta(new DataView(buffer));
}

export function parseFileMeta(view: DataView): FileMeta | null {
  if (view.byteLength < 132 || ascii(view, 128, 4) !== 'DICM') return null;
  const meta: FileMeta = { sopClassUid: null, sopInstanceUid: null };
  let offset = 132;
  while (offset + 8 <= view.byteLength) {
    const group = view.getUint16(offset, true);
    if (group !== 0x0002) break;
    const element = view.getUint16(offset + 2, true);
    const vr = ascii(view, offset + 4, 2);
    let length: number;
    let valueOffset: number;
    if (LONG_VRS.has(vr)) {
      if (offset + 12 > view.byteLength) break;
      length = view.getUint32(offset + 8, true);
      valueOffset = offset + 12;
    } else {
      length = view.getUint16(offset + 6, true);
      valueOffset = offset + 8;
    }
    if (length === 0xffffffff || valueOffset + length > view.byteLength) break;
    if (element === 0x0002) meta.sopClassUid = uid(view, valueOffset, length);
    if (element === 0x0003) meta.sopInstanceUid = uid(view, valueOffset, length);
    offset = valueOffset + length;
  }
  return meta;
}

function ascii(view: DataView, offset: number, length: number): string {
  let text = '';
  for (let i = 0; i < length && offset + i < view.byteLength; i++)
    text += String.fromCharCode(view.getUint8(offset + i));
  return text;
}

function uid(view: DataView, offset: number, length: number): string | null {
  // UIDs are padded to an even length with a NUL; some writers pad with a space instead.
  const value = ascii(view, offset, length).replace(/[\0\s]+$/, '');
  return value === '' ? null : value;
}
