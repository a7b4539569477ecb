import { enqueueRoute } from '@telerad/queue';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RouterService, start } from './start.js';
import { insertReadyStudy } from './testing/insertReadyStudy.js';

/**
 * SLA timers against real Redis and PostgreSQL, with two router processes at once and an emergency
 * limit of 3 s: a breach fires for an unsigned study, signing cancels it, nothing is doubled.
 */
describe('SLA timers with two routers', () => {
  let runtimes: Runtime[] = [];
  let routers: RouterService[] = [];
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await testConfig({
      database: 'postgres',
      region: (r) => {
        r.sla = {
          warnAt: 0.5,
          emergency: { target: '3s', limit: '3s' },
          outpatient: { target: '1h', limit: '1h' },
          inpatient: { target: '1h', limit: '2h' },
        };
      },
    });
    cleanup = t.cleanup;
    // Two processes' worth of router: separate connections, same database and queues.
    runtimes = [await openRuntime(t.config), await openRuntime(t.config)];
    routers = await Promise.all(runtimes.map((r) => start(r, { reconcileEveryMs: 500 })));
  }, 60_000);

  afterAll(async () => {
    for (const r of routers) await r.stop();
    for (const r of runtimes) await r.close();
    await cleanup?.();
  });

  const db = () => (runtimes[0] as Runtime).db.db;

  async function readyStudy(priority: 'emergency' | 'outpatient'): Promise<string> {
    const id = await insertReadyStudy(db(), 'clinic-a', priority);
    // Both routers are asked; the deterministic job id makes it one job.
    for (const r of runtimes) await enqueueRoute(r.queues, id, 'submitted');
    return id;
  }

  const events = async (studyId: string) =>
    (await db().selectFrom('sla_event').select(['kind']).where('study_id', '=', studyId).orderBy('kind').execute()).map(
      (e) => e.kind,
    );

  const until = async (check: () => Promise<boolean>, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  test('an unsigned emergency study gets one warning and one breach', async () => {
    const studyId = await readyStudy('emergency');
    await until(async () => (await events(studyId)).includes('breach'), 10_000);
    // Let both routers' reconciliation passes run again: still exactly one of each.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await events(studyId)).toEqual(['breach', 'warning']);
    const study = await db()
      .selectFrom('study')
      .select(['assigned_to', 'ready_at', 'deadline_at'])
      .where('id', '=', studyId)
      .executeTakeFirstOrThrow();
    expect(study.assigned_to).not.toBeNull();
    expect((study.deadline_at as Date).getTime() - (study.ready_at as Date).getTime()).toBe(3000);
    const audits = await db()
      .selectFrom('audit_event')
      .select((eb) => ['action', eb.fn.countAll<string>().as('n')])
      .where('study_id', '=', studyId)
      .groupBy('action')
      .execute();
    // The warning moved the unopened study to the other radiologist; the breach escalated it to
    // the city hospital (docs/region.md).
    expect(Object.fromEntries(audits.map((a) => [a.action, Number(a.n)]))).toEqual({
      'study.assigned': 1,
      'sla.warning': 1,
      'study.reassigned': 1,
      'sla.breach': 1,
      'study.escalated': 1,
    });
  });

  test('signing before the limit cancels the breach', async () => {
    const studyId = await readyStudy('emergency');
    await until(async () => {
      const s = await db().selectFrom('study').select('status').where('id', '=', studyId).executeTakeFirstOrThrow();
      return s.status === 'assigned';
    }, 5_000);
    // The radiologist signs at once (the web service's sign does this update and cancels the timers).
    await db()
      .updateTable('study')
      .set({ status: 'signed', signed_at: new Date() })
      .where('id', '=', studyId)
      .execute();
    const { cancelSlaTimers } = await import('@telerad/queue');
    await cancelSlaTimers((runtimes[0] as Runtime).queues, studyId);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await events(studyId)).toEqual([]);
  });

  test('after Redis loses every job, reconciliation rebuilds the timers from PostgreSQL', async () => {
    const studyId = await readyStudy('outpatient');
    await until(
      async () => (await (runtimes[0] as Runtime).queues.sla.getJob(`sla-breach-${studyId}`)) !== undefined,
      5_000,
    );
    await (runtimes[0] as Runtime).queues.sla.obliterate({ force: true });
    expect(await (runtimes[0] as Runtime).queues.sla.getJob(`sla-breach-${studyId}`)).toBeUndefined();
    await (routers[1] as RouterService).reconcileNow();
    const job = await (runtimes[0] as Runtime).queues.sla.getJob(`sla-breach-${studyId}`);
    expect(job?.data).toEqual({ studyId, kind: 'breach' });
    const deadline = await sql<{ d: Date }>`SELECT deadline_at AS d FROM study WHERE id = ${studyId}`.execute(db());
    const due = (job?.timestamp ?? 0) + (job?.opts.delay ?? 0);
    expect(Math.abs(due - (deadline.rows[0] as { d: Date }).d.getTime())).toBeLessThan(1000);
  });
});
