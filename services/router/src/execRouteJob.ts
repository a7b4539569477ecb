import { computeDeadline, nextStudyStatus, type Priority, pickRadiologist } from '@telerad/core';
import { recordAudit } from '@telerad/db';
import { scheduleSlaTimers } from '@telerad/queue';
import { sql } from 'kysely';
import type { RouterDeps } from './deps.js';

export type RouteOutcome =
  | { kind: 'assigned'; assignee: string; deadlineAt: Date }
  | { kind: 'unassigned'; reason: string; deadlineAt: Date }
  | { kind: 'skipped'; status: string };

/**
 * Sets the deadline of a ready study and assigns it to the on-duty radiologist of the clinic's
 * hospital with the least urgency-weighted outstanding work. Idempotent: a study already assigned
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
    const candidates = await trx
      .selectFrom('app_user as u')
      .leftJoin('study as s', (join) =>
        join.onRef('s.assigned_to', '=', 'u.id').on('s.status', 'in', ['assigned', 'reading']),
      )
      .select([
        'u.id',
        'u.username',
        sql<Priority[]>`coalesce(array_agg(s.priority) FILTER (WHERE s.id IS NOT NULL), '{}')`.as('outstanding'),
      ])
      .where('u.role', '=', 'radiologist')
      .where('u.on_duty', '=', true)
      .where('u.hospital_id', '=', study.hospital_id)
      .groupBy(['u.id', 'u.username'])
      .execute();
    const chosen = pickRadiologist(
      candidates.map((c) => ({ userId: c.id, username: c.username, outstanding: parsePgArray(c.outstanding) })),
    );
    const now = new Date();
    const base = {
      ready_at: readyAt,
      target_at: deadlines.targetAt,
      warning_at: deadlines.warningAt,
      deadline_at: deadlines.deadlineAt,
      updated_at: now,
    };
    if (chosen === null) {
      const reason = 'no radiologist of the hospital is on duty';
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
        assigned_to: chosen.userId,
        assigned_at: now,
        unassigned_reason: null,
      })
      .where('id', '=', studyId)
      .execute();
    await recordAudit(trx, {
      actor: 'system:router',
      action: 'study.assigned',
      studyId,
      detail: { assignee: chosen.username },
    });
    return { kind: 'assigned', assignee: chosen.username, deadlineAt: deadlines.deadlineAt } as const;
  });
  if (outcome.kind !== 'skipped') {
    const study = await deps.db.db
      .selectFrom('study')
      .select(['warning_at', 'deadline_at'])
      .where('id', '=', studyId)
      .executeTakeFirstOrThrow();
    if (study.warning_at !== null && study.deadline_at !== null) {
      await scheduleSlaTimers(deps.queues, studyId, { warningAt: study.warning_at, deadlineAt: study.deadline_at });
    }
    deps.logger.info(
      { studyId, outcome: outcome.kind, ...(outcome.kind === 'assigned' ? { assignee: outcome.assignee } : {}) },
      'study routed',
    );
  }
  return outcome;
}

/** node-postgres parses text[] into arrays, PGlite too; guard against the literal form anyway. */
function parsePgArray(value: Priority[] | string): Priority[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter((v) => v.length > 0) as Priority[];
}
