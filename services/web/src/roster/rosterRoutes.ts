import { datedShiftSchema, weeklyShiftSchema } from '@telerad/config';
import { NotFoundError, type Principal, TITLES } from '@telerad/core';
import { type AppUserTable, recordAudit } from '@telerad/db';
import { requestRosterSweep } from '@telerad/queue';
import type { Runtime } from '@telerad/runtime';
import { Router } from 'express';
import type { Updateable } from 'kysely';
import { z } from 'zod';
import { requireRole } from '../api/tenancy.js';
import { principalOf } from '../auth/authenticate.js';
import { parseBody } from '../parseBody.js';
import { listAlerts } from './listAlerts.js';
import { listRoster } from './listRoster.js';

type Deps = Pick<Runtime, 'db' | 'queues' | 'logger'>;

const dutyBody = z.object({ onDuty: z.boolean() }).strict();
const rosterBody = z
  .object({
    shifts: z
      .object({ weekly: z.array(weeklyShiftSchema), dated: z.array(datedShiftSchema) })
      .strict()
      .optional(),
    maxOpen: z.number().int().positive().max(500).nullable().optional(),
    modalities: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'a DICOM modality code such as DX'))
      .min(1)
      .nullable()
      .optional(),
    bodyParts: z
      .array(z.string().regex(/^[A-Z0-9 _]{1,16}$/, 'a Body Part Examined value such as CHEST'))
      .min(1)
      .nullable()
      .optional(),
    title: z.enum(TITLES).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, {
    message: 'name at least one of shifts, maxOpen, modalities, bodyParts, title',
  });
const alertsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  open: z.enum(['true', 'false']).default('false'),
});

/**
 * /api/admin/roster — the administrator's roster: who is on shift, present, their open studies and
 * cap; switch duty; edit shifts, cap, qualifications and title. Every change is audited and asks the
 * router for a sweep at once, so a radiologist taken off duty loses their unopened studies within
 * seconds. /api/admin/alerts — breaches and escalations.
 */
export function rosterRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/admin/roster', async (_req, res) => {
    requireRole(principalOf(res), 'admin');
    res.json(await listRoster(deps.db));
  });

  router.put('/admin/roster/:username/duty', async (req, res) => {
    const principal = principalOf(res);
    requireRole(principal, 'admin');
    const { onDuty } = parseBody(dutyBody, req.body);
    await changeRadiologist(deps, principal, req.params.username, { on_duty: onDuty }, 'roster.duty', { onDuty });
    res.json(await listRoster(deps.db));
  });

  router.patch('/admin/roster/:username', async (req, res) => {
    const principal = principalOf(res);
    requireRole(principal, 'admin');
    const body = parseBody(rosterBody, req.body);
    const values: Updateable<AppUserTable> = {};
    if (body.shifts !== undefined) values.shifts = JSON.stringify(body.shifts);
    if (body.maxOpen !== undefined) values.max_open = body.maxOpen;
    if (body.modalities !== undefined)
      values.modalities = body.modalities === null ? null : JSON.stringify(body.modalities);
    if (body.bodyParts !== undefined)
      values.body_parts = body.bodyParts === null ? null : JSON.stringify(body.bodyParts);
    if (body.title !== undefined) values.title = body.title;
    await changeRadiologist(deps, principal, req.params.username, values, 'roster.edit', body);
    res.json(await listRoster(deps.db));
  });

  router.get('/admin/alerts', async (req, res) => {
    requireRole(principalOf(res), 'admin');
    const q = parseBody(alertsQuery, req.query, 'query');
    res.json({ items: await listAlerts(deps.db, { limit: q.limit, unacknowledgedOnly: q.open === 'true' }) });
  });

  router.post('/admin/alerts/:id/acknowledge', async (req, res) => {
    const principal = principalOf(res);
    requireRole(principal, 'admin');
    const id = z.uuid().safeParse(req.params.id);
    if (!id.success) throw new NotFoundError(`alert ${req.params.id} not found`);
    const row = await deps.db.db
      .updateTable('sla_alert')
      .set({ acknowledged_at: new Date(), acknowledged_by: principal.kind === 'user' ? principal.userId : null })
      .where('id', '=', id.data)
      .where('acknowledged_at', 'is', null)
      .returning(['study_id'])
      .executeTakeFirst();
    if (row !== undefined) {
      await recordAudit(deps.db.db, {
        actor: actorOf(principal),
        action: 'alert.acknowledge',
        studyId: row.study_id,
        detail: { alert: id.data },
      });
    }
    res.json({ items: await listAlerts(deps.db, { limit: 100, unacknowledgedOnly: false }) });
  });

  return router;
}

async function changeRadiologist(
  deps: Deps,
  principal: Principal,
  username: string,
  values: Updateable<AppUserTable>,
  action: string,
  detail: Record<string, unknown>,
): Promise<void> {
  const changed = await deps.db.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('app_user')
      .set(values)
      .where('username', '=', username)
      .where('role', '=', 'radiologist')
      .returning('id')
      .executeTakeFirst();
    if (row === undefined) return false;
    await recordAudit(trx, { actor: actorOf(principal), action, detail: { username, ...detail } });
    return true;
  });
  if (!changed) throw new NotFoundError(`no radiologist ${username}`);
  // Unopened studies of someone now off duty or off shift move at once.
  await requestRosterSweep(deps.queues).catch((error: unknown) =>
    deps.logger.warn({ err: error }, 'roster sweep not requested; the periodic sweep will follow'),
  );
}

function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.username}` : `clinic:${principal.clinicCode}`;
}
