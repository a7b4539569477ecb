import { publishStudyEvent, type StudyEvent, subscribeStudyEvents } from '@telerad/queue';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { execRouteJob } from './execRouteJob.js';
import { type RouterService, start } from './start.js';
import { insertReadyStudy } from './testing/insertReadyStudy.js';
import { closeOpenStudies, radiologistIds, until, whereIs } from './testing/rosterTestHelpers.js';

/**
 * SLA warning and breach with the roster, against real PostgreSQL and Redis: emergency limit 4 s,
 * warning at 50 % (2 s). rad1 and rad2 read for the district hospital; rad3 for the city hospital
 * above it.
 */
describe('SLA warning re-route and breach escalation', () => {
  let runtime: Runtime;
  let router: RouterService;
  let cleanup: () => Promise<void>;
  let ids: Record<string, string>;
  const heard: StudyEvent[] = [];
  let unsubscribe: () => Promise<void>;

  beforeAll(async () => {
    const t = await testConfig({
      database: 'postgres',
      region: (r) => {
        r.sla = {
          warnAt: 0.5,
          emergency: { target: '4s', limit: '4s' },
          outpatient: { target: '1h', limit: '1h' },
          inpatient: { target: '1h', limit: '2h' },
        };
      },
    });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    router = await start(runtime, { reconcileEveryMs: 60_000 });
    ids = await radiologistIds(runtime.db.db);
    unsubscribe = await subscribeStudyEvents(runtime.newRedis(), runtime.config.queuePrefix, (e) => heard.push(e));
    // The subscription is live once an event of our own comes back.
    const probe = '00000000-0000-4000-8000-000000000000';
    await until(async () => {
      await publishStudyEvent(runtime.redis, runtime.config.queuePrefix, {
        type: 'updated',
        studyId: probe,
        hospitalId: probe,
        clinicId: probe,
      });
      return heard.some((e) => e.studyId === probe);
    }, 5000);
  }, 60_000);

  afterAll(async () => {
    await unsubscribe?.();
    await router?.stop();
    await runtime?.close();
    await cleanup?.();
  });

  beforeEach(async () => {
    await closeOpenStudies(runtime.db.db);
  });

  const db = () => runtime.db.db;
  const alerts = async (studyId: string) =>
    (await db().selectFrom('sla_alert').select('kind').where('study_id', '=', studyId).orderBy('kind').execute()).map(
      (a) => a.kind,
    );

  test('an unopened study moves to the other radiologist at the warning, then escalates to the city hospital', async () => {
    const id = await insertReadyStudy(db(), 'clinic-a', 'emergency');
    await execRouteJob(id, runtime);
    const first = (await whereIs(db(), id)).username;
    expect(['rad1', 'rad2']).toContain(first);
    const other = first === 'rad1' ? 'rad2' : 'rad1';

    await until(async () => (await whereIs(db(), id)).username === other, 6000);
    expect(await whereIs(db(), id)).toMatchObject({
      status: 'assigned',
      username: other,
      from: first,
      reassign_reason: 'sla-warning',
      escalatedTo: null,
    });
    const audit = await db()
      .selectFrom('audit_event')
      .select(['detail'])
      .where('study_id', '=', id)
      .where('action', '=', 'study.reassigned')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toEqual({ from: first, to: other, reason: 'sla-warning' });
    await until(async () => heard.some((e) => e.studyId === id && e.type === 'reassigned'), 2000);
    expect(heard.find((e) => e.studyId === id && e.type === 'reassigned')).toMatchObject({
      userId: ids[other],
      previousUserId: ids[first as string],
    });

    await until(async () => (await whereIs(db(), id)).escalatedTo === 'city', 6000);
    expect(await whereIs(db(), id)).toMatchObject({
      status: 'assigned',
      username: 'rad3',
      from: other,
      reassign_reason: 'escalation',
    });
    expect(await alerts(id)).toEqual(['breach', 'escalated']);
    await until(async () => heard.filter((e) => e.studyId === id && e.type === 'escalated').length === 2, 2000);
    expect(heard.some((e) => e.studyId === id && e.type === 'breach')).toBe(true);
    expect(heard.some((e) => e.studyId === id && e.type === 'warning')).toBe(true);
    const moves = await runtime.metrics.registry.getSingleMetricAsString('telerad_study_moves_total');
    expect(moves).toContain('telerad_study_moves_total{reason="sla-warning",outcome="reassigned"} 1');
    expect(moves).toContain('telerad_study_moves_total{reason="escalation",outcome="escalated"} 1');
  });

  test('an opened study stays with its reader: warned, breached, alerted, not escalated', async () => {
    const id = await insertReadyStudy(db(), 'clinic-b', 'emergency');
    await execRouteJob(id, runtime);
    const reader = (await whereIs(db(), id)).username;
    await db().updateTable('study').set({ status: 'reading', claimed_at: new Date() }).where('id', '=', id).execute();
    await until(async () => (await alerts(id)).length === 2, 8000);
    expect(await whereIs(db(), id)).toMatchObject({
      status: 'reading',
      username: reader,
      from: null,
      escalatedTo: null,
    });
    expect(await alerts(id)).toEqual(['breach', 'not-escalated']);
    const note = await db()
      .selectFrom('sla_alert')
      .select('detail')
      .where('study_id', '=', id)
      .where('kind', '=', 'not-escalated')
      .executeTakeFirstOrThrow();
    expect(note.detail).toEqual({ reason: `opened by ${reader}; left with the reader` });
    const events = await db().selectFrom('sla_event').select('kind').where('study_id', '=', id).execute();
    expect(events.map((e) => e.kind).sort()).toEqual(['breach', 'warning']);
  });

  test('at the warning with nobody else eligible the study stays, and the reason is recorded', async () => {
    await db().updateTable('app_user').set({ on_duty: false }).where('username', '=', 'rad2').execute();
    await db().updateTable('app_user').set({ on_duty: false }).where('username', '=', 'rad3').execute();
    try {
      const id = await insertReadyStudy(db(), 'clinic-a', 'emergency');
      await execRouteJob(id, runtime);
      expect((await whereIs(db(), id)).username).toBe('rad1');
      await until(async () => (await alerts(id)).includes('not-escalated'), 8000);
      expect(await whereIs(db(), id)).toMatchObject({ username: 'rad1', from: null });
      const actions = await db()
        .selectFrom('audit_event')
        .select(['action', 'detail'])
        .where('study_id', '=', id)
        .where('action', 'in', ['study.not-reassigned', 'study.not-escalated'])
        .orderBy('action')
        .execute();
      expect(actions).toEqual([
        {
          action: 'study.not-escalated',
          detail: { reason: 'no fallback hospital can take it (city: no radiologist is on duty)' },
        },
        {
          action: 'study.not-reassigned',
          detail: { assignee: 'rad1', reason: 'no other radiologist is on duty', because: 'sla-warning' },
        },
      ]);
    } finally {
      await db().updateTable('app_user').set({ on_duty: true }).where('role', '=', 'radiologist').execute();
    }
  });
});
