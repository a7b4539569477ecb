import { Writable } from 'node:stream';

/**
 * Gathers the P-DATA fragments of one C-STORE dataset as they arrive, byte for byte. Past
 * `maxBytes` it keeps counting but drops the bytes, so an oversized instance costs no memory and
 * is refused once it has been received.
 */
export class DatasetCollector extends Writable {
  private readonly chunks: Buffer[] = [];
  private received = 0;

  constructor(
    readonly transferSyntaxUid: string,
    private readonly maxBytes: number,
  ) {
    // Each write completes at once; a high mark keeps write() from asking dcmjs-dimse to wait.
    super({ highWaterMark: 1 << 30 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.received += chunk.length;
    if (this.received <= this.maxBytes) this.chunks.push(chunk);
    callback();
  }

  get byteLength(): number {
    return this.received;
  }

  get tooLarge(): boolean {
    return this.received > this.maxBytes;
  }

  /** The dataset as received; empties the collector. */
  take(): Buffer {
    const bytes = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return bytes;
  }
}
