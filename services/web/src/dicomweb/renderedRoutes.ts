import { randomUUID } from 'node:crypto';
import type { Principal } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import type { Metrics } from '@telerad/telemetry';
import { type Request, type Response, Router } from 'express';
import { LRUCache } from 'lru-cache';
import { principalOf } from '../auth/authenticate.js';
import { asUnrenderable, UnrenderableError } from './renderErrors.js';
import { CONTENT_TYPES, parseRenderRequest, type RenderRequest } from './renderParams.js';
import type { RenderAnswer, RenderService } from './renderService.js';
import { findRenderTargets, type RenderTarget, type TargetPath } from './renderTargets.js';

type Params = { study: string; series?: string; instance?: string; frame?: string };

/**
 * WADO-RS rendered and thumbnail resources (PS3.18 §8.3.5, §10.4) for study, series, instance and
 * frame, as image/jpeg, image/png or image/webp by Accept. An instance or frame answers with one
 * image. A study or series answers `rendered` with every instance as multipart/related, and
 * `thumbnail` with one representative image: its first instance that can be shown.
 */
export function renderedRoutes(deps: { db: DbHandle; metrics: Metrics; renderer: () => RenderService }): Router {
  const router = Router();
  const send = (res: Response, image: RenderAnswer, started: number) => {
    const ms = performance.now() - started;
    deps.metrics.renderSeconds.observe({ source: image.source }, ms / 1000);
    const lookup = res.locals.lookupMs as number | undefined;
    res.set(
      'Server-Timing',
      lookup === undefined
        ? `render;dur=${ms.toFixed(1)}`
        : `lookup;dur=${lookup.toFixed(1)}, render;dur=${(ms - lookup).toFixed(1)}`,
    );
    sendImage(res, image);
  };
  const study = '/studies/:study';
  const series = `${study}/series/:series`;
  const instance = `${series}/instances/:instance`;
  const frame = `${instance}/frames/:frame`;

  // One instance's target, per caller, for two seconds: a window drag asks for the same instance many
  // times a second, and the lookup (with its tenancy check) was ~3 ms of a ~20 ms re-window. What can
  // go stale in that time is harmless: previews becoming ready, or a study's reassignment reaching
  // this caller two seconds late.
  const recent = new LRUCache<string, RenderTarget>({ max: 2000, ttl: 2000 });
  const instanceTarget = async (req: Request<Params>, res: Response): Promise<RenderTarget | undefined> => {
    const principal = principalOf(res);
    const key = [callerOf(principal), req.params.study, req.params.series, req.params.instance].join('|');
    const known = recent.get(key);
    if (known !== undefined) return known;
    const [target] = await targetsOf(req, res);
    if (target !== undefined) recent.set(key, target);
    return target;
  };

  const targetsOf = (req: Request<Params>, res: Response): Promise<RenderTarget[]> => {
    const path: TargetPath = { studyUid: req.params.study };
    if (req.params.series !== undefined) path.seriesUid = req.params.series;
    if (req.params.instance !== undefined) path.instanceUid = req.params.instance;
    return findRenderTargets(deps.db, principalOf(res), path);
  };

  const one = (kind: RenderRequest['kind']) => async (req: Request<Params>, res: Response) => {
    const started = performance.now();
    const request = parseRenderRequest(kind, req.query, req.get('accept'), req.params.frame);
    const target = await instanceTarget(req, res);
    if (target === undefined) return; // findRenderTargets answers 404 for an empty list
    // Where a request's time goes (W3C Server-Timing, shown by browsers' developer tools).
    res.locals.lookupMs = performance.now() - started;
    const service = deps.renderer();
    if (kind === 'rendered' && request.window === undefined) {
      // The viewer's first paint: tell it which window that is, so a drag starts from there.
      const [image, window] = await Promise.all([service.render(target, request), service.defaultWindow(target)]);
      if (window !== null) res.set('Telerad-Default-Window', `${round(window.center)},${round(window.width)}`);
      send(res, image, started);
      return;
    }
    send(res, await service.render(target, request), started);
  };

  const representative = async (req: Request<Params>, res: Response) => {
    const started = performance.now();
    const request = parseRenderRequest('thumbnail', req.query, req.get('accept'));
    const targets = await targetsOf(req, res);
    // Stored thumbnails first (instant), then the rest in reading order; the first that renders wins.
    const ordered = [...targets].sort((a, b) => rank(a) - rank(b));
    let firstError: unknown;
    for (const target of ordered) {
      try {
        send(res, await deps.renderer().render(target, request), started);
        return;
      } catch (error) {
        if (!isUnrenderable(error)) throw error;
        firstError ??= error;
      }
    }
    throw firstError;
  };

  const all = async (req: Request<Params>, res: Response) => {
    const request = parseRenderRequest('rendered', req.query, req.get('accept'));
    const targets = await targetsOf(req, res);
    const boundary = randomUUID();
    const parts: Buffer[] = [];
    let firstError: unknown;
    const base = `${req.baseUrl}/studies/${req.params.study}`;
    for (const target of targets) {
      let image: RenderAnswer;
      try {
        image = await deps.renderer().render(target, request);
      } catch (error) {
        // An instance that cannot be shown is left out; the others still answer.
        if (!isUnrenderable(error)) throw error;
        firstError ??= error;
        continue;
      }
      const location = `${base}/series/${target.seriesInstanceUid}/instances/${target.sopInstanceUid}/rendered`;
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Type: ${image.contentType}\r\nContent-Location: ${location}\r\n\r\n`),
        image.data,
        Buffer.from('\r\n'),
      );
    }
    if (parts.length === 0) throw firstError;
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    res.set('Vary', 'Accept');
    res.set('Cache-Control', 'private, max-age=3600');
    res.type(`multipart/related; type="${CONTENT_TYPES[request.format]}"; boundary=${boundary}`);
    res.send(Buffer.concat(parts));
  };

  router.get(`${frame}/rendered`, one('rendered'));
  router.get(`${frame}/thumbnail`, one('thumbnail'));
  router.get(`${instance}/rendered`, one('rendered'));
  router.get(`${instance}/thumbnail`, one('thumbnail'));
  router.get(`${series}/rendered`, all);
  router.get(`${series}/thumbnail`, representative);
  router.get(`${study}/rendered`, all);
  router.get(`${study}/thumbnail`, representative);
  return router;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

const callerOf = (p: Principal) => (p.kind === 'user' ? `user:${p.userId}` : `clinic:${p.clinicId}`);

const rank = (t: RenderTarget) => (t.preview.status === 'ready' ? 0 : t.preview.status === 'pending' ? 1 : 2);

const isUnrenderable = (error: unknown) => asUnrenderable(error) instanceof UnrenderableError;

function sendImage(res: Response, image: RenderAnswer): void {
  res.set('Vary', 'Accept');
  // An instance never changes once stored, so its renderings may be kept; private: they are patient images.
  res.set('Cache-Control', 'private, max-age=3600');
  res.set('Telerad-Render-Source', image.source);
  res.type(image.contentType).send(image.data);
}
