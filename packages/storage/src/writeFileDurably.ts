import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { bodyChunks } from './bodyChunks.js';
import { fsyncDirectory } from './fsyncDirectory.js';

export interface DurableWrite {
  size: number;
  sha256: string;
}

/**
 * Writes `body` to a temporary file in `tmpDir`, hashing as it goes, fsyncs it and only then renames
 * it to `target` and fsyncs the directories it changed. A reader, or the disk after a crash, sees
 * either the old object or the complete new one, never part of one. `tmpDir` must be on the same
 * filesystem as `target` for the rename to be atomic.
 */
export async function writeFileDurably(tmpDir: string, target: string, body: Buffer | Readable): Promise<DurableWrite> {
  const tmpFile = path.join(tmpDir, `${randomUUID()}.part`);
  try {
    const written = await writeAndSync(tmpFile, body);
    await renameIntoPlace(tmpFile, target);
    return written;
  } catch (error) {
    await unlink(tmpFile).catch(() => undefined);
    throw error;
  }
}

async function writeAndSync(file: string, body: Buffer | Readable): Promise<DurableWrite> {
  const hash = createHash('sha256');
  let size = 0;
  // 'wx': a random name that already exists means something else owns it; never write through it.
  const handle = await open(file, 'wx', 0o644);
  try {
    for await (const chunk of bodyChunks(body)) {
      hash.update(chunk);
      size += chunk.length;
      await handle.writeFile(chunk);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest('hex') };
}

/** Renames `file` to `target`, creating and fsyncing the directories the rename changed. */
export async function renameIntoPlace(tmpFile: string, target: string): Promise<void> {
  const dir = path.dirname(target);
  // A concurrent delete may prune a directory between our mkdir and rename (ENOENT); make it again.
  for (let attempt = 1; ; attempt++) {
    const firstCreated = await mkdir(dir, { recursive: true });
    try {
      await rename(tmpFile, target);
    } catch (error) {
      if (attempt < 3 && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    await fsyncNewDirectories(firstCreated, dir);
    await fsyncDirectory(dir);
    return;
  }
}

/** New directories are entries in their parents, which need an fsync of their own to persist. */
async function fsyncNewDirectories(firstCreated: string | undefined, dir: string): Promise<void> {
  if (firstCreated === undefined) return;
  const stopAt = path.dirname(firstCreated);
  for (let current = dir; current !== stopAt && current !== path.dirname(current); ) {
    current = path.dirname(current);
    await fsyncDirectory(current);
  }
}
