import { open } from 'node:fs/promises';

/**
 * fsync on a directory makes its entries (a rename into it, a new subdirectory) survive a power
 * loss; fsync on the file alone does not.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
