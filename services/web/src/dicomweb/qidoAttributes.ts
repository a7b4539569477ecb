import {
  type DicomJsonAttribute,
  multiStringAttribute,
  numberAttribute,
  personNameAttribute,
  personNameValueAttribute,
  stringAttribute,
} from './dicomJson.js';

export type QidoLevel = 'study' | 'series' | 'instance';

/** One row of a QIDO-RS search: study columns always, series and instance ones at those levels. */
export interface QidoRow {
  study_instance_uid: string;
  patient_name_alphabetic: string;
  patient_name_ideographic: string;
  patient_name_phonetic: string;
  patient_id: string;
  patient_sex: string;
  patient_birth_date: string;
  accession_number: string;
  study_date: string;
  study_time: string;
  study_description: string;
  modalities: string;
  instance_count: number;
  referring_physician_name: string;
  dicom_study_id: string;
  series_count: number;
  series_instance_uid?: string;
  modality?: string;
  series_number?: number | null;
  series_description?: string;
  body_part?: string;
  pps_start_date?: string;
  pps_start_time?: string;
  series_instance_count?: number;
  sop_class_uid?: string;
  sop_instance_uid?: string;
  instance_number?: number | null;
  rows?: number | null;
  columns?: number | null;
  bits_allocated?: number | null;
  number_of_frames?: number;
  transfer_syntax_uid?: string;
}

/**
 * How a key matches (PS3.4 §C.2.2.2): `uid` a list of UIDs, `date`/`time` a single value or a range,
 * `text` a single value or a wildcard (case-sensitive), `patientName` telerad's name search (any
 * group, pinyin or initials), `personName` any group case-insensitively, `integer` one number,
 * `modalities` studies holding any of the listed modalities.
 */
export type MatchKind = 'uid' | 'date' | 'time' | 'text' | 'patientName' | 'personName' | 'integer' | 'modalities';

export interface QidoAttribute {
  tag: string;
  keyword: string;
  level: QidoLevel;
  /** Returned without `includefield` (PS3.18 Table 10.6.3-3 and what viewers list). */
  byDefault: boolean;
  /** The SQL column a key on this attribute matches; absent = returned only. */
  match?: { column: string; kind: MatchKind };
  value(row: QidoRow, urls: RetrieveUrls): DicomJsonAttribute;
}

export interface RetrieveUrls {
  study(row: QidoRow): string;
  series(row: QidoRow): string;
  instance(row: QidoRow): string;
}

const attr = (
  tag: string,
  keyword: string,
  level: QidoLevel,
  byDefault: boolean,
  match: QidoAttribute['match'],
  value: QidoAttribute['value'],
): QidoAttribute =>
  match === undefined ? { tag, keyword, level, byDefault, value } : { tag, keyword, level, byDefault, match, value };

