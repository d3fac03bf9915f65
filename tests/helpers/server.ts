import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ServerDeps, type ZorgbeeldServer } from '../../server/app';
import { seedIfEmpty } from '../../server/seed';
import { openLowdbStore } from '../../server/store/lowdb-store';
import type { Store } from '../../server/store/store';

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
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** Starts the real server on port 0 with a temp data dir, seeded with the demo region unless `seed: false`. */
export async function startServer({
  seed = true,
  dataDir,
  ...deps
}: { seed?: boolean; dataDir?: string } & Partial<Omit<ServerDeps, 'store' | 'dataDir'>> = {}): Promise<TestServer> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'zorgbeeld-test-')));
  const logs: string[] = [];
  const log = (message: string) => logs.push(message);
  const store = await openLowdbStore({ dataDir: dir, log });
  const now = deps.now ?? (() => new Date());
  if (seed) await seedIfEmpty({ store, log, now, adminPassword: ADMIN_PASSWORD, demoPassword: DEMO_PASSWORD });
  const server = createServer({ store, dataDir: dir, log, ...deps });
  const url = await server.listen(0);
  return {
    url,
    dataDir: dir,
    store,
    logs,
    server,
    async close({ keepData = false } = {}) {
      await server.close();
      if (!keepData) await rm(dir, { recursive: true, force: true });
    },
  };
}
