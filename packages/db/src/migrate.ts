import { type Kysely, sql } from 'kysely';
import { sql0001 } from './migrations/0001_initial.js';
import { sql0002 } from './migrations/0002_intake.js';
import { sql0003 } from './migrations/0003_roster.js';
import { sql0004 } from './migrations/0004_hold.js';
import { sql0005 } from './migrations/0005_previews.js';
import { sql0006 } from './migrations/0006_dicomweb.js';
import type { Database } from './schema.js';

/** Ordered, append-only list of migrations. Never edit one that has shipped; add the next. */
export const MIGRATIONS: ReadonlyArray<{ name: string; sql: string }> = [
  { name: '0001_initial', sql: sql0001 },
  { name: '0002_intake', sql: sql0002 },
  { name: '0003_roster', sql: sql0003 },
  { name: '0004_hold', sql: sql0004 },
  { name: '0005_previews', sql: sql0005 },
  { name: '0006_dicomweb', sql: sql0006 },
];

/**
 * Applies pending migrations in one transaction under an advisory lock, so several processes starting
 * at once apply each migration exactly once.
 */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(7350001)`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS schema_migration (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(trx);
    const done = await sql<{ name: string }>`SELECT name FROM schema_migration`.execute(trx);
    const applied = new Set(done.rows.map((r) => r.name));
    const ran: string[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.name)) continue;
      // One statement per call: prepared statements (and PGlite) take a single command.
      for (const statement of splitStatements(migration.sql)) await sql.raw(statement).execute(trx);
      await sql`INSERT INTO schema_migration (name) VALUES (${migration.name})`.execute(trx);
      ran.push(migration.name);
    }
    return ran;
  });
}

/** Migrations end each statement with ";" at the end of a line; none has one inside a literal. */
function splitStatements(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
