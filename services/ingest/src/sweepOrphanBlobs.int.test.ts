import { createDxInstance } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { blobKeyOf, storeInstance } from './storeInstance.js';
import { sweepOrphanBlobs } from './sweepOrphanBlobs.js';

let runtime: Runtime;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await testConfig({ database: 'postgres' });
  cleanup = t.cleanup;
  runtime = await openRuntime(t.config);
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await cleanup?.();
});

test('files whose index row never committed are removed; indexed and recent files stay', async () => {
  const clinic = await runtime.db.db
    .selectFrom('clinic')
    .select('id')
    .where('code', '=', 'clinic-a')
    .executeTakeFirstOrThrow();
  const kept = await storeInstance(runtime, createDxInstance(), {
    clinicId: clinic.id,
    actor: 'clinic:test',
    channel: 'stow-rs',
  });
  const orphanKey = blobKeyOf({
    studyInstanceUid: '2.25.1',
    seriesInstanceUid: '2.25.1.1',
    sopInstanceUid: '2.25.1.1.1',
  });
  await runtime.store.put(orphanKey, Buffer.from('bytes of an instance whose transaction failed'));

  // Too recent to judge: nothing happens.
  expect(await sweepOrphanBlobs(runtime, { olderThanMs: 3_600_000 })).toEqual({ examined: 2, deleted: 0 });
  expect(await runtime.store.head(orphanKey)).not.toBeNull();

  const later = new Date(Date.now() + 2 * 3_600_000);
  expect(await sweepOrphanBlobs(runtime, { olderThanMs: 3_600_000, now: later })).toEqual({ examined: 2, deleted: 1 });
  expect(await runtime.store.head(orphanKey)).toBeNull();
  const row = await runtime.db.db
    .selectFrom('instance')
    .select('blob_key')
    .where('sop_instance_uid', '=', kept.sopInstanceUid)
    .executeTakeFirstOrThrow();
  expect(await runtime.store.head(row.blob_key)).not.toBeNull();
});
