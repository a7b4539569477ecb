import { enqueueRoute, jobIds } from '@telerad/queue';
import { apiClient, testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AllInOne, startAllInOne } from './startAllInOne.js';

/**
 * Clock pause and priority raise over the real stack (PostgreSQL, Redis, router, web) with a short
 * SLA: emergency limit 8 s with the warning at half of it. A hold stops the clock — neither the
 * warning nor the breach fires while the study waits for the clinic, and both fire at the times moved
 * by the paused duration once the clinic answers. A raise recomputes the deadline and moves an
 * unopened study to the radiologist the policy now prefers.
 */
describe('hold, resume and priority raise', () => {
  let stack: AllInOne;
  let cleanup: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const t = await testConfig({
      database: 'postgres',
      region: (r) => {
        r.sla = {
          warnAt: 0.5,
          emergency: { target: '8s', limit: '8s' },
          outpatient: { target: '1h', limit: '1h' },
          inpatient: { target: '1h', limit: '2h' },
        };
      },
    });
    cleanup = t.cleanup;
    stack = await startAllInOne(t.config);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await cleanup?.();
  }, 60_000);

  const db = () => stack.runtime.db.db;
  const api = apiClient(() => stack.url);
  const post = (p: string, token: string, body: unknown) =>
    api(p, { method: 'POST', token, body: JSON.stringify(body) });
  const login = async (username: string) => {
    const r = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password: 'demo' }) });
    expect(r.status).toBe(200);
    return r.json.token as string;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const until = async (check: () => Promise<boolean>, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await sleep(100);
    }
  };
  const study = (id: string) =>
    db()
      .selectFrom('study as s')
      .leftJoin('app_user as u', 'u.id', 's.assigned_to')
      .select([
        's.status',
        's.priority',
        's.ready_at',
        's.target_at',
        's.warning_at',
        's.deadline_at',
        's.held_at',
        's.paused_ms',
        's.reassign_reason',
        'u.username',
      ])
      .where('s.id', '=', id)
      .executeTakeFirstOrThrow();
  const slaEvents = async (id: string) =>
    db().selectFrom('sla_event').select(['kind', 'fired_at']).where('study_id', '=', id).orderBy('kind').execute();
  const ids = async () => {
    const rows = await db().selectFrom('app_user').select(['id', 'username']).execute();
    return Object.fromEntries(rows.map((r) => [r.username, r.id])) as Record<string, string>;
  };

  const closeOpenStudies = () =>
    db()
      .updateTable('study')
      .set({ status: 'signed', signed_at: new Date() })
      .where('status', 'in', ['ready', 'assigned', 'reading'])
      .execute();

  async function readyStudy(priority: 'emergency' | 'outpatient' | 'inpatient', clinic = 'clinic-a') {
    const c = await db()
      .selectFrom('clinic')
      .select(['id', 'hospital_id'])
      .where('code', '=', clinic)
      .executeTakeFirstOrThrow();
    const row = await db()
      .insertInto('study')
      .values({
        study_instance_uid: `2.25.${Date.now()}${Math.floor(Math.random() * 1e9)}`,
        clinic_id: c.id,
        hospital_id: c.hospital_id,
        priority,
        status: 'ready',
        ready_at: new Date(),
        modalities: 'DX',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueueRoute(stack.runtime.queues, row.id, 'submitted');
    await until(async () => (await study(row.id)).username !== null, 5000);
    return row.id;
  }

  test('a hold stops the clock; the answer resumes it with the paused time excluded', async () => {
    const id = await readyStudy('emergency');
    const before = await study(id);
    const reader = await login(before.username ?? '');
    expect((await post(`/api/studies/${id}/claim`, reader, {})).status).toBe(200);

    // Bad input and the wrong people are refused, and leave nothing behind.
    const other = await login(before.username === 'rad1' ? 'rad2' : 'rad1');
    const clinicA = 'demo-token-clinic-a';
    expect((await post(`/api/studies/${id}/hold`, reader, { reason: '  ' })).json.error.code).toBe('invalid');
    expect((await post(`/api/studies/${id}/hold`, other, { reason: 'lateral view please' })).status).toBe(409);
    expect((await post(`/api/studies/${id}/hold`, clinicA, { reason: 'x' })).status).toBe(403);
    expect((await post(`/api/studies/${id}/resume`, clinicA, { answer: 'here' })).status).toBe(409);
    expect((await study(id)).held_at).toBeNull();

    const held = await post(`/api/studies/${id}/hold`, reader, { reason: 'please add a lateral view' });
    expect(held.status).toBe(200);
    expect(held.json.study.hold).toEqual({ since: expect.any(String), reason: 'please add a lateral view' });
    expect((await post(`/api/studies/${id}/hold`, reader, { reason: 'again' })).status).toBe(409);
    // No timer waits while the clock is stopped, and reconciliation does not arm one.
    await stack.reconcileNow();
    for (const jobId of [jobIds.slaWarning(id), jobIds.slaBreach(id)]) {
      const job = await stack.runtime.queues.sla.getJob(jobId);
      expect(job === undefined ? 'none' : await job.getState()).not.toBe('delayed');
    }
    // The whole original limit (8 s) passes on hold: no warning, no breach.
    await sleep(9000);
    expect(await slaEvents(id)).toEqual([]);

    // Another clinic cannot answer; the right one sees the question and answers.
    expect((await post(`/api/studies/${id}/resume`, 'demo-token-clinic-b', { answer: 'x' })).status).toBe(403);
    const seen = await api(`/api/studies/${id}`, { token: clinicA });
    expect(seen.json.holds).toEqual([expect.objectContaining({ reason: 'please add a lateral view', answer: null })]);
    const resumed = await post(`/api/studies/${id}/resume`, clinicA, { answer: 'lateral view sent' });
    expect(resumed.status).toBe(200);
    const after = await study(id);
    const paused = Number(after.paused_ms);
    expect(paused).toBeGreaterThan(8500);
    expect(after.held_at).toBeNull();
    // Every time moved by exactly the paused duration.
    for (const k of ['target_at', 'warning_at', 'deadline_at'] as const) {
      expect((after[k] as Date).getTime() - (before[k] as Date).getTime()).toBe(paused);
    }
    expect(resumed.json.study).toMatchObject({ hold: null, pausedMinutes: Math.round(paused / 6000) / 10 });
    expect(resumed.json.holds).toEqual([
      expect.objectContaining({
        reason: 'please add a lateral view',
        answer: 'lateral view sent',
        answeredBy: 'clinic:clinic-a',
        resumedVia: 'answer',
        by: expect.objectContaining({ username: before.username }),
      }),
    ]);

    // The timers fire at the new times, not before.
    await until(async () => (await slaEvents(id)).length === 2, 15_000);
    const fired = await slaEvents(id);
    const warning = fired.find((e) => e.kind === 'warning')?.fired_at as Date;
    const breach = fired.find((e) => e.kind === 'breach')?.fired_at as Date;
    expect(warning.getTime()).toBeGreaterThanOrEqual((after.warning_at as Date).getTime() - 1000);
    expect(breach.getTime()).toBeGreaterThanOrEqual((after.deadline_at as Date).getTime() - 1000);

    const actions = await db()
      .selectFrom('audit_event')
      .select(['action', 'actor'])
      .where('study_id', '=', id)
      .where('action', 'in', ['study.hold', 'study.resume'])
      .orderBy('at')
      .execute();
    expect(actions).toEqual([
      { action: 'study.hold', actor: `user:${before.username}` },
      { action: 'study.resume', actor: 'clinic:clinic-a' },
    ]);
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toContain('telerad_study_holds_total{event="hold"} 1');
    expect(metrics).toContain('telerad_study_holds_total{event="answered"} 1');
    const summary = await api('/api/sla/summary', { token: await login('admin') });
    const emergency = summary.json.rows.find((r: { priority: string }) => r.priority === 'emergency');
    expect(emergency.pausedMinutes).toBeGreaterThan(0.1);
  }, 60_000);

  test('a new image answers a hold', async () => {
    const id = await readyStudy('outpatient');
    const s = await study(id);
    const reader = await login(s.username ?? '');
    expect((await post(`/api/studies/${id}/claim`, reader, {})).status).toBe(200);
    const draft = { findings: 'clear lungs', impression: 'normal chest', critical: false };
    expect(
      (await api(`/api/studies/${id}/report`, { method: 'PUT', token: reader, body: JSON.stringify(draft) })).status,
    ).toBe(200);
    expect((await post(`/api/studies/${id}/hold`, reader, { reason: 'add a lateral view' })).status).toBe(200);
    // Signing is refused while the clinic has not answered.
    const sign = await post(`/api/studies/${id}/report/sign`, reader, {});
    expect(sign.status).toBe(409);
    expect(sign.json.error.message).toMatch(/on hold/);
    const { resumeStudy } = await import('@telerad/router');
    await resumeStudy(stack.runtime, id, { actor: 'ae:CLINIC_A', via: 'image', answer: 'new image 1.2.3' });
    const detail = await api(`/api/studies/${id}`, { token: reader });
    expect(detail.json.study.hold).toBeNull();
    expect(detail.json.holds[0]).toMatchObject({ resumedVia: 'image', answeredBy: 'ae:CLINIC_A' });
    const job = await stack.runtime.queues.sla.getJob(jobIds.slaBreach(id));
    const after = await study(id);
    expect(await job?.getState()).toBe('delayed');
    expect(
      Math.abs((job?.timestamp ?? 0) + (job?.opts.delay ?? 0) - (after.deadline_at as Date).getTime()),
    ).toBeLessThan(1000);
  });

  test('the clinic raises the priority: new deadline, timers re-armed, re-routed when unopened', async () => {
    const users = await ids();
    // rad1 has two emergencies waiting; rad2 nothing. An inpatient study sits unopened with rad1.
    await db()
      .updateTable('study')
      .set({ status: 'signed', signed_at: new Date() })
      .where('status', 'in', ['ready', 'assigned', 'reading'])
      .execute();
    const c = await db()
      .selectFrom('clinic')
      .select(['id', 'hospital_id'])
      .where('code', '=', 'clinic-a')
      .executeTakeFirstOrThrow();
    const insert = async (priority: 'emergency' | 'inpatient', minutes: number) =>
      (
        await db()
          .insertInto('study')
          .values({
            study_instance_uid: `2.25.${Date.now()}${Math.floor(Math.random() * 1e9)}`,
            clinic_id: c.id,
            hospital_id: c.hospital_id,
            priority,
            status: 'assigned',
            ready_at: new Date(),
            target_at: new Date(Date.now() + minutes * 60_000),
            warning_at: new Date(Date.now() + minutes * 45_000),
            deadline_at: new Date(Date.now() + minutes * 60_000),
            assigned_to: users.rad1,
            assigned_at: new Date(),
            modalities: 'DX',
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    await insert('emergency', 20);
    await insert('emergency', 25);
    const id = await insert('inpatient', 120);
    const clinicA = 'demo-token-clinic-a';

    const lower = await post(`/api/studies/${id}/priority`, clinicA, { priority: 'inpatient' });
    expect(lower.status).toBe(409);
    expect(lower.json.error.message).toMatch(/already inpatient/);
    expect((await post(`/api/studies/${id}/priority`, clinicA, { priority: 'urgent' })).status).toBe(400);
    expect((await post(`/api/studies/${id}/priority`, 'demo-token-clinic-b', { priority: 'emergency' })).status).toBe(
      403,
    );
    expect((await post(`/api/studies/${id}/priority`, await login('rad1'), { priority: 'emergency' })).status).toBe(
      403,
    );

    const raised = await post(`/api/studies/${id}/priority`, clinicA, { priority: 'emergency' });
    expect(raised.status).toBe(200);
    expect(raised.json.study).toMatchObject({
      priority: 'emergency',
      priorityRaisedFrom: 'inpatient',
      assignedTo: 'rad2',
      reassigned: expect.objectContaining({ from: 'rad1', reason: 'priority' }),
    });
    const s = await study(id);
    expect((s.deadline_at as Date).getTime() - (s.ready_at as Date).getTime()).toBe(8000);
    const breach = await stack.runtime.queues.sla.getJob(jobIds.slaBreach(id));
    expect(
      Math.abs((breach?.timestamp ?? 0) + (breach?.opts.delay ?? 0) - (s.deadline_at as Date).getTime()),
    ).toBeLessThan(1000);
    expect((await post(`/api/studies/${id}/priority`, clinicA, { priority: 'outpatient' })).status).toBe(409);
    const audit = await db()
      .selectFrom('audit_event')
      .select(['action', 'actor', 'detail'])
      .where('study_id', '=', id)
      .orderBy('at')
      .execute();
    expect(audit).toEqual([
      { action: 'study.priority-raised', actor: 'clinic:clinic-a', detail: { from: 'inpatient', to: 'emergency' } },
      { action: 'study.reassigned', actor: 'system:router', detail: { from: 'rad1', to: 'rad2', reason: 'priority' } },
    ]);
  });

  test('a raise on an opened study changes the deadline but leaves it with its reader', async () => {
    await closeOpenStudies();
    const id = await readyStudy('inpatient');
    const s = await study(id);
    const reader = await login(s.username ?? '');
    expect((await post(`/api/studies/${id}/claim`, reader, {})).status).toBe(200);
    const raised = await post(`/api/studies/${id}/priority`, 'demo-token-clinic-a', { priority: 'outpatient' });
    expect(raised.status).toBe(200);
    expect(raised.json.study).toMatchObject({ priority: 'outpatient', assignedTo: s.username, status: 'reading' });
    const after = await study(id);
    expect((after.deadline_at as Date).getTime() - (after.ready_at as Date).getTime()).toBe(3600_000);
  });
});
