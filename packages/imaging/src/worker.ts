import { getPriority, setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import { decodeFrame } from './decodeFrame.js';
import { ImagingError } from './ImagingError.js';
import { prepareWindowable, renderInstance } from './renderInstance.js';
import type { DecodedFrame, RenderedImage, RenderOptions } from './types.js';
import { displayRows, type PreparedRender, renderWindowable, type WindowableFrame } from './windowable.js';

export interface WorkerOptions {
  niceness: number;
}

// On Linux a thread's nice value is its own: this lowers this worker thread only, not the process.
// Only ever lowered: a process already running at a higher nice value keeps it.
const { niceness } = (workerData ?? { niceness: 0 }) as WorkerOptions;
if (niceness > getPriority()) {
  try {
    setPriority(niceness);
  } catch {
    // Not permitted here (a restricted container): the work runs at normal priority.
  }
}

export type WorkerTask =
  | { kind: 'render'; bytes: Uint8Array; options: RenderOptions }
  | { kind: 'decodeFrame'; bytes: Uint8Array; frame: number }
  | { kind: 'prepareWindowable'; bytes: Uint8Array; options: RenderOptions }
  | { kind: 'renderWindowable'; frame: WindowableFrame; options: RenderOptions }
  | {
      kind: 'displayRows';
      frame: WindowableFrame;
      options: RenderOptions;
      /** The whole output image, in shared memory; this task writes rows `from` to `to`. */
      pixels: Uint8Array;
      from: number;
      to: number;
    };

/** Errors cross the thread boundary as data: structured clone drops an Error's class and code. */
export type WorkerFailure = { failed: { name: string; code?: string; message: string } };
export type WorkerResult =
  | { rendered: RenderedImage }
  | { decoded: DecodedFrame }
  | { prepared: PreparedRender }
  | { rows: number }
  | WorkerFailure;

export default async function run(task: WorkerTask): Promise<WorkerResult> {
  try {
    switch (task.kind) {
      case 'render':
        return { rendered: await renderInstance(task.bytes, task.options) };
      case 'decodeFrame':
        return { decoded: await decodeFrame(task.bytes, task.frame) };
      case 'prepareWindowable':
        return { prepared: await prepareWindowable(task.bytes, task.options) };
      case 'renderWindowable':
        return { rendered: await renderWindowable(task.frame, task.options) };
      case 'displayRows':
        displayRows(task.frame, task.options, task.pixels, task.from, task.to);
        return { rows: task.to - task.from };
    }
  } catch (error) {
    if (error instanceof ImagingError)
      return { failed: { name: error.name, code: error.code, message: error.message } };
    if (error instanceof Error) return { failed: { name: error.name, message: error.message } };
    return { failed: { name: 'Error', message: String(error) } };
  }
}
