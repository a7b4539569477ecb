import { currentShift, isPresent, isTitle, type ShiftSchedule } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { sql } from 'kysely';

const iso = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/**
 * The roster as the administrator's page shows it: every radiologist with their hospital, title,
 * duty switch, shift now (and when it ends), presence, open studies against their cap, and their
 * shifts and qualifications for editing; each hospital with its zone and fallback hospitals.
 */
export async function listRoster(db: DbHandle, now = Date.now()) {
  const hospitals = await db.db
    .selectFrom('hospital as h')
    .select([
      'h.id',
      'h.code',
      'h.name_zh',
      'h.name_en',
      'h.time_zone',
      'h.residents_may_sign',
      sql<
        string[]
      >`coalesce((SELECT array_agg(fh.code ORDER BY f.rank) FROM hospital_fallback f JOIN hospital fh ON fh.id = f.fallback_hospital_id WHERE f.hospital_id = h.id), '{}')`.as(
        'fallback',
      ),
    ])
    .orderBy('h.code')
    .execute();
  const users = await db.db
    .selectFrom('app_user as u')
    .innerJoin('hospital as h', 'h.id', 'u.hospital_id')
    .select((eb) => [
      'u.id',
      'u.username',
      'u.name_zh',
      'u.name_en',
      'u.title',
      'u.on_duty',
      'u.shifts',
      'u.max_open',
      'u.modalities',
      'u.body_parts',
      'u.last_seen_at',
      'h.code as hospital',
      'h.time_zone',
      eb
        .selectFrom('study as s')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('s.assigned_to', '=', 'u.id')
        .where('s.status', 'in', ['assigned', 'reading'])
        .as('open'),
      eb
        .selectFrom('study as s')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('s.assigned_to', '=', 'u.id')
        .where('s.status', '=', 'assigned')
        .where('s.claimed_at', 'is', null)
        .as('unopened'),
    ])
    .where('u.role', '=', 'radiologist')
    .orderBy('u.username')
    .execute();
  return {
    serverTime: new Date(now).toISOString(),
    hospitals: hospitals.map((h) => ({
      code: h.code,
      name: { zh: h.name_zh, en: h.name_en },
      timeZone: h.time_zone,
      residentsMaySign: h.residents_may_sign,
      fallback: h.fallback,
    })),
    radiologists: users.map((u) => {
      const shift = currentShift(u.shifts as ShiftSchedule, now, u.time_zone);
      const lastSeen = u.last_seen_at?.getTime() ?? null;
      return {
        username: u.username,
        name: { zh: u.name_zh, en: u.name_en },
        hospital: u.hospital,
        title: isTitle(u.title) ? u.title : null,
        onDuty: u.on_duty,
        onShift: shift !== null,
        /** When the current shift ends; null when off shift or when no shifts are written. */
        shiftEndsAt: shift === null ? null : iso(shift.end),
        present: isPresent(lastSeen, now),
        lastSeenAt: iso(lastSeen),
        open: Number(u.open ?? 0),
        unopened: Number(u.unopened ?? 0),
        maxOpen: u.max_open,
        modalities: u.modalities,
        bodyParts: u.body_parts,
        shifts: u.shifts,
      };
    }),
  };
}
