import { NotFoundError, type Principal } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { assertCanSee } from '../api/tenancy.js';

/**
 * The study a DICOMweb path names: 404 when telerad has no such study, 403 when it belongs to a
 * clinic or hospital the caller may not see (the tenancy rule of the API).
 */
export async function requireStudy(db: DbHandle, principal: Principal, studyUid: string) {
  const study = await db.db
    .selectFrom('study')
    .select(['id', 'clinic_id', 'hospital_id', 'escalated_to', 'study_instance_uid'])
    .where('study_instance_uid', '=', studyUid)
    .executeTakeFirst();
  if (study === undefined) throw new NotFoundError(`no study with Study Instance UID ${studyUid}`);
  assertCanSee(principal, study);
  return study;
}

/** The series a path names, inside its study (404 when the series is not in that study). */
export async function requireSeries(db: DbHandle, principal: Principal, studyUid: string, seriesUid: string) {
  const study = await requireStudy(db, principal, studyUid);
  const series = await db.db
    .selectFrom('series')
    .select(['id', 'series_instance_uid'])
    .where('series_instance_uid', '=', seriesUid)
    .where('study_id', '=', study.id)
    .executeTakeFirst();
  if (series === undefined) {
    throw new NotFoundError(`no series with Series Instance UID ${seriesUid} in study ${studyUid}`);
  }
  return { study, series };
}
