import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ForbiddenError } from '@telerad/core';
import { FileStore } from '@tus/file-store';
import { EVENTS, Server, type Upload } from '@tus/server';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { sendingClinicOfPrincipal } from '../sendingClinic.js';
import type { IngestDeps } from '../storeInstance.js';
import { encodeResultHeader, FinishedUploads, RESULT_HEADER } from './finishedUploads.js';
import { type FinishOutcome, finishUpload, type UploadStored } from './finishUpload.js';
import { sweepExpiredUploads, UPLOAD_EXPIRY_MS } from './sweepExpiredUploads.js';
import { CLINIC_KEY, parseClientMetadata, tusError } from './uploadMetadata.js';

/** Where the router is mounted; Location headers are relative URLs under it. */
export const UPLOADS_PATH = '/api/uploads';

const TUS_VERSION = '1.0.0';
/** @tus/server names uploads with 16 random bytes in hex; nothing else is an upload id. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const SWEEP_EVERY_MS = 3600_000;

type Caller = { clinicId: string; actor: string };

/**
 * Resumable browser upload, the tus 1.0 protocol (creation, termination, expiration) at
 * `/api/uploads`, on @tus/file-store in `uploadDir`. Mount it after authentication: only a clinic
 * token or the clinic's radiographer may upload, and an upload can only be continued, read or
 * deleted by the clinic that created it.
 *
 * Metadata at creation: `sha256` (required, hex of the whole file), `priority`, `filename`. When the
 * last byte arrives the file is hashed and compared, then stored like a STOW-RS instance (channel
 * `upload`), and the final PATCH is answered with 200 and `{studyId, studyInstanceUid,
 * sopInstanceUid, duplicate}` (also in the `Upload-Result` header, URL-encoded JSON), or with a 4xx
 * and `{error: {code, message}}`. Incomplete uploads expire after 24 h.
 */
