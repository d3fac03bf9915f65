import { HocuspocusProvider } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { cookieWebSocket } from '../tests/helpers/yjs-client';
import { inTurn, now, percentile, until } from './peers';
import { openIncident, signIn, DEMO_PASSWORD, type BenchServer } from './servers';
import { WARM_UP_ROUNDS, type PropagationResult } from './propagation';

/** One server's readers and writer, each a stock provider with its own document. */
interface StockRig {
  name: string;
  writer: Y.Doc;
  readers: Y.Doc[];
  location: string;
  latencies: number[];
  close(): void;
}

// Node 20 has no global WebSocket; Hocuspocus' provider reads its constants from it.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const synced = (providers: { synced: boolean }[], what: string) => until(() => providers.every((p) => p.synced), 120000, what);

async function yWebsocketRig(server: BenchServer, room: string, readers: number, { cookie, readerCookie = cookie, location = 'loc-00001', seed }: { cookie?: string; readerCookie?: string; location?: string; seed?: Uint8Array } = {}): Promise<StockRig> {
  const base = server.url.replace('http', 'ws');
  const make = (as = cookie) => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(as ? `${base}/yjs` : base, room, doc, { WebSocketPolyfill: (as ? cookieWebSocket(as, server.url) : WebSocket) as never, disableBc: true });
    return { doc, provider };
  };
  const writer = make();
  await synced([writer.provider], `${server.name} stock writer synced`);
  if (seed) Y.applyUpdate(writer.doc, seed);
  const reports = writer.doc.getMap<Y.Map<unknown>>('reports');
  if (!reports.has(location)) reports.set(location, new Y.Map());
  const peers = Array.from({ length: readers }, () => make(readerCookie));
  await synced(peers.map((p) => p.provider), `${server.name} stock readers synced`);
  return { name: server.name, writer: writer.doc, readers: peers.map((p) => p.doc), location, latencies: [], close: () => [writer, ...peers].forEach((p) => p.provider.destroy()) };
}

async function hocuspocusRig(server: BenchServer, readers: number, seed: Uint8Array, location: string): Promise<StockRig> {
  const url = server.url.replace('http', 'ws');
  const make = () => {
    const doc = new Y.Doc();
    const provider = new HocuspocusProvider({ url, name: 'benchmark-room', document: doc, token: 'bench-token', WebSocketPolyfill: WebSocket } as never);
    return { doc, provider };
  };
  const writer = make();
  await until(() => writer.provider.isSynced, 120000, 'Hocuspocus writer synced');
  Y.applyUpdate(writer.doc, seed);
  const peers = Array.from({ length: readers }, make);
  await until(() => peers.every((p) => p.provider.isSynced), 120000, 'Hocuspocus readers synced');
  return { name: server.name, writer: writer.doc, readers: peers.map((p) => p.doc), location, latencies: [], close: () => [writer, ...peers].forEach((p) => p.provider.destroy()) };
}

async function round(rig: StockRig, n: number): Promise<void> {
  const arrived: number[] = new Array(rig.readers.length).fill(NaN);
  const value = `ronde ${n}`;
  const listeners = rig.readers.map((doc, i) => {
    const listener = () => {
      if (Number.isNaN(arrived[i]) && doc.getMap<Y.Map<unknown>>('reports').get(rig.location)?.get('remarks') === value) arrived[i] = now();
    };
    doc.on('update', listener);
    return listener;
  });
  const t0 = now();
  rig.writer.getMap<Y.Map<unknown>>('reports').get(rig.location)!.set('remarks', value);
  await until(() => arrived.every((a) => !Number.isNaN(a)), 10000, `round ${n} on ${rig.name}`);
  rig.readers.forEach((doc, i) => doc.off('update', listeners[i]));
  rig.latencies.push(...arrived.map((at) => at - t0));
}

/**
 * Propagation with stock clients: `readers` real providers per server, each with its own
 * `Y.Doc` (y-websocket's WebsocketProvider for Zorgbeeld and the reference, Hocuspocus' own
 * provider for Hocuspocus), one writer, rounds alternating between the servers.
 */
export async function stockPropagation({ zorgbeeld, reference, hocuspocus, readers = 100, rounds = 100 }: { zorgbeeld: BenchServer; reference: BenchServer; hocuspocus: BenchServer; readers?: number; rounds?: number }): Promise<PropagationResult[]> {
  // Each stock WebsocketProvider listens for the process' exit (to take its awareness state
  // along); these are the providers of three rigs, not a leak.
  const maxListeners = process.getMaxListeners();
  process.setMaxListeners(maxListeners + 3 * (readers + 2));
  const ghor = await signIn(zorgbeeld.url, 'ghor', DEMO_PASSWORD);
  const observer = await signIn(zorgbeeld.url, 'observer', DEMO_PASSWORD);
  const incident = await openIncident(zorgbeeld.url, ghor);
  const location = incident.locations[0];
  // Zorgbeeld's writer is GHOR and its readers observers, in one rig: like the peers' boards,
  // the writer and the readers and nobody else (a second rig's own writer was a 102nd document,
  // written to before any reader).
  const ours = await yWebsocketRig(zorgbeeld, incident.id, readers, { cookie: ghor, readerCookie: observer, location });
  // The peers hold the same board as Zorgbeeld (its 1,061 locations), so that every reader
  // applies into a document of the same size and the three processes carry the same heap.
  const seed = Y.encodeStateAsUpdate(ours.writer);
  const rigs = [ours, await yWebsocketRig(reference, 'benchmark-stock', readers, { location, seed }), await hocuspocusRig(hocuspocus, readers, seed, location)];
  for (let i = 0; i < WARM_UP_ROUNDS; i++) for (const rig of inTurn(rigs, i)) await round(rig, -1 - i);
  rigs.forEach((r) => (r.latencies = []));
  for (let i = 0; i < rounds; i++) for (const rig of inTurn(rigs, i)) await round(rig, i);
  rigs.forEach((r) => r.close());
  process.setMaxListeners(maxListeners);
  return rigs.map((r) => ({ name: r.name, p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99), samples: r.latencies.length }));
}
