/** The worklist page sends a heartbeat every 15 s; three missed ones mean the radiologist is gone. */
export const PRESENCE_HEARTBEAT_MS = 15_000;
export const PRESENCE_TIMEOUT_MS = 45_000;

/** Whether a radiologist has the worklist open: a heartbeat within the timeout. */
export function isPresent(lastSeenAt: number | null, now: number, timeoutMs = PRESENCE_TIMEOUT_MS): boolean {
  return lastSeenAt !== null && now - lastSeenAt <= timeoutMs;
}
