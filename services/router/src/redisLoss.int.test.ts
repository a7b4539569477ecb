import { enqueueRoute, jobIds, scheduleStableCheck } from '@telerad/queue';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { holdStudy } from './holdStudy.js';
import { type RouterService, start } from './start.js';
import { insertReadyStudy } from './testing/insertReadyStudy.js';
import { until } from './testing/rosterTestHelpers.js';

/**
 * Redis loses everything (FLUSHALL, on a redis-server of this test's own): PostgreSQL is the source of
 * truth, and the reconciliation pass — at start-up and on its schedule — rebuilds the route jobs of
 * ready studies, every SLA timer at the study's times (none for a study on hold), the stable checks of
 * studies still arriving, and the repeating roster sweep.
 */
describe('after Redis loses everything', () => {
  let runtime: Runtime;
  let router: RouterService | undefined;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres', redis: 'embedded' });
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
  const statusOf = async (id: string) =>
    db().selectFrom('study').select(['status', 'assigned_to']).where('id', '=', id).executeTakeFirstOrThrow();
  const routed = async (priority: 'emergency' | 'outpatient' | 'inpatient') => {
    const id = await insertReadyStudy(db(), 'clinic-a', priority);
    await enqueueRoute(runtime.queues, id, 'submitted');
    await until(async () => (await statusOf(id)).status === 'assigned', 5000);
    return id;
  };
  /** Each open study's timers as Redis holds them, against the times in PostgreSQL. */
  const timersMatchDatabase = async (ids: string[]) => {
    const rows = await db()
      .selectFrom('study')
      .select(['id', 'warning_at', 'deadline_at'])
      .where('id', 'in', ids)
      .execute();
    for (const row of rows) {
      for (const [jobId, due] of [
        [jobIds.slaWarning(row.id), row.warning_at],
        [jobIds.slaBreach(row.id), row.deadline_at],
      ] as const) {
        const job = await runtime.queues.sla.getJob(jobId);
        expect(job, jobId).toBeDefined();
        expect(await job?.getState()).toBe('delayed');
        expect(Math.abs((job?.timestamp ?? 0) + (job?.opts.delay ?? 0) - (due as Date).getTime())).toBeLessThan(1000);
      }
    }
  };
  const wipe = async () => {
    await runtime.redis.flushall();
    expect(await runtime.redis.dbsize()).toBe(0);
  };

  test('start-up reconciliation rebuilds route jobs, SLA timers, stable checks and the roster sweep', async () => {
    const assigned = [await routed('emergency'), await routed('outpatient'), await routed('inpatient')];
    const held = await routed('outpatient');
    const rad = await db()
      .selectFrom('study as s')
      .innerJoin('app_user as u', 'u.id', 's.assigned_to')
      .select(['u.id', 'u.username'])
      .where('s.id', '=', held)
      .executeTakeFirstOrThrow();
    await holdStudy(runtime, held, { userId: rad.id, username: rad.username }, 'please add a lateral view');

    // The router goes down; studies become ready and arriving meanwhile, their jobs only in Redis.
    await router?.stop();
    router = undefined;
    const waiting = [
      await insertReadyStudy(db(), 'clinic-a', 'emergency'),
      await insertReadyStudy(db(), 'clinic-b', 'inpatient'),
    ];
    for (const id of waiting) await enqueueRoute(runtime.queues, id, 'submitted');
    const arriving = await insertReadyStudy(db(), 'clinic-a', 'outpatient');
    await db()
      .updateTable('study')
      .set({ status: 'receiving', ready_at: null, last_instance_at: new Date() })
      .where('id', '=', arriving)
      .execute();
    await scheduleStableCheck(runtime.queues, arriving, 60_000);

    await wipe();
    const restarted = Date.now();
    router = await start(runtime, { reconcileEveryMs: 60_000 });
    for (const id of waiting) await until(async () => (await statusOf(id)).status === 'assigned', 5000);
    console.info(`[redis loss] waiting studies assigned ${Date.now() - restarted} ms after the restart`);

    await timersMatchDatabase([...assigned, ...waiting]);
    for (const id of [jobIds.slaWarning(held), jobIds.slaBreach(held)]) {
      expect(await runtime.queues.sla.getJob(id)).toBeUndefined();
    }
    expect(await runtime.queues.sla.getDelayedCount()).toBe(2 * (assigned.length + waiting.length));
    const stable = await runtime.queues.studyReady.getJob(jobIds.stable(arriving));
    expect(await stable?.getState()).toBe('delayed');
    expect((await runtime.queues.roster.getJobSchedulers()).map((s) => s.key)).toContain('roster-sweep');
  });

  test('the periodic pass does the same for a router that keeps running', async () => {
    const open = [await routed('emergency'), await routed('outpatient')];
    await wipe();
    expect(await runtime.queues.sla.getJob(jobIds.slaBreach(open[0] as string))).toBeUndefined();
    await router?.reconcileNow();
    await timersMatchDatabase(open);
    expect((await runtime.queues.roster.getJobSchedulers()).map((s) => s.key)).toContain('roster-sweep');
    // And the rebuilt timers still fire: a study past its warning time gets its warning recorded.
    const id = open[0] as string;
    await db()
      .updateTable('study')
      .set({ warning_at: new Date(Date.now() + 500) })
      .where('id', '=', id)
      .execute();
    await router?.reconcileNow();
    await until(
      async () =>
        (await db().selectFrom('sla_event').select('kind').where('study_id', '=', id).executeTakeFirst())?.kind ===
        'warning',
      5000,
    );
  });
});
