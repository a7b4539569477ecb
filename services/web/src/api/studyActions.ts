import {
  ConflictError,
  computeDeadline,
  nextStudyStatus,
  type Principal,
  type Priority,
  ValidationError,
} from '@telerad/core';
import { type Database, type Report, recordAudit } from '@telerad/db';
import { sendingClinicOfPrincipal } from '@telerad/ingest';
import {
  cancelSlaTimers,
  enqueueDelivery,
  enqueueRoute,
  publishStudyEvent,
  type StudyEventType,
  scheduleSlaTimers,
} from '@telerad/queue';
import type { Runtime } from '@telerad/runtime';
import { sql, type Transaction } from 'kysely';
import { assertStudyId, loadStudyForUpdate } from './loadStudyForUpdate.js';
import { radiologistOf } from './tenancy.js';
import { assertMayOpen } from './worklistPlan.js';

type Deps = Pick<Runtime, 'db' | 'queues' | 'redis' | 'logger' | 'metrics' | 'config' | 'slaPolicy' | 'readingMinutes'>;

/** The clinic says the study is complete: the SLA clock starts now and the router takes it. */
export async function submitStudy(deps: Deps, principal: Principal, studyId: string): Promise<void> {
  const sender = sendingClinicOfPrincipal(principal);
  assertStudyId(studyId);
  const changed =
    (await submitInOneStatement(deps, sender, studyId)) ?? (await submitChecked(deps, principal, studyId));
  if (changed !== null) {
    deps.metrics.studiesReady.inc({ priority: changed.priority });
    await enqueueRoute(deps.queues, studyId, 'submitted');
    await publish(deps, 'updated', changed, null);
  }
}

/**
 * The usual submit — the sending clinic's own study, still receiving — in one statement: status,
 * ready time and the audit event together, one round trip instead of five (a clinic waits on it, and
 * during an intake burst every round trip costs). Undefined when the study is not such a study; the
 * checked path then says why, or does nothing for a study already submitted.
 */
async function submitInOneStatement(
  deps: Deps,
  sender: { clinicId: string; actor: string },
  studyId: string,
): Promise<SubmittedStudy | undefined> {
  const now = new Date();
  return deps.db.db
    .with('submitted', (db) =>
      db
        .updateTable('study')
        .set({ status: nextStudyStatus('receiving', 'complete'), ready_at: now, updated_at: now })
        .where('id', '=', studyId)
        .where('clinic_id', '=', sender.clinicId)
        .where('status', '=', 'receiving')
        .returning(['id', 'hospital_id', 'clinic_id', 'priority']),
    )
    .with('audited', (db) =>
      db
        .insertInto('audit_event')
        .columns(['actor', 'action', 'study_id'])
        .expression((eb) =>
          eb
            .selectFrom('submitted')
            .select((s) => [s.val(sender.actor).as('actor'), s.val('study.submit').as('action'), 'submitted.id']),
        ),
    )
    .selectFrom('submitted')
    .selectAll()
    .executeTakeFirst();
}

type SubmittedStudy = { id: string; hospital_id: string; clinic_id: string; priority: Priority };

/** Submit with the study locked and the caller's right to it checked: not found, not theirs, or done. */
async function submitChecked(deps: Deps, principal: Principal, studyId: string): Promise<SubmittedStudy | null> {
  return deps.db.db.transaction().execute(async (trx) => {
    const study = await loadStudyForUpdate(trx, principal, studyId);
    if (study.status !== 'receiving') return null; // already complete: submitting twice is harmless
    await trx
      .updateTable('study')
      .set({ status: nextStudyStatus(study.status, 'complete'), ready_at: new Date(), updated_at: new Date() })
      .where('id', '=', studyId)
      .execute();
    await audit(trx, principal, 'study.submit', studyId);
    return study;
  });
}

/** A radiologist takes the study: nobody else can write its report until it is released. */
export async function claimStudy(deps: Deps, principal: Principal, studyId: string): Promise<void> {
  const me = radiologistOf(principal);
  const claimed = await deps.db.db.transaction().execute(async (trx) => {
    const study = await loadStudyForUpdate(trx, principal, studyId);
    if (study.status === 'reading' && study.assigned_to === me.userId) return null;
    if (study.status === 'reading') throw new ConflictError('another radiologist is already reading this study');
    const status = nextStudyStatus(study.status, 'claim');
    const now = new Date();
    await assertMayOpen(trx, me, study, now.getTime(), deps.readingMinutes);
    // Opened before the router got to it: the SLA clock still runs from ready, so the deadline is set
    // here (the route job skips a study no longer waiting).
    const deadlines =
      study.deadline_at === null && study.ready_at !== null
        ? computeDeadline(study.ready_at, study.priority, deps.slaPolicy)
        : null;
    await trx
      .updateTable('study')
      .set({
        status,
        assigned_to: me.userId,
        assigned_at: study.assigned_to === me.userId ? (study.assigned_at ?? now) : now,
        claimed_at: now,
        updated_at: now,
        ...(deadlines === null
          ? {}
          : { target_at: deadlines.targetAt, warning_at: deadlines.warningAt, deadline_at: deadlines.deadlineAt }),
      })
      .where('id', '=', studyId)
      .execute();
    await audit(trx, principal, 'study.claim', studyId);
    return { study, deadlines };
  });
  if (claimed === null) return;
  if (claimed.deadlines !== null) await scheduleSlaTimers(deps.queues, studyId, claimed.deadlines);
  await publish(deps, 'updated', claimed.study, me.userId);
}

