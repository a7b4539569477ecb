import type { WindowableFrame } from '@telerad/imaging';
import { describe, expect, test } from 'vitest';
import { RewindowCache } from './rewindowCache.js';

const frame = (pixels: number): WindowableFrame => ({
  samples: new Uint16Array(pixels),
  keptWidth: pixels,
  keptHeight: 1,
  width: pixels / 2,
  height: 1,
  base: 0,
  step: 1,
  invert: false,
  defaultVoi: { kind: 'black' },
});

describe('RewindowCache', () => {
  test('a key is kept from the second time it is asked for', () => {
    const cache = new RewindowCache(1 << 20);
    const key = RewindowCache.key('i1', 1, { width: 512, height: 427 });
    expect(key).toBe('i1|1|512x427');
    expect(cache.askedBefore(key)).toBe(false);
    expect(cache.askedBefore(key)).toBe(true);
    expect(cache.askedBefore(RewindowCache.key('i1', 2, { width: 512, height: 427 }))).toBe(false);
  });

  test('kept frames are bounded by bytes, least recently used first out', async () => {
    const cache = new RewindowCache(5 * 1024 * 1024);
    const mb = 512 * 1024; // samples: 1 MB at 16 bits
    for (const name of ['a', 'b', 'c', 'd']) await cache.keep(name, async () => ({ windowable: frame(mb) }));
    expect(await cache.get('a')).toBeDefined(); // a is now the most recently used
    await cache.keep('e', async () => ({ windowable: frame(2 * mb) }));
    expect(cache.bytes).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBeDefined();
    expect(await cache.get('e')).toBeDefined();
  });

  test('concurrent requests wait for one preparation; a failed one keeps nothing', async () => {
    const cache = new RewindowCache(1 << 20);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const kept = frame(100);
    const preparing = cache.keep('k', async () => {
      await gate;
      return { windowable: kept };
    });
    const waiting = cache.get('k');
    release();
    await preparing;
    expect(await waiting).toBe(kept);
    await expect(cache.keep('bad', () => Promise.reject(new Error('corrupt')))).rejects.toThrow('corrupt');
    expect(await cache.get('bad')).toBeUndefined();
  });
});
