import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startProcessServer } from '../tests/helpers/process-server';
import { TEST_REDIS, createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../tests/helpers/test-store';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
export { ADMIN_PASSWORD, DEMO_PASSWORD } from '../tests/helpers/server';

/** A server under test in its own process. */
export interface BenchServer {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolvePort(port));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolveLine, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolveLine(match);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}

function stopper(child: ChildProcess, cleanup: () => Promise<void>): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await cleanup();
  };
}

/** Starts Zorgbeeld as `npm start` runs it (the bundle, built by bench/run.ts first), on a free port with a fresh data directory. */
export async function startZorgbeeld({ scale = 1 }: { scale?: number } = {}): Promise<BenchServer> {
  // Hundreds of load clients share one address and a few accounts: neither the per-address cap
  // nor the per-user write budget is what these runs measure.
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): Node's own flags for
  // the server under test alone, not its peers. (NODE_OPTIONS refuses --cpu-prof.)
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const server = await startProcessServer({ env: { DEMO_SCALE: String(scale), MAX_CONNECTIONS_PER_ADDRESS: '100000', WRITE_BUDGET_BYTES_PER_SECOND: '100000000' }, nodeArgs, built: true });
  // BENCH_SERVER_LOG=<file>: what the server said, written there when it stops (to see why a run failed).
  const stop = async () => {
    if (process.env.BENCH_SERVER_LOG) appendFileSync(process.env.BENCH_SERVER_LOG, server.output.join(''));
    await server.stop();
  };
  return { name: 'Zorgbeeld', url: server.url.replace('localhost', '127.0.0.1'), pid: server.process.pid!, stop };
}

/**
 * Starts `count` Zorgbeeld servers on one fresh PostgreSQL database and Redis (the tests' own
 * machine services), as `npm start` runs it; the first seeds the region. `stop` stops them all
 * and drops the database.
 */
export async function startZorgbeeldCluster(count: number): Promise<BenchServer[]> {
  const database = `zorgbeeld_bench_${randomBytes(6).toString('hex')}`;
  await createTestDatabase(database);
  const env = { DATABASE_URL: testDatabaseUrl(database), REDIS_URL: TEST_REDIS, MAX_CONNECTIONS_PER_ADDRESS: '100000', WRITE_BUDGET_BYTES_PER_SECOND: '100000000' };
  const started = [await startProcessServer({ env, built: true })];
  for (let i = 1; i < count; i++) started.push(await startProcessServer({ env, built: true }));
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= Promise.all(started.map((s) => s.stop())).then(() => dropTestDatabase(database)));
  return started.map((server, i) => ({ name: `Zorgbeeld ${String.fromCharCode(65 + i)}`, url: server.url.replace('localhost', '127.0.0.1'), pid: server.process.pid!, stop: stopAll }));
}

/** Starts the reference y-websocket server (y-websocket@2.1.0 bin/server.cjs, Yjs 13, in memory). */
export async function startReference(): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/y-websocket-reference/bin/server.cjs')], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForLine(child, /running at/);
  return { name: 'reference y-websocket@2.1.0', url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: stopper(child, async () => {}) };
}

/** Starts Hocuspocus 3.4 (bench/hocuspocus-server.ts: an authentication hook, persistence to files) in its own process. */
export async function startHocuspocus(): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/hocuspocus-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForLine(child, /hocuspocus listening/);
  return { name: 'Hocuspocus 3.4', url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: stopper(child, async () => {}) };
}

/** CPU seconds (user + system) and peak resident memory of a process, from /proc. */
export function processUsage(pid: number): { cpuSeconds: number; peakRssMb: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = 100;
  const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / ticks;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuSeconds, peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** Signs in over the API and returns the session cookie. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

/** Opens an incident on Zorgbeeld and returns its id and the ids of its locations. */
export async function openIncident(url: string, cookie: string): Promise<{ id: string; locations: string[] }> {
  const created = await fetch(`${url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ title: 'Benchmark', grip: 2 }) });
  const id = ((await created.json()) as { data: { id: string } }).data.id;
  const read = await fetch(`${url}/api/incidents/${id}`, { headers: { cookie } });
  const { network } = ((await read.json()) as { data: { network: { locations: { id: string }[] } } }).data;
  return { id, locations: network.locations.map((l) => l.id) };
}
