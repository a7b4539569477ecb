import type { Socket } from 'node:net';
import { beginInteractive } from '@telerad/runtime';
import { describe, expect, test } from 'vitest';
import { DatasetCollector } from './DatasetCollector.js';

describe('DatasetCollector', () => {
  test('keeps the fragments in order, synchronously, even when larger than a stream buffer', () => {
    const collector = new DatasetCollector('1.2.840.10008.1.2.1', 1 << 20);
    const big = Buffer.alloc(300_000, 7);
    expect(collector.write(Buffer.from([1, 2]))).toBe(true);
    expect(collector.write(big)).toBe(true);
    collector.end(Buffer.from([3]));
    expect(collector.byteLength).toBe(300_003);
    expect(collector.tooLarge).toBe(false);
    expect(collector.take().equals(Buffer.concat([Buffer.from([1, 2]), big, Buffer.from([3])]))).toBe(true);
  });

  test('past the limit it counts but keeps nothing', () => {
    const collector = new DatasetCollector('1.2.840.10008.1.2.1', 10);
    collector.write(Buffer.alloc(8));
    collector.write(Buffer.alloc(8));
    collector.end();
    expect(collector.byteLength).toBe(16);
    expect(collector.tooLarge).toBe(true);
  });

  test('on a busy loop with interactive work in flight it stops reading the association until that is done', async () => {
    const calls: string[] = [];
    const connection = { pause: () => calls.push('pause'), resume: () => calls.push('resume') };
    const collector = new DatasetCollector('1.2.840.10008.1.2.1', 1 << 20, {
      connection: connection as unknown as Socket,
    });
    // Quiet loop, nobody waiting: fragments are read on at full speed.
    collector.write(Buffer.alloc(8));
    expect(calls).toEqual([]);
    const end = beginInteractive();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const until = performance.now() + 40;
    while (performance.now() < until) {
      // the loop busy with other uploads
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    collector.write(Buffer.alloc(8));
    expect(calls).toEqual(['pause']);
    end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['pause', 'resume']);
    collector.end();
    expect(collector.take().length).toBe(16);
  });
});
