import { ConflictError, heldFor, isOpenForReading, NotFoundError, shiftDeadlines } from '@telerad/core';
import { recordAudit } from '@telerad/db';
import { cancelSlaTimers, publishStudyEvent, rearmSlaTimers, type SlaTimerKind } from '@telerad/queue';
import type { Runtime } from '@telerad/runtime';

export type HoldDeps = Pick<Runtime, 'db' | 'queues' | 'redis' | 'logger' | 'metrics' | 'config'>;

/**
 * The assigned radiologist asks the clinic for more information or images: the study goes on hold
 * and its SLA clock stops (the warning and breach timers are removed) until the clinic answers.
 * The question is kept on the study (study_hold), never in logs, audit details or events.
 */
export async function holdStudy(
  deps: HoldDeps,
  studyId: string,
  by: { userId: string; username: string },
  reason: string,
): Promise<{ heldAt: Date }> {
  const text = reason.trim();
  const result = await deps.db.db.transaction().execute(async (trx) => {
    const study = await trx.selectFrom('study').selectAll().where('id', '=', studyId).forUpdate().executeTakeFirst();
    if (study === undefined) throw new NotFoundError(`study ${studyId} not found`);
    if (!isOpenForReading(study.status) || study.status === 'ready') {
      throw new ConflictError(`study is ${study.status}; only an assigned study that is not signed can be put on hold`);
    }
    if (study.assigned_to !== by.userId) {
      throw new ConflictError('only the radiologist the study is assigned to can put it on hold');
    }
    if (study.held_at !== null) {
      throw new ConflictError(`the study is already on hold since ${study.held_at.toISOString()}`);
    }
    const now = new Date();
    await trx.updateTable('study').set({ held_at: now, updated_at: now }).where('id', '=', studyId).execute();
    const hold = await trx
      .insertInto('study_hold')
      .values({ study_id: studyId, held_by: by.userId, reason: text, held_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: `user:${by.username}`,
      action: 'study.hold',
      studyId,
      detail: { holdId: hold.id },
    });
    return { heldAt: now, study };
  });
  await cancelSlaTimers(deps.queues, studyId);
  await publishStudyEvent(deps.redis, deps.config.queuePrefix, {
    type: 'updated',
    studyId,
    hospitalId: result.study.hospital_id,
    clinicId: result.study.clinic_id,
    userId: result.study.assigned_to,
  });
  deps.metrics.studyHolds.inc({ event: 'hold' });
  deps.logger.info({ studyId }, 'study on hold');
  return { heldAt: result.heldAt };
}

export interface ResumeInput {
  /** `user:<username>`, `clinic:<code>`, or the intake actor when a new image resumed it. */
  actor: string;
  via: 'answer' | 'image';
  /** The clinic's answer; for an image, what arrived. */
  answer: string;
}

/**
 * The clinic answered (or sent a new image): the hold ends and the SLA clock runs again. Target,
 * warning and deadline move later by the time the study was held, the total paused time grows by
 * as much, and the timers not yet fired are armed at the new times. Returns null when the study is
 * not on hold (nothing to resume).
 */
export async function resumeStudy(
  deps: HoldDeps,
  studyId: string,
  input: ResumeInput,
): Promise<{ pausedMs: number; deadlineAt: Date | null } | null> {
  const result = await deps.db.db.transaction().execute(async (trx) => {
    const study = await trx.selectFrom('study').selectAll().where('id', '=', studyId).forUpdate().executeTakeFirst();
    if (study === undefined) throw new NotFoundError(`study ${studyId} not found`);
    if (study.held_at === null) return null;
    const now = new Date();
    const pausedMs = heldFor(study.held_at, now);
    const moved =
      study.target_at !== null && study.warning_at !== null && study.deadline_at !== null
        ? shiftDeadlines(
            { targetAt: study.target_at, warningAt: study.warning_at, deadlineAt: study.deadline_at },
            pausedMs,
          )
        : null;
    await trx
      .updateTable('study')
      .set({
        held_at: null,
        paused_ms: Number(study.paused_ms) + pausedMs,
        updated_at: now,
        ...(moved === null
          ? {}
          : { target_at: moved.targetAt, warning_at: moved.warningAt, deadline_at: moved.deadlineAt }),
      })
      .where('id', '=', studyId)
      .execute();
    const hold = await trx
      .updateTable('study_hold')
      .set({
        answer: input.answer,
        answered_by: input.actor,
        resumed_via: input.via,
        resumed_at: now,
        paused_ms: pausedMs,
      })
      .where('study_id', '=', studyId)
      .where('resumed_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    await recordAudit(trx, {
      actor: input.actor,
      action: 'study.resume',
      studyId,
      detail: { holdId: hold?.id ?? null, via: input.via, pausedMs },
    });
    const fired = await trx.selectFrom('sla_event').select('kind').where('study_id', '=', studyId).execute();
    return { study, moved, pausedMs, fired: fired.map((f) => f.kind as SlaTimerKind) };
  });
  if (result === null) return null;
  const { study, moved, pausedMs, fired } = result;
  if (moved !== null && isOpenForReading(study.status)) {
    await rearmSlaTimers(deps.queues, studyId, moved, { skip: fired });
  }
  await publishStudyEvent(deps.redis, deps.config.queuePrefix, {
    type: 'updated',
    studyId,
    hospitalId: study.hospital_id,
    clinicId: study.clinic_id,
    userId: study.assigned_to,
  });
  deps.metrics.studyHolds.inc({ event: input.via === 'image' ? 'image' : 'answered' });
  deps.logger.info({ studyId, via: input.via, pausedMs }, 'study resumed');
  return { pausedMs, deadlineAt: moved?.deadlineAt ?? null };
}
