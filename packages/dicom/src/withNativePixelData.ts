import { data as dcmjsData } from 'dcmjs';
import { explicitVrLittleEndian } from './transferSyntax.js';

/** Decoded frames of one instance and how their pixels are laid out after decoding. */
export interface NativePixels {
  /** Each frame's pixels in native little-endian layout, in frame order. */
  frames: readonly Uint8Array[];
  bitsAllocated: number;
  photometricInterpretation: string;
  planarConfiguration: number;
  samplesPerPixel: number;
}

/**
 * The instance again in Explicit VR Little Endian with its encapsulated (compressed) Pixel Data
 * replaced by the given decoded frames, written with dcmjs. Photometric Interpretation and Planar
 * Configuration follow the decoded pixels (a YBR JPEG decodes to RGB); everything else is kept,
 * Lossy Image Compression included, since decoding does not undo a lossy compression.
 */
export function withNativePixelData(bytes: Uint8Array, pixels: NativePixels): Uint8Array {
  const copy = bytes.slice();
  const dict = dcmjsData.DicomMessage.readFile(copy.buffer);
  const joined = Buffer.concat(pixels.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
  // An OB/OW value has even length (PS3.5 §7.1.1): pad an odd one (8-bit, odd size) with one zero.
  const value = joined.length % 2 === 0 ? joined : Buffer.concat([joined, Buffer.alloc(1)]);
  dict.dict['7FE00010'] = {
    vr: pixels.bitsAllocated > 8 ? 'OW' : 'OB',
    Value: [value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)],
  };
  dict.dict['00280004'] = { vr: 'CS', Value: [pixels.photometricInterpretation] };
  if (pixels.samplesPerPixel > 1) dict.dict['00280006'] = { vr: 'US', Value: [pixels.planarConfiguration] };
  dict.meta['00020010'] = { vr: 'UI', Value: [explicitVrLittleEndian] };
  return new Uint8Array(dict.write());
}