export function createTusRouter(deps: IngestDeps, options: { uploadDir: string }): Router {
  const uploadDir = options.uploadDir;
  mkdirSync(uploadDir, { recursive: true });
  const datastore = new FileStore({ directory: uploadDir, expirationPeriodInMilliseconds: UPLOAD_EXPIRY_MS });
  const finished = new FinishedUploads(uploadDir);
  /** Who sent each request being handled, for the tus hooks (which see a web Request). */
  const callers = new WeakMap<object, Caller>();
  /** Uploads being stored right now: one finishing per upload, and HEAD waits for it. */
  const finishing = new Map<string, Promise<FinishOutcome>>();

  const callerOf = (req: { runtime?: { node?: { req: object } } }): Caller => {
    const node = req.runtime?.node?.req;
    const caller = node === undefined ? undefined : callers.get(node);
    if (caller === undefined) throw tusError(500, 'internal', 'upload request without a caller');
    return caller;
  };

  /** Uploads to remove once their creating POST has answered (it reads the upload after the hook). */
  const removeAfterAnswer = new Set<string>();

  /**
   * Stores a complete upload once, however many requests ask; the upload file goes unless storing
   * failed (right away, or after the answer when `later`).
   */
  const finishOnce = (id: string, metadata: Upload['metadata'], size: number, caller: Caller, later = false) => {
    const running = finishing.get(id);
    if (running !== undefined) return running;
    const run = (async (): Promise<FinishOutcome> => {
      // Another request may have finished it a moment ago.
      const done = await finished.get(id);
      if (done !== undefined) return { kind: 'stored', status: 200, body: done.result };
      const outcome = await finishUpload(deps, {
        filePath: path.join(uploadDir, id),
        metadata,
        clinicId: caller.clinicId,
        actor: caller.actor,
      });
      if (outcome.kind === 'stored') {
        await finished.set(id, {
          clinicId: caller.clinicId,
          size,
          result: outcome.body,
          finishedAt: new Date().toISOString(),
        });
      }
      if (outcome.kind !== 'failed') {
        if (later) removeAfterAnswer.add(id);
        else await datastore.remove(id).catch(() => undefined);
      }
      return outcome;
    })().finally(() => finishing.delete(id));
    finishing.set(id, run);
    return run;
  };

  const tus = new Server({
    path: UPLOADS_PATH,
    datastore,
    maxSize: deps.config.maxInstanceBytes,
    relativeLocation: true,
    respectForwardedHeaders: false,
    // The browser app is served from the same origin: no Access-Control-Allow-Origin at all.
    allowedOrigins: [],
    async onUploadCreate(req, upload) {
      const caller = callerOf(req);
      parseClientMetadata(upload.metadata);
      return { metadata: { ...upload.metadata, [CLINIC_KEY]: caller.clinicId } };
    },
    async onUploadFinish(req, upload) {
      const size = upload.size ?? upload.offset;
      const outcome = await finishOnce(upload.id, upload.metadata, size, callerOf(req), req.method === 'POST');
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (outcome.kind === 'stored') headers[RESULT_HEADER] = encodeResultHeader(outcome.body);
      // A whole file in the creating POST (creation-with-upload) must still answer 201 with a Location.
      const status = outcome.kind === 'stored' && req.method === 'POST' ? 201 : outcome.status;
      return { status_code: status, headers, body: JSON.stringify(outcome.body) };
    },
    async onResponseError(_req, error) {
      // Every error as `{error: {code, message}}`, like the rest of the API.
      const status = 'status_code' in error ? error.status_code : 500;
      const body = 'body' in error ? error.body : '';
      if (status >= 500) deps.logger.error({ err: error }, 'tus upload request failed');
      if (body.startsWith('{')) return { status_code: status, body };
      return tusError(status, codeOf(status), body.trim() || 'upload request failed');
    },
  });

  tus.on(EVENTS.POST_FINISH, (_req, _res, upload) => {
    if (removeAfterAnswer.delete(upload.id)) void datastore.remove(upload.id).catch(() => undefined);
  });

  let lastSweep = 0;
  const maybeSweep = () => {
    if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    sweepExpiredUploads(uploadDir, { busy: (id) => finishing.has(id) })
      .then((removed) => {
        if (removed > 0) deps.logger.info({ removed }, 'expired uploads removed');
      })
      .catch((error: unknown) => deps.logger.error({ err: error }, 'expired upload sweep failed'));
  };

  const handOver = (req: Request, res: Response, next: NextFunction) => {
    tus.handle(req, res).catch(next);
  };

  /** Everyone who reaches the uploads must be allowed to send studies; tus hooks find them here. */
  const identify = (req: Request, res: Response, next: NextFunction) => {
    callers.set(req, sendingClinicOfPrincipal(res.locals.principal));
    maybeSweep();
    next();
  };

  /**
   * On an existing upload: only its clinic may touch it. A HEAD on an upload whose bytes are all
   * here answers with the stored result, storing it first when needed (the final PATCH's answer
   * was lost, or storing failed for a passing reason).
   */
  const ownUpload = async (req: Request, res: Response, next: NextFunction) => {
    const id = String(req.params.id);
    const caller = callers.get(req) as Caller;
    if (!UPLOAD_ID.test(id)) {
      next();
      return;
    }
    await finishing.get(id)?.catch(() => undefined);
    const done = await finished.get(id);
    if (done !== undefined) {
      if (done.clinicId !== caller.clinicId) throw new ForbiddenError('this upload belongs to another clinic');
      if (req.method === 'HEAD') {
        answerComplete(res, done.size, done.result);
        return;
      }
      if (req.method === 'DELETE') {
        await finished.delete(id);
        res.set('Tus-Resumable', TUS_VERSION).status(204).end();
        return;
      }
      next();
      return;
    }
    const info = await datastore.configstore.get(id);
    if (info === undefined) {
      next();
      return;
    }
    if (info.metadata?.[CLINIC_KEY] !== caller.clinicId) {
      throw new ForbiddenError('this upload belongs to another clinic');
    }
    if (
      req.method === 'HEAD' &&
      info.size !== undefined &&
      (await sizeOnDisk(path.join(uploadDir, id))) === info.size
    ) {
      const outcome = await finishOnce(id, info.metadata, info.size, caller);
      if (outcome.kind === 'stored') {
        answerComplete(res, info.size, outcome.body);
        return;
      }
      // 423: tus clients retry it later instead of starting over; a refusal starts over and is told why.
      res
        .set('Tus-Resumable', TUS_VERSION)
        .set('Cache-Control', 'no-store')
        .status(outcome.kind === 'failed' ? 423 : outcome.status)
        .json(outcome.body);
      return;
    }
    next();
  };

  const router = Router();
  router.use(identify);
  router.post('/', handOver);
  router.options(['/', '/:id'], handOver);
  router.head('/:id', ownUpload, handOver);
  router.patch('/:id', ownUpload, handOver);
  router.delete('/:id', ownUpload, handOver);
  return router;
}

function answerComplete(res: Response, size: number, result: UploadStored): void {
  res
    .set('Tus-Resumable', TUS_VERSION)
    .set('Cache-Control', 'no-store')
    .set('Upload-Offset', String(size))
    .set('Upload-Length', String(size))
    .set(RESULT_HEADER, encodeResultHeader(result))
    .status(200)
    .end();
}

async function sizeOnDisk(file: string): Promise<number | null> {
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? info.size : null;
}

function codeOf(status: number): string {
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'offset-mismatch';
  if (status === 410) return 'expired';
  if (status === 413) return 'too-large';
  if (status === 423) return 'locked';
  if (status >= 500) return 'internal';
  return 'invalid';
}
