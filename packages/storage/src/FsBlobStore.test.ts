import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BlobNotFoundError, type BlobStore } from './BlobStore.js';
import { createBlobStore } from './createBlobStore.js';
import { createFsBlobStore } from './createFsBlobStore.js';
import { describeBlobStoreContract, failingStream, LIST_KEYS, listKeys } from './testing/describeBlobStoreContract.js';

const tempRoot = () => mkdtemp(path.join(os.tmpdir(), 'telerad-fsblob-'));

describeBlobStoreContract('FsBlobStore', async () => {
  const root = await tempRoot();
  return { store: await createFsBlobStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('FsBlobStore on disk', () => {
  let root: string;
  let store: BlobStore;
  beforeEach(async () => {
    root = await tempRoot();
    store = await createFsBlobStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('an object is one plain file at <root>/<key>', async () => {
    await store.put('studies/1.2/3.4/5.6.dcm', Buffer.from('bytes'));
    expect(await readFile(path.join(root, 'studies/1.2/3.4/5.6.dcm'), 'utf8')).toBe('bytes');
  });

  test('adoptFile moves a finished file under the key without copying it', async () => {
    const spooled = path.join(root, '..', `${path.basename(root)}-spool`);
    await writeFile(spooled, 'spooled bytes', { mode: 0o600 });
    const before = await stat(spooled);
    const result = await store.adoptFile?.('studies/a/b/c.dcm', { path: spooled, size: 13, sha256: 'given' });
    expect(result).toEqual({ key: 'studies/a/b/c.dcm', size: 13, sha256: 'given' });
    const adopted = await stat(path.join(root, 'studies/a/b/c.dcm'));
    expect(adopted.ino).toBe(before.ino);
    expect(adopted.mode & 0o777).toBe(0o644);
    expect((await store.getBuffer('studies/a/b/c.dcm')).toString()).toBe('spooled bytes');
    await expect(stat(spooled)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('a failed put leaves no temporary file behind', async () => {
    await expect(
      store.put('studies/f/1.dcm', failingStream([Buffer.alloc(70_000, 1)], new Error('reset'))),
    ).rejects.toThrow('reset');
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
    await expect(stat(path.join(root, 'studies/f/1.dcm'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('list yields keys in byte-wise order, as S3 does, not in directory-walk order', async () => {
    for (const key of LIST_KEYS) await store.put(key, Buffer.from(key));
    const byteOrder = [...LIST_KEYS].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(byteOrder[0]).toBe('studies/1.2-9/c.dcm');
    expect(await listKeys(store, '')).toEqual(byteOrder);
    expect(await listKeys(store, 'studies/1.')).toEqual(byteOrder.slice(0, 4));
  });

  test('list never shows files in .tmp', async () => {
    await writeFile(path.join(root, '.tmp', 'in-progress.part'), 'half an object');
    await store.put('a.dcm', Buffer.from('a'));
    expect(await listKeys(store, '')).toEqual(['a.dcm']);
    expect(await listKeys(store, '.tmp')).toEqual([]);
  });

  test('opening the store clears temporary files a crashed put left over an hour ago, and only those', async () => {
    const stale = path.join(root, '.tmp', 'stale.part');
    const fresh = path.join(root, '.tmp', 'fresh.part');
    await writeFile(stale, 'x');
    await writeFile(fresh, 'y');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    await createFsBlobStore(root);
    expect(await readdir(path.join(root, '.tmp'))).toEqual(['fresh.part']);
  });

  test('delete prunes directories it empties, but not the root or non-empty ones', async () => {
    await store.put('studies/s1/x/1.dcm', Buffer.from('1'));
    await store.put('studies/s2/2.dcm', Buffer.from('2'));
    await store.delete('studies/s1/x/1.dcm');
    expect((await readdir(path.join(root, 'studies'))).sort()).toEqual(['s2']);
    await store.delete('studies/s2/2.dcm');
    expect((await readdir(root)).sort()).toEqual(['.tmp']);
  });

  test('a directory is not an object: get, head and delete treat it as absent', async () => {
    await store.put('studies/s/1.dcm', Buffer.from('1'));
    await expect(store.get('studies/s')).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.head('studies')).toBeNull();
    await store.delete('studies/s');
    expect(await store.getBuffer('studies/s/1.dcm')).toEqual(Buffer.from('1'));
  });

  test('the root is resolved once, so a relative root keeps working if the process changes directory', async () => {
    const relative = path.relative(process.cwd(), root);
    const relStore = await createFsBlobStore(relative);
    await relStore.put('r.dcm', Buffer.from('r'));
    expect(await readFile(path.join(root, 'r.dcm'), 'utf8')).toBe('r');
  });

  test('ping rejects once the folder is gone', async () => {
    await rm(root, { recursive: true, force: true });
    await expect(store.ping()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('many puts to one key at once leave exactly one of the complete bodies', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(200_000, i));
    await Promise.all(bodies.map((body) => store.put('race.dcm', body)));
    const stored = await store.getBuffer('race.dcm');
    expect(bodies.some((body) => body.equals(stored))).toBe(true);
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  test('createBlobStore opens the folder store for kind "fs"', async () => {
    const viaConfig = await createBlobStore({ kind: 'fs', root });
    expect(viaConfig.kind).toBe('fs');
    await viaConfig.put('c.dcm', Buffer.from('c'));
    expect((await store.getBuffer('c.dcm')).toString()).toBe('c');
  });
});
