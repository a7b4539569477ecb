/**
 * Interactive work first on a busy event loop. Bulk intake (a burst of uploads over a fast link)
 * can keep one Node event loop 100 % busy; every await of a radiologist's or a clinic's request then
 * waits behind a full turn of upload chunks, and a request of ten database round trips takes
 * hundreds of milliseconds. Here intake yields: while interactive work is in flight (an API
 * request, a routing job) and the loop lags, intake streams wait a moment before their next chunk,
 * so TCP pushes back on the senders and the loop serves the interactive work. With nobody else
 * waiting, intake runs at full speed however busy the loop is.
 *
 * One per process (module state): every service in the process shares its event loop.
 */

/** How often the loop's lag is sampled. */
const SAMPLE_MS = 10;

export const LOOP_PRIORITY = {
  /** Lag above which the loop counts as busy. */
  busyLagMs: 2,
  /** The longest one yield waits, so steady interactive traffic slows intake but never stops it. */
  maxYieldMs: 50,
} as const;

let interactive = 0;
let lagMs = 0;
let sampler: NodeJS.Timeout | undefined;
const waiters = new Set<() => void>();

function sample(): void {
  let expected = performance.now() + SAMPLE_MS;
  sampler = setInterval(() => {
    const now = performance.now();
    lagMs = Math.max(0, now - expected);
    expected = now + SAMPLE_MS;
  }, SAMPLE_MS);
  sampler.unref();
}

/** Marks interactive work as in flight; call the returned function once when it is done. */
export function beginInteractive(): () => void {
  if (sampler === undefined) sample();
  interactive += 1;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    interactive -= 1;
    if (interactive === 0) wake();
  };
}

function wake(): void {
  for (const resolve of [...waiters]) resolve();
}

/**
 * Resolves at once unless interactive work is in flight and the loop is busy; then once the
 * interactive work is done, or after at most LOOP_PRIORITY.maxYieldMs.
 */
export function yieldToInteractive(): Promise<void> | undefined {
  if (interactive === 0 || lagMs < LOOP_PRIORITY.busyLagMs) return undefined;
  return new Promise((resolve) => {
    const timer = setTimeout(done, LOOP_PRIORITY.maxYieldMs);
    function done() {
      clearTimeout(timer);
      waiters.delete(done);
      resolve();
    }
    waiters.add(done);
  });
}

/** What the loop looks like now (metrics, tests). */
export function loopPriorityState(): { interactive: number; lagMs: number } {
  return { interactive, lagMs };
}
