import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { type InstanceMeta, type ParseInstanceOptions, parseInstance } from './parseInstance.js';
import { PrefixTooShortError } from './readDataSet.js';

/** A file (or anything like one) read by position: the prefix asynchronously, item headers in place. */
export interface PositionedBytes {
  size: number;
  /** Up to `length` bytes at `position`. */
  read(position: number, length: number): Promise<Uint8Array>;
  /** Up to `length` bytes at `position`, synchronously (small reads of fragment item headers). */
  readSync(position: number, length: number): Uint8Array;
}

export interface ParseInstanceFromOptions extends Omit<ParseInstanceOptions, 'totalLength' | 'readAt'> {
  /** The first prefix read; doubled until the header fits. Default 1 MiB. */
  firstPrefixBytes?: number;
}

export const defaultFirstPrefixBytes = 1024 * 1024;
/** Item headers past the prefix are read in windows of this size, so tiny fragments cost few reads. */
const itemWindowBytes = 64 * 1024;

/**
 * parseInstance without holding the file in memory: parses the first MiB (doubling it until the
 * whole header up to the Pixel Data element is in it, or the whole file is), checks lengths against
 * the file's size, and reads the item headers of encapsulated pixel data from the file. Gives the
 * same metadata and the same refusals as parseInstance on the whole file.
 */
export async function parseInstanceFrom(
  source: PositionedBytes,
  options: ParseInstanceFromOptions = {},
): Promise<InstanceMeta> {
  const { firstPrefixBytes = defaultFirstPrefixBytes, ...parseOptions } = options;
  let length = Math.min(source.size, Math.max(1, firstPrefixBytes));
  const readAt = windowedReader(source);
  for (;;) {
    const prefix = await source.read(0, length);
    if (prefix.length < length) throw new Error(`the file is shorter than its size ${source.size}: it changed`);
    try {
      return parseInstance(prefix, { ...parseOptions, totalLength: source.size, readAt });
    } catch (error) {
      if (!(error instanceof PrefixTooShortError) || length >= source.size) throw error;
      length = Math.min(source.size, length * 2);
    }
  }
}

/** parseInstanceFrom for a file on disk. */
export async function parseInstanceFile(path: string, options: ParseInstanceFromOptions = {}): Promise<InstanceMeta> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await parseInstanceFrom(
      {
        size,
        read: async (position, length) => {
          const buffer = Buffer.alloc(length);
          const { bytesRead } = await handle.read(buffer, 0, length, position);
          return buffer.subarray(0, bytesRead);
        },
        readSync: (position, length) => {
          const buffer = Buffer.alloc(length);
          return buffer.subarray(0, readSync(handle.fd, buffer, 0, length, position));
        },
      },
      options,
    );
  } finally {
    await handle.close();
  }
}

/** A PositionedBytes over bytes in memory (tests, and callers that hold a Buffer anyway). */
export function bytesSource(bytes: Uint8Array): PositionedBytes {
  const slice = (position: number, length: number) =>
    bytes.subarray(Math.min(position, bytes.length), Math.min(position + length, bytes.length));
  return { size: bytes.length, read: async (position, length) => slice(position, length), readSync: slice };
}

function windowedReader(source: PositionedBytes): (position: number, length: number) => Uint8Array {
  let windowStart = 0;
  let window: Uint8Array = new Uint8Array(0);
  return (position, length) => {
    if (position < windowStart || position + length > windowStart + window.length) {
      windowStart = position;
      window = source.readSync(position, Math.max(length, itemWindowBytes));
    }
    return window.subarray(position - windowStart, position - windowStart + length);
  };
}
