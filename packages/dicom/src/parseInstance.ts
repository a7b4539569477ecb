import type { DataSet } from 'dicom-parser';
import { parseCharsetTerms } from './characterSets.js';
import { checkPixelData, type ItemHeaderSource } from './checkPixelData.js';
import { chooseCharacterSet } from './chooseCharacterSet.js';
import { DicomParseError } from './DicomParseError.js';
import { decodeDicomText } from './decodeDicomText.js';
import { type DicomTagName, dicomTag } from './dicomTag.js';
import {
  elementBytes,
  readAscii,
  readAsciiValues,
  readIntegerString,
  readUint16,
  trimValue,
  withoutNul,
} from './elementValue.js';
import { type PersonName, parsePersonName } from './personName.js';
import { PrefixTooShortError, type ReadDataSet, readDataSet } from './readDataSet.js';
import { pixelEncodingOf } from './transferSyntax.js';
import { uidProblem } from './uidProblem.js';

/** What the index needs from one instance; text is decoded, absent strings are ''. */
export interface InstanceMeta {
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
  modality: string;
  patientName: PersonName;
  patientId: string;
  patientSex: string;
  patientBirthDate: string;
  studyDate: string;
  studyTime: string;
  accessionNumber: string;
  studyDescription: string;
  /** Referring Physician's Name with its groups, like patientName. */
  referringPhysicianName: PersonName;
  /** Study ID (0020,0010), the department's own short identifier. */
  studyId: string;
  seriesDescription: string;
  performedProcedureStepStartDate: string;
  performedProcedureStepStartTime: string;
  seriesNumber: number | null;
  instanceNumber: number | null;
  bodyPartExamined: string;
  rows: number | null;
  columns: number | null;
  numberOfFrames: number;
  bitsAllocated: number | null;
  /**
   * The character set the text was decoded with, as a DICOM defined term (or the clinic's
   * configured label); equals the file's declaration unless `charsetGuessed`. '' = default repertoire.
   */
  specificCharacterSet: string;
  /** True when the file's declaration was missing or wrong and the character set was guessed. */
  charsetGuessed: boolean;
}

export interface ParseInstanceOptions {
  /** The clinic's character set for files that declare none or Latin-1 but carry other bytes. */
  defaultCharset?: string;
  /** Largest size a deflated dataset may inflate to (pass the instance size limit); default 512 MiB. */
  maxInflatedBytes?: number;
  /**
   * The whole file's size when `bytes` is only its first part. Lengths are then checked against the
   * file, and a prefix that ends before the Pixel Data header throws PrefixTooShortError (read more
   * and call again). See parseInstanceFrom, which does that.
   */
  totalLength?: number;
  /**
   * With `totalLength`: reads `length` bytes at `position` of the file, for the item headers of
   * encapsulated pixel data that lie past the prefix. Without it such a file needs the whole file.
   */
  readAt?: (position: number, length: number) => Uint8Array;
}

const textFields = [
  'PatientName',
  'PatientID',
  'AccessionNumber',
  'StudyDescription',
  'SeriesDescription',
  'ReferringPhysicianName',
  'StudyID',
] as const;
type TextField = (typeof textFields)[number];

/**
 * Reads and validates an instance's metadata without reading its pixel data.
 * @throws DicomParseError with a `reason` and a message naming the problem.
 */
