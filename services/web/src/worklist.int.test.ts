import { createDxInstance, newUid } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import request from 'supertest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from './createApp.js';
import { stowTo } from './testing/stowTo.js';

let runtime: Runtime;
let app: ReturnType<typeof createApp>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await testConfig({ database: 'postgres' });
  cleanup = t.cleanup;
  runtime = await openRuntime(t.config);
  app = createApp(runtime);
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await cleanup?.();
});

const stow = (file: Buffer) => {
  return stowTo(app, [file]);
};

test('an image that arrives while the radiologist reads marks the study on the worklist', async () => {
  const studyInstanceUid = newUid();
  await stow(createDxInstance({ studyInstanceUid })).expect(200);
  const list = await request(app).get('/api/studies').set('authorization', 'Bearer demo-token-clinic-a').expect(200);
  const id = list.body.items.find((s: { studyInstanceUid: string }) => s.studyInstanceUid === studyInstanceUid).id;
  await request(app).post(`/api/studies/${id}/submit`).set('authorization', 'Bearer demo-token-clinic-a').expect(200);
  // No router runs here: the study stays ready and unassigned, and rad1 may claim it.
  const login = await request(app).post('/api/auth/login').send({ username: 'rad1', password: 'demo' }).expect(200);
  const rad1 = `Bearer ${login.body.token}`;
  await request(app).post(`/api/studies/${id}/claim`).set('authorization', rad1).expect(200);

  const before = await request(app).get('/api/worklist').set('authorization', rad1).expect(200);
  expect(before.body.items.find((s: { id: string }) => s.id === id)).toMatchObject({
    lateInstanceAt: null,
    instanceCount: 1,
  });

  await stow(createDxInstance({ studyInstanceUid })).expect(200);
  const after = await request(app).get('/api/worklist').set('authorization', rad1).expect(200);
  const item = after.body.items.find((s: { id: string }) => s.id === id);
  expect(item).toMatchObject({ status: 'reading', instanceCount: 2 });
  expect(Date.parse(item.lateInstanceAt)).toBeGreaterThan(Date.parse(item.readyAt));
});

test('submitting makes the study ready once, with its audit event; a second submit changes nothing', async () => {
  const studyInstanceUid = newUid();
  await stow(createDxInstance({ studyInstanceUid })).expect(200);
  const list = await request(app).get('/api/studies').set('authorization', 'Bearer demo-token-clinic-a').expect(200);
  const id = list.body.items.find((s: { studyInstanceUid: string }) => s.studyInstanceUid === studyInstanceUid).id;
  const submit = () =>
    request(app).post(`/api/studies/${id}/submit`).set('authorization', 'Bearer demo-token-clinic-a').expect(200);
  const state = async () => {
    const study = await runtime.db.db
      .selectFrom('study')
      .select(['status', 'ready_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const audit = await runtime.db.db
      .selectFrom('audit_event')
      .select(['actor', 'action'])
      .where('study_id', '=', id)
      .where('action', '=', 'study.submit')
      .execute();
    return { ...study, audit };
  };

  await submit();
  const first = await state();
  expect(first.status).toBe('ready');
  expect(first.ready_at).toBeInstanceOf(Date);
  expect(first.audit).toEqual([{ actor: 'clinic:clinic-a', action: 'study.submit' }]);

  await submit();
  expect(await state()).toEqual(first);
  // Another clinic's token gets no further than a refusal, and changes nothing either.
  await request(app).post(`/api/studies/${id}/submit`).set('authorization', 'Bearer demo-token-clinic-b').expect(403);
  expect(await state()).toEqual(first);
});
