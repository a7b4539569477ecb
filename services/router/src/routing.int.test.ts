import { enqueueRoute } from '@telerad/queue';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RouterService, start } from './start.js';
import { insertReadyStudy } from './testing/insertReadyStudy.js';

/** Assignment against real PostgreSQL and Redis: least weighted load, and nobody on duty. */
describe('routing', () => {
  let runtime: Runtime;
  let router: RouterService;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await testConfig({
      database: 'postgres',
      region: (r) => {
        for (const u of r.users) if (u.username === 'rad2') u.onDuty = false;
      },
    });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    router = await start(runtime, { reconcileEveryMs: 60_000 });
  }, 60_000);

  afterAll(async () => {
    await router?.stop();
    await runtime?.close();
    await cleanup?.();
  });

  const db = () => runtime.db.db;
  const study = (id: string) =>
    db()
      .selectFrom('study as s')
      .leftJoin('app_user as u', 'u.id', 's.assigned_to')
      .select(['s.status', 'u.username', 's.unassigned_reason', 's.ready_at', 's.deadline_at', 's.target_at'])
      .where('s.id', '=', id)
      .executeTakeFirstOrThrow();
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('condition not met in time');
  };
  async function readyStudy(priority: 'emergency' | 'outpatient' | 'inpatient'): Promise<string> {
    const id = await insertReadyStudy(db(), 'clinic-b', priority);
    await enqueueRoute(runtime.queues, id, 'submitted');
    return id;
  }

  test('with only rad1 on duty, an inpatient study goes to rad1 with target 60 and limit 120 minutes', async () => {
    const id = await readyStudy('inpatient');
    await until(async () => (await study(id)).username === 'rad1');
    const s = await study(id);
    expect(s.status).toBe('assigned');
    const ready = (s.ready_at as Date).getTime();
    expect((s.target_at as Date).getTime() - ready).toBe(60 * 60_000);
    expect((s.deadline_at as Date).getTime() - ready).toBe(120 * 60_000);
  });

  test('nobody on duty: the study waits with a recorded reason, and is assigned once someone is', async () => {
    await db().updateTable('app_user').set({ on_duty: false }).where('role', '=', 'radiologist').execute();
    const id = await readyStudy('emergency');
    await until(async () => (await study(id)).unassigned_reason !== null);
    expect(await study(id)).toMatchObject({
      status: 'ready',
      username: null,
      unassigned_reason: 'no radiologist is on duty',
    });
    expect((await study(id)).deadline_at).not.toBeNull();

    await db().updateTable('app_user').set({ on_duty: true }).where('role', '=', 'radiologist').execute();
    await router.reconcileNow();
    // Who takes it depends on whether the roster sweep already moved rad1's unopened inpatient study
    // off him while nobody was on duty (docs/region.md); either way it is assigned.
    await until(async () => (await study(id)).username !== null);
    expect(await study(id)).toMatchObject({ status: 'assigned', unassigned_reason: null });
  });

  test('deadline-aware: an emergency goes to the radiologist whose queue lets it finish first', async () => {
    const users = await db()
      .selectFrom('app_user')
      .select(['id', 'username'])
      .where('role', '=', 'radiologist')
      .execute();
    const rad1 = users.find((u) => u.username === 'rad1')?.id ?? '';
    const rad2 = users.find((u) => u.username === 'rad2')?.id ?? '';
    // rad1 is reading a film opened a minute ago and has two emergencies waiting; rad2 has one
    // outpatient film waiting, which a new emergency may pass.
    await db()
      .updateTable('study')
      .set({ status: 'signed', signed_at: new Date() })
      .where('status', 'in', ['assigned', 'reading'])
      .execute();
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000);
    const assign = async (
      priority: 'emergency' | 'outpatient',
      to: string,
      status: 'assigned' | 'reading',
      deadlineMinutes: number,
    ) => {
      const id = await insertReadyStudy(db(), 'clinic-b', priority);
      await db()
        .updateTable('study')
        .set({
          status,
          assigned_to: to,
          assigned_at: new Date(),
          deadline_at: at(deadlineMinutes),
          claimed_at: status === 'reading' ? at(-1) : null,
        })
        .where('id', '=', id)
        .execute();
    };
    await assign('outpatient', rad1, 'reading', 50);
    await assign('emergency', rad1, 'assigned', 25);
    await assign('emergency', rad1, 'assigned', 28);
    await assign('outpatient', rad2, 'assigned', 55);
    const id = await readyStudy('emergency');
    await until(async () => (await study(id)).username !== null);
    expect((await study(id)).username).toBe('rad2');
  });
});
