/** One media range of an Accept header, with its parameters (names lower-case, quotes removed). */
export interface AcceptedMedia {
  type: string;
  params: Record<string, string>;
  q: number;
}

/**
 * The media ranges of an Accept header, most preferred first (by q, then in the order written).
 * Quoted parameter values may hold commas and semicolons (`type="application/dicom"`). An absent
 * header accepts anything.
 */
export function parseAccept(header: string | undefined): AcceptedMedia[] {
  if (header === undefined || header.trim() === '') return [{ type: '*/*', params: {}, q: 1 }];
  const ranges = splitOutsideQuotes(header, ',')
    .map((range) => range.trim())
    .filter((range) => range !== '');
  const parsed = ranges.map((range, index) => {
    const [type = '', ...rest] = splitOutsideQuotes(range, ';').map((part) => part.trim());
    const params: Record<string, string> = {};
    for (const param of rest) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const name = param.slice(0, eq).trim().toLowerCase();
      params[name] = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
    }
    const q = params.q === undefined ? 1 : Number(params.q);
    delete params.q;
    return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0, index };
  });
  return parsed
    .filter((m) => m.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map(({ type, params, q }) => ({ type, params, q }));
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** The media type inside a multipart/related range (its `type` parameter), or null for another range. */
export function multipartInnerType(media: AcceptedMedia, defaultType: string): string | null {
  if (media.type === '*/*') return media.params.type?.toLowerCase() ?? '*/*';
  if (media.type === 'multipart/related' || media.type === 'multipart/*') {
    return media.params.type?.toLowerCase() ?? defaultType;
  }
  return null;
}

export function describeAccept(accepted: readonly AcceptedMedia[]): string {
  return accepted.map((m) => [m.type, ...Object.entries(m.params).map(([k, v]) => `${k}=${v}`)].join('; ')).join(', ');
}
