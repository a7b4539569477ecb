import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDb, type DbHandle } from './createDb.js';
import { type DatabaseServer, defineTransaction, registerIpcErrorClass, serveDatabaseOverIpc } from './ipcDatabase.js';

/** A refusal with a field of its own, as a domain error has. */
class ItemRefused extends Error {
  constructor(
    message: string,
    readonly why: string,
  ) {
    super(message);
  }
}
registerIpcErrorClass(ItemRefused);

/** Runs in this (the owning) process when the other one calls it: counts its runs here. */
let addItemRuns = 0;
defineTransaction('test.addItem', async (trx, input: { id: string; at: Date; size: bigint }) => {
  addItemRuns++;
  const taken = await sql`SELECT 1 FROM item WHERE id = ${input.id}`.execute(trx);
  if (taken.rows.length > 0) throw new ItemRefused(`item ${input.id} exists`, 'taken');
  await sql`INSERT INTO item (id, taken_at, size) VALUES (${input.id}, ${input.at}, ${input.size})`.execute(trx);
  return { stored: input.id, at: input.at };
});

const dist = new URL('../dist/index.js', import.meta.url).href;
const kysely = pathToFileURL(createRequire(import.meta.url).resolve('kysely')).href;

/**
 * The other process: opens the database over IPC, runs `scenario` (the body of an async function
 * with `db`, `sql` and `report` in scope) and reports what it saw.
 */
const childScript = `
const ipc = await import(${JSON.stringify(dist)});
const { openIpcDatabase } = ipc;
const { sql } = await import(${JSON.stringify(kysely)});
const handle = openIpcDatabase(process);
const db = handle.db;
const report = (message) => process.send({ type: 'test:report', ...message });
process.on('message', async (message) => {
  if (message?.type !== 'test:run') return;
  try {
    const scenario = new Function('db', 'sql', 'report', 'handle', 'ipc', 'return (async () => {' + message.scenario + '})()');
    await scenario(db, sql, report, handle, ipc);
  } catch (error) {
    report({ error: { message: error.message, code: error.code, constraint: error.constraint, className: error.constructor.name } });
  }
});
process.send({ type: 'test:ready' });
`;

