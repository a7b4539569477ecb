import type { Runtime } from './openRuntime.js';

export interface Health {
  ok: boolean;
  body: { status: 'ok' | 'unavailable'; database: string; redis: string; storage: string };
}

/** Database, Redis and object storage each answer, or the reason one does not. */
export async function checkHealth(runtime: Pick<Runtime, 'db' | 'redis' | 'store'>): Promise<Health> {
  const checks = await Promise.allSettled([runtime.db.ping(), runtime.redis.ping(), runtime.store.ping()]);
  const [database = '', redis = '', storage = ''] = checks.map((c) =>
    c.status === 'fulfilled' ? 'ok' : c.reason instanceof Error ? c.reason.message : String(c.reason),
  );
  const ok = checks.every((c) => c.status === 'fulfilled');
  return { ok, body: { status: ok ? 'ok' : 'unavailable', database, redis, storage } };
}
