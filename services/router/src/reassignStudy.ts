import { DEFAULT_ROUTING_POLICY, nextStudyStatus, routeWithRoster } from '@telerad/core';
import { recordAudit } from '@telerad/db';
import { publishStudyEvent } from '@telerad/queue';
import { sql } from 'kysely';
import type { RouterDeps } from './deps.js';
import { loadRoster } from './loadRoster.js';
import { studyNeeds } from './studyNeeds.js';

/** Why an unopened study moves: the SLA warning, or its radiologist can no longer read it. */
export type ReassignReason = 'sla-warning' | 'off-duty' | 'off-shift' | 'absent';

export interface ReassignOptions {
  /** The radiologist the study is taken from; nothing moves if it is no longer theirs and unopened. */
  from: string;
  reason: ReassignReason;
  /** Only to a radiologist with the worklist open. */
  presentOnly?: boolean;
  /** With nobody to take it, unassign it (it waits with the reason) rather than leave it where it is. */
  unassignIfNone?: boolean;
}

export type ReassignOutcome =
  | { kind: 'reassigned'; to: string; toUsername: string }
  | { kind: 'unassigned'; reason: string }
  | { kind: 'kept'; reason: string }
  | { kind: 'skipped' };

/**
 * Moves an assigned, unopened study away from `from` to another eligible radiologist of the hospital
 * now responsible for it (the fallback hospital once escalated), chosen by the routing policy. The
 * update is conditional (still `from`'s and unopened), under the hospital's routing lock, so several
 * routers or a radiologist opening it at the same moment never double it. Records who, when and why,
 * and tells both radiologists' worklists.
 */
export async function reassignStudy(
  deps: RouterDeps,
  studyId: string,
  options: ReassignOptions,
): Promise<ReassignOutcome> {
  const result = await deps.db.db.transaction().execute(async (trx) => {
    const head = await trx
      .selectFrom('study')
      .select(['hospital_id', 'escalated_to'])
      .where('id', '=', studyId)
      .executeTakeFirst();
    if (head === undefined) return { outcome: { kind: 'skipped' } as const };
    const pool = head.escalated_to ?? head.hospital_id;
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`route:${pool}`}))`.execute(trx);
    const study = await trx
      .selectFrom('study')
      .selectAll()
      .where('id', '=', studyId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (
      study.status !== 'assigned' ||
      study.claimed_at !== null ||
      study.assigned_to !== options.from ||
      study.held_at !== null
    ) {
      return { outcome: { kind: 'skipped' } as const };
    }
    const now = new Date();
    const { entries, residentsMaySign } = await loadRoster(
      trx,
      { hospitalIds: [pool] },
      now.getTime(),
      deps.readingMinutes,
    );
    const readyAt = study.ready_at ?? now;
    const decision = routeWithRoster(
      DEFAULT_ROUTING_POLICY,
      {
        id: study.id,
        priority: study.priority,
        readyAt: readyAt.getTime(),
        deadlineAt: (study.deadline_at ?? now).getTime(),
        targetAt: (study.target_at ?? study.deadline_at ?? now).getTime(),
        ...(await studyNeeds(trx, study)),
      },
      entries,
      now.getTime(),
      { hospitalIds: [pool], residentsMaySign, exclude: [options.from] },
      { readingMinutes: deps.readingMinutes, presentOnly: options.presentOnly === true },
    );
    const fromUsername = entries.find((e) => e.member.id === options.from)?.member.username ?? options.from;
    const base = { study, pool, fromUsername };
    const moved = {
      reassigned_at: now,
      reassigned_from: options.from,
      reassign_reason: options.reason,
      updated_at: now,
    };
    if (decision.assignee !== null) {
      const toUsername = entries.find((e) => e.member.id === decision.assignee)?.member.username ?? decision.assignee;
      await trx
        .updateTable('study')
        .set({ ...moved, assigned_to: decision.assignee, assigned_at: now, unassigned_reason: null })
        .where('id', '=', studyId)
        .where('assigned_to', '=', options.from)
        .where('claimed_at', 'is', null)
        .execute();
      await recordAudit(trx, {
        actor: 'system:router',
        action: 'study.reassigned',
        studyId,
        detail: { from: fromUsername, to: toUsername, reason: options.reason },
      });
      return { ...base, outcome: { kind: 'reassigned', to: decision.assignee, toUsername } as const };
    }
    if (options.unassignIfNone === true) {
      await trx
        .updateTable('study')
        .set({
          ...moved,
          status: nextStudyStatus(study.status, 'unassign'),
          assigned_to: null,
          assigned_at: null,
          unassigned_reason: decision.reason,
        })
        .where('id', '=', studyId)
        .where('assigned_to', '=', options.from)
        .where('claimed_at', 'is', null)
        .execute();
      await recordAudit(trx, {
        actor: 'system:router',
        action: 'study.unassigned',
        studyId,
        detail: { from: fromUsername, reason: decision.reason, because: options.reason },
      });
      return { ...base, outcome: { kind: 'unassigned', reason: decision.reason } as const };
    }
    if (options.reason === 'sla-warning') {
      await recordAudit(trx, {
        actor: 'system:router',
        action: 'study.not-reassigned',
        studyId,
        detail: { assignee: fromUsername, reason: decision.reason, because: options.reason },
      });
    }
    return { ...base, outcome: { kind: 'kept', reason: decision.reason } as const };
  });
  const { outcome } = result;
  if ('study' in result && outcome.kind !== 'kept' && outcome.kind !== 'skipped') {
    const { study, pool } = result;
    await publishStudyEvent(deps.redis, deps.config.queuePrefix, {
      type: outcome.kind,
      studyId,
      hospitalId: pool,
      clinicId: study.clinic_id,
      userId: outcome.kind === 'reassigned' ? outcome.to : null,
      previousUserId: options.from,
    });
    deps.metrics.studyMoves.inc({ reason: options.reason, outcome: outcome.kind });
    deps.logger.info(
      {
        studyId,
        from: result.fromUsername,
        reason: options.reason,
        ...(outcome.kind === 'reassigned' ? { to: outcome.toUsername } : { unassigned: outcome.reason }),
      },
      outcome.kind === 'reassigned' ? 'study reassigned' : 'study unassigned',
    );
  }
  return outcome;
}
