import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from './connection.js';
import { type EmbeddedRedis, startEmbeddedRedis } from './embeddedRedis.js';

describe('startEmbeddedRedis', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function dataDir(name = 'telerad-redis-'): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), name));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  async function start(dir: string): Promise<EmbeddedRedis> {
    const redis = await startEmbeddedRedis({ dataDir: dir });
    cleanups.push(() => redis.stop());
    return redis;
  }

  async function withClient<T>(url: string, use: (client: ReturnType<typeof createRedis>) => Promise<T>): Promise<T> {
    const client = createRedis(url);
    try {
      return await use(client);
    } finally {
      await client.quit();
    }
  }

  it('keeps a key across a restart on the same data dir (append-only file)', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    expect(first.url).toBe(`redis+unix://${path.join(dir, 'redis', 'redis.sock')}`);
    await withClient(first.url, async (client) => {
      await client.set('study:1', 'ready');
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'port')).toEqual(['port', '0']);
    });
    await first.stop();
    expect(existsSync(path.join(dir, 'redis', 'redis.sock'))).toBe(false);

    const second = await start(dir);
    expect(second.url).toBe(first.url);
    expect(await withClient(second.url, (client) => client.get('study:1'))).toBe('ready');
  });

  it('falls back to a short socket path when the data dir is too deep for a unix socket', async () => {
    const deep = path.join(await dataDir(), 'a-directory-name-long-enough'.repeat(4));
    const redis = await start(deep);
    const socket = redis.url.slice('redis+unix://'.length);
    expect(socket.startsWith(os.tmpdir())).toBe(true);
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(107);
    expect(await withClient(redis.url, (client) => client.ping())).toBe('PONG');
    expect(existsSync(path.join(deep, 'redis', 'appendonlydir'))).toBe(true);
  });

  it('refuses to start a second server on a data dir that is in use', async () => {
    const dir = await dataDir();
    await start(dir);
    await expect(startEmbeddedRedis({ dataDir: dir })).rejects.toThrow(/already listening/);
  });

  it('replaces a stale socket file left by a killed server', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    const socket = first.url.slice('redis+unix://'.length);
    // SIGKILL leaves the socket file behind, as a crashed or killed parent would.
    const info = await withClient(first.url, (client) => client.info('server'));
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    process.kill(pid, 'SIGKILL');
    await first.stop();
    expect(existsSync(socket)).toBe(true);
    const second = await start(dir);
    expect(await withClient(second.url, (client) => client.ping())).toBe('PONG');
  });
});
