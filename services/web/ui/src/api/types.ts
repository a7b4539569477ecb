/** The shapes the web service's JSON API answers with (see services/web/src/api). */

export type Role = 'admin' | 'radiologist' | 'radiographer';
export type Priority = 'emergency' | 'outpatient' | 'inpatient';
export type StudyStatus = 'receiving' | 'ready' | 'assigned' | 'reading' | 'signed';
export type DeliveryStatus = 'none' | 'pending' | 'delivered' | 'failed';

export const PRIORITIES: readonly Priority[] = ['emergency', 'outpatient', 'inpatient'];

/** A name given in both interface languages. */
export interface LocalizedName {
  zh: string;
  en: string;
}

export interface Organisation {
  code: string;
  name: LocalizedName;
}

export interface User {
  id: string;
  username: string;
  role: Role;
  name: LocalizedName;
  clinic: Organisation | null;
  hospital: Organisation | null;
}

export interface StudySummary {
  id: string;
  studyInstanceUid: string;
  priority: Priority;
  status: StudyStatus;
  clinic: Organisation;
  patientName: string;
  patientId: string;
  patientSex: string;
  patientBirthDate: string;
  studyDescription: string;
  modalities: string;
  instanceCount: number;
  receivedAt: string;
  readyAt: string | null;
  deadlineAt: string | null;
  targetAt: string | null;
  signedAt: string | null;
  assignedTo: string | null;
  assignedToName: LocalizedName | null;
  /** Why the router could not assign the study (nobody on duty…), or null. */
  unassignedReason: string | null;
  /** When an image arrived after the study was complete, or null. */
  lateInstanceAt: string | null;
  critical: boolean;
  deliveryStatus: DeliveryStatus;
  /** The last time the study moved unopened to its current radiologist: from whom and why. */
  reassigned?: { at: string; from: string | null; reason: string } | null;
  /** The fallback (upper-level) hospital it escalated to after its breach. */
  escalatedTo?: string | null;
  /** Images whose pixel data cannot be displayed (the study detail names each reason). */
  unrenderableCount?: number;
  /** Open hold: the radiologist asked the clinic; the SLA clock is stopped since `since`. */
  hold?: { since: string; reason: string } | null;
  /** Time on hold already excluded from the deadline, in minutes. */
  pausedMinutes?: number;
  /** The priority before the clinic raised it. */
  priorityRaisedFrom?: Priority | null;
}

/** One question the radiologist asked the clinic, and its answer. */
export interface StudyHold {
  heldAt: string;
  reason: string;
  by: Person;
  answer: string | null;
  /** `user:<username>`, `clinic:<code>`, or the sender of the image that answered. */
  answeredBy: string | null;
  resumedVia: 'answer' | 'image' | null;
  resumedAt: string | null;
  pausedMinutes: number | null;
}

export interface StudyList {
  items: StudySummary[];
  serverTime: string;
}

export type PreviewState =
  | { status: 'pending' | 'ready' }
  /** reason: the imaging error code (no-pixel-data, unsupported-transfer-syntax, corrupt-pixel-data…). */
  | { status: 'failed'; reason: string | null; message: string | null };

export interface SeriesInstance {
  sopInstanceUid: string;
  instanceNumber: number | null;
  rows: number | null;
  columns: number | null;
  frames: number;
  preview: PreviewState;
}

export interface Series {
  seriesInstanceUid: string;
  modality: string;
  seriesNumber: number | null;
  seriesDescription: string;
  instanceCount: number;
  instances: SeriesInstance[];
}

export interface Person {
  username: string;
  name: LocalizedName;
}

export interface Report {
  version: number;
  status: 'draft' | 'final';
  findings: string;
  impression: string;
  critical: boolean;
  author: Person;
  signedBy: Person | null;
  signedAt: string | null;
  updatedAt: string;
}

export interface Delivery {
  channel: string;
  target: string;
  status: string;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface StudyDetail {
  study: StudySummary & { series: Series[] };
  report: Report | null;
  deliveries: Delivery[];
  holds?: StudyHold[];
}

export interface ReportDraft {
  findings: string;
  impression: string;
  critical: boolean;
}

export interface SlaRow {
  priority: Priority;
  studies: number;
  signed: number;
  withinLimit: number;
  breached: number;
  open: number;
  compliance: number | null;
  p50Minutes: number | null;
  p95Minutes: number | null;
  pausedMinutes?: number | null;
  held?: number;
}

export interface SlaSummary {
  periodStart: string;
  periodEnd: string;
  rows: SlaRow[];
}
