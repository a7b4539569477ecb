import type { DbHandle } from '@telerad/db';

/**
 * The body a clinic's system receives when a report is final. It carries what the clinic needs to
 * file the report against its own patient: identifiers, the report text, who signed it and when.
 */
export async function buildReportPayload(db: DbHandle, deliveryId: string) {
  const row = await db.db
    .selectFrom('delivery as d')
    .innerJoin('report as r', 'r.id', 'd.report_id')
    .innerJoin('study as s', 's.id', 'd.study_id')
    .innerJoin('clinic as c', 'c.id', 's.clinic_id')
    .leftJoin('app_user as u', 'u.id', 'r.signed_by')
    .select([
      'd.id as delivery_id',
      'd.target',
      'c.code as clinic_code',
      'c.webhook_secret',
      's.id as study_id',
      's.study_instance_uid',
      's.accession_number',
      's.patient_id',
      's.patient_name',
      's.priority',
      's.ready_at',
      's.deadline_at',
      'r.version',
      'r.findings',
      'r.impression',
      'r.critical',
      'r.signed_at',
      'u.username as signer_username',
      'u.name_zh as signer_zh',
      'u.name_en as signer_en',
    ])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (row === undefined) return null;
  const signedAt = row.signed_at;
  return {
    target: row.target,
    secret: row.webhook_secret,
    body: {
      type: 'report.final',
      timestamp: (signedAt ?? new Date()).toISOString(),
      data: {
        deliveryId: row.delivery_id,
        clinic: row.clinic_code,
        studyId: row.study_id,
        studyInstanceUid: row.study_instance_uid,
        accessionNumber: row.accession_number,
        patientId: row.patient_id,
        patientName: row.patient_name,
        priority: row.priority,
        report: {
          version: row.version,
          findings: row.findings,
          impression: row.impression,
          critical: row.critical,
          signedBy:
            row.signer_username === null
              ? null
              : { username: row.signer_username, name: { zh: row.signer_zh, en: row.signer_en } },
          signedAt: signedAt?.toISOString() ?? null,
        },
        readyAt: row.ready_at?.toISOString() ?? null,
        deadlineAt: row.deadline_at?.toISOString() ?? null,
        withinSla: signedAt !== null && row.deadline_at !== null ? signedAt <= row.deadline_at : null,
      },
    },
  };
}
