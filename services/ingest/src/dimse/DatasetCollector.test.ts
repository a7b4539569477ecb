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
});
