import { createDxInstance, newUid } from '@telerad/dicom';
import { createImagingPool, type ImagingPool, renderInstance } from '@telerad/imaging';
import { previewKeysOf } from '@telerad/ingest';
import { execRenderJob } from '@telerad/previews';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createApp } from '../createApp.js';
import { stowTo } from '../testing/stowTo.js';

const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/**
 * A radiologist dragging the window over a reduced-size rendering, against real PostgreSQL, Redis,
 * storage and imaging workers: from the second request the decoded frame is kept, and further windows
 * are answered from it (Telerad-Render-Source: rewindowed), without the original. An original lost
 * from storage answers 410 naming the instance, not 500, and is logged for the administrators.
 */
describe('re-windowing and missing originals', () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let imaging: ImagingPool;
  let app: ReturnType<typeof createApp>;
  const studyUid = newUid();
  const seriesUid = newUid();
  const dxUid = newUid();
  const lostUid = newUid();
  const dx = `/dicomweb/studies/${studyUid}/series/${seriesUid}/instances/${dxUid}`;
  const lost = `/dicomweb/studies/${studyUid}/series/${seriesUid}/instances/${lostUid}`;
  const radiograph = createDxInstance({
    studyInstanceUid: studyUid,
    seriesInstanceUid: seriesUid,
    sopInstanceUid: dxUid,
    rows: 1500,
    columns: 1250,
  });
  const get = (path: string, accept = 'image/png') =>
    request(app)
      .get(path)
      .set('authorization', 'Bearer demo-token-clinic-a')
      .set('accept', accept)
      .buffer(true)
      .parse(binary);

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    imaging = createImagingPool({ threads: 2 });
    app = createApp(runtime, { imaging });
    const other = createDxInstance({
      studyInstanceUid: studyUid,
      seriesInstanceUid: seriesUid,
      sopInstanceUid: lostUid,
      instanceNumber: 2,
      rows: 300,
      columns: 250,
    });
    await stowTo(app, [radiograph, other]).expect(200);
  }, 90_000);

  afterAll(async () => {
    await imaging?.close();
    await runtime?.close();
    await cleanup?.();
  });

  const drag = (center: number, width: number, fn = 'LINEAR') =>
    `${dx}/rendered?viewport=512,512&window=${center},${width},${fn}`;

  test('dragging the window: the second request keeps the frame, the next ones re-window it', async () => {
    const sources: string[] = [];
    for (const [center, width] of [
      [1600, 3200],
      [1500, 3000],
    ] as const) {
      const res = await get(drag(center, width)).expect(200);
      sources.push(res.headers['telerad-render-source'] as string);
    }
    expect(sources).toEqual(['rendered', 'rendered']);
    for (const [center, width, fn] of [
      [1400, 2800, 'LINEAR'],
      [1200, 2400, 'LINEAR_EXACT'],
      [1800, 2000, 'SIGMOID'],
    ] as const) {
      const res = await get(drag(center, width, fn)).expect(200);
      expect(res.headers['telerad-render-source']).toBe('rewindowed');
      expect(res.headers['content-type']).toBe('image/png');
      const direct = await renderInstance(radiograph, {
        format: 'png',
        viewport: { width: 512, height: 512 },
        window: { center, width, fn },
      });
      expect([direct.width, direct.height]).toEqual([427, 512]);
      // One definition of a reduced render: the re-window is the direct render, byte for byte.
      expect((res.body as Buffer).equals(direct.data)).toBe(true);
    }
    // Another format on the kept frame is a re-window too.
    const webp = await get(drag(1300, 2600), 'image/webp').expect(200);
    expect(webp.headers['telerad-render-source']).toBe('rewindowed');
    expect(webp.headers['content-type']).toBe('image/webp');
  });

  test('a kept frame is re-windowed without reading storage', async () => {
    const reads = vi.spyOn(runtime.store, 'getBuffer');
    const streams = vi.spyOn(runtime.store, 'get');
    try {
      const res = await get(drag(1000, 2000)).expect(200);
      expect(res.headers['telerad-render-source']).toBe('rewindowed');
      expect(reads).not.toHaveBeenCalled();
      expect(streams).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
      streams.mockRestore();
    }
  });

  test('a film with previews: its first new window at the preview size re-windows the stored kept frame', async () => {
    const sopUids = [newUid(), newUid(), newUid()];
    const films = sopUids.map((sopInstanceUid, i) =>
      createDxInstance({
        studyInstanceUid: studyUid,
        seriesInstanceUid: seriesUid,
        sopInstanceUid,
        instanceNumber: 10 + i,
        rows: 2400,
        columns: 2000,
      }),
    );
    await stowTo(app, films).expect(200);
    const rows = await runtime.db.db
      .selectFrom('instance')
      .select(['id', 'sop_instance_uid', 'blob_key'])
      .where('sop_instance_uid', 'in', sopUids)
      .execute();
    const rowOf = (uid: string) => rows.find((r) => r.sop_instance_uid === uid) as (typeof rows)[number];
    // The render job, as after intake (here called directly rather than from the queue).
    for (const row of rows) {
      expect(await execRenderJob(row.id, { ...runtime, imaging, logger: runtime.logger })).toMatchObject({
        kind: 'rendered',
      });
    }
    const path = (uid: string) => `/dicomweb/studies/${studyUid}/series/${seriesUid}/instances/${uid}`;
    const window = 'viewport=1024,1024&window=1400,2800,LINEAR';
    const [withFrame, damaged, without] = sopUids as [string, string, string];

    // Without its original: the answer can only come from the stored kept frame, and is the direct render.
    const original = await runtime.store.getBuffer(rowOf(withFrame).blob_key);
    await runtime.store.delete(rowOf(withFrame).blob_key);
    const res = await get(`${path(withFrame)}/rendered?${window}`).expect(200);
    expect(res.headers['telerad-render-source']).toBe('rewindowed');
    const direct = await renderInstance(original, {
      format: 'png',
      viewport: { width: 1024, height: 1024 },
      window: { center: 1400, width: 2800, fn: 'LINEAR' },
    });
    expect((res.body as Buffer).equals(direct.data)).toBe(true);
    // Another size is not the kept frame's: it needs the original.
    await get(`${path(withFrame)}/rendered?viewport=512,512&window=1400,2800`).expect(410);

    // A damaged or missing kept frame is rendered from the original, not an error.
    const keptKey = previewKeysOf(rowOf(damaged).blob_key).kept;
    const stored = await runtime.store.getBuffer(keptKey);
    await runtime.store.put(keptKey, stored.subarray(0, stored.length - 100));
    await runtime.store.delete(previewKeysOf(rowOf(without).blob_key).kept);
    for (const uid of [damaged, without]) {
      const fallback = await get(`${path(uid)}/rendered?${window}`).expect(200);
      expect(fallback.headers['telerad-render-source']).toBe('rendered');
      expect((fallback.body as Buffer).equals(direct.data)).toBe(true);
    }
  });

  test('a lost original answers 410 naming the instance on every resource, and is logged with ids only', async () => {
    const row = await runtime.db.db
      .selectFrom('instance')
      .select('blob_key')
      .where('sop_instance_uid', '=', lostUid)
      .executeTakeFirstOrThrow();
    await runtime.store.delete(row.blob_key);
    const errorLog = vi.spyOn(runtime.logger, 'error');
    try {
      for (const [path, accept] of [
        [`${lost}/rendered?window=1000,2000`, 'image/png'],
        [`${lost}/rendered?viewport=128,128&window=1000,2000`, 'image/jpeg'],
        [`${lost}/thumbnail`, 'image/jpeg'],
        [lost, 'multipart/related; type="application/dicom"'],
        [`${lost}/frames/1`, 'multipart/related; type="application/octet-stream"'],
        [`${lost}/metadata`, 'application/dicom+json'],
      ] as const) {
        const res = await request(app)
          .get(path)
          .set('authorization', 'Bearer demo-token-clinic-a')
          .set('accept', accept)
          .buffer(true)
          .parse(binary);
        const type = res.headers['content-type'] as string;
        expect({ path, status: res.status, type }).toEqual({
          path,
          status: 410,
          type: expect.stringMatching(/^application\/json/),
        });
        const { error } = JSON.parse((res.body as Buffer).toString('utf8'));
        expect(error.code).toBe('original-missing');
        expect(error.message).toContain(lostUid);
      }
      const missing = errorLog.mock.calls.filter(([, message]) => message === 'original missing from storage');
      expect(missing).toHaveLength(6);
      expect(missing[0]?.[0]).toMatchObject({ sopInstanceUid: lostUid, blobKey: row.blob_key });
      expect(JSON.stringify(missing)).not.toMatch(/Zhang|张/);
    } finally {
      errorLog.mockRestore();
    }
  });
});
