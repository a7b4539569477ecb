import { yieldToInteractive } from '@telerad/runtime';
import { type InstanceBytes, releaseInstanceBytes, SpoolingSink, type SpoolOptions } from '../instanceBytes.js';
import { MultipartError } from './MultipartError.js';
import { MultipartSplitter } from './MultipartSplitter.js';
import { parseMediaType } from './parseMediaType.js';

export interface MultipartPart {
  /** Header fields with lower-case names. */
  headers: Record<string, string>;
  /** The part's media type without parameters, lower case (`application/dicom`), or ''. */
  contentType: string;
  body: Buffer;
}

/** A part whose body may have been spooled to a file (see ParseMultipartOptions.spool). */
export interface SpooledMultipartPart extends Omit<MultipartPart, 'body'> {
  /** A Buffer, or a spool file that is removed once `onPart` has settled. */
  body: InstanceBytes;
}

export interface ParseMultipartOptions {
  /** A part's body may not be longer; parsing stops with a 'too-large' MultipartError. */
  maxPartBytes: number;
  /** Limit for one part's header section; default 16 KB. */
  maxHeaderBytes?: number;
}

export interface ParseMultipartSpooledOptions extends ParseMultipartOptions {
  /** Parts longer than the threshold are written to a file there as they arrive. */
  spool: SpoolOptions;
}

const defaultMaxHeaderBytes = 16 * 1024;

/**
 * Streams a STOW-RS `multipart/related; type="application/dicom"` body (PS3.18 §8.6.1.2) and hands
 * each part to `onPart` as soon as it is complete, awaiting it before reading on, so a slow store
 * slows the upload instead of filling memory. Only the current part is held in memory.
 *
 * On a MultipartError it stops reading but does not destroy `body`: destroying an HTTP request
 * also destroys its socket, and the client would never see the error response. The caller should
 * answer with `Connection: close` so the rest of an oversized upload is not read.
 */
export async function parseMultipartRelated(
  body: AsyncIterable<Uint8Array>,
  contentType: string,
  onPart: (part: MultipartPart) => Promise<void>,
  options: ParseMultipartOptions,
): Promise<{ parts: number }> {
  return splitParts(body, contentType, (part) => onPart({ ...part, body: part.body as Buffer }), options, undefined);
}

/**
 * parseMultipartRelated, but a part longer than `spool.thresholdBytes` is never held whole in memory:
 * past the threshold its body goes to a spool file as it arrives, and `onPart` gets the file. The file
 * is removed once `onPart` settles, and also when the body ends early or cannot be read (aborted).
 */
export async function parseMultipartRelatedSpooled(
  body: AsyncIterable<Uint8Array>,
  contentType: string,
  onPart: (part: SpooledMultipartPart) => Promise<void>,
  options: ParseMultipartSpooledOptions,
): Promise<{ parts: number }> {
  return splitParts(body, contentType, onPart, options, options.spool);
}

async function splitParts(
  body: AsyncIterable<Uint8Array>,
  contentType: string,
  onPart: (part: SpooledMultipartPart) => Promise<void>,
  options: ParseMultipartOptions,
  spool: SpoolOptions | undefined,
): Promise<{ parts: number }> {
  const { boundary, rootType } = readContentType(contentType);
  const splitter = new MultipartSplitter(boundary, {
    maxPartBytes: options.maxPartBytes,
    maxHeaderBytes: options.maxHeaderBytes ?? defaultMaxHeaderBytes,
  });
  let current: { headers: Record<string, string>; sink: SpoolingSink } | undefined;
  const chunks = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      // A radiologist's or a clinic's request waiting on a busy loop goes first (see loopPriority).
      const turn = yieldToInteractive();
      if (turn !== undefined) await turn;
      // After the closing boundary the rest is epilogue: read on (write discards it) so a
      // keep-alive connection is left at the end of this request.
      for (const event of splitter.write(asBuffer(next.value))) {
        if (event.type === 'headers') {
          current = { headers: event.headers, sink: new SpoolingSink(spool) };
        } else if (event.type === 'body') {
          await current?.sink.write(event.bytes);
        } else if (current !== undefined) {
          const { headers, sink } = current;
          current = undefined;
          const content = await sink.finish();
          try {
            await onPart({ headers, contentType: partType(headers, rootType), body: content });
          } finally {
            await releaseInstanceBytes(content);
          }
        }
      }
    }
  } finally {
    await current?.sink.discard();
  }
  splitter.end();
  return { parts: splitter.parts };
}

function readContentType(contentType: string): { boundary: string; rootType: string } {
  if (contentType.trim() === '') {
    throw new MultipartError(
      'content-type',
      'the request has no Content-Type; STOW-RS needs multipart/related; type="application/dicom"; boundary=…',
    );
  }
  const mediaType = parseMediaType(contentType);
  if (!mediaType) throw new MultipartError('content-type', `the Content-Type '${contentType}' cannot be read`);
  if (mediaType.type !== 'multipart/related') {
    throw new MultipartError(
      'content-type',
      `the Content-Type must be multipart/related for STOW-RS, not ${mediaType.type}`,
    );
  }
  const type = mediaType.parameters.get('type');
  if (type !== undefined && type.toLowerCase() !== 'application/dicom') {
    throw new MultipartError(
      'content-type',
      `multipart/related type "${type}" is not supported; only type="application/dicom" is accepted`,
    );
  }
  const boundary = mediaType.parameters.get('boundary');
  if (boundary === undefined || boundary === '') {
    throw new MultipartError('content-type', 'the multipart/related Content-Type has no boundary parameter');
  }
  // RFC 2046 allows 1–70 characters; longer ones are accepted because some clients send them.
  if (boundary.length > 200 || /[\r\n]/.test(boundary)) {
    throw new MultipartError('content-type', 'the multipart boundary is longer than 200 characters or spans lines');
  }
  return { boundary, rootType: (type ?? '').toLowerCase() };
}

/** A part without Content-Type takes the `type` of the multipart/related body (RFC 2387 §3.1). */
function partType(headers: Record<string, string>, rootType: string): string {
  const declared = headers['content-type'];
  if (declared === undefined) return rootType;
  return parseMediaType(declared)?.type ?? declared.trim().toLowerCase();
}

function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') throw new TypeError('the request body must be read as bytes, not text');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
