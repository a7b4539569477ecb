/** An answer of the JSON API: its status and parsed body (null when empty). */
export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the endpoint answers
  json: any;
}

/**
 * Calls telerad's JSON API at `baseUrl` as a test would: `token` becomes the bearer, a string body
 * is sent as JSON.
 */
export function apiClient(baseUrl: () => string) {
  const api = async (p: string, init: RequestInit & { token?: string } = {}): Promise<ApiAnswer> => {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    const response = await fetch(`${baseUrl()}${p}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : JSON.parse(text) };
  };
  return api;
}
