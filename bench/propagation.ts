import * as Y from 'yjs';
import { YSyncMessage } from '../shared/wire';
import { syncFrame } from '../shared/y-frames';
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
  /** A connection of its own and what one device of a long history writes (see {@link seedHistory}). */
  historian: { connect(): RawPeer; write(doc: Y.Doc, i: number): void };
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
    // Other locations' remarks, as GHOR may write them: what the gate checks and stamps.
    historian: {
      connect: () => new RawPeer(url, { cookie: ghor }),
      write: (doc, i) => doc.getMap<Y.Map<unknown>>('reports').get(locations[1 + (i % (locations.length - 1))])!.set('remarks', `geschiedenis ${i}`),
    },
  };
}

/**
 * A peer server's side: the same shape as an incident (a map per location under `reports`),
 * created by the writer. The reference takes the room from the path; Hocuspocus names the
 * document in every message (its dialect).
 */
async function peerRig(server: BenchServer, receivers: number, { dialect, room = 'benchmark-room', follow = true }: { dialect?: HocuspocusDialect; room?: string; follow?: boolean } = {}): Promise<Rig> {
  const url = dialect ? server.url.replace('http', 'ws') : `${server.url.replace('http', 'ws')}/${room}`;
  const writer = new WriterPeer(url, {}, { dialect, follow });
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
    historian: { connect: () => new RawPeer(url, {}, dialect), write: (doc, i) => doc.getMap('history').set(`k${i % 1000}`, i) },
  };
}

/**
 * Gives a rig's document a long history before its rounds: `clientIds` devices, a clientID
 * each, that each changed one value, sent in batches of 250 merged into one update over a
 * connection of their own, each batch received by everyone before the next. Every Yjs
 * transaction on that document then walks that many clients. The rig's writer does not follow
 * (its own writes need none of it), so that the load generator does not pay that cost itself.
 */
async function seedHistory(rig: Rig, clientIds: number, from: Uint8Array): Promise<void> {
  const peer = rig.historian.connect();
  await until(() => peer.synced, 30000, `${rig.server.name} historian synced`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, from, 'remote');
  const batch: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') batch.push(update);
  });
  for (let i = 0; i < clientIds; i++) {
    doc.clientID = 1 + Math.floor(Math.random() * (2 ** 31 - 2));
    rig.historian.write(doc, i);
    if (batch.length === 250 || i === clientIds - 1) {
      const before = rig.receivers[0].updates;
      peer.send(syncFrame(YSyncMessage.update, Y.mergeUpdates(batch.splice(0))));
      await until(() => rig.receivers[0].updates > before, 30000, `${rig.server.name} history batch ${i}`);
    }
  }
  peer.close();
  doc.destroy();
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

/**
 * Alternates rounds between Zorgbeeld, the reference server and Hocuspocus on the same workload.
 * `history`: each document first gets that many clientIDs (see {@link seedHistory}), in rooms of
 * their own.
 */
export async function propagation({ zorgbeeld, reference, hocuspocus, receivers = 200, rounds = 100, history = 0 }: { zorgbeeld: BenchServer; reference: BenchServer; hocuspocus: BenchServer; receivers?: number; rounds?: number; history?: number }): Promise<PropagationResult[]> {
  const room = history > 0 ? `benchmark-history-${history}` : undefined;
  const follow = history === 0;
  const rigs = [
    await zorgbeeldRig(zorgbeeld, receivers),
    await peerRig(reference, receivers, { room, follow }),
    await peerRig(hocuspocus, receivers, { dialect: { documentName: room ?? 'benchmark-raw', token: 'bench-token' }, follow }),
  ];
  for (const rig of history > 0 ? rigs : []) await seedHistory(rig, history, Y.encodeStateAsUpdate(rig.writer.doc));
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
