import { PRESENCE_TIMEOUT_MS } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { Router } from 'express';
import { radiologistOf } from '../api/tenancy.js';
import { principalOf } from '../auth/authenticate.js';

/**
 * POST /api/presence — the radiologist's worklist page says it is open (every 15 s). A radiologist
 * silent for 45 s counts as gone: their unopened studies may move to a colleague who is present
 * (docs/region.md).
 */
export function presenceRoutes(deps: { db: DbHandle }): Router {
  const router = Router();
  router.post('/presence', async (_req, res) => {
    const me = radiologistOf(principalOf(res));
    const now = new Date();
    await deps.db.db.updateTable('app_user').set({ last_seen_at: now }).where('id', '=', me.userId).execute();
    res.json({ presentUntil: new Date(now.getTime() + PRESENCE_TIMEOUT_MS).toISOString() });
  });
  return router;
}
