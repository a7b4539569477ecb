import type { AppUserTable } from '@telerad/db';
import { requestRosterSweep } from '@telerad/queue';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import type { Updateable } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { execRouteJob } from './execRouteJob.js';
import { type RouterService, start } from './start.js';
import { insertReadyStudy } from './testing/insertReadyStudy.js';
import { closeOpenStudies, until, whereIs } from './testing/rosterTestHelpers.js';

/**
 * Never stuck: unopened studies leave a radiologist who goes off duty, off shift or away, within
 * seconds, against real PostgreSQL and Redis with two router processes; caps hold.
 */
describe('roster sweep', () => {
  let runtimes: Runtime[] = [];
  let routers: RouterService[] = [];
  let cleanup: () => Promise<void>;
  const latencies: Record<string, number> = {};

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtimes = [await openRuntime(t.config), await openRuntime(t.config)];
    routers = await Promise.all(runtimes.map((r) => start(r, { reconcileEveryMs: 60_000 })));
  }, 60_000);

  afterAll(async () => {
    for (const r of routers) await r.stop();
    for (const r of runtimes) await r.close();
    await cleanup?.();
    // The measured re-route latencies, for the record.
    console.info(`roster re-route latency (ms): ${JSON.stringify(latencies)}`);
  });

  const runtime = () => runtimes[0] as Runtime;
  const db = () => runtime().db.db;
  const setUser = (username: string, values: Updateable<AppUserTable>) =>
    db().updateTable('app_user').set(values).where('username', '=', username).execute();

  beforeEach(async () => {
    await closeOpenStudies(db());
    await db()
      .updateTable('app_user')
      .set({ on_duty: true, max_open: null, last_seen_at: null, shifts: JSON.stringify({ weekly: [], dated: [] }) })
      .where('role', '=', 'radiologist')
      .execute();
  });

  /** Ready studies of clinic-a routed now, while only rad1 is on duty: all rad1's. */
  async function studiesOfRad1(n: number): Promise<string[]> {
    await setUser('rad2', { on_duty: false });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = await insertReadyStudy(db(), 'clinic-a', i === 0 ? 'emergency' : 'outpatient');
      await execRouteJob(id, runtime());
      ids.push(id);
    }
    for (const id of ids) expect((await whereIs(db(), id)).username).toBe('rad1');
    return ids;
  }
  const allWith = (ids: readonly string[], username: string) => async () =>
    (await Promise.all(ids.map((id) => whereIs(db(), id)))).every((s) => s.username === username);

  test('rad1 goes off duty: the unopened studies reach rad2 within seconds, the opened one stays', async () => {
    const [opened, ...unopened] = await studiesOfRad1(4);
    await db()
      .updateTable('study')
      .set({ status: 'reading', claimed_at: new Date() })
      .where('id', '=', opened as string)
      .execute();
    await setUser('rad2', { on_duty: true });
    // What the admin API does: flip the switch, then ask for a sweep.
    await setUser('rad1', { on_duty: false });
    await requestRosterSweep(runtime().queues);
    latencies.offDuty = await until(allWith(unopened, 'rad2'), 5000);
    for (const id of unopened) {
      expect(await whereIs(db(), id)).toMatchObject({ status: 'assigned', from: 'rad1', reassign_reason: 'off-duty' });
    }
    expect(await whereIs(db(), opened as string)).toMatchObject({ status: 'reading', username: 'rad1' });
  });

  test("rad1's shift is over: the periodic sweep moves the studies without being asked", async () => {
    const ids = await studiesOfRad1(2);
    await setUser('rad2', { on_duty: true });
    // A day off today: no shift now (the shift rules are table-tested in @telerad/core).
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await setUser('rad1', { shifts: JSON.stringify({ weekly: [], dated: [{ date: today, off: true }] }) });
    latencies.offShift = await until(allWith(ids, 'rad2'), 5000);
    expect(await whereIs(db(), ids[0] as string)).toMatchObject({ from: 'rad1', reassign_reason: 'off-shift' });
  });

  test('nobody else on duty: the studies wait unassigned with the reason, and go out when someone comes', async () => {
    const ids = await studiesOfRad1(2);
    await setUser('rad1', { on_duty: false });
    await requestRosterSweep(runtime().queues);
    await until(
      async () => (await Promise.all(ids.map((id) => whereIs(db(), id)))).every((s) => s.username === null),
      5000,
    );
    expect(await whereIs(db(), ids[0] as string)).toMatchObject({
      status: 'ready',
      unassigned_reason: 'no radiologist is on duty',
      from: 'rad1',
    });
    await setUser('rad2', { on_duty: true });
    await requestRosterSweep(runtime().queues);
    latencies.comesOnDuty = await until(allWith(ids, 'rad2'), 5000);
  });

  test('rad1 closes the worklist while rad2 has it open: the studies go to rad2', async () => {
    const ids = await studiesOfRad1(2);
    await setUser('rad2', { on_duty: true, last_seen_at: new Date() });
    await setUser('rad1', { last_seen_at: new Date(Date.now() - 60_000) });
    latencies.absent = await until(allWith(ids, 'rad2'), 5000);
    expect(await whereIs(db(), ids[0] as string)).toMatchObject({ from: 'rad1', reassign_reason: 'absent' });
  });

  test('nobody has the worklist open: nothing moves', async () => {
    const ids = await studiesOfRad1(2);
    await setUser('rad2', { on_duty: true });
    await requestRosterSweep(runtime().queues);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await allWith(ids, 'rad1')()).toBe(true);
  });

  test('a ready study whose route job was lost has an assignee or a reason within 5 s', async () => {
    // Inserted as ready with no route job at all (as if Redis had lost it).
    const assigned = await insertReadyStudy(db(), 'clinic-b', 'emergency');
    latencies.lostRouteJob = await until(async () => (await whereIs(db(), assigned)).username !== null, 5000);
    await db().updateTable('app_user').set({ on_duty: false }).where('role', '=', 'radiologist').execute();
    const waiting = await insertReadyStudy(db(), 'clinic-b', 'emergency');
    await until(async () => (await whereIs(db(), waiting)).unassigned_reason !== null, 5000);
    expect(await whereIs(db(), waiting)).toMatchObject({
      status: 'ready',
      unassigned_reason: 'no radiologist is on duty',
    });
  });

  test('caps: rad1 takes two, the third waits with the reason, and goes out once rad1 signs one', async () => {
    await setUser('rad2', { on_duty: false });
    await setUser('rad1', { max_open: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await insertReadyStudy(db(), 'clinic-b', 'outpatient');
      await execRouteJob(id, runtime());
      ids.push(id);
    }
    const [a, b, c] = await Promise.all(ids.map((id) => whereIs(db(), id)));
    expect([a?.username, b?.username, c?.username]).toEqual(['rad1', 'rad1', null]);
    expect(c?.unassigned_reason).toBe('every qualified radiologist on duty has reached their cap of open studies');
    await db()
      .updateTable('study')
      .set({ status: 'signed', signed_at: new Date() })
      .where('id', '=', ids[0] as string)
      .execute();
    await requestRosterSweep(runtime().queues);
    await until(async () => (await whereIs(db(), ids[2] as string)).username === 'rad1', 5000);
  });
});
