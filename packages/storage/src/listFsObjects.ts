import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { RESERVED_TMP_SEGMENT } from './assertValidKey.js';
import type { BlobInfo } from './BlobStore.js';
import { isMissing } from './isMissing.js';

/**
 * Objects under `root` whose key starts with `prefix`, in the byte-wise key order S3 lists in.
 * Only the directory the prefix names is walked, not the whole store. `prefix` must have passed
 * assertValidPrefix.
 */
export async function* listFsObjects(root: string, prefix: string): AsyncGenerator<BlobInfo> {
  const startDir = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  yield* walk(root, startDir, prefix);
}

async function* walk(root: string, dirKey: string, prefix: string): AsyncGenerator<BlobInfo> {
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(root, dirKey), { withFileTypes: true });
  } catch (error) {
    // The prefix names a directory that does not exist (or was just pruned): nothing to list.
    if (isMissing(error)) return;
    throw error;
  }
  for (const { name, key, isDirectory } of sortedEntries(entries, dirKey)) {
    if (isDirectory) {
      if (dirKey === '' && name === RESERVED_TMP_SEGMENT) continue;
      // The walk starts in the prefix's directory, so a subtree matches exactly when its key does.
      if (key.startsWith(prefix)) yield* walk(root, key, prefix);
    } else if (key.startsWith(prefix)) {
      const info = await statObject(root, key);
      if (info !== null) yield info;
    }
  }
}

interface Entry {
  name: string;
  key: string;
  isDirectory: boolean;
}

/**
 * Sorting siblings by name alone is not key order: `a/x` sorts after `a.b` because '/' > '.'.
 * Sorting directories as `name/` gives exactly the order of the keys beneath them.
 */
function sortedEntries(entries: Dirent[], dirKey: string): Entry[] {
  return entries
    .filter((entry) => entry.isFile() || entry.isDirectory())
    .map((entry) => {
      const isDirectory = entry.isDirectory();
      return { name: entry.name, key: `${dirKey}${entry.name}${isDirectory ? '/' : ''}`, isDirectory };
    })
    .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}

async function statObject(root: string, key: string): Promise<BlobInfo | null> {
  try {
    const stats = await stat(path.join(root, key));
    return { key, size: stats.size, lastModified: stats.mtime };
  } catch (error) {
    // Deleted between readdir and stat: it is simply no longer there.
    if (isMissing(error)) return null;
    throw error;
  }
}
