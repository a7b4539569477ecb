import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type Priority, ValidationError } from '@telerad/core';
import { defineTransaction, type IntakeChannel, recordAudit, registerIpcErrorClass } from '@telerad/db';
import {
  type InstanceMeta,
  type ParseInstanceOptions,
  type PersonName,
  parseInstance,
  parseInstanceFile,
} from '@telerad/dicom';
import { enqueueRender, markIntakeActive, publishStudyEvent, scheduleStableCheck } from '@telerad/queue';
import { resumeStudy } from '@telerad/router';
import type { Runtime } from '@telerad/runtime';
import type { PutResult } from '@telerad/storage';
import { sql } from 'kysely';
import { type InstanceBytes, isSpooled, type SpooledFile } from './instanceBytes.js';
import { patientNameSearch } from './patientNameSearch.js';

export type IngestDeps = Pick<Runtime, 'db' | 'store' | 'queues' | 'redis' | 'logger' | 'metrics' | 'config'>;

export interface IntakeSource {
  clinicId: string;
  /** Who sent it, for the audit log: `clinic:<code>`, `user:<name>`, `ae:<AE title>`. */
  actor: string;
  channel: IntakeChannel;
  /** Priority asked for by the sender; else the clinic's default. */
  priority?: Priority;
  /**
   * UIDs the sender named outside the dataset, which the dataset must repeat: the study of a STOW-RS
   * to /studies/{uid}, the SOP Class and Instance of a C-STORE request.
   */
  expected?: { studyInstanceUid?: string; sopClassUid?: string; sopInstanceUid?: string };
}

export interface StoredInstance {
  studyId: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** True when the same instance had already been stored byte for byte. */
  duplicate: boolean;
}

/** An instance refused for a reason that a different send of the same bytes cannot fix. */
export class InstanceRejectedError extends ValidationError {
  constructor(
    message: string,
    readonly reason: 'not-dicom' | 'invalid' | 'conflict' | 'tenancy',
    readonly meta?: Pick<InstanceMeta, 'sopClassUid' | 'sopInstanceUid'>,
  ) {
    super(message);
  }
}

