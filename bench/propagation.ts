import * as Y from 'yjs';
import { RawPeer, WriterPeer, inTurn, now, percentile, until, type HocuspocusDialect } from './peers';
import { openIncident, signIn, DEMO_PASSWORD, type BenchServer } from './servers';

/** One server's side of the propagation workload: a writer and `receivers` readers. */
interface Rig {
  server: BenchServer;
  writer: WriterPeer;
  receivers: RawPeer[];
  write(round: number): void;
  latencies: number[];
  close(): void;
}

/** `readersOn`: the servers the receivers are spread over (several servers of one database); the writer is on `server`. */
async function zorgbeeldRig(server: BenchServer, receivers: number, readersOn: BenchServer[] = [server]): Promise<Rig> {
  const ghor = await signIn(server.url, 'ghor', DEMO_PASSWORD);
  const observer = await signIn(server.url, 'observer', DEMO_PASSWORD);
  const { id, locations } = await openIncident(server.url, ghor);
  const url = `${server.url.replace('http', 'ws')}/yjs/${id}`;
  // The writer does not apply its echo: it shares the process with the receivers, and applying
  // it (the peers send none) would hold up noting their arrivals. It sets one value again and
  // again, which needs its own last write only.
  const writer = new WriterPeer(url, { cookie: ghor }, { follow: false });
  const peers = Array.from({ length: receivers }, (_, i) => new RawPeer(`${readersOn[i % readersOn.length].url.replace('http', 'ws')}/yjs/${id}`, { cookie: observer }));
  await until(() => writer.synced && peers.every((p) => p.synced), 60000, 'Zorgbeeld peers synced');
  const location = locations[0];
  return {
    server,
    writer,
    receivers: peers,
    latencies: [],
    write: (round) => writer.doc.getMap<Y.Map<unknown>>('reports').get(location)!.set('remarks', `ronde ${round}`),
    close: () => [writer, ...peers].forEach((p) => p.close()),
  };
}

/**
 * A peer server's side: the same shape as an incident (a map per location under `reports`),
 * created by the writer. The reference takes the room from the path; Hocuspocus names the
 * document in every message (its dialect).
 */
async function peerRig(server: BenchServer, receivers: number, dialect?: HocuspocusDialect): Promise<Rig> {
  const url = dialect ? server.url.replace('http', 'ws') : `${server.url.replace('http', 'ws')}/benchmark-room`;
  const writer = new WriterPeer(url, {}, { dialect });
  await until(() => writer.synced, 10000, `${server.name} writer synced`);
  writer.doc.getMap<Y.Map<unknown>>('reports').set('loc-00001', new Y.Map());
  const peers = Array.from({ length: receivers }, () => new RawPeer(url, {}, dialect));
  await until(() => peers.every((p) => p.synced), 60000, `${server.name} peers synced`);
  return {
    server,
    writer,
    receivers: peers,
    latencies: [],
    write: (round) => writer.doc.getMap<Y.Map<unknown>>('reports').get('loc-00001')!.set('remarks', `ronde ${round}`),
    close: () => [writer, ...peers].forEach((p) => p.close()),
  };
}

async function round(rig: Rig, n: number): Promise<void> {
  const before = rig.receivers.map((p) => p.updates);
  const arrived: number[] = new Array(rig.receivers.length).fill(NaN);
  rig.receivers.forEach((p, i) => {
    p.onUpdate = (at) => {
      if (Number.isNaN(arrived[i])) arrived[i] = at;
    };
  });
  const t0 = now();
  rig.write(n);
  await until(() => rig.receivers.every((p, i) => p.updates > before[i]), 10000, `round ${n} on ${rig.server.name}`);
  rig.latencies.push(...arrived.map((at) => at - t0));
}

/** Result of the propagation benchmark for one server. */
export interface PropagationResult {
  name: string;
  p50: number;
  p99: number;
  samples: number;
}

/**
 * Unmeasured rounds on every server before measuring, the same for each: a server that runs a
 * crisis has handled thousands of updates, and V8 optimises a function only after it has run
 * often. With five rounds, the servers' code (and most of all the gate's, which the peers do
 * not have) was measured half-compiled.
 */
export const WARM_UP_ROUNDS = 200;

/** Alternates rounds between Zorgbeeld, the reference server and Hocuspocus on the same workload. */
export async function propagation({ zorgbeeld, reference, hocuspocus, receivers = 200, rounds = 100 }: { zorgbeeld: BenchServer; reference: BenchServer; hocuspocus: BenchServer; receivers?: number; rounds?: number }): Promise<PropagationResult[]> {
  const rigs = [await zorgbeeldRig(zorgbeeld, receivers), await peerRig(reference, receivers), await peerRig(hocuspocus, receivers, { documentName: 'benchmark-raw', token: 'bench-token' })];
  for (let i = 0; i < WARM_UP_ROUNDS; i++) for (const rig of inTurn(rigs, i)) await round(rig, -1 - i);
  rigs.forEach((r) => (r.latencies = []));
  for (let i = 0; i < rounds; i++) for (const rig of inTurn(rigs, i)) await round(rig, i);
  rigs.forEach((r) => r.close());
  return rigs.map((r) => ({ name: r.server.name, p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99), samples: r.latencies.length }));
}

/**
 * Several servers on one database: rounds alternate between a writer on A with its receivers on
 * B and C (every update crosses PostgreSQL and Redis before they get it) and a writer on A with
 * its receivers on A (PostgreSQL's turn alone), same workload, same run.
 */
export async function clusterPropagation({ servers, receivers = 200, rounds = 100 }: { servers: BenchServer[]; receivers?: number; rounds?: number }): Promise<PropagationResult[]> {
  const [a, ...others] = servers;
  const across = await zorgbeeldRig(a, receivers, others);
  const alone = await zorgbeeldRig(a, receivers, [a]);
  const rigs = [across, alone];
  for (let i = 0; i < WARM_UP_ROUNDS; i++) for (const rig of inTurn(rigs, i)) await round(rig, -1 - i);
  rigs.forEach((r) => (r.latencies = []));
  for (let i = 0; i < rounds; i++) for (const rig of inTurn(rigs, i)) await round(rig, i);
  rigs.forEach((r) => r.close());
  const names = [`writer on A, receivers on ${others.map((o) => o.name.slice(-1)).join(' and ')}`, 'writer and receivers on A'];
  return rigs.map((r, i) => ({ name: names[i], p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99), samples: r.latencies.length }));
}
