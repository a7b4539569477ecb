/** Verification SOP Class (C-ECHO), PS3.4 Annex A. */
export const verificationSopClass = '1.2.840.10008.1.1';

/**
 * The image storage SOP classes the SCP takes (PS3.4 Annex B.5): what township DR/CR machines send,
 * and the other common modalities, so a clinic that also has an ultrasound or a CT can send it.
 */
export const imageStorageSopClasses: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10008.5.1.4.1.1.1', 'Computed Radiography Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.1.1', 'Digital X-Ray Image Storage - For Presentation'],
  ['1.2.840.10008.5.1.4.1.1.1.1.1', 'Digital X-Ray Image Storage - For Processing'],
  ['1.2.840.10008.5.1.4.1.1.1.2', 'Digital Mammography X-Ray Image Storage - For Presentation'],
  ['1.2.840.10008.5.1.4.1.1.1.2.1', 'Digital Mammography X-Ray Image Storage - For Processing'],
  ['1.2.840.10008.5.1.4.1.1.1.3', 'Digital Intra-Oral X-Ray Image Storage - For Presentation'],
  ['1.2.840.10008.5.1.4.1.1.1.3.1', 'Digital Intra-Oral X-Ray Image Storage - For Processing'],
  ['1.2.840.10008.5.1.4.1.1.13.1.3', 'Breast Tomosynthesis Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.13.1.4', 'Breast Projection X-Ray Image Storage - For Presentation'],
  ['1.2.840.10008.5.1.4.1.1.13.1.5', 'Breast Projection X-Ray Image Storage - For Processing'],
  ['1.2.840.10008.5.1.4.1.1.2', 'CT Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.2.1', 'Enhanced CT Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.2.2', 'Legacy Converted Enhanced CT Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.4', 'MR Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.4.1', 'Enhanced MR Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.4.3', 'Enhanced MR Color Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.4.4', 'Legacy Converted Enhanced MR Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.6.1', 'Ultrasound Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.3.1', 'Ultrasound Multi-frame Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.6.2', 'Enhanced US Volume Storage'],
  ['1.2.840.10008.5.1.4.1.1.7', 'Secondary Capture Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.7.1', 'Multi-frame Single Bit Secondary Capture Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.7.2', 'Multi-frame Grayscale Byte Secondary Capture Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.7.3', 'Multi-frame Grayscale Word Secondary Capture Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.7.4', 'Multi-frame True Color Secondary Capture Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.12.1', 'X-Ray Angiographic Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.12.1.1', 'Enhanced XA Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.12.2', 'X-Ray Radiofluoroscopic Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.12.2.1', 'Enhanced XRF Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.20', 'Nuclear Medicine Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.128', 'Positron Emission Tomography Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.128.1', 'Legacy Converted Enhanced PET Image Storage'],
  ['1.2.840.10008.5.1.4.1.1.130', 'Enhanced PET Image Storage'],
]);

/**
 * Transfer syntaxes taken for image storage. Whatever the sender proposes first among these is
 * accepted and stored as sent: the SCP never transcodes, so the stored file is the modality's own.
 */
export const storageTransferSyntaxes: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10008.1.2', 'Implicit VR Little Endian'],
  ['1.2.840.10008.1.2.1', 'Explicit VR Little Endian'],
  ['1.2.840.10008.1.2.2', 'Explicit VR Big Endian'],
  ['1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian'],
  ['1.2.840.10008.1.2.5', 'RLE Lossless'],
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)'],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)'],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)'],
  ['1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)'],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless'],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless)'],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless Only'],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000'],
]);

/** C-ECHO carries no dataset; any of the uncompressed syntaxes will do. */
const verificationTransferSyntaxes = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);

export type PresentationContextAnswer =
  | { accept: true; transferSyntaxUid: string }
  | { accept: false; reason: 'abstract-syntax-not-supported' | 'transfer-syntaxes-not-supported' };

/**
 * Answers one proposed presentation context: the first proposed transfer syntax we take (the
 * sender lists its preference first), or why none is taken.
 */
export function answerPresentationContext(
  abstractSyntaxUid: string,
  proposedTransferSyntaxUids: readonly string[],
): PresentationContextAnswer {
  const taken =
    abstractSyntaxUid === verificationSopClass
      ? verificationTransferSyntaxes
      : imageStorageSopClasses.has(abstractSyntaxUid)
        ? storageTransferSyntaxes
        : null;
  if (taken === null) return { accept: false, reason: 'abstract-syntax-not-supported' };
  const chosen = proposedTransferSyntaxUids.map(trimUid).find((uid) => taken.has(uid));
  if (chosen === undefined) return { accept: false, reason: 'transfer-syntaxes-not-supported' };
  return { accept: true, transferSyntaxUid: chosen };
}

/**
 * UIDs arrive padded to even length with NUL (or, from sloppy peers, a space). A UI value with a
 * backslash comes from dcmjs-dimse as an array of values: it is joined back, never thrown on, so the
 * request is answered (the UID is then refused as invalid or as differing from the dataset's).
 */
export function trimUid(uid: string | readonly string[] | null | undefined): string {
  const text = Array.isArray(uid) ? uid.join('\\') : typeof uid === 'string' ? uid : '';
  return text.replace(/[\0 ]+$/, '');
}
