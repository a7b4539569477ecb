import sharp from 'sharp';
import type { Frame } from './decodeImageFrame.js';
import { histogramVoi, modalityValues, type StoredSamples, storedSamples } from './grayscaleDisplay.js';
import { assertOptions, contentTypes, encode } from './output.js';
import type { ImageHeader } from './readImage.js';
import type { RenderedImage, RenderOptions } from './types.js';
import { isVoiLutFunction, windowTransform } from './voiLut.js';
import { type VoiSpec, voiTransformOf } from './voiSpec.js';

/**
 * A grayscale frame after the Modality LUT, already scaled, with what the VOI and presentation stages
 * need: every reduced grayscale render is made from one of these (renderInstance, the stored
 * previews, re-windowing), so a new window costs table lookups over the small image and an encode,
 * and a re-window from a kept frame is bit-identical to a direct render in that window.
 * Samples are modality values quantised to 16 bits: value = base + sample × step, with a margin at
 * both ends for the resampling kernel's overshoot.
 *
 * The definition of a reduced render (output at most half the image's size in both directions):
 * 1. the modality values are resampled (Lanczos 3, in 32-bit float) to exactly twice the output size,
 *    from the decoded frame (full resolution, or the reduced resolution a JPEG 2000 decoded);
 * 2. VOI LUT and presentation (inversion) map each of those samples to an 8-bit display value;
 * 3. each output pixel is the exact mean of its 2 × 2 display values, rounded half up.
 * Windowing before the last 2:1 step is supersampling: a hard edge that a narrow window clips is
 * antialiased as the mean of what the display shows, not smeared before it is clipped, and the
 * image is as sharp in every window — a radiologist sees no change in sharpness when starting to
 * drag. Steps 2 and 3 are one table lookup per kept sample in plain JavaScript (about 9 ms for a
 * 1024-px preview of a 2500 × 3000 radiograph), so a drag is cheap.
 * Between half and full size the samples are kept at the decoded size and the 8-bit display values
 * are scaled to the output with Lanczos 3 (as a full-size render windows them, then scales).
 */
export interface WindowableFrame {
  /** Over a SharedArrayBuffer when prepared here; treat as read-only. */
  samples: Uint16Array;
  /** Size of `samples`: twice the output size (supersampled), else the decoded size. */
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
  /** Absent for colour images and full-size renders, which are rendered the ordinary way. */
  windowable?: WindowableFrame;
}

const levels = 65_536;
const margin = 2048;

/** True when a render of the image at `output` size is supersampled (at most half in both directions). */
export function isSupersampled(
  image: { columns: number; rows: number },
  output: { width: number; height: number },
): boolean {
  return output.width * 2 <= image.columns && output.height * 2 <= image.rows;
}

/** The frame as kept for rendering at `output` size (smaller than the image): step 1 of the definition. */
export async function keepFrame(
  frame: Frame,
  header: ImageHeader,
  output: { width: number; height: number },
): Promise<WindowableFrame> {
  const samples = storedSamples(frame);
  const size = 2 ** samples.bitsStored;
  const mask = size - 1;
  const modality = modalityValues(header, size, frame.pixelRepresentation === 1);
  // Modality values as 16-bit levels over the modality range (a margin spare at both ends for the
  // kernel's overshoot), resampled in 32-bit float (libvips resamples 16-bit integers with fixed-point
  // weights whose gain ripples by phase, about 0.03 %: a grid under a narrow window).
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const value of modality) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const gain = high > low ? (levels - 1 - 2 * margin) / (high - low) : 1;
  const table = new Float32Array(size);
  for (let index = 0; index < size; index++) table[index] = margin + ((modality[index] as number) - low) * gain;
  const kept = isSupersampled(header, output)
    ? { width: output.width * 2, height: output.height * 2 }
    : { width: frame.columns, height: frame.rows };
  // Shared memory: a kept frame goes to whichever worker thread re-windows it without being copied.
  const quantised = new Uint16Array(new SharedArrayBuffer(kept.width * kept.height * 2));
  const decoded = { width: frame.columns, height: frame.rows };
  const scale = gridScale(header, frame);
  if (scale === 1 && (kept.width !== decoded.width || kept.height !== decoded.height)) {
    // libvips: twice as fast as the JavaScript below for a full-resolution frame, same kernel and grid.
    const full = new Float32Array(decoded.width * decoded.height);
    lookUp(samples, mask, table, full);
    const resized = await sharp(full, { raw: { ...decoded, channels: 1 } })
      .toColourspace('grey16')
      .resize(kept.width, kept.height, { fit: 'fill', kernel: 'lanczos3' })
      .raw({ depth: 'float' })
      .toBuffer();
    quantise(new Float32Array(resized.buffer, resized.byteOffset, resized.length / 4), quantised);
  } else {
    resample(samples, mask, table, decoded, kept, scale, quantised);
  }
  return {
    samples: quantised,
    keptWidth: kept.width,
    keptHeight: kept.height,
    width: output.width,
    height: output.height,
    base: low - margin / gain,
    step: 1 / gain,
    invert: frame.photometricInterpretation === 'MONOCHROME1' || header.presentationLutShape === 'INVERSE',
    defaultVoi: fileVoi(header) ?? histogramVoi(samples, modality, header),
  };
}

