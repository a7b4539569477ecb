import { beginInteractive } from '@telerad/runtime';
import type { RequestHandler } from 'express';

/**
 * Requests a person or a clinic system waits on count as interactive (see loopPriority in
 * @telerad/runtime): while one is in flight on a busy event loop, uploads yield to it. Uploads
 * themselves (STOW-RS, the browser's resumable uploads) are not interactive, nor is the live event
 * stream, which stays open for hours.
 */
export function interactivePriority(): RequestHandler {
  return (req, res, next) => {
    if (!isInteractive(req.method, req.path)) {
      next();
      return;
    }
    const end = beginInteractive();
    res.once('close', end);
    next();
  };
}

function isInteractive(method: string, path: string): boolean {
  if (path === '/api/events' || path.startsWith('/api/uploads')) return false;
  // STOW-RS: POST /dicomweb/studies[/{study}].
  if (method === 'POST' && path.startsWith('/dicomweb/studies')) return false;
  return path.startsWith('/api/') || path.startsWith('/dicomweb/');
}
