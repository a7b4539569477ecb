import { authHeaders, errorFromBody, notifyUnauthorized } from '../api/client';
import type { Priority } from '../api/types';
import type { StowBody } from './buildStowBody';

export interface StowProgress {
  sent: number;
  total: number;
}

export interface StowHttpResult {
  /** 200 all stored, 202 some failed, 409 all failed. */
  status: number;
  json: unknown;
}

export interface StowRequest {
  promise: Promise<StowHttpResult>;
  abort: () => void;
}

export class UploadAbortedError extends Error {
  constructor() {
    super('upload cancelled');
    this.name = this.constructor.name;
  }
}

/**
 * Sends one STOW-RS request with XMLHttpRequest, because fetch cannot report upload progress and a
 * township link needs minutes for a study. No timeout: a slow link is not a failure.
 */
export function sendStow(body: StowBody, priority: Priority, onProgress: (p: StowProgress) => void): StowRequest {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<StowHttpResult>((resolve, reject) => {
    xhr.open('POST', `/dicomweb/studies?priority=${encodeURIComponent(priority)}`);
    xhr.setRequestHeader('Content-Type', body.contentType);
    xhr.setRequestHeader('Accept', 'application/dicom+json');
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : body.body.size });
    };
    xhr.onload = () => {
      if (xhr.status === 200 || xhr.status === 202 || xhr.status === 409) {
        let json: unknown = null;
        try {
          json = JSON.parse(xhr.responseText);
        } catch {
          // A 409 without a DICOM JSON body still means nothing was stored.
        }
        // A 409 without FailedSOPSequence is a plain API error (e.g. a conflict), not a STOW answer.
        if (xhr.status !== 409 || hasFailedSequence(json)) {
          resolve({ status: xhr.status, json });
          return;
        }
      }
      if (xhr.status === 401) notifyUnauthorized();
      reject(errorFromBody(xhr.status, xhr.statusText, xhr.responseText));
    };
    xhr.onerror = () => reject(errorFromBody(0, 'network error', ''));
    xhr.onabort = () => reject(new UploadAbortedError());
    onProgress({ sent: 0, total: body.body.size });
    xhr.send(body.body);
  });
  return { promise, abort: () => xhr.abort() };
}

function hasFailedSequence(json: unknown): boolean {
  return typeof json === 'object' && json !== null && '00081198' in json;
}
