import { createDxInstance, newUid } from '@telerad/dicom';
import { type ImagingPool, renderWindowable, windowableFromBytes } from '@telerad/imaging';
import { previewKeysOf, storeInstance } from '@telerad/ingest';
import type { Runtime } from '@telerad/runtime';
import { gdcmconv, pdfInstance } from '@telerad/testkit';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execRenderJob } from './execRenderJob.js';
import type { PreviewsService } from './start.js';
import { type PreviewsStack, startPreviewsStack } from './testing/previewsStack.js';

/** Previews made after intake, against real PostgreSQL, Redis, the object store and the imaging pool. */
describe('render job', () => {
  let stack: PreviewsStack;
  let runtime: Runtime;
  let imaging: ImagingPool;
  let previews: PreviewsService;
  let clinicId: string;

  beforeAll(async () => {
    stack = await startPreviewsStack();
    ({ runtime, imaging, previews, clinicId } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const send = (bytes: Buffer) => storeInstance(runtime, bytes, { clinicId, actor: 'clinic:test', channel: 'stow-rs' });
  const instanceOf = (sopInstanceUid: string) =>
    runtime.db.db
      .selectFrom('instance')
      .selectAll()
      .where('sop_instance_uid', '=', sopInstanceUid)
      .executeTakeFirstOrThrow();
  const settled = async (sopInstanceUid: string) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const row = await instanceOf(sopInstanceUid);
      if (row.preview_status !== 'pending' || Date.now() > deadline) return row;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  test('a stored radiograph gets a 1024-px preview and a 256-px thumbnail next to its original', async () => {
    const stored = await send(createDxInstance({ rows: 1500, columns: 1250 }));
    const row = await settled(stored.sopInstanceUid);
    expect(row).toMatchObject({
      preview_status: 'ready',
      preview_width: 853,
      preview_height: 1024,
      thumbnail_width: 213,
      thumbnail_height: 256,
      preview_error: null,
    });
    const keys = previewKeysOf(row.blob_key);
    expect(keys.preview).toBe(row.blob_key.replace(/\.dcm$/, '.preview.jpg'));
    const preview = await sharp(await runtime.store.getBuffer(keys.preview)).metadata();
    const thumbnail = await sharp(await runtime.store.getBuffer(keys.thumbnail)).metadata();
    expect([preview.format, preview.width, preview.height]).toEqual(['jpeg', 853, 1024]);
    expect([thumbnail.format, thumbnail.width, thumbnail.height]).toEqual(['jpeg', 213, 256]);
    // The picture is the radiograph, not a flat field: a chest has dark lungs and a bright mediastinum.
    const stats = await sharp(await runtime.store.getBuffer(keys.preview)).stats();
    expect(stats.channels[0]?.stdev).toBeGreaterThan(20);
    // Next to them, the frame the preview was made from: rendered in the file's window it is the
    // stored preview, byte for byte, so a new window at that size re-windows it.
    expect(keys.kept).toBe(row.blob_key.replace(/\.dcm$/, '.kept.bin'));
    const kept = windowableFromBytes(await runtime.store.getBuffer(keys.kept));
    expect(kept).toMatchObject({ width: 853, height: 1024, keptWidth: 1250, keptHeight: 1500 });
    const again = await renderWindowable(kept, { format: 'jpeg', quality: 90 });
    expect(again.data.equals(await runtime.store.getBuffer(keys.preview))).toBe(true);
  });

  test('a large radiograph keeps its preview supersampled: twice the preview size, 2 bytes a sample', async () => {
    const stored = await send(createDxInstance({ rows: 2400, columns: 2000 }));
    const row = await settled(stored.sopInstanceUid);
    const bytes = await runtime.store.getBuffer(previewKeysOf(row.blob_key).kept);
    const kept = windowableFromBytes(bytes);
    expect(kept).toMatchObject({ width: 853, height: 1024, keptWidth: 1706, keptHeight: 2048 });
    expect(bytes.length).toBeGreaterThan(1706 * 2048 * 2);
    expect(bytes.length).toBeLessThan(1706 * 2048 * 2 + 1024);
  });

  test('a file without pixel data is marked on its instance and its study once, with the reason', async () => {
    const studyInstanceUid = newUid();
    const seriesInstanceUid = newUid();
    await send(createDxInstance({ studyInstanceUid }));
    const pdf = await send(await pdfInstance({ studyInstanceUid, seriesInstanceUid, sopInstanceUid: newUid() }));
    const row = await settled(pdf.sopInstanceUid);
    expect(row.preview_status).toBe('failed');
    expect(row.preview_error).toBe('no-pixel-data');
    expect(row.preview_message).toMatch(/pixel data/i);
    // A second run (a retry, a second worker) changes nothing.
    expect(await execRenderJob(row.id, { ...runtime, imaging, logger: runtime.logger })).toEqual({ kind: 'already' });
    const study = await runtime.db.db
      .selectFrom('study')
      .select('unrenderable_count')
      .where('id', '=', pdf.studyId)
      .executeTakeFirstOrThrow();
    expect(study.unrenderable_count).toBe(1);
    expect(await runtime.store.head(previewKeysOf(row.blob_key).thumbnail)).toBeNull();
    expect(await runtime.store.head(previewKeysOf(row.blob_key).kept)).toBeNull();
  });

  test('damaged JPEG-LS pixel data is marked corrupt, and its study counts it', async () => {
    const jpegLs = await gdcmconv(createDxInstance({ rows: 512, columns: 512 }), '--jpegls');
    // Garble 200 bytes in the middle of the compressed stream; the fragment structure stays valid.
    const start = Math.floor(jpegLs.length * 0.6);
    for (let i = start; i < start + 200; i++) jpegLs[i] = (i * 7919) & 0xff;
    const stored = await send(jpegLs);
    const row = await settled(stored.sopInstanceUid);
    expect(row).toMatchObject({ preview_status: 'failed', preview_error: 'corrupt-pixel-data' });
    expect(row.preview_message).toMatch(/JPEG-LS/);
    const study = await runtime.db.db
      .selectFrom('study')
      .select('unrenderable_count')
      .where('id', '=', stored.studyId)
      .executeTakeFirstOrThrow();
    expect(study.unrenderable_count).toBe(1);
  });

  test('jobs are idempotent: one job per instance, and a ready instance is not rendered again', async () => {
    const stored = await send(createDxInstance());
    const row = await settled(stored.sopInstanceUid);
    expect(row.preview_status).toBe('ready');
    expect(await execRenderJob(row.id, { ...runtime, imaging, logger: runtime.logger })).toEqual({ kind: 'already' });
    const jobs = await runtime.queues.render.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.filter((j) => j.data.instanceId === row.id)).toHaveLength(1);
    expect(jobs.find((j) => j.data.instanceId === row.id)?.id).toBe(`render-${row.id}`);
  });

  test('start-up reconciliation renders instances whose job was lost', async () => {
    const stored = await send(createDxInstance());
    const row = await settled(stored.sopInstanceUid);
    // As after a Redis loss: the instance is back to pending and no job exists for it.
    await runtime.db.db.updateTable('instance').set({ preview_status: 'pending' }).where('id', '=', row.id).execute();
    await (await runtime.queues.render.getJob(`render-${row.id}`))?.remove();
    await runtime.store.delete(previewKeysOf(row.blob_key).preview);
    expect(await previews.reconcileNow()).toBeGreaterThanOrEqual(1);
    expect((await settled(stored.sopInstanceUid)).preview_status).toBe('ready');
    expect(await runtime.store.head(previewKeysOf(row.blob_key).preview)).not.toBeNull();
  });
});
