import { computeDeadline, DEFAULT_ROUTING_POLICY, nextStudyStatus, routeWithRoster } from '@telerad/core';
import { recordAudit } from '@telerad/db';
import { publishStudyEvent, scheduleSlaTimers } from '@telerad/queue';
import { sql } from 'kysely';
import type { RouterDeps } from './deps.js';
import { loadRoster } from './loadRoster.js';
import { studyNeeds } from './studyNeeds.js';

export type RouteOutcome =
  | { kind: 'assigned'; assignee: string; assigneeId: string; deadlineAt: Date }
  | { kind: 'unassigned'; reason: string; deadlineAt: Date }
  | { kind: 'skipped'; status: string };

/**
 * Sets the deadline of a ready study and assigns it to an on-duty radiologist of the clinic's
 * hospital chosen by the deadline-aware policy (the fewest expected breaches once it joins their
 * queue; see docs/routing.md). Idempotent: a study already assigned
 * (by a retry or another router process) is left as it is. Assignments in one hospital are serialised
 * by an advisory lock so two routers never decide on stale loads at once.
 */
export async function execRouteJob(studyId: string, deps: RouterDeps): Promise<RouteOutcome> {
  const outcome = await deps.db.db.transaction().execute(async (trx) => {
    const head = await trx.selectFrom('study').select(['hospital_id']).where('id', '=', studyId).executeTakeFirst();
    if (head === undefined) return { kind: 'skipped', status: 'missing' } as const;
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`route:${head.hospital_id}`}))`.execute(trx);
    const study = await trx
      .selectFrom('study')
      .selectAll()
      .where('id', '=', studyId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (study.status !== 'ready' || study.assigned_to !== null)
      return { kind: 'skipped', status: study.status } as const;

    const readyAt = study.ready_at ?? new Date();
    const deadlines = computeDeadline(readyAt, study.priority, deps.slaPolicy);
    const now = new Date();
    // The roster (duty, shift, title, qualification, cap; presence preferred) says who may take it.
    const { entries, residentsMaySign } = await loadRoster(
      trx,
      { hospitalIds: [study.hospital_id] },
      now.getTime(),
      deps.readingMinutes,
    );
    const decision = routeWithRoster(
      DEFAULT_ROUTING_POLICY,
      {
        id: study.id,
        priority: study.priority,
        readyAt: readyAt.getTime(),
        deadlineAt: deadlines.deadlineAt.getTime(),
        targetAt: deadlines.targetAt.getTime(),
        ...(await studyNeeds(trx, study)),
      },
      entries,
      now.getTime(),
      { hospitalIds: [study.hospital_id], residentsMaySign },
      { readingMinutes: deps.readingMinutes },
    );
    const roster = entries.map((e) => e.routing);
    const base = {
      ready_at: readyAt,
      target_at: deadlines.targetAt,
      warning_at: deadlines.warningAt,
      deadline_at: deadlines.deadlineAt,
      updated_at: now,
    };
    if (decision.assignee === null) {
      const { reason } = decision;
      await trx
        .updateTable('study')
        .set({ ...base, unassigned_reason: reason })
        .where('id', '=', studyId)
        .execute();
      await recordAudit(trx, { actor: 'system:router', action: 'study.unassigned', studyId, detail: { reason } });
      return { kind: 'unassigned', reason, deadlineAt: deadlines.deadlineAt } as const;
    }
    await trx
      .updateTable('study')
      .set({
        ...base,
        status: nextStudyStatus(study.status, 'assign'),
        assigned_to: decision.assignee,
        assigned_at: now,
        unassigned_reason: null,
      })
      .where('id', '=', studyId)
      .execute();
    const assignee = roster.find((r) => r.id === decision.assignee)?.username ?? decision.assignee;
    await recordAudit(trx, {
      actor: 'system:router',
      action: 'study.assigned',
      studyId,
      detail: { assignee },
    });
    return {
      kind: 'assigned',
      assignee,
      assigneeId: decision.assignee,
      deadlineAt: deadlines.deadlineAt,
    } as const;
  });
  if (outcome.kind !== 'skipped') {
    const study = await deps.db.db
      .selectFrom('study')
      .select(['warning_at', 'deadline_at', 'hospital_id', 'clinic_id'])
      .where('id', '=', studyId)
      .executeTakeFirstOrThrow();
    if (study.warning_at !== null && study.deadline_at !== null) {
      await scheduleSlaTimers(deps.queues, studyId, { warningAt: study.warning_at, deadlineAt: study.deadline_at });
    }
    await publishStudyEvent(deps.redis, deps.config.queuePrefix, {
      type: outcome.kind,
      studyId,
      hospitalId: study.hospital_id,
      clinicId: study.clinic_id,
      userId: outcome.kind === 'assigned' ? outcome.assigneeId : null,
    });
    deps.logger.info(
      { studyId, outcome: outcome.kind, ...(outcome.kind === 'assigned' ? { assignee: outcome.assignee } : {}) },
      'study routed',
    );
  }
  return outcome;
}
