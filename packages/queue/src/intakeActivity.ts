import type { Redis } from 'ioredis';

/**
 * Intake comes first. Every stored instance marks intake active for a short quiet period; background
 * work that competes for the same cores (the render job's decoding) waits until intake has been quiet
 * that long. The mark lives in Redis, so it holds across processes and services: an ingest process
 * marks, a previews process on the same machine waits. It carries no data, only its expiry.
 */
export const INTAKE_QUIET_MS = 1000;

const keyOf = (prefix: string) => `${prefix}:intake:active`;

/** Marks intake active for the next `quietMs`. */
export async function markIntakeActive(redis: Redis, prefix: string, quietMs = INTAKE_QUIET_MS): Promise<void> {
  await redis.set(keyOf(prefix), '1', 'PX', quietMs);
}

/** Milliseconds until intake has been quiet for its quiet period; 0 when it already has. */
export async function intakeActiveForMs(redis: Redis, prefix: string): Promise<number> {
  const remaining = await redis.pttl(keyOf(prefix));
  // -2: no mark (quiet); -1: a mark without expiry, which markIntakeActive never writes.
  return Math.max(remaining, 0);
}
