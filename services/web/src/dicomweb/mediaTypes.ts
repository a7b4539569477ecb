import { explicitVrLittleEndian } from '@telerad/dicom';

/** The media type of a compressed frame in each encapsulated transfer syntax (PS3.18 Table 8.7.3-5). */
const FRAME_MEDIA_TYPES: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'image/jpeg',
  '1.2.840.10008.1.2.4.51': 'image/jpeg',
  '1.2.840.10008.1.2.4.57': 'image/jpeg',
  '1.2.840.10008.1.2.4.70': 'image/jpeg',
  '1.2.840.10008.1.2.4.80': 'image/jls',
  '1.2.840.10008.1.2.4.81': 'image/jls',
  '1.2.840.10008.1.2.4.90': 'image/jp2',
  '1.2.840.10008.1.2.4.91': 'image/jp2',
  '1.2.840.10008.1.2.4.92': 'image/jpx',
  '1.2.840.10008.1.2.4.93': 'image/jpx',
  '1.2.840.10008.1.2.4.201': 'image/jphc',
  '1.2.840.10008.1.2.4.202': 'image/jphc',
  '1.2.840.10008.1.2.4.203': 'image/jphc',
  '1.2.840.10008.1.2.5': 'image/dicom-rle',
};

/** Older names clients still send. */
const ALIASES: Record<string, string> = { 'image/x-dicom-rle': 'image/dicom-rle', 'image/x-jls': 'image/jls' };

export const canonicalMediaType = (type: string) => ALIASES[type] ?? type;

/** The media type a compressed frame of this transfer syntax is served as; null for native syntaxes. */
export function frameMediaType(transferSyntaxUid: string): string | null {
  return FRAME_MEDIA_TYPES[transferSyntaxUid] ?? null;
}

export const uncompressedFrameType = `application/octet-stream; transfer-syntax=${explicitVrLittleEndian}`;
