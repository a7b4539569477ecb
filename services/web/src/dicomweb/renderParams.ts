import { NotAcceptableError, ValidationError } from '@telerad/core';

export type RenderFormat = 'jpeg' | 'png' | 'webp';
export type WindowFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/** What a `rendered` or `thumbnail` request asks for, parsed from its query and Accept header. */
export interface RenderRequest {
  kind: 'rendered' | 'thumbnail';
  /** 1-based, as in the URL; undefined means the first frame. */
  frame?: number;
  window?: { center: number; width: number; fn: WindowFunction };
  viewport?: { width: number; height: number };
  format: RenderFormat;
  quality?: number;
}

export const CONTENT_TYPES: Record<RenderFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};
const FORMAT_OF: Record<string, RenderFormat> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const MAX_VIEWPORT = 8192;

type Query = Record<string, unknown>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ValidationError(`${name} may be given once, as text`);
  return value;
}

/** `window=center,width[,function]` (PS3.18 §8.3.5.1.4). */
export function parseWindow(text: string): NonNullable<RenderRequest['window']> {
  const parts = text.split(',').map((p) => p.trim());
  const [center, width, fn = 'LINEAR'] = parts;
  if (parts.length < 2 || parts.length > 3 || !NUMBER.test(center ?? '') || !NUMBER.test(width ?? '')) {
    throw new ValidationError(`window "${text}" is not center,width[,function] with numbers for center and width`);
  }
  const upper = fn.toUpperCase();
  if (upper !== 'LINEAR' && upper !== 'LINEAR_EXACT' && upper !== 'SIGMOID') {
    throw new ValidationError(`window function "${fn}" is not LINEAR, LINEAR_EXACT or SIGMOID`);
  }
  const w = Number(width);
  // PS3.3 C.11.2.1.2: LINEAR needs a width of at least 1, LINEAR_EXACT and SIGMOID any positive width.
  if (upper === 'LINEAR' ? w < 1 : !(w > 0)) {
    throw new ValidationError(`window width ${width} is too small: it must be ${upper === 'LINEAR' ? '≥ 1' : '> 0'}`);
  }
  return { center: Number(center), width: w, fn: upper };
}

/** `viewport=width,height` (PS3.18 §8.3.5.1.3); source regions are not offered. */
export function parseViewport(text: string): NonNullable<RenderRequest['viewport']> {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 6) {
    throw new ValidationError('viewport with a source region (vw,vh,sx,sy,sw,sh) is not supported; send vw,vh');
  }
  const [width, height] = parts;
  const valid = (v: string | undefined) =>
    v !== undefined && /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_VIEWPORT;
  if (parts.length !== 2 || !valid(width) || !valid(height)) {
    throw new ValidationError(`viewport "${text}" is not width,height in pixels from 1 to ${MAX_VIEWPORT}`);
  }
  return { width: Number(width), height: Number(height) };
}

export function parseQuality(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 100) {
    throw new ValidationError(`quality "${text}" is not a whole number from 1 to 100`);
  }
  return Number(text);
}

/** A frame number from `/frames/{n}`: one frame, counted from 1. */
export function parseFrame(text: string): number {
  if (text.includes(',')) throw new ValidationError(`frames "${text}": rendered and thumbnail take one frame number`);
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new ValidationError(`frame "${text}" is not a number from 1`);
  return Number(text);
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
  order: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  // Commas inside quoted parameters (type="image/jpeg") are not separators.
  const items = header.match(/(?:[^,"]|"[^"]*")+/g) ?? [];
  items.forEach((item, order) => {
    const [type = '', ...rest] = item.split(';').map((p) => p.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0)
        params[p.slice(0, eq).trim().toLowerCase()] = p
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, '');
    }
    const q = params.q === undefined ? 1 : Number(params.q);
    if (type !== '' && Number.isFinite(q)) ranges.push({ type: type.toLowerCase(), params, q, order });
  });
  return ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q || a.order - b.order);
}

function formatOfRange(range: MediaRange): RenderFormat | undefined {
  if (range.type === 'multipart/related') {
    const inner = range.params.type?.toLowerCase();
    return inner === undefined ? 'jpeg' : inner === 'image/*' ? 'jpeg' : FORMAT_OF[inner];
  }
  if (range.type === 'image/*' || range.type === '*/*') return 'jpeg';
  return FORMAT_OF[range.type];
}

/**
 * The rendered media type from the Accept header (or the `accept` query parameter, which PS3.18 lets
 * a link use instead): image/jpeg, image/png or image/webp, in the caller's order of preference;
 * JPEG when the caller accepts anything. Study and series answers are multipart/related with that
 * type, so `multipart/related; type="image/png"` chooses PNG there.
 */
export function negotiateFormat(accept: string | undefined): RenderFormat {
  if (accept === undefined || accept.trim() === '') return 'jpeg';
  for (const range of parseAccept(accept)) {
    const format = formatOfRange(range);
    if (format !== undefined) return format;
  }
  throw new NotAcceptableError(
    `cannot render as ${accept}: rendered and thumbnail resources are image/jpeg, image/png or image/webp`,
  );
}

/** The whole request, or a 400 naming the bad parameter (or 406 for an unacceptable type). */
export function parseRenderRequest(
  kind: RenderRequest['kind'],
  query: Query,
  acceptHeader: string | undefined,
  frame?: string,
): RenderRequest {
  const accept = single(query, 'accept') ?? acceptHeader;
  const request: RenderRequest = { kind, format: negotiateFormat(accept) };
  if (frame !== undefined) request.frame = parseFrame(frame);
  const viewport = single(query, 'viewport');
  if (viewport !== undefined) request.viewport = parseViewport(viewport);
  const window = single(query, 'window');
  const quality = single(query, 'quality');
  if (kind === 'thumbnail') {
    // The origin server chooses a thumbnail's content (PS3.18 §10.4.4); only its size is the caller's.
    if (window !== undefined || quality !== undefined) {
      throw new ValidationError('thumbnail takes only viewport; use rendered to choose window or quality');
    }
    return request;
  }
  if (window !== undefined) request.window = parseWindow(window);
  if (quality !== undefined) request.quality = parseQuality(quality);
  return request;
}
