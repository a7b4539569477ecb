import {
  PLAIN_FILM_READING_MINUTES,
  type Priority,
  type ReadingTimes,
  type RoutingRadiologist,
  readingTimeOfModalities,
} from '@telerad/core';
import type { Database } from '@telerad/db';
import type { Transaction } from 'kysely';

/** Expected reading minutes per modality for plain films until a region configures its own. */
export const READING_MINUTES = PLAIN_FILM_READING_MINUTES;

/**
 * The radiologists of a hospital as the routing policy sees them: who is on duty, the unopened
 * studies assigned to each (their queue) and the study each is reading now, with when it should end.
 */
export async function loadRoutingRoster(
  trx: Transaction<Database>,
  hospitalId: string,
  now: number,
): Promise<RoutingRadiologist[]> {
  const users = await trx
    .selectFrom('app_user')
    .select(['id', 'username', 'on_duty'])
    .where('role', '=', 'radiologist')
    .where('hospital_id', '=', hospitalId)
    .orderBy('username')
    .execute();
  const open = await trx
    .selectFrom('study')
    .select(['id', 'assigned_to', 'status', 'priority', 'deadline_at', 'claimed_at', 'modalities', 'assigned_at'])
    .where('hospital_id', '=', hospitalId)
    .where('status', 'in', ['assigned', 'reading'])
    .where('assigned_to', 'is not', null)
    .orderBy('assigned_at')
    .execute();
  return users.map((user) => {
    const mine = open.filter((s) => s.assigned_to === user.id);
    const reading = mine.find((s) => s.status === 'reading');
    const readingEnds =
      reading === undefined
        ? now
        : (reading.claimed_at ?? new Date(now)).getTime() + minutesOf(reading.modalities).mean * 60_000;
    return {
      id: user.id,
      username: user.username,
      onDuty: user.on_duty,
      queue: mine
        .filter((s) => s.status === 'assigned')
        .map((s) => ({
          studyId: s.id,
          priority: s.priority as Priority,
          deadlineAt: (s.deadline_at ?? new Date(now)).getTime(),
          expectedMinutes: minutesOf(s.modalities).mean,
          sdMinutes: minutesOf(s.modalities).sd,
        })),
      busyUntil: Math.max(now, readingEnds),
      ...(reading === undefined ? {} : { reading: { studyId: reading.id, priority: reading.priority as Priority } }),
    };
  });
}

/** The first modality of a study's "DX\\CR" list decides its expected reading time. */
export function minutesOf(modalities: string, times: ReadingTimes = READING_MINUTES): { mean: number; sd: number } {
  return readingTimeOfModalities(modalities, times);
}
