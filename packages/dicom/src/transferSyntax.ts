/** Native (uncompressed) transfer syntaxes: the pixel data length is fixed by the image geometry. */
const nativeTransferSyntaxes = new Set([
  '1.2.840.10008.1.2', // Implicit VR Little Endian
  '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  '1.2.840.10008.1.2.1.99', // Deflated Explicit VR Little Endian
  '1.2.840.10008.1.2.2', // Explicit VR Big Endian (retired, still sent by old modalities)
]);

/** Encapsulated transfer syntaxes (PS3.5 §A.4): the pixel data is a sequence of fragments. */
const encapsulatedTransferSyntaxes = new Set([
  '1.2.840.10008.1.2.4.50', // JPEG Baseline
  '1.2.840.10008.1.2.4.51', // JPEG Extended
  '1.2.840.10008.1.2.4.57', // JPEG Lossless
  '1.2.840.10008.1.2.4.70', // JPEG Lossless SV1
  '1.2.840.10008.1.2.4.80', // JPEG-LS Lossless
  '1.2.840.10008.1.2.4.81', // JPEG-LS Near-Lossless
  '1.2.840.10008.1.2.4.90', // JPEG 2000 Lossless
  '1.2.840.10008.1.2.4.91', // JPEG 2000
  '1.2.840.10008.1.2.4.92', // JPEG 2000 Part 2 Multi-component Lossless
  '1.2.840.10008.1.2.4.93', // JPEG 2000 Part 2 Multi-component
  '1.2.840.10008.1.2.4.201', // HTJ2K Lossless
  '1.2.840.10008.1.2.4.202', // HTJ2K Lossless RPCL
  '1.2.840.10008.1.2.4.203', // HTJ2K
  '1.2.840.10008.1.2.5', // RLE Lossless
]);

export type PixelEncoding = 'native' | 'encapsulated';

/** How a transfer syntax stores pixel data, or null for one this package cannot handle. */
export function pixelEncodingOf(transferSyntaxUid: string): PixelEncoding | null {
  if (nativeTransferSyntaxes.has(transferSyntaxUid)) return 'native';
  if (encapsulatedTransferSyntaxes.has(transferSyntaxUid)) return 'encapsulated';
  return null;
}

export const implicitVrLittleEndian = '1.2.840.10008.1.2';
export const explicitVrLittleEndian = '1.2.840.10008.1.2.1';
export const deflatedExplicitVrLittleEndian = '1.2.840.10008.1.2.1.99';
