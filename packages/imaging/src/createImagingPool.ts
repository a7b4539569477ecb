import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ImagingError, type ImagingErrorCode } from './ImagingError.js';
import { assertOptions } from './output.js';
import type { DecodedFrame, RenderedImage, RenderOptions } from './types.js';
import { encodeDisplay, isKeptSupersampled, type PreparedRender, type WindowableFrame } from './windowable.js';
import type { WorkerOptions, WorkerResult, WorkerTask } from './worker.js';

export interface ImagingPool {
  render(bytes: Uint8Array, options: RenderOptions): Promise<RenderedImage>;
  decodeFrame(bytes: Uint8Array, frame: number): Promise<DecodedFrame>;
  /** Renders, and hands back the frame kept for re-windowing when grayscale at a reduced size. */
  prepareWindowable(bytes: Uint8Array, options: RenderOptions): Promise<PreparedRender>;
  /** A new window, format or quality on a kept frame; the caller's frame stays intact and usable. */
  renderWindowable(frame: WindowableFrame, options: RenderOptions): Promise<RenderedImage>;
  close(): Promise<void>;
}

export interface ImagingPoolOptions {
  /** Worker threads; default the number of cores, at most 4. */
  threads?: number;
  /**
   * Background work (previews rendered after intake): the pool's threads lower their own CPU priority
   * to this nice value (Linux: 1–19; priorities there are per thread), so intake and a radiologist's
   * own requests go first when the cores are busy. Default 0, the process's priority.
   */
  niceness?: number;
  /** A task still running after this long is stopped (its thread is replaced); default 120 s. */
  taskTimeoutMs?: number;
}

/**
 * Decoding and rendering in worker threads, so a full-resolution JPEG 2000 decode (seconds) never
 * stalls the server's event loop. Each call copies `bytes` once and hands the copy to the worker.
 */
export function createImagingPool(options: ImagingPoolOptions = {}): ImagingPool {
  const threads = options.threads ?? Math.max(1, Math.min(4, availableParallelism()));
  const timeoutMs = options.taskTimeoutMs ?? 120_000;
  const piscina = new Piscina<WorkerTask, WorkerResult>({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    workerData: { niceness: options.niceness ?? 0 } satisfies WorkerOptions,
  });

  async function run(task: WorkerTask): Promise<WorkerResult> {
    const moved = 'bytes' in task ? task.bytes.buffer : task.frame.samples.buffer;
    // Shared memory is shared with the worker, not moved.
    const transferList = moved instanceof SharedArrayBuffer ? [] : [moved as ArrayBuffer];
    const signal = AbortSignal.timeout(timeoutMs);
    let result: WorkerResult;
    try {
      result = await piscina.run(task, { transferList, signal });
    } catch (error) {
      if (signal.aborted) {
        throw new ImagingError('corrupt-pixel-data', `decoding did not finish within ${timeoutMs / 1000} s`, {
          cause: error,
        });
      }
      throw error;
    }
    if ('failed' in result) {
      const { name, code, message } = result.failed;
      if (name === 'ImagingError' && code !== undefined) throw new ImagingError(code as ImagingErrorCode, message);
      if (name === 'RangeError') throw new RangeError(message);
      throw new Error(message);
    }
    return result;
  }

  return {
    async render(bytes, renderOptions) {
      const result = await run({ kind: 'render', bytes: new Uint8Array(bytes), options: renderOptions });
      if (!('rendered' in result)) throw new Error('the imaging worker answered a render with something else');
      return asBuffer(result.rendered);
    },
    async prepareWindowable(bytes, renderOptions) {
      const task = { kind: 'prepareWindowable', bytes: new Uint8Array(bytes), options: renderOptions } as const;
      const result = await run(task);
      if (!('prepared' in result)) throw new Error('the imaging worker answered a prepare with something else');
      const { rendered, windowable } = result.prepared;
      return windowable === undefined ? { rendered: asBuffer(rendered) } : { rendered: asBuffer(rendered), windowable };
    },
    async renderWindowable(frame, renderOptions) {
      if (threads > 1 && isKeptSupersampled(frame) && frame.height >= splitFrom && isShared(frame)) {
        // A drag waits for every re-window: two threads each make half the rows into shared memory,
        // and sharp encodes them (on its own threads). The image is the one a single thread makes.
        assertOptions(renderOptions);
        const pixels = new Uint8Array(new SharedArrayBuffer(frame.width * frame.height));
        const half = Math.ceil(frame.height / 2);
        const part = (from: number, to: number) =>
          run({ kind: 'displayRows', frame, options: renderOptions, pixels, from, to });
        await Promise.all([part(0, half), part(half, frame.height)]);
        return encodeDisplay(frame, { pixels, width: frame.width, height: frame.height }, renderOptions);
      }
      // A kept frame in shared memory is read by the worker in place; any other is copied, not moved.
      const sent =
        frame.samples.buffer instanceof SharedArrayBuffer ? frame : { ...frame, samples: frame.samples.slice() };
      const result = await run({ kind: 'renderWindowable', frame: sent, options: renderOptions });
      if (!('rendered' in result)) throw new Error('the imaging worker answered a render with something else');
      return asBuffer(result.rendered);
    },
    async decodeFrame(bytes, frame) {
      const result = await run({ kind: 'decodeFrame', bytes: new Uint8Array(bytes), frame });
      if (!('decoded' in result)) throw new Error('the imaging worker answered a decode with something else');
      return result.decoded;
    },
    async close() {
      await piscina.close();
    },
  };
}

/** Output rows from which a re-window is shared by two threads (a 1024-px preview: 1024 rows). */
const splitFrom = 512;

const isShared = (frame: WindowableFrame) => frame.samples.buffer instanceof SharedArrayBuffer;

/** Structured clone turns a Buffer into a plain Uint8Array. */
function asBuffer(rendered: RenderedImage): RenderedImage {
  return { ...rendered, data: Buffer.from(rendered.data.buffer, rendered.data.byteOffset, rendered.data.length) };
}

/**
 * The compiled worker beside this module; when this module runs from TypeScript sources (the
 * tests), the package's built dist/worker.js, since a worker thread cannot load TypeScript.
 */
function workerFile(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL('../dist/worker.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`the imaging worker ${built} is missing: build @telerad/imaging first (pnpm build)`);
}
