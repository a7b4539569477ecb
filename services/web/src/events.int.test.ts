import { createDxInstance, newUid } from '@telerad/dicom';
import { enqueueRoute } from '@telerad/queue';
import { start as startRouter } from '@telerad/router';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { multipartRelated, testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { start, type WebService } from './start.js';

interface Heard {
  type: string;
  studyId: string;
  toYou: boolean;
  fromYou: boolean;
}

/** An open event stream read the way a browser does: `event:`/`data:` blocks and comment lines. */
class Stream {
  readonly events: Heard[] = [];
  comments = 0;
  /** The server closed the stream. */
  ended = false;
  private readonly controller = new AbortController();
  constructor(
    readonly status: number,
    body: ReadableStream<Uint8Array> | null,
    controller: AbortController,
  ) {
    this.controller = controller;
    if (body !== null) void this.read(body);
  }
  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data !== undefined) this.events.push(JSON.parse(data.slice(6)) as Heard);
          if (block.startsWith(': ping')) this.comments++;
          end = buffer.indexOf('\n\n');
        }
      }
      this.ended = true;
    } catch {
      // aborted
    }
  }
  of(studyId: string) {
    return this.events.filter((e) => e.studyId === studyId);
  }
  close() {
    this.controller.abort();
  }
}

/**
 * Live study events across two web processes sharing Redis (and a router): a change made through
 * one process reaches the streams open on the other, each listener hears only what tenancy lets them
 * see, and a browser opens its stream with a one-use ticket.
 */
