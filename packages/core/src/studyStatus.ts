import { ConflictError } from './errors.js';

/**
 * A study's life: instances arrive (receiving), the clinic submits or it goes quiet (ready),
 * the router assigns it (assigned), a radiologist claims it (reading), the report is signed (signed).
 */
export const STUDY_STATUSES = ['receiving', 'ready', 'assigned', 'reading', 'signed'] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

export type StudyEvent = 'complete' | 'assign' | 'unassign' | 'claim' | 'release' | 'sign';

const TRANSITIONS: Readonly<Record<StudyEvent, Partial<Record<StudyStatus, StudyStatus>>>> = {
  complete: { receiving: 'ready' },
  assign: { ready: 'assigned', assigned: 'assigned' },
  /** The assignee went off duty and nobody else may take the unopened study: it waits again. */
  unassign: { assigned: 'ready' },
  claim: { ready: 'reading', assigned: 'reading' },
  release: { reading: 'assigned' },
  sign: { reading: 'signed' },
};

/** Next status for an event, or a ConflictError naming why the study cannot take it. */
export function nextStudyStatus(current: StudyStatus, event: StudyEvent): StudyStatus {
  const next = TRANSITIONS[event][current];
  if (next === undefined) {
    throw new ConflictError(`study is ${current}; cannot ${event} it`);
  }
  return next;
}

/** Statuses in which the SLA clock runs (ready, not yet signed). */
export function isOpenForReading(status: StudyStatus): boolean {
  return status === 'ready' || status === 'assigned' || status === 'reading';
}
