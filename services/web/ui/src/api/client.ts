import { clearToken, loadToken } from '../auth/session';

/** An error the API reported (`{error: {code, message}}`) or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = this.constructor.name;
    this.status = status;
    this.code = code;
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called whenever the server answers 401: the session is gone and the user must log in again. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function notifyUnauthorized(): void {
  clearToken();
  for (const listener of unauthorizedListeners) listener();
}

export function authHeaders(): Record<string, string> {
  const token = loadToken();
  return token === null ? {} : { Authorization: `Bearer ${token}` };
}

/** Reads `{error: {code, message}}` from a failed response body, falling back to the status line. */
export function errorFromBody(status: number, statusText: string, body: string): ApiError {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const error = (parsed as { error: { code?: unknown; message?: unknown } }).error;
      const code = typeof error.code === 'string' ? error.code : 'error';
      const message = typeof error.message === 'string' ? error.message : `${status} ${statusText}`;
      return new ApiError(status, code, message);
    }
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status line is all there is.
  }
  return new ApiError(status, 'http_error', `${status} ${statusText}`.trim());
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  body?: unknown;
  signal?: AbortSignal;
  /** The login call: its 401 means "wrong password", not "session over". */
  anonymous?: boolean;
}

/** Calls the JSON API with the session token; a 401 ends the session everywhere. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
  }
  const text = await response.text();
  if (!response.ok) {
    const error = errorFromBody(response.status, response.statusText, text);
    if (response.status === 401 && !options.anonymous) notifyUnauthorized();
    throw error;
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
