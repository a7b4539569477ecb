import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createDxInstance, newUid } from '@telerad/dicom';
import { sweepExpiredUploads } from '@telerad/ingest';
import { launchChromium, logInAs, type TempDir, tempDir, testConfig } from '@telerad/testkit';
import type * as TusClient from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AllInOne, startAllInOne } from './startAllInOne.js';

// tus-js-client is the web app's dependency (the browser upload uses it): take it from there.
const tus = createRequire(new URL('../../web/package.json', import.meta.url))('tus-js-client') as typeof TusClient;

const TOKEN_A = 'demo-token-clinic-a';
const TOKEN_B = 'demo-token-clinic-b';
const MB = 1024 * 1024;

// playwright-core is the testkit's dependency, not this package's: take its types from launchChromium.
type Browser = Awaited<ReturnType<typeof launchChromium>>;
type BrowserContext = Awaited<ReturnType<Browser['newContext']>>;
type Page = Awaited<ReturnType<BrowserContext['newPage']>>;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Sent {
  /** Body bytes of every PATCH, and the Upload-Offset each one started at. */
  patches: Array<{ offset: number; bytes: number }>;
  posts: number;
}

/** tus-js-client's Node HTTP stack, counting what actually goes out. */
function countingStack(sent: Sent): TusClient.HttpStack {
  const inner = new tus.DefaultHttpStack({});
  return {
    getName: () => 'counting',
    createRequest(method, url) {
      const request = inner.createRequest(method, url);
      const send = request.send.bind(request);
      request.send = (body: unknown) => {
        if (method === 'POST') sent.posts++;
        if (method === 'PATCH') {
          sent.patches.push({
            offset: Number(request.getHeader('Upload-Offset')),
            bytes: body instanceof Uint8Array ? body.length : 0,
          });
        }
        return send(body);
      };
      return request;
    },
  };
}

/**
 * Resumable browser upload (tus at /api/uploads) against a whole stack: an upload cut off halfway
 * resumes where the server stopped, the bytes are checked against the client's SHA-256 before they
 * are stored, refusals come back with a reason, and one clinic cannot touch another's upload.
 */
