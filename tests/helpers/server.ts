import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ReachConfig, type ServerDeps, type ZorgbeeldServer } from '../../server/app';
import { loadReachKeys } from '../../server/reach/secrets';
import { seedIfEmpty } from '../../server/seed';
import { openTestStore } from './test-store';
import type { Store } from '../../server/store/store';
import type { PgStore } from '../../server/store/pg-store';
import { readLogFile, incidentLogFile, type LogRecord } from '../../server/recorder/incident-log';
import { PgRecorder } from '../../server/recorder/pg-recorder';

/** Passwords of the seeded test accounts. */
export const ADMIN_PASSWORD = 'admin-test-password';
export const DEMO_PASSWORD = 'demo-test-password';

/** A running test server: real HTTP on a random port with its own temporary data directory. */
export interface TestServer {
  url: string;
  dataDir: string;
  store: Store;
  logs: string[];
  server: ZorgbeeldServer;
  /** Every record of an incident's log, in order: from its file, or from PostgreSQL. */
  records(incidentId: string): Promise<LogRecord[]>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts the real server on port 0 with a temp data dir, seeded with the demo region unless
 * `seed: false`. On PostgreSQL, `database` puts it on another server's database (see
 * {@link testDatabaseName}): one of several servers.
 */
export async function startServer({
  seed = true,
  dataDir,
  database,
  reach,
  ...deps
}: { seed?: boolean; dataDir?: string; database?: string; reach?: Partial<ReachConfig> } & Partial<Omit<ServerDeps, 'store' | 'dataDir' | 'reach'>> = {}): Promise<TestServer> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'zorgbeeld-test-')));
  const logs: string[] = [];
  const log = (message: string) => logs.push(message);
  const { store, cluster, drop } = await openTestStore(dir, log, database);
  const now = deps.now ?? (() => new Date());
  if (seed) await seedIfEmpty({ store, log, now, adminPassword: ADMIN_PASSWORD, demoPassword: DEMO_PASSWORD });
  // Channels as given; the keys live in the data directory, as in production, so links survive a restart.
  const reachConfig = reach ? { publicUrl: '', ...reach, keys: reach.keys ?? (await loadReachKeys({ dataDir: dir, subject: 'mailto:test@zorgbeeld.example', store: cluster ? (store as PgStore) : undefined })) } : undefined;
  // Tests refuse writes on purpose, many a minute per account: the join limit after refusals has a test of its own.
  const server = createServer({ store, dataDir: dir, cluster, log, yjsRefusalsPerMinute: 100000, ...deps, reach: reachConfig });
  const url = await server.listen(0);
  return {
    url,
    dataDir: dir,
    store,
    logs,
    server,
    async records(incidentId) {
      if (cluster) return PgRecorder.atEnd((store as PgStore).pool, incidentId).after(0);
      return readLogFile(incidentLogFile(dir, incidentId)).records;
    },
    async close({ keepData = false } = {}) {
      await server.close();
      if (!keepData) {
        await drop();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
