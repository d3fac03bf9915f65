import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as Y from 'yjs';
import { RawPeer, WriterPeer, now, percentile, until } from './peers';
import { openIncident, processUsage, signIn, DEMO_PASSWORD, type BenchServer } from './servers';
import type { LongIncidentFigures } from './growth-load';
import { LongLog } from './long-log';

/** Propagation and memory with `incidents` incidents open at once. */
export interface OpenIncidentsStep {
  incidents: number;
  clients: number;
  p50: number;
  p99: number;
  deliveries: number;
  rssMb: number;
}

/**
 * Opens incidents one after another on one server, each with `clientsPerIncident` clients (one
 * GHOR writer, the rest protocol-level readers signed in as an observer); at each step of
 * `steps` (a doubling) every writer changes a report `ratePerIncident` times a second for
 * `seconds`, and the delivery to every reader of its incident is timed.
 */
export async function openIncidents({ server, steps = [5, 10, 20], clientsPerIncident = 50, seconds = 10, ratePerIncident = 4 }: { server: BenchServer; steps?: number[]; clientsPerIncident?: number; seconds?: number; ratePerIncident?: number }): Promise<OpenIncidentsStep[]> {
  const ghor = await signIn(server.url, 'ghor', DEMO_PASSWORD);
  const observer = await signIn(server.url, 'observer', DEMO_PASSWORD);
  const open: { writer: WriterPeer; readers: RawPeer[]; location: string }[] = [];
  const results: OpenIncidentsStep[] = [];
  for (const step of steps) {
    while (open.length < step) {
      const incident = await openIncident(server.url, ghor);
      const url = `${server.url.replace('http', 'ws')}/yjs/${incident.id}`;
      const writer = new WriterPeer(url, { cookie: ghor }, { follow: false });
      const readers = Array.from({ length: clientsPerIncident - 1 }, () => new RawPeer(url, { cookie: observer }));
      await until(() => writer.synced && readers.every((r) => r.synced), 60000, `incident ${open.length + 1} synced`);
      open.push({ writer, readers, location: incident.locations[open.length % incident.locations.length] });
    }
    const latencies: number[] = [];
    const end = now() + seconds * 1000;
    let round = 0;
    // Each incident writes on its own clock, offset from the others, as boards do in a crisis.
    await Promise.all(
      open.map(async (board, b) => {
        await new Promise((r) => setTimeout(r, (b * 1000) / ratePerIncident / open.length));
        while (now() < end) {
          const before = board.readers.map((r) => r.updates);
          const arrived: number[] = new Array(board.readers.length).fill(NaN);
          board.readers.forEach((r, i) => (r.onUpdate = (at) => (arrived[i] = Number.isNaN(arrived[i]) ? at : arrived[i])));
          const t0 = now();
          board.writer.doc.getMap<Y.Map<unknown>>('reports').get(board.location)?.set('remarks', `groei ${round++}`);
          await until(() => board.readers.every((r, i) => r.updates > before[i]), 10000, `delivery on incident ${b + 1}`);
          latencies.push(...arrived.map((at) => at - t0));
          const wait = t0 + 1000 / ratePerIncident - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }),
    );
    const rssMb = processUsage(server.pid).rssMb;
    results.push({ incidents: step, clients: step * clientsPerIncident, p50: percentile(latencies, 50), p99: percentile(latencies, 99), deliveries: latencies.length, rssMb });
  }
  for (const board of open) [board.writer, ...board.readers].forEach((p) => p.close());
  return results;
}

/** One size of the long incident: how its log was written and what loading it cost. */
export interface LongIncidentStep extends LongIncidentFigures {
  updates: number;
  logMb: number;
}

/**
 * A long incident at each size of `sizes` (a doubling, up to a 24-hour incident of a million
 * updates): report changes over the demo region's 1,061 locations, one every 20–400 ms of
 * incident time. Each size is loaded cold, in a process of its own (see growth-load.ts).
 *
 * The generated log has a checkpoint every 10,000 updates and every 1,000 in the last 10,000
 * before each measured size; the server writes one every 1,000 throughout. A load reads only the
 * last one and what follows, so the load figures are those of the server's own logs; writing a
 * checkpoint every 1,000 updates of a million-update document here would take most of the run.
 */
export async function longIncident({ sizes = [125000, 250000, 500000, 1000000], seeks = 20 }: { sizes?: number[]; seeks?: number } = {}): Promise<LongIncidentStep[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'zorgbeeld-growth-'));
  try {
    const incidentId = 'inc-growth';
    const long = new LongLog(dataDir, incidentId, { seed: 11, gapMs: [20, 150], start: '2026-03-01T06:00:00Z' });
    const results: LongIncidentStep[] = [];
    try {
      for (const size of sizes) {
        long.write(size, (n) => n % 10000 === 0 || (size - n < 10000 && n % 1000 === 0));
        const loaded = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', resolve(import.meta.dirname, 'growth-load.ts'), dataDir, incidentId, String(seeks), String(long.first), String(long.time)], {
          cwd: resolve(import.meta.dirname, '..'),
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        });
        if (loaded.status !== 0) throw new Error(`loading the long incident failed: ${loaded.stderr}`);
        results.push({ updates: size, logMb: long.mb, ...(JSON.parse(loaded.stdout.trim().split('\n').at(-1)!) as LongIncidentFigures) });
      }
    } finally {
      long.close();
    }
    return results;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
