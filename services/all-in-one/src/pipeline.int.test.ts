import { createDxInstance, newUid } from '@telerad/dicom';
import { multipartRelated, startClinicInbox, testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AllInOne, startAllInOne } from './startAllInOne.js';

const SECRET_A = 'whsec_dGVsZXJhZC1waXBlbGluZS10ZXN0LWtleS1jbGluaWMtYQ==';

/**
 * The foundation's promise end to end: a township sends an emergency study, the district radiologist
 * finds it on the worklist with a deadline 30 minutes after it was complete, reads and signs it, and
 * the clinic's system receives the report with a signature it can verify.
 */
describe.each([
  { name: 'PostgreSQL and the test Redis', database: 'postgres', redis: 'shared' },
  { name: 'the embedded defaults (PGlite, own redis-server, local folder)', database: 'pglite', redis: 'embedded' },
] as const)('pipeline on $name', ({ database, redis }) => {
  let stack: AllInOne;
  let inbox: Awaited<ReturnType<typeof startClinicInbox>>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    inbox = await startClinicInbox(SECRET_A, { failFirst: 1 });
    const test = await testConfig({
      database,
      redis,
      env: { TELERAD_DELIVERY_RETRY_MS: '300,300' },
      region: (r) => {
        const clinicA = r.clinics.find((c) => c.code === 'clinic-a');
        if (clinicA === undefined) throw new Error('demo region lost clinic-a');
        clinicA.webhook = { url: inbox.url, secret: SECRET_A };
      },
    });
    cleanup = test.cleanup;
    stack = await startAllInOne(test.config);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await inbox?.close();
    await cleanup?.();
  });

  const api = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    const response = await fetch(`${stack.url}${path}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : JSON.parse(text) };
  };
  const login = async (username: string) => {
    const r = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password: 'demo' }) });
    expect(r.status).toBe(200);
    return r.json.token as string;
  };

  test('emergency study: STOW-RS → worklist with a 30-minute deadline → sign → signed webhook', async () => {
    expect((await api('/healthz')).json).toMatchObject({ status: 'ok' });
    const studyUid = newUid();
    const files = [1, 2].map(() =>
      createDxInstance({ studyInstanceUid: studyUid, patientName: 'Wang^XiaoDong=王^小东', patientId: 'P-0001' }),
    );
    const { body, contentType } = multipartRelated(files);
    const stow = await fetch(`${stack.url}/dicomweb/studies?priority=emergency`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-token-clinic-a', 'content-type': contentType },
      body,
    });
    expect(stow.status).toBe(200);
    const stowJson = await stow.json();
    expect(stowJson['00081199'].Value).toHaveLength(2);

    const list = await api('/api/studies', { token: 'demo-token-clinic-a' });
    const sent = list.json.items.find((s: { studyInstanceUid: string }) => s.studyInstanceUid === studyUid);
    expect(sent).toMatchObject({ status: 'receiving', priority: 'emergency', instanceCount: 2, patientName: '王小东' });

    const submitted = await api(`/api/studies/${sent.id}/submit`, { method: 'POST', token: 'demo-token-clinic-a' });
    expect(submitted.status).toBe(200);

    const rad1 = await login('rad1');
    let item: Record<string, string> | undefined;
    for (let i = 0; i < 100 && item?.assignedTo == null; i++) {
      const worklist = await api('/api/worklist', { token: rad1 });
      item = worklist.json.items.find((s: { id: string }) => s.id === sent.id);
      if (item?.assignedTo == null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(item).toMatchObject({ status: 'assigned', assignedTo: 'rad1', clinic: { code: 'clinic-a' } });
    const readyAt = Date.parse(item?.readyAt ?? '');
    expect(Date.parse(item?.deadlineAt ?? '') - readyAt).toBe(30 * 60_000);

    expect((await api(`/api/studies/${sent.id}/claim`, { method: 'POST', token: rad1 })).status).toBe(200);
    const draft = await api(`/api/studies/${sent.id}/report`, {
      method: 'PUT',
      token: rad1,
      body: JSON.stringify({
        findings: '双肺纹理清晰，未见实变。',
        impression: '胸部正位片未见明显异常。',
        critical: false,
      }),
    });
    expect(draft.status).toBe(200);
    expect(draft.json.report).toMatchObject({ status: 'draft', version: 1 });
    const signed = await api(`/api/studies/${sent.id}/report/sign`, { method: 'POST', token: rad1 });
    expect(signed.status).toBe(200);
    expect(signed.json.report).toMatchObject({ status: 'final', signedBy: { username: 'rad1' } });
    expect(signed.json.study.status).toBe('signed');
    // Signing stopped the clock: the warning and breach timers are gone from the queue.
    expect(await stack.runtime.queues.sla.getJob(`sla-breach-${sent.id}`)).toBeUndefined();
    expect(await stack.runtime.queues.sla.getJob(`sla-warning-${sent.id}`)).toBeUndefined();

    await inbox.waitFor(1);
    const hook = inbox.received[0];
    expect(hook?.verified).toBe(true);
    expect(hook?.payload).toMatchObject({
      type: 'report.final',
      data: {
        studyInstanceUid: studyUid,
        patientId: 'P-0001',
        report: { impression: '胸部正位片未见明显异常。', critical: false },
      },
    });

    let detail = await api(`/api/studies/${sent.id}`, { token: 'demo-token-clinic-a' });
    for (let i = 0; i < 50 && detail.json.deliveries[0]?.status !== 'delivered'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      detail = await api(`/api/studies/${sent.id}`, { token: 'demo-token-clinic-a' });
    }
    // The inbox refused the first attempt (503): the retry delivered it, and both attempts are on record.
    expect(detail.json.deliveries).toEqual([
      expect.objectContaining({ channel: 'webhook', status: 'delivered', attempts: 2, lastError: null }),
    ]);

    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/telerad_studies_signed_total\{priority="emergency"\} 1/);
    expect(metrics).toMatch(/telerad_ready_to_signed_minutes_count\{priority="emergency"\} 1/);
  });
});
