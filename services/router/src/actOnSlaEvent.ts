import { publishStudyEvent } from '@telerad/queue';
import type { RouterDeps } from './deps.js';
import { escalateStudy } from './escalateStudy.js';
import { reassignStudy } from './reassignStudy.js';

/**
 * What a fired SLA timer does beyond recording it. Warning: the worklists are told, and a study not
 * yet opened moves to another eligible radiologist (an opened one only gets the warning). Breach:
 * administrators are alerted and the study escalates to the fallback hospital (escalateStudy).
 */
export async function actOnSlaEvent(
  deps: RouterDeps,
  study: { id: string; hospitalId: string; clinicId: string; assignedTo: string | null },
  kind: 'warning' | 'breach',
): Promise<void> {
  if (kind === 'breach') {
    await escalateStudy(deps, study.id);
    return;
  }
  await publishStudyEvent(deps.redis, deps.config.queuePrefix, {
    type: 'warning',
    studyId: study.id,
    hospitalId: study.hospitalId,
    clinicId: study.clinicId,
    userId: study.assignedTo,
  });
  if (study.assignedTo !== null) {
    await reassignStudy(deps, study.id, { from: study.assignedTo, reason: 'sla-warning' });
  }
}
