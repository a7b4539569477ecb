import { endianness } from 'node:os';
import { data as dcmjsData } from 'dcmjs';
import iconv from 'iconv-lite';
import { chestPhantomPixels } from './chestPhantomPixels.js';
import { newUid } from './newUid.js';
import { rewriteElements } from './rewriteElements.js';
import { explicitVrLittleEndian } from './transferSyntax.js';

export interface DxInstanceOptions {
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  /** PN with optional groups, e.g. `Wang^XiaoDong=王^小东`. */
  patientName?: string;
  patientId?: string;
  patientSex?: 'M' | 'F' | 'O' | '';
  /** YYYYMMDD. */
  patientBirthDate?: string;
  accessionNumber?: string;
  studyDescription?: string;
  /** PN with optional groups; default empty. */
  referringPhysicianName?: string;
  /** Study ID (0020,0010); default `1`. */
  studyId?: string;
  /** YYYYMMDD; defaults to today (local time). */
  studyDate?: string;
  /** HHMMSS; defaults to now (local time). */
  studyTime?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  /** DX makes a Digital X-Ray Image; CR a Computed Radiography Image, as the IODs require. */
  modality?: 'DX' | 'CR';
  rows?: number;
  columns?: number;
  /** How text is encoded; GB18030 really writes GB18030 bytes. */
  characterSet?: 'ISO_IR 192' | 'GB18030';
}

export const digitalXRayForPresentationSopClass = '1.2.840.10008.5.1.4.1.1.1.1';
export const computedRadiographySopClass = '1.2.840.10008.5.1.4.1.1.1';
/** Identifies files written by telerad (PS3.7 §D.3.3.2); fixed, under the 2.25 UUID root. */
export const implementationClassUid = '2.25.80326962027542328531954031048487055095';

/** A detector 43 cm tall whatever the matrix, so measurements in a viewer are plausible. */
const detectorHeightMm = 430;
const textVrs = new Set(['SH', 'LO', 'ST', 'LT', 'PN', 'UC', 'UT']);

/**
 * Writes a synthetic radiograph as a DICOM Part 10 file (explicit VR little endian, MONOCHROME2,
 * 16 bits allocated, 12 stored) with a chest-like picture. UIDs not given are new, so tests,
 * fixtures and benchmarks can make as many distinct instances as they need.
 */
export function createDxInstance(options: DxInstanceOptions = {}): Buffer {
  const rows = options.rows ?? 256;
  const columns = options.columns ?? 256;
  const characterSet = options.characterSet ?? 'ISO_IR 192';
  const sopClassUid = options.modality === 'CR' ? computedRadiographySopClass : digitalXRayForPresentationSopClass;
  const sopInstanceUid = options.sopInstanceUid ?? newUid();
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: explicitVrLittleEndian,
    ImplementationClassUID: implementationClassUid,
    ImplementationVersionName: 'TELERAD_0_1',
  };
  const dataset = dxDataset(options, { rows, columns, characterSet, sopClassUid, sopInstanceUid });

  const { DicomDict, DicomMetaDictionary } = dcmjsData;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  const header = Buffer.from(dict.write());
  const text = characterSet === 'GB18030' ? reencodeText(header, 'gb18030') : header;
  // Pixel Data has the highest tag, so it goes last; writing it ourselves is one copy, where
  // dcmjs writes a 15 MB OW value word by word.
  return appendPixelData(text, chestPhantomPixels(rows, columns));
}

/** The naturalized dataset (dcmjs keywords) of a DX/CR image, without Pixel Data. */
function dxDataset(
  options: DxInstanceOptions,
  fixed: { rows: number; columns: number; characterSet: string; sopClassUid: string; sopInstanceUid: string },
): Record<string, unknown> {
  const { rows, columns, characterSet, sopClassUid, sopInstanceUid } = fixed;
  const modality = options.modality ?? 'DX';
  const now = new Date();
  const spacing = (detectorHeightMm / rows).toFixed(4);
  return {
    SpecificCharacterSet: characterSet,
    ImageType: ['ORIGINAL', 'PRIMARY'],
    SOPClassUID: sopClassUid,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: options.studyDate ?? dicomDate(now),
    SeriesDate: options.studyDate ?? dicomDate(now),
    StudyTime: options.studyTime ?? dicomTime(now),
    SeriesTime: options.studyTime ?? dicomTime(now),
    AccessionNumber: options.accessionNumber ?? '',
    Modality: modality,
    PresentationIntentType: 'FOR PRESENTATION',
    Manufacturer: 'telerad synthetic',
    ReferringPhysicianName:
      options.referringPhysicianName === undefined ? '' : [personName(options.referringPhysicianName)],
    StudyDescription: options.studyDescription ?? 'CHEST PA',
    SeriesDescription: 'PA',
    PatientName: [personName(options.patientName ?? 'Zhang^Wei=张^伟')],
    PatientID: options.patientId ?? 'SYN0001',
    PatientBirthDate: options.patientBirthDate ?? '',
    PatientSex: options.patientSex ?? '',
    BodyPartExamined: 'CHEST',
    ViewPosition: 'PA',
    ImagerPixelSpacing: [spacing, spacing],
    StudyInstanceUID: options.studyInstanceUid ?? newUid(),
    SeriesInstanceUID: options.seriesInstanceUid ?? newUid(),
    StudyID: options.studyId ?? '1',
    SeriesNumber: String(options.seriesNumber ?? 1),
    InstanceNumber: String(options.instanceNumber ?? 1),
    PatientOrientation: ['L', 'F'], // PA chest as displayed: rows run to the patient's left, columns to the feet
    ImageLaterality: 'U',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: columns,
    PixelSpacing: [spacing, spacing],
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    BurnedInAnnotation: 'NO',
    PixelIntensityRelationship: 'LOG',
    PixelIntensityRelationshipSign: 1,
    WindowCenter: '1600',
    WindowWidth: '3200',
    RescaleIntercept: '0',
    RescaleSlope: '1',
    RescaleType: 'US',
    LossyImageCompression: '00',
  };
}

function appendPixelData(dataset: Buffer, pixels: Uint16Array): Buffer {
  const file = Buffer.allocUnsafe(dataset.length + 12 + pixels.byteLength);
  dataset.copy(file, 0);
  let position = dataset.length;
  position = file.writeUInt16LE(0x7fe0, position);
  position = file.writeUInt16LE(0x0010, position);
  position += file.write('OW', position, 'latin1');
  position = file.writeUInt16LE(0, position); // reserved bytes of a 4-byte-length VR
  position = file.writeUInt32LE(pixels.byteLength, position);
  const value = file.subarray(position);
  value.set(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
  if (endianness() === 'BE') value.swap16(); // the file is little endian whatever the host
  return file;
}

/** dcmjs writes every text value as UTF-8; rewrite the non-ASCII ones in the declared encoding. */
function reencodeText(file: Buffer, codec: string): Buffer {
  return rewriteElements(file, ({ vr, value }) => {
    if (!textVrs.has(vr) || value.every((byte) => byte < 0x80)) return undefined;
    const text = Buffer.from(value).toString('utf8').replace(/ +$/, '');
    return iconv.encode(text, codec);
  });
}

function personName(value: string): Record<string, string> {
  const [alphabetic = '', ideographic, phonetic] = value.split('=');
  return {
    Alphabetic: alphabetic,
    ...(ideographic === undefined ? {} : { Ideographic: ideographic }),
    ...(phonetic === undefined ? {} : { Phonetic: phonetic }),
  };
}

function dicomDate(date: Date): string {
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}

function dicomTime(date: Date): string {
  return `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
