import {
  type ImagingPool,
  outputSize,
  type RenderOptions,
  type WindowableFrame,
  windowableFromBytes,
} from '@telerad/imaging';
import { previewKeysOf } from '@telerad/ingest';
import { PREVIEW_SPEC, type Renderer } from '@telerad/previews';
import { BlobNotFoundError, type BlobStore } from '@telerad/storage';
import { LRUCache } from 'lru-cache';
import sharp from 'sharp';
import { defaultWindowOf } from './defaultWindow.js';
import { readOriginal } from './originalMissing.js';
import { UnrenderableError } from './renderErrors.js';
import { CONTENT_TYPES, type RenderRequest } from './renderParams.js';
import type { RenderTarget } from './renderTargets.js';
import { RewindowCache } from './rewindowCache.js';

/** Where an answer came from, in the `Telerad-Render-Source` header (benchmarks and tests read it). */
export type RenderSource = 'stored' | 'derived' | 'rendered' | 'rewindowed' | 'cached';

export interface RenderAnswer {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
  source: RenderSource;
}

export interface RenderServiceOptions {
  /** Bytes of rendered answers kept in memory (default 64 MB). */
  cacheBytes?: number;
  /** Bytes of original instances kept in memory for re-windowing (default 96 MB). */
  originalsBytes?: number;
  /** Bytes of decoded frames kept at reduced sizes for re-windowing (default 256 MB; 0 turns it off). */
  rewindowBytes?: number;
}

type Cached = Omit<RenderAnswer, 'source'>;

/**
 * Answers rendered and thumbnail requests: from the previews the render job stored when the request
 * asks for them (the file's own window, their size or smaller), else rendered in the imaging worker
 * pool. Answers are kept in a bounded LRU, and so are the originals a radiologist is windowing, so
 * dragging the window re-renders without re-reading the file. Requests for the same answer while it
 * is being made share one render.
 */
export class RenderService {
  private readonly answers: LRUCache<string, Cached>;
  private readonly originals: LRUCache<string, Buffer>;
  private readonly inFlight = new Map<string, Promise<Cached & { source: RenderSource }>>();
  private readonly rewindow: RewindowCache | undefined;
  private readonly windows = new LRUCache<string, { value: { center: number; width: number } | null }>({ max: 10_000 });
  /** Instances whose stored kept frame is missing or unreadable: not asked for again. */
  private readonly noStoredFrame = new LRUCache<string, true>({ max: 20_000 });

  constructor(
    private readonly store: BlobStore,
    private readonly imaging: () => Renderer,
    options: RenderServiceOptions = {},
  ) {
    this.answers = new LRUCache({ maxSize: options.cacheBytes ?? 64 << 20, sizeCalculation: (v) => v.data.length });
    this.originals = new LRUCache({ maxSize: options.originalsBytes ?? 96 << 20, sizeCalculation: (v) => v.length });
    const rewindowBytes = options.rewindowBytes ?? 256 << 20;
    this.rewindow = rewindowBytes > 0 ? new RewindowCache(rewindowBytes) : undefined;
  }

  async render(target: RenderTarget, request: RenderRequest): Promise<RenderAnswer> {
    if (target.preview.status === 'failed') {
      throw new UnrenderableError(
        target.preview.error as UnrenderableError['code'],
        `instance ${target.sopInstanceUid} cannot be rendered: ${target.preview.message}`,
      );
    }
    const frame = request.frame ?? 1;
    if (frame > target.frames) {
      throw new UnrenderableError(
        'frame-out-of-range',
        `instance ${target.sopInstanceUid} has ${target.frames} frame(s); frame ${frame} does not exist`,
      );
    }
    const key = cacheKey(target, request);
    const hit = this.answers.get(key);
    if (hit !== undefined) return { ...hit, source: 'cached' };
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.make(target, request).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const made = await pending;
    this.answers.set(key, { data: made.data, contentType: made.contentType, width: made.width, height: made.height });
    return made;
  }

  private async make(target: RenderTarget, request: RenderRequest): Promise<RenderAnswer> {
    const options: RenderOptions = { format: request.format };
    if (request.frame !== undefined) options.frame = request.frame;
    if (request.window !== undefined) options.window = request.window;
    if (request.quality !== undefined) options.quality = request.quality;
    if (request.viewport !== undefined) options.viewport = request.viewport;
    else if (request.kind === 'thumbnail') options.maxSize = PREVIEW_SPEC.thumbnail.maxSize;
    const key = this.rewindowKey(target, options);
    const fromStored = await this.fromStoredPreview(target, request);
    if (fromStored !== null) {
      // A viewer's first paint: its next request for this size is likely a new window.
      if (key !== null) this.rewindow?.askedBefore(key);
      return fromStored;
    }
    const imaging = this.imaging();
    if (key !== null && this.rewindow !== undefined && isPool(imaging)) {
      const kept = (await this.rewindow.get(key)) ?? (await this.storedFrame(target, options, key, this.rewindow));
      if (kept !== undefined) return { ...(await imaging.renderWindowable(kept, options)), source: 'rewindowed' };
      if (this.rewindow.askedBefore(key)) {
        const bytes = await this.original(target);
        const { rendered } = await this.rewindow.keep(key, () => imaging.prepareWindowable(bytes, options));
        return { ...rendered, source: 'rendered' };
      }
    }
    const bytes = await this.original(target);
    const image = await imaging.render(bytes, options);
    return { ...image, source: 'rendered' };
  }