/** Every attribute telerad's index can match on or return, at the level it belongs to. */
export const QIDO_ATTRIBUTES: readonly QidoAttribute[] = [
  // Study
  attr('00080020', 'StudyDate', 'study', true, { column: 's.study_date', kind: 'date' }, (r) =>
    stringAttribute('DA', r.study_date),
  ),
  attr('00080030', 'StudyTime', 'study', true, { column: 's.study_time', kind: 'time' }, (r) =>
    stringAttribute('TM', r.study_time),
  ),
  attr('00080050', 'AccessionNumber', 'study', true, { column: 's.accession_number', kind: 'text' }, (r) =>
    stringAttribute('SH', r.accession_number),
  ),
  attr('00080056', 'InstanceAvailability', 'study', true, undefined, () => stringAttribute('CS', 'ONLINE')),
  attr('00080061', 'ModalitiesInStudy', 'study', true, { column: 's.modalities', kind: 'modalities' }, (r) =>
    multiStringAttribute('CS', r.modalities),
  ),
  attr(
    '00080090',
    'ReferringPhysicianName',
    'study',
    true,
    { column: 's.referring_physician_name', kind: 'personName' },
    (r) => personNameValueAttribute(r.referring_physician_name),
  ),
  attr('00081030', 'StudyDescription', 'study', true, { column: 's.study_description', kind: 'text' }, (r) =>
    stringAttribute('LO', r.study_description),
  ),
  attr('00081190', 'RetrieveURL', 'study', true, undefined, (r, urls) => stringAttribute('UR', urls.study(r))),
  attr('00100010', 'PatientName', 'study', true, { column: 's.patient_name_search', kind: 'patientName' }, (r) =>
    personNameAttribute(r.patient_name_alphabetic, r.patient_name_ideographic, r.patient_name_phonetic),
  ),
  attr('00100020', 'PatientID', 'study', true, { column: 's.patient_id', kind: 'text' }, (r) =>
    stringAttribute('LO', r.patient_id),
  ),
  attr('00100030', 'PatientBirthDate', 'study', true, { column: 's.patient_birth_date', kind: 'date' }, (r) =>
    stringAttribute('DA', r.patient_birth_date),
  ),
  attr('00100040', 'PatientSex', 'study', true, { column: 's.patient_sex', kind: 'text' }, (r) =>
    stringAttribute('CS', r.patient_sex),
  ),
  attr('0020000D', 'StudyInstanceUID', 'study', true, { column: 's.study_instance_uid', kind: 'uid' }, (r) =>
    stringAttribute('UI', r.study_instance_uid),
  ),
  attr('00200010', 'StudyID', 'study', true, { column: 's.dicom_study_id', kind: 'text' }, (r) =>
    stringAttribute('SH', r.dicom_study_id),
  ),
  attr('00201206', 'NumberOfStudyRelatedSeries', 'study', true, undefined, (r) =>
    numberAttribute('IS', r.series_count),
  ),
  attr('00201208', 'NumberOfStudyRelatedInstances', 'study', true, undefined, (r) =>
    numberAttribute('IS', r.instance_count),
  ),
  // Series
  attr('00080060', 'Modality', 'series', true, { column: 'se.modality', kind: 'text' }, (r) =>
    stringAttribute('CS', r.modality),
  ),
  attr('0008103E', 'SeriesDescription', 'series', true, { column: 'se.series_description', kind: 'text' }, (r) =>
    stringAttribute('LO', r.series_description),
  ),
  attr('00081190', 'RetrieveURL', 'series', true, undefined, (r, urls) => stringAttribute('UR', urls.series(r))),
  attr('00180015', 'BodyPartExamined', 'series', true, { column: 'se.body_part', kind: 'text' }, (r) =>
    stringAttribute('CS', r.body_part),
  ),
  attr('0020000E', 'SeriesInstanceUID', 'series', true, { column: 'se.series_instance_uid', kind: 'uid' }, (r) =>
    stringAttribute('UI', r.series_instance_uid),
  ),
  attr('00200011', 'SeriesNumber', 'series', true, { column: 'se.series_number', kind: 'integer' }, (r) =>
    numberAttribute('IS', r.series_number),
  ),
  attr('00201209', 'NumberOfSeriesRelatedInstances', 'series', true, undefined, (r) =>
    numberAttribute('IS', r.series_instance_count),
  ),
  attr(
    '00400244',
    'PerformedProcedureStepStartDate',
    'series',
    true,
    { column: 'se.pps_start_date', kind: 'date' },
    (r) => stringAttribute('DA', r.pps_start_date),
  ),
  attr(
    '00400245',
    'PerformedProcedureStepStartTime',
    'series',
    true,
    { column: 'se.pps_start_time', kind: 'time' },
    (r) => stringAttribute('TM', r.pps_start_time),
  ),
  // Instance
  attr('00080016', 'SOPClassUID', 'instance', true, { column: 'i.sop_class_uid', kind: 'uid' }, (r) =>
    stringAttribute('UI', r.sop_class_uid),
  ),
  attr('00080018', 'SOPInstanceUID', 'instance', true, { column: 'i.sop_instance_uid', kind: 'uid' }, (r) =>
    stringAttribute('UI', r.sop_instance_uid),
  ),
  attr('00080056', 'InstanceAvailability', 'instance', true, undefined, () => stringAttribute('CS', 'ONLINE')),
  attr('00081190', 'RetrieveURL', 'instance', true, undefined, (r, urls) => stringAttribute('UR', urls.instance(r))),
  attr('00083002', 'AvailableTransferSyntaxUID', 'instance', true, undefined, (r) =>
    stringAttribute('UI', r.transfer_syntax_uid),
  ),
  attr('00200013', 'InstanceNumber', 'instance', true, { column: 'i.instance_number', kind: 'integer' }, (r) =>
    numberAttribute('IS', r.instance_number),
  ),
  attr('00280008', 'NumberOfFrames', 'instance', true, { column: 'i.number_of_frames', kind: 'integer' }, (r) =>
    numberAttribute('IS', r.number_of_frames),
  ),
  attr('00280010', 'Rows', 'instance', true, { column: 'i.rows', kind: 'integer' }, (r) =>
    numberAttribute('US', r.rows),
  ),
  attr('00280011', 'Columns', 'instance', true, { column: 'i.columns', kind: 'integer' }, (r) =>
    numberAttribute('US', r.columns),
  ),
  attr('00280100', 'BitsAllocated', 'instance', true, { column: 'i.bits_allocated', kind: 'integer' }, (r) =>
    numberAttribute('US', r.bits_allocated),
  ),
];
