import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDxInstance, newUid } from '@telerad/dicom';
import { launchChromium, logInAs, startClinicInbox, type TempDir, tempDir, testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AllInOne, startAllInOne } from './startAllInOne.js';

// playwright-core is the testkit's dependency, not this package's: take its types from launchChromium.
type Browser = Awaited<ReturnType<typeof launchChromium>>;
type BrowserContext = Awaited<ReturnType<Browser['newContext']>>;
type Page = Awaited<ReturnType<BrowserContext['newPage']>>;
type Locator = ReturnType<Page['locator']>;

const SECRET_A = 'whsec_dGVsZXJhZC11aS10ZXN0LWtleS1mb3ItY2xpbmljLWEtaW5ib3g=';
const FINDINGS = '右肺下叶见片状高密度影，边界模糊。心影不大，双膈面光整。';
const IMPRESSION = '右肺下叶肺炎，建议抗感染治疗后复查。';
/** Generous waits for what a user sees: the lists refresh every 5 s. */
const SEE = { timeout: 20_000, interval: 200 };

/** "29:41" → 1781 seconds. */
function secondsOf(countdown: string | null): number {
  const match = /(\d+):(\d{2})/.exec(countdown ?? '');
  if (!match) throw new Error(`not a countdown: ${JSON.stringify(countdown)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The delivery state a study row shows, without waiting for it ([] when it shows none). */
function deliveryState(row: Locator): Promise<Array<string | null>> {
  return row.locator('[data-delivery]').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-delivery')));
}

/**
 * What the people using telerad notice, in a real Chromium against a whole stack (PostgreSQL, the
 * test Redis, every service): the township radiographer sends an emergency study from the browser,
 * the district radiologist sees it with a live 30-minute countdown, reads and signs it, and the
 * clinic sees the signed report. Screenshots of each step go to a temp dir printed at the start.
 */
describe('browser: upload → worklist → sign → report at the clinic', () => {
  let stack: AllInOne;
  let inbox: Awaited<ReturnType<typeof startClinicInbox>>;
  let cleanup: (() => Promise<void>) | undefined;
  let browser: Browser;
  let files: TempDir;
  let shotsDir: string;
  let shotNumber = 0;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const studyUid = newUid();
  let clinicPage: Page;
  let studyId: string;

  beforeAll(async () => {
    inbox = await startClinicInbox(SECRET_A);
    const test = await testConfig({
      database: 'postgres',
      region: (r) => {
        const clinicA = r.clinics.find((c) => c.code === 'clinic-a');
        if (clinicA === undefined) throw new Error('demo region lost clinic-a');
        clinicA.webhook = { url: inbox.url, secret: SECRET_A };
      },
    });
    cleanup = test.cleanup;
    stack = await startAllInOne(test.config);
    browser = await launchChromium();
    files = await tempDir('telerad-ui-files');
    shotsDir = await mkdtemp(path.join(os.tmpdir(), 'telerad-ui-shots-'));
    console.info(`[ui test] screenshots in ${shotsDir}`);
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
    await inbox?.close();
    await files?.remove();
    await cleanup?.();
  }, 60_000);

  /** A fresh browser profile (its own sessionStorage and localStorage), in Shanghai time, Chinese. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    shotNumber++;
    await page.screenshot({
      path: path.join(shotsDir, `${String(shotNumber).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  }

  async function logIn(page: Page, username: string, home: string): Promise<void> {
    await logInAs(page, stack.url, username, home);
    await page.getByTestId('logout').waitFor();
  }

  test('tech-a uploads two images as an emergency, completes the study and sees it in the list', async () => {
    const names = ['IMG0001.dcm', 'IMG0002.dcm'];
    const seriesInstanceUid = newUid();
    const paths = await Promise.all(
      names.map(async (name, i) => {
        const file = path.join(files.path, name);
        await writeFile(
          file,
          createDxInstance({
            studyInstanceUid: studyUid,
            seriesInstanceUid,
            instanceNumber: i + 1,
            patientName: 'Wang^XiaoDong=王^小东',
          }),
        );
        return file;
      }),
    );

    clinicPage = await newPage();
    const page = clinicPage;
    await page.goto(`${stack.url}/`);
    await page.getByTestId('login-username').waitFor();
    await shot(page, 'login');
    await logIn(page, 'tech-a', '/clinic');
    await expect.poll(() => page.locator('.header-org').textContent(), SEE).toBe('东山镇卫生院');
    await expect
      .poll(() => page.getByRole('heading', { level: 2 }).allTextContents(), SEE)
      .toContain('本院检查 · 东山镇卫生院');

    await page.getByTestId('upload-files').setInputFiles(paths);
    await expect.poll(() => page.getByTestId('upload-file').count(), SEE).toBe(2);
    await page.getByTestId('upload-priority').selectOption('emergency');
    await shot(page, 'clinic-files-chosen');
    await page.getByTestId('upload-submit').click();

    const result = page.getByTestId('upload-result');
    await result.waitFor();
    expect(await result.getAttribute('data-stored')).toBe('2');
    expect(await result.getAttribute('data-failed')).toBe('0');
    expect(await result.textContent()).toContain('2');
    expect(
      await page.getByTestId('upload-file').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state'))),
    ).toEqual(['stored', 'stored']);
    await shot(page, 'clinic-uploaded');

    await page.getByTestId('submit-complete').click();
    const outcome = page.getByTestId('submit-outcomes').locator('li');
    await outcome.waitFor();
    expect(await outcome.getAttribute('data-result')).toBe('submitted');
    expect(await outcome.textContent()).toContain('王小东');

    const row = page.locator(`[data-testid="study-row"][data-study-uid="${studyUid}"]`);
    await row.waitFor();
    // Submitted: the clock runs (ready, or already assigned by the router).
    await expect.poll(() => row.getAttribute('data-status'), SEE).toMatch(/^(ready|assigned)$/);
    expect(await row.textContent()).toContain('王小东');
    expect(await row.locator('[data-priority]').first().textContent()).toBe('急诊');
    // Nothing is signed, so nothing can have been delivered to the clinic yet.
    expect(await deliveryState(row)).toEqual([]);
    studyId = (await row.getAttribute('data-study-id')) ?? '';
    expect(studyId).not.toBe('');
    await shot(page, 'clinic-submitted');
  }, 90_000);

  test('rad1 sees it on the worklist with a running 30-minute countdown, claims, writes and signs', async () => {
    const page = await newPage();
    await logIn(page, 'rad1', '/worklist');

    const row = page.locator(`[data-testid="worklist-row"][data-study-uid="${studyUid}"]`);
    await row.waitFor();
    await expect.poll(() => row.getAttribute('data-status'), SEE).toBe('assigned');
    expect(await row.textContent()).toContain('王小东');
    expect(await row.textContent()).toContain('东山镇卫生院');
    const countdown = row.getByTestId('countdown');
    expect(await countdown.getAttribute('data-state')).toBe('ok');
    const first = await countdown.textContent();
    expect(secondsOf(first)).toBeGreaterThan(29 * 60 - 30);
    expect(secondsOf(first)).toBeLessThanOrEqual(30 * 60);
    // Live: it ticks down without a reload.
    await expect.poll(() => countdown.textContent(), { timeout: 5_000, interval: 200 }).not.toBe(first);
    expect(secondsOf(await countdown.textContent())).toBeLessThan(secondsOf(first));
    await shot(page, 'worklist');

    await row.click();
    await page.waitForURL(`**/studies/${studyId}`);
    await page.getByTestId('claim').click();
    const findings = page.getByTestId('report-findings');
    await findings.fill(FINDINGS);
    await page.getByTestId('report-impression').fill(IMPRESSION);
    await page.getByTestId('report-critical').check();
    await shot(page, 'report-written');
    await page.getByTestId('sign').click();
    await page.getByTestId('confirm-sign').waitFor();
    await shot(page, 'confirm-sign');
    await page.getByTestId('confirm-sign').click();

    const status = page.getByTestId('report-status');
    await expect.poll(() => status.getAttribute('data-status'), SEE).toBe('final');
    await expect.poll(() => page.locator('.report-impression').first().textContent(), SEE).toBe(IMPRESSION);
    await shot(page, 'signed');
  }, 90_000);

  test('back at the clinic: the critical alert, the signed report on screen and on paper, its delivery', async () => {
    const page = clinicPage;
    // The clinic's list refreshes by itself: the study turns signed and the critical alert appears.
    const row = page.locator(`[data-testid="study-row"][data-study-uid="${studyUid}"]`);
    await expect.poll(() => row.getAttribute('data-status'), SEE).toBe('signed');
    const alert = page.getByTestId('critical-alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('王小东');
    await expect.poll(() => deliveryState(row), SEE).toEqual(['delivered']);
    await shot(page, 'clinic-critical-alert');

    await row.click();
    await page.waitForURL(`**/studies/${studyId}`);
    const status = page.getByTestId('report-status');
    await expect.poll(() => status.getAttribute('data-status'), SEE).toBe('final');
    const impression = page.locator('.report-impression').first();
    expect(await impression.isVisible()).toBe(true);
    expect(await impression.textContent()).toBe(IMPRESSION);
    expect(await page.getByTestId('print').isVisible()).toBe(true);
    // The webhook reached the clinic's inbox; the page shows it once its next refresh comes.
    await inbox.waitFor(1);
    await expect
      .poll(() => page.getByTestId('deliveries').textContent(), { timeout: 20_000, interval: 250 })
      .toContain('已送达');
    await shot(page, 'clinic-report');

    // The paper the mother takes home: the print stylesheet shows only the printable report.
    await page.emulateMedia({ media: 'print' });
    const paper = page.locator('.print-report');
    expect(await paper.isVisible()).toBe(true);
    const paperText = (await paper.textContent()) ?? '';
    for (const expected of ['东山镇卫生院', '王小东', FINDINGS, IMPRESSION, '李明'])
      expect(paperText).toContain(expected);
    expect(await page.getByTestId('print').isVisible()).toBe(false);
    await shot(page, 'clinic-report-print');
    await page.emulateMedia({ media: 'screen' });
  }, 90_000);

  test('switching to English changes the labels, and the choice survives a reload', async () => {
    const page = clinicPage;
    const logout = page.getByTestId('logout');
    expect(await logout.textContent()).toBe('退出登录');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => logout.textContent(), SEE).toBe('Log out');
    expect(await page.getByTestId('report-status').textContent()).toBe('Signed');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await shot(page, 'clinic-report-english');

    await page.reload();
    await expect.poll(() => page.getByTestId('logout').textContent(), SEE).toBe('Log out');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
