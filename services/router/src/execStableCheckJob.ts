import { nextStudyStatus } from '@telerad/core';
import { enqueueRoute, publishStudyEvent } from '@telerad/queue';
import type { RouterDeps } from './deps.js';

export type StableCheckOutcome = { kind: 'ready' } | { kind: 'wait'; untilMs: number } | { kind: 'nothing' };

/**
 * A study is complete once no instance has arrived for `stableSeconds`. Returns when to look again
 * if an instance arrived since the check was scheduled.
 */
export async function execStableCheckJob(
  studyId: string,
  deps: RouterDeps,
  now = new Date(),
): Promise<StableCheckOutcome> {
  const stableMs = deps.config.stableSeconds * 1000;
  const outcome = await deps.db.db.transaction().execute(async (trx) => {
    const study = await trx
      .selectFrom('study')
      .select(['status', 'last_instance_at', 'priority', 'hospital_id', 'clinic_id'])
      .where('id', '=', studyId)
      .forUpdate()
      .executeTakeFirst();
    if (study === undefined || study.status !== 'receiving') return { kind: 'nothing' } as const;
    const quietUntil = study.last_instance_at.getTime() + stableMs;
    if (quietUntil > now.getTime()) return { kind: 'wait', untilMs: quietUntil } as const;
    await trx
      .updateTable('study')
      .set({ status: nextStudyStatus(study.status, 'complete'), ready_at: now, updated_at: now })
      .where('id', '=', studyId)
      .execute();
    deps.metrics.studiesReady.inc({ priority: study.priority });
    return { kind: 'ready', hospitalId: study.hospital_id, clinicId: study.clinic_id } as const;
  });
  if (outcome.kind === 'ready') {
    deps.logger.info({ studyId }, 'study complete (no new instance for the stable period)');
    await enqueueRoute(deps.queues, studyId, 'stable');
    await publishStudyEvent(deps.redis, deps.config.queuePrefix, {
      type: 'updated',
      studyId,
      hospitalId: outcome.hospitalId,
      clinicId: outcome.clinicId,
    });
    return { kind: 'ready' };
  }
  return outcome;
}
