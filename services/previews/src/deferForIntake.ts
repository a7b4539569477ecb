import { intakeActiveForMs } from '@telerad/queue';
import type { Runtime } from '@telerad/runtime';

/** A deferred job wakes this long after intake's mark has expired, so it finds intake quiet. */
const WAKE_MARGIN_MS = 50;

/**
 * How long a render job should still wait before rendering, 0 for now. While instances are arriving
 * (see markIntakeActive) a render job yields: decoding a 15 MB film takes a core for 100–150 ms, which
 * uploads in flight need to be stored and acknowledged. It yields at most `maxDeferMs` after it was
 * queued, so a steady stream of uploads delays previews but cannot starve them; a radiologist who
 * opens the study before its previews exist gets the images rendered on request meanwhile.
 * Redis not answering means render now: waiting is an optimisation, never a reason to fail.
 */
export async function deferForIntake(
  redis: Runtime['redis'],
  prefix: string,
  queuedAt: number,
  maxDeferMs: number,
  now = Date.now(),
): Promise<number> {
  const left = queuedAt + maxDeferMs - now;
  if (left <= 0) return 0;
  let busy: number;
  try {
    busy = await intakeActiveForMs(redis, prefix);
  } catch {
    return 0;
  }
  return busy === 0 ? 0 : Math.min(busy + WAKE_MARGIN_MS, left);
}
