import { useEffect, useState } from 'react';

/**
 * The difference between the server's clock and this PC's, learnt from each list's `serverTime`.
 * Countdowns use it so that a township PC whose clock is minutes off still shows the true time left.
 */
let offsetMs = 0;
const listeners = new Set<() => void>();

/** Records a `serverTime` received in an answer to a request sent at `sentAt` (ms, local clock). */
export function learnServerTime(serverTime: string, sentAt: number, receivedAt = Date.now()): void {
  const server = Date.parse(serverTime);
  if (!Number.isFinite(server)) return;
  // The server stamped the answer somewhere in the round trip; the middle is the best guess.
  offsetMs = server - (sentAt + receivedAt) / 2;
  for (const listener of listeners) listener();
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** The server's "now", re-rendering every `intervalMs` (1 s for countdowns). */
export function useServerNow(intervalMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const tick = () => setNow(serverNow());
    const timer = window.setInterval(tick, intervalMs);
    listeners.add(tick);
    return () => {
      window.clearInterval(timer);
      listeners.delete(tick);
    };
  }, [intervalMs]);
  return now;
}
