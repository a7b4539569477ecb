import { isPresent } from './presence.js';
import { type RosterVerdict, rosterEligibility } from './rosterEligibility.js';
import type { EligibilityContext, RosterMember, StudyNeeds } from './rosterMember.js';

export type Candidates = { eligible: RosterMember[] } | { eligible: null; reason: string };

/**
 * The radiologists who may take a study, or the reason nobody may, in words an administrator can act
 * on. The reason names the furthest step any radiologist of the hospital got to.
 */
export function candidatesFor(
  members: readonly RosterMember[],
  study: StudyNeeds,
  now: number,
  context: EligibilityContext,
): Candidates {
  const verdicts = members.map((m) => ({ m, v: rosterEligibility(m, study, now, context) }));
  const eligible = verdicts.filter((x) => x.v === 'eligible').map((x) => x.m);
  if (eligible.length > 0) return { eligible };
  return { eligible: null, reason: reasonOf(new Set(verdicts.map((x) => x.v)), study) };
}

function reasonOf(seen: Set<RosterVerdict>, study: StudyNeeds): string {
  const what = study.bodyPart === undefined ? study.modality : `${study.modality} ${study.bodyPart}`;
  if (seen.has('full')) return 'every qualified radiologist on duty has reached their cap of open studies';
  if (seen.has('unqualified')) return `no radiologist on duty reads ${what}`;
  if (seen.has('title')) return 'no radiologist on duty may sign alone (only residents are on shift)';
  if (seen.has('off-shift')) return 'no radiologist on duty is on shift now';
  if (seen.has('excluded')) return 'no other radiologist is on duty';
  if (seen.has('off-duty')) return 'no radiologist is on duty';
  return 'the hospital has no radiologist';
}

/**
 * Among eligible radiologists, those with the worklist open, if any; otherwise all of them. Presence
 * steers work to people who are looking, but never leaves a study without a reader when nobody is.
 */
export function preferPresent(eligible: readonly RosterMember[], now: number): RosterMember[] {
  const present = eligible.filter((m) => isPresent(m.lastSeenAt, now));
  return present.length > 0 ? present : [...eligible];
}
