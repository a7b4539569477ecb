import { UnauthenticatedError } from '@telerad/core';
import type { Runtime } from '@telerad/runtime';
import { Router } from 'express';
import { z } from 'zod';
import { bearerDigest, principalOfDigest } from '../auth/authenticate.js';
import { parseBody } from '../parseBody.js';
import { eventFor } from './eventFilter.js';
import { issueEventTicket, redeemEventTicket } from './eventTickets.js';
import type { StudyEventHub } from './studyEventHub.js';

type Deps = Pick<Runtime, 'db' | 'redis' | 'config' | 'logger' | 'metrics'>;

const streamQuery = z.object({ ticket: z.string().min(1).max(200).optional() });

/** A comment line every so often keeps proxies and the browser from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** How often an open stream checks that its sign-in still holds (signed out, expired, token removed). */
export const RECHECK_MS = 60_000;

/**
 * GET /api/events — server-sent events for the caller: one `study` event per change of a study they
 * may see (ids only; the page reloads what it shows). Authenticated by `Authorization: Bearer` or, for
 * a browser's EventSource, `?ticket=` from POST /api/events/ticket. After a reconnect the client
 * reloads its lists: events missed while disconnected are not replayed.
 */
export function eventStreamRoute(
  deps: Deps,
  hub: StudyEventHub,
  options: { heartbeatMs?: number; recheckMs?: number } = {},
): Router {
  const router = Router();
  router.get('/events', async (req, res) => {
    const { ticket } = parseBody(streamQuery, req.query, 'query');
    if (ticket === undefined && req.headers.authorization === undefined) {
      throw new UnauthenticatedError('send Authorization: Bearer <token>, or ?ticket= from POST /api/events/ticket');
    }
    const digest =
      ticket !== undefined
        ? await redeemEventTicket(deps.redis, deps.config.queuePrefix, ticket)
        : bearerDigest(req.headers.authorization);
    const principal = await principalOfDigest(deps.db, digest);
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n: connected\n\n');
    const stop = await hub.listen((event) => {
      const message = eventFor(principal, event);
      if (message !== null) res.write(`event: study\ndata: ${JSON.stringify(message)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
    // Signing out (or the session expiring) ends the stream too.
    const recheck = setInterval(() => {
      principalOfDigest(deps.db, digest).catch((error: unknown) => {
        if (error instanceof UnauthenticatedError) res.end();
      });
    }, options.recheckMs ?? RECHECK_MS);
    deps.metrics.eventStreams.inc();
    req.on('close', () => {
      deps.metrics.eventStreams.dec();
      clearInterval(heartbeat);
      clearInterval(recheck);
      stop();
    });
  });
  return router;
}

/** POST /api/events/ticket — a one-use, one-minute ticket to open the stream from a browser. */
export function eventTicketRoute(deps: Deps): Router {
  const router = Router();
  router.post('/events/ticket', async (req, res) => {
    // Behind authenticate(): the header is a valid token.
    res.json(await issueEventTicket(deps.redis, deps.config.queuePrefix, bearerDigest(req.headers.authorization)));
  });
  return router;
}
