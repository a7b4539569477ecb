import {
  isTitle,
  PLAIN_FILM_READING_MINUTES,
  type Priority,
  type ReadingTimes,
  type RosterEntry,
  type RosterMember,
  type RoutingRadiologist,
  type ShiftSchedule,
} from '@telerad/core';
import type { Database } from '@telerad/db';
import type { Kysely, Transaction } from 'kysely';
import { minutesOf } from './loadRoutingRoster.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface LoadedRoster {
  entries: RosterEntry[];
  /** Hospitals (of those loaded) whose residents may sign alone. */
  residentsMaySign: string[];
}

/**
 * The radiologists of some hospitals (or some radiologists by id) with their roster (duty, shifts
 * in the hospital's zone, title, cap, qualifications, presence) and their open work as the routing
 * policy sees it: the unopened queue and the study being read, with when it should end. Open work
 * counts wherever it came from, an escalated study of another hospital included.
 */
export async function loadRoster(
  db: Db,
  who: { hospitalIds: readonly string[] } | { userIds: readonly string[] },
  now: number,
  readingMinutes: ReadingTimes = PLAIN_FILM_READING_MINUTES,
): Promise<LoadedRoster> {
  let q = db
    .selectFrom('app_user as u')
    .innerJoin('hospital as h', 'h.id', 'u.hospital_id')
    .select([
      'u.id',
      'u.username',
      'u.hospital_id',
      'u.on_duty',
      'u.title',
      'u.shifts',
      'u.max_open',
      'u.modalities',
      'u.body_parts',
      'u.last_seen_at',
      'h.time_zone',
      'h.residents_may_sign',
    ])
    .where('u.role', '=', 'radiologist')
    .orderBy('u.username');
  if ('hospitalIds' in who) {
    if (who.hospitalIds.length === 0) return { entries: [], residentsMaySign: [] };
    q = q.where('u.hospital_id', 'in', [...who.hospitalIds]);
  } else {
    if (who.userIds.length === 0) return { entries: [], residentsMaySign: [] };
    q = q.where('u.id', 'in', [...who.userIds]);
  }
  const users = await q.execute();
  if (users.length === 0) return { entries: [], residentsMaySign: [] };
  const open = await db
    .selectFrom('study')
    .select(['id', 'assigned_to', 'status', 'priority', 'deadline_at', 'claimed_at', 'modalities'])
    .where('status', 'in', ['assigned', 'reading'])
    .where(
      'assigned_to',
      'in',
      users.map((u) => u.id),
    )
    .orderBy('assigned_at')
    .execute();
  const entries = users.map((user): RosterEntry => {
    const mine = open.filter((s) => s.assigned_to === user.id);
    const member: RosterMember = {
      id: user.id,
      username: user.username,
      hospitalId: user.hospital_id ?? '',
      onDuty: user.on_duty,
      title: isTitle(user.title) ? user.title : null,
      schedule: user.shifts as ShiftSchedule,
      timeZone: user.time_zone,
      maxOpen: user.max_open,
      modalities: user.modalities,
      bodyParts: user.body_parts,
      openCount: mine.length,
      lastSeenAt: user.last_seen_at?.getTime() ?? null,
    };
    return { member, routing: routingOf(user, mine, now, readingMinutes) };
  });
  const residentsMaySign = [...new Set(users.filter((u) => u.residents_may_sign).map((u) => u.hospital_id ?? ''))];
  return { entries, residentsMaySign };
}

interface OpenStudy {
  id: string;
  status: string;
  priority: Priority;
  deadline_at: Date | null;
  claimed_at: Date | null;
  modalities: string;
}

function routingOf(
  user: { id: string; username: string; on_duty: boolean },
  mine: readonly OpenStudy[],
  now: number,
  readingMinutes: ReadingTimes,
): RoutingRadiologist {
  const reading = mine.find((s) => s.status === 'reading');
  const readingEnds =
    reading === undefined
      ? now
      : (reading.claimed_at ?? new Date(now)).getTime() + minutesOf(reading.modalities, readingMinutes).mean * 60_000;
  return {
    id: user.id,
    username: user.username,
    onDuty: user.on_duty,
    queue: mine
      .filter((s) => s.status === 'assigned')
      .map((s) => ({
        studyId: s.id,
        priority: s.priority,
        deadlineAt: (s.deadline_at ?? new Date(now)).getTime(),
        expectedMinutes: minutesOf(s.modalities, readingMinutes).mean,
        sdMinutes: minutesOf(s.modalities, readingMinutes).sd,
      })),
    busyUntil: Math.max(now, readingEnds),
    ...(reading === undefined ? {} : { reading: { studyId: reading.id, priority: reading.priority } }),
  };
}
