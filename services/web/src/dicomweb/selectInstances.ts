import { NotFoundError, type Principal } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { assertCanSee } from '../api/tenancy.js';
import { requireStudy } from './requireVisible.js';

/** The UIDs of a WADO-RS path: a study, a series in it, an instance in that. */
export interface WadoTarget {
  study: string;
  series?: string;
  instance?: string;
}

export interface InstanceRow {
  study_instance_uid: string;
  series_instance_uid: string;
  sop_instance_uid: string;
  transfer_syntax_uid: string;
  number_of_frames: number;
  blob_key: string;
  size: number;
  sha256: string;
}

/**
 * The instances a WADO-RS path names, in series and instance-number order, with the clinic's
 * character set for mislabelled text: one query on the way to an answer. 404 for an unknown study,
 * series or instance (naming which), 403 for a study the caller may not see.
 */
export async function selectInstances(
  db: DbHandle,
  principal: Principal,
  target: WadoTarget,
): Promise<{ instances: InstanceRow[]; defaultCharset: string | undefined }> {
  let query = db.db
    .selectFrom('instance as i')
    .innerJoin('series as se', 'se.id', 'i.series_id')
    .innerJoin('study as s', 's.id', 'i.study_id')
    .innerJoin('clinic as c', 'c.id', 's.clinic_id')
    .select([
      's.study_instance_uid',
      's.clinic_id',
      's.hospital_id',
      's.escalated_to',
      'c.default_charset',
      'se.series_instance_uid',
      'i.sop_instance_uid',
      'i.transfer_syntax_uid',
      'i.number_of_frames',
      'i.blob_key',
      'i.size_bytes',
      'i.sha256',
    ])
    .where('s.study_instance_uid', '=', target.study)
    .orderBy('se.series_number')
    .orderBy('se.id')
    .orderBy('i.instance_number')
    .orderBy('i.id');
  if (target.series !== undefined) query = query.where('se.series_instance_uid', '=', target.series);
  if (target.instance !== undefined) query = query.where('i.sop_instance_uid', '=', target.instance);
  const rows = await query.execute();
  const [first] = rows;
  if (first === undefined) {
    // Say which part of the path is unknown, and never more than the caller may know.
    await requireStudy(db, principal, target.study);
    if (target.instance !== undefined) {
      throw new NotFoundError(`no instance ${target.instance} in series ${target.series} of study ${target.study}`);
    }
    if (target.series !== undefined) throw new NotFoundError(`no series ${target.series} in study ${target.study}`);
    throw new NotFoundError(`study ${target.study} has no instances`);
  }
  assertCanSee(principal, first);
  const instances = rows.map((row) => ({
    study_instance_uid: row.study_instance_uid,
    series_instance_uid: row.series_instance_uid,
    sop_instance_uid: row.sop_instance_uid,
    transfer_syntax_uid: row.transfer_syntax_uid,
    number_of_frames: row.number_of_frames,
    blob_key: row.blob_key,
    size: Number(row.size_bytes),
    sha256: row.sha256,
  }));
  return { instances, defaultCharset: first.default_charset ?? undefined };
}