/**
 * `to[i]` = `table` at the stored bits of sample `start + i` (the whole frame, or one row); one loop
 * per array type keeps each monomorphic.
 */
function lookUp(samples: StoredSamples, mask: number, table: Float32Array, to: Float32Array, start = 0): void {
  const { values, shift } = samples;
  if (values instanceof Uint16Array) {
    for (let index = 0; index < to.length; index++)
      to[index] = table[((values[start + index] as number) >> shift) & mask] as number;
  } else {
    for (let index = 0; index < to.length; index++)
      to[index] = table[((values[start + index] as number) >> shift) & mask] as number;
  }
}

/** Rounds half up into 0…65535 (a Uint16Array store truncates, so adding ½ first rounds). */
function quantise(from: Float32Array, to: Uint16Array): void {
  const top = levels - 1;
  for (let index = 0; index < from.length; index++) {
    const value = (from[index] as number) + 0.5;
    to[index] = Math.min(top, Math.max(0, value));
  }
}

/**
 * How many image pixels one decoded sample spans: 1, or 2^level for a JPEG 2000 reduced resolution,
 * whose samples sit on the image's even pixels (the wavelet's low band), not in the middle of each
 * 2^level block.
 */
function gridScale(header: ImageHeader, frame: Frame): number {
  if (frame.columns === header.columns && frame.rows === header.rows) return 1;
  return 2 ** Math.round(Math.log2(header.columns / frame.columns));
}

/**
 * Step 1 where libvips cannot place the samples (a JPEG 2000 reduced resolution) or none is needed:
 * modality levels (`table` over the stored bits) resampled from the decoded size to the kept size with Lanczos 3 (separable, in 32-bit float, weights normalised, edges clamped), rounded half up
 * into 16 bits. Sample positions are those of the image's pixel centres: kept pixel j's centre is image
 * coordinate (j + ½) × image / kept, and decoded sample k lies at k × scale + ½.
 */
function resample(
  samples: StoredSamples,
  mask: number,
  table: Float32Array,
  from: { width: number; height: number },
  to: { width: number; height: number },
  scale: number,
  out: Uint16Array,
): void {
  const top = levels - 1;
  const row = new Float32Array(from.width);
  const lookUpRow = (y: number) => lookUp(samples, mask, table, row, y * from.width);
  if (from.width === to.width && from.height === to.height) {
    for (let y = 0; y < from.height; y++) {
      lookUpRow(y);
      quantise(row, out.subarray(y * to.width, (y + 1) * to.width));
    }
    return;
  }
  const across = taps(from.width, to.width, scale);
  const down = taps(from.height, to.height, scale);
  const between = new Float32Array(to.width * from.height);
  for (let y = 0; y < from.height; y++) {
    lookUpRow(y);
    const at = y * to.width;
    const { index, weight, count } = across;
    for (let x = 0; x < to.width; x++) {
      let sum = 0;
      for (let t = x * count, end = t + count; t < end; t++)
        sum += (weight[t] as number) * (row[index[t] as number] as number);
      between[at + x] = sum;
    }
  }
  const sums = new Float64Array(to.width);
  const { index, weight, count } = down;
  for (let y = 0; y < to.height; y++) {
    sums.fill(0);
    for (let t = y * count, end = t + count; t < end; t++) {
      const w = weight[t] as number;
      if (w === 0) continue;
      const source = (index[t] as number) * to.width;
      for (let x = 0; x < to.width; x++) sums[x] = (sums[x] as number) + w * (between[source + x] as number);
    }
    const at = y * to.width;
    for (let x = 0; x < to.width; x++) {
      const value = (sums[x] as number) + 0.5;
      out[at + x] = Math.min(top, Math.max(0, value));
    }
  }
}

/** Lanczos 3 taps for each output position: `count` per position, unused ones weigh 0. */
function taps(from: number, to: number, scale: number): { index: Int32Array; weight: Float32Array; count: number } {
  const image = from * scale;
  const stretch = Math.max(1, from / to);
  const count = 2 * Math.ceil(3 * stretch) + 1;
  const index = new Int32Array(to * count);
  const weight = new Float32Array(to * count);
  for (let j = 0; j < to; j++) {
    const centre = (((j + 0.5) * image) / to - 0.5) / scale;
    const first = Math.ceil(centre - 3 * stretch);
    let total = 0;
    for (let t = 0; t < count; t++) {
      const position = first + t;
      const w = lanczos3((position - centre) / stretch);
      index[j * count + t] = Math.min(from - 1, Math.max(0, position));
      weight[j * count + t] = w;
      total += w;
    }
    for (let t = 0; t < count; t++) weight[j * count + t] = (weight[j * count + t] as number) / total;
  }
  return { index, weight, count };
}

function lanczos3(t: number): number {
  if (t === 0) return 1;
  if (t <= -3 || t >= 3) return 0;
  const p = Math.PI * t;
  return (3 * Math.sin(p) * Math.sin(p / 3)) / (p * p);
}

