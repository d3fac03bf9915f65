import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReport } from '../shared/incident-doc';
import { CloseCodes } from '../shared/wire';
import { HttpClient } from '../tests/helpers/http-client';
import { startProcessServer, type ProcessServer } from '../tests/helpers/process-server';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../tests/helpers/server';
import { waitFor } from '../tests/helpers/wait-for';
import { connectBoard } from '../tests/helpers/yjs-client';
import { until } from './peers';
import { CLIENTS, answerAtRandom, answeringCoordinators, startWriters, type Writer } from './chaos-load';

// `npm run chaos`: 50 stock WebsocketProvider clients write while the server is killed with
// SIGKILL at a random moment and restarted on the same port and data directory. Every update any
// client made must be in the document afterwards; the log and the store must load; each
// organisation's alert acknowledgement must exist exactly once. A last round fills the disk.
// `npm run chaos -- --instances 3`: the same over several servers on PostgreSQL and Redis, one
// of them killed for good (chaos-cluster.ts). `--rounds N` sets the number of rounds.
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : undefined;
};
const instances = option('instances') ?? 1;
// A bare number is the rounds, as before.
const rounds = option('rounds') ?? (args[0] && /^\d+$/.test(args[0]) ? Number(args[0]) : 3);

async function round(n: number): Promise<void> {
  let server: ProcessServer = await startProcessServer();
  const port = new URL(server.url).port;
  const dataDir = server.dataDir;
  try {
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await ghor.post('/api/incidents', { title: `Chaos ${n}`, grip: 3 })).body.data;
    const network = (await ghor.get(`/api/incidents/${incident.id}`)).body.data.network;
    const acking = await answeringCoordinators(admin, server.url, network.organisations, n);
    const alert = (await ghor.post(`/api/incidents/${incident.id}/alerts`, { message: 'Chaos', grip: 3, target: { all: true } })).body.data.alert;

    // Each client owns one location and writes an increasing number into its remarks.
    const writers = await startWriters(server.url, incident.id, ghor.cookie, network.locations, (n) => `chaos ${n}`);
    const { clients } = writers;
    const { acked, acks } = answerAtRandom(acking, alert.id);

    const killAt = randomInt(1000, 4000);
    await new Promise((r) => setTimeout(r, killAt));
    await server.stop({ signal: 'SIGKILL', keepData: true });
    // Clients keep writing while the server is down: these are offline edits.
    await new Promise((r) => setTimeout(r, 1000));
    server = await startProcessServer({ dataDir, env: { PORT: port } });
    await new Promise((r) => setTimeout(r, 2000));
    writers.stop();
    await Promise.all(acks);

    // Every client reconnects and the server ends up with every client's last write.
    await until(() => clients.every((c) => c.board.provider.synced), 60000, 'clients back').catch((error: Error) => {
      const codes = clients.flatMap((c) => c.board.closes.map((x) => `${x.code} ${x.reason}`));
      console.log('closes:', [...new Set(codes)].join('; '), '· synced', clients.filter((c) => c.board.provider.synced).length);
      console.log(server.output.join('').split('\n').filter((l) => l.includes('refused') || l.includes('log ')).slice(0, 8).join('\n'));
      throw error;
    });
    const check = connectBoard(server.url, incident.id, (await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD)).cookie);
    await until(() => check.provider.synced, 30000, 'check client');
    await until(() => clients.every((c) => readReport(check.doc, c.location).remarks === `chaos ${c.written}`), 30000, 'every last write on the server').catch(() => undefined);
    const missing = clients.filter((c) => readReport(check.doc, c.location).remarks !== `chaos ${c.written}`);
    const writes = clients.reduce((n, c) => n + c.written, 0);

    const viewer = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const status = ((await viewer.get(`/api/incidents/${incident.id}/alerts`)).body.data as { alert: { id: string }; acknowledgements: { organisationId: string }[] }[]).find((s) => s.alert.id === alert.id)!;
    const perOrganisation = new Map<string, number>();
    for (const a of status.acknowledgements) perOrganisation.set(a.organisationId, (perOrganisation.get(a.organisationId) ?? 0) + 1);
    const duplicated = [...perOrganisation.values()].filter((count) => count > 1).length;
    const lostAcks = [...acked].filter((id) => !perOrganisation.has(id)).length;
    console.log(
      `round ${n}: killed after ${killAt} ms; ${writes} writes by ${CLIENTS} clients; missing after restart: ${missing.length}; ` +
        `acknowledgements confirmed ${acked.size}, stored ${status.acknowledgements.length}, lost ${lostAcks}, duplicated ${duplicated}`,
    );
    [...clients.map((c) => c.board), check].forEach((b) => b.destroy());
    if (missing.length > 0 || lostAcks > 0 || duplicated > 0) process.exitCode = 1;
  } finally {
    await server.stop({ keepData: true });
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The disk fills up under load: the data directory is a small tmpfs (this needs root) that a
 * filler file fills while 50 clients write. The server must stay up and say so in its health,
 * refuse writes with the retryable code, and once the filler is removed take every client's
 * kept writes; a restart then shows the same document.
 */
async function fullDiskRound(): Promise<void> {
  const mount = mkdtempSync(join(tmpdir(), 'zorgbeeld-chaos-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]);
  // One account writes for all 50 clients here: the per-user write budget is not what this round measures.
  const env = { WRITE_BUDGET_BYTES_PER_SECOND: '100000000' };
  let server: ProcessServer = await startProcessServer({ dataDir: mount, env });
  const port = new URL(server.url).port;
  const filler = join(mount, 'filler');
  try {
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await ghor.post('/api/incidents', { title: 'Schijf vol', grip: 3 })).body.data;
    const network = (await ghor.get(`/api/incidents/${incident.id}`)).body.data.network;
    const lastOf = (c: Writer) => `vol ${c.written} ${'x'.repeat(200)}`;
    const writers = await startWriters(server.url, incident.id, ghor.cookie, network.locations, (n) => `vol ${n} ${'x'.repeat(200)}`);
    const { clients } = writers;
    await new Promise((r) => setTimeout(r, 2000));
    const before = clients.reduce((n, c) => n + c.written, 0);
    for (const size of [1024 * 1024, 64 * 1024, 4096]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeFileSync(filler, chunk, { flag: 'a' });
      } catch {
        // ENOSPC: the next, smaller chunk fills what is left.
      }
    }
    await waitFor(async () => (await fetch(`${server.url}/api/health`)).status === 503, { timeoutMs: 20000, what: 'health reporting the full disk' });
    await new Promise((r) => setTimeout(r, 3000));
    const alive = server.process.exitCode === null;
    const refusals = clients.reduce((n, c) => n + c.board.closes.filter((x) => x.code === CloseCodes.StorageUnavailable.code).length, 0);
    rmSync(filler);
    await waitFor(async () => (await fetch(`${server.url}/api/health`)).status === 200, { timeoutMs: 20000, what: 'writing resumed' });
    await new Promise((r) => setTimeout(r, 1000));
    writers.stop();
    const check = connectBoard(server.url, incident.id, ghor.cookie);
    await until(() => check.provider.synced, 30000, 'check client');
    await until(() => clients.every((c) => readReport(check.doc, c.location).remarks === lastOf(c)), 60000, 'every kept write after space returned').catch(() => undefined);
    const missing = clients.filter((c) => readReport(check.doc, c.location).remarks !== lastOf(c)).length;
    [...clients.map((c) => c.board), check].forEach((b) => b.destroy());
    // And it is all in the log: a restart gives the same document.
    await server.stop({ keepData: true });
    server = await startProcessServer({ dataDir: mount, env: { ...env, PORT: port } });
    const again = connectBoard(server.url, incident.id, (await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD)).cookie);
    await until(() => again.provider.synced, 30000, 'after restart');
    const missingAfterRestart = clients.filter((c) => readReport(again.doc, c.location).remarks !== lastOf(c)).length;
    again.destroy();
    const writes = clients.reduce((n, c) => n + c.written, 0);
    console.log(
      `full disk: ${writes} writes by ${CLIENTS} clients (${before} before the disk filled); server up while full: ${alive}; ` +
        `${refusals} refusals with ${CloseCodes.StorageUnavailable.code}; missing after space returned: ${missing}; after a restart: ${missingAfterRestart}`,
    );
    if (!alive || refusals === 0 || missing > 0 || missingAfterRestart > 0) process.exitCode = 1;
  } finally {
    await server.stop({ keepData: true });
    execFileSync('umount', ['-l', mount]);
    rmSync(mount, { recursive: true, force: true });
  }
}

if (instances > 1) {
  const { clusterRound } = await import('./chaos-cluster');
  for (let n = 1; n <= rounds; n++) if (!(await clusterRound(n, instances))) process.exitCode = 1;
  console.log(process.exitCode ? 'CHAOS: FAILED' : `CHAOS: every update, answer and message survived a server of ${instances} killed`);
} else {
  for (let n = 1; n <= rounds; n++) await round(n);
  await fullDiskRound();
  console.log(process.exitCode ? 'CHAOS: FAILED' : 'CHAOS: every update and acknowledgement survived, also a disk that filled up');
}
// Every server was stopped above; what may still hold this process open is a client's timer or a
// kept-alive connection of the load itself, which would leave the command hanging after its verdict.
process.exit(process.exitCode ?? 0);
