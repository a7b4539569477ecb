import type { Priority, Role, StudyStatus } from '@telerad/core';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps come back as Date and may be written as Date or ISO text. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** PostgreSQL bigint arrives as text from node-postgres; sizes stay far below 2^53. */
type BigIntColumn = ColumnType<string | number, number, number>;

export interface HospitalTable {
  id: Generated<string>;
  code: string;
  name_zh: string;
  name_en: string;
  /** IANA zone the hospital's shifts are written in. */
  time_zone: Generated<string>;
  residents_may_sign: Generated<boolean>;
}

/** Upper-level hospitals (上级医院) a hospital's breached studies escalate to, rank 0 first. */
export interface HospitalFallbackTable {
  hospital_id: string;
  rank: number;
  fallback_hospital_id: string;
}

/** A radiologist's shifts as stored: `ShiftSchedule` of @telerad/core. */
export interface StoredShifts {
  weekly: Array<{ days: string[]; start: string; end: string }>;
  dated: Array<{ date: string; start: string; end: string } | { date: string; off: true }>;
}

type JsonColumn<T> = ColumnType<T, string | undefined, string>;
type NullableJsonColumn<T> = ColumnType<T | null, string | null | undefined, string | null>;

export interface ClinicTable {
  id: Generated<string>;
  code: string;
  name_zh: string;
  name_en: string;
  hospital_id: string;
  default_priority: Priority;
  webhook_url: string | null;
  webhook_secret: string | null;
  /** Character set assumed when a modality declares none or a wrong one (e.g. GB18030). */
  default_charset: string | null;
}

export interface ClinicAeTitleTable {
  ae_title: string;
  clinic_id: string;
}

export interface ClinicApiTokenTable {
  token_sha256: string;
  clinic_id: string;
  created_at: CreatedAt;
}

