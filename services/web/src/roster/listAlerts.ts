import type { DbHandle } from '@telerad/db';

/** Breaches and what escalation did about them, newest first, for the administrator. */
export async function listAlerts(db: DbHandle, options: { limit: number; unacknowledgedOnly: boolean }) {
  let q = db.db
    .selectFrom('sla_alert as a')
    .innerJoin('study as s', 's.id', 'a.study_id')
    .innerJoin('clinic as c', 'c.id', 's.clinic_id')
    .innerJoin('hospital as h', 'h.id', 'a.hospital_id')
    .leftJoin('app_user as k', 'k.id', 'a.acknowledged_by')
    .select([
      'a.id',
      'a.kind',
      'a.detail',
      'a.created_at',
      'a.acknowledged_at',
      'k.username as acknowledged_by',
      's.id as study_id',
      's.priority',
      's.status',
      's.deadline_at',
      'c.code as clinic_code',
      'c.name_zh as clinic_zh',
      'c.name_en as clinic_en',
      'h.code as hospital',
    ])
    .orderBy('a.created_at', 'desc')
    .limit(options.limit);
  if (options.unacknowledgedOnly) q = q.where('a.acknowledged_at', 'is', null);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    detail: r.detail as Record<string, unknown>,
    at: r.created_at.toISOString(),
    acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: r.acknowledged_by,
    study: {
      id: r.study_id,
      priority: r.priority,
      status: r.status,
      deadlineAt: r.deadline_at?.toISOString() ?? null,
      clinic: { code: r.clinic_code, name: { zh: r.clinic_zh, en: r.clinic_en } },
      hospital: r.hospital,
    },
  }));
}
