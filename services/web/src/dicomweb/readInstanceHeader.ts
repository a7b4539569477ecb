import { PrefixTooShortError, type ReadDataSet, readDataSet } from '@telerad/dicom';
import type { BlobStore } from '@telerad/storage';
import { streamOriginal } from './originalMissing.js';

const firstTry = 64 * 1024;

/**
 * Parses an instance's header from the start of its object, without reading the pixel data: the
 * object is streamed until the prefix holds everything up to the Pixel Data element (64 KiB, then
 * doubling), then the stream is dropped. A deflated dataset needs the whole object.
 */
export async function readInstanceHeader(
  store: BlobStore,
  key: string,
  size: number,
  sopInstanceUid: string,
): Promise<ReadDataSet> {
  const stream = await streamOriginal(store, key, sopInstanceUid);
  const chunks: Buffer[] = [];
  let length = 0;
  let nextTry = Math.min(size, firstTry);
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length < nextTry) continue;
      const prefix = Buffer.concat(chunks);
      chunks.length = 0;
      chunks.push(prefix);
      try {
        return readDataSet(prefix, { totalLength: Math.max(size, prefix.length) });
      } catch (error) {
        if (!(error instanceof PrefixTooShortError)) throw error;
        nextTry = Math.min(size, nextTry * 2);
      }
    }
    return readDataSet(Buffer.concat(chunks));
  } finally {
    stream.destroy();
  }
}
