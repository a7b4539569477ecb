import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pgliteDialect.js';
import type { Database } from './schema.js';

export interface DbHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  /** Resolves when the database answers a query (for /healthz). */
  ping(): Promise<void>;
  /**
   * Runs a transaction of `defineTransaction` where the database is (only on a handle reached over
   * IPC; a local handle runs it itself).
   */
  runDefinedTransaction?(name: string, input: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL URL, or null for embedded PGlite under dataDir. */
  databaseUrl: string | null;
  /** Schema to work in (tests isolate themselves this way); created when absent. */
  schema?: string | null;
  dataDir: string;
  poolSize?: number;
}

// timestamptz and bigint parsing: keep node-postgres defaults (Date, string).
export async function createDb(options: DbOptions): Promise<DbHandle> {
  const schema = options.schema ?? null;
  let db: Kysely<Database>;
  let kind: DbHandle['kind'];
  if (options.databaseUrl !== null) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(schema !== null ? { options: `-c search_path=${schema}` } : {}),
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    const dir = path.join(options.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    const pglite = new PGlite(dir);
    await pglite.waitReady;
    db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    kind = 'pglite';
  }
  if (schema !== null) {
    await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${schema}`).execute(db);
    if (kind === 'pglite') await sql.raw(`SET search_path TO ${schema}`).execute(db);
  }
  return {
    db,
    kind,
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
