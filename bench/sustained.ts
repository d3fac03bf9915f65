import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { RawPeer, SharedWriters, WriterPeer, now, percentile, until } from './peers';
import { openIncident, processUsage, signIn, DEMO_PASSWORD, type BenchServer } from './servers';

/** Result of the sustained-load benchmark. */
export interface SustainedResult {
  clients: number;
  seconds: number;
  sent: number;
  rate: number;
  p50: number;
  p99: number;
  lost: number;
  finalStateMissing: number;
  cpuPercent: number;
  peakRssMb: number;
  /** The load generator's longest event-loop delay during the run: what it added to the latencies at most. */
  generatorStallMs: number;
}

/**
 * `clients` connections on one incident, of which `writers` write their own location's remarks
 * at `rate` updates per second in all, for `seconds` after `warmUpSeconds` of the same load that
 * is not measured. Probe clients read every update and measure latency from the time written
 * into the value; the rest only receive.
 */
export async function sustained({ server, spread, clients = 500, writers = 25, probes = 20, rate = 200, seconds = 60, warmUpSeconds = 2, incident, alongside }: { server: BenchServer; /** Load before the measured seconds, not measured: the joins' aftermath (a long incident's state sent to every client) is not what a sustained load costs. */ warmUpSeconds?: number; /** Several servers of one database: the clients go to them in turn (the incident is opened on `server`). */ spread?: BenchServer[]; clients?: number; writers?: number; probes?: number; rate?: number; seconds?: number; /** An incident opened before (with its history); else a fresh one. */ incident?: { id: string; locations: string[] }; /** Started with the measurement, stopped after it (another load beside the writers). */ alongside?: (url: string) => () => void }): Promise<SustainedResult> {
  const ghor = await signIn(server.url, 'ghor', DEMO_PASSWORD);
  const observer = await signIn(server.url, 'observer', DEMO_PASSWORD);
  const { id, locations } = incident ?? (await openIncident(server.url, ghor));
  const servers = spread ?? [server];
  const urls = servers.map((s) => `${s.url.replace('http', 'ws')}/yjs/${id}`);
  const url = urls[0];
  let turn = 0;
  const nextUrl = () => urls[turn++ % urls.length];
  const writing = new SharedWriters(Array.from({ length: writers }, () => nextUrl()), { cookie: ghor });
  // Probes read the send time out of each update's new values, without applying it to a
  // document: applying costs the client per update as much as the document has clientIDs
  // (Yjs' transactions walk the state vector), and in a long incident the load generator would
  // measure itself. Only the values written here are read.
  const latencies: number[] = [];
  let measureFrom = Infinity;
  const seen = Array.from({ length: probes }, () => new Map<number, Set<number>>());
  const read = (p: number, payload: Uint8Array, at: number) => {
    for (const struct of Y.decodeUpdate(payload).structs) {
      const content = (struct as Y.Item).content;
      if (!(content instanceof Y.ContentAny)) continue;
      for (const value of content.getContent()) {
        if (typeof value !== 'string' || !value.startsWith('w')) continue;
        const [w, seq, sentAt] = value.slice(1).split(':').map(Number);
        const set = seen[p].get(w) ?? new Set<number>();
        if (!set.has(seq)) {
          set.add(seq);
          seen[p].set(w, set);
          if (sentAt >= measureFrom) latencies.push(at - sentAt);
        }
      }
    }
  };
  const probePeers = seen.map((_, p) => {
    const peer = new RawPeer(nextUrl(), { cookie: observer });
    peer.onUpdate = (at, payload) => read(p, payload, at);
    return peer;
  });
  const loadPeers = Array.from({ length: clients - writers - probes }, () => new RawPeer(nextUrl(), { cookie: observer }));
  await until(() => writing.synced && [...probePeers, ...loadPeers].every((p) => p.synced), 120000, 'all clients synced');

  // What the load generator left from before (a long incident's copies) is collected now, not
  // while it measures (`npm run bench` runs Node with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const usage = () => servers.map((s) => processUsage(s.pid)).reduce((a, b) => ({ cpuSeconds: a.cpuSeconds + b.cpuSeconds, peakRssMb: Math.max(a.peakRssMb, b.peakRssMb), rssMb: a.rssMb + b.rssMb }));
  const usageBefore = usage();
  const stopAlongside = alongside?.(url);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = now();
  measureFrom = started + warmUpSeconds * 1000;
  const running = (seconds + warmUpSeconds) * 1000;
  const sent = new Array(writers).fill(0);
  const interval = (1000 * writers) / rate;
  await new Promise<void>((resolve) => {
    const timers = writing.peers.map((_, w) =>
      setTimeout(() => {
        const timer = setInterval(() => {
          if (now() - started > running) return;
          const seq = ++sent[w];
          writing.setRemarks(w, locations[w], () => `w${w}:${seq}:${now()}`);
        }, interval);
        timers[w] = timer;
      }, (interval * w) / writers),
    );
    setTimeout(() => {
      timers.forEach((t) => clearInterval(t));
      resolve();
    }, running + interval);
  });
  const elapsed = (now() - started) / 1000;
  loop.disable();
  stopAlongside?.();
  const usageAfter = usage();
  const total = sent.reduce((a, b) => a + b, 0);
  // Let the last updates arrive, then count what no probe saw.
  await until(() => seen.every((s) => sent.every((n, w) => (s.get(w)?.size ?? 0) >= n)), 30000, 'probes drained').catch(() => undefined);
  const lost = Math.max(...seen.map((s) => sent.reduce((missing, n, w) => missing + (n - (s.get(w)?.size ?? 0)), 0)));

  // A fresh client after the run must find every writer's last value.
  const check = new WriterPeer(url, { cookie: observer });
  await until(() => check.synced, 30000, 'check client synced');
  const finalStateMissing = sent.filter((n, w) => {
    const value = check.doc.getMap<Y.Map<unknown>>('reports').get(locations[w])?.get('remarks');
    return n > 0 && (typeof value !== 'string' || !value.startsWith(`w${w}:${n}:`));
  }).length;
  writing.close();
  [...probePeers, ...loadPeers, check].forEach((p) => p.close());
  return {
    clients,
    seconds: Math.round(elapsed - warmUpSeconds),
    sent: total,
    rate: total / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    lost,
    finalStateMissing,
    cpuPercent: ((usageAfter.cpuSeconds - usageBefore.cpuSeconds) / elapsed) * 100,
    peakRssMb: usageAfter.peakRssMb,
    generatorStallMs: loop.max / 1e6,
  };
}
