import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDxInstance, newUid } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { launchChromium, multipartRelated, testConfig } from '@telerad/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { closeApp, createApp } from '../createApp.js';

const listen = async (handler: http.RequestListener) => {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

/**
 * A viewer served from another origin (OHIF on its own host) calls telerad's DICOMweb from a real
 * browser: allowed when its origin is configured in TELERAD_DICOMWEB_CORS_ORIGINS, blocked otherwise.
 */
describe('DICOMweb from a viewer on another origin', () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  const servers: http.Server[] = [];
  const apps: Array<ReturnType<typeof createApp>> = [];
  const study = newUid();
  let viewer: string;
  let allowing: string;
  let sameOriginOnly: string;

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    const page = await listen((_req, res) => res.end('<!doctype html><title>viewer</title>'));
    viewer = page.url;
    const open = createApp({ ...runtime, config: { ...runtime.config, dicomwebCorsOrigins: [viewer] } });
    const closed = createApp(runtime);
    apps.push(open, closed);
    const a = await listen(open);
    const b = await listen(closed);
    servers.push(page.server, a.server, b.server);
    allowing = a.url;
    sameOriginOnly = b.url;
    const { body, contentType } = multipartRelated([
      createDxInstance({ studyInstanceUid: study, rows: 16, columns: 16 }),
    ]);
    const stow = await fetch(`${allowing}/dicomweb/studies`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-token-clinic-a', 'content-type': contentType },
      body,
    });
    expect(stow.status).toBe(200);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    for (const app of apps) await closeApp(app);
    await runtime?.close();
    await cleanup?.();
  });

  const searchFromViewer = async (telerad: string) => {
    const page = await browser.newPage();
    try {
      await page.goto(viewer);
      return await page.evaluate(async (url) => {
        try {
          const r = await fetch(`${url}/dicomweb/studies`, {
            headers: { Authorization: 'Bearer demo-token-clinic-a', Accept: 'application/dicom+json' },
          });
          const meta = await fetch(
            `${url}/dicomweb/studies/${(await r.clone().json())[0]['0020000D'].Value[0]}/metadata`,
            {
              headers: { Authorization: 'Bearer demo-token-clinic-a' },
            },
          );
          return { status: r.status, studies: await r.json(), etag: meta.headers.get('etag') };
        } catch (error) {
          return { error: String(error) };
        }
      }, telerad);
    } finally {
      await page.close();
    }
  };

  test('a configured origin searches and reads, with the bearer token and the ETag visible', async () => {
    const result = await searchFromViewer(allowing);
    expect(result).toMatchObject({ status: 200 });
    expect((result as { studies: Array<Record<string, { Value: string[] }>> }).studies[0]?.['0020000D']?.Value).toEqual(
      [study],
    );
    expect((result as { etag: string | null }).etag).toMatch(/^"[0-9a-f]{40}"$/);
  });

  test('any other origin is blocked by the browser', async () => {
    expect(await searchFromViewer(sameOriginOnly)).toEqual({ error: expect.stringMatching(/Failed to fetch/) });
  });
});
