import { testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openRuntime, type Runtime } from './openRuntime.js';
import { startOpsServer } from './startOpsServer.js';

describe('the ops server of router and delivery', () => {
  let runtime: Runtime;
  let ops: Awaited<ReturnType<typeof startOpsServer>>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    ops = await startOpsServer(runtime, 0);
  }, 60_000);

  afterAll(async () => {
    await ops?.stop();
    await runtime?.close();
    await cleanup?.();
  });

  const get = (path: string) => fetch(`http://127.0.0.1:${ops.port}${path}`);

  test('/healthz answers 200 naming each dependency', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok', database: 'ok', redis: 'ok', storage: 'ok' });
  });

  test('/healthz answers 503 and names Redis when Redis is gone', async () => {
    runtime.redis.disconnect();
    const r = await get('/healthz');
    expect(r.status).toBe(503);
    const body = await r.json();
    expect(body).toMatchObject({ status: 'unavailable', database: 'ok', storage: 'ok' });
    expect(body.redis).not.toBe('ok');
    await runtime.redis.connect();
  });

  test('/metrics is Prometheus text; anything else is a 404 saying what is served', async () => {
    const metrics = await get('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await metrics.text()).toMatch(/# TYPE telerad_studies_signed_total counter/);
    const other = await get('/api/worklist');
    expect(other.status).toBe(404);
    expect((await other.json()).error.message).toMatch(/healthz/);
  });
});
