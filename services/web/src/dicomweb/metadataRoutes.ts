import { NotAcceptableError } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { type DicomJsonObject, toDicomJson } from '@telerad/dicom';
import type { BlobStore } from '@telerad/storage';
import { type Request, type Response, Router } from 'express';
import { principalOf } from '../auth/authenticate.js';
import { describeAccept, parseAccept } from './acceptHeader.js';
import { dicomwebBase } from './dicomwebBase.js';
import { entityTag, notModified } from './multipartBody.js';
import { readInstanceHeader } from './readInstanceHeader.js';
import { type InstanceRow, selectInstances, type WadoTarget } from './selectInstances.js';

const JSON_TYPES = new Set(['application/dicom+json', 'application/json', 'application/*', '*/*']);
/** Headers read at once for a study's metadata: object storage answers in parallel, memory stays small. */
const PARALLEL_READS = 4;

/**
 * WADO-RS metadata (PS3.18 §10.4.1.1.2) of a study, series or instance as application/dicom+json:
 * each instance's header, read from the start of its object only, with BulkDataURIs for Pixel Data
 * and binary values over 1 KiB.
 */
export function metadataRoutes(deps: { db: DbHandle; store: BlobStore }): Router {
  const router = Router();
  const metadata = async (req: Request, res: Response) => {
    const accepted = parseAccept(req.get('accept'));
    if (!accepted.some((m) => JSON_TYPES.has(m.type))) {
      throw new NotAcceptableError(
        `metadata is served as application/dicom+json, which the Accept header (${describeAccept(accepted)}) does not allow`,
      );
    }
    const { study, series, instance } = req.params as Record<string, string>;
    const target: WadoTarget = { study: study as string };
    if (series !== undefined) target.series = series;
    if (instance !== undefined) target.instance = instance;
    const { instances, defaultCharset } = await selectInstances(deps.db, principalOf(res), target);
    const base = dicomwebBase(req);
    const { etag } = entityTag('metadata', base, ...instances.map((i) => i.sha256));
    if (notModified(req, res, etag)) return;
    const one = async (row: InstanceRow): Promise<DicomJsonObject> => {
      const url = `${base}/studies/${row.study_instance_uid}/series/${row.series_instance_uid}/instances/${row.sop_instance_uid}`;
      const read = await readInstanceHeader(deps.store, row.blob_key, row.size, row.sop_instance_uid);
      const json = toDicomJson(read, {
        bulkDataUri: (path) => `${url}/bulkdata/${path.join('/')}`,
        ...(defaultCharset === undefined ? {} : { defaultCharset }),
      });
      // Which transfer syntax the stored instance is in, as QIDO-RS says too.
      json['00083002'] = { vr: 'UI', Value: [row.transfer_syntax_uid] };
      return Object.fromEntries(Object.entries(json).sort(([a], [b]) => a.localeCompare(b)));
    };
    const results: DicomJsonObject[] = new Array(instances.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_READS, instances.length) }, async () => {
        while (next < instances.length) {
          const index = next++;
          results[index] = await one(instances[index] as InstanceRow);
        }
      }),
    );
    res.type('application/dicom+json').send(JSON.stringify(results));
  };
  router.get('/studies/:study/metadata', metadata);
  router.get('/studies/:study/series/:series/metadata', metadata);
  router.get('/studies/:study/series/:series/instances/:instance/metadata', metadata);
  return router;
}
