import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * A strong ETag over what makes the answer (the stored objects' hashes and how they are served), and
 * the multipart boundary derived from it, so the same request gives the same bytes every time.
 */
export function entityTag(...parts: string[]): { etag: string; boundary: string } {
  const hash = createHash('sha256').update(parts.join('\n')).digest('hex');
  return { etag: `"${hash.slice(0, 40)}"`, boundary: `telerad-${hash.slice(0, 32)}` };
}

/** True (and 304 sent) when the client's If-None-Match names the ETag. */
export function notModified(req: Request, res: Response, etag: string): boolean {
  res.set('ETag', etag);
  const ifNoneMatch = req.get('if-none-match');
  if (ifNoneMatch === undefined) return false;
  const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(etag) && !tags.includes('*')) return false;
  res.status(304).end();
  return true;
}

export const partHead = (boundary: string, contentType: string, extra = '') =>
  Buffer.from(`--${boundary}\r\nContent-Type: ${contentType}\r\n${extra}\r\n`);
export const partTail = Buffer.from('\r\n');
export const closing = (boundary: string) => Buffer.from(`--${boundary}--\r\n`);

/** A whole multipart/related body from parts held in memory. */
export function multipartBuffer(
  boundary: string,
  parts: ReadonlyArray<{ contentType: string; body: Uint8Array; extra?: string }>,
): Buffer {
  const chunks: Uint8Array[] = [];
  for (const part of parts) chunks.push(partHead(boundary, part.contentType, part.extra), part.body, partTail);
  chunks.push(closing(boundary));
  return Buffer.concat(chunks);
}

/** Writes a chunk, waiting for the socket to drain; false when the client has gone. */
export async function writeChunk(res: Response, chunk: Uint8Array): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
