import type { DbHandle } from '@telerad/db';
import { sql } from 'kysely';

/** Study rows with everything a list shows: clinic, assignee, report and delivery state. */
export function selectStudySummaries(db: DbHandle) {
  return db.db
    .selectFrom('study as s')
    .innerJoin('clinic as c', 'c.id', 's.clinic_id')
    .leftJoin('app_user as a', 'a.id', 's.assigned_to')
    .select((eb) => [
      's.id',
      's.study_instance_uid',
      's.clinic_id',
      's.hospital_id',
      's.priority',
      's.status',
      's.patient_name',
      's.patient_id',
      's.patient_sex',
      's.patient_birth_date',
      's.study_description',
      's.modalities',
      's.instance_count',
      's.received_at',
      's.ready_at',
      's.deadline_at',
      's.target_at',
      's.signed_at',
      's.claimed_at',
      's.unassigned_reason',
      's.late_instance_at',
      's.reassigned_at',
      's.reassign_reason',
      's.escalated_to',
      's.unrenderable_count',
      's.held_at',
      's.paused_ms',
      's.priority_raised_from',
      sql<string | null>`(SELECT reason FROM study_hold WHERE study_id = s.id AND resumed_at IS NULL LIMIT 1)`.as(
        'hold_reason',
      ),
      sql<string | null>`(SELECT username FROM app_user WHERE id = s.reassigned_from)`.as('reassigned_from'),
      sql<string | null>`(SELECT code FROM hospital WHERE id = s.escalated_to)`.as('escalated_to_code'),
      'c.code as clinic_code',
      'c.name_zh as clinic_zh',
      'c.name_en as clinic_en',
      sql<string | null>`a.username`.as('assignee_username'),
      sql<string | null>`a.name_zh`.as('assignee_zh'),
      sql<string | null>`a.name_en`.as('assignee_en'),
      eb
        .selectFrom('report as r')
        .select('r.critical')
        .whereRef('r.study_id', '=', 's.id')
        .orderBy('r.version', 'desc')
        .limit(1)
        .as('critical'),
      eb
        .selectFrom('delivery as d')
        .select(
          sql<string>`CASE WHEN count(*) = 0 THEN 'none' WHEN bool_or(d.status = 'failed') THEN 'failed' WHEN bool_or(d.status = 'pending') THEN 'pending' ELSE 'delivered' END`.as(
            'delivery_status',
          ),
        )
        .whereRef('d.study_id', '=', 's.id')
        .as('delivery_status'),
    ]);
}

type SummaryQuery = ReturnType<typeof selectStudySummaries>;
export type StudySummaryRow = Awaited<ReturnType<SummaryQuery['executeTakeFirstOrThrow']>>;

export interface StudySummary {
  id: string;
  studyInstanceUid: string;
  priority: string;
  status: string;
  clinic: { code: string; name: { zh: string; en: string } };
  patientName: string;
  patientId: string;
  patientSex: string;
  patientBirthDate: string;
  studyDescription: string;
  modalities: string;
  instanceCount: number;
  receivedAt: string;
  readyAt: string | null;
  deadlineAt: string | null;
  targetAt: string | null;
  signedAt: string | null;
  claimedAt: string | null;
  assignedTo: string | null;
  assignedToName: { zh: string; en: string } | null;
  unassignedReason: string | null;
  /** An image arrived after the study was complete: look again. */
  lateInstanceAt: string | null;
  critical: boolean;
  deliveryStatus: 'none' | 'pending' | 'delivered' | 'failed';
  /** The last time the study moved unopened to its current radiologist: from whom and why. */
  reassigned: { at: string; from: string | null; reason: string } | null;
  /** The fallback (upper-level) hospital the study escalated to after its breach. */
  escalatedTo: string | null;
  /** Instances whose pixel data cannot be rendered (the study detail names each one's reason). */
  unrenderableCount: number;
  /** Open hold: the radiologist asked the clinic and the SLA clock is stopped since `since`. */
  hold: { since: string; reason: string } | null;
  /** Time on hold already excluded from the SLA (deadlines moved by as much), in minutes. */
  pausedMinutes: number;
  /** The priority before the clinic raised it, or null. */
  priorityRaisedFrom: string | null;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function toStudySummary(row: StudySummaryRow): StudySummary {
  return {
    id: row.id,
    studyInstanceUid: row.study_instance_uid,
    priority: row.priority,
    status: row.status,
    clinic: { code: row.clinic_code, name: { zh: row.clinic_zh, en: row.clinic_en } },
    patientName: row.patient_name,
    patientId: row.patient_id,
    patientSex: row.patient_sex,
    patientBirthDate: row.patient_birth_date,
    studyDescription: row.study_description,
    modalities: row.modalities,
    instanceCount: row.instance_count,
    receivedAt: row.received_at.toISOString(),
    readyAt: iso(row.ready_at),
    deadlineAt: iso(row.deadline_at),
    targetAt: iso(row.target_at),
    signedAt: iso(row.signed_at),
    claimedAt: iso(row.claimed_at),
    assignedTo: row.assignee_username,
    assignedToName: row.assignee_username === null ? null : { zh: row.assignee_zh ?? '', en: row.assignee_en ?? '' },
    unassignedReason: row.unassigned_reason,
    lateInstanceAt: iso(row.late_instance_at),
    critical: row.critical === true,
    deliveryStatus: (row.delivery_status ?? 'none') as StudySummary['deliveryStatus'],
    reassigned:
      row.reassigned_at === null || row.reassign_reason === null
        ? null
        : { at: row.reassigned_at.toISOString(), from: row.reassigned_from, reason: row.reassign_reason },
    escalatedTo: row.escalated_to_code,
    unrenderableCount: row.unrenderable_count,
    hold: row.held_at === null ? null : { since: row.held_at.toISOString(), reason: row.hold_reason ?? '' },
    pausedMinutes: Math.round(Number(row.paused_ms) / 6_000) / 10,
    priorityRaisedFrom: row.priority_raised_from,
  };
}

/**
 * Turns what staff type into a LIKE pattern over the name's search forms (see patientNameSearch):
 * "wxd", "wang", "王小东" or a DICOM wildcard "wang*" / "w?d". Plain text matches anywhere in a
 * form; with a wildcard the whole form must match.
 */
export function nameSearchCondition(query: string) {
  const q = query.trim().toLowerCase();
  const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
  const wildcard = /[*?]/.test(q);
  const pattern = wildcard ? escaped.replace(/\*/g, '%').replace(/\?/g, '_') : `%${escaped}%`;
  return sql<boolean>`EXISTS (SELECT 1 FROM unnest(string_to_array(s.patient_name_search, ' ')) AS form WHERE form LIKE ${pattern})`;
}
