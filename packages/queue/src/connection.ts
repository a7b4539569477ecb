import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection for BullMQ: `maxRetriesPerRequest: null` so blocking worker commands are
 * never abandoned mid-way. Accepts redis://, rediss:// and unix socket paths (redis+unix://PATH or
 * a bare absolute path).
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...options };
  if (url.startsWith('/')) return new Redis({ ...base, path: url });
  if (url.startsWith('redis+unix://')) return new Redis({ ...base, path: url.slice('redis+unix://'.length) });
  return new Redis(url, base);
}
