import { enqueueRoute } from '@telerad/queue';
import { launchChromium, logInAs, testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AllInOne, startAllInOne } from './startAllInOne.js';

type Browser = Awaited<ReturnType<typeof launchChromium>>;
type BrowserContext = Awaited<ReturnType<Browser['newContext']>>;
type Page = Awaited<ReturnType<BrowserContext['newPage']>>;

/** Shorter than the pages' 5 s polling: what arrives this fast came by a live event. */
const LIVE = { timeout: 3000, interval: 100 };
const SEE = { timeout: 15_000, interval: 200 };

/**
 * Live updates and the hold / answer / priority screens in a real Chromium over the whole stack: the
 * worklist shows a study the router assigns without a reload, with a notice and a highlight; the
 * radiologist asks the clinic, the clinic answers on its own screen, and the radiologist's page shows
 * the answer; the clinic raises a priority.
 */
describe('live worklist, hold and priority in the browser', () => {
  let stack: AllInOne;
  let cleanup: (() => Promise<void>) | undefined;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const t = await testConfig({
      database: 'postgres',
      region: (r) => {
        for (const u of r.users) if (u.username === 'rad2') u.onDuty = false;
      },
    });
    cleanup = t.cleanup;
    stack = await startAllInOne(t.config);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
    await cleanup?.();
  }, 60_000);

  const db = () => stack.runtime.db.db;

  async function newPage(locale: 'zh-CN' | 'en-US'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    return page;
  }
  async function logIn(page: Page, username: string, home: string): Promise<void> {
    await logInAs(page, stack.url, username, home);
  }

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
        priority: 'inpatient',
        status: 'ready',
        ready_at: new Date(),
        modalities: 'DX',
        study_description: 'Chest PA',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  test('a study assigned by the router appears on the open worklist at once, with a notice, without a reload', async () => {
    const rad1 = await newPage('zh-CN');
    await logIn(rad1, 'rad1', '/worklist');
    await expect.poll(() => rad1.locator('.refresh').first().textContent(), SEE).toMatch(/\d/);
    // Let the page's live stream open and a poll pass, then mark the document: a reload would lose it.
    await rad1.waitForTimeout(1500);
    await rad1.evaluate(() => {
      (window as unknown as { liveMarker: number }).liveMarker = 42;
    });

    const id = await readyStudy();
    await enqueueRoute(stack.runtime.queues, id, 'submitted');
    const row = rad1.locator(`[data-testid="worklist-row"][data-study-id="${id}"]`);
    const t0 = Date.now();
    await expect.poll(() => row.count(), LIVE).toBe(1);
    console.info(`[live ui] assigned study on the worklist after ${Date.now() - t0} ms`);
    expect(await row.getAttribute('data-fresh')).toBe('true');
    await expect.poll(() => rad1.getByTestId('live-toast').first().textContent(), LIVE).toBe('有新的检查分配给您');
    expect(await rad1.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(42);
    // The notice opens the study.
    await rad1.getByTestId('live-toast').first().click();
    await rad1.waitForURL(`**/studies/${id}`);
    expect(pageErrors).toEqual([]);
  });

  test('the radiologist asks the clinic; the clinic sees the question and answers; both pages follow', async () => {
    const id = await readyStudy();
    await enqueueRoute(stack.runtime.queues, id, 'submitted');
    await expect
      .poll(
        async () =>
          (await db().selectFrom('study').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
        SEE,
      )
      .toBe('assigned');
    // rad1 has the first test's study too; sign it so this one may be opened first.
    await db().updateTable('study').set({ status: 'signed', signed_at: new Date() }).where('id', '<>', id).execute();

    const rad1 = await newPage('en-US');
    await logIn(rad1, 'rad1', '/worklist');
    await rad1.goto(`${stack.url}/studies/${id}`);
    await rad1.getByTestId('claim').click();
    await rad1.getByTestId('hold-ask').click();
    await rad1.getByTestId('hold-reason').fill('Please add a lateral view');
    await rad1.getByTestId('hold-submit').click();
    await expect.poll(() => rad1.getByTestId('hold-question').textContent(), SEE).toBe('Please add a lateral view');
    await expect.poll(() => rad1.getByTestId('hold-mark').count(), SEE).toBe(1);

    const clinic = await newPage('zh-CN');
    await logIn(clinic, 'tech-a', '/clinic');
    await expect.poll(() => clinic.getByTestId('hold-mark').count(), SEE).toBe(1);
    await clinic.goto(`${stack.url}/studies/${id}`);
    await expect.poll(() => clinic.getByTestId('hold-question').textContent(), SEE).toBe('Please add a lateral view');
    await clinic.getByTestId('hold-answer').fill('侧位片已补传');
    await clinic.getByTestId('hold-answer-submit').click();
    await expect.poll(() => clinic.getByTestId('hold-state').count(), SEE).toBe(0);

    // The radiologist's open page hears the answer without a reload.
    await expect.poll(() => rad1.getByTestId('hold-history-item').count(), LIVE).toBe(1);
    expect(await rad1.getByTestId('hold-history-item').textContent()).toContain('侧位片已补传');
    expect(await rad1.getByTestId('hold-mark').count()).toBe(0);

    // The clinic raises the priority to emergency.
    await clinic.getByTestId('priority-select').selectOption('emergency');
    await clinic.getByTestId('priority-raise').click();
    await expect.poll(() => clinic.getByTestId('priority-select').count(), SEE).toBe(0);
    const after = await db().selectFrom('study').select(['priority']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(after.priority).toBe('emergency');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
