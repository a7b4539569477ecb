import { PRIORITIES } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { Router } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { principalOf } from '../auth/authenticate.js';
import { parseBody } from '../parseBody.js';
import { requireRole } from './tenancy.js';

const summaryQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

interface SummaryRow {
  priority: string;
  studies: number;
  signed: number;
  within_limit: number;
  breached: number;
  open: number;
  decided: number;
  p50: number | null;
  p95: number | null;
}

/**
 * GET /api/sla/summary — compliance per priority over a period (default: the last 7 days), counted
 * over studies that became ready in it. Compliance = signed within the limit / studies whose outcome
 * is known (signed, or still open past the limit).
 */
export function slaRoutes(deps: { db: DbHandle }): Router {
  const router = Router();
  router.get('/sla/summary', async (req, res) => {
    requireRole(principalOf(res), 'admin');
    const q = parseBody(summaryQuery, req.query, 'query');
    const to = q.to === undefined ? new Date() : new Date(q.to);
    const from = q.from === undefined ? new Date(to.getTime() - 7 * 24 * 3600_000) : new Date(q.from);
    const result = await sql<SummaryRow>`
      SELECT priority,
        count(*)::int AS studies,
        count(signed_at)::int AS signed,
        count(*) FILTER (WHERE signed_at <= deadline_at)::int AS within_limit,
        count(*) FILTER (WHERE signed_at > deadline_at OR (signed_at IS NULL AND deadline_at < now()))::int AS breached,
        count(*) FILTER (WHERE signed_at IS NULL)::int AS open,
        count(*) FILTER (WHERE signed_at IS NOT NULL OR deadline_at < now())::int AS decided,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM signed_at - ready_at) / 60) AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM signed_at - ready_at) / 60) AS p95
      FROM study
      WHERE ready_at >= ${from} AND ready_at < ${to}
      GROUP BY priority`.execute(deps.db.db);
    const byPriority = new Map(result.rows.map((r) => [r.priority, r]));
    const round = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);
    res.json({
      periodStart: from.toISOString(),
      periodEnd: to.toISOString(),
      rows: PRIORITIES.map((priority) => {
        const r = byPriority.get(priority);
        return {
          priority,
          studies: r?.studies ?? 0,
          signed: r?.signed ?? 0,
          withinLimit: r?.within_limit ?? 0,
          breached: r?.breached ?? 0,
          open: r?.open ?? 0,
          compliance: r === undefined || r.decided === 0 ? null : r.within_limit / r.decided,
          p50Minutes: round(r?.p50 ?? null),
          p95Minutes: round(r?.p95 ?? null),
        };
      }),
    });
  });
  return router;
}
