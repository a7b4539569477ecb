import { crc32 } from 'node:zlib';
import type { Lut } from './readImage.js';
import type { VoiSpec } from './voiSpec.js';
import type { WindowableFrame } from './windowable.js';

/**
 * A kept frame as stored next to an instance's previews (the render job makes it, the web loads it
 * for the first windowed request instead of decoding the original):
 *
 *   "TLKF" · version (u32 LE) · header length n (u32 LE) · header (n bytes of JSON) · zero padding to a
 *   multiple of 8 · samples (keptWidth × keptHeight u16 LE)
 *
 * The JSON header holds the sizes, base, step, invert, the default VOI and the CRC-32 of the sample
 * bytes. Uncompressed: deflate would save most of the bytes but cost ~20 ms on every first open of
 * a 7 MB frame, about what the whole re-window costs (docs/benchmarks.md).
 */
const MAGIC = 'TLKF';
export const WINDOWABLE_FILE_VERSION = 1;

/** The kept frame's fields but its samples, with the default window as stored, and the samples' CRC. */
type Header = Omit<WindowableFrame, 'samples' | 'defaultVoi'> & { defaultVoi: StoredVoi; crc32: number };

type StoredVoi =
  | Exclude<VoiSpec, { kind: 'lut' }>
  | { kind: 'lut'; lut: { firstMapped: number; bits: number; data: number[] } };

export function windowableToBytes(frame: WindowableFrame): Buffer {
  const samples = Buffer.from(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('kept frames are written little-endian');
  const header: Header = {
    keptWidth: frame.keptWidth,
    keptHeight: frame.keptHeight,
    width: frame.width,
    height: frame.height,
    base: frame.base,
    step: frame.step,
    invert: frame.invert,
    defaultVoi:
      frame.defaultVoi.kind === 'lut'
        ? { kind: 'lut', lut: { ...frame.defaultVoi.lut, data: Array.from(frame.defaultVoi.lut.data) } }
        : frame.defaultVoi,
    crc32: crc32(samples),
  };
  const json = Buffer.from(JSON.stringify(header));
  const start = Math.ceil((12 + json.length) / 8) * 8;
  const out = Buffer.alloc(start + samples.length);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(WINDOWABLE_FILE_VERSION, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  samples.copy(out, start);
  return out;
}

/**
 * Reads a stored kept frame into shared memory (so any imaging worker re-windows it without a copy).
 * Throws on anything but a complete, intact version-1 frame: the caller decodes the original instead.
 */
export function windowableFromBytes(bytes: Uint8Array): WindowableFrame {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < 12 || view.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a kept frame');
  const version = view.readUInt32LE(4);
  if (version !== WINDOWABLE_FILE_VERSION)
    throw new Error(`kept frame version ${version} is not ${WINDOWABLE_FILE_VERSION}`);
  const length = view.readUInt32LE(8);
  if (12 + length > view.length) throw new Error('kept frame header is cut short');
  const header = checkHeader(JSON.parse(view.toString('utf8', 12, 12 + length)) as unknown);
  const start = Math.ceil((12 + length) / 8) * 8;
  const byteLength = header.keptWidth * header.keptHeight * 2;
  if (view.length !== start + byteLength)
    throw new Error(`kept frame has ${view.length - start} sample bytes, not ${byteLength}`);
  const raw = view.subarray(start);
  if (crc32(raw) !== header.crc32) throw new Error('kept frame samples do not match their checksum');
  const samples = new Uint16Array(new SharedArrayBuffer(byteLength));
  new Uint8Array(samples.buffer).set(raw);
  const voi = header.defaultVoi;
  const defaultVoi: VoiSpec =
    voi.kind === 'lut' ? { kind: 'lut', lut: { ...voi.lut, data: Uint16Array.from(voi.lut.data) } satisfies Lut } : voi;
  return {
    samples,
    keptWidth: header.keptWidth,
    keptHeight: header.keptHeight,
    width: header.width,
    height: header.height,
    base: header.base,
    step: header.step,
    invert: header.invert,
    defaultVoi,
  };
}

function checkHeader(value: unknown): Header {
  const h = value as Partial<Header> | null;
  const positive = (n: unknown) => Number.isInteger(n) && (n as number) > 0;
  const finite = (n: unknown) => typeof n === 'number' && Number.isFinite(n);
  if (
    h === null ||
    typeof h !== 'object' ||
    !positive(h.keptWidth) ||
    !positive(h.keptHeight) ||
    !positive(h.width) ||
    !positive(h.height) ||
    !finite(h.base) ||
    !finite(h.step) ||
    typeof h.invert !== 'boolean' ||
    !Number.isInteger(h.crc32) ||
    !validVoi(h.defaultVoi)
  ) {
    throw new Error('kept frame header is not valid');
  }
  return h as Header;
}

function validVoi(voi: unknown): voi is StoredVoi {
  const v = voi as {
    kind?: unknown;
    window?: { center?: unknown; width?: unknown };
    at?: unknown;
    lut?: { data?: unknown };
  };
  if (v === null || typeof v !== 'object') return false;
  switch (v.kind) {
    case 'window':
      return typeof v.window?.center === 'number' && typeof v.window.width === 'number';
    case 'lut':
      return Array.isArray(v.lut?.data);
    case 'step':
      return typeof v.at === 'number';
    case 'black':
      return true;
    default:
      return false;
  }
}
