import type { Priority } from '@telerad/core';
import type { Database } from '@telerad/db';
import type { Kysely } from 'kysely';

/** A study of `clinicCode` that is complete now, as intake leaves it, for router tests. */
export async function insertReadyStudy(db: Kysely<Database>, clinicCode: string, priority: Priority): Promise<string> {
  const clinic = await db
    .selectFrom('clinic')
    .select(['id', 'hospital_id'])
    .where('code', '=', clinicCode)
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('study')
    .values({
      study_instance_uid: `2.25.${Date.now()}${Math.floor(Math.random() * 1e9)}`,
      clinic_id: clinic.id,
      hospital_id: clinic.hospital_id,
      priority,
      status: 'ready',
      ready_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
