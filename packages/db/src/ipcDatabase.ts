import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  sql,
  type Transaction,
  type TransactionSettings,
} from 'kysely';
import type { DbHandle } from './createDb.js';
import type { Database } from './schema.js';

/**
 * The embedded PGlite database lives inside one process. Another process of the same deployment
 * (the C-STORE process of `start.sh`) reaches it through the IPC channel between the two: the owner
 * serves its database on the channel (`serveDatabaseOverIpc`), the other side opens a database
 * handle that sends every query there (`openIpcDatabase`). A query outside a transaction is one
 * round trip and takes its turn like any of the owner's; a transaction holds a lease on a connection
 * of the owner's (on PGlite, its only one) from BEGIN until COMMIT or ROLLBACK. Queries
 * travel as SQL text and parameters: the channel must use Node's advanced serialization, which
 * keeps dates, bigints and byte arrays as they are.
 *
 * A transaction of several statements with code between them would hold the owner's only connection
 * for as long as the other process takes to send each next statement — and when that process runs at
 * a lower priority on a busy machine, every query of the owner's waits behind it. A transaction on
 * a hot path is therefore written with `defineTransaction`: over IPC it runs whole in the owner, in
 * one round trip, its input and result structured-cloned and its errors rebuilt in their own class
 * (`registerIpcErrorClass`).
 */

type TransactionBody = (trx: Transaction<Database>, input: never) => Promise<unknown>;
const definedTransactions = new Map<string, TransactionBody>();
const errorClasses = new Map<string, abstract new (...args: never[]) => Error>();

/**
 * A transaction by name, the same code in every process that loads the module defining it. Called
 * with a database handle: on a local one it runs there; on one reached over IPC it runs in the
 * process that owns the database. `input` and the result must be structured-cloneable.
 */
export function defineTransaction<I, O>(
  name: string,
  body: (trx: Transaction<Database>, input: I) => Promise<O>,
): (db: DbHandle, input: I) => Promise<O> {
  if (definedTransactions.has(name)) throw new Error(`transaction ${name} is defined twice`);
  definedTransactions.set(name, body as TransactionBody);
  return (db, input) =>
    db.runDefinedTransaction !== undefined
      ? (db.runDefinedTransaction(name, input) as Promise<O>)
      : db.db.transaction().execute((trx) => body(trx, input));
}

/** Errors of this class thrown by a defined transaction over IPC arrive as this class again. */
export function registerIpcErrorClass(errorClass: abstract new (...args: never[]) => Error): void {
  errorClasses.set(errorClass.name, errorClass);
}

/** What both ends need of the channel: a node:cluster Worker, a ChildProcess, or `process` in the child. */
export interface IpcChannel {
  send(message: unknown): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** `lease` 0 is no lease: the query runs on whichever connection of the owner's comes free. */
type Request =
  | { type: 'telerad:db'; op: 'transaction'; seq: number; name: string; input: unknown }
  | { type: 'telerad:db'; op: 'acquire'; seq: number; lease: number }
  | { type: 'telerad:db'; op: 'query'; seq: number; lease: number; sql: string; parameters: readonly unknown[] }
  | { type: 'telerad:db'; op: 'release'; lease: number };

type Reply =
  | { type: 'telerad:db-reply'; seq: number; ok: true; rows?: unknown[]; numAffectedRows?: bigint; value?: unknown }
  | { type: 'telerad:db-reply'; seq: number; ok: false; error: SerializedError };

/**
 * The fields of an error that callers look at: PostgreSQL's (as PGlite and pg report them), and for
 * a registered class its name and own fields.
 */
interface SerializedError {
  message: string;
  className?: string;
  fields?: Record<string, unknown>;
  name?: string;
  code?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  severity?: string;
}

const ERROR_FIELDS = ['name', 'code', 'detail', 'constraint', 'table', 'column', 'schema', 'severity'] as const;

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { message: String(error) };
  const out: SerializedError = { message: error.message };
  const className = error.constructor.name;
  if (errorClasses.has(className)) {
    out.className = className;
    out.fields = Object.fromEntries(Object.entries(error).filter(([key]) => key !== 'stack'));
  }
  const record = error as unknown as Record<string, unknown>;
  for (const field of ERROR_FIELDS) {
    const value = record[field];
    if (typeof value === 'string') out[field] = value;
  }
  return out;
}

