import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** Runs a dcmtk or gdcm tool on `input` and returns the file it wrote. */
export async function convert(dir: string, input: Buffer, tool: string, args: string[], name: string): Promise<Buffer> {
  const source = path.join(dir, `${name}.in.dcm`);
  const target = path.join(dir, `${name}.dcm`);
  await writeFile(source, input);
  await run(tool, [...args, source, target]);
  return readFile(target);
}

export interface Raster {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

/** dcmtk's rendering of a file as 8-bit PNG, with the given dcmj2pnm VOI options. */
export async function dcmtkRender(dir: string, input: Buffer, name: string, options: string[]): Promise<Raster> {
  const source = path.join(dir, `${name}.ref.dcm`);
  const target = path.join(dir, `${name}.ref.png`);
  await writeFile(source, input);
  await run('dcmj2pnm', ['+on', ...options, source, target]);
  return raster(await readFile(target));
}

export async function raster(encoded: Buffer): Promise<Raster> {
  // sharp widens grayscale to sRGB on output unless told to keep one band.
  const { channels } = await sharp(encoded).metadata();
  const { data, info } = await sharp(encoded)
    .toColourspace(channels <= 2 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Peak signal-to-noise ratio of two 8-bit rasters of the same size, in dB (Infinity if equal). */
export function psnr(a: Raster, b: Raster): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new Error(
      `rasters differ in size: ${a.width}×${a.height}×${a.channels} vs ${b.width}×${b.height}×${b.channels}`,
    );
  }
  let sum = 0;
  for (let index = 0; index < a.data.length; index++) {
    const difference = (a.data[index] as number) - (b.data[index] as number);
    sum += difference * difference;
  }
  const mse = sum / a.data.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}
