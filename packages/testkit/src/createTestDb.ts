import { createDb, type DbHandle, migrate } from '@telerad/db';
import { sql } from 'kysely';
import { testDatabaseUrl } from './provided.js';
import { tempDir } from './tempDir.js';
import { uniqueName } from './uniqueName.js';

export interface TestDb extends DbHandle {
  /** The schema the tables live in: a fresh one on PostgreSQL, `public` on PGlite. */
  schema: string;
  /** The server's URL (PostgreSQL), or null for PGlite. */
  databaseUrl: string | null;
  /** A fresh temp directory (PGlite keeps its files here); removed by drop(). */
  dataDir: string;
  /** Closes the connection and deletes everything the test wrote; safe to call twice. */
  drop(): Promise<void>;
}

/**
 * A migrated, empty database of the test's own. On PostgreSQL it is a uniquely named schema on the
 * shared test server, so test files can run in parallel; on PGlite it is a new data directory.
 */
export async function createTestDb(kind: 'postgres' | 'pglite' = 'postgres'): Promise<TestDb> {
  const databaseUrl = kind === 'postgres' ? testDatabaseUrl() : null;
  const schema = kind === 'postgres' ? uniqueName('test') : 'public';
  const dir = await tempDir(`telerad-test-${kind}`);
  let handle: DbHandle;
  try {
    handle = await createDb({
      databaseUrl,
      schema: kind === 'postgres' ? schema : null,
      dataDir: dir.path,
      poolSize: 4,
    });
  } catch (error) {
    await dir.remove();
    throw error;
  }

  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    try {
      if (kind === 'postgres') await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(handle.db);
    } finally {
      await handle.close();
      await dir.remove();
    }
  };

  try {
    await migrate(handle.db);
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return Object.assign(handle, { schema, databaseUrl, dataDir: dir.path, drop });
}