/**
 * The VOI LUT, presentation, last scaling and encoding stages over a kept frame (its frame number and
 * output size are its own: the options' frame, maxSize and viewport are not read).
 */
export async function renderWindowable(frame: WindowableFrame, options: RenderOptions): Promise<RenderedImage> {
  assertOptions(options);
  return encodeDisplay(frame, displayOf(frame, options), options);
}

/** The last stage: display values (at the output size, or at the kept size for Lanczos) encoded. */
export async function encodeDisplay(
  frame: WindowableFrame,
  display: { pixels: Uint8Array; width: number; height: number },
  options: RenderOptions,
): Promise<RenderedImage> {
  let pipeline = sharp(display.pixels, { raw: { width: display.width, height: display.height, channels: 1 } });
  pipeline = pipeline.toColourspace('b-w');
  if (display.width !== frame.width || display.height !== frame.height) {
    pipeline = pipeline.resize(frame.width, frame.height, { fit: 'fill', kernel: 'lanczos3' });
  }
  const data = await encode(pipeline, options).toBuffer();
  return { data, contentType: contentTypes[options.format], width: frame.width, height: frame.height };
}

/**
 * Steps 2 and 3 of the definition: 8-bit display values, at the output size when supersampled (the
 * 2 × 2 mean fused with the lookups), else at the kept size for Lanczos to scale.
 */
export function displayOf(
  frame: WindowableFrame,
  options: Pick<RenderOptions, 'window'>,
): { pixels: Uint8Array; width: number; height: number } {
  const { samples, keptWidth, keptHeight, width, height } = frame;
  if (isKeptSupersampled(frame)) {
    const pixels = new Uint8Array(width * height);
    displayRows(frame, options, pixels, 0, height);
    return { pixels, width, height };
  }
  const table = displayTable(frame, options);
  const pixels = new Uint8Array(samples.length);
  for (let index = 0; index < samples.length; index++) pixels[index] = table[samples[index] as number] as number;
  return { pixels, width: keptWidth, height: keptHeight };
}

/** True when the frame is kept at twice its output size (each output pixel the mean of 2 × 2). */
export function isKeptSupersampled(frame: WindowableFrame): boolean {
  return frame.keptWidth === frame.width * 2 && frame.keptHeight === frame.height * 2;
}

/**
 * Output rows `from` to `to` (exclusive) of a supersampled frame into `pixels` (the whole output
 * image): steps 2 and 3 for part of the image, so that two threads can share one re-window.
 */
export function displayRows(
  frame: WindowableFrame,
  options: Pick<RenderOptions, 'window'>,
  pixels: Uint8Array,
  from: number,
  to: number,
): void {
  if (!isKeptSupersampled(frame)) throw new RangeError('rows are rendered only from a supersampled frame');
  meanOfFour(frame.samples, frame.width, from, to, displayTable(frame, options), pixels);
}

/** VOI LUT and presentation for every 16-bit level, into 8 bits. */
function displayTable(frame: WindowableFrame, options: Pick<RenderOptions, 'window'>): Uint8Array {
  const voi = options.window ? windowTransform(options.window) : voiTransformOf(frame.defaultVoi);
  const table = new Uint8Array(levels);
  for (let sample = 0; sample < levels; sample++) {
    const shown = Math.round(255 * Math.min(1, Math.max(0, voi(frame.base + sample * frame.step))));
    table[sample] = frame.invert ? 255 - shown : shown;
  }
  return table;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Each output pixel: the mean of the display values of its 2 × 2 kept samples, rounded half up. Each
 * row's sample pairs are read as one 32-bit word (half the loads; the kept width is even).
 */
function meanOfFour(
  samples: Uint16Array,
  width: number,
  from: number,
  to: number,
  table: Uint8Array,
  pixels: Uint8Array,
): void {
  if (littleEndian && samples.byteOffset % 4 === 0) {
    const words = new Uint32Array(samples.buffer, samples.byteOffset, samples.length >> 1);
    for (let y = from; y < to; y++) {
      let top = 2 * y * width;
      let bottom = top + width;
      let at = y * width;
      for (let x = 0; x < width; x++) {
        const upper = words[top++] as number;
        const lower = words[bottom++] as number;
        pixels[at++] =
          ((table[upper & 0xffff] as number) +
            (table[upper >>> 16] as number) +
            (table[lower & 0xffff] as number) +
            (table[lower >>> 16] as number) +
            2) >>
          2;
      }
    }
    return;
  }
  const keptWidth = width * 2;
  for (let y = from; y < to; y++) {
    let top = 2 * y * keptWidth;
    let bottom = top + keptWidth;
    let at = y * width;
    for (let x = 0; x < width; x++) {
      pixels[at++] =
        ((table[samples[top] as number] as number) +
          (table[samples[top + 1] as number] as number) +
          (table[samples[bottom] as number] as number) +
          (table[samples[bottom + 1] as number] as number) +
          2) >>
        2;
      top += 2;
      bottom += 2;
    }
  }
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
