import sharp from 'sharp';
import { colourDisplay } from './colourDisplay.js';
import { decodeImageFrame, type Frame } from './decodeImageFrame.js';
import { grayscaleDisplay } from './grayscaleDisplay.js';
import { ImagingError } from './ImagingError.js';
import { assertOptions, contentTypes, encode, outputSize } from './output.js';
import { type ImageHeader, readImage } from './readImage.js';
import type { RenderedImage, RenderOptions } from './types.js';
import { keepFrame, type PreparedRender, renderWindowable } from './windowable.js';

/**
 * Renders one frame of a Part 10 file through the display pipeline, scaled and encoded by sharp.
 * A grayscale frame rendered smaller than it is goes through a kept frame (see WindowableFrame), so
 * a direct render and a re-window from a kept frame are the same image.
 */
export async function renderInstance(bytes: Uint8Array, options: RenderOptions): Promise<RenderedImage> {
  return (await render(bytes, options, false)).rendered;
}

/**
 * As renderInstance, and hands back the frame kept for re-windowing when the render is grayscale and
 * reduced: the frame is decoded once, and this answer and every re-windowed one are made from it.
 */
export function prepareWindowable(bytes: Uint8Array, options: RenderOptions): Promise<PreparedRender> {
  return render(bytes, options, true);
}

async function render(bytes: Uint8Array, options: RenderOptions, keep: boolean): Promise<PreparedRender> {
  assertOptions(options);
  const image = readImage(bytes);
  const { header } = image;
  const { rows, columns } = header;
  const target = outputSize(columns, rows, options);
  const frame = await decodeImageFrame(image, options.frame ?? 1, {
    targetSize: Math.max(target.width, target.height),
  });
  const reduced = target.width < columns || target.height < rows;
  if (reduced && isGrayscale(frame)) {
    const windowable = await keepFrame(frame, header, target);
    const rendered = await renderWindowable(windowable, options);
    return keep ? { rendered, windowable } : { rendered };
  }
  const { data: display, channels } = toDisplay(frame, header, options);
  // Grayscale stays one band in the output (libvips may otherwise widen it to sRGB).
  let pipeline = sharp(display, { raw: { width: frame.columns, height: frame.rows, channels } }).toColourspace(
    channels === 1 ? 'b-w' : 'srgb',
  );
  if (target.width !== frame.columns || target.height !== frame.rows) {
    pipeline = pipeline.resize(target.width, target.height, { fit: 'fill', kernel: 'lanczos3' });
  }
  const data = await encode(pipeline, options).toBuffer();
  return { rendered: { data, contentType: contentTypes[options.format], width: target.width, height: target.height } };
}

function isGrayscale(frame: Frame): boolean {
  const photometric = frame.photometricInterpretation;
  return (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2') && frame.samplesPerPixel === 1;
}

function toDisplay(frame: Frame, header: ImageHeader, options: RenderOptions): { data: Uint8Array; channels: 1 | 3 } {
  const photometric = frame.photometricInterpretation;
  if (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2') {
    if (frame.samplesPerPixel !== 1) {
      throw new ImagingError('unsupported-image', `${photometric} with ${frame.samplesPerPixel} samples per pixel`);
    }
    return { data: grayscaleDisplay(frame, header, options.window), channels: 1 };
  }
  return { data: colourDisplay(frame, header), channels: 3 };
}