describe('the database over IPC (the embedded PGlite from another process)', () => {
  let dir: string;
  let owner: DbHandle;
  let script: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'telerad-ipc-db-'));
    script = path.join(dir, 'child.mjs');
    await writeFile(script, childScript);
    owner = await createDb({ databaseUrl: null, dataDir: dir });
    await sql`CREATE TABLE item (id text PRIMARY KEY, taken_at timestamptz, size bigint, bytes bytea)`.execute(
      owner.db,
    );
  }, 60_000);

  afterAll(async () => {
    await owner?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function startChild(): Promise<{ child: ChildProcess; server: DatabaseServer }> {
    const child = fork(script, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const server = serveDatabaseOverIpc(owner.db as never, child);
    child.once('exit', () => void server.dispose());
    await new Promise<void>((resolve) => {
      child.on('message', (m: { type?: string }) => m?.type === 'test:ready' && resolve());
    });
    return { child, server };
  }

  function run(child: ChildProcess, scenario: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const onMessage = (m: { type?: string }) => {
        if (m?.type !== 'test:report') return;
        child.off('message', onMessage);
        resolve(m as Record<string, unknown>);
      };
      child.on('message', onMessage);
      child.send({ type: 'test:run', scenario });
    });
  }

  test('queries keep dates, bigints and bytes; a committed transaction is visible to the owner', async () => {
    const { child } = await startChild();
    try {
      const seen = await run(
        child,
        `
        await db.transaction().execute(async (trx) => {
          await sql\`INSERT INTO item VALUES ('a', '2026-11-24T09:00:00Z', 9007199254740993, '\\\\x0102ff')\`.execute(trx);
          await sql\`INSERT INTO item VALUES ('b', ${'$'}{new Date('2026-11-24T09:30:00Z')}, ${'$'}{15n}, ${'$'}{new Uint8Array([7, 8])})\`.execute(trx);
        });
        const { rows } = await sql\`SELECT id, taken_at, size, bytes FROM item ORDER BY id\`.execute(db);
        const updated = await sql\`UPDATE item SET size = size + 1 WHERE id = 'b'\`.execute(db);
        report({ rows, updated: updated.numAffectedRows });
      `,
      );
      expect(seen.error).toBeUndefined();
      const rows = seen.rows as Array<{ id: string; taken_at: Date; size: string; bytes: Uint8Array }>;
      expect(rows.map((r) => r.id)).toEqual(['a', 'b']);
      expect(rows[0]?.taken_at).toEqual(new Date('2026-11-24T09:00:00Z'));
      expect(rows[1]?.taken_at).toEqual(new Date('2026-11-24T09:30:00Z'));
      expect(String(rows[0]?.size)).toBe('9007199254740993');
      expect([...(rows[0]?.bytes ?? [])]).toEqual([1, 2, 255]);
      expect([...(rows[1]?.bytes ?? [])]).toEqual([7, 8]);
      expect(seen.updated).toBe(1n);
      const mine = await sql<{ n: number }>`SELECT count(*)::int AS n FROM item`.execute(owner.db);
      expect(mine.rows[0]?.n).toBe(2);
    } finally {
      child.kill();
    }
  });

  test('a failing statement rolls its transaction back and arrives with its SQLSTATE and constraint', async () => {
    await sql`INSERT INTO item (id) VALUES ('taken')`.execute(owner.db);
    const { child, server } = await startChild();
    try {
      const seen = await run(
        child,
        `
        await db.transaction().execute(async (trx) => {
          await sql\`INSERT INTO item (id) VALUES ('c')\`.execute(trx);
          await sql\`INSERT INTO item (id) VALUES ('taken')\`.execute(trx);
        });
        report({ committed: true });
      `,
      );
      expect(seen.error).toMatchObject({ code: '23505', constraint: 'item_pkey' });
      expect((seen.error as { message: string }).message).toMatch(/duplicate key/);
      const c = await sql`SELECT 1 FROM item WHERE id = 'c'`.execute(owner.db);
      expect(c.rows).toEqual([]);
      expect(server.leases).toBe(0);
    } finally {
      child.kill();
    }
  });

  test('the owner and the other process interleave queries, and transactions stay whole', async () => {
    const { child } = await startChild();
    try {
      const other = run(
        child,
        `
        for (let i = 0; i < 20; i++) {
          await db.transaction().execute(async (trx) => {
            await sql\`INSERT INTO item (id, size) VALUES (${'$'}{'tx' + i}, 0)\`.execute(trx);
            await sql\`UPDATE item SET size = 2 WHERE id = ${'$'}{'tx' + i}\`.execute(trx);
          });
        }
        report({ done: true });
      `,
      );
      // Meanwhile the owner never sees a row of a transaction halfway through.
      let halfway = 0;
      let done = false;
      void other.then(() => {
        done = true;
      });
      while (!done) {
        const rows = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM item WHERE id LIKE 'tx%' AND size <> 2`.execute(owner.db);
        halfway += rows.rows[0]?.n ?? 0;
        // PGlite answers in microtasks: let the channel's messages in between.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await other).toMatchObject({ done: true });
      expect(halfway).toBe(0);
      const all = await sql<{ n: number }>`SELECT count(*)::int AS n FROM item WHERE id LIKE 'tx%'`.execute(owner.db);
      expect(all.rows[0]?.n).toBe(20);
    } finally {
      child.kill();
    }
  });

  test('a defined transaction runs whole in the owner: one round trip, its result and its error class kept', async () => {
    const { child, server } = await startChild();
    const before = addItemRuns;
    try {
      const seen = await run(
        child,
        `
        class ItemRefused extends Error {
          constructor(message, why) { super(message); this.why = why; }
        }
        ipc.registerIpcErrorClass(ItemRefused);
        // The same name as in the owner; its body there is what runs.
        const addItem = ipc.defineTransaction('test.addItem', async () => { throw new Error('ran in the wrong process'); });
        const first = await addItem(handle, { id: 'def-1', at: new Date('2026-11-24T09:00:00Z'), size: 42n });
        let refused;
        try {
          await addItem(handle, { id: 'def-1', at: new Date(), size: 1n });
        } catch (error) {
          refused = { isClass: error instanceof ItemRefused, why: error.why, message: error.message };
        }
        let unknown;
        try {
          await handle.runDefinedTransaction('test.nothing', {});
        } catch (error) {
          unknown = error.message;
        }
        report({ first, refused, unknown });
      `,
      );
      expect(seen.error).toBeUndefined();
      expect(seen.first).toEqual({ stored: 'def-1', at: new Date('2026-11-24T09:00:00Z') });
      expect(seen.refused).toEqual({ isClass: true, why: 'taken', message: 'item def-1 exists' });
      expect(seen.unknown).toMatch(
        /no transaction named test.nothing is defined in the process that owns the database/,
      );
      expect(addItemRuns - before).toBe(2);
      expect(server.leases).toBe(0);
      const row = await sql<{ size: string }>`SELECT size FROM item WHERE id = 'def-1'`.execute(owner.db);
      expect(String(row.rows[0]?.size)).toBe('42');
    } finally {
      child.kill();
    }
  });

  test('a process killed inside a transaction leaves nothing of it, and the owner goes on', async () => {
    const { child, server } = await startChild();
    const stuck = run(
      child,
      `
      await db.transaction().execute(async (trx) => {
        await sql\`INSERT INTO item (id) VALUES ('half')\`.execute(trx);
        report({ inTransaction: true });
        await new Promise(() => {});
      });
    `,
    );
    expect(await stuck).toMatchObject({ inTransaction: true });
    expect(server.leases).toBe(1);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await server.dispose();
    const half = await sql`SELECT 1 FROM item WHERE id = 'half'`.execute(owner.db);
    expect(half.rows).toEqual([]);
    await sql`INSERT INTO item (id) VALUES ('after')`.execute(owner.db);
    expect(server.leases).toBe(0);
  });
});
