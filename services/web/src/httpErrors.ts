import {
  ConflictError,
  ForbiddenError,
  MoreUrgentStudyError,
  NotAcceptableError,
  NotFoundError,
  PayloadTooLargeError,
  TeleradError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@telerad/core';
import type { Logger } from '@telerad/telemetry';
import type { ErrorRequestHandler } from 'express';
import { OriginalMissingError } from './dicomweb/originalMissing.js';
import { asUnrenderable, statusOfImagingError, UnrenderableError } from './dicomweb/renderErrors.js';

export interface HttpError {
  status: number;
  body: { error: { code: string; message: string } };
}

/** The one mapping from errors to HTTP answers; handlers throw, they never build error bodies. */
export function toHttpError(error: unknown): HttpError {
  const make = (status: number, code: string, message: string): HttpError => ({
    status,
    body: { error: { code, message } },
  });
  const unrenderable = asUnrenderable(error);
  if (unrenderable instanceof UnrenderableError) {
    return make(statusOfImagingError(unrenderable.code), unrenderable.code, unrenderable.message);
  }
  if (error instanceof OriginalMissingError) return make(410, 'original-missing', error.message);
  if (error instanceof PayloadTooLargeError) return make(413, 'too-large', error.message);
  if (error instanceof UnsupportedMediaTypeError) return make(415, 'unsupported-media-type', error.message);
  if (error instanceof ValidationError) return make(400, 'invalid', error.message);
  if (error instanceof UnauthenticatedError) return make(401, 'unauthenticated', error.message);
  if (error instanceof ForbiddenError) return make(403, 'forbidden', error.message);
  if (error instanceof NotFoundError) return make(404, 'not-found', error.message);
  if (error instanceof NotAcceptableError) return make(406, 'not-acceptable', error.message);
  if (error instanceof MoreUrgentStudyError) return make(409, 'more-urgent-study', error.message);
  if (error instanceof ConflictError) return make(409, 'conflict', error.message);
  if (error instanceof TeleradError) return make(500, 'internal', error.message);
  // express.json() reports bad bodies as errors with a status and a type.
  if (typeof error === 'object' && error !== null && 'type' in error && 'status' in error) {
    const e = error as { type: unknown; status: unknown; message?: unknown };
    if (e.type === 'entity.parse.failed') {
      return make(400, 'invalid-json', `request body is not valid JSON: ${String(e.message ?? '')}`);
    }
    if (e.type === 'entity.too.large') return make(413, 'too-large', 'request body is too large');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return make(e.status, 'invalid', String(e.message ?? 'bad request'));
    }
  }
  return make(500, 'internal', 'internal error; the event was logged');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const http = toHttpError(error);
    if (http.status >= 500) logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (error instanceof OriginalMissingError) {
      // Ids only: the path names the study, series and instance UIDs, never the patient.
      const { sopInstanceUid, blobKey } = error;
      logger.error({ sopInstanceUid, blobKey, method: req.method, path: req.path }, 'original missing from storage');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(http.status).json(http.body);
  };
}
