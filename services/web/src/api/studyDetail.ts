import { NotFoundError, type Principal } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { sql } from 'kysely';
import { assertStudyId } from './loadStudyForUpdate.js';
import { selectStudySummaries, toStudySummary } from './studyQueries.js';
import { assertCanSee } from './tenancy.js';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** GET /api/studies/:id — the study, its series, its current report and its deliveries. */
export async function loadStudyDetail(db: DbHandle, principal: Principal, studyId: string) {
  assertStudyId(studyId);
  const row = await selectStudySummaries(db).where('s.id', '=', studyId).executeTakeFirst();
  if (row === undefined) throw new NotFoundError(`study ${studyId} not found`);
  assertCanSee(principal, row);
  const series = await db.db
    .selectFrom('series as se')
    .leftJoin('instance as i', 'i.series_id', 'se.id')
    .select([
      'se.id',
      'se.series_instance_uid',
      'se.modality',
      'se.series_number',
      'se.series_description',
      sql<number>`count(i.id)::int`.as('instance_count'),
    ])
    .where('se.study_id', '=', studyId)
    .groupBy(['se.id', 'se.series_instance_uid', 'se.modality', 'se.series_number', 'se.series_description'])
    .orderBy('se.series_number')
    .execute();
  const instances = await db.db
    .selectFrom('instance')
    .select([
      'series_id',
      'sop_instance_uid',
      'instance_number',
      'rows',
      'columns',
      'number_of_frames',
      'preview_status',
      'preview_error',
      'preview_message',
    ])
    .where('study_id', '=', studyId)
    .orderBy('instance_number')
    .orderBy('sop_instance_uid')
    .execute();
  const report = await db.db
    .selectFrom('report as r')
    .innerJoin('app_user as au', 'au.id', 'r.author_id')
    .leftJoin('app_user as su', 'su.id', 'r.signed_by')
    .select([
      'r.version',
      'r.status',
      'r.findings',
      'r.impression',
      'r.critical',
      'r.signed_at',
      'r.updated_at',
      'au.username as author_username',
      'au.name_zh as author_zh',
      'au.name_en as author_en',
      'su.username as signer_username',
      'su.name_zh as signer_zh',
      'su.name_en as signer_en',
    ])
    .where('r.study_id', '=', studyId)
    .orderBy('r.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const deliveries = await db.db
    .selectFrom('delivery')
    .selectAll()
    .where('study_id', '=', studyId)
    .orderBy('created_at')
    .execute();
  const holds = await db.db
    .selectFrom('study_hold as h')
    .innerJoin('app_user as u', 'u.id', 'h.held_by')
    .select([
      'h.held_at',
      'h.reason',
      'h.answer',
      'h.answered_by',
      'h.resumed_via',
      'h.resumed_at',
      'h.paused_ms',
      'u.username',
      'u.name_zh',
      'u.name_en',
    ])
    .where('h.study_id', '=', studyId)
    .orderBy('h.held_at')
    .execute();
  return {
    study: {
      ...toStudySummary(row),
      series: series.map((s) => ({
        seriesInstanceUid: s.series_instance_uid,
        modality: s.modality,
        seriesNumber: s.series_number,
        seriesDescription: s.series_description,
        instanceCount: s.instance_count,
        instances: instances
          .filter((i) => i.series_id === s.id)
          .map((i) => ({
            sopInstanceUid: i.sop_instance_uid,
            instanceNumber: i.instance_number,
            rows: i.rows,
            columns: i.columns,
            frames: i.number_of_frames,
            // pending until the render job stored its previews; failed names the imaging reason.
            preview:
              i.preview_status === 'failed'
                ? { status: 'failed' as const, reason: i.preview_error, message: i.preview_message }
                : { status: i.preview_status },
          })),
      })),
    },
    report:
      report === undefined
        ? null
        : {
            version: report.version,
            status: report.status,
            findings: report.findings,
            impression: report.impression,
            critical: report.critical,
            author: { username: report.author_username, name: { zh: report.author_zh, en: report.author_en } },
            signedBy:
              report.signer_username === null
                ? null
                : {
                    username: report.signer_username,
                    name: { zh: report.signer_zh ?? '', en: report.signer_en ?? '' },
                  },
            signedAt: iso(report.signed_at),
            updatedAt: report.updated_at.toISOString(),
          },
    /** Every question the radiologist asked the clinic, oldest first, with the answer. */
    holds: holds.map((h) => ({
      heldAt: h.held_at.toISOString(),
      reason: h.reason,
      by: { username: h.username, name: { zh: h.name_zh, en: h.name_en } },
      answer: h.answer,
      answeredBy: h.answered_by,
      resumedVia: h.resumed_via,
      resumedAt: iso(h.resumed_at),
      pausedMinutes: h.paused_ms === null ? null : Math.round(Number(h.paused_ms) / 6_000) / 10,
    })),
    deliveries: deliveries.map((d) => ({
      channel: d.channel,
      target: d.target,
      status: d.status,
      attempts: d.attempts,
      lastError: d.last_error,
      lastAttemptAt: iso(d.last_attempt_at),
      deliveredAt: iso(d.delivered_at),
    })),
  };
}
