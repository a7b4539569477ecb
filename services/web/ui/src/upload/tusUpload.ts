import { type DetailedError, defaultOptions, type HttpResponse, Upload } from 'tus-js-client';
import { authHeaders, notifyUnauthorized } from '../api/client';
import type { Priority } from '../api/types';

/** The server's answer for a stored file (POST /api/uploads, see @telerad/ingest createTusRouter). */
export interface UploadStored {
  studyId: string;
  studyInstanceUid: string;
  sopInstanceUid: string;
  duplicate: boolean;
}

export interface UploadRefusal {
  code: string;
  message: string;
}

export type UploadOutcome =
  | { kind: 'stored'; result: UploadStored }
  | { kind: 'refused'; error: UploadRefusal }
  | { kind: 'unauthorized' }
  | { kind: 'cancelled' };

export type UploadEvent =
  | { type: 'progress'; sent: number; total: number }
  /** The server already held this much of the file: sending goes on from there. */
  | { type: 'resumed'; offset: number }
  /** The link is down; sending resumes by itself when it returns. */
  | { type: 'offline' }
  | { type: 'online' };

const ENDPOINT_PATH = '/api/uploads';
/** About 10 s a chunk at 2 Mbit/s: a cut link loses at most that much. */
export const CHUNK_SIZE = 2 * 1024 * 1024;
export const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000];
/** After tus-js-client's own retries: wait this long (or for the browser to come online) and go on. */
const RETRY_FOREVER_MS = 30_000;
/** The server drops unfinished uploads after a day; so does the browser's memory of them. */
const FORGET_AFTER_MS = 24 * 3600_000;

/**
 * Sends one file with the tus protocol, 2 MB a request, and keeps at it on a weak link: a request cut
 * off is retried after the delays above, and when those run out (or the browser says it is offline)
 * it waits for the link to return and goes on from the server's offset, until the file is stored,
 * refused, or the user cancels. The upload URL is remembered in localStorage under the file's SHA-256
 * (tus-js-client's URL storage), so choosing the same file again after a page reload resumes it.
 */
export function uploadFile(
  file: File,
  options: { sha256: string; priority: Priority; signal: AbortSignal; onEvent: (event: UploadEvent) => void },
): Promise<UploadOutcome> {
  const { sha256, priority, signal, onEvent } = options;
  return new Promise<UploadOutcome>((resolve) => {
    let settled = false;
    let wakeUp: (() => void) | null = null;
    const finish = (outcome: UploadOutcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => {
      void upload.abort(false);
      wakeUp?.();
      finish({ kind: 'cancelled' });
    };

    const upload = new Upload(file, {
      endpoint: new URL(ENDPOINT_PATH, window.location.origin).href,
      chunkSize: CHUNK_SIZE,
      retryDelays: RETRY_DELAYS,
      metadata: { filename: file.name, priority, sha256 },
      // The same bytes at the same priority are the same upload, whatever the file is called now.
      fingerprint: async () => `telerad:${sha256}:${file.size}:${priority}`,
      removeFingerprintOnSuccess: true,
      onBeforeRequest(req) {
        for (const [name, value] of Object.entries(authHeaders())) req.setHeader(name, value);
      },
      onAfterResponse(req, res) {
        if (req.getMethod() === 'HEAD' && res.getStatus() === 200) {
          const offset = Number(res.getHeader('Upload-Offset'));
          if (offset > 0) onEvent({ type: 'resumed', offset });
        }
      },
      onProgress: (sent, total) => onEvent({ type: 'progress', sent, total }),
      onShouldRetry(error) {
        // Offline: tus-js-client's delays would only burn; wait for the 'online' event instead.
        if (!navigator.onLine) return false;
        const retry = isPassing(statusOf(error));
        if (retry) onEvent({ type: 'offline' });
        return retry;
      },
      onSuccess({ lastResponse }) {
        const result = resultOf(lastResponse);
        finish(
          result
            ? { kind: 'stored', result }
            : { kind: 'refused', error: { code: 'no-result', message: 'the server did not say what it stored' } },
        );
      },
      onError(error) {
        if (settled) return;
        const status = statusOf(error);
        if (status === 401) {
          notifyUnauthorized();
          finish({ kind: 'unauthorized' });
          return;
        }
        if (!('originalRequest' in error)) {
          // Not an HTTP failure: the browser could not read the file (moved, deleted, unplugged).
          finish({ kind: 'refused', error: { code: 'read-error', message: error.message } });
          return;
        }
        if (!isPassing(status)) {
          void forgetStoredUploads(upload);
          finish({ kind: 'refused', error: refusalOf(error as DetailedError, status) });
          return;
        }
        onEvent({ type: 'offline' });
        void waitForLink(RETRY_FOREVER_MS, (wake) => {
          wakeUp = wake;
        }).then(() => {
          wakeUp = null;
          if (settled) return;
          onEvent({ type: 'online' });
          upload.start();
        });
      },
    });

    signal.addEventListener('abort', onAbort);
    void (async () => {
      try {
        const previous = (await upload.findPreviousUploads())
          .filter((p) => p.size === file.size && p.uploadUrl)
          .sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime));
        if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
      } catch {
        // No usable storage (private mode): a fresh upload.
      }
      if (!settled) upload.start();
    })();
  });
}

