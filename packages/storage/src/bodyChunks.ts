import type { Readable } from 'node:stream';

/**
 * The body of a put as Buffers, one chunk at a time, so stores can hash and write while reading and
 * never hold a whole stream. Chunks of a stream with an encoding set arrive as strings; they are
 * turned back into bytes rather than refused.
 */
export async function* bodyChunks(body: Buffer | Readable): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(body)) {
    yield body;
    return;
  }
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (Buffer.isBuffer(chunk)) yield chunk;
    else if (typeof chunk === 'string') yield Buffer.from(chunk);
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw new TypeError('put body stream must yield bytes (Buffer, Uint8Array or string)');
  }
}
