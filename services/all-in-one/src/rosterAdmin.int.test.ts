import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { enqueueRoute } from '@telerad/queue';
import { apiClient, launchChromium, logInAs, testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AllInOne, startAllInOne } from './startAllInOne.js';

type Browser = Awaited<ReturnType<typeof launchChromium>>;
type BrowserContext = Awaited<ReturnType<Browser['newContext']>>;
type Page = Awaited<ReturnType<BrowserContext['newPage']>>;

const SEE = { timeout: 20_000, interval: 200 };

/**
 * The administrator's roster over the real stack (PostgreSQL, Redis, every service): the roster API
 * (admin only, validated, audited), presence heartbeats, the alerts list, and in a real Chromium the
 * roster page switching a radiologist off duty — whose unopened studies reach a colleague within
 * seconds, marked "reassigned to you" on the colleague's worklist.
 */
describe('roster administration', () => {
  let stack: AllInOne;
  let cleanup: (() => Promise<void>) | undefined;
  let browser: Browser;
  let shotsDir: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    stack = await startAllInOne(t.config);
    browser = await launchChromium();
    shotsDir = await mkdtemp(path.join(os.tmpdir(), 'telerad-roster-shots-'));
    console.info(`[roster test] screenshots in ${shotsDir}`);
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
    await cleanup?.();
  }, 60_000);

  const db = () => stack.runtime.db.db;
  const api = apiClient(() => stack.url);
  const login = async (username: string) => {
    const r = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password: 'demo' }) });
    expect(r.status).toBe(200);
    return r.json.token as string;
  };
  const rowOf = (roster: { radiologists: Array<{ username: string }> }, username: string) =>
    roster.radiologists.find((r) => r.username === username);

  /** A ready study of clinic-a, handed to the router as intake would. */
  async function readyStudy(): Promise<string> {
    const clinic = await db()
      .selectFrom('clinic')
      .select(['id', 'hospital_id'])
      .where('code', '=', 'clinic-a')
      .executeTakeFirstOrThrow();
    const row = await db()
      .insertInto('study')
      .values({
        study_instance_uid: `2.25.${Date.now()}${Math.floor(Math.random() * 1e9)}`,
        clinic_id: clinic.id,
        hospital_id: clinic.hospital_id,
        priority: 'outpatient',
        status: 'ready',
        ready_at: new Date(),
        modalities: 'DX',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueueRoute(stack.runtime.queues, row.id, 'submitted');
    return row.id;
  }
  const assigneeOf = async (id: string) =>
    (
      await db()
        .selectFrom('study as s')
        .leftJoin('app_user as u', 'u.id', 's.assigned_to')
        .select('u.username')
        .where('s.id', '=', id)
        .executeTakeFirstOrThrow()
    ).username;

  test('the roster lists every radiologist with duty, shift, presence and open/cap; only for admins', async () => {
    const admin = await login('admin');
    const roster = await api('/api/admin/roster', { token: admin });
    expect(roster.status).toBe(200);
    expect(roster.json.hospitals).toEqual([
      expect.objectContaining({ code: 'city', fallback: [], timeZone: 'Asia/Shanghai' }),
      expect.objectContaining({ code: 'district', fallback: ['city'] }),
    ]);
    expect(rowOf(roster.json, 'rad1')).toMatchObject({
      hospital: 'district',
      title: 'attending',
      onDuty: true,
      onShift: true,
      present: false,
      maxOpen: null,
    });
    expect(rowOf(roster.json, 'rad3')).toMatchObject({ hospital: 'city', title: 'chief' });
    const rad1 = await login('rad1');
    expect((await api('/api/admin/roster', { token: rad1 })).status).toBe(403);
    expect((await api('/api/admin/alerts', { token: rad1 })).status).toBe(403);
  });

  test('a heartbeat makes a radiologist present; only radiologists send one', async () => {
    const rad2 = await login('rad2');
    const beat = await api('/api/presence', { method: 'POST', token: rad2 });
    expect(beat.status).toBe(200);
    expect(Date.parse(beat.json.presentUntil)).toBeGreaterThan(Date.now() + 30_000);
    const admin = await login('admin');
    expect(rowOf((await api('/api/admin/roster', { token: admin })).json, 'rad2')).toMatchObject({ present: true });
    expect((await api('/api/presence', { method: 'POST', token: admin })).status).toBe(403);
    await db().updateTable('app_user').set({ last_seen_at: null }).execute();
  });

  test('edits are validated, applied and audited', async () => {
    const admin = await login('admin');
    const bad = await api('/api/admin/roster/rad1', {
      method: 'PATCH',
      token: admin,
      body: JSON.stringify({ shifts: { weekly: [{ days: ['mon'], start: '8am', end: '17:00' }], dated: [] } }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/shifts\.weekly\.0\.start/);
    expect(
      (await api('/api/admin/roster/rad1', { method: 'PATCH', token: admin, body: JSON.stringify({ maxOpen: 0 }) }))
        .status,
    ).toBe(400);
    expect(
      (await api('/api/admin/roster/nobody', { method: 'PATCH', token: admin, body: JSON.stringify({ maxOpen: 3 }) }))
        .status,
    ).toBe(404);
    const ok = await api('/api/admin/roster/rad1', {
      method: 'PATCH',
      token: admin,
      body: JSON.stringify({ maxOpen: 6, modalities: ['DX', 'CR'] }),
    });
    expect(ok.status).toBe(200);
    expect(rowOf(ok.json, 'rad1')).toMatchObject({ maxOpen: 6, modalities: ['DX', 'CR'] });
    const audit = await db()
      .selectFrom('audit_event')
      .select(['actor', 'detail'])
      .where('action', '=', 'roster.edit')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'user:admin', detail: { username: 'rad1', maxOpen: 6, modalities: ['DX', 'CR'] } });
    await api('/api/admin/roster/rad1', {
      method: 'PATCH',
      token: admin,
      body: JSON.stringify({ maxOpen: null, modalities: null }),
    });
  });

  test('alerts: listed newest first and acknowledged once', async () => {
    const id = await readyStudy();
    const district = await db()
      .selectFrom('hospital')
      .select('id')
      .where('code', '=', 'district')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('sla_alert')
      .values({ study_id: id, kind: 'breach', hospital_id: district.id, detail: JSON.stringify({ assignee: 'rad1' }) })
      .execute();
    const admin = await login('admin');
    const list = await api('/api/admin/alerts', { token: admin });
    expect(list.json.items[0]).toMatchObject({
      kind: 'breach',
      detail: { assignee: 'rad1' },
      acknowledgedAt: null,
      study: { id, priority: 'outpatient', hospital: 'district', clinic: { code: 'clinic-a' } },
    });
    const acked = await api(`/api/admin/alerts/${list.json.items[0].id}/acknowledge`, { method: 'POST', token: admin });
    expect(acked.json.items[0]).toMatchObject({ acknowledgedBy: 'admin' });
    expect((await api('/api/admin/alerts?open=true', { token: admin })).json.items).toEqual([]);
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
    contexts.push(context);
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    return page;
  }
  async function logIn(page: Page, username: string, home: string): Promise<void> {
    await logInAs(page, stack.url, username, home);
  }

  test('browser: the administrator takes rad1 off duty; rad1’s unopened studies reach rad2, marked reassigned', async () => {
    // Only rad1 on duty while three studies arrive: all three are rad1's.
    await db()
      .updateTable('study')
      .set({ status: 'signed', signed_at: new Date() })
      .where('status', '<>', 'signed')
      .execute();
    await db().updateTable('app_user').set({ on_duty: false }).where('username', '=', 'rad2').execute();
    const ids = [await readyStudy(), await readyStudy(), await readyStudy()];
    await expect.poll(async () => Promise.all(ids.map(assigneeOf)), SEE).toEqual(['rad1', 'rad1', 'rad1']);
    await db().updateTable('app_user').set({ on_duty: true }).where('username', '=', 'rad2').execute();

    const adminPage = await newPage();
    await logIn(adminPage, 'admin', '/admin');
    const rad1Row = adminPage.getByTestId('roster-row-rad1');
    await expect.poll(() => rad1Row.getAttribute('data-on-duty'), SEE).toBe('true');
    await expect.poll(() => adminPage.getByTestId('roster-open-rad1').textContent(), SEE).toContain('3 / ∞');
    await expect.poll(() => adminPage.getByTestId('duty-toggle-rad1').textContent(), SEE).toBe('在岗');
    await adminPage.screenshot({ path: path.join(shotsDir, '01-roster.png'), fullPage: true });

    const clickedAt = Date.now();
    await adminPage.getByTestId('duty-toggle-rad1').click();
    await expect.poll(() => rad1Row.getAttribute('data-on-duty'), SEE).toBe('false');
    await expect
      .poll(async () => Promise.all(ids.map(assigneeOf)), { timeout: 5000, interval: 50 })
      .toEqual(['rad2', 'rad2', 'rad2']);
    console.info(`[roster test] off duty → all studies with rad2 in ${Date.now() - clickedAt} ms`);
    await expect.poll(() => adminPage.getByTestId('roster-open-rad2').textContent(), SEE).toContain('3 / ∞');
    await expect.poll(() => adminPage.getByTestId('duty-toggle-rad1').textContent(), SEE).toBe('离岗');
    await adminPage.screenshot({ path: path.join(shotsDir, '02-rad1-off-duty.png'), fullPage: true });

    const audit = await db()
      .selectFrom('audit_event')
      .select(['actor', 'detail'])
      .where('action', '=', 'roster.duty')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: 'user:admin', detail: { username: 'rad1', onDuty: false } });

    const rad2Page = await newPage();
    await logIn(rad2Page, 'rad2', '/worklist');
    await expect.poll(() => rad2Page.getByTestId('reassigned-mark').count(), SEE).toBe(3);
    expect(await rad2Page.getByTestId('reassigned-mark').first().getAttribute('title')).toBe('来自 rad1：原医师离岗');
    await rad2Page.screenshot({ path: path.join(shotsDir, '03-rad2-worklist.png'), fullPage: true });
    // The worklist page is rad2's heartbeat: the roster shows rad2 present.
    await expect.poll(() => adminPage.getByTestId('roster-row-rad2').getAttribute('data-present'), SEE).toBe('true');

    // And back on duty from the page.
    await adminPage.getByTestId('duty-toggle-rad1').click();
    await expect.poll(() => rad1Row.getAttribute('data-on-duty'), SEE).toBe('true');
    expect(pageErrors).toEqual([]);
  });
});