describe('resumable upload (tus)', () => {
  let stack: AllInOne;
  let cleanup: () => Promise<void>;
  let endpoint: string;
  let uploadDir: string;

  beforeAll(async () => {
    const test = await testConfig({ database: 'postgres' });
    cleanup = test.cleanup;
    stack = await startAllInOne(test.config);
    endpoint = `${stack.url}/api/uploads`;
    uploadDir = path.join(test.config.dataDir, 'uploads');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await cleanup?.();
  });

  const options = (bytes: Buffer, extra: Partial<TusClient.UploadOptions> = {}): TusClient.UploadOptions => ({
    endpoint,
    headers: { authorization: `Bearer ${TOKEN_A}` },
    metadata: { filename: 'IMG0001.dcm', priority: 'emergency', sha256: sha256(bytes) },
    chunkSize: 1 * MB,
    retryDelays: null,
    ...extra,
  });

  /** Runs an upload to its end: the parsed JSON answer of the last response, or the error. */
  function run(bytes: Buffer, opts: TusClient.UploadOptions) {
    return new Promise<{ upload: TusClient.Upload; status: number; json: unknown; header: string | undefined }>(
      (resolve, reject) => {
        const upload: TusClient.Upload = new tus.Upload(bytes, {
          ...opts,
          onSuccess: ({ lastResponse }) =>
            resolve({
              upload,
              status: lastResponse.getStatus(),
              json: lastResponse.getBody() ? JSON.parse(lastResponse.getBody()) : null,
              header: lastResponse.getHeader('Upload-Result'),
            }),
          onError: reject,
        });
        upload.start();
      },
    );
  }

  /** Runs an upload that must be refused: status and JSON body of the refusal. */
  async function refusal(bytes: Buffer, opts: TusClient.UploadOptions) {
    const error = await run(bytes, opts).then(
      () => {
        throw new Error('the upload was accepted');
      },
      (e: unknown) => e as TusClient.DetailedError,
    );
    expect(error.originalResponse).not.toBeNull();
    const response = error.originalResponse as TusClient.HttpResponse;
    return { status: response.getStatus(), json: JSON.parse(response.getBody()), url: error.originalRequest.getURL() };
  }

  const head = (url: string, token = TOKEN_A) =>
    fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}` } });

  const instanceRow = (sopInstanceUid: string) =>
    stack.runtime.db.db
      .selectFrom('instance')
      .select(['study_id', 'received_via', 'blob_key', 'sha256', 'size_bytes'])
      .where('sop_instance_uid', '=', sopInstanceUid)
      .executeTakeFirst();

  test('a 15 MB DX cut off halfway resumes where the server stopped and is stored byte for byte', async () => {
    const studyUid = newUid();
    const sopUid = newUid();
    const file = createDxInstance({
      rows: 3000,
      columns: 2500,
      studyInstanceUid: studyUid,
      sopInstanceUid: sopUid,
      patientName: 'Li^Hua=李^华',
    });
    expect(file.length).toBeGreaterThan(14 * MB);

    // The link drops once 40 % has gone out.
    const first = new tus.Upload(file, options(file));
    const cut = await new Promise<number>((resolve, reject) => {
      let cutAt = 0;
      first.options.onProgress = (sentBytes, total) => {
        if (cutAt === 0 && sentBytes >= total * 0.4) {
          cutAt = sentBytes;
          void first.abort().then(() => resolve(cutAt));
        }
      };
      first.options.onSuccess = () => reject(new Error('finished before it was cut off'));
      first.options.onError = reject;
      first.start();
    });
    const uploadUrl = first.url;
    expect(uploadUrl).toMatch(/\/api\/uploads\/[0-9a-f]{32}$/);
    if (uploadUrl === null) throw new Error('no upload URL');

    // What the server holds: part of the file, as far as the bytes got before the cut.
    let offset = -1;
    for (let i = 0; i < 20; i++) {
      const answer = await head(uploadUrl);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('upload-length')).toBe(String(file.length));
      const now = Number(answer.headers.get('upload-offset'));
      if (now === offset) break;
      offset = now;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(offset).toBeGreaterThanOrEqual(file.length * 0.3);
    expect(offset).toBeLessThanOrEqual(cut);
    expect(offset).toBeLessThan(file.length);

    // The link is back: a new client with the upload URL sends only the rest.
    const sent: Sent = { patches: [], posts: 0 };
    const done = await run(file, options(file, { uploadUrl, httpStack: countingStack(sent) }));
    const resentBytes = sent.patches.reduce((sum, p) => sum + p.bytes, 0);
    console.info(
      `[resumable] ${file.length} bytes; cut after ${cut} sent, server held ${offset}; resumed with ${resentBytes} in ${sent.patches.length} PATCHes`,
    );
    expect(sent.posts).toBe(0);
    expect(sent.patches[0]?.offset).toBe(offset);
    expect(resentBytes).toBe(file.length - offset);
    expect(done.status).toBe(200);
    expect(done.json).toEqual({
      studyId: expect.any(String),
      studyInstanceUid: studyUid,
      sopInstanceUid: sopUid,
      duplicate: false,
    });
    const result = done.json as { studyId: string };

    // Indexed as an upload, the stored object is the file, the upload's own file is gone.
    const row = await instanceRow(sopUid);
    expect(row).toMatchObject({ study_id: result.studyId, received_via: 'upload', sha256: sha256(file) });
    expect(Number(row?.size_bytes)).toBe(file.length);
    const blob = await stack.runtime.store.getBuffer(row?.blob_key ?? '');
    expect(blob.equals(file)).toBe(true);
    const uploadId = uploadUrl.split('/').pop() ?? '';
    expect(existsSync(path.join(uploadDir, uploadId))).toBe(false);
    const study = await fetch(`${stack.url}/api/studies/${result.studyId}`, {
      headers: { authorization: `Bearer ${TOKEN_A}` },
    }).then((r) => r.json());
    expect(study.study).toMatchObject({ priority: 'emergency', status: 'receiving', instanceCount: 1 });

    // Had the last answer been lost, a HEAD finds the upload complete, with the same result.
    const again = await head(uploadUrl);
    expect(again.status).toBe(200);
    expect(again.headers.get('upload-offset')).toBe(String(file.length));
    expect(JSON.parse(decodeURIComponent(again.headers.get('upload-result') ?? ''))).toEqual(done.json);
    // …and tus-js-client resuming from that URL succeeds without sending anything.
    const resent: Sent = { patches: [], posts: 0 };
    const resumed = await run(file, options(file, { uploadUrl, httpStack: countingStack(resent) }));
    expect(resent).toEqual({ patches: [], posts: 0 });
    expect(JSON.parse(decodeURIComponent(resumed.header ?? ''))).toEqual(done.json);
  }, 120_000);

  test('when storing fails for a passing reason the upload is kept, and resuming it later stores it', async () => {
    const sopUid = newUid();
    const file = createDxInstance({ sopInstanceUid: sopUid });
    const store = stack.runtime.store;
    const put = store.put;
    store.put = async () => {
      throw new Error('object store unreachable');
    };
    let url: string;
    try {
      const failed = await refusal(file, options(file));
      expect(failed.status).toBe(500);
      expect(failed.json.error.code).toBe('internal');
      url = failed.url;
      // Complete but not stored: a HEAD says "locked, try later" (tus clients retry that) rather than 404.
      expect((await head(url)).status).toBe(423);
      expect(await instanceRow(sopUid)).toBeUndefined();
    } finally {
      store.put = put;
    }
    // The store is back: resuming the upload stores it without sending a byte again.
    const sent: Sent = { patches: [], posts: 0 };
    const done = await run(file, options(file, { uploadUrl: url, httpStack: countingStack(sent) }));
    expect(sent).toEqual({ patches: [], posts: 0 });
    expect(JSON.parse(decodeURIComponent(done.header ?? ''))).toMatchObject({
      sopInstanceUid: sopUid,
      duplicate: false,
    });
    expect(await instanceRow(sopUid)).toMatchObject({ received_via: 'upload' });
  });

  test('the same file again is stored once: the answer says duplicate', async () => {
    const file = createDxInstance();
    const first = await run(file, options(file));
    const second = await run(file, options(file));
    expect(first.json).toMatchObject({ duplicate: false });
    expect(second.json).toEqual({ ...(first.json as object), duplicate: true });
  });

  test('a small file sent whole in the creating request (creation-with-upload) is stored too', async () => {
    const file = createDxInstance();
    const done = await run(file, options(file, { uploadDataDuringCreation: true, chunkSize: 4 * MB }));
    expect(done.status).toBe(201);
    expect(done.json).toMatchObject({ duplicate: false });
    expect(done.upload.url).toMatch(/\/api\/uploads\/[0-9a-f]{32}$/);
    const id = done.upload.url?.split('/').pop() ?? '';
    await expect.poll(() => existsSync(path.join(uploadDir, id))).toBe(false);
    const created = await fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN_A}`,
        'tus-resumable': '1.0.0',
        'upload-length': '10',
        origin: 'https://elsewhere.example',
      },
    });
    expect(created.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('bytes that do not hash to the declared SHA-256 are refused, discarded and not indexed', async () => {
    const sopUid = newUid();
    const file = createDxInstance({ sopInstanceUid: sopUid });
    const other = sha256(Buffer.concat([file, Buffer.from([0])]));
    const refused = await refusal(file, options(file, { metadata: { filename: 'a.dcm', sha256: other } }));
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('checksum-mismatch');
    expect(refused.json.error.message).toContain('SHA-256');
    expect(refused.json.error.message).toContain(other);
    expect(await instanceRow(sopUid)).toBeUndefined();
    // The upload is gone: a client resuming it would start over.
    expect((await head(refused.url)).status).toBe(404);
  });

  test('an upload without a well-formed SHA-256 or with an unknown priority is refused at creation', async () => {
    const create = (metadata: string) =>
      fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN_A}`,
          'tus-resumable': '1.0.0',
          'upload-length': '1000',
          ...(metadata ? { 'upload-metadata': metadata } : {}),
        },
      });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const metadata of [
      '',
      `filename ${b64('a.dcm')}`,
      `sha256 ${b64('abc')}`,
      `sha256 ${b64('z'.repeat(64))}`,
      `sha256 ${b64('a'.repeat(64))},priority ${b64('urgent')}`,
    ]) {
      const answer = await create(metadata);
      expect(answer.status, metadata).toBe(400);
      const body = JSON.parse(await answer.text());
      expect(body.error.code).toBe('invalid');
      expect(body.error.message).toMatch(/sha256|priority/);
    }
    expect((await create(`sha256 ${b64('a'.repeat(64))}`)).status).toBe(201);
  });

  test('a file that is not DICOM is refused with the parser reason', async () => {
    const file = Buffer.concat([Buffer.from('this is a scanned request form, not an image\n'), randomBytes(4000)]);
    const refused = await refusal(file, options(file, { metadata: { filename: 'form.pdf', sha256: sha256(file) } }));
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('not-dicom');
    expect(refused.json.error.message).toMatch(/DICOM/i);
  });

  test("clinic B can neither read, continue nor delete clinic A's upload; only senders may upload", async () => {
    const file = createDxInstance();
    const created = await fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN_A}`,
        'tus-resumable': '1.0.0',
        'upload-length': String(file.length),
        'upload-metadata': `sha256 ${Buffer.from(sha256(file)).toString('base64')},clinicId ${Buffer.from('forged').toString('base64')}`,
      },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/uploads\/[0-9a-f]{32}$/);
    const url = `${stack.url}${location}`;
    const patch = (token: string, from: number, bytes: Buffer) =>
      fetch(url, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${token}`,
          'tus-resumable': '1.0.0',
          'upload-offset': String(from),
          'content-type': 'application/offset+octet-stream',
        },
        body: bytes,
      });
    expect((await patch(TOKEN_A, 0, file.subarray(0, 1000))).status).toBe(204);

    const asB = await head(url, TOKEN_B);
    expect(asB.status).toBe(403);
    expect(asB.headers.get('upload-offset')).toBeNull();
    const patchB = await patch(TOKEN_B, 1000, file.subarray(1000, 2000));
    expect(patchB.status).toBe(403);
    expect((await patchB.json()).error.code).toBe('forbidden');
    const deleteB = await fetch(url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN_B}`, 'tus-resumable': '1.0.0' },
    });
    expect(deleteB.status).toBe(403);

    // Clinic A's upload is untouched, and its clinic is the server's record, not the forged one.
    const asA = await head(url);
    expect(asA.status).toBe(200);
    expect(asA.headers.get('upload-offset')).toBe('1000');
    const info = JSON.parse(await readFile(path.join(uploadDir, `${location.split('/').pop()}.json`), 'utf8'));
    expect(info.metadata.clinicId).not.toBe('forged');

    // A radiologist sends no studies; nobody without a token gets in.
    const rad1 = await fetch(`${stack.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'rad1', password: 'demo' }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    expect((await head(url, rad1.token)).status).toBe(403);
    expect((await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } })).status).toBe(401);
  });

  test('an incomplete upload older than a day expires and is swept away', async () => {
    const file = createDxInstance();
    const created = await fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN_A}`,
        'tus-resumable': '1.0.0',
        'upload-length': String(file.length),
        'upload-metadata': `sha256 ${Buffer.from(sha256(file)).toString('base64')}`,
      },
    });
    const id = (created.headers.get('location') ?? '').split('/').pop() ?? '';
    const infoPath = path.join(uploadDir, `${id}.json`);
    const info = JSON.parse(await readFile(infoPath, 'utf8'));
    await writeFile(
      infoPath,
      JSON.stringify({ ...info, creation_date: new Date(Date.now() - 25 * 3600_000).toISOString() }),
    );

    expect((await head(`${endpoint}/${id}`)).status).toBe(410);
    expect(await sweepExpiredUploads(uploadDir)).toBe(1);
    expect(existsSync(path.join(uploadDir, id))).toBe(false);
    expect(existsSync(infoPath)).toBe(false);
    expect((await head(`${endpoint}/${id}`)).status).toBe(404);
  });
});

