import { createDxInstance } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { previewKeysOf } from './previewKeys.js';
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

test('files whose index row never committed are removed, with their previews; indexed and recent files stay', async () => {
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
  const keptRow = await runtime.db.db
    .selectFrom('instance')
    .select('blob_key')
    .where('sop_instance_uid', '=', kept.sopInstanceUid)
    .executeTakeFirstOrThrow();
  const keptPreview = previewKeysOf(keptRow.blob_key).preview;
  await runtime.store.put(keptPreview, Buffer.from('a preview of an indexed instance'));
  const orphanPreview = previewKeysOf(orphanKey).thumbnail;
  await runtime.store.put(orphanPreview, Buffer.from('a thumbnail of an instance never indexed'));
  const orphanKept = previewKeysOf(orphanKey).kept;
  await runtime.store.put(orphanKept, Buffer.from('the kept frame of an instance never indexed'));
  const keptFrame = previewKeysOf(keptRow.blob_key).kept;
  await runtime.store.put(keptFrame, Buffer.from('the kept frame of an indexed instance'));

  // Too recent to judge: nothing happens.
  expect(await sweepOrphanBlobs(runtime, { olderThanMs: 3_600_000 })).toEqual({ examined: 6, deleted: 0 });
  expect(await runtime.store.head(orphanKey)).not.toBeNull();

  const later = new Date(Date.now() + 2 * 3_600_000);
  expect(await sweepOrphanBlobs(runtime, { olderThanMs: 3_600_000, now: later })).toEqual({ examined: 6, deleted: 3 });
  expect(await runtime.store.head(orphanKey)).toBeNull();
  expect(await runtime.store.head(orphanPreview)).toBeNull();
  expect(await runtime.store.head(orphanKept)).toBeNull();
  expect(await runtime.store.head(keptPreview)).not.toBeNull();
  expect(await runtime.store.head(keptFrame)).not.toBeNull();
  const row = await runtime.db.db
    .selectFrom('instance')
    .select('blob_key')
    .where('sop_instance_uid', '=', kept.sopInstanceUid)
    .executeTakeFirstOrThrow();
  expect(await runtime.store.head(row.blob_key)).not.toBeNull();
});

test('spool files left by a crashed process are removed once they are old', async () => {
  const { mkdir, writeFile, utimes, readdir } = await import('node:fs/promises');
  const { spoolDirOf } = await import('./instanceBytes.js');
  const { sweepSpool } = await import('./sweepOrphanBlobs.js');
  const dir = spoolDirOf(runtime.config.dataDir);
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/stale.spool`, 'half an instance');
  await writeFile(`${dir}/fresh.spool`, 'an instance arriving now');
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  await utimes(`${dir}/stale.spool`, twoHoursAgo, twoHoursAgo);
  expect(await sweepSpool(runtime.config.dataDir, 3_600_000)).toBe(1);
  expect(await readdir(dir)).toEqual(['fresh.spool']);
});
