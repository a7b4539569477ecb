import { currentShift } from './currentShift.js';
import type { EligibilityContext, RosterMember, StudyNeeds } from './rosterMember.js';
import { maySignAlone } from './titles.js';

export type RosterVerdict =
  | 'eligible'
  | 'other-hospital'
  | 'excluded'
  | 'off-duty'
  | 'off-shift'
  | 'title'
  | 'unqualified'
  | 'full';

/**
 * Whether a radiologist may be given a study now, and if not the first reason why: of the right
 * hospital, not excluded, on duty, on shift, allowed to sign alone, qualified for the modality and
 * body part, and under their cap. Presence (the worklist open) is not required here; see
 * `preferPresent`.
 */
export function rosterEligibility(
  member: RosterMember,
  study: StudyNeeds,
  now: number,
  context: EligibilityContext,
): RosterVerdict {
  if (!context.hospitalIds.includes(member.hospitalId)) return 'other-hospital';
  if (!member.onDuty) return 'off-duty';
  if (currentShift(member.schedule, now, member.timeZone) === null) return 'off-shift';
  if (!maySignAlone(member.title, context.residentsMaySign.includes(member.hospitalId))) return 'title';
  // A study whose modality is not known yet (no series indexed) is not held back by it.
  if (member.modalities !== null && study.modality !== '' && !member.modalities.includes(study.modality)) {
    return 'unqualified';
  }
  if (member.bodyParts !== null && study.bodyPart !== undefined && !member.bodyParts.includes(study.bodyPart)) {
    return 'unqualified';
  }
  if (member.maxOpen !== null && member.openCount >= member.maxOpen) return 'full';
  // Last, so a radiologist left out who could not take it anyway shows why.
  if (context.exclude?.includes(member.id) === true) return 'excluded';
  return 'eligible';
}

/** Whether a radiologist can take work at all now: on duty and on shift. */
export function isAvailable(member: RosterMember, now: number): boolean {
  return member.onDuty && currentShift(member.schedule, now, member.timeZone) !== null;
}
