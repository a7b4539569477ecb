import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import type { S3rverEvent } from 's3rver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { BlobStore } from './BlobStore.js';
import { createBlobStore } from './createBlobStore.js';
import { createS3BlobStore, type S3Options } from './createS3BlobStore.js';
import {
  describeBlobStoreContract,
  failingStream,
  listKeys,
  readAll,
  sha256Hex,
} from './testing/describeBlobStoreContract.js';
import { type RunningS3rver, startS3rver } from './testing/startS3rver.js';

// s3rver is a correctness peer, not a performance or durability one: see startS3rver for what it
// does not do. These tests show the store speaks S3 correctly; they say nothing about speed.
let s3: RunningS3rver;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3.stop();
});

const MiB = 1024 * 1024;

function options(bucket: string): S3Options {
  return {
    endPoint: s3.endPoint,
    port: s3.port,
    useSSL: false,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    bucket,
    region: 'us-east-1',
  };
}

const adminClient = () => new Client({ ...options('unused'), pathStyle: true });

/** Each test gets its own bucket, so tests are independent and can run in any order. */
const newBucket = () => `telerad-test-${randomUUID().slice(0, 13)}`;

async function removeBucket(bucket: string): Promise<void> {
  const client = adminClient();
  if (!(await client.bucketExists(bucket))) return;
  const names: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) if (item.name) names.push(item.name);
  // One at a time: s3rver's multi-object delete prunes shared parent folders concurrently and
  // answers 500 when two deletes race for the same one.
  for (const name of names) await client.removeObject(bucket, name);
  await client.removeBucket(bucket);
}

describeBlobStoreContract('S3BlobStore', async () => {
  const bucket = newBucket();
  return { store: createS3BlobStore(options(bucket)), cleanup: () => removeBucket(bucket) };
});

describe('S3BlobStore against s3rver', () => {
  let bucket: string;
  let store: BlobStore;
  const events: string[] = [];
  const recordEvent = (event: S3rverEvent) => {
    for (const record of event.Records) events.push(`${record.eventName} ${record.s3.object.key}`);
  };
  beforeEach(() => {
    bucket = newBucket();
    store = createS3BlobStore(options(bucket));
    events.length = 0;
    s3.server.on('event', recordEvent);
  });
  afterEach(async () => {
    s3.server.off('event', recordEvent);
    await removeBucket(bucket);
  });

  test('the bucket is created on first use', async () => {
    const client = adminClient();
    expect(await client.bucketExists(bucket)).toBe(false);
    await store.put('a.dcm', Buffer.from('a'));
    expect(await client.bucketExists(bucket)).toBe(true);
  });

  test('ping creates a missing bucket, so /healthz is green before the first upload', async () => {
    await store.ping();
    expect(await adminClient().bucketExists(bucket)).toBe(true);
    await removeBucket(bucket);
    await store.ping();
    expect(await adminClient().bucketExists(bucket)).toBe(true);
  });

  test('the SHA-256 and content type are stored as object metadata', async () => {
    const bytes = Buffer.from('a small DICOM file');
    const { sha256 } = await store.put('studies/1/2/3.dcm', bytes, { contentType: 'application/dicom' });
    const stat = await adminClient().statObject(bucket, 'studies/1/2/3.dcm');
    expect(stat.metaData).toMatchObject({ sha256: sha256Hex(bytes), 'content-type': 'application/dicom' });
    expect(sha256).toBe(sha256Hex(bytes));
    expect(events).toEqual(['ObjectCreated:Put studies/1/2/3.dcm']);
  });

  test('a 40 MB stream goes up in parts and round-trips with the right SHA-256 and metadata', async () => {
    const bytes = randomBytes(40 * 1000 * 1000);
    // Uneven chunks, so parts are assembled across chunk boundaries.
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < bytes.length; offset += 777_777)
      chunks.push(bytes.subarray(offset, offset + 777_777));
    const result = await store.put('studies/big/ct.dcm', Readable.from(chunks), { contentType: 'application/dicom' });

    expect(result).toEqual({ key: 'studies/big/ct.dcm', size: bytes.length, sha256: sha256Hex(bytes) });
    // Multipart completion is a POST to S3; the metadata is then added by a copy onto itself.
    expect(events).toEqual(['ObjectCreated:Post studies/big/ct.dcm', 'ObjectCreated:Copy studies/big/ct.dcm']);
    expect(sha256Hex(await readAll(await store.get('studies/big/ct.dcm')))).toBe(sha256Hex(bytes));
    const stat = await adminClient().statObject(bucket, 'studies/big/ct.dcm');
    expect(stat.size).toBe(bytes.length);
    expect(stat.metaData).toMatchObject({ sha256: sha256Hex(bytes), 'content-type': 'application/dicom' });
  });

  test('a Buffer larger than one part is uploaded in parts too', async () => {
    const bytes = randomBytes(17 * MiB);
    const result = await store.put('big.bin', bytes);
    expect(result.sha256).toBe(sha256Hex(bytes));
    expect(events[0]).toBe('ObjectCreated:Post big.bin');
    expect(sha256Hex(await store.getBuffer('big.bin'))).toBe(sha256Hex(bytes));
  });

  test('a stream failing after several parts leaves nothing under the key', async () => {
    const parts = Array.from({ length: 20 }, () => randomBytes(2 * MiB));
    await expect(store.put('studies/f/big.dcm', failingStream(parts, new Error('link down')))).rejects.toThrow(
      'link down',
    );
    expect(await store.head('studies/f/big.dcm')).toBeNull();
    expect(await listKeys(store, '')).toEqual([]);
  });

  test('a part size below the S3 minimum is refused at creation', () => {
    expect(() => createS3BlobStore({ ...options(bucket), partSize: MiB })).toThrow(RangeError);
  });

  test('createBlobStore builds the S3 store from the same options', async () => {
    const viaConfig = await createBlobStore({ kind: 's3', ...options(bucket) });
    expect(viaConfig.kind).toBe('s3');
    await viaConfig.put('c.dcm', Buffer.from('c'));
    expect((await store.getBuffer('c.dcm')).toString()).toBe('c');
  });
});
