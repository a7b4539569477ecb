import type { Principal } from '@telerad/core';
import type { StudyEvent } from '@telerad/queue';

/** What a listener receives: the change and the study, and whether it concerns them. */
export interface StudyEventMessage {
  type: StudyEvent['type'];
  studyId: string;
  at: string;
  /** The study is now the listener's (assigned or moved to them). */
  toYou: boolean;
  /** The study was the listener's and moved away. */
  fromYou: boolean;
}

/**
 * Tenancy for live events, as for studies: an administrator hears everything, a radiologist their
 * hospital's studies and any study given to or taken from them, a radiographer or clinic token their
 * clinic's. Returns null for an event the principal may not hear.
 */
export function eventFor(principal: Principal, event: StudyEvent): StudyEventMessage | null {
  const base = { type: event.type, studyId: event.studyId, at: event.at, toYou: false, fromYou: false };
  if (principal.kind === 'clinic') return principal.clinicId === event.clinicId ? base : null;
  switch (principal.role) {
    case 'admin':
      return base;
    case 'radiographer':
      return principal.clinicId === event.clinicId ? base : null;
    case 'radiologist': {
      const toYou = event.userId === principal.userId;
      const fromYou = event.previousUserId === principal.userId && !toYou;
      if (!toYou && !fromYou && principal.hospitalId !== event.hospitalId) return null;
      return { ...base, toYou, fromYou };
    }
  }
}
