import pg from 'pg';
import { StorageError } from '../recorder/incident-log';
import { migrate } from './migrate';
import { COLLECTION_NAMES, type ChangeSet, type CollectionName, type Collections, type Store, type StoreHealth } from './store';

/** What the PostgreSQL store needs. */
export interface PgStoreOptions {
  /** A PostgreSQL connection string (`DATABASE_URL`). */
  url: string;
  log: (message: string) => void;
  /** Connections in the pool. */
  poolSize?: number;
  /**
   * Refuse to open while another server holds the database (a session advisory lock, held until
   * close): without Redis the servers of one database cannot tell each other of new records, so
   * the one server runs alone on it. Not exclusive: one of several servers, which refuses to
   * start beside a server that runs alone.
   */
  exclusive?: boolean;
}

// Any fixed number, other than the migrations' lock: the one server that may use the database.
const INSTANCE_LOCK = 7_441_030;
// The first key of the locks of `exclusive` (two 32-bit keys: apart from the single-key ones above).
const EXCLUSIVE_LOCKS = 7_441_031;

/** The Store on PostgreSQL, with its pool: the incident logs use the same connections. */
export interface PgStore extends Store {
  readonly pool: pg.Pool;
}

/** The connection string without its password, for logs and the health check. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * A database error as the routes answer it: 503 with a sentence and nothing changed (see
 * http-error.ts). The code is PostgreSQL's SQLSTATE, or the connection error's.
 */
function storageError(action: string, error: unknown): StorageError {
  const e = error as { code?: string; message?: string };
  return new StorageError(`${action} in PostgreSQL failed: ${e.message ?? String(error)}`, e.code ?? 'EDB');
}

/**
 * The Store on PostgreSQL (docs/architecture.md, "Stores"): each collection's rows as JSON in
 * `store_rows`, keyed by collection and id, listed in the order they were first written, as the
 * embedded store lists them. A `put` is one transaction across collections. Unlike the embedded
 * store, which keeps a failed write in memory and retries, a write the database does not take
 * fails with {@link StorageError}: several instances share the rows, so none may hold its own
 * version of them. Migrations are applied before the store is returned.
 */
export async function openPgStore({ url, log, poolSize = 10, exclusive = false }: PgStoreOptions): Promise<PgStore> {
  // A server cut off from the database mid-turn must not hold an incident's order for long:
  // the database ends such a session, and with it the turn's lock (docs/architecture.md).
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idle_in_transaction_session_timeout: 10000 });
  const where = describeDatabase(url);
  let health: StoreHealth = { ok: true, message: `PostgreSQL ${where}` };
  // An idle connection that breaks (a restarted database) must not end the process.
  pool.on('error', (error) => log(`store: PostgreSQL connection lost: ${error.message}`));
  const run = async <T>(action: string, work: () => Promise<T>): Promise<T> => {
    try {
      const result = await work();
      if (!health.ok) log(`store: PostgreSQL ${where} answers again`);
      health = { ok: true, message: `PostgreSQL ${where}` };
      return result;
    } catch (error) {
      const failure = storageError(action, error);
      health = { ok: false, message: `${failure.message}` };
      log(`STORE FAILURE: ${failure.message}`);
      throw failure;
    }
  };
  let holder: pg.Client | undefined;
  try {
    // Alone: the lock exclusively; one of several: shared, so that neither kind starts beside the other.
    holder = new pg.Client({ connectionString: url });
    holder.on('error', (error) => log(`store: the connection that holds ${where} for this server was lost (${error.message}); another server could now start on it`));
    await holder.connect();
    const { rows } = await holder.query<{ locked: boolean }>(`SELECT ${exclusive ? 'pg_try_advisory_lock' : 'pg_try_advisory_lock_shared'}($1) AS locked`, [INSTANCE_LOCK]);
    if (!rows[0].locked) {
      throw new StorageError(
        exclusive
          ? `another Zorgbeeld server is using the database ${where}, and without REDIS_URL one server runs alone on a database. Set REDIS_URL on every server of this database to run several, or stop the other server.`
          : `a Zorgbeeld server without REDIS_URL is using the database ${where} alone. Stop it, or give it REDIS_URL as well, before starting several servers on this database.`,
        'EINSTANCE',
      );
    }
    await migrate(pool, log);
  } catch (error) {
    await holder?.end().catch(() => {});
    await pool.end();
    throw error instanceof StorageError ? error : storageError(`preparing ${where}`, error);
  }

  return {
    pool,
    async list<K extends CollectionName>(name: K) {
      return run(`listing ${name}`, async () => (await pool.query<{ data: Collections[K] }>('SELECT data FROM store_rows WHERE collection = $1 ORDER BY seq', [name])).rows.map((r) => r.data));
    },
    async get<K extends CollectionName>(name: K, id: string) {
      return run(`reading ${name}`, async () => (await pool.query<{ data: Collections[K] }>('SELECT data FROM store_rows WHERE collection = $1 AND id = $2', [name, id])).rows[0]?.data);
    },
    async put(changes: ChangeSet) {
      const collections: string[] = [];
      const ids: string[] = [];
      const rows: string[] = [];
      for (const name of COLLECTION_NAMES) {
        // The last version of a row given twice in one change set wins, as in the embedded store.
        const last = new Map<string, unknown>();
        for (const row of (changes[name] ?? []) as { id: string }[]) last.set(row.id, row);
        for (const [id, row] of last) {
          collections.push(name);
          ids.push(id);
          rows.push(JSON.stringify(row));
        }
      }
      if (ids.length === 0) return;
      await run('writing', () =>
        pool.query(
          `INSERT INTO store_rows (collection, id, data)
           SELECT * FROM unnest($1::text[], $2::text[], $3::json[])
           ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data`,
          [collections, ids, rows],
        ),
      );
    },
    async putIfAbsent<K extends CollectionName>(name: K, row: Collections[K]) {
      return run(`writing ${name}`, async () => {
        await pool.query('INSERT INTO store_rows (collection, id, data) VALUES ($1, $2, $3) ON CONFLICT (collection, id) DO NOTHING', [name, row.id, JSON.stringify(row)]);
        return (await pool.query<{ data: Collections[K] }>('SELECT data FROM store_rows WHERE collection = $1 AND id = $2', [name, row.id])).rows[0].data;
      });
    },
    async exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
      // A transaction's advisory lock on a connection of its own: should the work hang, the
      // database ends the idle transaction after 10 s (the pool's setting), and the lock with it.
      const client = await run(`locking ${name}`, () => pool.connect());
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [EXCLUSIVE_LOCKS, name]);
      } catch (error) {
        client.release(error as Error);
        throw storageError(`locking ${name}`, error);
      }
      try {
        return await work();
      } finally {
        await client.query('COMMIT').then(
          () => client.release(),
          (error: Error) => client.release(error),
        );
      }
    },
    async remove(name, ids) {
      if (ids.length === 0) return;
      await run(`removing from ${name}`, () => pool.query('DELETE FROM store_rows WHERE collection = $1 AND id = ANY($2::text[])', [name, [...ids]]));
    },
    health: () => ({ ...health }),
    async close() {
      await pool.end();
      await holder?.end().catch(() => {});
    },
  };
}
