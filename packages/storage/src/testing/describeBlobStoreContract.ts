import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BlobNotFoundError, type BlobStore, InvalidBlobKeyError } from '../BlobStore.js';

export interface BlobStoreFixture {
  store: BlobStore;
  /** Removes everything the fixture created (folder, bucket). */
  cleanup(): Promise<void>;
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream that yields `chunks` and then fails, as a client dropping mid-upload does. */
export function failingStream(chunks: Buffer[], error: Error): Readable {
  return Readable.from(
    (async function* () {
      for (const chunk of chunks) yield chunk;
      throw error;
    })(),
  );
}

export async function listKeys(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys;
}

/** Keys whose byte order differs from a walk of sorted directory names ('-' < '.' < '/'). */
export const LIST_KEYS = [
  'studies/1.2/a/x.dcm',
  'studies/1.2.3/b.dcm',
  'studies/1.2-9/c.dcm',
  'studies/1.3/d.dcm',
  'z.txt',
];

const INVALID_KEYS = [
  '',
  '/studies/a.dcm',
  '../escape.dcm',
  'studies/../../escape.dcm',
  'studies/./a.dcm',
  'studies//a.dcm',
  'studies/a/',
  'studies\\a.dcm',
  'studies/a\u0000.dcm',
  '.tmp/a.dcm',
  `studies/${'x'.repeat(256)}`,
];

/**
 * The behaviour every BlobStore must share, so code above it cannot tell the filesystem store from
 * the S3 one. `factory` gives each test a fresh, empty store.
 */
export function describeBlobStoreContract(name: string, factory: () => Promise<BlobStoreFixture>): void {
  describe(`${name} (BlobStore contract)`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;
    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    test('a Buffer round-trips, with its size and SHA-256 reported', async () => {
      const bytes = Buffer.from('DICM, more or less');
      const key = 'studies/1.2.3/1.2.3.4/1.2.3.4.5.dcm';
      await expect(store.put(key, bytes, { contentType: 'application/dicom' })).resolves.toEqual({
        key,
        size: bytes.length,
        sha256: sha256Hex(bytes),
      });
      expect(await store.getBuffer(key)).toEqual(bytes);
      expect(await readAll(await store.get(key))).toEqual(bytes);
    });

    test('a Readable round-trips chunk by chunk, with its SHA-256 computed while streaming', async () => {
      const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000 + i, i));
      const bytes = Buffer.concat(chunks);
      const result = await store.put('previews/p.jpg', Readable.from(chunks));
      expect(result).toEqual({ key: 'previews/p.jpg', size: bytes.length, sha256: sha256Hex(bytes) });
      expect(sha256Hex(await readAll(await store.get('previews/p.jpg')))).toBe(sha256Hex(bytes));
    });

    test('an empty body is a valid, empty object', async () => {
      const result = await store.put('empty.bin', Readable.from([]));
      expect(result).toEqual({ key: 'empty.bin', size: 0, sha256: sha256Hex(Buffer.alloc(0)) });
      expect(await store.getBuffer('empty.bin')).toEqual(Buffer.alloc(0));
      expect((await store.head('empty.bin'))?.size).toBe(0);
    });

    test('a put replaces what was under the key', async () => {
      await store.put('a.dcm', Buffer.from('first version, longer'));
      await store.put('a.dcm', Buffer.from('second'));
      expect((await store.getBuffer('a.dcm')).toString()).toBe('second');
      expect((await store.head('a.dcm'))?.size).toBe(6);
    });

    test('head gives size and date of a present object, null for an absent one', async () => {
      const before = Date.now();
      await store.put('studies/x/y.dcm', Buffer.alloc(1234, 7));
      const info = await store.head('studies/x/y.dcm');
      expect(info).toMatchObject({ key: 'studies/x/y.dcm', size: 1234 });
      expect(info?.lastModified).toBeInstanceOf(Date);
      // S3 dates have one-second resolution.
      expect(info?.lastModified.getTime()).toBeGreaterThan(before - 2000);
      expect(await store.head('studies/x/absent.dcm')).toBeNull();
      expect(await store.head('studies/x')).toBeNull();
    });

