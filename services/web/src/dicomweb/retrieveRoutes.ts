import type { Readable } from 'node:stream';
import { NotAcceptableError } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import {
  explicitVrLittleEndian,
  pixelEncodingOf,
  transcodeToExplicitLittleEndian,
  withNativePixelData,
} from '@telerad/dicom';
import { ImagingError } from '@telerad/imaging';
import type { BlobStore } from '@telerad/storage';
import { type Request, type Response, Router } from 'express';
import { principalOf } from '../auth/authenticate.js';
import { type AcceptedMedia, describeAccept, multipartInnerType, parseAccept } from './acceptHeader.js';
import type { FrameDecoder } from './frameRoutes.js';
import { closing, entityTag, notModified, partHead, partTail, writeChunk } from './multipartBody.js';
import { readOriginal, streamOriginal } from './originalMissing.js';
import { type InstanceRow, selectInstances, type WadoTarget } from './selectInstances.js';

/** How the instances go out: as stored, or rewritten as Explicit VR Little Endian. */
interface RetrievePlan {
  transcode: boolean;
}

/**
 * WADO-RS retrieve of a study, series or instance (PS3.18 §10.4) as `multipart/related;
 * type="application/dicom"`, streamed from object storage in the original transfer syntax, or in
 * Explicit VR Little Endian when the Accept header asks for `transfer-syntax=1.2.840.10008.1.2.1`:
 * native and deflated data rewritten by dcmjs, compressed data decoded frame by frame in the imaging
 * workers (406 without a decoder). Content-Length and a strong ETag come from the index when nothing
 * is rewritten.
 */
export function retrieveRoutes(deps: { db: DbHandle; store: BlobStore; frameDecoder?: FrameDecoder }): Router {
  const router = Router();
  const retrieve = async (req: Request, res: Response) => {
    const { study, series, instance } = req.params as Record<string, string>;
    const target: WadoTarget = { study: study as string };
    if (series !== undefined) target.series = series;
    if (instance !== undefined) target.instance = instance;
    const { instances } = await selectInstances(deps.db, principalOf(res), target);
    const plan = planRetrieve(parseAccept(req.get('accept')), instances, deps.frameDecoder !== undefined);
    const rewritten = (row: InstanceRow) => plan.transcode && row.transfer_syntax_uid !== explicitVrLittleEndian;
    const partBody = (row: InstanceRow): Promise<Uint8Array | Readable> =>
      rewritten(row) ? explicitLittleEndian(deps, row) : streamOriginal(deps.store, row.blob_key, row.sop_instance_uid);
    const { etag, boundary } = entityTag(
      'retrieve',
      plan.transcode ? explicitVrLittleEndian : '*',
      ...instances.map((i) => i.sha256),
    );
    if (notModified(req, res, etag)) return;
    const partType = (row: InstanceRow) =>
      `application/dicom; transfer-syntax=${rewritten(row) ? explicitVrLittleEndian : row.transfer_syntax_uid}`;
    // The first part is opened before any header is set, so a missing original answers 410, not a cut
    // body; one missing further on can only end the body early.
    const first = req.method === 'HEAD' ? undefined : instances[0];
    let opened: Uint8Array | Readable | undefined = first && (await partBody(first));
    res.status(200).set('Content-Type', `multipart/related; type="application/dicom"; boundary=${boundary}`);
    if (!instances.some(rewritten)) {
      const length = instances.reduce(
        (sum, row) => sum + partHead(boundary, partType(row)).length + row.size + partTail.length,
        closing(boundary).length,
      );
      res.set('Content-Length', String(length));
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    for (const row of instances) {
      const body = opened ?? (await partBody(row));
      opened = undefined;
      if (body instanceof Uint8Array) {
        if (!(await writeChunk(res, partHead(boundary, partType(row))))) return;
        if (!(await writeChunk(res, body))) return;
      } else {
        try {
          if (!(await writeChunk(res, partHead(boundary, partType(row))))) return;
          for await (const chunk of body) if (!(await writeChunk(res, chunk as Buffer))) return;
        } finally {
          body.destroy();
        }
      }
      if (!(await writeChunk(res, partTail))) return;
    }
    res.end(closing(boundary));
  };
  router.get('/studies/:study', retrieve);
  router.get('/studies/:study/series/:series', retrieve);
  router.get('/studies/:study/series/:series/instances/:instance', retrieve);
  return router;
}

/** The first acceptable media range, in the client's order of preference, decides; else 406 with why. */
function planRetrieve(
  accepted: readonly AcceptedMedia[],
  instances: readonly InstanceRow[],
  canDecode: boolean,
): RetrievePlan {
  const reasons: string[] = [];
  for (const media of accepted) {
    const inner = multipartInnerType(media, 'application/dicom');
    if (inner === null || (inner !== 'application/dicom' && inner !== '*/*' && inner !== 'application/*')) {
      reasons.push(
        `${inner ?? media.type} is not served here: instances go out as multipart/related; type="application/dicom"`,
      );
      continue;
    }
    const syntax = media.params['transfer-syntax'];
    if (syntax === undefined || syntax === '*') return { transcode: false };
    if (instances.every((i) => i.transfer_syntax_uid === syntax)) return { transcode: false };
    if (syntax === explicitVrLittleEndian) {
      const compressed = instances.filter((i) => pixelEncodingOf(i.transfer_syntax_uid) !== 'native');
      if (compressed.length === 0 || canDecode) return { transcode: true };
      const syntaxes = [...new Set(compressed.map((i) => i.transfer_syntax_uid))].join(', ');
      reasons.push(
        `${compressed.length} instance(s) hold compressed pixel data (${syntaxes}), and decoding is not available here; ask for transfer-syntax=*`,
      );
      continue;
    }
    reasons.push(
      `transfer syntax ${syntax} cannot be produced: telerad serves the original transfer syntax (transfer-syntax=*) or ${explicitVrLittleEndian} for uncompressed data`,
    );
  }
  throw new NotAcceptableError(
    `none of the accepted media can be produced (${describeAccept(accepted)}): ${reasons.join('; ')}`,
  );
}

/**
 * One instance as Explicit VR Little Endian: native data rewritten, compressed data decoded. A frame
 * the decoder refuses ends the answer (its headers are out): the client sees a cut multipart body.
 */
async function explicitLittleEndian(
  deps: { store: BlobStore; frameDecoder?: FrameDecoder },
  row: InstanceRow,
): Promise<Uint8Array> {
  const bytes = await readOriginal(deps.store, row.blob_key, row.sop_instance_uid);
  if (pixelEncodingOf(row.transfer_syntax_uid) === 'native' || deps.frameDecoder === undefined) {
    return transcodeToExplicitLittleEndian(bytes);
  }
  const decoder = deps.frameDecoder;
  const frames = [];
  try {
    for (let n = 1; n <= row.number_of_frames; n++) frames.push(await decoder.decodeFrame(bytes, n));
  } catch (error) {
    if (error instanceof ImagingError) {
      throw new NotAcceptableError(`instance ${row.sop_instance_uid} cannot be decoded: ${error.message}`);
    }
    throw error;
  }
  const [first] = frames;
  if (first === undefined) return transcodeToExplicitLittleEndian(bytes);
  return withNativePixelData(bytes, {
    frames: frames.map((f) => f.pixels),
    bitsAllocated: first.bitsAllocated,
    photometricInterpretation: first.photometricInterpretation,
    planarConfiguration: first.planarConfiguration,
    samplesPerPixel: first.samplesPerPixel,
  });
}
