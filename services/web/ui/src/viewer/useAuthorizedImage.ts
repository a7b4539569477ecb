import { useEffect, useRef, useState } from 'react';
import { type ApiError, authHeaders, errorFromBody, notifyUnauthorized } from '../api/client';

export interface AuthorizedImage {
  /** An object URL of the last image that arrived; kept while a newer one loads, so nothing flickers. */
  src: string | null;
  /** Why the last request failed (the server's reason code and message), or null. */
  error: ApiError | null;
  loading: boolean;
  /** Response headers of the image shown. */
  headers: Headers | null;
}

async function fetchImage(url: string, signal: AbortSignal): Promise<{ blob: Blob; headers: Headers }> {
  const response = await fetch(url, { headers: { Accept: 'image/jpeg', ...authHeaders() }, signal });
  if (!response.ok) {
    if (response.status === 401) notifyUnauthorized();
    throw errorFromBody(response.status, response.statusText, await response.text());
  }
  return { blob: await response.blob(), headers: response.headers };
}

/**
 * An image from a DICOMweb URL that needs the session's Authorization header (an <img src> cannot
 * send one). One request at a time: while one is in flight, only the newest URL asked for is
 * fetched next, so a window drag re-renders as fast as the server answers and never queues up.
 */
export function useAuthorizedImage(url: string | null): AuthorizedImage {
  const [state, setState] = useState<AuthorizedImage>({ src: null, error: null, loading: url !== null, headers: null });
  const busy = useRef(false);
  const wanted = useRef<string | null>(url);
  const shown = useRef<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    wanted.current = url;
    if (url === null || busy.current) return;
    const run = async (next: string) => {
      busy.current = true;
      setState((s) => ({ ...s, loading: true }));
      const abort = new AbortController();
      controller.current = abort;
      try {
        const { blob, headers } = await fetchImage(next, abort.signal);
        const objectUrl = URL.createObjectURL(blob);
        if (shown.current !== null) URL.revokeObjectURL(shown.current);
        shown.current = objectUrl;
        setState({ src: objectUrl, error: null, loading: false, headers });
      } catch (error) {
        if (abort.signal.aborted) return;
        setState((s) => ({ ...s, error: error as ApiError, loading: false }));
      } finally {
        busy.current = false;
      }
      const latest = wanted.current;
      if (mounted.current && latest !== null && latest !== next) void run(latest);
    };
    void run(url);
  }, [url]);

  useEffect(
    () => () => {
      mounted.current = false;
      controller.current?.abort();
      if (shown.current !== null) URL.revokeObjectURL(shown.current);
    },
    [],
  );
  return state;
}
