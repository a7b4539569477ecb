import { createDxInstance, newUid } from '@telerad/dicom';
import { createImagingPool, type ImagingPool } from '@telerad/imaging';
import { previewKeysOf } from '@telerad/ingest';
import { execRenderJob } from '@telerad/previews';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { gdcmconv, pdfInstance, testConfig } from '@telerad/testkit';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../createApp.js';
import { stowTo } from '../testing/stowTo.js';

const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** WADO-RS rendered and thumbnail over HTTP, against real PostgreSQL, Redis, storage and imaging. */
describe('rendered and thumbnail', () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let imaging: ImagingPool;
  let app: ReturnType<typeof createApp>;
  const studyUid = newUid();
  const seriesUid = newUid();
  const dxUid = newUid();
  const jlsUid = newUid();
  const pdfUid = newUid();
  const pdfSeriesUid = newUid();
  const base = `/dicomweb/studies/${studyUid}`;
  const dx = `${base}/series/${seriesUid}/instances/${dxUid}`;
  const get = (path: string, token = 'demo-token-clinic-a') =>
    request(app).get(path).set('authorization', `Bearer ${token}`).buffer(true).parse(binary);

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    imaging = createImagingPool({ threads: 1 });
    app = createApp(runtime, { imaging });
    const radiograph = createDxInstance({
      studyInstanceUid: studyUid,
      seriesInstanceUid: seriesUid,
      rows: 1500,
      columns: 1250,
      sopInstanceUid: dxUid,
    });
    const jpegLs = await gdcmconv(
      createDxInstance({
        studyInstanceUid: studyUid,
        seriesInstanceUid: seriesUid,
        sopInstanceUid: jlsUid,
        instanceNumber: 2,
      }),
      '--jpegls',
    );
    const pdf = await pdfInstance({
      studyInstanceUid: studyUid,
      seriesInstanceUid: pdfSeriesUid,
      sopInstanceUid: pdfUid,
    });
    await stowTo(app, [radiograph, jpegLs, pdf]).expect(200);
    // What the previews service does after intake, run here directly.
    const rows = await runtime.db.db
      .selectFrom('instance')
      .select('id')
      .where('sop_instance_uid', 'in', [dxUid, pdfUid])
      .execute();
    for (const row of rows) await execRenderJob(row.id, { ...runtime, imaging, logger: runtime.logger });
  }, 90_000);

  afterAll(async () => {
    await imaging?.close();
    await runtime?.close();
    await cleanup?.();
  });

  test('an instance thumbnail is the stored one, then comes from memory', async () => {
    const first = await get(`${dx}/thumbnail`).expect(200);
    expect(first.headers['content-type']).toBe('image/jpeg');
    expect(first.headers['telerad-render-source']).toBe('stored');
    const row = await runtime.db.db
      .selectFrom('instance')
      .select('blob_key')
      .where('sop_instance_uid', '=', dxUid)
      .executeTakeFirstOrThrow();
    expect((first.body as Buffer).equals(await runtime.store.getBuffer(previewKeysOf(row.blob_key).thumbnail))).toBe(
      true,
    );
    const again = await get(`${dx}/thumbnail`).expect(200);
    expect(again.headers['telerad-render-source']).toBe('cached');
  });

  test("the viewer's first paint (viewport 1024) is the stored preview, with the file's window named", async () => {
    const r = await get(`${dx}/rendered?viewport=1024,1024`).expect(200);
    expect(r.headers['telerad-render-source']).toBe('stored');
    expect(r.headers['telerad-default-window']).toBe('1600,3200');
    const meta = await sharp(r.body as Buffer).metadata();
    expect([meta.width, meta.height]).toEqual([853, 1024]);
    const smaller = await get(`${dx}/rendered?viewport=400,400`).set('accept', 'image/png').expect(200);
    expect(smaller.headers['telerad-render-source']).toBe('derived');
    expect((await sharp(smaller.body as Buffer).metadata()).format).toBe('png');
  });

  test('another window is rendered from the original, as JPEG, PNG or WebP by Accept', async () => {
    const narrow = await get(`${dx}/rendered?viewport=512,512&window=1600,400`).expect(200);
    expect(narrow.headers['telerad-render-source']).toBe('rendered');
    const wide = await get(`${dx}/rendered?viewport=512,512&window=1600,4000`).expect(200);
    // A narrow window spreads the same pixels over more grey levels: more contrast.
    const spread = async (b: Buffer) => (await sharp(b).stats()).channels[0]?.stdev ?? 0;
    expect(await spread(narrow.body as Buffer)).toBeGreaterThan(await spread(wide.body as Buffer));
    for (const [accept, format] of [
      ['image/png', 'png'],
      ['image/webp', 'webp'],
      ['image/*', 'jpeg'],
    ] as const) {
      const r = await get(`${dx}/frames/1/rendered?viewport=256,256&window=1600,800,SIGMOID`)
        .set('accept', accept)
        .expect(200);
      expect((await sharp(r.body as Buffer).metadata()).format).toBe(format);
    }
    const full = await get(`${dx}/rendered?window=1000,2000&quality=80`).expect(200);
    expect(await sharp(full.body as Buffer).metadata()).toMatchObject({ width: 1250, height: 1500 });
  });

  test('JPEG-LS pixel data renders too (on demand, no stored preview yet)', async () => {
    const r = await get(`${base}/series/${seriesUid}/instances/${jlsUid}/thumbnail`).expect(200);
    expect(r.headers['telerad-render-source']).toBe('rendered');
    expect(await sharp(r.body as Buffer).metadata()).toMatchObject({ format: 'jpeg', width: 256, height: 256 });
  });

  test('study and series rendered answer multipart/related; their thumbnail is one representative image', async () => {
    const r = await get(`${base}/series/${seriesUid}/rendered?viewport=128,128`)
      .set('accept', 'multipart/related; type="image/png"')
      .expect(200);
    expect(r.headers['content-type']).toMatch(/^multipart\/related; type="image\/png"; boundary=/);
    const text = (r.body as Buffer).toString('latin1');
    expect(text.match(/Content-Type: image\/png/g)).toHaveLength(2);
    expect(text).toContain(`/instances/${dxUid}/rendered`);
    // The whole study: the document without pixels is left out, the two images answer.
    const study = await get(`${base}/rendered?viewport=64,64`).expect(200);
    expect((study.body as Buffer).toString('latin1').match(/Content-Type: image\/jpeg/g)).toHaveLength(2);
    const thumb = await get(`${base}/thumbnail`).expect(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.headers['telerad-render-source']).toMatch(/stored|cached/);
  });

  test.each([
    ['window=1600', 400, 'invalid', /window "1600" is not center,width/],
    ['window=1600,0', 400, 'invalid', /width 0 is too small/],
    ['viewport=0,10', 400, 'invalid', /viewport "0,10"/],
    ['quality=0', 400, 'invalid', /quality "0"/],
  ])('rendered?%s → %i %s', async (query, status, code, message) => {
    const r = await get(`${dx}/rendered?${query}`).expect(status);
    const body = JSON.parse((r.body as Buffer).toString());
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  test('unacceptable types, missing things, other tenants and unrenderable files get specific 4xx', async () => {
    const json = async (r: request.Test) => JSON.parse(((await r).body as Buffer).toString()).error;
    expect(await json(get(`${dx}/rendered`).set('accept', 'application/dicom').expect(406))).toMatchObject({
      code: 'not-acceptable',
    });
    expect(await json(get(`${base}/series/${seriesUid}/instances/${newUid()}/rendered`).expect(404))).toMatchObject({
      code: 'not-found',
    });
    expect(await json(get(`/dicomweb/studies/${newUid()}/thumbnail`).expect(404))).toMatchObject({ code: 'not-found' });
    expect(await json(get(`${dx}/frames/2/rendered`).expect(404))).toMatchObject({ code: 'frame-out-of-range' });
    expect(await json(get(`${dx}/frames/1,2/rendered`).expect(400)).then((e) => e.message)).toMatch(/one frame/);
    await get(`${dx}/thumbnail`, 'demo-token-clinic-b').expect(403);
    await request(app).get(`${dx}/thumbnail`).expect(401);
    const pdf = `${base}/series/${pdfSeriesUid}/instances/${pdfUid}`;
    expect(await json(get(`${pdf}/rendered`).expect(406))).toMatchObject({ code: 'no-pixel-data' });
    expect(await json(get(`${base}/series/${pdfSeriesUid}/thumbnail`).expect(406))).toMatchObject({
      code: 'no-pixel-data',
    });
  });

  test('a stored preview lost from storage is rendered again from the original', async () => {
    const row = await runtime.db.db
      .selectFrom('instance')
      .select('blob_key')
      .where('sop_instance_uid', '=', dxUid)
      .executeTakeFirstOrThrow();
    await runtime.store.delete(previewKeysOf(row.blob_key).preview);
    const r = await get(`${dx}/rendered?viewport=600,600`).expect(200);
    expect(r.headers['telerad-render-source']).toBe('rendered');
    expect(await sharp(r.body as Buffer).metadata()).toMatchObject({ width: 500, height: 600 });
  });

  test('answer times and render job outcomes are on /metrics', async () => {
    const text = (await request(app).get('/metrics').expect(200)).text;
    expect(text).toMatch(/telerad_render_seconds_count\{source="stored"\} [1-9]/);
    expect(text).toMatch(/telerad_render_seconds_count\{source="rendered"\} [1-9]/);
    expect(text).toMatch(/telerad_previews_total\{outcome="unrenderable"\} 1/);
  });

  test('the study detail names the image that cannot be shown and why', async () => {
    const list = await request(app).get('/api/studies').set('authorization', 'Bearer demo-token-clinic-a').expect(200);
    const summary = list.body.items.find((s: { studyInstanceUid: string }) => s.studyInstanceUid === studyUid);
    expect(summary.unrenderableCount).toBe(1);
    const detail = await request(app)
      .get(`/api/studies/${summary.id}`)
      .set('authorization', 'Bearer demo-token-clinic-a')
      .expect(200);
    const instances = detail.body.study.series.flatMap((s: { instances: unknown[] }) => s.instances);
    expect(instances).toContainEqual(
      expect.objectContaining({
        sopInstanceUid: pdfUid,
        preview: expect.objectContaining({ status: 'failed', reason: 'no-pixel-data' }),
      }),
    );
    expect(instances).toContainEqual(expect.objectContaining({ sopInstanceUid: dxUid, preview: { status: 'ready' } }));
  });
});
