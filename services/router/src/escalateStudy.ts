import { DEFAULT_ROUTING_POLICY, isOpenForReading, nextStudyStatus, routeWithRoster } from '@telerad/core';
import { recordAudit } from '@telerad/db';
import { publishStudyEvent } from '@telerad/queue';
import { sql } from 'kysely';
import type { RouterDeps } from './deps.js';
import { loadRoster } from './loadRoster.js';
import { studyNeeds } from './studyNeeds.js';

export type EscalationOutcome =
  | { kind: 'escalated'; hospitalCode: string; assignee: string }
  | { kind: 'not-escalated'; reason: string }
  | { kind: 'skipped' };

/**
 * The study passed its limit unsigned: administrators get an alert, and an unopened study goes to
 * the first upper-level (fallback) hospital, in the serving hospital's order, with a radiologist who
 * may take it. The serving hospital keeps seeing it. An opened study stays with its reader (no
 * surprise reassignment mid-read); the alert says so. Idempotent: alerts are unique per study and
 * kind, and a study escalates once.
 */
export async function escalateStudy(deps: RouterDeps, studyId: string): Promise<EscalationOutcome> {
  const result = await deps.db.db.transaction().execute(async (trx) => {
    const study = await trx.selectFrom('study').selectAll().where('id', '=', studyId).forUpdate().executeTakeFirst();
    if (study === undefined || !isOpenForReading(study.status) || study.held_at !== null) return null;
    const assignee =
      study.assigned_to === null
        ? null
        : await trx.selectFrom('app_user').select('username').where('id', '=', study.assigned_to).executeTakeFirst();
    const alert = (kind: 'breach' | 'escalated' | 'not-escalated', detail: Record<string, unknown>) =>
      trx
        .insertInto('sla_alert')
        .values({ study_id: studyId, kind, hospital_id: study.hospital_id, detail: JSON.stringify(detail) })
        .onConflict((oc) => oc.columns(['study_id', 'kind']).doNothing())
        .returning('id')
        .executeTakeFirst();
    const breach = await alert('breach', {
      priority: study.priority,
      assignee: assignee?.username ?? null,
      opened: study.claimed_at !== null,
    });
    const done = (outcome: EscalationOutcome, escalated?: { fallbackId: string; assigneeId: string }) => ({
      outcome,
      study,
      newBreach: breach !== undefined,
      escalated: escalated ?? null,
    });
    if (study.escalated_to !== null) return done({ kind: 'skipped' });
    const notEscalated = async (reason: string) => {
      const first = await alert('not-escalated', { reason });
      if (first !== undefined) {
        await recordAudit(trx, { actor: 'system:router', action: 'study.not-escalated', studyId, detail: { reason } });
      }
      return done({ kind: 'not-escalated', reason });
    };
    if (study.status === 'reading' || study.claimed_at !== null) {
      return notEscalated(`opened by ${assignee?.username ?? 'a radiologist'}; left with the reader`);
    }
    const fallbacks = await trx
      .selectFrom('hospital_fallback as f')
      .innerJoin('hospital as h', 'h.id', 'f.fallback_hospital_id')
      .select(['h.id', 'h.code'])
      .where('f.hospital_id', '=', study.hospital_id)
      .orderBy('f.rank')
      .execute();
    if (fallbacks.length === 0) return notEscalated('the hospital has no fallback hospital');
    const now = new Date();
    const needs = await studyNeeds(trx, study);
    const refusals: string[] = [];
    for (const fallback of fallbacks) {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`route:${fallback.id}`}))`.execute(trx);
      const { entries, residentsMaySign } = await loadRoster(
        trx,
        { hospitalIds: [fallback.id] },
        now.getTime(),
        deps.readingMinutes,
      );
      const decision = routeWithRoster(
        DEFAULT_ROUTING_POLICY,
        {
          id: study.id,
          priority: study.priority,
          readyAt: (study.ready_at ?? now).getTime(),
          deadlineAt: (study.deadline_at ?? now).getTime(),
          targetAt: (study.target_at ?? study.deadline_at ?? now).getTime(),
          ...needs,
        },
        entries,
        now.getTime(),
        { hospitalIds: [fallback.id], residentsMaySign },
        { readingMinutes: deps.readingMinutes },
      );
      if (decision.assignee === null) {
        refusals.push(`${fallback.code}: ${decision.reason}`);
        continue;
      }
      const to = entries.find((e) => e.member.id === decision.assignee)?.member.username ?? decision.assignee;
      await trx
        .updateTable('study')
        .set({
          status: nextStudyStatus(study.status, 'assign'),
          assigned_to: decision.assignee,
          assigned_at: now,
          unassigned_reason: null,
          escalated_to: fallback.id,
          escalated_at: now,
          reassigned_at: study.assigned_to === null ? null : now,
          reassigned_from: study.assigned_to,
          reassign_reason: 'escalation',
          updated_at: now,
        })
        .where('id', '=', studyId)
        .where('claimed_at', 'is', null)
        .execute();
      const detail = { hospital: fallback.code, assignee: to, from: assignee?.username ?? null };
      await alert('escalated', detail);
      await recordAudit(trx, { actor: 'system:router', action: 'study.escalated', studyId, detail });
      return done(
        { kind: 'escalated', hospitalCode: fallback.code, assignee: to },
        { fallbackId: fallback.id, assigneeId: decision.assignee },
      );
    }
    return notEscalated(`no fallback hospital can take it (${refusals.join('; ')})`);
  });
  if (result === null) return { kind: 'skipped' };
  const { study, outcome, escalated } = result;
  const event = { studyId, clinicId: study.clinic_id, previousUserId: study.assigned_to };
  const prefix = deps.config.queuePrefix;
  if (result.newBreach) {
    await publishStudyEvent(deps.redis, prefix, {
      ...event,
      type: 'breach',
      hospitalId: study.hospital_id,
      userId: study.assigned_to,
    });
  }
  if (outcome.kind !== 'skipped') deps.metrics.studyMoves.inc({ reason: 'escalation', outcome: outcome.kind });
  if (outcome.kind === 'escalated' && escalated !== null) {
    // Both the serving hospital and the fallback hospital hear it.
    for (const hospitalId of [study.hospital_id, escalated.fallbackId]) {
      await publishStudyEvent(deps.redis, prefix, {
        ...event,
        type: 'escalated',
        hospitalId,
        userId: escalated.assigneeId,
      });
    }
    deps.logger.warn({ studyId, hospital: outcome.hospitalCode, assignee: outcome.assignee }, 'study escalated');
  } else if (outcome.kind === 'not-escalated') {
    deps.logger.warn({ studyId, reason: outcome.reason }, 'study not escalated');
  }
  return outcome;
}
