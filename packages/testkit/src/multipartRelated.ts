import { randomBytes } from 'node:crypto';

/** A STOW-RS request body: each part `Content-Type: application/dicom` (or the given type). */
export function multipartRelated(parts: Array<Buffer | { body: Buffer; contentType: string }>): {
  body: Buffer;
  contentType: string;
} {
  const boundary = `telerad-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const { body, contentType } = Buffer.isBuffer(part) ? { body: part, contentType: 'application/dicom' } : part;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${contentType}\r\n\r\n`), body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}