function deserializeError(serialized: SerializedError): Error {
  const { className, fields, ...rest } = serialized;
  const errorClass = className === undefined ? undefined : errorClasses.get(className);
  if (errorClass !== undefined) {
    // The class's own constructor is not run: its fields arrive as they were set.
    const error = Object.create(errorClass.prototype) as Error;
    Object.assign(error, fields, { message: serialized.message });
    Object.defineProperty(error, 'stack', { value: new Error(serialized.message).stack, writable: true });
    return error;
  }
  const error = new Error(serialized.message);
  Object.assign(error, rest);
  return error;
}

const isRequest = (m: unknown): m is Request =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'telerad:db';

export interface DatabaseServer {
  /** Leases held by the other side right now (a lease being a connection it acquired). */
  readonly leases: number;
  /**
   * The other side is gone: roll back what its leases left open and give the connection back, so
   * the owner's own queries go on. Also stops listening on the channel.
   */
  dispose(): Promise<void>;
}

/**
 * Serves `db` to the process at the other end of `channel`. Each acquire waits its turn for a
 * connection of `db` (on PGlite, the one connection, shared with the owner's own queries) and holds
 * it until the other side releases it, or until `dispose`.
 */
export function serveDatabaseOverIpc(db: Kysely<Database>, channel: IpcChannel): DatabaseServer {
  interface Lease {
    run(query: CompiledQuery): Promise<QueryResult<unknown>>;
    release(): void;
    /** A BEGIN without its COMMIT or ROLLBACK yet. */
    inTransaction: boolean;
  }
  const leases = new Map<number, Promise<Lease>>();
  const reply = (message: Reply) => {
    try {
      channel.send(message);
    } catch (error) {
      // The other side is gone (dispose() cleans up), or the answer cannot be serialized: say so
      // rather than leave the query waiting for ever.
      if (!message.ok) return;
      try {
        channel.send({
          type: 'telerad:db-reply',
          seq: message.seq,
          ok: false,
          error: serializeError(new Error(`the answer could not be sent over IPC: ${(error as Error).message}`)),
        } satisfies Reply);
      } catch {}
    }
  };
  const fail = (seq: number, error: unknown) =>
    reply({ type: 'telerad:db-reply', seq, ok: false, error: serializeError(error) });

  const acquire = (seq: number, id: number) => {
    const lease = new Promise<Lease>((resolve, reject) => {
      db.connection()
        .execute(
          (connection) =>
            new Promise<void>((release) => {
              resolve({ run: (query) => connection.executeQuery(query), release, inTransaction: false });
            }),
        )
        .catch(reject);
    });
    leases.set(id, lease);
    lease.then(
      () => reply({ type: 'telerad:db-reply', seq, ok: true }),
      (error: unknown) => {
        leases.delete(id);
        fail(seq, error);
      },
    );
  };

  const query = async (id: number, text: string, parameters: readonly unknown[]) => {
    const compiled = CompiledQuery.raw(text, [...parameters]);
    if (id === 0) return db.executeQuery(compiled);
    const lease = await leases.get(id);
    if (lease === undefined) throw new Error(`no database connection ${id} is held over IPC`);
    const result = await lease.run(compiled);
    const statement = text.trim().slice(0, 9).toUpperCase();
    if (statement.startsWith('BEGIN')) lease.inTransaction = true;
    else if (statement.startsWith('COMMIT') || statement.startsWith('ROLLBACK')) lease.inTransaction = false;
    return result;
  };

  const onMessage = (message: unknown) => {
    if (!isRequest(message)) return;
    if (message.op === 'transaction') {
      const { seq, name, input } = message;
      const body = definedTransactions.get(name);
      const run =
        body === undefined
          ? Promise.reject(new Error(`no transaction named ${name} is defined in the process that owns the database`))
          : db.transaction().execute((trx) => body(trx, input as never));
      run.then(
        (value) => reply({ type: 'telerad:db-reply', seq, ok: true, value }),
        (error: unknown) => fail(seq, error),
      );
      return;
    }
    const id = message.lease;
    if (message.op === 'acquire') {
      acquire(message.seq, id);
    } else if (message.op === 'query') {
      const { seq } = message;
      query(id, message.sql, message.parameters).then(
        (result) =>
          reply({
            type: 'telerad:db-reply',
            seq,
            ok: true,
            rows: result.rows,
            ...(result.numAffectedRows !== undefined ? { numAffectedRows: result.numAffectedRows } : {}),
          }),
        (error: unknown) => fail(seq, error),
      );
    } else {
      const lease = leases.get(id);
      leases.delete(id);
      void lease?.then((l) => l.release()).catch(() => undefined);
    }
  };
  channel.on('message', onMessage);

  return {
    get leases() {
      return leases.size;
    },
    async dispose() {
      channel.off('message', onMessage);
      const held = [...leases.values()];
      leases.clear();
      await Promise.all(
        held.map(async (pending) => {
          const lease = await pending.catch(() => undefined);
          if (lease === undefined) return;
          try {
            if (lease.inTransaction) await lease.run(CompiledQuery.raw('ROLLBACK'));
          } finally {
            lease.release();
          }
        }),
      );
    },
  };
}

