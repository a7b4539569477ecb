import { MultipartError } from './MultipartError.js';
import { parsePartHeaders } from './parsePartHeaders.js';

/**
 * What a chunk completes, in order: a part's headers (its body begins), slices of its body (views
 * into the chunks written, not copies), and its end.
 */
export type SplitterEvent =
  | { type: 'headers'; headers: Record<string, string> }
  | { type: 'body'; bytes: Buffer }
  | { type: 'end' };

type Mode = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'epilogue';

const CRLF = Buffer.from('\r\n');
const empty = Buffer.alloc(0);
const HEADER_END = Buffer.from('\r\n\r\n');
/** Whitespace allowed between a boundary and its CRLF (RFC 2046 transport padding). */
const MAX_PADDING = 1024;

/**
 * Splits a multipart body (RFC 2046 §5.1.1) fed in chunks of any size into parts. A delimiter is
 * CRLF "--" boundary; the body is treated as if it began with CRLF so a boundary on the first line
 * counts. At most delimiter-length − 1 bytes are held back between chunks, so a boundary split
 * across chunks is found; body bytes are handed on as they are found, never collected here.
 */
export class MultipartSplitter {
  private readonly delimiter: Buffer;
  private mode: Mode = 'preamble';
  private pending: Buffer = CRLF;
  private partNumber = 0;
  private bodyLength = 0;
  private readonly events: SplitterEvent[] = [];

