import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from './server';
import { TEST_REDIS, TEST_STORE, createTestDatabase, dropTestDatabase, testDatabaseName, testDatabaseUrl } from './test-store';

/** The server as `npm start` runs it, in its own process: what a browser test talks to. */
export interface ProcessServer {
  url: string;
  dataDir: string;
  output: string[];
  process: ChildProcess;
  stop(options?: { signal?: NodeJS.Signals; keepData?: boolean }): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');

/** The server as `npm start` runs it: bundled by `npm run build` (server/bundle.ts). */
export const BUILT_SERVER = 'build/zorgbeeld-server.js';

/**
 * Starts a stopped server again on its data and at its address: the pages a browser keeps open
 * (or reopens from its copy) reconnect to the same URL.
 */
export function startAgain(server: ProcessServer): Promise<ProcessServer> {
  return startProcessServer({ dataDir: server.dataDir, env: { PORT: new URL(server.url).port } });
}

/**
 * Starts `server/index.ts` on port 0 with a temp data dir and no map tiles; resolves with its URL.
 * `built`: the bundle `npm start` runs instead of the sources. `nodeArgs` go to Node itself (e.g.
 * `--cpu-prof`, which NODE_OPTIONS does not take).
 */
export async function startProcessServer({ dataDir, env = {}, nodeArgs = [], built = false }: { dataDir?: string; env?: Record<string, string>; nodeArgs?: string[]; built?: boolean } = {}): Promise<ProcessServer> {
  if (!existsSync(join(ROOT, 'build/handler.js')) || (built && !existsSync(join(ROOT, BUILT_SERVER)))) {
    throw new Error('no build: run `npm run build` first (the `npm test` script does)');
  }
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'zorgbeeld-proc-')));
  // On PostgreSQL: the database of this data directory, one of several servers through Redis.
  const database = TEST_STORE === 'postgres' ? testDatabaseName(dir) : undefined;
  if (database) await createTestDatabase(database);
  const cluster: Record<string, string> = database ? { DATABASE_URL: testDatabaseUrl(database), REDIS_URL: TEST_REDIS } : {};
  const child = spawn(process.execPath, [...nodeArgs, ...(built ? [BUILT_SERVER] : ['--import', 'tsx', 'server/index.ts'])], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, TILE_URL: '', ADMIN_PASSWORD, DEMO_PASSWORD, ...cluster, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /listening on (http:\/\/[^\s]+)/.exec(output.join(''));
      if (match) resolveUrl(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output.join('')}`)));
  });
  return {
    url: url.replace('127.0.0.1', 'localhost'),
    dataDir: dir,
    output,
    process: child,
    async stop({ signal = 'SIGTERM', keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(signal);
        // A server that does not end on SIGTERM (its event loop stuck) is killed, so that it does
        // not outlive the tests at full CPU, and the stop fails: that is a defect to see.
        const stuck = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 15000).unref())]);
        if (stuck) {
          child.kill('SIGKILL');
          await exited;
          throw new Error(`the server did not stop within 15 s of ${signal}; killed. Its last output:\n${output.join('').slice(-2000)}`);
        }
      }
      if (!keepData) {
        if (database) await dropTestDatabase(database);
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