export const blobKeyOf = (m: Pick<InstanceMeta, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'>) =>
  `studies/${m.studyInstanceUid}/${m.seriesInstanceUid}/${m.sopInstanceUid}.dcm`;

/**
 * Stores one DICOM instance: bytes durably in object storage first, then the index rows in one
 * transaction. Only then is the instance acknowledged; if indexing fails, the caller reports a failure
 * and the orphaned object is harmless (the index never points to it).
 *
 * `bytes` is a Buffer or a spool file. A file is never read whole into memory: its header is parsed
 * from a prefix, it is streamed to the store (S3 multipart when large), and hashed as a stream for
 * the duplicate check. The caller keeps owning (and removes) the file.
 */
export async function storeInstance(
  deps: IngestDeps,
  bytes: InstanceBytes,
  source: IntakeSource,
): Promise<StoredInstance> {
  noteIntakeActive(deps);
  const clinic = await deps.db.db
    .selectFrom('clinic')
    .select(['id', 'code', 'hospital_id', 'default_priority', 'default_charset'])
    .where('id', '=', source.clinicId)
    .executeTakeFirstOrThrow();
  const parseOptions: ParseInstanceOptions = {
    // A deflated dataset may not inflate past the largest instance we take (a deflate bomb).
    maxInflatedBytes: deps.config.maxInstanceBytes,
    ...(clinic.default_charset === null ? {} : { defaultCharset: clinic.default_charset }),
  };
  const meta = isSpooled(bytes)
    ? await parseInstanceFile(bytes.path, parseOptions)
    : parseInstance(bytes, parseOptions);
  assertExpectedUids(meta, source.expected ?? {});

  const existing = await storedInstanceOf(deps, meta.sopInstanceUid);
  if (existing !== undefined) {
    return sameOrConflict(deps, existing, await sha256Of(bytes), meta, source);
  }

  const key = blobKeyOf(meta);
  const put = await putInstance(deps, key, bytes);
  const { sha256 } = put;
  const sizeBytes = isSpooled(bytes) ? put.size : bytes.length;

  const priority = source.priority ?? clinic.default_priority;
  const now = new Date();
  const result = await indexInstance(deps.db, {
    meta,
    clinic: { id: clinic.id, hospitalId: clinic.hospital_id },
    priority,
    now,
    sizeBytes,
    sha256,
    key,
    channel: source.channel,
    actor: source.actor,
  });

  if (result.raced) {
    // Another connection stored the same SOP Instance UID between our check and our insert: the
    // same bytes are a duplicate, others a conflict. (A spool file may have moved into the store.)
    const winner = await storedInstanceOf(deps, meta.sopInstanceUid);
    if (winner === undefined) throw new Error(`instance ${meta.sopInstanceUid} raced, yet no row holds it`);
    return sameOrConflict(deps, winner, sha256, meta, source);
  }
  if (result.isNew) deps.metrics.studiesReceived.inc({ priority: result.priority });
  if (result.status === 'receiving') {
    await scheduleStableCheck(deps.queues, result.studyId, deps.config.stableSeconds * 1000);
    // The clinic's study list shows a new study at once.
    if (result.isNew) await publishUpdated(deps, result.studyId);
  } else {
    // A late image for a study already complete: it joins the study; the reader sees it on refresh.
    await recordAudit(deps.db.db, {
      actor: source.actor,
      action: 'study.late-instance',
      studyId: result.studyId,
      detail: { sopInstanceUid: meta.sopInstanceUid, status: result.status },
    });
    // A new image answers a hold (the radiologist usually asked for another view): the clock runs again.
    const resumed = await resumeStudy(deps, result.studyId, {
      actor: source.actor,
      via: 'image',
      answer: `new image ${meta.sopInstanceUid}`,
    });
    if (resumed === null) await publishUpdated(deps, result.studyId);
  }
  if (result.instanceId !== null) await requestPreviews(deps, result.instanceId);
  deps.metrics.instancesReceived.inc({ channel: source.channel });
  deps.logger.debug(
    { studyId: result.studyId, sopInstanceUid: meta.sopInstanceUid, channel: source.channel },
    'instance stored',
  );
  return {
    studyId: result.studyId,
    sopClassUid: meta.sopClassUid,
    sopInstanceUid: meta.sopInstanceUid,
    studyInstanceUid: meta.studyInstanceUid,
    seriesInstanceUid: meta.seriesInstanceUid,
    duplicate: false,
  };
}

/** What a duplicate check needs of the instance already indexed under a SOP Instance UID, if any. */
function storedInstanceOf(deps: IngestDeps, sopInstanceUid: string) {
  return deps.db.db
    .selectFrom('instance')
    .innerJoin('study', 'study.id', 'instance.study_id')
    .select(['instance.sha256', 'instance.study_id', 'study.clinic_id'])
    .where('instance.sop_instance_uid', '=', sopInstanceUid)
    .executeTakeFirst();
}

/** What indexing a stored instance needs: plain data, so the process that owns the database can run it. */
interface IndexInput {
  meta: InstanceMeta;
  clinic: { id: string; hospitalId: string };
  priority: Priority;
  now: Date;
  sizeBytes: number;
  sha256: string;
  key: string;
  channel: IntakeChannel;
  actor: string;
}

/**
 * The index rows of a stored instance, in one transaction: its study and series (created or found,
 * and refused when they belong to another clinic or study), the instance (unless another connection
 * stored the same SOP Instance UID first: `raced`), the study's counts, and the audit event of a new
 * study. A defined transaction, so that from the C-STORE process of a PGlite deployment it runs whole
 * in the process that owns the database.
 */
const indexInstance = defineTransaction(
  'ingest.indexInstance',
  async (trx, { meta, clinic, priority, now, sizeBytes, sha256, key, channel, actor }: IndexInput) => {
    const row = await trx
      .insertInto('study')
      .values({
        study_instance_uid: meta.studyInstanceUid,
        clinic_id: clinic.id,
        hospital_id: clinic.hospitalId,
        priority,
        status: 'receiving',
        patient_name: meta.patientName.display,
        patient_name_alphabetic: meta.patientName.alphabetic,
        patient_name_ideographic: meta.patientName.ideographic,
        patient_name_phonetic: meta.patientName.phonetic,
        patient_name_search: patientNameSearch(meta.patientName),
        patient_id: meta.patientId,
        patient_sex: meta.patientSex,
        patient_birth_date: meta.patientBirthDate,
        accession_number: meta.accessionNumber,
        study_date: meta.studyDate,
        study_time: meta.studyTime,
        study_description: meta.studyDescription,
        referring_physician_name: personNameValue(meta.referringPhysicianName),
        dicom_study_id: meta.studyId,
        modalities: meta.modality,
        received_at: now,
        last_instance_at: now,
      })
      // One statement whether the study is new or not: a no-op update returns (and locks) an existing
      // row; xmax = 0 only on a row this statement inserted.
      .onConflict((oc) =>
        oc
          .column('study_instance_uid')
          .doUpdateSet((eb) => ({ study_instance_uid: eb.ref('excluded.study_instance_uid') })),
      )
      .returning(['id', 'clinic_id', 'status', 'priority', sql<boolean>`xmax = 0`.as('inserted')])
      .executeTakeFirstOrThrow();
    if (row.clinic_id !== clinic.id) {
      throw new InstanceRejectedError(
        `Study Instance UID ${meta.studyInstanceUid} already belongs to another clinic's study`,
        'tenancy',
        meta,
      );
    }
    const series = await trx
      .insertInto('series')
      .values({
        study_id: row.id,
        series_instance_uid: meta.seriesInstanceUid,
        modality: meta.modality,
        series_number: meta.seriesNumber,
        series_description: meta.seriesDescription,
        body_part: meta.bodyPartExamined,
        pps_start_date: meta.performedProcedureStepStartDate,
        pps_start_time: meta.performedProcedureStepStartTime,
      })
      .onConflict((oc) =>
        oc
          .column('series_instance_uid')
          .doUpdateSet((eb) => ({ series_instance_uid: eb.ref('excluded.series_instance_uid') })),
      )
      .returning(['id', 'study_id'])
      .executeTakeFirstOrThrow();
    if (series.study_id !== row.id) {
      throw new InstanceRejectedError(
        `Series Instance UID ${meta.seriesInstanceUid} already belongs to another study`,
        'invalid',
        meta,
      );
    }
    const inserted = await trx
      .insertInto('instance')
      .values({
        study_id: row.id,
        series_id: series.id,
        sop_instance_uid: meta.sopInstanceUid,
        sop_class_uid: meta.sopClassUid,
        transfer_syntax_uid: meta.transferSyntaxUid,
        instance_number: meta.instanceNumber,
        rows: meta.rows,
        columns: meta.columns,
        number_of_frames: meta.numberOfFrames,
        bits_allocated: meta.bitsAllocated,
        size_bytes: sizeBytes,
        sha256,
        blob_key: key,
        received_via: channel,
      })
      .onConflict((oc) => oc.column('sop_instance_uid').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted === undefined)
      return {
        studyId: row.id,
        instanceId: null,
        raced: true,
        isNew: false,
        status: row.status,
        priority: row.priority,
      };
    await trx
      .updateTable('study')
      .set((eb) => ({
        instance_count: eb('instance_count', '+', 1),
        last_instance_at: now,
        updated_at: now,
        // An image after the study was complete: the radiologist's worklist marks it as updated.
        ...(row.status === 'receiving' ? {} : { late_instance_at: now }),
        // Modalities in Study (0008,0061): each modality once, backslash-separated.
        modalities: sql<string>`CASE
          WHEN modalities = '' THEN ${meta.modality}::text
          WHEN ${meta.modality}::text = ANY(string_to_array(modalities, '\\')) THEN modalities
          ELSE modalities || '\\' || ${meta.modality}::text END`,
      }))
      .where('id', '=', row.id)
      .execute();
    if (row.inserted) {
      await recordAudit(trx, {
        actor,
        action: 'study.received',
        studyId: row.id,
        detail: { channel },
      });
    }
    return {
      studyId: row.id,
      instanceId: inserted.id,
      raced: false,
      isNew: row.inserted,
      status: row.status,
      priority: row.priority,
    };
  },
);
registerIpcErrorClass(InstanceRejectedError);

/** A PN value again from its groups, without empty trailing groups. */
const personNameValue = (name: PersonName) =>
  [name.alphabetic, name.ideographic, name.phonetic].join('=').replace(/=+$/, '');

/** How often one process refreshes the intake mark while bytes keep arriving. */
const INTAKE_MARK_EVERY_MS = 250;
let lastIntakeMark = 0;

/**
 * Tells background work that intake is busy (see markIntakeActive): the render job waits for a quiet
 * moment, so the cores go to storing and acknowledging what senders are sending. Called when an
 * instance starts to arrive, as its bytes arrive and when it is stored — from the first byte of a
 * burst, not only from its first stored instance, which on a busy link comes seconds later. At most
 * every 250 ms per process. Not awaited: the mark is advice, and Redis being slow or away must not
 * hold up or refuse an instance.
 */
export function noteIntakeActive(deps: Pick<IngestDeps, 'redis' | 'config' | 'logger'>): void {
  const now = performance.now();
  if (now - lastIntakeMark < INTAKE_MARK_EVERY_MS) return;
  lastIntakeMark = now;
  markIntakeActive(deps.redis, deps.config.queuePrefix).catch((error: unknown) =>
    deps.logger.debug({ err: error }, 'intake activity not marked'),
  );
}

/**
 * Asks for the instance's thumbnail and large preview. The instance is already stored and indexed, so
 * a queue that does not answer must not turn into a refusal: the previews service's reconciliation
 * finds every instance still without previews when it starts.
 */
async function requestPreviews(deps: IngestDeps, instanceId: string): Promise<void> {
  try {
    await enqueueRender(deps.queues, instanceId);
  } catch (error) {
    deps.logger.warn({ err: error, instanceId }, 'render job not queued; reconciliation will queue it');
  }
}

/**
 * Puts the instance under `key`. A spool file the store can take as it is (the folder store) is moved
 * there, not copied: a 15 MB image is written to disk once instead of twice.
 */
async function putInstance(deps: IngestDeps, key: string, bytes: InstanceBytes): Promise<PutResult> {
  if (!isSpooled(bytes)) return deps.store.put(key, bytes, { contentType: 'application/dicom' });
  if (bytes.sha256 !== undefined && deps.store.adoptFile !== undefined) {
    return deps.store.adoptFile(key, { path: bytes.path, size: bytes.size, sha256: bytes.sha256 });
  }
  return deps.store.put(key, createReadStream(bytes.path), { contentType: 'application/dicom' });
}

async function sha256Of(bytes: InstanceBytes): Promise<string> {
  if (!isSpooled(bytes)) return createHash('sha256').update(bytes).digest('hex');
  return bytes.sha256 ?? hashFile(bytes);
}

async function hashFile(file: SpooledFile): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file.path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sameOrConflict(
  deps: IngestDeps,
  existing: { sha256: string; study_id: string; clinic_id: string },
  sha256: string,
  meta: InstanceMeta,
  source: IntakeSource,
): Promise<StoredInstance> {
  if (existing.clinic_id !== source.clinicId) {
    throw new InstanceRejectedError(
      `SOP Instance UID ${meta.sopInstanceUid} already belongs to another clinic's study`,
      'tenancy',
      meta,
    );
  }
  if (existing.sha256 !== sha256) {
    await recordAudit(deps.db.db, {
      actor: source.actor,
      action: 'instance.conflict',
      studyId: existing.study_id,
      detail: { sopInstanceUid: meta.sopInstanceUid, storedSha256: existing.sha256, refusedSha256: sha256 },
    });
    throw new InstanceRejectedError(
      `SOP Instance UID ${meta.sopInstanceUid} was already stored with different content; the original is kept`,
      'conflict',
      meta,
    );
  }
  return {
    studyId: existing.study_id,
    sopClassUid: meta.sopClassUid,
    sopInstanceUid: meta.sopInstanceUid,
    studyInstanceUid: meta.studyInstanceUid,
    seriesInstanceUid: meta.seriesInstanceUid,
    duplicate: true,
  };
}

const UID_LABELS = {
  studyInstanceUid: 'Study Instance UID',
  sopClassUid: 'SOP Class UID',
  sopInstanceUid: 'SOP Instance UID',
} as const;

function assertExpectedUids(meta: InstanceMeta, expected: NonNullable<IntakeSource['expected']>): void {
  for (const name of ['studyInstanceUid', 'sopClassUid', 'sopInstanceUid'] as const) {
    const want = expected[name];
    if (want !== undefined && meta[name] !== want) {
      throw new InstanceRejectedError(
        `${UID_LABELS[name]} differs from the one the sender named: dataset ${meta[name]}, sender ${want}`,
        'invalid',
        meta,
      );
    }
  }
}

/** Tells open worklists and study lists that the study changed (ids only). */
async function publishUpdated(deps: IngestDeps, studyId: string): Promise<void> {
  const study = await deps.db.db
    .selectFrom('study')
    .select(['hospital_id', 'clinic_id', 'assigned_to'])
    .where('id', '=', studyId)
    .executeTakeFirst();
  if (study === undefined) return;
  await publishStudyEvent(deps.redis, deps.config.queuePrefix, {
    type: 'updated',
    studyId,
    hospitalId: study.hospital_id,
    clinicId: study.clinic_id,
    userId: study.assigned_to,
  });
}
