import type { RoutableStudy, RoutingRadiologist } from './types.js';

export type Eligibility = 'eligible' | 'off-duty' | 'unqualified' | 'full';

/** Studies a radiologist has open: the unopened queue plus the one being read. */
export function openCount(radiologist: RoutingRadiologist, now: number): number {
  const reading = radiologist.reading !== undefined || radiologist.busyUntil > now ? 1 : 0;
  return radiologist.queue.length + reading;
}

/** Whether this radiologist may be given this study now, and if not, why. */
export function eligibilityOf(radiologist: RoutingRadiologist, study: RoutableStudy, now: number): Eligibility {
  if (!radiologist.onDuty) return 'off-duty';
  const { qualifications, bodyParts } = radiologist;
  if (qualifications !== undefined && !qualifications.includes(study.modality)) return 'unqualified';
  if (bodyParts !== undefined && study.bodyPart !== undefined && !bodyParts.includes(study.bodyPart)) {
    return 'unqualified';
  }
  if (radiologist.maxOpen !== undefined && openCount(radiologist, now) >= radiologist.maxOpen) return 'full';
  return 'eligible';
}

/** The radiologists who may take the study, or the reason nobody may. */
export function eligibleFor(
  study: RoutableStudy,
  radiologists: readonly RoutingRadiologist[],
  now: number,
): { eligible: RoutingRadiologist[] } | { eligible: null; reason: string } {
  const verdicts = radiologists.map((r) => ({ r, verdict: eligibilityOf(r, study, now) }));
  const eligible = verdicts.filter((v) => v.verdict === 'eligible').map((v) => v.r);
  if (eligible.length > 0) return { eligible };
  const onDuty = verdicts.filter((v) => v.verdict !== 'off-duty');
  if (onDuty.length === 0) return { eligible: null, reason: 'no radiologist is on duty' };
  if (onDuty.every((v) => v.verdict === 'unqualified')) {
    const what = study.bodyPart === undefined ? study.modality : `${study.modality} ${study.bodyPart}`;
    return { eligible: null, reason: `no radiologist on duty reads ${what}` };
  }
  return { eligible: null, reason: 'every qualified radiologist on duty has reached their cap of open studies' };
}
