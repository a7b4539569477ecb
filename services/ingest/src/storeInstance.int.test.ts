import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDxInstance, newUid, rewriteElements } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { InstanceBytes } from './instanceBytes.js';
import { InstanceRejectedError, storeInstance } from './storeInstance.js';

/** Intake rules a township relies on, against real PostgreSQL, Redis and the object store. */
describe('storeInstance', () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let clinicA: string;
  let clinicB: string;

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    const clinics = await runtime.db.db.selectFrom('clinic').select(['id', 'code']).execute();
    clinicA = clinics.find((c) => c.code === 'clinic-a')?.id ?? '';
    clinicB = clinics.find((c) => c.code === 'clinic-b')?.id ?? '';
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    await cleanup?.();
  });

  const send = (bytes: InstanceBytes, clinicId = clinicA) =>
    storeInstance(runtime, bytes, { clinicId, actor: 'clinic:test', channel: 'stow-rs' });
  const instances = (sopInstanceUid: string) =>
    runtime.db.db.selectFrom('instance').selectAll().where('sop_instance_uid', '=', sopInstanceUid).execute();

  test('the same instance twice is one stored instance and two successes', async () => {
    const bytes = createDxInstance();
    const first = await send(bytes);
    const second = await send(bytes);
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, studyId: first.studyId });
    expect(await instances(first.sopInstanceUid)).toHaveLength(1);
    const study = await runtime.db.db
      .selectFrom('study')
      .select('instance_count')
      .where('id', '=', first.studyId)
      .executeTakeFirstOrThrow();
    expect(study.instance_count).toBe(1);
  });

  test('a stored instance asks for its previews once, by id only, and starts pending', async () => {
    const bytes = createDxInstance();
    const stored = await send(bytes);
    await send(bytes);
    const [row] = await instances(stored.sopInstanceUid);
    expect(row?.preview_status).toBe('pending');
    const job = await runtime.queues.render.getJob(`render-${row?.id}`);
    expect(job?.data).toEqual({ instanceId: row?.id });
    const all = await runtime.queues.render.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(all.filter((j) => j.data.instanceId === row?.id)).toHaveLength(1);
  });

  test('the same SOP Instance UID with other bytes keeps the original, refuses the new one and audits it', async () => {
    const sopInstanceUid = newUid();
    const studyInstanceUid = newUid();
    const original = createDxInstance({ sopInstanceUid, studyInstanceUid, patientId: 'ORIGINAL' });
    const changed = createDxInstance({ sopInstanceUid, studyInstanceUid, patientId: 'CHANGED' });
    const stored = await send(original);
    await expect(send(changed)).rejects.toThrow(/already stored with different content; the original is kept/);
    const [row] = await instances(sopInstanceUid);
    expect((await runtime.store.getBuffer(row?.blob_key ?? '')).equals(original)).toBe(true);
    const audit = await runtime.db.db
      .selectFrom('audit_event')
      .select(['action', 'actor'])
      .where('study_id', '=', stored.studyId)
      .where('action', '=', 'instance.conflict')
      .execute();
    expect(audit).toEqual([{ action: 'instance.conflict', actor: 'clinic:test' }]);
  });

  test("another clinic cannot add to or overwrite a clinic's study", async () => {
    const studyInstanceUid = newUid();
    await send(createDxInstance({ studyInstanceUid }));
    const other = createDxInstance({ studyInstanceUid });
    await expect(send(other, clinicB)).rejects.toBeInstanceOf(InstanceRejectedError);
    const study = await runtime.db.db
      .selectFrom('study')
      .select(['instance_count', 'clinic_id'])
      .where('study_instance_uid', '=', studyInstanceUid)
      .executeTakeFirstOrThrow();
    expect(study).toEqual({ instance_count: 1, clinic_id: clinicA });
  });

  test('an image arriving after the study is complete joins it and marks it for the reader', async () => {
    const studyInstanceUid = newUid();
    const first = await send(createDxInstance({ studyInstanceUid }));
    expect(
      (
        await runtime.db.db
          .selectFrom('study')
          .select('late_instance_at')
          .where('id', '=', first.studyId)
          .executeTakeFirstOrThrow()
      ).late_instance_at,
    ).toBeNull();
    await runtime.db.db
      .updateTable('study')
      .set({ status: 'reading', ready_at: new Date() })
      .where('id', '=', first.studyId)
      .execute();
    await send(createDxInstance({ studyInstanceUid }));
    const study = await runtime.db.db
      .selectFrom('study')
      .select(['instance_count', 'status', 'late_instance_at'])
      .where('id', '=', first.studyId)
      .executeTakeFirstOrThrow();
    expect(study.instance_count).toBe(2);
    expect(study.status).toBe('reading');
    expect(study.late_instance_at).toBeInstanceOf(Date);
  });

  test("GBK names from a modality that declares no character set are read with the clinic's default", async () => {
    // clinic-a's region entry says GB18030; write the name's GBK bytes with no (0008,0005).
    const gbk = Buffer.from([0xcd, 0xf5, 0x5e, 0xd0, 0xa1, 0xb6, 0xab]); // 王^小东 in GBK
    const file = rewriteElements(createDxInstance({ patientName: 'X^Y' }), ({ tag }) =>
      tag === 'x00100010' ? gbk : tag === 'x00080005' ? null : undefined,
    );
    const stored = await send(file);
    const study = await runtime.db.db
      .selectFrom('study')
      .select(['patient_name', 'patient_name_search'])
      .where('id', '=', stored.studyId)
      .executeTakeFirstOrThrow();
    expect(study.patient_name).toBe('王小东');
    expect(study.patient_name_search.split(' ')).toEqual(expect.arrayContaining(['王小东', 'wangxiaodong', 'wxd']));
    // The stored file keeps the modality's original bytes.
    const [row] = await instances(stored.sopInstanceUid);
    expect((await runtime.store.getBuffer(row?.blob_key ?? '')).equals(file)).toBe(true);
  });

  describe('from a spool file', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'store-file-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const spooled = async (bytes: Buffer) => {
      const filePath = path.join(dir, `${newUid()}.spool`);
      await writeFile(filePath, bytes);
      return { path: filePath, size: bytes.length };
    };
    /** The index rows, without what differs between two stores of the same image. */
    const rowsOf = async (sopInstanceUid: string) => {
      const [row] = await instances(sopInstanceUid);
      const {
        id: _id,
        study_id: _study,
        series_id: _series,
        received_at: _at,
        received_via: _via,
        ...rest
      } = row as NonNullable<typeof row> & Record<string, unknown>;
      return rest;
    };

    test('stores the same blob and the same index rows as from a Buffer', async () => {
      const viaBuffer = createDxInstance({ rows: 1024, columns: 1024, patientId: 'FILE-1' });
      const viaFile = createDxInstance({ rows: 1024, columns: 1024, patientId: 'FILE-1' });
      const fromBuffer = await send(viaBuffer);
      const fromFile = await send(await spooled(viaFile));
      expect(fromFile.duplicate).toBe(false);
      const [row] = await instances(fromFile.sopInstanceUid);
      expect((await runtime.store.getBuffer(row?.blob_key ?? '')).equals(viaFile)).toBe(true);
      const a = await rowsOf(fromBuffer.sopInstanceUid);
      const b = await rowsOf(fromFile.sopInstanceUid);
      expect(b).toMatchObject({ size_bytes: String(viaFile.length), rows: 1024, columns: 1024, number_of_frames: 1 });
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      // Each row records its own file's size (the two differ by their random UIDs' lengths).
      expect(a.size_bytes).toBe(String(viaBuffer.length));
      for (const key of ['rows', 'columns', 'transfer_syntax_uid', 'sop_class_uid', 'number_of_frames']) {
        expect(b[key as keyof typeof b], key).toEqual(a[key as keyof typeof a]);
      }
    });

    test('the same file again is a duplicate; other bytes under its UID are a conflict', async () => {
      const sopInstanceUid = newUid();
      const studyInstanceUid = newUid();
      const original = createDxInstance({ sopInstanceUid, studyInstanceUid, patientId: 'FILE-ORIG' });
      const changed = createDxInstance({ sopInstanceUid, studyInstanceUid, patientId: 'FILE-CHANGED' });
      const first = await send(await spooled(original));
      expect((await send(await spooled(original))).duplicate).toBe(true);
      expect((await send(original)).duplicate).toBe(true);
      await expect(send(await spooled(changed))).rejects.toThrow(/already stored with different content/);
      expect(await instances(first.sopInstanceUid)).toHaveLength(1);
    });

    test('a truncated file is refused as truncated, like the Buffer', async () => {
      const file = createDxInstance({ rows: 1024, columns: 1024 });
      const cut = file.subarray(0, file.length - 1000);
      await expect(send(await spooled(cut))).rejects.toMatchObject({ reason: 'truncated' });
    });
  });
});
