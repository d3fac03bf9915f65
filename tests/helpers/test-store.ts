import { createHash } from 'node:crypto';
import pg from 'pg';
import { openLowdbStore } from '../../server/store/lowdb-store';
import { openPgStore } from '../../server/store/pg-store';
import type { Store } from '../../server/store/store';
import { joinCluster, type Cluster } from '../../server/cluster';

/**
 * Which store the tests run on: the embedded one, or PostgreSQL when ZORGBEELD_TEST_STORE is
 * `postgres` (the vitest project "postgres"; see vite.config.ts).
 */
export const TEST_STORE = process.env.ZORGBEELD_TEST_STORE === 'postgres' ? 'postgres' : 'embedded';

/** Where the test databases are made: the machine's PostgreSQL unless ZORGBEELD_TEST_POSTGRES says otherwise. */
export const TEST_POSTGRES = process.env.ZORGBEELD_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The Redis of the tests on PostgreSQL: the machine's unless ZORGBEELD_TEST_REDIS says otherwise. */
export const TEST_REDIS = process.env.ZORGBEELD_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/** A test database's connection string: the server of TEST_POSTGRES, another database name. */
export function testDatabaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` on a connection to the maintenance database; one clear line when PostgreSQL cannot be reached. */
export async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${new URL(TEST_POSTGRES).host} cannot be reached (${(error as Error).message}): these tests need it. ` +
        'Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set ZORGBEELD_TEST_POSTGRES.',
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates a database unless it exists. */
export async function createTestDatabase(name: string): Promise<void> {
  await withAdmin(async (admin) => {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  });
}

/** Drops a database, ending whatever is still connected to it. */
export async function dropTestDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** The database name of a test data directory: a server restarted over the same directory finds its data again. */
export function testDatabaseName(dataDir: string): string {
  return `zorgbeeld_test_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
}

/**
 * The store of a test server. On PostgreSQL each data directory has its own database, named
 * after the directory (`database` names another: a second server on the same one), and the
 * server is one of several on it, through Redis, with its incident logs in the database;
 * `drop` removes the database with the directory.
 */
export async function openTestStore(dataDir: string, log: (message: string) => void, database?: string): Promise<{ store: Store; cluster?: Cluster; drop: () => Promise<void> }> {
  if (TEST_STORE === 'embedded' && database === undefined) return { store: await openLowdbStore({ dataDir, log }), drop: async () => {} };
  const name = database ?? testDatabaseName(dataDir);
  await createTestDatabase(name);
  const store = await openPgStore({ url: testDatabaseUrl(name), log, exclusive: false });
  let cluster: Cluster;
  try {
    cluster = await joinCluster({ pool: store.pool, url: testDatabaseUrl(name), redisUrl: TEST_REDIS, name, log, dutyTickMs: 200 });
  } catch (error) {
    await store.close();
    throw new Error(`${(error as Error).message}: the tests on PostgreSQL need Redis too. Start it (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) or set ZORGBEELD_TEST_REDIS.`);
  }
  return { store, cluster, drop: () => dropTestDatabase(name) };
}
