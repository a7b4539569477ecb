import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { yieldToInteractive } from '@telerad/runtime';
import { type InstanceBytes, SpoolingSink, type SpoolOptions } from '../instanceBytes.js';

/**
 * Gathers the P-DATA fragments of one C-STORE dataset as they arrive, byte for byte: in memory while
 * small, in a spool file past the spool threshold (when `spool` is given). Past `maxBytes` it keeps
 * counting but drops the bytes, so an oversized instance costs no memory and is refused once it has
 * been received.
 */
export class DatasetCollector extends Writable {
  private readonly sink: SpoolingSink;
  private received = 0;
  private dropped = false;
  private readonly connection: Pick<Socket, 'pause' | 'resume'> | undefined;
  private readonly onBytes: (() => void) | undefined;

  constructor(
    readonly transferSyntaxUid: string,
    private readonly maxBytes: number,
    options: {
      spool?: SpoolOptions;
      /** Bytes before the dataset, e.g. the Part 10 header. */
      head?: Buffer;
      /** The association's socket: paused while interactive work goes first (see loopPriority). */
      connection?: Pick<Socket, 'pause' | 'resume'>;
      /** Called as bytes arrive (intake is busy: background work waits). */
      onBytes?: () => void;
    } = {},
  ) {
    // In memory each write completes at once; a high mark keeps write() from asking dcmjs-dimse to
    // wait. Writes to a spool file complete when the file has them.
    super({ highWaterMark: 1 << 30 });
    this.sink = new SpoolingSink(options.spool, options.head);
    this.connection = options.connection;
    this.onBytes = options.onBytes;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.received += chunk.length;
    this.onBytes?.();
    if (this.received > this.maxBytes) {
      if (!this.dropped) {
        this.dropped = true;
        this.sink.discard().then(() => callback(), callback);
        return;
      }
      callback();
      return;
    }
    const writing = this.sink.write(chunk);
    if (writing === undefined) callback();
    else writing.then(() => callback(), callback);
    this.yieldToInteractive();
  }

  /** Reads no more from the sender while a radiologist's or a clinic's request goes first. */
  private yieldToInteractive(): void {
    const turn = this.connection === undefined ? undefined : yieldToInteractive();
    if (turn === undefined) return;
    this.connection?.pause();
    void turn.then(() => this.connection?.resume());
  }

  /** Destroyed before the end (or failed): nobody will take the bytes, so the spool file goes. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A Writable destroys itself after 'finish' too (autoDestroy); then the bytes wait for takeBytes.
    if (error === null && this.writableFinished) {
      callback(null);
      return;
    }
    this.sink.discard().then(() => callback(error), callback);
  }

  get byteLength(): number {
    return this.received;
  }

  get tooLarge(): boolean {
    return this.received > this.maxBytes;
  }

  /** The dataset as received, when it stayed in memory; empties the collector. */
  take(): Buffer {
    return this.sink.takeBuffer();
  }

  /**
   * The head and dataset: a Buffer, or a spool file the caller now owns (releaseInstanceBytes it).
   * Waits for the writes still under way.
   */
  async takeBytes(): Promise<InstanceBytes> {
    if (!this.writableFinished) {
      await new Promise<void>((resolve, reject) => {
        this.once('finish', resolve);
        this.once('error', reject);
      });
    }
    return this.sink.finish();
  }

  /** Drops the bytes and removes any spool file. */
  async discard(): Promise<void> {
    await this.sink.discard();
  }
}
