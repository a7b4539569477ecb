import { jobIds, rearmSlaTimers, scheduleSlaTimers } from '@telerad/queue';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RouterService, start } from './start.js';
import { insertReadyStudy } from './testing/insertReadyStudy.js';
import { radiologistIds, until } from './testing/rosterTestHelpers.js';

/**
 * SLA timers whose time moved: a timer that comes due before its study's (moved) time waits again and
 * fires at the new time; re-arming replaces a timer kept at an old time or already finished, keeps one
 * already right, and leaves alone the kinds already recorded.
 */
describe('SLA timers when the time moves', () => {
  let runtime: Runtime;
  let router: RouterService;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
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
  const due = async (jobId: string) => {
    const job = await runtime.queues.sla.getJob(jobId);
    return job === undefined ? null : { state: await job.getState(), at: job.timestamp + (job.opts.delay ?? 0) };
  };
  /** An opened study of rad1 (so a warning does not move it), with warning and deadline as given. */
  async function openedStudy(warningInMs: number, deadlineInMs: number): Promise<string> {
    const id = await insertReadyStudy(db(), 'clinic-a', 'outpatient');
    const { rad1 } = await radiologistIds(db());
    await db()
      .updateTable('study')
      .set({
        status: 'reading',
        assigned_to: rad1,
        assigned_at: new Date(),
        claimed_at: new Date(),
        target_at: new Date(Date.now() + deadlineInMs),
        warning_at: new Date(Date.now() + warningInMs),
        deadline_at: new Date(Date.now() + deadlineInMs),
      })
      .where('id', '=', id)
      .execute();
    return id;
  }

  test('a timer that comes due before the moved time waits and fires at the new time', async () => {
    const id = await openedStudy(800, 3600_000);
    const study = await db()
      .selectFrom('study')
      .select(['warning_at', 'deadline_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    await scheduleSlaTimers(runtime.queues, id, {
      warningAt: study.warning_at as Date,
      deadlineAt: study.deadline_at as Date,
    });
    // The warning moves 2.5 s later in the database only (as a resume racing the timer would leave it).
    const movedTo = new Date(Date.now() + 3000);
    await db().updateTable('study').set({ warning_at: movedTo }).where('id', '=', id).execute();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await db().selectFrom('sla_event').select('kind').where('study_id', '=', id).execute()).toEqual([]);
    expect((await due(jobIds.slaWarning(id)))?.state).toBe('delayed');
    await until(
      async () => (await db().selectFrom('sla_event').select('kind').where('study_id', '=', id).execute()).length === 1,
      5000,
    );
    const fired = await db()
      .selectFrom('sla_event')
      .select(['kind', 'fired_at'])
      .where('study_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(fired.kind).toBe('warning');
    expect(fired.fired_at.getTime()).toBeGreaterThanOrEqual(movedTo.getTime() - 1000);
  });

  test('re-arming replaces old and finished timers, keeps right ones, skips recorded kinds', async () => {
    const id = await openedStudy(3600_000, 7200_000);
    const first = { warningAt: new Date(Date.now() + 3600_000), deadlineAt: new Date(Date.now() + 7200_000) };
    await scheduleSlaTimers(runtime.queues, id, first);
    const before = await due(jobIds.slaBreach(id));
    // Same times: nothing to do.
    expect(await rearmSlaTimers(runtime.queues, id, first)).toEqual([]);
    expect(await due(jobIds.slaBreach(id))).toEqual(before);
    // Moved times: both replaced at the new times.
    const moved = {
      warningAt: new Date(first.warningAt.getTime() + 600_000),
      deadlineAt: new Date(first.deadlineAt.getTime() + 600_000),
    };
    expect(await rearmSlaTimers(runtime.queues, id, moved)).toEqual(['warning', 'breach']);
    expect(Math.abs(((await due(jobIds.slaBreach(id)))?.at ?? 0) - moved.deadlineAt.getTime())).toBeLessThan(50);
    // A recorded warning is not armed again; a breach job that finished while the study was on hold
    // (it does nothing then) is replaced.
    await db().updateTable('study').set({ held_at: new Date() }).where('id', '=', id).execute();
    await (await runtime.queues.sla.getJob(jobIds.slaBreach(id)))?.remove();
    await runtime.queues.sla.add('breach', { studyId: id, kind: 'breach' }, { jobId: jobIds.slaBreach(id) });
    await until(async () => (await due(jobIds.slaBreach(id)))?.state === 'completed', 5000);
    expect((await runtime.queues.sla.getJob(jobIds.slaBreach(id)))?.returnvalue).toBe('held');
    await db().updateTable('study').set({ held_at: null }).where('id', '=', id).execute();
    const later = { warningAt: moved.warningAt, deadlineAt: new Date(moved.deadlineAt.getTime() + 60_000) };
    expect(await rearmSlaTimers(runtime.queues, id, later, { skip: ['warning'] })).toEqual(['breach']);
    expect(await due(jobIds.slaBreach(id))).toEqual({ state: 'delayed', at: expect.any(Number) });
    expect(Math.abs(((await due(jobIds.slaBreach(id)))?.at ?? 0) - later.deadlineAt.getTime())).toBeLessThan(50);
  });
});
