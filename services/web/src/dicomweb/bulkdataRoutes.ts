import { NotAcceptableError, NotFoundError, ValidationError } from '@telerad/core';
import { valueAt } from '@telerad/dicom';
import { Router } from 'express';
import { describeAccept, multipartInnerType, parseAccept } from './acceptHeader.js';
import { type FrameDeps, oneInstance, sendFrames } from './frameRoutes.js';
import { entityTag, multipartBuffer, notModified } from './multipartBody.js';
import { readInstanceHeader } from './readInstanceHeader.js';

const TAG = /^[0-9A-Fa-f]{8}$/;
const INDEX = /^\d{1,6}$/;

/**
 * WADO-RS bulkdata (PS3.18 §10.4.1.1.5): the values the metadata gave BulkDataURIs for. The path is
 * tags and item indexes alternating (`/bulkdata/00540016/0/00181072`). Pixel Data goes out as all
 * its frames (see frameRoutes); any other value as one application/octet-stream part, read from the
 * header only.
 */
export function bulkdataRoutes(deps: FrameDeps): Router {
  const router = Router();
  router.get('/studies/:study/series/:series/instances/:instance/bulkdata/*path', async (req, res) => {
    const raw = (req.params as { path?: string[] | string }).path ?? [];
    const path = (Array.isArray(raw) ? raw : raw.split('/')).filter((part) => part !== '');
    const valid = path.length % 2 === 1 && path.every((part, i) => (i % 2 === 0 ? TAG : INDEX).test(part));
    if (!valid) {
      throw new ValidationError(
        `bulkdata path "${path.join('/')}" is not tags and item indexes alternating (e.g. 7FE00010 or 00540016/0/00181072)`,
      );
    }
    const row = await oneInstance(deps, req, res);
    if (path.length === 1 && path[0]?.toUpperCase() === '7FE00010') {
      await sendFrames(
        deps,
        req,
        res,
        row,
        Array.from({ length: row.number_of_frames }, (_, i) => i + 1),
      );
      return;
    }
    const accepted = parseAccept(req.get('accept'));
    const acceptable = accepted.some((m) => {
      const inner = multipartInnerType(m, 'application/octet-stream');
      return inner === 'application/octet-stream' || inner === '*/*';
    });
    if (!acceptable) {
      throw new NotAcceptableError(
        `bulk data goes out as multipart/related; type="application/octet-stream", which the Accept header (${describeAccept(accepted)}) does not allow`,
      );
    }
    const { etag, boundary } = entityTag('bulkdata', row.sha256, path.join('/'));
    if (notModified(req, res, etag)) return;
    const { dataSet } = await readInstanceHeader(deps.store, row.blob_key, row.size, row.sop_instance_uid);
    const value = valueAt(dataSet, path);
    if (value === null) throw new NotFoundError(`the instance has no value at ${path.join('/')}`);
    const body = multipartBuffer(boundary, [{ contentType: 'application/octet-stream', body: value }]);
    res
      .status(200)
      .set('Content-Type', `multipart/related; type="application/octet-stream"; boundary=${boundary}`)
      .set('Content-Length', String(body.length))
      .end(body);
  });
  return router;
}
