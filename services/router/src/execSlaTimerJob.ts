import { isOpenForReading } from '@telerad/core';
import { recordAudit } from '@telerad/db';
import { actOnSlaEvent } from './actOnSlaEvent.js';
import type { RouterDeps } from './deps.js';
import { escalateStudy } from './escalateStudy.js';

export type SlaTimerOutcome =
  | 'recorded'
  | 'already-recorded'
  | 'not-due'
  /** The study is on hold: the clock is stopped; resuming arms the timer again. */
  | 'held'
  /** The time moved later (a hold ended, or the job ran early): wait until `dueAtMs`. */
  | { kind: 'wait'; dueAtMs: number };

/**
 * A warning or breach timer fired. Re-reads the study: a signed or held study needs nothing, and a
 * study whose time moved later waits again. The event is recorded once (unique per study and kind),
 * however many processes or retries run the job.
 */
export async function execSlaTimerJob(
  studyId: string,
  kind: 'warning' | 'breach',
  deps: RouterDeps,
): Promise<SlaTimerOutcome> {
  const study = await deps.db.db
    .selectFrom('study as s')
    .leftJoin('app_user as u', 'u.id', 's.assigned_to')
    .select([
      's.status',
      's.priority',
      's.assigned_to',
      's.warning_at',
      's.deadline_at',
      's.hospital_id',
      's.clinic_id',
      's.held_at',
      'u.username',
    ])
    .where('s.id', '=', studyId)
    .executeTakeFirst();
  if (study === undefined || !isOpenForReading(study.status)) return 'not-due';
  if (study.held_at !== null) return 'held';
  const dueAt = kind === 'warning' ? study.warning_at : study.deadline_at;
  if (dueAt === null) return 'not-due';
  // Delayed jobs are promoted in batches and may run a little early; a far-early run waits again.
  if (dueAt.getTime() - Date.now() > 1000) return { kind: 'wait', dueAtMs: dueAt.getTime() };
  const inserted = await deps.db.db
    .insertInto('sla_event')
    .values({ study_id: studyId, kind, assignee_id: study.assigned_to })
    .onConflict((oc) => oc.columns(['study_id', 'kind']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted === undefined) {
    // A retry after a crash finishes an escalation; escalating is idempotent.
    if (kind === 'breach') await escalateStudy(deps, studyId);
    return 'already-recorded';
  }
  await recordAudit(deps.db.db, {
    actor: 'system:router',
    action: `sla.${kind}`,
    studyId,
    detail: { assignee: study.username },
  });
  deps.metrics.slaEvents.inc({ priority: study.priority, kind });
  const log = kind === 'breach' ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
  log(
    { studyId, priority: study.priority, assignee: study.username, kind },
    kind === 'breach' ? 'SLA breached' : 'SLA warning',
  );
  await actOnSlaEvent(
    deps,
    { id: studyId, hospitalId: study.hospital_id, clinicId: study.clinic_id, assignedTo: study.assigned_to },
    kind,
  );
  return 'recorded';
}
