import type { RequestHandler } from 'express';

const ALLOWED_HEADERS = 'Authorization, Accept, Content-Type, If-None-Match, Range';
const EXPOSED_HEADERS = 'ETag, Warning, Content-Length, Content-Type, Content-Location';

/**
 * CORS for DICOMweb, so a viewer served from another origin (OHIF on its own host) can call telerad
 * from the browser with its bearer token. Only the configured origins get CORS headers; a preflight
 * is answered here, before authentication, since browsers send it without the token.
 */
export function corsForViewers(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin === undefined || !(any || allowed.has(origin))) {
      next();
      return;
    }
    res.set('Access-Control-Allow-Origin', any ? '*' : origin);
    if (!any) res.vary('Origin');
    res.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined) {
      res.set('Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS');
      res.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