export async function releaseStudy(deps: Deps, principal: Principal, studyId: string): Promise<void> {
  const me = radiologistOf(principal);
  const released = await deps.db.db.transaction().execute(async (trx) => {
    const study = await loadStudyForUpdate(trx, principal, studyId);
    if (study.assigned_to !== me.userId || study.status !== 'reading') {
      throw new ConflictError('you are not reading this study');
    }
    await trx
      .updateTable('study')
      .set({ status: nextStudyStatus(study.status, 'release'), claimed_at: null, updated_at: new Date() })
      .where('id', '=', studyId)
      .execute();
    await audit(trx, principal, 'study.release', studyId);
    return study;
  });
  await publish(deps, 'updated', released, me.userId);
}

export interface ReportInput {
  findings: string;
  impression: string;
  critical: boolean;
}

/** Saves the draft of the reading radiologist; a signed report is never edited in place. */
export async function saveDraft(
  deps: Deps,
  principal: Principal,
  studyId: string,
  input: ReportInput,
): Promise<Report> {
  const me = radiologistOf(principal);
  return deps.db.db.transaction().execute(async (trx) => {
    const { draft } = await loadDraftForReader(trx, principal, studyId, me.userId, 'write');
    if (draft !== undefined) {
      return trx
        .updateTable('report')
        .set({ ...input, author_id: me.userId, updated_at: new Date() })
        .where('id', '=', draft.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const last = await trx
      .selectFrom('report')
      .select(sql<number>`coalesce(max(version), 0)`.as('v'))
      .where('study_id', '=', studyId)
      .executeTakeFirstOrThrow();
    return trx
      .insertInto('report')
      .values({ study_id: studyId, version: Number(last.v) + 1, status: 'draft', ...input, author_id: me.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/**
 * Signs the draft: the report becomes final, the SLA clock stops, the timers are cancelled and the
 * report goes back to the clinic.
 */
export async function signReport(deps: Deps, principal: Principal, studyId: string): Promise<Report> {
  const me = radiologistOf(principal);
  const result = await deps.db.db.transaction().execute(async (trx) => {
    const { study, draft } = await loadDraftForReader(trx, principal, studyId, me.userId, 'sign');
    if (draft === undefined) throw new ConflictError('there is no draft to sign; save the report first');
    if (study.held_at !== null) {
      throw new ConflictError(
        'the study is on hold waiting for the clinic; withdraw the question (resume) before signing',
      );
    }
    if (draft.impression.trim() === '')
      throw new ValidationError('the impression (诊断意见) is empty; a report needs one');
    const now = new Date();
    const report = await trx
      .updateTable('report')
      .set({ status: 'final', signed_by: me.userId, signed_at: now, updated_at: now })
      .where('id', '=', draft.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('study')
      .set({ status: nextStudyStatus(study.status, 'sign'), signed_at: now, updated_at: now })
      .where('id', '=', studyId)
      .execute();
    const clinic = await trx
      .selectFrom('clinic')
      .select(['webhook_url'])
      .where('id', '=', study.clinic_id)
      .executeTakeFirstOrThrow();
    const delivery =
      clinic.webhook_url === null
        ? undefined
        : await trx
            .insertInto('delivery')
            .values({
              study_id: studyId,
              report_id: report.id,
              channel: 'webhook',
              target: clinic.webhook_url,
              status: 'pending',
            })
            .returning('id')
            .executeTakeFirstOrThrow();
    await audit(trx, principal, 'report.sign', studyId, { version: report.version, critical: report.critical });
    return { report, study, deliveryId: delivery?.id };
  });
  const { study, report, deliveryId } = result;
  if (study.ready_at !== null) {
    deps.metrics.readyToSignedMinutes.observe(
      { priority: study.priority },
      (now(report).getTime() - study.ready_at.getTime()) / 60_000,
    );
  }
  deps.metrics.studiesSigned.inc({ priority: study.priority });
  await cancelSlaTimers(deps.queues, studyId);
  if (deliveryId !== undefined) await enqueueDelivery(deps.queues, deliveryId, deps.config.deliveryRetryDelaysMs);
  await publish(deps, 'signed', study, me.userId);
  deps.logger.info({ studyId, reportVersion: report.version }, 'report signed');
  return report;
}

/**
 * The study, locked, and its current draft, for the radiologist who is reading it. A signed report
 * is never edited in place; only the reader writes or signs.
 */
async function loadDraftForReader(
  trx: Transaction<Database>,
  principal: Principal,
  studyId: string,
  readerId: string,
  action: 'write' | 'sign',
) {
  const study = await loadStudyForUpdate(trx, principal, studyId);
  if (study.status === 'signed') {
    throw new ConflictError(
      action === 'write' ? 'the report is signed; a signed report cannot be edited' : 'the report is already signed',
    );
  }
  if (study.status !== 'reading' || study.assigned_to !== readerId) {
    throw new ConflictError(`claim the study before ${action === 'write' ? 'writing' : 'signing'} its report`);
  }
  const draft = await trx
    .selectFrom('report')
    .selectAll()
    .where('study_id', '=', studyId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return { study, draft };
}

function audit(
  trx: Transaction<Database>,
  principal: Principal,
  action: string,
  studyId: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const actor = principal.kind === 'user' ? `user:${principal.username}` : `clinic:${principal.clinicCode}`;
  return recordAudit(trx, { actor, action, studyId, detail });
}

function now(report: Report): Date {
  return report.signed_at ?? new Date();
}

/** Tells open worklists and study lists of the change (ids only; see @telerad/queue events). */
function publish(
  deps: Deps,
  type: StudyEventType,
  study: { id: string; hospital_id: string; clinic_id: string },
  userId: string | null,
): Promise<void> {
  return publishStudyEvent(deps.redis, deps.config.queuePrefix, {
    type,
    studyId: study.id,
    hospitalId: study.hospital_id,
    clinicId: study.clinic_id,
    userId,
  });
}
