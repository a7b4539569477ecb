import { createDxInstance, newUid } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../createApp.js';
import { stowTo } from '../testing/stowTo.js';

type Json = Record<string, { vr: string; Value?: unknown[] }>;
const first = (item: Json, tag: string) => item[tag]?.Value?.[0];

/** QIDO-RS as a viewer or a clinic's system uses it: matching, paging, includefield and tenancy. */
describe('QIDO-RS', () => {
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  let cleanup: () => Promise<void>;
  const studyA = newUid();
  const studyB = newUid();
  const studyOther = newUid();
  const seriesDx = newUid();
  const seriesCr = newUid();
  const dx1 = newUid();
  const dx2 = newUid();
  const cr1 = newUid();
  const tokens: Record<string, string> = {};

  const stow = async (token: string, files: Buffer[]) => {
    await stowTo(app, files, { token }).expect(200);
  };

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    app = createApp(runtime);
    const a = {
      studyInstanceUid: studyA,
      patientName: 'Wang^XiaoDong=王^小东',
      patientId: 'P-100',
      accessionNumber: 'ACC-1',
      studyDate: '20260110',
      studyTime: '093000',
      referringPhysicianName: 'Li^Ming=李^明',
      studyId: 'S100',
      rows: 64,
      columns: 48,
    };
    await stow('demo-token-clinic-a', [
      createDxInstance({ ...a, seriesInstanceUid: seriesDx, sopInstanceUid: dx2, instanceNumber: 2 }),
      createDxInstance({ ...a, seriesInstanceUid: seriesDx, sopInstanceUid: dx1, instanceNumber: 1 }),
      createDxInstance({ ...a, seriesInstanceUid: seriesCr, sopInstanceUid: cr1, modality: 'CR', seriesNumber: 2 }),
    ]);
    await stow('demo-token-clinic-a', [
      createDxInstance({
        studyInstanceUid: studyB,
        patientName: '李^秀英',
        patientId: 'P-200',
        accessionNumber: 'ACC-22',
        studyDate: '20260215',
        studyTime: '141500',
        rows: 32,
        columns: 32,
      }),
    ]);
    await stow('demo-token-clinic-b', [
      createDxInstance({ studyInstanceUid: studyOther, studyDate: '20260111', rows: 32, columns: 32 }),
    ]);
    for (const username of ['admin', 'rad1', 'rad3', 'tech-b']) {
      const r = await request(app).post('/api/auth/login').send({ username, password: 'demo' }).expect(200);
      tokens[username] = r.body.token;
    }
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    await cleanup?.();
  });

  const qido = async (path: string, query: Record<string, string> = {}, token = 'demo-token-clinic-a') =>
    request(app).get(`/dicomweb${path}`).query(query).set('authorization', `Bearer ${token}`);
  const uids = async (path: string, query: Record<string, string>, tag = '0020000D', token?: string) => {
    const r = await qido(path, query, token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/dicom\+json/);
    return (r.body as Json[]).map((item) => first(item, tag));
  };

  test.each([
    [{ StudyDate: '20260110' }, ['A']],
    [{ StudyDate: '20260101-20260131' }, ['A']],
    [{ StudyDate: '20260201-' }, ['B']],
    [{ StudyDate: '-20260301' }, ['B', 'A']],
    [{ StudyTime: '0900-1000' }, ['A']],
    [{ StudyTime: '14' }, ['B']],
    [{ AccessionNumber: 'ACC-1' }, ['A']],
    [{ AccessionNumber: 'ACC-*' }, ['B', 'A']],
    [{ AccessionNumber: 'ACC-?' }, ['A']],
    [{ AccessionNumber: 'acc-1' }, []],
    [{ PatientID: 'P-200' }, ['B']],
    [{ '00100020': 'P-1*' }, ['A']],
    [{ PatientName: 'wxd*' }, ['A']],
    [{ PatientName: '李*', fuzzymatching: 'true' }, ['B']],
    [{ ReferringPhysicianName: 'li*' }, ['A']],
    [{ StudyID: 'S100' }, ['A']],
    [{ ModalitiesInStudy: 'CR' }, ['A']],
    [{ ModalitiesInStudy: 'DX' }, ['B', 'A']],
    [{ StudyInstanceUID: 'UIDS' }, ['B', 'A']],
    [{ PatientID: '*' }, ['B', 'A']],
  ])('/studies?%o', async (query, expected) => {
    const named = { A: studyA, B: studyB } as Record<string, string>;
    const q = Object.fromEntries(
      Object.entries(query).map(([k, v]) => [k, v === 'UIDS' ? `${studyA},${studyB}` : v]),
    ) as Record<string, string>;
    expect(await uids('/studies', q)).toEqual(expected.map((n) => named[n]));
  });

  test('a study answers with the attributes PS3.18 requires, person names with their groups', async () => {
    const [study] = (await qido('/studies', { StudyInstanceUID: studyA })).body as Json[];
    expect(study).toBeDefined();
    expect(study?.['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' }] });
    expect(study?.['00080090']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Li^Ming', Ideographic: '李^明' }] });
    expect(study?.['00080061']).toEqual({ vr: 'CS', Value: ['DX', 'CR'] });
    expect(first(study as Json, '00201206')).toBe(2);
    expect(first(study as Json, '00201208')).toBe(3);
    expect(first(study as Json, '00080056')).toBe('ONLINE');
    expect(first(study as Json, '00081190')).toMatch(new RegExp(`/dicomweb/studies/${studyA}$`));
    expect(Object.keys(study as Json)).toEqual(Object.keys(study as Json).sort());
  });

  test('series of a study, in series-number order, with their instance counts', async () => {
    const r = await qido(`/studies/${studyA}/series`);
    expect(r.status).toBe(200);
    const series = r.body as Json[];
    expect(series.map((s) => first(s, '0020000E'))).toEqual([seriesDx, seriesCr]);
    expect(series.map((s) => first(s, '00080060'))).toEqual(['DX', 'CR']);
    expect(series.map((s) => first(s, '00201209'))).toEqual([2, 1]);
    expect(series.map((s) => first(s, '00200011'))).toEqual([1, 2]);
    // The study is fixed by the path: its UID is there, its patient is not unless asked for.
    expect(first(series[0] as Json, '0020000D')).toBe(studyA);
    expect(series[0]?.['00100010']).toBeUndefined();
  });

  test('series across studies carry the study attributes', async () => {
    const [series, ...rest] = (await qido('/series', { Modality: 'CR' })).body as Json[];
    expect(rest).toEqual([]);
    expect(first(series as Json, '0020000E')).toBe(seriesCr);
    expect(first(series as Json, '00100020')).toBe('P-100');
    expect(await uids('/series', { PatientID: 'P-200' }, '0020000D')).toEqual([studyB]);
    expect(await uids('/series', { SeriesNumber: '2' }, '0020000E')).toEqual([seriesCr]);
  });

  test('instances of a series, of a study, and across studies', async () => {
    const r = await qido(`/studies/${studyA}/series/${seriesDx}/instances`);
    expect(r.status).toBe(200);
    const instances = r.body as Json[];
    expect(instances.map((i) => first(i, '00080018'))).toEqual([dx1, dx2]);
    expect(first(instances[0] as Json, '00280010')).toBe(64);
    expect(first(instances[0] as Json, '00280011')).toBe(48);
    expect(first(instances[0] as Json, '00280100')).toBe(16);
    expect(first(instances[0] as Json, '00280008')).toBe(1);
    expect(first(instances[0] as Json, '00080016')).toBe('1.2.840.10008.5.1.4.1.1.1.1');
    expect(first(instances[0] as Json, '00083002')).toBe('1.2.840.10008.1.2.1');
    expect(first(instances[0] as Json, '00081190')).toMatch(
      new RegExp(`/dicomweb/studies/${studyA}/series/${seriesDx}/instances/${dx1}$`),
    );
    expect(instances[0]?.['00080060']).toBeUndefined();
    expect((await uids(`/studies/${studyA}/instances`, {}, '00080018')).sort()).toEqual([dx1, dx2, cr1].sort());
    expect(await uids('/instances', { SOPInstanceUID: cr1 }, '0020000E')).toEqual([seriesCr]);
    expect(await uids('/instances', { InstanceNumber: '2', PatientID: 'P-100' }, '00080018')).toEqual([dx2]);
    expect(await uids(`/studies/${studyA}/instances`, { Modality: 'CR' }, '00080018')).toEqual([cr1]);
  });

  test('includefield adds attributes, and all adds every one the index holds', async () => {
    const path = `/studies/${studyA}/series/${seriesDx}/instances`;
    const some = (await qido(path, { includefield: 'Modality,00100020' })).body as Json[];
    expect(first(some[0] as Json, '00080060')).toBe('DX');
    expect(first(some[0] as Json, '00100020')).toBe('P-100');
    expect(some[0]?.['00100010']).toBeUndefined();
    const all = (await qido(path, { includefield: 'all' })).body as Json[];
    expect(first(all[0] as Json, '00100010')).toEqual({ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' });
    expect(first(all[0] as Json, '00081030')).toBe('CHEST PA');
    // Attributes the index does not hold are not returned, and not an error.
    expect((await qido(path, { includefield: 'PatientWeight' })).status).toBe(200);
  });

  test('limit and offset page through the results; a cut page says there is more', async () => {
    const page1 = await qido('/studies', { limit: '1' });
    expect(page1.body).toHaveLength(1);
    expect(page1.headers.warning).toMatch(/^299 telerad: There are additional results/);
    const page2 = await qido('/studies', { limit: '1', offset: '1' });
    expect(page2.body).toHaveLength(1);
    expect(page2.headers.warning).toBeUndefined();
    expect(first(page2.body[0], '0020000D')).not.toBe(first(page1.body[0], '0020000D'));
    expect((await qido('/studies', { offset: '2' })).body).toEqual([]);
  });

  test('each caller sees only what tenancy allows', async () => {
    expect(await uids('/studies', { StudyDate: '20260101-20260131' }, '0020000D', 'demo-token-clinic-b')).toEqual([
      studyOther,
    ]);
    expect(await uids('/studies', {}, '0020000D', 'demo-token-clinic-b')).toEqual([studyOther]);
    expect((await uids('/studies', {}, '0020000D', tokens['tech-b'])).sort()).toEqual([studyOther]);
    expect((await uids('/studies', {}, '0020000D', tokens.admin)).sort()).toEqual([studyA, studyB, studyOther].sort());
    expect((await uids('/studies', {}, '0020000D', tokens.rad1)).sort()).toEqual([studyA, studyB, studyOther].sort());
    expect(await uids('/instances', {}, '00080018', tokens.rad3)).toEqual([]);
    expect((await qido(`/studies/${studyA}/series`, {}, 'demo-token-clinic-b')).status).toBe(403);
    expect((await qido(`/studies/${studyA}/series/${seriesDx}/instances`, {}, tokens.rad3)).status).toBe(403);
    expect((await request(app).get('/dicomweb/studies')).status).toBe(401);
    // A study escalated to the upper-level hospital is visible to its radiologists too.
    const city = await runtime.db.db
      .selectFrom('hospital')
      .select('id')
      .where('code', '=', 'city')
      .executeTakeFirstOrThrow();
    await runtime.db.db
      .updateTable('study')
      .set({ escalated_to: city.id })
      .where('study_instance_uid', '=', studyB)
      .execute();
    expect(await uids('/studies', {}, '0020000D', tokens.rad3)).toEqual([studyB]);
    await runtime.db.db
      .updateTable('study')
      .set({ escalated_to: null })
      .where('study_instance_uid', '=', studyB)
      .execute();
  });

  test.each([
    ['/studies', { StudyDate: '2026-01-10' }, /StudyDate/],
    ['/studies', { StudyDate: '20260110-20260111-20260112' }, /StudyDate/],
    ['/studies', { StudyTime: '9am' }, /StudyTime/],
    ['/studies', { StudyInstanceUID: '1.2.abc' }, /not a valid UID/],
    ['/series', { SeriesNumber: 'two' }, /SeriesNumber/],
    ['/studies', { Colour: 'red' }, /unknown query key "Colour"/],
    ['/studies', { limit: '0' }, /limit/],
    ['/studies', { offset: '-1' }, /offset/],
    ['/studies', { fuzzymatching: 'maybe' }, /fuzzymatching/],
    ['/studies', { includefield: 'Nonsense' }, /includefield/],
  ])('%s?%o is refused with a reason', async (path, query, reason) => {
    const r = await qido(path, query);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(reason);
  });

  test('results are DICOM JSON only: an Accept without it gets 406', async () => {
    const asking = (accept: string) =>
      request(app).get('/dicomweb/studies').set('authorization', 'Bearer demo-token-clinic-a').set('accept', accept);
    const xml = await asking('multipart/related; type="application/dicom+xml"');
    expect(xml.status).toBe(406);
    expect(xml.body.error.message).toMatch(/application\/dicom\+json/);
    expect((await asking('application/json')).status).toBe(200);
  });

  test('unknown study or series: 404; attributes telerad cannot match: ignored with a warning', async () => {
    expect((await qido(`/studies/${newUid()}/series`)).status).toBe(404);
    expect((await qido(`/studies/${studyA}/series/${newUid()}/instances`)).status).toBe(404);
    const r = await qido('/studies', { PatientWeight: '70', StudyInstanceUID: studyB });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(1);
    expect(r.headers.warning).toMatch(/not supported as query keys: PatientWeight/);
  });
});
