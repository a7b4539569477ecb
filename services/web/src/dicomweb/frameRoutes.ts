import { NotAcceptableError, NotFoundError, ValidationError } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { DicomParseError, readFrames } from '@telerad/dicom';
import { ImagingError } from '@telerad/imaging';
import type { BlobStore } from '@telerad/storage';
import { type Request, type Response, Router } from 'express';
import { principalOf } from '../auth/authenticate.js';
import { parseAccept } from './acceptHeader.js';
import { type FramePlan, planFrames } from './framePlan.js';
import { entityTag, multipartBuffer, notModified } from './multipartBody.js';
import { readOriginal } from './originalMissing.js';
import { type InstanceRow, selectInstances } from './selectInstances.js';

/** Decodes one frame (1-based) of a whole instance to native little-endian pixels (@telerad/imaging's pool). */
export interface FrameDecoder {
  decodeFrame(bytes: Uint8Array, frame: number): Promise<NativeFrame>;
}

export interface NativeFrame {
  pixels: Uint8Array;
  bitsAllocated: number;
  photometricInterpretation: string;
  planarConfiguration: number;
  samplesPerPixel: number;
}

export interface FrameDeps {
  db: DbHandle;
  store: BlobStore;
  /** Without one, compressed frames are served only as stored. */
  frameDecoder?: FrameDecoder;
}

const MAX_FRAMES_PER_REQUEST = 10_000;

/**
 * WADO-RS frames (PS3.18 §10.4.1.1.4): `/frames/1,3` as multipart/related, one part per frame in the
 * order asked. Native pixel data as application/octet-stream; compressed data as stored (image/jls,
 * image/jp2, image/jpeg…) or decoded, as the Accept header allows (see planFrames).
 */
export function frameRoutes(deps: FrameDeps): Router {
  const router = Router();
  router.get('/studies/:study/series/:series/instances/:instance/frames/:frames', async (req, res) => {
    const numbers = parseFrameList(String(req.params.frames));
    const row = await oneInstance(deps, req, res);
    const missing = numbers.find((n) => n > row.number_of_frames);
    if (missing !== undefined) {
      throw new NotFoundError(`frame ${missing} does not exist: the instance has ${row.number_of_frames} frame(s)`);
    }
    await sendFrames(deps, req, res, row, numbers);
  });
  return router;
}

/** The one instance a frames or bulkdata path names. */
export async function oneInstance(deps: FrameDeps, req: Request, res: Response): Promise<InstanceRow> {
  const { study, series, instance } = req.params as Record<string, string>;
  const { instances } = await selectInstances(deps.db, principalOf(res), {
    study: study as string,
    series: series as string,
    instance: instance as string,
  });
  return instances[0] as InstanceRow;
}

/** Frames `numbers` of `row` as the Accept header allows. */
export async function sendFrames(
  deps: FrameDeps,
  req: Request,
  res: Response,
  row: InstanceRow,
  numbers: readonly number[],
): Promise<void> {
  const plan = planFrames(parseAccept(req.get('accept')), row.transfer_syntax_uid, deps.frameDecoder !== undefined);
  const { etag, boundary } = entityTag('frames', plan.kind, row.sha256, numbers.join(','));
  if (notModified(req, res, etag)) return;
  const bytes = await readOriginal(deps.store, row.blob_key, row.sop_instance_uid);
  const frames = await frameBytes(deps, plan, bytes, numbers);
  const body = multipartBuffer(
    boundary,
    frames.map((frame) => ({ contentType: plan.partType, body: frame })),
  );
  res
    .status(200)
    .set('Content-Type', `multipart/related; type="${plan.innerType}"; boundary=${boundary}`)
    .set('Content-Length', String(body.length))
    .end(body);
}

async function frameBytes(deps: FrameDeps, plan: FramePlan, bytes: Buffer, numbers: readonly number[]) {
  try {
    if (plan.kind === 'decode' && deps.frameDecoder !== undefined) {
      const decoder = deps.frameDecoder;
      const frames: Uint8Array[] = [];
      for (const n of numbers) frames.push((await decoder.decodeFrame(bytes, n)).pixels);
      return frames;
    }
    return readFrames(bytes, numbers).frames;
  } catch (error) {
    if (error instanceof DicomParseError || error instanceof RangeError || error instanceof ImagingError) {
      throw new NotAcceptableError(`the stored pixel data cannot be served as frames: ${error.message}`);
    }
    throw error;
  }
}

/** `1`, `1,3,5`: frame numbers from 1, as PS3.18 writes them; anything else is a 400 naming the list. */
export function parseFrameList(list: string): number[] {
  const parts = list.split(',').map((part) => part.trim());
  if (parts.length > MAX_FRAMES_PER_REQUEST || parts.some((part) => !/^[1-9]\d{0,8}$/.test(part))) {
    throw new ValidationError(`frame list "${list}" is not comma-separated frame numbers from 1`);
  }
  return parts.map(Number);
}
