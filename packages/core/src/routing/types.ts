import type { Priority } from '../priority.js';

/** A ready study waiting for an assignee. Times are milliseconds since the epoch. */
export interface RoutableStudy {
  id: string;
  priority: Priority;
  /** When the study became complete: the SLA clock starts here. */
  readyAt: number;
  /** The SLA limit: signed later than this is a breach. */
  deadlineAt: number;
  /** The published target; before the limit only for inpatient films. */
  targetAt: number;
  /** DICOM modality (DX, CR…); reading times and qualifications are per modality. */
  modality: string;
  bodyPart?: string;
}

/** A study assigned to a radiologist and not yet opened. */
export interface QueuedStudy {
  studyId: string;
  priority: Priority;
  deadlineAt: number;
  /** Expected reading time (the modality's mean). */
  expectedMinutes: number;
  /** Spread of the reading time; absent or 0 treats `expectedMinutes` as exact. */
  sdMinutes?: number;
}

/** One radiologist as routing sees them. */
export interface RoutingRadiologist {
  id: string;
  username: string;
  onDuty: boolean;
  /** Modalities they read; absent means every modality. */
  qualifications?: readonly string[];
  /** Body parts they read; absent means every body part. */
  bodyParts?: readonly string[];
  /** Cap on open studies (the unopened queue plus the one being read); absent means no cap. */
  maxOpen?: number;
  /** Assigned, unopened studies in the order they were assigned. */
  queue: readonly QueuedStudy[];
  /** When the study being read now is expected to end; at or before `now` when free. */
  busyUntil: number;
  /** The study open now, if any. */
  reading?: { studyId: string; priority: Priority };
}

/** Reading time of one modality in minutes. */
export interface ReadingTime {
  mean: number;
  sd: number;
}

export type ReadingTimes = Readonly<Record<string, ReadingTime>>;

export interface RouteOptions {
  /** Expected reading time per modality. */
  readingMinutes: ReadingTimes;
  /** For a modality missing from `readingMinutes`; default 10 ± 5 minutes. */
  fallbackReadingMinutes?: ReadingTime;
  /** round-robin: the id of the previous assignee, so the turn passes to the next. */
  lastAssigneeId?: string | null;
}

export type RouteDecision = { assignee: string; projectedFinish: number } | { assignee: null; reason: string };