  constructor(
    private readonly boundary: string,
    private readonly limits: { maxPartBytes: number; maxHeaderBytes: number },
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  /** True once the closing delimiter has been read; anything after it is epilogue. */
  get closed(): boolean {
    return this.mode === 'epilogue';
  }

  get parts(): number {
    return this.partNumber;
  }

  /** Consumes a chunk, yielding what it holds of the parts; the caller may await between events. */
  *write(chunk: Buffer): Generator<SplitterEvent> {
    if (this.mode === 'epilogue') return;
    const buffer = this.joinPending(chunk);
    this.pending = empty;
    yield* this.drain();
    let position = 0;
    for (;;) {
      const step = this.step(buffer, position);
      yield* this.drain();
      if (step.next === null) return;
      position = step.next;
    }
  }

  private *drain(): Generator<SplitterEvent> {
    while (this.events.length > 0) yield this.events.shift() as SplitterEvent;
  }

  /**
   * Prepends the held-back bytes. In a part body or the preamble they are only needed when a
   * delimiter starts in them; otherwise they are settled at once and the chunk is used as it is,
   * which spares copying every chunk of a 20 MB part.
   */
  private joinPending(chunk: Buffer): Buffer {
    if (this.pending.length === 0) return chunk;
    const scanning = this.mode === 'body' || this.mode === 'preamble';
    if (scanning && chunk.length >= this.delimiter.length - 1) {
      const seam = Buffer.concat([this.pending, chunk.subarray(0, this.delimiter.length - 1)]);
      const found = seam.indexOf(this.delimiter);
      if (found < 0 || found >= this.pending.length) {
        if (this.mode === 'body') this.appendBody(this.pending);
        return chunk;
      }
    }
    return Buffer.concat([this.pending, chunk]);
  }

  /** Checks the body ended after the closing delimiter. */
  end(): void {
    if (this.mode === 'epilogue') return;
    const where = this.partNumber === 0 ? 'before any boundary' : `in part ${this.partNumber}`;
    throw new MultipartError(
      'malformed',
      `the body ended ${where}, before the closing boundary '--${this.boundary}--'`,
    );
  }

  /**
   * Advances by one state transition. `next: null` means "need more bytes" (what is left of the
   * buffer has been kept in `pending`); otherwise the position to continue from.
   */
  private step(buffer: Buffer, position: number): { next: number | null } {
    switch (this.mode) {
      case 'preamble': {
        const found = buffer.indexOf(this.delimiter, position);
        if (found < 0) return this.holdBack(buffer, position, false);
        this.mode = 'after-delimiter';
        return { next: found + this.delimiter.length };
      }
      case 'after-delimiter':
        return this.afterDelimiter(buffer, position);
      case 'headers':
        return this.readHeaders(buffer, position);
      case 'body': {
        const found = buffer.indexOf(this.delimiter, position);
        if (found < 0) return this.holdBack(buffer, position, true);
        this.appendBody(buffer.subarray(position, found));
        this.events.push({ type: 'end' });
        this.bodyLength = 0;
        this.mode = 'after-delimiter';
        return { next: found + this.delimiter.length };
      }
      case 'epilogue':
        return { next: null };
    }
  }

  /** Keeps the last delimiter-length − 1 bytes, which may be the start of a split delimiter. */
  private holdBack(buffer: Buffer, position: number, isBody: boolean): { next: null } {
    const keepFrom = Math.max(position, buffer.length - (this.delimiter.length - 1));
    if (isBody) this.appendBody(buffer.subarray(position, keepFrom));
    this.pending = buffer.subarray(keepFrom);
    return { next: null };
  }

  private appendBody(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.bodyLength += bytes.length;
    if (this.bodyLength > this.limits.maxPartBytes) {
      throw new MultipartError(
        'too-large',
        `part ${this.partNumber} exceeds the ${formatBytes(this.limits.maxPartBytes)} limit`,
      );
    }
    this.events.push({ type: 'body', bytes });
  }

  /** After a delimiter: `--` closes the body, otherwise optional padding and CRLF open a part. */
  private afterDelimiter(buffer: Buffer, position: number): { next: number | null } {
    if (buffer.length - position < 2) return this.keep(buffer, position);
    if (buffer[position] === 0x2d) {
      if (buffer[position + 1] !== 0x2d) throw this.malformedBoundaryLine();
      this.mode = 'epilogue';
      return { next: null };
    }
    let cursor = position;
    while (cursor < buffer.length && (buffer[cursor] === 0x20 || buffer[cursor] === 0x09)) cursor++;
    if (cursor - position > MAX_PADDING) throw this.malformedBoundaryLine();
    if (cursor + 1 >= buffer.length) return this.keep(buffer, position);
    if (buffer[cursor] !== 0x0d || buffer[cursor + 1] !== 0x0a) throw this.malformedBoundaryLine();
    this.partNumber += 1;
    this.mode = 'headers';
    return { next: cursor + 2 };
  }

  private readHeaders(buffer: Buffer, position: number): { next: number | null } {
    if (buffer.length - position < 2) return this.keep(buffer, position);
    if (buffer[position] === 0x0d && buffer[position + 1] === 0x0a) {
      // No header fields at all: the blank line follows the boundary line directly.
      this.events.push({ type: 'headers', headers: {} });
      this.mode = 'body';
      return { next: position + 2 };
    }
    const found = buffer.indexOf(HEADER_END, position);
    const sectionLength = (found < 0 ? buffer.length : found) - position;
    if (sectionLength > this.limits.maxHeaderBytes) {
      throw new MultipartError(
        'malformed',
        `the headers of part ${this.partNumber} are longer than ${formatBytes(this.limits.maxHeaderBytes)}`,
      );
    }
    if (found < 0) return this.keep(buffer, position);
    this.events.push({ type: 'headers', headers: parsePartHeaders(buffer.subarray(position, found)) });
    this.mode = 'body';
    return { next: found + HEADER_END.length };
  }

  private keep(buffer: Buffer, position: number): { next: null } {
    this.pending = buffer.subarray(position);
    return { next: null };
  }

  private malformedBoundaryLine(): MultipartError {
    const after = this.partNumber === 0 ? 'the first boundary' : `the boundary after part ${this.partNumber}`;
    return new MultipartError('malformed', `${after} is not followed by CRLF or '--'`);
  }
}

/** "512 MB", "64 KB", "100 bytes": binary units, as limits are configured. */
export function formatBytes(bytes: number): string {
  const units: Array<[number, string]> = [
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
