import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDxInstance, newUid } from '@telerad/dicom';
import { launchChromium, logInAs, multipartRelated, pdfInstance, testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AllInOne, startAllInOne } from './startAllInOne.js';

type Browser = Awaited<ReturnType<typeof launchChromium>>;
type Page = Awaited<ReturnType<Awaited<ReturnType<Browser['newContext']>>['newPage']>>;

const SEE = { timeout: 30_000, interval: 200 };

/**
 * The radiologist's images in a real Chromium against a whole stack: thumbnails on the worklist,
 * the study's strip and first paint from the stored previews, a window drag re-rendered on the
 * server, full resolution, and the image that cannot be shown named with its reason. Screenshots go
 * to a temp dir printed at the start.
 */
describe('browser: the viewer', () => {
  let stack: AllInOne;
  let cleanup: (() => Promise<void>) | undefined;
  let browser: Browser;
  let shotsDir: string;
  const pageErrors: string[] = [];
  const studyUid = newUid();
  const seriesUid = newUid();
  let studyId: string;

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    stack = await startAllInOne(t.config);
    browser = await launchChromium();
    shotsDir = await mkdtemp(path.join(os.tmpdir(), 'telerad-viewer-shots-'));
    console.info(`[viewer test] screenshots in ${shotsDir}`);
    const { body, contentType } = multipartRelated([
      createDxInstance({
        studyInstanceUid: studyUid,
        seriesInstanceUid: seriesUid,
        rows: 1500,
        columns: 1250,
        instanceNumber: 1,
      }),
      createDxInstance({
        studyInstanceUid: studyUid,
        seriesInstanceUid: seriesUid,
        rows: 1200,
        columns: 1500,
        instanceNumber: 2,
      }),
      await pdfInstance({ studyInstanceUid: studyUid, seriesInstanceUid: newUid(), sopInstanceUid: newUid() }),
    ]);
    const auth = { authorization: 'Bearer demo-token-clinic-a' };
    const stow = await fetch(`${stack.url}/dicomweb/studies?priority=emergency`, {
      method: 'POST',
      headers: { ...auth, 'content-type': contentType },
      body: new Uint8Array(body),
    });
    expect(stow.status).toBe(200);
    const list = (await (await fetch(`${stack.url}/api/studies`, { headers: auth })).json()) as {
      items: Array<{ id: string; studyInstanceUid: string }>;
    };
    studyId = list.items.find((s) => s.studyInstanceUid === studyUid)?.id ?? '';
    await fetch(`${stack.url}/api/studies/${studyId}/submit`, { method: 'POST', headers: auth });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await cleanup?.();
  }, 60_000);

  async function radiologistPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    await logInAs(page, stack.url, 'rad1', '/worklist');
    return page;
  }

  const naturalWidth = (page: Page, testId: string) =>
    page
      .getByTestId(testId)
      .first()
      .evaluate((img) => (img as HTMLImageElement).naturalWidth);

  test('rad1 sees a thumbnail on the worklist, opens the study, windows by dragging and zooms to full size', async () => {
    const auth = { authorization: 'Bearer demo-token-clinic-a' };
    // The render jobs run after intake: wait until every instance has its previews or its reason.
    await expect
      .poll(async () => {
        const detail = (await (await fetch(`${stack.url}/api/studies/${studyId}`, { headers: auth })).json()) as {
          study: { series: Array<{ instances: Array<{ preview: { status: string } }> }> };
        };
        return detail.study.series.flatMap((s) => s.instances.map((i) => i.preview.status)).sort();
      }, SEE)
      .toEqual(['failed', 'ready', 'ready']);
    const page = await radiologistPage();
    const row = page.locator(`[data-testid="worklist-row"][data-study-uid="${studyUid}"]`);
    await expect.poll(() => row.getByTestId('thumbnail').count(), SEE).toBe(1);
    await expect
      .poll(() => row.getByTestId('thumbnail').evaluate((img) => (img as HTMLImageElement).naturalWidth), SEE)
      .toBeGreaterThan(100);
    await expect.poll(() => row.getByTestId('unrenderable-mark').textContent(), SEE).toBe('1 幅影像无法显示');
    await page.screenshot({ path: path.join(shotsDir, '1-worklist.png') });

    await row.click();
    await page.getByTestId('viewer-image').waitFor();
    // First paint: the 1024-px preview the render job stored (853 × 1024 for a 1250 × 1500 image).
    await expect.poll(() => naturalWidth(page, 'viewer-image'), SEE).toBe(853);
    await expect.poll(() => page.getByTestId('strip-thumb').count(), SEE).toBe(3);
    await expect.poll(() => page.getByTestId('thumbnail').count(), SEE).toBe(2);
    await expect
      .poll(() => page.getByTestId('thumbnail-missing').getAttribute('data-reason'), SEE)
      .toBe('no-pixel-data');
    await expect.poll(() => page.getByTestId('unrenderable-notice').textContent(), SEE).toContain('文件中没有图像');
    await expect.poll(() => page.getByTestId('window-values').textContent(), SEE).toBe('窗位 1600 / 窗宽 3200');
    await page.screenshot({ path: path.join(shotsDir, '2-study.png'), fullPage: true });

    // Drag right and up: a wider window at a lower centre, rendered by the server.
    const before = await page.getByTestId('viewer-image').getAttribute('src');
    const rendered = page.waitForResponse((r) => /\/rendered\?.*window=/.test(r.url()) && r.status() === 200);
    const canvas = await page.getByTestId('viewer-canvas').boundingBox();
    if (canvas === null) throw new Error('no viewer canvas');
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    await page.mouse.down();
    await page.mouse.move(canvas.x + canvas.width / 2 + 40, canvas.y + canvas.height / 2 - 60, { steps: 8 });
    await page.mouse.up();
    expect(decodeURIComponent((await rendered).url())).toMatch(/window=\d+,\d+/);
    await expect.poll(() => page.getByTestId('window-values').textContent(), SEE).toBe('窗位 850 / 窗宽 3700');
    await expect.poll(() => page.getByTestId('viewer-image').getAttribute('data-window'), SEE).toBe('850,3700');
    await expect.poll(() => page.getByTestId('viewer-image').getAttribute('src'), SEE).not.toBe(before);
    await page.screenshot({ path: path.join(shotsDir, '3-windowed.png'), fullPage: true });

    await page.getByTestId('zoom-full').click();
    await expect.poll(() => naturalWidth(page, 'viewer-image'), SEE).toBe(1250);
    // F goes back to the fitted view; 1 is the file's own window again (a radiograph has no other preset).
    await page.keyboard.press('f');
    await expect.poll(() => naturalWidth(page, 'viewer-image'), SEE).toBe(853);
    await page.keyboard.press('1');
    await expect.poll(() => page.getByTestId('viewer-image').getAttribute('data-window'), SEE).toBe('default');

    // The document without pixels, chosen in the strip, says why instead of showing an image.
    await page.locator('[data-testid="strip-thumb"][data-preview="failed"]').click();
    await expect
      .poll(() => page.getByTestId('viewer-unrenderable').getAttribute('data-reason'), SEE)
      .toBe('no-pixel-data');
    await page.screenshot({ path: path.join(shotsDir, '4-unrenderable.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
