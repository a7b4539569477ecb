import { STUDY_STATUSES } from '@telerad/core';
import type { Runtime } from '@telerad/runtime';
import { Router } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth/authenticate.js';
import { parseBody } from '../parseBody.js';
import { holdAction, holdBody, priorityAction, priorityBody, resumeAction, resumeBody } from './clinicalActions.js';
import { claimStudy, releaseStudy, saveDraft, signReport, submitStudy } from './studyActions.js';
import { loadStudyDetail } from './studyDetail.js';
import { nameSearchCondition, selectStudySummaries, toStudySummary } from './studyQueries.js';
import { radiologistOf, requireRole } from './tenancy.js';
import { planWorklist } from './worklistPlan.js';

type Deps = Pick<Runtime, 'db' | 'queues' | 'redis' | 'logger' | 'metrics' | 'config' | 'slaPolicy' | 'readingMinutes'>;

const reportBody = z
  .object({
    findings: z.string().max(20_000),
    impression: z.string().max(10_000),
    critical: z.boolean(),
  })
  .strict();

const listQuery = z.object({
  status: z.enum(STUDY_STATUSES).optional(),
  /** Patient name, pinyin or initials (see nameSearchCondition), or a patient ID. */
  q: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function studyRoutes(deps: Deps): Router {
  const router = Router();

  /**
   * The radiologist's worklist in the order to read it (docs/routing.md): the study they have open,
   * then their queue in reading order — a colleague's emergency waiting behind that colleague's read
   * included, for them to take — then the hospital's unassigned studies, soonest deadline first.
   */
  router.get('/worklist', async (_req, res) => {
    const me = radiologistOf(principalOf(res));
    const now = Date.now();
    const plan = await planWorklist(deps.db.db, me, now, deps.readingMinutes);
    const rows = await selectStudySummaries(deps.db)
      .where('s.status', 'in', ['ready', 'assigned', 'reading'])
      // Mine (an escalated study of another hospital included), my hospital's unassigned, and the
      // emergency I am to take from a colleague.
      .where((eb) =>
        eb.or([
          eb('s.assigned_to', '=', me.userId),
          eb.and([eb('s.hospital_id', '=', me.hospitalId), eb('s.assigned_to', 'is', null)]),
          ...(plan.take === null ? [] : [eb('s.id', '=', plan.take)]),
        ]),
      )
      .orderBy('s.deadline_at', 'asc')
      .orderBy('s.ready_at', 'asc')
      .limit(500)
      .execute();
    res.json({
      items: inReadingOrder(rows, plan.sequence).map(toStudySummary),
      serverTime: new Date(now).toISOString(),
    });
  });

  /** Studies the caller may see, newest first. */
  router.get('/studies', async (req, res) => {
    const principal = principalOf(res);
    const { status, limit, q: search } = parseBody(listQuery, req.query, 'query');
    let q = selectStudySummaries(deps.db).orderBy('s.received_at', 'desc').limit(limit);
    if (status !== undefined) q = q.where('s.status', '=', status);
    if (search !== undefined)
      q = q.where((eb) => eb.or([nameSearchCondition(search), eb('s.patient_id', '=', search)]));
    if (principal.kind === 'clinic') q = q.where('s.clinic_id', '=', principal.clinicId);
    else if (principal.role === 'radiographer') q = q.where('s.clinic_id', '=', principal.clinicId ?? '');
    else if (principal.role === 'radiologist') {
      const hospitalId = principal.hospitalId ?? '';
      q = q.where((eb) => eb.or([eb('s.hospital_id', '=', hospitalId), eb('s.escalated_to', '=', hospitalId)]));
    }
    const rows = await q.execute();
    res.json({ items: rows.map(toStudySummary), serverTime: new Date().toISOString() });
  });

  router.get('/studies/:id', async (req, res) => {
    res.json(await loadStudyDetail(deps.db, principalOf(res), req.params.id));
  });

  const withStudy = async (res: import('express').Response, id: string) => {
    const detail = await loadStudyDetail(deps.db, principalOf(res), id);
    res.json(detail);
  };

  router.post('/studies/:id/submit', async (req, res) => {
    await submitStudy(deps, principalOf(res), req.params.id);
    await withStudy(res, req.params.id);
  });
  router.post('/studies/:id/claim', async (req, res) => {
    await claimStudy(deps, principalOf(res), req.params.id);
    await withStudy(res, req.params.id);
  });
  router.post('/studies/:id/release', async (req, res) => {
    await releaseStudy(deps, principalOf(res), req.params.id);
    await withStudy(res, req.params.id);
  });
  router.put('/studies/:id/report', async (req, res) => {
    const principal = principalOf(res);
    requireRole(principal, 'radiologist');
    const input = parseBody(reportBody, req.body);
    await saveDraft(deps, principal, req.params.id, input);
    await withStudy(res, req.params.id);
  });
  router.post('/studies/:id/report/sign', async (req, res) => {
    await signReport(deps, principalOf(res), req.params.id);
    await withStudy(res, req.params.id);
  });

  router.post('/studies/:id/hold', async (req, res) => {
    const { reason } = parseBody(holdBody, req.body);
    await holdAction(deps, principalOf(res), req.params.id, reason);
    await withStudy(res, req.params.id);
  });
  router.post('/studies/:id/resume', async (req, res) => {
    const { answer } = parseBody(resumeBody, req.body);
    await resumeAction(deps, principalOf(res), req.params.id, answer);
    await withStudy(res, req.params.id);
  });
  router.post('/studies/:id/priority', async (req, res) => {
    const { priority } = parseBody(priorityBody, req.body);
    await priorityAction(deps, principalOf(res), req.params.id, priority);
    await withStudy(res, req.params.id);
  });

  return router;
}

/** The open study first, then the planned sequence, then the rest in the order fetched (by deadline). */
function inReadingOrder<T extends { id: string; status: string }>(
  rows: readonly T[],
  sequence: readonly { studyId: string }[],
): T[] {
  const rank = new Map(sequence.map((q, i) => [q.studyId, i]));
  const place = (row: T) => (row.status === 'reading' ? -1 : (rank.get(row.id) ?? sequence.length));
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => place(a.row) - place(b.row) || a.index - b.index)
    .map((x) => x.row);
}
