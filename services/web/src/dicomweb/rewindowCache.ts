import { type WindowableFrame, windowableBytes } from '@telerad/imaging';
import { LRUCache } from 'lru-cache';

/**
 * Decoded grayscale frames kept at (about twice) a reduced output size for re-windowing, bounded by
 * bytes, keyed by instance, frame and output size. A frame is kept the second time its key is asked
 * for: a radiologist dragging the window asks for one key again and again, while a study's
 * worklist, a multi-instance rendering or a first look asks once, and keeping those would only cost
 * a slower first answer and memory. It lives on the main thread, so any worker thread can re-window
 * a kept frame, and a hit needs neither the original nor storage.
 */
export class RewindowCache {
  private readonly frames: LRUCache<string, WindowableFrame>;
  private readonly seen = new LRUCache<string, true>({ max: 20_000 });
  private readonly preparing = new Map<string, Promise<WindowableFrame | undefined>>();

  constructor(maxBytes: number) {
    this.frames = new LRUCache({ maxSize: Math.max(1, maxBytes), sizeCalculation: windowableBytes });
  }

  static key(instanceId: string, frame: number, size: { width: number; height: number }): string {
    return `${instanceId}|${frame}|${size.width}x${size.height}`;
  }

  /** The kept frame, also one still being prepared by another request. */
  async get(key: string): Promise<WindowableFrame | undefined> {
    return this.frames.get(key) ?? (await this.preparing.get(key));
  }

  /** True from the second time a key is asked for (then the caller prepares and keeps it). */
  askedBefore(key: string): boolean {
    if (this.seen.has(key)) return true;
    this.seen.set(key, true);
    return false;
  }

  /** Runs `prepare` once for concurrent requests of a key and keeps what it yields. */
  async keep<T extends { windowable?: WindowableFrame }>(key: string, prepare: () => Promise<T>): Promise<T> {
    let resolve!: (frame: WindowableFrame | undefined) => void;
    this.preparing.set(key, new Promise((r) => (resolve = r)));
    try {
      const prepared = await prepare();
      if (prepared.windowable !== undefined) this.frames.set(key, prepared.windowable);
      resolve(prepared.windowable);
      return prepared;
    } catch (error) {
      resolve(undefined);
      throw error;
    } finally {
      this.preparing.delete(key);
    }
  }

  get bytes(): number {
    return this.frames.calculatedSize;
  }
}
