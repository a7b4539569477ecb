export type RenderFormat = 'jpeg' | 'png' | 'webp';

export type VoiLutFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export interface RenderWindow {
  center: number;
  width: number;
  fn?: VoiLutFunction;
}

export interface RenderOptions {
  /** 1-based; default 1. */
  frame?: number;
  /** Else the file's first window (or VOI LUT), else one from the histogram. */
  window?: RenderWindow;
  /** Longest side in pixels; the image is never enlarged. */
  maxSize?: number;
  /** Fit inside, keeping the aspect ratio; never enlarged. */
  viewport?: { width: number; height: number };
  format: RenderFormat;
  /** 1–100, for JPEG and WebP. */
  quality?: number;
}

export interface RenderedImage {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
}

export interface DecodedFrame {
  /** The decoded frame in native little-endian layout (PS3.5 §8.1.1), one frame only. */
  pixels: Uint8Array;
  rows: number;
  columns: number;
  bitsAllocated: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  pixelRepresentation: number;
  planarConfiguration: number;
}