export interface AppUserTable {
  id: Generated<string>;
  username: string;
  password_hash: string;
  role: Role;
  name_zh: string;
  name_en: string;
  hospital_id: string | null;
  clinic_id: string | null;
  title: string | null;
  on_duty: Generated<boolean>;
  created_at: CreatedAt;
  shifts: JsonColumn<StoredShifts>;
  max_open: number | null;
  modalities: NullableJsonColumn<string[]>;
  body_parts: NullableJsonColumn<string[]>;
  /** Last heartbeat from the worklist page (presence). */
  last_seen_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface UserSessionTable {
  token_sha256: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface StudyTable {
  id: Generated<string>;
  study_instance_uid: string;
  clinic_id: string;
  hospital_id: string;
  priority: Priority;
  status: StudyStatus;
  /** Display form (ideographic group if present, else alphabetic), UTF-8. */
  patient_name: Generated<string>;
  patient_name_alphabetic: Generated<string>;
  patient_name_ideographic: Generated<string>;
  patient_name_phonetic: Generated<string>;
  /** Lower-case search forms of the name: alphabetic, ideographic, pinyin, initials. */
  patient_name_search: Generated<string>;
  patient_id: Generated<string>;
  patient_sex: Generated<string>;
  patient_birth_date: Generated<string>;
  accession_number: Generated<string>;
  study_date: Generated<string>;
  study_time: Generated<string>;
  study_description: Generated<string>;
  modalities: Generated<string>;
  instance_count: Generated<number>;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_instance_at: ColumnType<Date, Date | string | undefined, Date | string>;
  ready_at: Timestamp | null;
  target_at: Timestamp | null;
  warning_at: Timestamp | null;
  deadline_at: Timestamp | null;
  assigned_to: string | null;
  assigned_at: Timestamp | null;
  claimed_at: Timestamp | null;
  signed_at: Timestamp | null;
  unassigned_reason: string | null;
  /** Last time an image arrived after the study was complete (the reader should look again). */
  late_instance_at: Timestamp | null;
  /** The last time the study moved to another radiologist unopened, from whom, and why. */
  reassigned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reassigned_from: ColumnType<string | null, string | null | undefined, string | null>;
  reassign_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** The fallback hospital the study escalated to after its breach; the serving hospital keeps it. */
  escalated_to: ColumnType<string | null, string | null | undefined, string | null>;
  escalated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Set while the study is on hold (the radiologist waits for the clinic; the SLA clock is stopped). */
  held_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Total time on hold, already added to target, warning and deadline. */
  paused_ms: ColumnType<string | number, number | undefined, number>;
  /** When the clinic last raised the priority, and from which. */
  priority_raised_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  priority_raised_from: ColumnType<Priority | null, Priority | null | undefined, Priority | null>;
  /** Referring Physician's Name as its PN value, groups separated by `=`. */
  referring_physician_name: Generated<string>;
  /** Study ID (0020,0010). */
  dicom_study_id: Generated<string>;
  /** Instances of the study whose pixel data cannot be rendered (see instance.preview_error). */
  unrenderable_count: Generated<number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SeriesTable {
  id: Generated<string>;
  study_id: string;
  series_instance_uid: string;
  modality: Generated<string>;
  series_number: number | null;
  series_description: Generated<string>;
  body_part: Generated<string>;
  pps_start_date: Generated<string>;
  pps_start_time: Generated<string>;
}

export type IntakeChannel = 'stow-rs' | 'upload' | 'c-store';

export interface InstanceTable {
  id: Generated<string>;
  study_id: string;
  series_id: string;
  sop_instance_uid: string;
  sop_class_uid: string;
  transfer_syntax_uid: string;
  instance_number: number | null;
  rows: number | null;
  columns: number | null;
  number_of_frames: Generated<number>;
  size_bytes: BigIntColumn;
  sha256: string;
  blob_key: string;
  received_via: IntakeChannel;
  created_at: CreatedAt;
  bits_allocated: ColumnType<number | null, number | null | undefined, number | null>;
  /** Thumbnail and large preview stored next to the original (ready), not yet (pending), or never (failed). */
  preview_status: ColumnType<PreviewStatus, PreviewStatus | undefined, PreviewStatus>;
  /** Why the pixel data cannot be rendered: an ImagingError code of @telerad/imaging. */
  preview_error: ColumnType<string | null, string | null | undefined, string | null>;
  preview_message: ColumnType<string | null, string | null | undefined, string | null>;
  preview_width: ColumnType<number | null, number | null | undefined, number | null>;
  preview_height: ColumnType<number | null, number | null | undefined, number | null>;
  thumbnail_width: ColumnType<number | null, number | null | undefined, number | null>;
  thumbnail_height: ColumnType<number | null, number | null | undefined, number | null>;
  preview_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type PreviewStatus = 'pending' | 'ready' | 'failed';

export interface ReportTable {
  id: Generated<string>;
  study_id: string;
  version: number;
  status: 'draft' | 'final';
  findings: Generated<string>;
  impression: Generated<string>;
  critical: Generated<boolean>;
  author_id: string;
  signed_by: string | null;
  signed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One hold: the radiologist's question, the clinic's answer, and how long the clock was stopped. */
export interface StudyHoldTable {
  id: Generated<string>;
  study_id: string;
  held_by: string;
  reason: string;
  held_at: Timestamp;
  answer: string | null;
  /** `user:<username>` or `clinic:<code>` (an API token); `ae:`/`channel:` when an image resumed it. */
  answered_by: string | null;
  resumed_via: 'answer' | 'image' | null;
  resumed_at: Timestamp | null;
  paused_ms: ColumnType<string | number | null, number | null | undefined, number | null>;
}

export type SlaEventKind = 'warning' | 'breach';

export interface SlaEventTable {
  id: Generated<string>;
  study_id: string;
  kind: SlaEventKind;
  assignee_id: string | null;
  fired_at: CreatedAt;
}

export type SlaAlertKind = 'breach' | 'escalated' | 'not-escalated';

/** What administrators are alerted to: breaches, and what escalation did about them. */
export interface SlaAlertTable {
  id: Generated<string>;
  study_id: string;
  kind: SlaAlertKind;
  /** The serving hospital of the study. */
  hospital_id: string;
  detail: ColumnType<unknown, string | undefined, string>;
  created_at: CreatedAt;
  acknowledged_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  acknowledged_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryTable {
  id: Generated<string>;
  study_id: string;
  report_id: string;
  channel: 'webhook';
  target: string;
  status: DeliveryStatus;
  attempts: Generated<number>;
  last_error: string | null;
  last_attempt_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface DeliveryAttemptTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  at: CreatedAt;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}

export interface AuditEventTable {
  id: Generated<string>;
  at: CreatedAt;
  actor: string;
  action: string;
  study_id: string | null;
  detail: ColumnType<unknown, string | undefined, string>;
}

export interface Database {
  hospital: HospitalTable;
  hospital_fallback: HospitalFallbackTable;
  sla_alert: SlaAlertTable;
  clinic: ClinicTable;
  clinic_ae_title: ClinicAeTitleTable;
  clinic_api_token: ClinicApiTokenTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  study: StudyTable;
  study_hold: StudyHoldTable;
  series: SeriesTable;
  instance: InstanceTable;
  report: ReportTable;
  sla_event: SlaEventTable;
  delivery: DeliveryTable;
  delivery_attempt: DeliveryAttemptTable;
  audit_event: AuditEventTable;
}

export type Study = Selectable<StudyTable>;
export type NewStudy = Insertable<StudyTable>;
export type StudyUpdate = Updateable<StudyTable>;
export type Clinic = Selectable<ClinicTable>;
export type AppUser = Selectable<AppUserTable>;
export type Report = Selectable<ReportTable>;
export type Delivery = Selectable<DeliveryTable>;
export type Instance = Selectable<InstanceTable>;
