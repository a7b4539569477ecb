import { NotFoundError, type Principal } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
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
 * The instances a WADO-RS path names, in series and instance-number order. 404 for an unknown study,
 * series or instance (naming which), 403 for a study the caller may not see.
 */
export async function selectInstances(
  db: DbHandle,
  principal: Principal,
  target: WadoTarget,
): Promise<{ instances: InstanceRow[]; defaultCharset: string | undefined }> {
  const study = await requireStudy(db, principal, target.study);
  const clinic = await db.db
    .selectFrom('clinic')
    .select('default_charset')
    .where('id', '=', study.clinic_id)
    .executeTakeFirstOrThrow();
  let query = db.db
    .selectFrom('instance as i')
    .innerJoin('series as se', 'se.id', 'i.series_id')
    .select([
      'se.series_instance_uid',
      'i.sop_instance_uid',
      'i.transfer_syntax_uid',
      'i.number_of_frames',
      'i.blob_key',
      'i.size_bytes',
      'i.sha256',
    ])
    .where('i.study_id', '=', study.id)
    .orderBy('se.series_number')
    .orderBy('se.id')
    .orderBy('i.instance_number')
    .orderBy('i.id');
  if (target.series !== undefined) query = query.where('se.series_instance_uid', '=', target.series);
  if (target.instance !== undefined) query = query.where('i.sop_instance_uid', '=', target.instance);
  const rows = await query.execute();
  if (rows.length === 0) {
    if (target.instance !== undefined) {
      throw new NotFoundError(`no instance ${target.instance} in series ${target.series} of study ${target.study}`);
    }
    if (target.series !== undefined) throw new NotFoundError(`no series ${target.series} in study ${target.study}`);
    throw new NotFoundError(`study ${target.study} has no instances`);
  }
  const instances = rows.map(({ size_bytes, ...row }) => ({
    ...row,
    study_instance_uid: study.study_instance_uid,
    size: Number(size_bytes),
  }));
  return { instances, defaultCharset: clinic.default_charset ?? undefined };
}