/**
 * The radiographer's browser on a weak link: the upload runs through a throttled connection, the
 * link is cut halfway (Chromium offline) and comes back, and the upload finishes with nobody touching
 * anything; a page reload halfway and choosing the same file again resumes it. Screenshots of the
 * upload card (zh-CN) go to a temp dir printed at the start.
 */
describe('browser: resumable upload on a weak link', () => {
  let stack: AllInOne;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let files: TempDir;
  let shotsDir: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  /** Upload throughput while throttled: 15 MB take about 7 s. */
  const UPLINK = 2 * MB;

  beforeAll(async () => {
    const test = await testConfig({ database: 'postgres' });
    cleanup = test.cleanup;
    stack = await startAllInOne(test.config);
    browser = await launchChromium();
    files = await tempDir('telerad-upload-files');
    shotsDir = await mkdtemp(path.join(os.tmpdir(), 'telerad-upload-shots-'));
    console.info(`[resumable ui] screenshots in ${shotsDir}`);
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
    await files?.remove();
    await cleanup?.();
  }, 60_000);

  interface Traffic {
    /** Each upload created: its length and URL. */
    posts: Array<{ length: number; url: string }>;
    patches: Array<{ url: string; offset: number; at: number }>;
  }

  async function clinicPage(): Promise<{ page: Page; context: BrowserContext; traffic: Traffic }> {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    // A leave-the-page warning while uploading: the test means to leave.
    page.on('dialog', (dialog) => void dialog.accept());
    const traffic: Traffic = { posts: [], patches: [] };
    page.on('response', (response) => {
      const request = response.request();
      if (request.method() !== 'POST' || !request.url().endsWith('/api/uploads')) return;
      const location = response.headers().location ?? '';
      traffic.posts.push({
        length: Number(request.headers()['upload-length']),
        url: new URL(location, request.url()).href,
      });
    });
    page.on('request', (request) => {
      if (!request.url().includes('/api/uploads')) return;
      if (request.method() === 'PATCH') {
        traffic.patches.push({
          url: request.url(),
          offset: Number(request.headers()['upload-offset']),
          at: Date.now(),
        });
      }
    });
    await logInAs(page, stack.url, 'tech-a', '/clinic');
    await page.getByTestId('upload-drop').waitFor();
    return { page, context, traffic };
  }

  /**
   * The page's link, through DevTools network emulation: throttled uploads, or down (requests, the
   * ones under way too, fail). The emulation of this session is what the traffic obeys.
   */
  async function throttle(context: BrowserContext, page: Page, uploadBytesPerSecond: number) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const set = (state: 'throttled' | 'down') =>
      cdp.send('Network.emulateNetworkConditions', {
        offline: state === 'down',
        latency: 40,
        downloadThroughput: -1,
        uploadThroughput: uploadBytesPerSecond,
      });
    await set('throttled');
    return { set };
  }

  const shot = (page: Page, name: string) =>
    page.locator('.upload-card').screenshot({ path: path.join(shotsDir, `${name}.png`) });

  const sentOf = async (page: Page, row: number) =>
    Number(await page.getByTestId('upload-file').nth(row).getAttribute('data-sent'));

  test('files dropped on the drop zone are chosen; hidden files are set aside', async () => {
    const { page } = await clinicPage();
    const dataTransfer = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(300)], 'IMG0001.dcm'));
      data.items.add(new File([new Uint8Array(10)], '.DS_Store'));
      return data;
    });
    await page.getByTestId('upload-drop').dispatchEvent('dragover', { dataTransfer });
    await page.getByTestId('upload-drop').dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => page.getByTestId('upload-file').count()).toBe(2);
    const rows = page.getByTestId('upload-file');
    expect(await rows.evaluateAll((r) => r.map((row) => row.getAttribute('data-state')))).toEqual([
      'waiting',
      'skipped',
    ]);
    expect(await rows.first().textContent()).toContain('IMG0001.dcm');
  });

  test('the link drops mid-upload and comes back: the upload finishes by itself from where it stopped', async () => {
    const studyUid = newUid();
    const large = createDxInstance({
      rows: 3000,
      columns: 2500,
      studyInstanceUid: studyUid,
      patientName: 'Zhao^Lei=赵^磊',
    });
    const small = createDxInstance({ studyInstanceUid: studyUid, patientName: 'Zhao^Lei=赵^磊', instanceNumber: 2 });
    const paths = {
      large: path.join(files.path, 'DX0001.dcm'),
      small: path.join(files.path, 'DX0002.dcm'),
      form: path.join(files.path, '申请单.jpg'),
      dicomdir: path.join(files.path, 'DICOMDIR'),
    };
    await writeFile(paths.large, large);
    await writeFile(paths.small, small);
    await writeFile(paths.form, randomBytes(30_000));
    await writeFile(paths.dicomdir, randomBytes(2_000));

    const { page, context, traffic } = await clinicPage();
    await page.getByTestId('upload-files').setInputFiles([paths.large, paths.small, paths.form, paths.dicomdir]);
    await expect.poll(() => page.getByTestId('upload-file').count()).toBe(4);
    expect(await page.getByTestId('upload-file').nth(3).getAttribute('data-state')).toBe('skipped');
    await page.getByTestId('upload-priority').selectOption('emergency');
    const link = await throttle(context, page, UPLINK);
    await page.getByTestId('upload-submit').click();

    // Halfway through the large file, the link goes down for a few seconds.
    await expect.poll(() => sentOf(page, 0), { timeout: 30_000, interval: 100 }).toBeGreaterThan(large.length * 0.35);
    await shot(page, '01-sending');
    const cutAt = Date.now();
    await link.set('down');
    await context.setOffline(true);
    const large0 = page.getByTestId('upload-file').nth(0);
    await expect.poll(() => large0.getAttribute('data-state'), { timeout: 10_000, interval: 100 }).toBe('offline');
    const heldAtCut = await sentOf(page, 0);
    await shot(page, '02-offline');
    await new Promise((r) => setTimeout(r, 4_000));
    const backAt = Date.now();
    await context.setOffline(false);
    await link.set('throttled');

    // Later the uplink dies again while the PC still believes it is online (the WAN, not the Wi-Fi):
    // tus-js-client's own retry delays carry it over.
    await expect.poll(() => sentOf(page, 0), { timeout: 30_000, interval: 100 }).toBeGreaterThan(large.length * 0.7);
    await link.set('down');
    await new Promise((r) => setTimeout(r, 3_000));
    await link.set('throttled');

    // Nobody clicks anything: every file ends stored or refused.
    const result = page.getByTestId('upload-result');
    await result.waitFor({ timeout: 90_000 });
    await shot(page, '03-done');
    expect(await result.getAttribute('data-stored')).toBe('2');
    expect(await result.getAttribute('data-failed')).toBe('1');
    const states = await page
      .getByTestId('upload-file')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
    expect(states).toEqual(['stored', 'stored', 'refused', 'skipped']);
    expect(await page.getByTestId('upload-file').nth(2).textContent()).toContain('不是 DICOM 文件');

    // One upload per file, and the large one went on from a non-zero offset after the link returned.
    expect(traffic.posts).toHaveLength(3);
    const largeUrl = traffic.posts.find((p) => p.length === large.length)?.url;
    const largePatches = traffic.patches.filter((p) => p.url === largeUrl);
    const resumed = largePatches.find((p) => p.at >= backAt);
    expect(resumed?.offset).toBeGreaterThan(large.length * 0.3);
    expect(resumed?.offset).toBeLessThanOrEqual(heldAtCut);
    console.info(
      `[resumable ui] offline ${backAt - cutAt} ms at ${heldAtCut} bytes sent; large file resumed at offset ` +
        `${resumed?.offset} of ${large.length}; ${largePatches.length} PATCHes for it`,
    );

    const row = await stack.runtime.db.db
      .selectFrom('instance')
      .innerJoin('study', 'study.id', 'instance.study_id')
      .select(['instance.received_via', 'instance.size_bytes', 'study.priority'])
      .where('study.study_instance_uid', '=', studyUid)
      .execute();
    expect(row).toHaveLength(2);
    expect(row.every((r) => r.received_via === 'upload' && r.priority === 'emergency')).toBe(true);

    // "Study complete" submits the study the server named in its answers.
    await page.getByTestId('submit-complete').click();
    const outcome = page.getByTestId('submit-outcomes').locator('li');
    await outcome.waitFor();
    expect(await outcome.getAttribute('data-result')).toBe('submitted');
    expect(await outcome.textContent()).toContain('赵磊');
    await shot(page, '04-submitted');
    expect(pageErrors).toEqual([]);
  }, 150_000);

  test('a page reload halfway: choosing the same file again resumes it instead of starting over', async () => {
    const sopUid = newUid();
    const large = createDxInstance({ rows: 3000, columns: 2500, sopInstanceUid: sopUid });
    const file = path.join(files.path, 'CR-reload.dcm');
    await writeFile(file, large);

    const { page, context, traffic } = await clinicPage();
    await page.getByTestId('upload-files').setInputFiles([file]);
    await throttle(context, page, UPLINK);
    await page.getByTestId('upload-submit').click();
    await expect.poll(() => sentOf(page, 0), { timeout: 30_000, interval: 100 }).toBeGreaterThan(large.length * 0.4);

    await page.reload();
    await page.getByTestId('upload-drop').waitFor();
    const reloadedAt = Date.now();
    await page.getByTestId('upload-files').setInputFiles([file]);
    await page.getByTestId('upload-submit').click();
    const status = page.getByTestId('upload-file').first();
    await expect.poll(() => status.textContent(), { timeout: 20_000, interval: 100 }).toMatch(/从 \d+% 处续传/);
    await shot(page, '05-resumed-after-reload');
    await page.getByTestId('upload-result').waitFor({ timeout: 60_000 });
    expect(await status.getAttribute('data-state')).toBe('stored');

    expect(traffic.posts).toHaveLength(1);
    const after = traffic.patches.filter((p) => p.at >= reloadedAt);
    expect(after[0]?.offset).toBeGreaterThan(large.length * 0.3);
    const stored = await stack.runtime.db.db
      .selectFrom('instance')
      .select(['received_via', 'sha256'])
      .where('sop_instance_uid', '=', sopUid)
      .executeTakeFirst();
    expect(stored).toEqual({ received_via: 'upload', sha256: sha256(large) });
    expect(pageErrors).toEqual([]);
  }, 150_000);
});
