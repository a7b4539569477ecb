import type { Database } from '@telerad/db';
import type { Kysely } from 'kysely';

/** Waits for `check` to hold, polling every 50 ms; returns how long it took. */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

/** Ids of the demo radiologists by username. */
export async function radiologistIds(db: Kysely<Database>): Promise<Record<string, string>> {
  const rows = await db.selectFrom('app_user').select(['id', 'username']).where('role', '=', 'radiologist').execute();
  return Object.fromEntries(rows.map((r) => [r.username, r.id]));
}

/** Signs every open study, so the next test starts with empty queues. */
export async function closeOpenStudies(db: Kysely<Database>): Promise<void> {
  await db
    .updateTable('study')
    .set({ status: 'signed', signed_at: new Date() })
    .where('status', 'in', ['ready', 'assigned', 'reading'])
    .execute();
}

/** Where a study is now: status, assignee's username, reason, and the reassignment record. */
export async function whereIs(db: Kysely<Database>, studyId: string) {
  return db
    .selectFrom('study as s')
    .leftJoin('app_user as u', 'u.id', 's.assigned_to')
    .leftJoin('app_user as f', 'f.id', 's.reassigned_from')
    .leftJoin('hospital as h', 'h.id', 's.escalated_to')
    .select([
      's.status',
      'u.username',
      's.unassigned_reason',
      'f.username as from',
      's.reassign_reason',
      'h.code as escalatedTo',
    ])
    .where('s.id', '=', studyId)
    .executeTakeFirstOrThrow();
}
