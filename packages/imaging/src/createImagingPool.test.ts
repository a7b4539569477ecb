import { getPriority } from 'node:os';
import { createDxInstance } from '@telerad/dicom';
import { threadNiceness } from '@telerad/testkit';
import { afterAll, describe, expect, test } from 'vitest';
import { createImagingPool } from './createImagingPool.js';
import { ImagingError } from './ImagingError.js';
import { renderInstance } from './renderInstance.js';
import { raster } from './testing/dicomTools.js';
import { renderWindowable } from './windowable.js';

// The pool runs the built worker (dist/worker.js): `pnpm build` before running this file alone.

const pool = createImagingPool({ threads: 2 });
afterAll(async () => {
  await pool.close();
});

describe('createImagingPool', () => {
  // The suite itself may run niced (`nice ./scripts/test.sh`): the pool lowers from there.
  test.runIf(process.platform === 'linux' && getPriority() < 10)(
    'a background pool runs its threads niced, leaving the rest alone',
    async () => {
      const before = threadNiceness().filter((nice) => nice === 10).length;
      const background = createImagingPool({ threads: 2, niceness: 10 });
      try {
        await Promise.all(
          [1, 2].map(() => background.render(createDxInstance({ rows: 300, columns: 200 }), { format: 'jpeg' })),
        );
        expect(threadNiceness().filter((nice) => nice === 10).length - before).toBeGreaterThanOrEqual(2);
        expect(threadNiceness()).toContain(getPriority());
      } finally {
        await background.close();
      }
    },
  );

  test('a task over its time limit is stopped with an ImagingError instead of hanging', async () => {
    const slow = createImagingPool({ threads: 1, taskTimeoutMs: 1 });
    try {
      const file = createDxInstance({ rows: 2000, columns: 1600 });
      const error = await slow.decodeFrame(file, 1).catch((rejection: unknown) => rejection);
      expect(error).toBeInstanceOf(ImagingError);
      expect(error).toMatchObject({ code: 'corrupt-pixel-data', message: 'decoding did not finish within 0.001 s' });
    } finally {
      await slow.close();
    }
  });

  test('renders in a worker thread exactly as in-thread', async () => {
    const file = createDxInstance({ rows: 600, columns: 500 });
    const options = { format: 'png' as const, maxSize: 256 };
    const [inPool, inThread] = await Promise.all([pool.render(file, options), renderInstance(file, options)]);
    expect(Buffer.isBuffer(inPool.data)).toBe(true);
    expect({ ...inPool, data: undefined }).toEqual({
      contentType: 'image/png',
      width: 213,
      height: 256,
      data: undefined,
    });
    expect((await raster(inPool.data)).data.equals((await raster(inThread.data)).data)).toBe(true);
    // The caller's bytes are copied, not handed over.
    expect(file.length).toBeGreaterThan(600 * 500 * 2);
  });

  test('decodes frames and keeps the event loop free while it works', async () => {
    // Full-size films (15 MB each): copying them to the threads and back alone takes far longer than
    // the timer's period, so a free event loop ticks while they decode, however fast the machine.
    const files = Array.from({ length: 4 }, () => createDxInstance({ rows: 3000, columns: 2500 }));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const frames = await Promise.all(files.map((file) => pool.decodeFrame(file, 1)));
    clearInterval(timer);
    for (const [index, frame] of frames.entries()) {
      expect(frame).toMatchObject({ rows: 3000, columns: 2500, bitsAllocated: 16, samplesPerPixel: 1 });
      expect(Buffer.from(frame.pixels).equals((files[index] as Buffer).subarray(-3000 * 2500 * 2))).toBe(true);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  test('errors keep their code across the thread boundary', async () => {
    const file = createDxInstance({ rows: 32, columns: 32 });
    const error = await pool.render(file, { format: 'jpeg', frame: 5 }).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(ImagingError);
    expect(error).toMatchObject({ code: 'frame-out-of-range' });
    await expect(pool.render(file, { format: 'jpeg', quality: 0 })).rejects.toThrow(RangeError);
    // The pool still works after failures.
    await expect(pool.render(file, { format: 'webp' })).resolves.toMatchObject({ contentType: 'image/webp' });
  });
});

describe('re-windowing through the pool', () => {
  test('a kept frame renders new windows in any thread and stays usable by the caller', async () => {
    const bytes = createDxInstance({ rows: 300, columns: 240 });
    const { rendered, windowable } = await pool.prepareWindowable(bytes, { format: 'jpeg', maxSize: 100 });
    expect([rendered.width, rendered.height]).toEqual([80, 100]);
    if (windowable === undefined) throw new Error('a grayscale frame was not kept');
    const answers = await Promise.all(
      [400, 800, 1600, 3200].map((width) =>
        pool.renderWindowable(windowable, { format: 'png', window: { center: 1000, width } }),
      ),
    );
    expect(windowable.samples.length).toBe(160 * 200);
    expect(new Set(answers.map((a) => a.data.toString('base64'))).size).toBe(4);
    expect(answers.every((a) => a.contentType === 'image/png' && a.width === 80)).toBe(true);
  });

  test('a large re-window shared by two threads is the image one thread makes', async () => {
    const bytes = createDxInstance({ rows: 1500, columns: 1250 });
    const options = { format: 'jpeg', maxSize: 600 } as const;
    const { windowable } = await pool.prepareWindowable(bytes, options);
    if (windowable === undefined) throw new Error('a grayscale frame was not kept');
    expect([windowable.height, windowable.keptHeight]).toEqual([600, 1200]);
    for (const window of [
      { center: 1400, width: 2800 },
      { center: 1800, width: 300, fn: 'SIGMOID' as const },
    ]) {
      const shared = await pool.renderWindowable(windowable, { ...options, window });
      const single = await renderWindowable(windowable, { ...options, window });
      expect(shared.data.equals(single.data)).toBe(true);
      expect((await renderInstance(bytes, { ...options, window })).data.equals(shared.data)).toBe(true);
    }
    await expect(pool.renderWindowable(windowable, { ...options, quality: 0 })).rejects.toThrow(RangeError);
  });
});