export function parseInstance(bytes: Uint8Array, options: ParseInstanceOptions = {}): InstanceMeta {
  const read = readDataSet(bytes, {
    ...(options.maxInflatedBytes === undefined ? {} : { maxInflatedBytes: options.maxInflatedBytes }),
    ...(options.totalLength === undefined ? {} : { totalLength: options.totalLength }),
  });
  const { dataSet, transferSyntaxUid } = read;
  if (transferSyntaxUid === '')
    throw new DicomParseError('missing-attribute', `missing ${dicomTag.TransferSyntaxUID.label}`);
  const transferSyntaxProblem = uidProblem(transferSyntaxUid);
  if (transferSyntaxProblem) throw invalidUid('TransferSyntaxUID', transferSyntaxUid, transferSyntaxProblem);
  const encoding = pixelEncodingOf(transferSyntaxUid);
  if (encoding === null) {
    throw new DicomParseError('unsupported', `transfer syntax ${transferSyntaxUid} is not supported`);
  }

  const sopClassUid = requireUid(dataSet, 'SOPClassUID');
  const sopInstanceUid = requireUid(dataSet, 'SOPInstanceUID');
  const studyInstanceUid = requireUid(dataSet, 'StudyInstanceUID');
  const seriesInstanceUid = requireUid(dataSet, 'SeriesInstanceUID');

  const rows = readUint16(dataSet, dicomTag.Rows.tag);
  const columns = readUint16(dataSet, dicomTag.Columns.tag);
  const bitsAllocated = readUint16(dataSet, dicomTag.BitsAllocated.tag);
  const frames = readIntegerString(dataSet, dicomTag.NumberOfFrames.tag);
  const numberOfFrames = frames !== null && frames >= 1 ? frames : 1;
  checkPixelData(
    dataSet,
    encoding,
    transferSyntaxUid,
    {
      rows,
      columns,
      bitsAllocated,
      numberOfFrames,
      samplesPerPixel: readUint16(dataSet, dicomTag.SamplesPerPixel.tag) ?? 1,
      photometricInterpretation: readAscii(dataSet, dicomTag.PhotometricInterpretation.tag),
    },
    options.totalLength === undefined ? undefined : itemHeadersOf(read, options.readAt),
  );

  const text = decodeTextFields(dataSet, options.defaultCharset);
  const ascii = (tag: string) => withoutNul(readAscii(dataSet, tag));
  return {
    sopClassUid,
    sopInstanceUid,
    studyInstanceUid,
    seriesInstanceUid,
    transferSyntaxUid,
    modality: ascii(dicomTag.Modality.tag),
    patientName: parsePersonName(text.values.PatientName),
    patientId: text.values.PatientID,
    patientSex: ascii(dicomTag.PatientSex.tag),
    patientBirthDate: ascii(dicomTag.PatientBirthDate.tag),
    studyDate: ascii(dicomTag.StudyDate.tag),
    studyTime: ascii(dicomTag.StudyTime.tag),
    accessionNumber: text.values.AccessionNumber,
    studyDescription: text.values.StudyDescription,
    referringPhysicianName: parsePersonName(text.values.ReferringPhysicianName),
    studyId: text.values.StudyID,
    seriesDescription: text.values.SeriesDescription,
    performedProcedureStepStartDate: ascii(dicomTag.PerformedProcedureStepStartDate.tag),
    performedProcedureStepStartTime: ascii(dicomTag.PerformedProcedureStepStartTime.tag),
    seriesNumber: readIntegerString(dataSet, dicomTag.SeriesNumber.tag),
    instanceNumber: readIntegerString(dataSet, dicomTag.InstanceNumber.tag),
    bodyPartExamined: ascii(dicomTag.BodyPartExamined.tag),
    rows,
    columns,
    numberOfFrames,
    bitsAllocated,
    specificCharacterSet: text.terms.join('\\'),
    charsetGuessed: text.guessed,
  };
}

/** Item headers inside the prefix come from it, the others from the file through `readAt`. */
function itemHeadersOf(read: ReadDataSet, readAt: ParseInstanceOptions['readAt']): ItemHeaderSource {
  const prefix = read.dataSet.byteArray;
  return {
    length: read.checkedLength,
    read8(position) {
      if (position + 8 <= prefix.length) return prefix.subarray(position, position + 8);
      if (readAt === undefined) throw new PrefixTooShortError(prefix.length);
      const header = readAt(position - read.offsetShift, 8);
      if (header.length < 8) throw new Error(`the file changed while it was read: no 8 bytes at ${position}`);
      return header;
    },
  };
}

function requireUid(dataSet: DataSet, name: DicomTagName): string {
  const { tag, label } = dicomTag[name];
  const uid = readAscii(dataSet, tag);
  if (uid === '') throw new DicomParseError('missing-attribute', `missing ${label}`);
  const problem = uidProblem(uid);
  if (problem) throw invalidUid(name, uid, problem);
  return uid;
}

function invalidUid(name: DicomTagName, uid: string, problem: string): DicomParseError {
  return new DicomParseError('invalid-uid', `invalid ${dicomTag[name].label}: '${uid}' (${problem})`);
}

function decodeTextFields(
  dataSet: DataSet,
  defaultCharset: string | undefined,
): { values: Record<TextField, string>; terms: string[]; guessed: boolean } {
  const declared = parseCharsetTerms(readAsciiValues(dataSet, dicomTag.SpecificCharacterSet.tag));
  const raw = textFields.map((field) => elementBytes(dataSet, dicomTag[field].tag));
  const { terms, guessed } = chooseCharacterSet(declared, raw, defaultCharset);
  const values = {} as Record<TextField, string>;
  textFields.forEach((field, index) => {
    // Split on `\` only after decoding: GB18030 trail bytes may be 0x5C.
    const firstValue = decodeDicomText(raw[index] ?? new Uint8Array(0), terms).split('\\')[0] ?? '';
    values[field] = withoutNul(trimValue(firstValue));
  });
  return { values, terms, guessed };
}
