import { createHash, type Hash, randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';

/** An instance spooled to a temporary file while it arrived, instead of being held in memory. */
export interface SpooledFile {
  path: string;
  size: number;
  /** Hex SHA-256 of the file, when it was computed while the file was written. */
  sha256?: string;
}

/** One instance's bytes: in memory when small, in a spool file when larger than the spool threshold. */
export type InstanceBytes = Buffer | SpooledFile;

/**
 * Parts, datasets and uploads larger than this are written to a spool file as they arrive. Each
 * upload holds up to this much in memory before it spills, so 20 concurrent uploads hold 20× it: at
 * 8 MiB that was +194 MB RSS, at 1 MiB +51 MB (docs/benchmarks.md, "Bounded memory").
 */
export const SPOOL_THRESHOLD_BYTES = 1024 * 1024;

/** Spooled bytes are written in batches of at least this much. */
const WRITE_BATCH_BYTES = 1024 * 1024;

/** What is left of `chunks` after the first `skip` bytes (a short writev). */
function unwritten(chunks: Buffer[], skip: number): Buffer[] {
  const rest: Buffer[] = [];
  let offset = skip;
  for (const chunk of chunks) {
    if (offset >= chunk.length) {
      offset -= chunk.length;
      continue;
    }
    rest.push(offset > 0 ? chunk.subarray(offset) : chunk);
    offset = 0;
  }
  return rest;
}

export interface SpoolOptions {
  /** Where spool files go: `<dataDir>/spool`. */
  dir: string;
  /** Bytes held in memory before spilling to a file; default SPOOL_THRESHOLD_BYTES. */
  thresholdBytes?: number;
}

export const spoolDirOf = (dataDir: string) => path.join(dataDir, 'spool');

export const isSpooled = (bytes: InstanceBytes): bytes is SpooledFile => !Buffer.isBuffer(bytes);

export const sizeOf = (bytes: InstanceBytes): number => (isSpooled(bytes) ? bytes.size : bytes.length);

/** Removes a spool file; a Buffer needs nothing. Never throws. */
export async function releaseInstanceBytes(bytes: InstanceBytes | undefined): Promise<void> {
  if (bytes !== undefined && isSpooled(bytes)) await rm(bytes.path, { force: true }).catch(() => undefined);
}

/**
 * Collects one instance's bytes as they arrive: in memory up to the threshold, then in a new file
 * under the spool directory, each write awaited (a slow disk slows the sender, it does not fill
 * memory). `finish` hands the bytes over; `discard` removes the file, and must run in a `finally`
 * when the bytes were not handed over (an aborted request).
 */
export class SpoolingSink {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private file: { path: string; handle: FileHandle } | undefined;
  private written = 0;
  private hash: Hash | undefined;
  private readonly threshold: number;

  constructor(
    private readonly spool: SpoolOptions | undefined,
    /** Bytes written at the start of a spool file (and of the Buffer), e.g. a Part 10 header. */
    head?: Buffer,
  ) {
    this.threshold = spool?.thresholdBytes ?? SPOOL_THRESHOLD_BYTES;
    if (head !== undefined) this.push(head);
  }

  get byteLength(): number {
    return this.buffered + this.written;
  }

  get spilled(): boolean {
    return this.file !== undefined;
  }

  /**
   * Adds a chunk: returns nothing when it was kept in memory (synchronously), else a promise to
   * await before the next write (a batch of chunks is going to the spool file).
   */
  write(chunk: Buffer): Promise<void> | undefined {
    if (chunk.length === 0) return undefined;
    this.push(chunk);
    if (this.file === undefined) {
      if (this.spool === undefined || this.buffered <= this.threshold) return undefined;
      return this.spill(this.spool.dir);
    }
    // Network chunks are small (16–64 KiB): one writev per batch costs far less than a write each.
    return this.buffered >= WRITE_BATCH_BYTES ? this.flush() : undefined;
  }

  /** What was kept in memory, when nothing was spooled; throws once the sink spilled to a file. */
  takeBuffer(): Buffer {
    if (this.file !== undefined) throw new Error('the bytes were spooled to a file; use finish()');
    const bytes = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    return bytes;
  }

  /** The bytes: a Buffer, or the spool file (now owned by the caller: releaseInstanceBytes it). */
  async finish(): Promise<InstanceBytes> {
    if (this.file === undefined) return this.takeBuffer();
    const { path: filePath, handle } = this.file;
    this.file = undefined;
    try {
      await this.flush(handle);
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(filePath, { force: true }).catch(() => undefined);
      throw error;
    }
    const sha256 = (this.hash as Hash).digest('hex');
    this.hash = undefined;
    return { path: filePath, size: this.written, sha256 };
  }

  /** Drops what was collected and removes the spool file. Never throws. */
  async discard(): Promise<void> {
    this.chunks = [];
    this.buffered = 0;
    const file = this.file;
    this.file = undefined;
    if (file === undefined) return;
    await file.handle.close().catch(() => undefined);
    await rm(file.path, { force: true }).catch(() => undefined);
  }

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  private async spill(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const filePath = path.join(dir, `${randomUUID()}.spool`);
    const handle = await open(filePath, 'wx', 0o600);
    this.file = { path: filePath, handle };
    // Hashed as it is written, so the store can take the file as it is (no copy, no second read).
    this.hash = createHash('sha256');
    await this.flush();
  }

  /** Writes what is held in memory to the spool file, in one writev where the kernel takes it all. */
  private async flush(handle = (this.file as { handle: FileHandle }).handle): Promise<void> {
    let chunks = this.chunks;
    const total = this.buffered;
    this.chunks = [];
    this.buffered = 0;
    for (const chunk of chunks) this.hash?.update(chunk);
    let left = total;
    while (left > 0) {
      const { bytesWritten } = await handle.writev(chunks);
      left -= bytesWritten;
      if (left > 0) chunks = unwritten(chunks, bytesWritten);
    }
    this.written += total;
  }
}
