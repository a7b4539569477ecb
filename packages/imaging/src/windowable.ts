import sharp from 'sharp';
import { decodeImageFrame } from './decodeImageFrame.js';
import { histogramVoi, modalityValues, storedSamples } from './grayscaleDisplay.js';
import { type ImageHeader, readImage } from './readImage.js';
import { assertOptions, contentTypes, encode, outputSize, renderInstance } from './renderInstance.js';
import type { RenderedImage, RenderOptions } from './types.js';
import { isVoiLutFunction, windowTransform } from './voiLut.js';
import { type VoiSpec, voiTransformOf } from './voiSpec.js';

/**
 * A grayscale frame after the Modality LUT, already scaled down, with what the VOI and presentation
 * stages need: a new window on it costs a table lookup over the small image, a resize and an encode,
 * not a decode of the original. Samples are modality values quantised to 16 bits:
 * value = base + sample × step. A margin at both ends keeps the resampling kernel's overshoot.
 *
 * The samples are kept at up to `oversample` times the output size (never more than decoded): the
 * window is applied before the last scaling step, as a direct render applies it before all of it, so
 * the edges a narrow window clips stay close to a direct render (see windowable.int.test.ts).
 */
export interface WindowableFrame {
  /** Over a SharedArrayBuffer when prepared here; treat as read-only. */
  samples: Uint16Array;
  /** Size of `samples`. */
  keptWidth: number;
  keptHeight: number;
  /** Size of the rendered image. */
  width: number;
  height: number;
  base: number;
  step: number;
  /** MONOCHROME1 or Presentation LUT Shape INVERSE. */
  invert: boolean;
  /** The window a request without one gets: the file's first, its VOI LUT, else the histogram's. */
  defaultVoi: VoiSpec;
}

export interface PreparedRender {
  rendered: RenderedImage;
  /** Absent for colour images, which are rendered the ordinary way. */
  windowable?: WindowableFrame;
}

const levels = 65_536;
const margin = 2048;

export interface KeepOptions {
  /** How many times the output size the kept samples may be (1–4); default 2. */
  oversample?: number;
}

/**
 * Decodes one frame once, keeps it as a WindowableFrame at the output size, and renders the request
 * from it, so this answer and every re-windowed one from the same frame are made the same way.
 */
export async function prepareWindowable(
  bytes: Uint8Array,
  options: RenderOptions,
  keep: KeepOptions = {},
): Promise<PreparedRender> {
  assertOptions(options);
  const oversample = keep.oversample ?? 2;
  if (!(oversample >= 1 && oversample <= 4)) throw new RangeError(`oversample ${oversample} is not from 1 to 4`);
  const image = readImage(bytes);
  const { header } = image;
  const grayscale =
    (header.photometricInterpretation === 'MONOCHROME1' || header.photometricInterpretation === 'MONOCHROME2') &&
    header.samplesPerPixel === 1;
  if (!grayscale) return { rendered: await renderInstance(bytes, options) };
  const target = outputSize(header.columns, header.rows, options);
  const frame = await decodeImageFrame(image, options.frame ?? 1, {
    targetSize: Math.max(target.width, target.height),
  });
  const samples = storedSamples(frame);
  const size = 2 ** samples.bitsStored;
  const mask = size - 1;
  const modality = modalityValues(header, size, frame.pixelRepresentation === 1);
  // Modality values as 16-bit levels over the modality range (a margin spare at both ends for the
  // kernel's overshoot), resampled as 32-bit floats: libvips resamples 16-bit integers with fixed-point
  // weights whose gain ripples by phase (about 0.03 %, ten levels at 35 000), a grid under a narrow window.
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of modality) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const scale = high > low ? (levels - 1 - 2 * margin) / (high - low) : 1;
  const table = new Float32Array(size);
  for (let index = 0; index < size; index++) table[index] = margin + ((modality[index] as number) - low) * scale;
  const count = frame.rows * frame.columns;
  const full = new Float32Array(count);
  const { values, shift } = samples;
  for (let index = 0; index < count; index++)
    full[index] = table[((values[index] as number) >> shift) & mask] as number;
  const kept =
    target.width * oversample >= frame.columns || target.height * oversample >= frame.rows
      ? { width: frame.columns, height: frame.rows }
      : { width: Math.round(target.width * oversample), height: Math.round(target.height * oversample) };
  let small = full;
  if (kept.width !== frame.columns || kept.height !== frame.rows) {
    const resized = await sharp(full, { raw: { width: frame.columns, height: frame.rows, channels: 1 } })
      .toColourspace('grey16')
      .resize(kept.width, kept.height, { fit: 'fill', kernel: 'lanczos3' })
      .raw({ depth: 'float' })
      .toBuffer();
    small = new Float32Array(resized.buffer, resized.byteOffset, resized.length / 4);
  }
  // Shared memory: a kept frame goes to whichever worker thread re-windows it without being copied.
  const quantised = new Uint16Array(new SharedArrayBuffer(small.length * 2));
  for (let index = 0; index < small.length; index++) {
    quantised[index] = Math.min(levels - 1, Math.max(0, Math.round(small[index] as number)));
  }
  const base = low - margin / scale;
  const step = 1 / scale;
  const windowable: WindowableFrame = {
    samples: quantised,
    keptWidth: kept.width,
    keptHeight: kept.height,
    width: target.width,
    height: target.height,
    base,
    step,
    invert: frame.photometricInterpretation === 'MONOCHROME1' || header.presentationLutShape === 'INVERSE',
    defaultVoi: fileVoi(header) ?? histogramVoi(samples, modality, header),
  };
  return { rendered: await renderWindowable(windowable, options), windowable };
}

/**
 * The VOI LUT, presentation, final scaling and encoding stages over a kept frame (its frame number and
 * output size are its own: the options' frame, maxSize and viewport are not read).
 */
export async function renderWindowable(frame: WindowableFrame, options: RenderOptions): Promise<RenderedImage> {
  assertOptions(options);
  const voi = options.window ? windowTransform(options.window) : voiTransformOf(frame.defaultVoi);
  const table = new Uint8Array(levels);
  for (let sample = 0; sample < levels; sample++) {
    const shown = Math.round(255 * Math.min(1, Math.max(0, voi(frame.base + sample * frame.step))));
    table[sample] = frame.invert ? 255 - shown : shown;
  }
  const { samples } = frame;
  const display = new Uint8Array(samples.length);
  for (let index = 0; index < samples.length; index++) display[index] = table[samples[index] as number] as number;
  let pipeline = sharp(display, {
    raw: { width: frame.keptWidth, height: frame.keptHeight, channels: 1 },
  }).toColourspace('b-w');
  if (frame.keptWidth !== frame.width || frame.keptHeight !== frame.height) {
    pipeline = pipeline.resize(frame.width, frame.height, { fit: 'fill', kernel: 'lanczos3' });
  }
  const data = await encode(pipeline, options).toBuffer();
  return { data, contentType: contentTypes[options.format], width: frame.width, height: frame.height };
}

/** Bytes a kept frame holds (for a bytes-bounded cache). */
export function windowableBytes(frame: WindowableFrame): number {
  return frame.samples.byteLength + 256;
}

function fileVoi(header: ImageHeader): VoiSpec | undefined {
  const fileWindow = header.windows[0];
  if (fileWindow) {
    const fn = isVoiLutFunction(header.voiLutFunction) ? header.voiLutFunction : 'LINEAR';
    return { kind: 'window', window: { ...fileWindow, fn } };
  }
  if (header.voiLut) return { kind: 'lut', lut: header.voiLut };
  return undefined;
}
