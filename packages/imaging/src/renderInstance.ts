import sharp, { type Sharp } from 'sharp';
import { colourDisplay } from './colourDisplay.js';
import { decodeImageFrame, type Frame } from './decodeImageFrame.js';
import { grayscaleDisplay } from './grayscaleDisplay.js';
import { ImagingError } from './ImagingError.js';
import { readImage } from './readImage.js';
import type { RenderedImage, RenderFormat, RenderOptions } from './types.js';

export const contentTypes: Record<RenderFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/** Renders one frame of a Part 10 file through the display pipeline, scaled and encoded by sharp. */
export async function renderInstance(bytes: Uint8Array, options: RenderOptions): Promise<RenderedImage> {
  assertOptions(options);
  const image = readImage(bytes);
  const { rows, columns } = image.header;
  const target = outputSize(columns, rows, options);
  const frame = await decodeImageFrame(image, options.frame ?? 1, {
    targetSize: Math.max(target.width, target.height),
  });
  const { data: display, channels } = toDisplay(frame, image.header, options);
  // Grayscale stays one band in the output (libvips may otherwise widen it to sRGB).
  let pipeline = sharp(display, { raw: { width: frame.columns, height: frame.rows, channels } }).toColourspace(
    channels === 1 ? 'b-w' : 'srgb',
  );
  if (target.width !== frame.columns || target.height !== frame.rows) {
    pipeline = pipeline.resize(target.width, target.height, { fit: 'fill', kernel: 'lanczos3' });
  }
  const data = await encode(pipeline, options).toBuffer();
  return { data, contentType: contentTypes[options.format], width: target.width, height: target.height };
}

function toDisplay(
  frame: Frame,
  header: Parameters<typeof grayscaleDisplay>[1],
  options: RenderOptions,
): { data: Uint8Array; channels: 1 | 3 } {
  const photometric = frame.photometricInterpretation;
  if (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2') {
    if (frame.samplesPerPixel !== 1) {
      throw new ImagingError('unsupported-image', `${photometric} with ${frame.samplesPerPixel} samples per pixel`);
    }
    return { data: grayscaleDisplay(frame, header, options.window), channels: 1 };
  }
  return { data: colourDisplay(frame, header), channels: 3 };
}

export function encode(pipeline: Sharp, options: RenderOptions): Sharp {
  const quality = options.quality;
  switch (options.format) {
    case 'jpeg':
      return pipeline.jpeg({ quality: quality ?? 90, mozjpeg: false });
    case 'png':
      return pipeline.png({ compressionLevel: 6 });
    case 'webp':
      return pipeline.webp({ quality: quality ?? 90 });
  }
}

/** The output size: inside maxSize and the viewport, aspect kept, never larger than the image. */
export function outputSize(
  columns: number,
  rows: number,
  options: Pick<RenderOptions, 'maxSize' | 'viewport'>,
): { width: number; height: number } {
  let scale = 1;
  if (options.maxSize !== undefined) scale = Math.min(scale, options.maxSize / Math.max(columns, rows));
  if (options.viewport) {
    scale = Math.min(scale, options.viewport.width / columns, options.viewport.height / rows);
  }
  return { width: Math.max(1, Math.round(columns * scale)), height: Math.max(1, Math.round(rows * scale)) };
}

export function assertOptions(options: RenderOptions): void {
  const problems: string[] = [];
  if (!(options.format in contentTypes)) problems.push(`format ${String(options.format)} is not jpeg, png or webp`);
  if (
    options.quality !== undefined &&
    !(Number.isInteger(options.quality) && options.quality >= 1 && options.quality <= 100)
  ) {
    problems.push(`quality ${options.quality} is not an integer from 1 to 100`);
  }
  if (options.maxSize !== undefined && !(Number.isInteger(options.maxSize) && options.maxSize >= 1)) {
    problems.push(`maxSize ${options.maxSize} is not a positive integer`);
  }
  const viewport = options.viewport;
  if (viewport && !(viewport.width >= 1 && viewport.height >= 1)) {
    problems.push(`viewport ${viewport.width}×${viewport.height} is not at least 1×1`);
  }
  const window = options.window;
  if (window && !(Number.isFinite(window.center) && Number.isFinite(window.width) && window.width > 0)) {
    problems.push(`window ${window.center},${window.width} needs a finite centre and a width above 0`);
  }
  if (problems.length > 0) throw new RangeError(`invalid render options: ${problems.join('; ')}`);
}