/** Drops what the browser remembers of uploads the server has forgotten by now. */
export async function forgetExpiredUploads(now = Date.now()): Promise<void> {
  try {
    const storage = defaultOptions.urlStorage;
    for (const entry of await storage.findAllUploads()) {
      const created = Date.parse(entry.creationTime);
      if (Number.isNaN(created) || now - created > FORGET_AFTER_MS) await storage.removeUpload(entry.urlStorageKey);
    }
  } catch {
    // Storage unavailable: nothing is remembered.
  }
}

async function forgetStoredUploads(upload: Upload): Promise<void> {
  try {
    for (const p of await upload.findPreviousUploads()) await defaultOptions.urlStorage.removeUpload(p.urlStorageKey);
  } catch {
    // Nothing to forget.
  }
}

function statusOf(error: Error): number {
  const response = (error as Partial<DetailedError>).originalResponse;
  return response ? response.getStatus() : 0;
}

/** No answer, a server error, or tus's "try again" answers (409 wrong offset, 423 locked). */
function isPassing(status: number): boolean {
  return status === 0 || status >= 500 || status === 409 || status === 423;
}

function resultOf(response: HttpResponse): UploadStored | null {
  const parse = (text: string | undefined): UploadStored | null => {
    if (!text) return null;
    try {
      const value = JSON.parse(text) as Partial<UploadStored>;
      return typeof value.studyId === 'string' ? (value as UploadStored) : null;
    } catch {
      return null;
    }
  };
  const header = response.getHeader('Upload-Result');
  return parse(response.getBody()) ?? parse(header ? decodeURIComponent(header) : undefined);
}

function refusalOf(error: DetailedError, status: number): UploadRefusal {
  const body = error.originalResponse?.getBody() ?? '';
  try {
    const parsed = JSON.parse(body) as { error?: Partial<UploadRefusal> };
    if (parsed.error && typeof parsed.error.code === 'string') {
      return { code: parsed.error.code, message: parsed.error.message ?? '' };
    }
  } catch {
    // A proxy's page or an empty body: the status is all there is.
  }
  return { code: status === 413 ? 'too-large' : 'unknown', message: `${status} ${body.trim()}`.trim() };
}

/** Resolves when the browser comes back online, or after `ms` when it thinks it is (the link may still be down). */
function waitForLink(ms: number, onWakeUp: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      window.removeEventListener('online', done);
      clearTimeout(timer);
      resolve();
    };
    window.addEventListener('online', done);
    // Offline, the 'online' event is the signal; the timer only guards against a missed one.
    const timer = setTimeout(done, navigator.onLine ? ms : 2 * ms);
    onWakeUp(done);
  });
}