describe('server-sent study events across two web processes', () => {
  let runtimes: Runtime[] = [];
  let webs: WebService[] = [];
  let stopRouter: () => Promise<void>;
  let cleanup: () => Promise<void>;
  const streams: Stream[] = [];

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtimes = [await openRuntime(t.config), await openRuntime(t.config)];
    webs = await Promise.all(
      runtimes.map((r) => start(r, { port: 0, host: '127.0.0.1', heartbeatMs: 300, recheckMs: 300 })),
    );
    const router = await startRouter(runtimes[0] as Runtime);
    stopRouter = () => router.stop();
  }, 60_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    await stopRouter?.();
    for (const w of webs) await w.stop();
    for (const r of runtimes) await r.close();
    await cleanup?.();
  });

  const [a, b] = [() => webs[0] as WebService, () => webs[1] as WebService];

  test('a port already in use is refused with EADDRINUSE, not a server listening nowhere', async () => {
    await expect(start(runtimes[0] as Runtime, { port: a().port, host: '127.0.0.1' })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
  const call = async (web: WebService, path: string, token: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    const response = await fetch(`${web.url}${path}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : JSON.parse(text) };
  };
  const login = async (username: string) => {
    const r = await fetch(`${a().url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo' }),
    });
    return ((await r.json()) as { token: string }).token;
  };
  const open = async (web: WebService, auth: { token?: string; ticket?: string }) => {
    const controller = new AbortController();
    const query = auth.ticket === undefined ? '' : `?ticket=${encodeURIComponent(auth.ticket)}`;
    const response = await fetch(`${web.url}/api/events${query}`, {
      headers: auth.token === undefined ? {} : { authorization: `Bearer ${auth.token}` },
      signal: controller.signal,
    });
    const stream = new Stream(response.status, response.ok ? response.body : null, controller);
    if (!response.ok) await response.text();
    streams.push(stream);
    return stream;
  };
  const db = () => (runtimes[0] as Runtime).db.db;
  const eventually = (check: () => void) =>
    expect
      .poll(
        () => {
          check();
          return true;
        },
        { timeout: 5000, interval: 50 },
      )
      .toBe(true);

  test('an assignment made by the router reaches the assignee, their hospital, and the clinic on the other process', async () => {
    const tokens = { rad1: await login('rad1'), rad2: await login('rad2'), rad3: await login('rad3') };
    const rad1 = await open(b(), { token: tokens.rad1 });
    const rad2 = await open(b(), { token: tokens.rad2 });
    const rad3 = await open(b(), { token: tokens.rad3 }); // the city hospital: not its study
    const clinicA = await open(b(), { token: 'demo-token-clinic-a' });
    const clinicB = await open(b(), { token: 'demo-token-clinic-b' });
    const admin = await open(a(), { token: await login('admin') });
    expect(rad1.status).toBe(200);

    const studyInstanceUid = newUid();
    const { body, contentType } = multipartRelated([createDxInstance({ studyInstanceUid })]);
    const stored = await fetch(`${a().url}/dicomweb/studies`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-token-clinic-a', 'content-type': contentType },
      body: new Uint8Array(body),
    });
    expect(stored.status).toBe(200);
    const study = await db()
      .selectFrom('study')
      .select('id')
      .where('study_instance_uid', '=', studyInstanceUid)
      .executeTakeFirstOrThrow();
    expect((await call(a(), `/api/studies/${study.id}/submit`, 'demo-token-clinic-a', { method: 'POST' })).status).toBe(
      200,
    );
    await enqueueRoute((runtimes[0] as Runtime).queues, study.id, 'submitted');
    await eventually(() => expect(clinicA.of(study.id).map((e) => e.type)).toContain('assigned'));
    const assignee = await db()
      .selectFrom('study as s')
      .innerJoin('app_user as u', 'u.id', 's.assigned_to')
      .select('u.username')
      .where('s.id', '=', study.id)
      .executeTakeFirstOrThrow();
    const [mine, colleague] = assignee.username === 'rad1' ? [rad1, rad2] : [rad2, rad1];
    await eventually(() =>
      expect(mine.of(study.id)).toContainEqual(expect.objectContaining({ type: 'assigned', toYou: true })),
    );
    await eventually(() =>
      expect(colleague.of(study.id)).toContainEqual(expect.objectContaining({ type: 'assigned', toYou: false })),
    );
    await eventually(() => expect(admin.of(study.id).map((e) => e.type)).toContain('assigned'));

    // The reader claims through process A, and a late image arrives: both are heard on process B.
    const reader = assignee.username === 'rad1' ? tokens.rad1 : tokens.rad2;
    const updatesBefore = mine.of(study.id).filter((e) => e.type === 'updated').length;
    expect((await call(a(), `/api/studies/${study.id}/claim`, reader, { method: 'POST' })).status).toBe(200);
    const late = multipartRelated([createDxInstance({ studyInstanceUid })]);
    await fetch(`${a().url}/dicomweb/studies`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-token-clinic-a', 'content-type': late.contentType },
      body: new Uint8Array(late.body),
    });
    await eventually(() =>
      expect(mine.of(study.id).filter((e) => e.type === 'updated')).toHaveLength(updatesBefore + 2),
    );
    // Nobody outside the study's tenancy heard anything about it; events carry ids only.
    expect(rad3.of(study.id)).toEqual([]);
    expect(clinicB.of(study.id)).toEqual([]);
    expect(Object.keys(mine.of(study.id)[0] ?? {}).sort()).toEqual(['at', 'fromYou', 'studyId', 'toYou', 'type']);
    expect(await (await fetch(`${b().url}/metrics`)).text()).toMatch(/telerad_event_streams 5\b/);
    // Heartbeats keep the idle streams open.
    await expect.poll(() => rad3.comments, { timeout: 3000 }).toBeGreaterThan(0);
  });

  test('a browser opens the stream with a one-use ticket from the other process; no credentials, no stream', async () => {
    expect((await open(b(), {})).status).toBe(401);
    expect((await open(b(), { ticket: 'not-a-ticket-at-all-no' })).status).toBe(401);
    const rad1 = await login('rad1');
    const issued = await call(a(), '/api/events/ticket', rad1, { method: 'POST' });
    expect(issued.status).toBe(200);
    expect(Date.parse(issued.json.expiresAt)).toBeGreaterThan(Date.now());
    const stream = await open(b(), { ticket: issued.json.ticket });
    expect(stream.status).toBe(200);
    expect((await open(a(), { ticket: issued.json.ticket })).status).toBe(401);
    expect((await call(a(), '/api/events/ticket', 'nobody', { method: 'POST' })).status).toBe(401);

    const { publishStudyEvent } = await import('@telerad/queue');
    const district = await db()
      .selectFrom('hospital')
      .select('id')
      .where('code', '=', 'district')
      .executeTakeFirstOrThrow();
    const clinic = await db()
      .selectFrom('clinic')
      .select('id')
      .where('code', '=', 'clinic-a')
      .executeTakeFirstOrThrow();
    const studyId = crypto.randomUUID();
    await publishStudyEvent((runtimes[0] as Runtime).redis, (runtimes[0] as Runtime).config.queuePrefix, {
      type: 'warning',
      studyId,
      hospitalId: district.id,
      clinicId: clinic.id,
      userId: null,
    });
    await eventually(() => expect(stream.of(studyId)).toEqual([expect.objectContaining({ type: 'warning' })]));
  });

  test('signing out ends the open stream', async () => {
    const token = await login('rad2');
    const stream = await open(b(), { token });
    expect(stream.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(stream.ended).toBe(false);
    expect((await call(a(), '/api/auth/logout', token, { method: 'POST' })).status).toBeLessThan(300);
    await expect.poll(() => stream.ended, { timeout: 3000 }).toBe(true);
  });
});
