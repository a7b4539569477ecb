import {
  emergencyToTake,
  MoreUrgentStudyError,
  mayOpen,
  type Priority,
  type QueuedStudy,
  type ReadingTimes,
  readingSequence,
  readingTimeOfModalities,
} from '@telerad/core';
import type { Database } from '@telerad/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** What the routing policy says a radiologist should read now. */
export interface WorklistPlan {
  /** Their unopened studies in reading order, a colleague's waiting emergency to take included. */
  sequence: QueuedStudy[];
  /** A colleague's unopened emergency waiting behind that colleague's read: theirs to take. */
  take: string | null;
}

/**
 * The radiologist's queue as the routing policy orders it (readingSequence: emergencies first, then
 * earliest deadline, studies that can no longer be read in time after those that still can), with
 * the emergency `emergencyToTake` hands them when they are reading nothing and a colleague's
 * emergency waits behind that colleague's read. The same rules the simulator applies.
 */
export async function planWorklist(
  db: Db,
  me: { userId: string; hospitalId: string },
  now: number,
  readingMinutes: ReadingTimes,
): Promise<WorklistPlan> {
  const open = await db
    .selectFrom('study')
    .select(['id', 'assigned_to', 'status', 'priority', 'deadline_at', 'modalities'])
    .where('status', 'in', ['assigned', 'reading'])
    .where('assigned_to', 'is not', null)
    .where((eb) => eb.or([eb('assigned_to', '=', me.userId), eb('hospital_id', '=', me.hospitalId)]))
    .orderBy('assigned_at')
    .orderBy('id')
    .execute();
  const user = await db.selectFrom('app_user').select(['modalities']).where('id', '=', me.userId).executeTakeFirst();
  const modalityOf = new Map(open.map((s) => [s.id, s.modalities.split('\\')[0] ?? '']));
  const readers = new Map<
    string,
    { id: string; queue: QueuedStudy[]; reading?: { studyId: string; priority: Priority } }
  >();
  for (const s of open) {
    const id = s.assigned_to ?? '';
    const reader = readers.get(id) ?? { id, queue: [] };
    readers.set(id, reader);
    if (s.status === 'reading') reader.reading = { studyId: s.id, priority: s.priority as Priority };
    else reader.queue.push(toQueued(s, now, readingMinutes));
  }
  const mine = readers.get(me.userId) ?? { id: me.userId, queue: [] };
  const qualified = user?.modalities ?? null;
  const move = emergencyToTake(
    { ...mine, onDuty: true },
    [...readers.values()].filter((r) => r.id !== me.userId),
    (q) => qualified === null || qualified.includes(modalityOf.get(q.studyId) ?? ''),
  );
  const queue = move === null ? mine.queue : [...mine.queue, move.study];
  return { sequence: readingSequence(queue, now), take: move?.study.studyId ?? null };
}

/**
 * Refuses to open a study while a more urgent one waits for this radiologist (`mayOpen`): an
 * emergency, or a study due sooner that can still be read in time. A study outside their queue (a
 * colleague's, or the hospital's unassigned) is judged as if it were added to it.
 */
export async function assertMayOpen(
  db: Db,
  me: { userId: string; hospitalId: string },
  study: { id: string; priority: string; deadline_at: Date | null; modalities: string },
  now: number,
  readingMinutes: ReadingTimes,
): Promise<void> {
  const plan = await planWorklist(db, me, now, readingMinutes);
  const queue = plan.sequence.some((q) => q.studyId === study.id)
    ? plan.sequence
    : [...plan.sequence, toQueued(study, now, readingMinutes)];
  if (mayOpen(queue, study.id, now)) return;
  throw new MoreUrgentStudyError('a more urgent study is waiting in your worklist: open it first');
}

function toQueued(
  s: { id: string; priority: string; deadline_at: Date | null; modalities: string },
  now: number,
  readingMinutes: ReadingTimes,
): QueuedStudy {
  const time = readingTimeOfModalities(s.modalities, readingMinutes);
  return {
    studyId: s.id,
    priority: s.priority as Priority,
    deadlineAt: s.deadline_at?.getTime() ?? now,
    expectedMinutes: time.mean,
    sdMinutes: time.sd,
  };
}
