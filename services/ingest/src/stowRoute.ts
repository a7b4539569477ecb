import {
  isPriority,
  PayloadTooLargeError,
  type Priority,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@telerad/core';
import { DicomParseError } from '@telerad/dicom';
import { type Request, type Response, Router } from 'express';
import { spoolDirOf } from './instanceBytes.js';
import { sendingClinicOfPrincipal } from './sendingClinic.js';
import { type IngestDeps, InstanceRejectedError, noteIntakeActive, storeInstance } from './storeInstance.js';
import {
  buildStowResponse,
  FAILURE_REASON,
  failureReasonForParseError,
  MultipartError,
  parseMultipartRelatedSpooled,
  stowStatus,
} from './stow/index.js';

type Stored = { sopClassUid: string; sopInstanceUid: string; retrieveUrl: string };
type Failed = { sopClassUid?: string; sopInstanceUid?: string; failureReason: number; message: string };

/**
 * STOW-RS (PS3.18 §10.5): POST /studies and POST /studies/{StudyInstanceUID}. Each part is stored and
 * indexed as it arrives; the response lists what was stored and why anything was not.
 */
export function createStowRouter(deps: IngestDeps): Router {
  const router = Router();
  const handler = async (req: Request, res: Response) => {
    const principal = res.locals.principal;
    const clinic = sendingClinicOfPrincipal(principal);
    const priority = parsePriority(req.query.priority);
    const targetStudy = typeof req.params.study === 'string' ? req.params.study : undefined;
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const stored: Stored[] = [];
    const failed: Failed[] = [];
    let index = 0;
    noteIntakeActive(deps);
    await parseStowBody(
      req,
      res,
      () => stored.length,
      req.headers['content-type'] ?? '',
      async (part) => {
        index++;
        if (part.contentType !== 'application/dicom') {
          failed.push({
            failureReason: FAILURE_REASON.cannotUnderstand,
            message: `part ${index} has Content-Type ${part.contentType || '(none)'}; only application/dicom is accepted`,
          });
          deps.metrics.instancesRejected.inc({ channel: 'stow-rs', reason: 'content-type' });
          return;
        }
        try {
          const result = await storeInstance(deps, part.body, {
            clinicId: clinic.clinicId,
            actor: clinic.actor,
            channel: 'stow-rs',
            ...(priority !== undefined ? { priority } : {}),
            ...(targetStudy !== undefined ? { expected: { studyInstanceUid: targetStudy } } : {}),
          });
          stored.push({
            sopClassUid: result.sopClassUid,
            sopInstanceUid: result.sopInstanceUid,
            retrieveUrl: `${base}/studies/${result.studyInstanceUid}/series/${result.seriesInstanceUid}/instances/${result.sopInstanceUid}`,
          });
        } catch (error) {
          failed.push(toFailure(error, index));
          deps.metrics.instancesRejected.inc({ channel: 'stow-rs', reason: failureLabel(error) });
          if (!(error instanceof ValidationError)) {
            deps.logger.error({ err: error, part: index }, 'storing a STOW-RS part failed');
          }
        }
      },
      // Parts past the spool threshold go to <dataDir>/spool as they arrive, never whole in memory.
      { maxPartBytes: deps.config.maxInstanceBytes, spool: { dir: spoolDirOf(deps.config.dataDir) } },
    );
    if (stored.length === 0 && failed.length === 0) {
      throw new ValidationError('the request holds no DICOM part');
    }
    const studyUids = new Set(stored.map((s) => s.retrieveUrl.split('/series/')[0]));
    const retrieveUrl = studyUids.size === 1 ? [...studyUids][0] : undefined;
    res
      .status(stowStatus(stored.length, failed.length))
      .type('application/dicom+json')
      .send(JSON.stringify(buildStowResponse({ ...(retrieveUrl ? { retrieveUrl } : {}), stored, failed })));
  };
  router.post('/studies', handler);
  router.post('/studies/:study', handler);
  return router;
}

/**
 * Runs the multipart parser and turns a body it cannot take into the status PS3.18 names: 415 for a
 * wrong media type, 413 for a part over the limit, 400 for a malformed body. The rest of an
 * unreadable body is not read, so the connection closes after the answer.
 */
async function parseStowBody(
  req: Request,
  res: Response,
  storedSoFar: () => number,
  ...args: Parameters<typeof parseMultipartRelatedSpooled> extends [unknown, ...infer Rest] ? Rest : never
): Promise<void> {
  try {
    await parseMultipartRelatedSpooled(req, ...args);
  } catch (error) {
    if (!(error instanceof MultipartError)) throw error;
    res.set('connection', 'close');
    const stored = storedSoFar();
    const earlier =
      stored === 0 ? '' : `; the ${stored} instance(s) before it were stored, and sending them again is safe`;
    if (error.kind === 'content-type') throw new UnsupportedMediaTypeError(error.message);
    if (error.kind === 'too-large') throw new PayloadTooLargeError(`${error.message}${earlier}`);
    throw new ValidationError(`${error.message}${earlier}`);
  }
}

function parsePriority(value: unknown): Priority | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isPriority(value)) {
    throw new ValidationError(`priority must be emergency, outpatient or inpatient, not "${String(value)}"`);
  }
  return value;
}

function toFailure(error: unknown, index: number): Failed {
  if (error instanceof DicomParseError) {
    return { failureReason: failureReasonForParseError(error.reason), message: `part ${index}: ${error.message}` };
  }
  if (error instanceof InstanceRejectedError) {
    return {
      ...(error.meta ? { sopClassUid: error.meta.sopClassUid, sopInstanceUid: error.meta.sopInstanceUid } : {}),
      failureReason: error.reason === 'invalid' ? FAILURE_REASON.datasetMismatch : FAILURE_REASON.processingFailure,
      message: `part ${index}: ${error.message}`,
    };
  }
  if (error instanceof ValidationError) {
    return { failureReason: FAILURE_REASON.cannotUnderstand, message: `part ${index}: ${error.message}` };
  }
  if (isDataError(error)) {
    // The database refused a value (SQLSTATE class 22): sending the same bytes again cannot help.
    return {
      failureReason: FAILURE_REASON.processingFailure,
      message: `part ${index}: cannot be indexed: ${error.message}`,
    };
  }
  return {
    failureReason: FAILURE_REASON.outOfResources,
    message: `part ${index}: could not be stored now; send it again`,
  };
}

function isDataError(error: unknown): error is Error & { code: string } {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('22');
}

function failureLabel(error: unknown): string {
  if (error instanceof DicomParseError) return error.reason;
  if (error instanceof InstanceRejectedError) return error.reason;
  if (error instanceof ValidationError) return 'invalid';
  return 'internal';
}
