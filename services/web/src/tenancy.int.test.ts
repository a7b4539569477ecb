import { createDxInstance, newUid } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { type multipartRelated, testConfig } from '@telerad/testkit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from './createApp.js';
import { stowTo } from './testing/stowTo.js';

/** Who may do what, over /api and /dicomweb, and what bad input gets. */
describe('tenancy and bad input', () => {
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  let cleanup: () => Promise<void>;
  let studyId: string;
  const studyUid = newUid();

  const stow = (token: string, parts: Parameters<typeof multipartRelated>[0], query = '') =>
    stowTo(app, parts, { token, query });
  const login = async (username: string) =>
    (await request(app).post('/api/auth/login').send({ username, password: 'demo' }).expect(200)).body.token as string;

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres', env: { TELERAD_MAX_INSTANCE_MB: '0.25' } });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    app = createApp(runtime);
    await stow('demo-token-clinic-a', [createDxInstance({ studyInstanceUid: studyUid })]).expect(200);
    const list = await request(app).get('/api/studies').set('authorization', 'Bearer demo-token-clinic-a').expect(200);
    studyId = list.body.items.find((s: { studyInstanceUid: string }) => s.studyInstanceUid === studyUid).id;
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    await cleanup?.();
  });

  test('no token → 401 with a reason; a wrong password → 401', async () => {
    const r = await request(app).get('/api/studies').expect(401);
    expect(r.body.error.message).toMatch(/Authorization: Bearer/);
    await request(app).get('/api/studies').set('authorization', 'Bearer not-a-token').expect(401);
    const bad = await request(app).post('/api/auth/login').send({ username: 'rad1', password: 'wrong' }).expect(401);
    expect(bad.body.error.message).toBe('wrong username or password');
  });

  test("clinic-b cannot list, fetch or submit clinic-a's study over /api", async () => {
    const list = await request(app).get('/api/studies').set('authorization', 'Bearer demo-token-clinic-b').expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(studyId);
    await request(app).get(`/api/studies/${studyId}`).set('authorization', 'Bearer demo-token-clinic-b').expect(403);
    await request(app)
      .post(`/api/studies/${studyId}/submit`)
      .set('authorization', 'Bearer demo-token-clinic-b')
      .expect(403);
    const techB = await login('tech-b');
    await request(app).get(`/api/studies/${studyId}`).set('authorization', `Bearer ${techB}`).expect(403);
    // …while clinic-a and its radiographer can.
    await request(app).get(`/api/studies/${studyId}`).set('authorization', 'Bearer demo-token-clinic-a').expect(200);
    const techA = await login('tech-a');
    await request(app).get(`/api/studies/${studyId}`).set('authorization', `Bearer ${techA}`).expect(200);
  });

  test("clinic-b cannot find or overwrite clinic-a's study over /dicomweb", async () => {
    const search = await request(app)
      .get(`/dicomweb/studies?StudyInstanceUID=${studyUid}`)
      .set('authorization', 'Bearer demo-token-clinic-b')
      .expect(200);
    expect(search.body).toEqual([]);
    const own = await request(app)
      .get(`/dicomweb/studies?StudyInstanceUID=${studyUid}`)
      .set('authorization', 'Bearer demo-token-clinic-a')
      .expect(200);
    expect(own.body[0]['0020000D'].Value).toEqual([studyUid]);
    const r = await stow('demo-token-clinic-b', [createDxInstance({ studyInstanceUid: studyUid })]);
    expect(r.status).toBe(409);
    const failed = r.body['00081198'].Value[0];
    expect(failed['00081197'].Value[0]).toBeGreaterThan(0);
    expect(failed['00000902'].Value[0]).toMatch(/belongs to another clinic/);
  });

  test('roles: a radiographer cannot read the worklist, a radiologist cannot send studies, only admins see SLA', async () => {
    const techA = await login('tech-a');
    await request(app).get('/api/worklist').set('authorization', `Bearer ${techA}`).expect(403);
    const rad1 = await login('rad1');
    await stow(rad1, [createDxInstance()]).expect(403);
    await request(app).get('/api/sla/summary').set('authorization', `Bearer ${rad1}`).expect(403);
    const admin = await login('admin');
    const summary = await request(app).get('/api/sla/summary').set('authorization', `Bearer ${admin}`).expect(200);
    expect(summary.body.rows.map((r: { priority: string }) => r.priority)).toEqual([
      'emergency',
      'outpatient',
      'inpatient',
    ]);
  });

  test('a STOW-RS part that is not DICOM gets a FailedSOPSequence entry with a reason; the rest is stored', async () => {
    const good = createDxInstance();
    const r = await stow('demo-token-clinic-a', [
      good,
      { body: Buffer.from('this is a referral letter, not an image'), contentType: 'application/dicom' },
    ]);
    expect(r.status).toBe(202);
    expect(r.body['00081199'].Value).toHaveLength(1);
    const failed = r.body['00081198'].Value;
    expect(failed).toHaveLength(1);
    expect(failed[0]['00081197'].Value[0]).toBe(0xc000);
    expect(failed[0]['00000902'].Value[0]).toMatch(/part 2/);
    const allBad = await stow('demo-token-clinic-a', [Buffer.from('garbage')]);
    expect(allBad.status).toBe(409);
  });

  test('a body that is not multipart/related gets 415; an instance over the size limit gets 413', async () => {
    const wrongType = await request(app)
      .post('/dicomweb/studies')
      .set('authorization', 'Bearer demo-token-clinic-a')
      .set('content-type', 'application/json')
      .send('{}');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.message).toMatch(/multipart\/related/);
    const big = await stow('demo-token-clinic-a', [createDxInstance({ rows: 512, columns: 512 })]);
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/part 1/);
  });

  test('a malformed JSON body gets 400 naming the problem', async () => {
    const r = await request(app)
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .send('{"username": "rad1", ')
      .expect(400);
    expect(r.body.error.message).toMatch(/not valid JSON/);
    const missing = await request(app).post('/api/auth/login').send({ username: 'rad1' }).expect(400);
    expect(missing.body.error.message).toMatch(/password/);
    const rad1 = await login('rad1');
    const wrongType = await request(app)
      .put(`/api/studies/${studyId}/report`)
      .set('authorization', `Bearer ${rad1}`)
      .send({ findings: 'x', impression: 'y', critical: 'yes' })
      .expect(400);
    expect(wrongType.body.error.message).toMatch(/critical/);
    await request(app).get('/api/studies/not-a-uuid').set('authorization', `Bearer ${rad1}`).expect(400);
    // priority belongs to STOW-RS; to QIDO-RS it is an unknown key, refused rather than silently ignored.
    const qidoPriority = await request(app)
      .get('/dicomweb/studies?priority=urgent')
      .set('authorization', 'Bearer demo-token-clinic-a')
      .expect(400);
    expect(qidoPriority.body.error.message).toMatch(/unknown query key "priority"/);
    const badPriority = await stow('demo-token-clinic-a', [createDxInstance()], '?priority=urgent');
    expect(badPriority.status).toBe(400);
    expect(badPriority.body.error.message).toMatch(/priority must be emergency, outpatient or inpatient/);
  });
});
