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

const MINUTE = 60_000;

/** A ready study sent by clinic A; no router runs here, so the test places it in a queue itself. */
async function readyStudy(): Promise<string> {
  const studyInstanceUid = newUid();
  await stowTo(app, [createDxInstance({ studyInstanceUid })]).expect(200);
  const list = await request(app).get('/api/studies').set('authorization', 'Bearer demo-token-clinic-a').expect(200);
  const id = list.body.items.find((s: { studyInstanceUid: string }) => s.studyInstanceUid === studyInstanceUid).id;
  await request(app).post(`/api/studies/${id}/submit`).set('authorization', 'Bearer demo-token-clinic-a').expect(200);
  return id;
}

async function userId(username: string): Promise<string> {
  const row = await runtime.db.db
    .selectFrom('app_user')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function place(
  id: string,
  to: string,
  priority: 'emergency' | 'outpatient' | 'inpatient',
  dueInMinutes: number,
  status: 'assigned' | 'reading' | 'signed' = 'assigned',
) {
  const now = Date.now();
  await runtime.db.db
    .updateTable('study')
    .set({
      priority,
      status,
      assigned_to: to,
      assigned_at: new Date(now),
      deadline_at: new Date(now + dueInMinutes * MINUTE),
      claimed_at: status === 'reading' ? new Date(now) : null,
    })
    .where('id', '=', id)
    .execute();
}

const login = async (username: string) => {
  const res = await request(app).post('/api/auth/login').send({ username, password: 'demo' }).expect(200);
  return `Bearer ${res.body.token}`;
};
const worklistIds = async (token: string) =>
  (await request(app).get('/api/worklist').set('authorization', token).expect(200)).body.items.map(
    (s: { id: string }) => s.id,
  );

test('the worklist is in reading order, a study is opened only in that order, and a free radiologist takes a colleague’s waiting emergency', async () => {
  const [rad1, rad2] = [await userId('rad1'), await userId('rad2')];
  const [outpatient, emergency, late] = [await readyStudy(), await readyStudy(), await readyStudy()];
  await place(outpatient, rad1, 'outpatient', 20);
  await place(emergency, rad1, 'emergency', 28);
  await place(late, rad1, 'outpatient', -5);
  const token1 = await login('rad1');

  // the emergency first, due later though it is; the film already late after the one still in time
  expect(await worklistIds(token1)).toEqual([emergency, outpatient, late]);
  const refused = await request(app).post(`/api/studies/${outpatient}/claim`).set('authorization', token1).expect(409);
  expect(refused.body.error.code).toBe('more-urgent-study');
  expect((await request(app).get(`/api/studies/${outpatient}`).set('authorization', token1)).body.study.status).toBe(
    'assigned',
  );
  await request(app).post(`/api/studies/${emergency}/claim`).set('authorization', token1).expect(200);

  // rad2 is reading a long film with an emergency of theirs waiting behind it
  const [colleaguesRead, waitingEmergency] = [await readyStudy(), await readyStudy()];
  await place(colleaguesRead, rad2, 'outpatient', 40, 'reading');
  await place(waitingEmergency, rad2, 'emergency', 26);
  // while rad1 reads, the colleague's emergency is not theirs to take
  expect(await worklistIds(token1)).toEqual([emergency, outpatient, late]);
  await place(emergency, rad1, 'emergency', 28, 'signed');
  // free now: it comes first, and nothing of rad1's own may be opened before it
  expect(await worklistIds(token1)).toEqual([waitingEmergency, outpatient, late]);
  await request(app).post(`/api/studies/${outpatient}/claim`).set('authorization', token1).expect(409);
  await request(app).post(`/api/studies/${waitingEmergency}/claim`).set('authorization', token1).expect(200);
  const taken = await runtime.db.db
    .selectFrom('study')
    .select(['assigned_to', 'status'])
    .where('id', '=', waitingEmergency)
    .executeTakeFirstOrThrow();
  expect(taken).toEqual({ assigned_to: rad1, status: 'reading' });
});

test('a study opened before the router reached it still gets its deadline and SLA timers', async () => {
  const id = await readyStudy();
  const token = await login('rad2');
  await request(app).post(`/api/studies/${id}/claim`).set('authorization', token).expect(200);
  const { study } = (await request(app).get(`/api/studies/${id}`).set('authorization', token).expect(200)).body;
  expect(study.status).toBe('reading');
  // clinic A sends outpatient by default: due 60 minutes after it was complete
  expect(Date.parse(study.deadlineAt) - Date.parse(study.readyAt)).toBe(60 * MINUTE);
  expect(await runtime.queues.sla.getJob(`sla-breach-${id}`)).toBeDefined();
});
