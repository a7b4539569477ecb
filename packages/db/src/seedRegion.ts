import { hash } from '@node-rs/argon2';
import type { Region } from '@telerad/config';
import { type Kysely, sql } from 'kysely';
import { hashToken } from './hashToken.js';
import type { Database } from './schema.js';

/**
 * Loads the region into an empty database (first start). A database that already holds a region is
 * left alone, so a restart never overwrites passwords or rosters changed since. Returns whether it
 * seeded.
 */
export async function seedRegion(db: Kysely<Database>, region: Region): Promise<boolean> {
  // Hash outside the transaction: argon2 is deliberately slow.
  const passwordHashes = new Map<string, string>();
  for (const user of region.users) passwordHashes.set(user.username, await hash(user.password));

  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(7350002)`.execute(trx);
    const existing = await trx.selectFrom('hospital').select('id').limit(1).executeTakeFirst();
    if (existing !== undefined) return false;

    const hospitalIds = new Map<string, string>();
    for (const h of region.hospitals) {
      const row = await trx
        .insertInto('hospital')
        .values({
          code: h.code,
          name_zh: h.name.zh,
          name_en: h.name.en,
          time_zone: h.timeZone ?? region.timeZone,
          residents_may_sign: h.residentsMaySign,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      hospitalIds.set(h.code, row.id);
    }
    for (const h of region.hospitals) {
      for (const [rank, fallback] of h.fallback.entries()) {
        await trx
          .insertInto('hospital_fallback')
          .values({
            hospital_id: required(hospitalIds, h.code),
            rank,
            fallback_hospital_id: required(hospitalIds, fallback),
          })
          .execute();
      }
    }
    const clinicIds = new Map<string, string>();
    for (const c of region.clinics) {
      const row = await trx
        .insertInto('clinic')
        .values({
          code: c.code,
          name_zh: c.name.zh,
          name_en: c.name.en,
          hospital_id: required(hospitalIds, c.hospital),
          default_priority: c.defaultPriority,
          webhook_url: c.webhook?.url ?? null,
          webhook_secret: c.webhook?.secret ?? null,
          default_charset: c.defaultCharset ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      clinicIds.set(c.code, row.id);
      for (const ae of c.aeTitles) {
        await trx.insertInto('clinic_ae_title').values({ ae_title: ae, clinic_id: row.id }).execute();
      }
      for (const token of c.apiTokens) {
        await trx
          .insertInto('clinic_api_token')
          .values({ token_sha256: hashToken(token), clinic_id: row.id })
          .execute();
      }
    }
    for (const u of region.users) {
      await trx
        .insertInto('app_user')
        .values({
          username: u.username,
          password_hash: required(passwordHashes, u.username),
          role: u.role,
          name_zh: u.name.zh,
          name_en: u.name.en,
          hospital_id: u.hospital === undefined ? null : required(hospitalIds, u.hospital),
          clinic_id: u.clinic === undefined ? null : required(clinicIds, u.clinic),
          title: u.title ?? null,
          on_duty: u.onDuty,
          shifts: JSON.stringify({ weekly: u.shifts, dated: u.shiftDates }),
          max_open: u.maxOpen ?? null,
          modalities: u.modalities === undefined ? null : JSON.stringify(u.modalities),
          body_parts: u.bodyParts === undefined ? null : JSON.stringify(u.bodyParts),
        })
        .execute();
    }
    return true;
  });
}

function required(map: Map<string, string>, key: string): string {
  const value = map.get(key);
  if (value === undefined) throw new Error(`region refers to unknown code ${key}`);
  return value;
}
