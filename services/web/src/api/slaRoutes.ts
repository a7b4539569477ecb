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
  paused_minutes: number | null;
  held: number;
}

/**
 * GET /api/sla/summary — compliance per priority over a period (default: the last 7 days), counted
 * over studies that became ready in it. Compliance = signed within the limit / studies whose outcome
 * is known (signed, or still open past the limit). Time on hold is excluded: the limit has already
 * moved by it, turnaround (p50/p95) subtracts it, and `pausedMinutes` sums it; `held` counts studies
 * on hold now.
 */
export function slaRoutes(deps: { db: DbHandle }): Router {
  const router = Router();
  router.get('/sla/summary', async (req, res) => {
    requireRole(principalOf(res), 'admin');
    const q = parseBody(summaryQuery, req.query, 'query');
    const to = q.to === undefined ? new Date() : new Date(q.to);
    const from = q.from === undefined ? new Date(to.getTime() - 7 * 24 * 3600_000) : new Date(q.from);
    // An open study's limit as of now: a hold still open moves it later by the time held so far.
    const running = sql`deadline_at + coalesce(now() - held_at, interval '0')`;
    const result = await sql<SummaryRow>`
      SELECT priority,
        count(*)::int AS studies,
        count(signed_at)::int AS signed,
        count(*) FILTER (WHERE signed_at <= deadline_at)::int AS within_limit,
        count(*) FILTER (WHERE signed_at > deadline_at OR (signed_at IS NULL AND ${running} < now()))::int AS breached,
        count(*) FILTER (WHERE signed_at IS NULL)::int AS open,
        count(*) FILTER (WHERE signed_at IS NOT NULL OR ${running} < now())::int AS decided,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM signed_at - ready_at) - paused_ms / 1000.0) / 60) AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY (extract(epoch FROM signed_at - ready_at) - paused_ms / 1000.0) / 60) AS p95,
        sum(paused_ms)::float8 / 60000 AS paused_minutes,
        count(*) FILTER (WHERE held_at IS NOT NULL AND signed_at IS NULL)::int AS held
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
          pausedMinutes: round(r?.paused_minutes ?? 0),
          held: r?.held ?? 0,
        };
      }),
    });
  });
  return router;
}
