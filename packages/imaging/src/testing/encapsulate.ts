import { rewriteElements } from '@telerad/dicom';
import dicomParser from 'dicom-parser';
import { openjph } from '../codecModules.js';

/**
 * Replaces the native Pixel Data of an explicit VR little endian file with encapsulated frames
 * (PS3.5 §A.4: an empty Basic Offset Table, one fragment per frame) under another transfer syntax.
 * For codecs no installed tool writes (HTJ2K).
 */
export function encapsulate(file: Buffer, transferSyntaxUid: string, frames: Uint8Array[]): Buffer {
  const pixelData = dicomParser.parseDicom(file).elements.x7fe00010;
  if (!pixelData) throw new Error('no pixel data');
  const header = file.subarray(0, pixelData.dataOffset - 12);
  const uid = Buffer.from(transferSyntaxUid.length % 2 ? `${transferSyntaxUid}\0` : transferSyntaxUid, 'latin1');
  const rewritten = rewriteElements(header, ({ tag }) => (tag === 'x00020010' ? new Uint8Array(uid) : undefined));
  const chunks: Buffer[] = [rewritten, element(0x7fe0, 0x0010, 'OB', 0xffffffff), item(0)];
  for (const frame of frames) {
    const padded = frame.length % 2 ? Buffer.concat([frame, Buffer.alloc(1)]) : Buffer.from(frame);
    chunks.push(item(padded.length), padded);
  }
  chunks.push(tagAndLength(0xfffe, 0xe0dd, 0));
  return Buffer.concat(chunks);
}

function element(group: number, elementNumber: number, vr: string, length: number): Buffer {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt16LE(group, 0);
  bytes.writeUInt16LE(elementNumber, 2);
  bytes.write(vr, 4, 'latin1');
  bytes.writeUInt32LE(length, 8);
  return bytes;
}

function item(length: number): Buffer {
  return tagAndLength(0xfffe, 0xe000, length);
}

function tagAndLength(group: number, elementNumber: number, length: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt16LE(group, 0);
  bytes.writeUInt16LE(elementNumber, 2);
  bytes.writeUInt32LE(length, 4);
  return bytes;
}

/** HTJ2K codestreams (lossless, reversible) of 16-bit grayscale frames, by OpenJPH's encoder. */
export async function encodeHtj2k(
  frames: Uint8Array[],
  info: { width: number; height: number; bitsPerSample: number; isSigned: boolean },
  decompositions = 5,
): Promise<Uint8Array[]> {
  const codec = await openjph();
  return frames.map((frame) => {
    const encoder = new codec.HTJ2KEncoder();
    try {
      encoder.getDecodedBuffer({ ...info, componentCount: 1, isUsingColorTransform: false }).set(frame);
      encoder.setDecompositions(decompositions);
      encoder.encode();
      return new Uint8Array(encoder.getEncodedBuffer());
    } finally {
      encoder.delete();
    }
  });
}