    test('get and getBuffer of an absent key reject with BlobNotFoundError', async () => {
      await store.put('studies/x/y.dcm', Buffer.from('y'));
      for (const key of ['studies/x/absent.dcm', 'never/was.dcm', 'studies/x']) {
        await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(store.getBuffer(key)).rejects.toMatchObject({ name: 'BlobNotFoundError', key });
      }
    });

    test('delete removes the object and is idempotent', async () => {
      await store.put('studies/s/1.dcm', Buffer.from('1'));
      await store.put('studies/s/2.dcm', Buffer.from('2'));
      await store.delete('studies/s/1.dcm');
      await store.delete('studies/s/1.dcm');
      await store.delete('never/there.dcm');
      expect(await store.head('studies/s/1.dcm')).toBeNull();
      expect(await listKeys(store, '')).toEqual(['studies/s/2.dcm']);
      await store.delete('studies/s/2.dcm');
      expect(await listKeys(store, '')).toEqual([]);
      // The key's former directory is gone or empty; a new put there must still work.
      await store.put('studies/s/3.dcm', Buffer.from('3'));
      expect((await store.getBuffer('studies/s/3.dcm')).toString()).toBe('3');
    });

    test('list walks every key under a string prefix', async () => {
      for (const key of LIST_KEYS) await store.put(key, Buffer.from(key));
      // Sorted here because s3rver does not list in S3's byte order; the fs store's order is
      // checked in its own tests.
      const sortedKeys = async (prefix: string) => (await listKeys(store, prefix)).sort();
      expect(await sortedKeys('')).toEqual([...LIST_KEYS].sort());
      expect(await sortedKeys('studies/1.2')).toEqual([
        'studies/1.2-9/c.dcm',
        'studies/1.2.3/b.dcm',
        'studies/1.2/a/x.dcm',
      ]);
      expect(await sortedKeys('studies/1.2/')).toEqual(['studies/1.2/a/x.dcm']);
      expect(await sortedKeys('studies/1.2/a/x.dcm')).toEqual(['studies/1.2/a/x.dcm']);
      expect(await sortedKeys('studies/9')).toEqual([]);
      expect(await sortedKeys('nowhere/at/all/')).toEqual([]);
      const infos = [];
      for await (const info of store.list('z')) infos.push(info);
      const [first] = infos;
      expect(infos).toHaveLength(1);
      expect(first).toMatchObject({ key: 'z.txt', size: 5 });
      expect(first?.lastModified).toBeInstanceOf(Date);
    });

    test.each(INVALID_KEYS)('the key %j is refused by every method', async (key) => {
      await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.getBuffer(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.head(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    test('a list prefix that climbs out of the store is refused', async () => {
      for (const prefix of ['/', '../', 'studies/../../', 'a//b', '.tmp/']) {
        await expect(listKeys(store, prefix)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
    });

    test('a source stream that fails leaves nothing under the key', async () => {
      const failure = new Error('client went away');
      await expect(
        store.put('studies/f/1.dcm', failingStream([Buffer.alloc(100_000, 1), Buffer.alloc(100_000, 2)], failure)),
      ).rejects.toBe(failure);
      expect(await store.head('studies/f/1.dcm')).toBeNull();
      expect(await listKeys(store, '')).toEqual([]);
    });

    test('a failed put over an existing object leaves the old object whole', async () => {
      const old = Buffer.alloc(50_000, 9);
      await store.put('studies/f/1.dcm', old);
      await expect(
        store.put('studies/f/1.dcm', failingStream([Buffer.alloc(10, 1)], new Error('cut'))),
      ).rejects.toThrow('cut');
      expect(sha256Hex(await store.getBuffer('studies/f/1.dcm'))).toBe(sha256Hex(old));
    });

    test('ping resolves on a working store', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
