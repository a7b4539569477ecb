import { describe, expect, test } from 'vitest';
import { beginInteractive, LOOP_PRIORITY, loopPriorityState, yieldToInteractive } from './loopPriority.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the event loop busy for `ms` (as a burst of upload chunks would), then lets timers run. */
async function busyLoop(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
  // The lag sampler's overdue tick runs before this zero-delay timer.
  await sleep(0);
}

describe('interactive work first on a busy event loop', () => {
  test('with no interactive work in flight, intake never waits, however busy the loop', async () => {
    const end = beginInteractive();
    end();
    await sleep(20);
    await busyLoop(40);
    expect(loopPriorityState().lagMs).toBeGreaterThan(LOOP_PRIORITY.busyLagMs);
    expect(yieldToInteractive()).toBeUndefined();
  });

  test('with interactive work in flight but a quiet loop, intake does not wait', async () => {
    const end = beginInteractive();
    try {
      // A loaded machine can delay a timer now and then: wait for a quiet sample.
      for (let tries = 0; tries < 100 && loopPriorityState().lagMs >= LOOP_PRIORITY.busyLagMs; tries++) await sleep(10);
      expect(loopPriorityState().lagMs).toBeLessThan(LOOP_PRIORITY.busyLagMs);
      expect(yieldToInteractive()).toBeUndefined();
    } finally {
      end();
    }
  });

  test('interactive work in flight on a busy loop: intake waits until it is done', async () => {
    const end = beginInteractive();
    await sleep(20);
    await busyLoop(40);
    const turn = yieldToInteractive();
    expect(turn).toBeInstanceOf(Promise);
    let resumed = false;
    void turn?.then(() => {
      resumed = true;
    });
    await Promise.resolve();
    expect(resumed).toBe(false);
    end();
    await Promise.resolve();
    await Promise.resolve();
    expect(resumed).toBe(true);
    expect(loopPriorityState().interactive).toBe(0);
  });

  test('a wait lasts at most 50 ms, so steady interactive traffic slows intake but never stops it', async () => {
    const end = beginInteractive();
    try {
      await sleep(20);
      await busyLoop(40);
      const started = performance.now();
      const turn = yieldToInteractive();
      expect(turn).toBeInstanceOf(Promise);
      await turn;
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(LOOP_PRIORITY.maxYieldMs - 5);
      expect(waited).toBeLessThan(LOOP_PRIORITY.maxYieldMs + 200);
    } finally {
      end();
    }
  });

  test('ending the same interactive work twice counts it once', () => {
    const first = beginInteractive();
    const second = beginInteractive();
    first();
    first();
    expect(loopPriorityState().interactive).toBe(1);
    second();
    expect(loopPriorityState().interactive).toBe(0);
  });
});
