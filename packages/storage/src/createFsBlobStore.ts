import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertValidKey, assertValidPrefix, RESERVED_TMP_SEGMENT } from './assertValidKey.js';
import { type BlobInfo, BlobNotFoundError, type BlobStore, type PutResult } from './BlobStore.js';
import { isMissing } from './isMissing.js';
import { listFsObjects } from './listFsObjects.js';
import { renameIntoPlace, writeFileDurably } from './writeFileDurably.js';

/**
 * Temporary files older than this were left by a process that died mid-put. Younger ones may belong
 * to a put still running in another process sharing the folder, so they are left alone.
 */
const STALE_TMP_MS = 60 * 60 * 1000;

/**
 * A BlobStore in a local folder, the embedded default. Each object is one file at `<root>/<key>`;
 * puts go through `<root>/.tmp/` so a crash never leaves part of an object under a key. The content
 * type given to put is not kept: nothing reads it back from this store.
 */
export async function createFsBlobStore(root: string): Promise<BlobStore> {
  const rootDir = path.resolve(root);
  const tmpDir = path.join(rootDir, RESERVED_TMP_SEGMENT);
  await mkdir(tmpDir, { recursive: true });
  await removeStaleTmpFiles(tmpDir);

  const fileFor = (key: string): string => {
    assertValidKey(key);
    return path.join(rootDir, key);
  };

  return {
    kind: 'fs',

    async put(key: string, body: Buffer | Readable): Promise<PutResult> {
      const written = await writeFileDurably(tmpDir, fileFor(key), body);
      return { key, ...written };
    },

    async adoptFile(key, file) {
      const target = fileFor(key);
      const handle = await open(file.path, 'r+');
      try {
        await handle.chmod(0o644);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await renameIntoPlace(file.path, target);
      } catch (error) {
        // Another filesystem (a spool directory mounted elsewhere): copy it instead.
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        const written = await writeFileDurably(tmpDir, target, createReadStream(file.path));
        await rm(file.path, { force: true });
        return { key, ...written };
      }
      return { key, size: file.size, sha256: file.sha256 };
    },

    async get(key: string): Promise<Readable> {
      const handle = await openObject(fileFor(key), key);
      return handle.createReadStream();
    },

    async getBuffer(key: string): Promise<Buffer> {
      const handle = await openObject(fileFor(key), key);
      try {
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },

    async head(key: string): Promise<BlobInfo | null> {
      try {
        const stats = await stat(fileFor(key));
        return stats.isFile() ? { key, size: stats.size, lastModified: stats.mtime } : null;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async delete(key: string): Promise<void> {
      const file = fileFor(key);
      try {
        await unlink(file);
      } catch (error) {
        // EISDIR/EPERM: the key names a directory, which holds other objects but is not one itself.
        const code = (error as NodeJS.ErrnoException).code;
        if (isMissing(error) || code === 'EISDIR' || code === 'EPERM') return;
        throw error;
      }
      await pruneEmptyDirectories(rootDir, path.dirname(file));
    },

    async *list(prefix: string): AsyncIterable<BlobInfo> {
      assertValidPrefix(prefix);
      yield* listFsObjects(rootDir, prefix);
    },

    async ping(): Promise<void> {
      // Writing is the only reliable test: access(W_OK) misses a full disk and some read-only mounts.
      const probe = path.join(tmpDir, `ping-${randomUUID()}`);
      await writeFile(probe, '');
      await rm(probe, { force: true });
    },
  };
}

async function openObject(file: string, key: string): Promise<FileHandle> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw isMissing(error) ? new BlobNotFoundError(key) : error;
  });
  try {
    // A directory opens fine on Linux but is not an object: it only holds other keys.
    if ((await handle.stat()).isFile()) return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
  await handle.close();
  throw new BlobNotFoundError(key);
}

/**
 * Empty directories left by deletes would pile up over years of studies. rmdir refuses non-empty
 * ones, and a put racing with this recreates its directory (see writeFileDurably).
 */
async function pruneEmptyDirectories(rootDir: string, dir: string): Promise<void> {
  for (let current = dir; current.startsWith(rootDir + path.sep); current = path.dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
  }
}

async function removeStaleTmpFiles(tmpDir: string): Promise<void> {
  const cutoff = Date.now() - STALE_TMP_MS;
  for (const name of await readdir(tmpDir)) {
    const file = path.join(tmpDir, name);
    const stats = await stat(file).catch(() => null);
    if (stats?.isFile() && stats.mtimeMs < cutoff) await unlink(file).catch(() => undefined);
  }
}
