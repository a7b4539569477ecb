/** The transfer syntaxes telerad decodes, by how their pixel data is decoded. */
export type PixelCodec =
  | 'native'
  | 'native-big-endian'
  | 'rle'
  | 'jpeg-baseline'
  | 'jpeg-lossless'
  | 'jpeg-ls'
  | 'jpeg-2000'
  | 'htj2k';

const codecBySyntax = new Map<string, PixelCodec>([
  ['1.2.840.10008.1.2', 'native'], // Implicit VR Little Endian
  ['1.2.840.10008.1.2.1', 'native'], // Explicit VR Little Endian
  ['1.2.840.10008.1.2.1.99', 'native'], // Deflated Explicit VR Little Endian
  ['1.2.840.10008.1.2.2', 'native-big-endian'], // Explicit VR Big Endian (retired)
  ['1.2.840.10008.1.2.5', 'rle'], // RLE Lossless
  ['1.2.840.10008.1.2.4.50', 'jpeg-baseline'], // JPEG Baseline (Process 1)
  ['1.2.840.10008.1.2.4.51', 'jpeg-baseline'], // JPEG Extended (Process 2 & 4)
  ['1.2.840.10008.1.2.4.57', 'jpeg-lossless'], // JPEG Lossless (Process 14)
  ['1.2.840.10008.1.2.4.70', 'jpeg-lossless'], // JPEG Lossless SV1
  ['1.2.840.10008.1.2.4.80', 'jpeg-ls'], // JPEG-LS Lossless
  ['1.2.840.10008.1.2.4.81', 'jpeg-ls'], // JPEG-LS Near-Lossless
  ['1.2.840.10008.1.2.4.90', 'jpeg-2000'], // JPEG 2000 Lossless
  ['1.2.840.10008.1.2.4.91', 'jpeg-2000'], // JPEG 2000
  ['1.2.840.10008.1.2.4.201', 'htj2k'], // HTJ2K Lossless
  ['1.2.840.10008.1.2.4.202', 'htj2k'], // HTJ2K Lossless RPCL
  ['1.2.840.10008.1.2.4.203', 'htj2k'], // HTJ2K
]);

/** Names for the transfer syntaxes telerad does not decode, so an error can say which one it was. */
const knownUnsupported = new Map<string, string>([
  ['1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Multi-component Lossless'],
  ['1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2 Multi-component'],
  ['1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile'],
  ['1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264'],
  ['1.2.840.10008.1.2.4.110', 'JPEG XL Lossless'],
  ['1.2.840.10008.1.2.4.112', 'JPEG XL'],
  ['1.2.840.10008.1.2.1.98', 'Encapsulated Uncompressed Explicit VR Little Endian'],
]);

export function codecOf(transferSyntaxUid: string): PixelCodec | undefined {
  return codecBySyntax.get(transferSyntaxUid);
}

export function describeTransferSyntax(transferSyntaxUid: string): string {
  const name = knownUnsupported.get(transferSyntaxUid);
  return name === undefined ? transferSyntaxUid : `${name} (${transferSyntaxUid})`;
}

export const supportedTransferSyntaxes: readonly string[] = [...codecBySyntax.keys()];