/**
 * A database handle whose queries run in the process at the other end of `channel` (which serves
 * one with `serveDatabaseOverIpc`). Closing it releases nothing the other side owns; a channel that
 * closes fails every query waiting on it.
 */
export function openIpcDatabase(
  channel: IpcChannel & { once(event: 'disconnect', listener: () => void): unknown },
): DbHandle {
  let nextLease = 1;
  let nextSeq = 1;
  const waiting = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  let closed: Error | null = null;
  channel.on('message', (message: unknown) => {
    const m = message as Reply;
    if (m?.type !== 'telerad:db-reply') return;
    const request = waiting.get(m.seq);
    waiting.delete(m.seq);
    request?.resolve(m);
  });
  channel.once('disconnect', () => {
    closed = new Error('the database is out of reach: the process that owns it has gone');
    for (const request of waiting.values()) request.reject(closed);
    waiting.clear();
  });

  type Sent =
    | { op: 'transaction'; name: string; input: unknown }
    | { op: 'acquire'; lease: number }
    | { op: 'query'; lease: number; sql: string; parameters: readonly unknown[] };
  const ask = (request: Sent): Promise<Reply & { ok: true }> => {
    if (closed !== null) return Promise.reject(closed);
    const seq = nextSeq++;
    return new Promise<Reply>((resolve, reject) => {
      waiting.set(seq, { resolve, reject });
      channel.send({ type: 'telerad:db', seq, ...request } satisfies Request);
    }).then((reply) => {
      if (!reply.ok) throw deserializeError(reply.error);
      return reply;
    });
  };

  /** Leased from BEGIN (see beginTransaction) until released; before that, each query takes its turn. */
  class IpcConnection implements DatabaseConnection {
    lease = 0;
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      const reply = await ask({ op: 'query', lease: this.lease, sql: compiled.sql, parameters: compiled.parameters });
      return {
        rows: (reply.rows ?? []) as R[],
        ...(reply.numAffectedRows !== undefined ? { numAffectedRows: reply.numAffectedRows } : {}),
      };
    }
    // biome-ignore lint/correctness/useYield: queries over IPC are not streamed.
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new Error('streaming queries are not supported over IPC');
    }
  }

  const run = (connection: DatabaseConnection, text: string) => connection.executeQuery(CompiledQuery.raw(text));
  const driver: Driver = {
    async init() {},
    async acquireConnection() {
      return new IpcConnection();
    },
    async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
      const ipc = connection as IpcConnection;
      const lease = nextLease++;
      await ask({ op: 'acquire', lease });
      ipc.lease = lease;
      const isolation = settings.isolationLevel ? ` ISOLATION LEVEL ${settings.isolationLevel.toUpperCase()}` : '';
      await run(connection, `BEGIN${isolation}`);
    },
    async commitTransaction(connection: DatabaseConnection) {
      await run(connection, 'COMMIT');
    },
    async rollbackTransaction(connection: DatabaseConnection) {
      await run(connection, 'ROLLBACK');
    },
    async releaseConnection(connection: DatabaseConnection) {
      const ipc = connection as IpcConnection;
      if (ipc.lease === 0) return;
      const lease = ipc.lease;
      ipc.lease = 0;
      if (closed === null) channel.send({ type: 'telerad:db', op: 'release', lease } satisfies Request);
    },
    async destroy() {},
  };
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => driver,
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    kind: 'pglite',
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
    async runDefinedTransaction(name, input) {
      return (await ask({ op: 'transaction', name, input })).value;
    },
  };
}