  /**
   * The kept frame the render job stored with the previews, when the request is for the preview's
   * size and first frame: loaded once and kept in memory like any other, so a first new window on a
   * film is a re-window (~10 ms) instead of a decode of the original. Missing or unreadable (made
   * before kept frames were stored, lost, cut short) it is not an error: the original is rendered.
   */
  private async storedFrame(
    target: RenderTarget,
    options: RenderOptions,
    key: string,
    cache: RewindowCache,
  ): Promise<WindowableFrame | undefined> {
    const { preview } = target;
    if (preview.status !== 'ready' || (options.frame ?? 1) !== 1) return undefined;
    if (target.columns === null || target.rows === null || this.noStoredFrame.has(target.instanceId)) return undefined;
    const size = outputSize(target.columns, target.rows, options);
    if (size.width !== preview.width || size.height !== preview.height) return undefined;
    const { windowable } = await cache.keep(key, async () => {
      let stored: Buffer;
      try {
        stored = await this.store.getBuffer(previewKeysOf(target.blobKey).kept);
      } catch (error) {
        // Not stored (an older instance, a colour image) or lost: remembered. Storage failing now is
        // not remembered; the original's read will say what is wrong.
        if (error instanceof BlobNotFoundError) this.noStoredFrame.set(target.instanceId, true);
        return {};
      }
      try {
        const frame = windowableFromBytes(stored);
        if (frame.width === size.width && frame.height === size.height) return { windowable: frame };
      } catch {
        // Cut short or damaged: rendered from the original, as if it were not there.
      }
      this.noStoredFrame.set(target.instanceId, true);
      return {};
    });
    return windowable;
  }

  /** The re-window cache's key when the request is for a reduced size of a known image, else null. */
  private rewindowKey(target: RenderTarget, options: RenderOptions): string | null {
    if (target.columns === null || target.rows === null) return null;
    const size = outputSize(target.columns, target.rows, options);
    if (size.width >= target.columns && size.height >= target.rows) return null;
    return RewindowCache.key(target.instanceId, options.frame ?? 1, size);
  }

  /**
   * The stored thumbnail or preview answers a request in the file's own window, for the first frame,
   * at their size or smaller: as stored when size, format and quality are theirs, else scaled down and
   * re-encoded (a few milliseconds, against a full decode of the original).
   */
  private async fromStoredPreview(target: RenderTarget, request: RenderRequest): Promise<RenderAnswer | null> {
    const { preview } = target;
    if (preview.status !== 'ready' || request.window !== undefined || (request.frame ?? 1) !== 1) return null;
    if (target.columns === null || target.rows === null) return null;
    const size = request.viewport
      ? outputSize(target.columns, target.rows, { viewport: request.viewport })
      : request.kind === 'thumbnail'
        ? { width: preview.thumbnailWidth, height: preview.thumbnailHeight }
        : { width: target.columns, height: target.rows };
    const keys = previewKeysOf(target.blobKey);
    const candidates = [
      { key: keys.thumbnail, width: preview.thumbnailWidth, height: preview.thumbnailHeight },
      { key: keys.preview, width: preview.width, height: preview.height },
    ];
    const source = candidates.find((c) => size.width <= c.width && size.height <= c.height);
    if (source === undefined) return null;
    let stored: Buffer;
    try {
      stored = await this.store.getBuffer(source.key);
    } catch (error) {
      // A preview lost from storage is rendered again from the original.
      if (error instanceof BlobNotFoundError) return null;
      throw error;
    }
    const exact = size.width === source.width && size.height === source.height;
    if (exact && request.format === 'jpeg' && request.quality === undefined) {
      return { data: stored, contentType: 'image/jpeg', width: source.width, height: source.height, source: 'stored' };
    }
    const quality = request.quality ?? PREVIEW_SPEC.preview.quality;
    const scaled = sharp(stored).resize({ width: size.width, height: size.height, fit: 'fill' });
    const encoded =
      request.format === 'png'
        ? scaled.png()
        : request.format === 'webp'
          ? scaled.webp({ quality })
          : scaled.jpeg({ quality });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return {
      data,
      contentType: CONTENT_TYPES[request.format],
      width: info.width,
      height: info.height,
      source: 'derived',
    };
  }

  /**
   * The window a rendering without `window` starts from (see defaultWindowOf). Reading it loads the
   * original into memory, which is what the radiologist's first drag will need anyway.
   */
  async defaultWindow(target: RenderTarget): Promise<{ center: number; width: number } | null> {
    const known = this.windows.get(target.instanceId);
    if (known !== undefined) return known.value;
    const value = defaultWindowOf(await this.original(target));
    this.windows.set(target.instanceId, { value });
    return value;
  }

  private async original(target: RenderTarget): Promise<Buffer> {
    const { blobKey } = target;
    const cached = this.originals.get(blobKey);
    if (cached !== undefined) return cached;
    const bytes = await readOriginal(this.store, blobKey, target.sopInstanceUid);
    this.originals.set(blobKey, bytes);
    return bytes;
  }
}

function isPool(
  renderer: Renderer,
): renderer is Renderer & Pick<ImagingPool, 'prepareWindowable' | 'renderWindowable'> {
  return 'prepareWindowable' in renderer && 'renderWindowable' in renderer;
}

function cacheKey(target: RenderTarget, r: RenderRequest): string {
  const window = r.window === undefined ? '' : `${r.window.center},${r.window.width},${r.window.fn}`;
  const viewport = r.viewport === undefined ? '' : `${r.viewport.width}x${r.viewport.height}`;
  return [target.instanceId, r.kind, r.frame ?? 1, window, viewport, r.format, r.quality ?? ''].join('|');
}
