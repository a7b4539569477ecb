import {
  ConflictError,
  computeDeadline,
  DEFAULT_ROUTING_POLICY,
  isPriorityRaise,
  NotFoundError,
  type Priority,
  routeWithRoster,
  shiftDeadlines,
} from '@telerad/core';
import { recordAudit } from '@telerad/db';
import { enqueueRoute, publishStudyEvent, rearmSlaTimers, type SlaTimerKind } from '@telerad/queue';
import { sql } from 'kysely';
import type { RouterDeps } from './deps.js';
import { loadRoster } from './loadRoster.js';
import { studyNeeds } from './studyNeeds.js';

export interface PriorityRaise {
  from: Priority;
  to: Priority;
  deadlineAt: Date | null;
  /** The radiologist the unopened study moved to, when the policy prefers another one now. */
  movedTo: string | null;
}

/**
 * The clinic raises a study's priority (never lowers it). The deadlines are computed again from the
 * time the study was complete under the new priority's rule (paused time still excluded), the SLA
 * timers are armed at the new times, and an unopened study moves to another radiologist when the
 * routing policy now prefers one; a waiting study is offered to the router again. Audited.
 */
export async function raisePriority(
  deps: RouterDeps,
  studyId: string,
  to: Priority,
  actor: string,
): Promise<PriorityRaise> {
  const result = await deps.db.db.transaction().execute(async (trx) => {
    const head = await trx
      .selectFrom('study')
      .select(['hospital_id', 'escalated_to'])
      .where('id', '=', studyId)
      .executeTakeFirst();
    if (head === undefined) throw new NotFoundError(`study ${studyId} not found`);
    const pool = head.escalated_to ?? head.hospital_id;
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`route:${pool}`}))`.execute(trx);
    const study = await trx
      .selectFrom('study')
      .selectAll()
      .where('id', '=', studyId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (study.status === 'signed') throw new ConflictError('the report is already signed; the priority cannot change');
    if (!isPriorityRaise(study.priority, to)) {
      throw new ConflictError(
        study.priority === to
          ? `the study is already ${to}`
          : `the priority can only be raised: the study is ${study.priority}, which is more urgent than ${to}`,
      );
    }
    const now = new Date();
    const deadlines =
      study.ready_at === null
        ? null
        : shiftDeadlines(computeDeadline(study.ready_at, to, deps.slaPolicy), Number(study.paused_ms));
    await trx
      .updateTable('study')
      .set({
        priority: to,
        priority_raised_at: now,
        priority_raised_from: study.priority,
        updated_at: now,
        ...(deadlines === null
          ? {}
          : { target_at: deadlines.targetAt, warning_at: deadlines.warningAt, deadline_at: deadlines.deadlineAt }),
      })
      .where('id', '=', studyId)
      .execute();
    await recordAudit(trx, {
      actor,
      action: 'study.priority-raised',
      studyId,
      detail: { from: study.priority, to },
    });
    let movedTo: { id: string; username: string; fromUsername: string } | null = null;
    const unopened =
      study.status === 'assigned' && study.claimed_at === null && study.held_at === null && study.assigned_to !== null;
    if (unopened && deadlines !== null && study.assigned_to !== null) {
      const current = study.assigned_to;
      const { entries, residentsMaySign } = await loadRoster(
        trx,
        { hospitalIds: [pool] },
        now.getTime(),
        deps.readingMinutes,
      );
      // Judge every radiologist as if the study were not yet anyone's.
      const without = entries.map((e) => ({
        member: e.member.id === current ? { ...e.member, openCount: Math.max(0, e.member.openCount - 1) } : e.member,
        routing: { ...e.routing, queue: e.routing.queue.filter((q) => q.studyId !== studyId) },
      }));
      const decision = routeWithRoster(
        DEFAULT_ROUTING_POLICY,
        {
          id: study.id,
          priority: to,
          readyAt: (study.ready_at ?? now).getTime(),
          deadlineAt: deadlines.deadlineAt.getTime(),
          targetAt: deadlines.targetAt.getTime(),
          ...(await studyNeeds(trx, study)),
        },
        without,
        now.getTime(),
        { hospitalIds: [pool], residentsMaySign },
        { readingMinutes: deps.readingMinutes },
      );
      if (decision.assignee !== null && decision.assignee !== current) {
        const name = (id: string) => entries.find((e) => e.member.id === id)?.member.username ?? id;
        await trx
          .updateTable('study')
          .set({
            assigned_to: decision.assignee,
            assigned_at: now,
            reassigned_at: now,
            reassigned_from: current,
            reassign_reason: 'priority',
          })
          .where('id', '=', studyId)
          .execute();
        movedTo = { id: decision.assignee, username: name(decision.assignee), fromUsername: name(current) };
        await recordAudit(trx, {
          actor: 'system:router',
          action: 'study.reassigned',
          studyId,
          detail: { from: movedTo.fromUsername, to: movedTo.username, reason: 'priority' },
        });
      }
    }
    const fired = await trx.selectFrom('sla_event').select('kind').where('study_id', '=', studyId).execute();
    return { study, deadlines, movedTo, fired: fired.map((f) => f.kind as SlaTimerKind) };
  });
  const { study, deadlines, movedTo, fired } = result;
  const prefix = deps.config.queuePrefix;
  if (deadlines !== null && study.held_at === null) {
    await rearmSlaTimers(deps.queues, studyId, deadlines, { skip: fired });
  }
  if (study.status === 'ready' && study.assigned_to === null) await enqueueRoute(deps.queues, studyId, 'reconcile');
  const event = { studyId, hospitalId: study.hospital_id, clinicId: study.clinic_id };
  await publishStudyEvent(deps.redis, prefix, { ...event, type: 'updated', userId: movedTo?.id ?? study.assigned_to });
  if (movedTo !== null) {
    await publishStudyEvent(deps.redis, prefix, {
      ...event,
      type: 'reassigned',
      userId: movedTo.id,
      previousUserId: study.assigned_to,
    });
    deps.metrics.studyMoves.inc({ reason: 'priority', outcome: 'reassigned' });
  }
  deps.metrics.priorityRaises.inc({ from: study.priority, to });
  deps.logger.info(
    { studyId, from: study.priority, to, ...(movedTo === null ? {} : { movedTo: movedTo.username }) },
    'priority raised',
  );
  return { from: study.priority, to, deadlineAt: deadlines?.deadlineAt ?? null, movedTo: movedTo?.username ?? null };
}
