import { NotFoundError, type Principal } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { assertCanSee } from '../api/tenancy.js';

/** An instance as the rendered and thumbnail routes need it: where it is, its size, its previews. */
export interface RenderTarget {
  instanceId: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  blobKey: string;
  rows: number | null;
  columns: number | null;
  frames: number;
  preview:
    | { status: 'pending' }
    | { status: 'failed'; error: string; message: string }
    | {
        status: 'ready';
        width: number;
        height: number;
        thumbnailWidth: number;
        thumbnailHeight: number;
      };
}

export interface TargetPath {
  studyUid: string;
  seriesUid?: string;
  instanceUid?: string;
}

/**
 * The instances under a study, series or instance URL that the caller may see, in reading order
 * (series number, instance number). 404 names the level that is missing; 403 when the study belongs
 * to another clinic or hospital, as for every other study route.
 */
export async function findRenderTargets(db: DbHandle, principal: Principal, path: TargetPath): Promise<RenderTarget[]> {
  // One query on the common path (a thumbnail from memory should cost little more than the lookup).
  let q = db.db
    .selectFrom('instance as i')
    .innerJoin('series as se', 'se.id', 'i.series_id')
    .innerJoin('study as st', 'st.id', 'i.study_id')
    .select([
      'st.clinic_id',
      'st.hospital_id',
      'st.escalated_to',
      'i.id',
      'se.series_instance_uid',
      'i.sop_instance_uid',
      'i.blob_key',
      'i.rows',
      'i.columns',
      'i.number_of_frames',
      'i.preview_status',
      'i.preview_error',
      'i.preview_message',
      'i.preview_width',
      'i.preview_height',
      'i.thumbnail_width',
      'i.thumbnail_height',
    ])
    .where('st.study_instance_uid', '=', path.studyUid)
    .orderBy('se.series_number')
    .orderBy('se.series_instance_uid')
    .orderBy('i.instance_number')
    .orderBy('i.sop_instance_uid');
  if (path.seriesUid !== undefined) q = q.where('se.series_instance_uid', '=', path.seriesUid);
  if (path.instanceUid !== undefined) q = q.where('i.sop_instance_uid', '=', path.instanceUid);
  const rows = await q.execute();
  const [first] = rows;
  if (first === undefined) return notFound(db, principal, path);
  assertCanSee(principal, first);
  return rows.map((r) => ({
    instanceId: r.id,
    seriesInstanceUid: r.series_instance_uid,
    sopInstanceUid: r.sop_instance_uid,
    blobKey: r.blob_key,
    rows: r.rows,
    columns: r.columns,
    frames: r.number_of_frames,
    preview: previewOf(r),
  }));
}

/** Nothing under the URL: 404 naming the missing level, after tenancy (403 for another's study). */
async function notFound(db: DbHandle, principal: Principal, path: TargetPath): Promise<never> {
  const study = await db.db
    .selectFrom('study')
    .select(['clinic_id', 'hospital_id', 'escalated_to'])
    .where('study_instance_uid', '=', path.studyUid)
    .executeTakeFirst();
  if (study === undefined) throw new NotFoundError(`study ${path.studyUid} not found`);
  assertCanSee(principal, study);
  if (path.instanceUid !== undefined) {
    throw new NotFoundError(
      `instance ${path.instanceUid} not found in series ${path.seriesUid} of study ${path.studyUid}`,
    );
  }
  if (path.seriesUid !== undefined)
    throw new NotFoundError(`series ${path.seriesUid} not found in study ${path.studyUid}`);
  throw new NotFoundError(`study ${path.studyUid} has no instances`);
}

function previewOf(r: {
  preview_status: 'pending' | 'ready' | 'failed';
  preview_error: string | null;
  preview_message: string | null;
  preview_width: number | null;
  preview_height: number | null;
  thumbnail_width: number | null;
  thumbnail_height: number | null;
}): RenderTarget['preview'] {
  if (r.preview_status === 'failed') {
    return { status: 'failed', error: r.preview_error ?? 'unsupported-image', message: r.preview_message ?? '' };
  }
  if (
    r.preview_status === 'ready' &&
    r.preview_width !== null &&
    r.preview_height !== null &&
    r.thumbnail_width !== null &&
    r.thumbnail_height !== null
  ) {
    return {
      status: 'ready',
      width: r.preview_width,
      height: r.preview_height,
      thumbnailWidth: r.thumbnail_width,
      thumbnailHeight: r.thumbnail_height,
    };
  }
  return { status: 'pending' };
}
