import { randomBytes } from 'node:crypto';
import { UnauthenticatedError } from '@telerad/core';
import { hashToken } from '@telerad/db';
import type { Runtime } from '@telerad/runtime';

type Redis = Runtime['redis'];

/** How long a ticket may wait before the browser opens the stream with it. */
export const TICKET_TTL_MS = 60_000;

const key = (prefix: string, ticket: string) => `${prefix}:event-ticket:${hashToken(ticket)}`;

/**
 * A browser's EventSource cannot send an Authorization header, and a session token in a URL would
 * end up in logs and history. So the page asks (with its header) for a ticket: random, good for one
 * stream only and for one minute, kept in Redis (any web process may be the one the stream reaches)
 * under its hash, and bound to the caller's token (by its hash), so the stream lives only as long as
 * the sign-in does.
 */
export async function issueEventTicket(
  redis: Redis,
  prefix: string,
  tokenDigest: string,
): Promise<{ ticket: string; expiresAt: string }> {
  const ticket = randomBytes(32).toString('base64url');
  await redis.set(key(prefix, ticket), tokenDigest, 'PX', TICKET_TTL_MS);
  return { ticket, expiresAt: new Date(Date.now() + TICKET_TTL_MS).toISOString() };
}

/** Takes the ticket (once: a second use, or after a minute, is refused): the caller's token hash. */
export async function redeemEventTicket(redis: Redis, prefix: string, ticket: string): Promise<string> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(ticket)) throw new UnauthenticatedError('malformed event ticket');
  const stored = await redis.getdel(key(prefix, ticket));
  if (stored === null) {
    throw new UnauthenticatedError('unknown, used or expired event ticket; ask POST /api/events/ticket for a new one');
  }
  return stored;
}
