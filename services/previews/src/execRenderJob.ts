import type { DbHandle } from '@telerad/db';
import {
  ImagingError,
  type PreparedRender,
  type RenderedImage,
  type RenderOptions,
  windowableToBytes,
} from '@telerad/imaging';
import { previewKeysOf } from '@telerad/ingest';
import type { BlobStore } from '@telerad/storage';
import type { Logger, Metrics } from '@telerad/telemetry';
import sharp from 'sharp';
import { PREVIEW_SPEC } from './previewSpec.js';

/** The part of an imaging pool the previews need: a render, and one that hands back its kept frame. */
export interface Renderer {
  render(bytes: Uint8Array, options: RenderOptions): Promise<RenderedImage>;
  prepareWindowable(bytes: Uint8Array, options: RenderOptions): Promise<PreparedRender>;
}

export interface RenderJobDeps {
  db: DbHandle;
  store: BlobStore;
  imaging: Renderer;
  logger: Logger;
  metrics: Metrics;
}

export type RenderOutcome =
  | { kind: 'rendered'; width: number; height: number }
  | { kind: 'already' }
  | { kind: 'gone' }
  | { kind: 'unrenderable'; reason: ImagingError['code'] };

/**
 * Renders an instance's large preview (in the file's own window) and a thumbnail from it, stores both
 * next to the original with the preview's kept frame (grayscale images smaller than the preview size:
 * the frame the preview was made from, so the first new window at that size is a re-window, not a
 * decode of the original), then marks the instance ready. Idempotent: a second run for a ready instance
 * does nothing, and one interrupted half-way rewrites the same keys. Pixel data that cannot be
 * rendered is not retried: the instance is marked failed with the imaging reason and its study counts
 * it, once. Storage or database errors are thrown, for the queue to retry.
 */
export async function execRenderJob(instanceId: string, deps: RenderJobDeps): Promise<RenderOutcome> {
  const instance = await deps.db.db
    .selectFrom('instance')
    .select(['id', 'study_id', 'blob_key', 'preview_status'])
    .where('id', '=', instanceId)
    .executeTakeFirst();
  if (instance === undefined) return { kind: 'gone' };
  if (instance.preview_status !== 'pending') return { kind: 'already' };

  const bytes = await deps.store.getBuffer(instance.blob_key);
  let prepared: PreparedRender;
  try {
    prepared = await deps.imaging.prepareWindowable(bytes, {
      format: 'jpeg',
      maxSize: PREVIEW_SPEC.preview.maxSize,
      quality: PREVIEW_SPEC.preview.quality,
    });
  } catch (error) {
    if (!(error instanceof ImagingError)) throw error;
    await markUnrenderable(deps.db, instance, error);
    deps.metrics.previews.inc({ outcome: 'unrenderable' });
    deps.logger.info({ instanceId, reason: error.code }, 'instance cannot be rendered');
    return { kind: 'unrenderable', reason: error.code };
  }
  const preview: RenderedImage = prepared.rendered;
  const { maxSize, quality } = PREVIEW_SPEC.thumbnail;
  const thumbnail = await sharp(preview.data)
    .resize({ width: maxSize, height: maxSize, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality })
    .toBuffer({ resolveWithObject: true });

  const keys = previewKeysOf(instance.blob_key);
  if (prepared.windowable !== undefined) {
    await deps.store.put(keys.kept, windowableToBytes(prepared.windowable), {
      contentType: 'application/octet-stream',
    });
  }
  await deps.store.put(keys.preview, preview.data, { contentType: 'image/jpeg' });
  await deps.store.put(keys.thumbnail, thumbnail.data, { contentType: 'image/jpeg' });
  await deps.db.db
    .updateTable('instance')
    .set({
      preview_status: 'ready',
      preview_error: null,
      preview_message: null,
      preview_width: preview.width,
      preview_height: preview.height,
      thumbnail_width: thumbnail.info.width,
      thumbnail_height: thumbnail.info.height,
      preview_at: new Date(),
    })
    .where('id', '=', instance.id)
    .where('preview_status', '=', 'pending')
    .execute();
  deps.metrics.previews.inc({ outcome: 'rendered' });
  return { kind: 'rendered', width: preview.width, height: preview.height };
}

async function markUnrenderable(db: DbHandle, instance: { id: string; study_id: string }, error: ImagingError) {
  await db.db.transaction().execute(async (trx) => {
    const marked = await trx
      .updateTable('instance')
      .set({
        preview_status: 'failed',
        preview_error: error.code,
        preview_message: error.message,
        preview_at: new Date(),
      })
      .where('id', '=', instance.id)
      .where('preview_status', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    if (marked === undefined) return;
    await trx
      .updateTable('study')
      .set((eb) => ({ unrenderable_count: eb('unrenderable_count', '+', 1) }))
      .where('id', '=', instance.study_id)
      .execute();
  });
}
