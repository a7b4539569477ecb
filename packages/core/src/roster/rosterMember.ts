import type { ShiftSchedule } from './shiftSchedule.js';
import type { Title } from './titles.js';

/** A radiologist as the roster knows them. Times are milliseconds since the epoch. */
export interface RosterMember {
  id: string;
  username: string;
  hospitalId: string;
  /** The administrator's switch (or the radiologist's own): on duty today. */
  onDuty: boolean;
  title: Title | null;
  schedule: ShiftSchedule;
  /** The hospital's time zone, in which the shifts are written. */
  timeZone: string;
  /** Cap on open studies (unopened plus being read); null means no cap. */
  maxOpen: number | null;
  /** Modalities read; null means every modality. */
  modalities: readonly string[] | null;
  /** Body parts read; null means every body part. */
  bodyParts: readonly string[] | null;
  /** Studies assigned and not signed: the unopened queue plus the one being read. */
  openCount: number;
  /** Last heartbeat from the worklist page; null if never. */
  lastSeenAt: number | null;
}

/** What a study needs of its reader. */
export interface StudyNeeds {
  modality: string;
  bodyPart?: string;
}

/** Which radiologists may be considered, beyond each one's own state. */
export interface EligibilityContext {
  /** Hospitals whose radiologists may take the study: the serving one, or on escalation the fallback. */
  hospitalIds: readonly string[];
  /** Hospitals whose residents may report and sign alone. */
  residentsMaySign: readonly string[];
  /** Radiologists left out, e.g. the one a study is being moved away from. */
  exclude?: readonly string[];
}
