import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { YMessage, YSyncMessage } from '../shared/wire';
import { syncFrame } from '../shared/y-frames';

/** Monotonic time in milliseconds with sub-millisecond resolution, shared by all peers in a process. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

const frame = syncFrame;

/**
 * Hocuspocus' variant of the protocol: every message starts with the document's name, and the
 * connection authenticates first (message type 2, token) before it syncs.
 */
export interface HocuspocusDialect {
  documentName: string;
  token: string;
}

const HOCUSPOCUS_AUTH = 2;
const HOCUSPOCUS_AUTH_TOKEN = 0;
const HOCUSPOCUS_AUTHENTICATED = 2;

/**
 * A light y-websocket peer that speaks the sync handshake and notes when updates arrive,
 * without applying them: the load generator, so that client-side decoding does not dominate
 * what is measured. Both servers get exactly the same peer.
 */
export class RawPeer {
  readonly ws: WebSocket;
  synced = false;
  updates = 0;
  /** Called with the arrival time of each update message. */
  onUpdate: (at: number, payload: Uint8Array) => void = () => {};
  /** Called with the server's whole state when the handshake completes. */
  onSync: (payload: Uint8Array) => void = () => {};
  closed: { code: number } | null = null;

  private readonly prefix: Uint8Array | null;

  constructor(url: string, headers: Record<string, string> = {}, dialect?: HocuspocusDialect) {
    this.prefix = dialect ? encoding.encode((e) => encoding.writeVarString(e, dialect.documentName)) : null;
    this.ws = new WebSocket(url, { headers, perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => {
      if (!dialect) return this.send(frame(YSyncMessage.step1, EMPTY_STATE_VECTOR));
      this.send(encoding.encode((e) => {
        encoding.writeVarUint(e, HOCUSPOCUS_AUTH);
        encoding.writeVarUint(e, HOCUSPOCUS_AUTH_TOKEN);
        encoding.writeVarString(e, dialect.token);
      }));
    });
    this.ws.on('close', (code) => (this.closed = { code }));
    this.ws.on('error', () => {});
    this.ws.on('message', (data: Buffer) => {
      const at = now();
      const decoder = decoding.createDecoder(data);
      if (this.prefix) decoding.readVarString(decoder);
      const type = decoding.readVarUint(decoder);
      if (this.prefix && type === HOCUSPOCUS_AUTH && decoding.readVarUint(decoder) === HOCUSPOCUS_AUTHENTICATED) return this.send(frame(YSyncMessage.step1, EMPTY_STATE_VECTOR));
      if (type !== YMessage.sync) return;
      const subtype = decoding.readVarUint(decoder);
      if (subtype === YSyncMessage.step1) this.send(frame(YSyncMessage.step2, EMPTY_UPDATE));
      else if (subtype === YSyncMessage.step2) {
        this.onSync(decoding.readVarUint8Array(decoder));
        this.synced = true;
      }
      else {
        this.updates++;
        this.onUpdate(at, decoding.readVarUint8Array(decoder));
      }
    });
  }

  /** Sends a message, with the document's name first in Hocuspocus' dialect. */
  send(message: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (!this.prefix) return this.ws.send(message);
    const whole = new Uint8Array(this.prefix.length + message.length);
    whole.set(this.prefix, 0);
    whole.set(message, this.prefix.length);
    this.ws.send(whole);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** A writing peer with its own document; sends each local change as an update message. */
export class WriterPeer {
  readonly doc = new Y.Doc();
  private readonly peer: RawPeer;

  /**
   * `follow`: apply every update received, so that writes build on the whole current state. A
   * load writer that only ever sets its own location's value needs the initial state alone:
   * leaving the rest out keeps the load generator from measuring itself.
   */
  constructor(url: string, headers: Record<string, string> = {}, { follow = true, dialect }: { follow?: boolean; dialect?: HocuspocusDialect } = {}) {
    this.peer = new RawPeer(url, headers, dialect);
    // The writer applies what it receives so that its writes build on the server's state.
    if (follow) this.peer.onUpdate = (_at, payload) => Y.applyUpdate(this.doc, payload, 'remote');
    this.peer.onSync = (payload) => Y.applyUpdate(this.doc, payload, 'remote');
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') this.peer.send(frame(YSyncMessage.update, update));
    });
  }

  get synced(): boolean {
    return this.peer.synced;
  }

  get closed(): { code: number } | null {
    return this.peer.closed;
  }

  close(): void {
    this.peer.close();
  }
}

/**
 * Load writers as separate devices — a connection and a clientID each — that share one copy of
 * the incident's state in the load generator. A writer only ever sets its own location's
 * remarks, so it needs the initial state and its own last write, nothing else. With a copy each,
 * 100 writers on a 50,000-update incident held gigabytes in the load generator, and its garbage
 * collection stalled what it measured. A write is encoded by hand, without a Yjs transaction:
 * a transaction costs as much as the document has clientIDs (its state vector, before and
 * after), and in a long incident that cost fell inside the measured time, between the send time
 * written into the value and the update leaving.
 */
export class SharedWriters {
  readonly doc = new Y.Doc();
  readonly peers: RawPeer[];
  private readonly clientIds: number[];
  private readonly clocks: number[];
  /** Per location, the item holding its remarks now: what the next write replaces. */
  private readonly current = new Map<string, Y.ID>();

  constructor(urls: string[], headers: Record<string, string> = {}) {
    this.peers = urls.map((url) => new RawPeer(url, headers));
    this.peers[0].onSync = (payload) => Y.applyUpdate(this.doc, payload, 'remote');
    const ids = new Set<number>([this.doc.clientID]);
    while (ids.size <= urls.length) ids.add(Math.floor(Math.random() * 2 ** 31));
    this.clientIds = [...ids].slice(1);
    this.clocks = this.clientIds.map(() => 0);
  }

  get synced(): boolean {
    return this.peers.every((peer) => peer.synced);
  }

  /**
   * Writer `w` sets `locationId`'s remarks to `value()` (called at the last moment, so that a
   * send time in it is taken just before sending) and sends the update on its connection: one
   * new item after the one it replaces, which it deletes, as Yjs' own map set does.
   */
  setRemarks(w: number, locationId: string, value: () => string): void {
    const client = this.clientIds[w];
    const clock = this.clocks[w]++;
    const report = this.doc.getMap<Y.Map<unknown>>('reports').get(locationId)!;
    const before = this.current.get(locationId) ?? (report as unknown as { _map: Map<string, Y.Item> })._map.get('remarks')?.lastId ?? null;
    // With a left neighbour the parent follows from it; without one the item names its map and key.
    const item = new Y.Item(Y.createID(client, clock), null, before, null, null, before ? null : report, before ? null : 'remarks', new Y.ContentAny([value()]));
    const encoder = new Y.UpdateEncoderV1();
    encoding.writeVarUint(encoder.restEncoder, 1);
    encoding.writeVarUint(encoder.restEncoder, 1);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, clock);
    item.write(encoder, 0);
    encoding.writeVarUint(encoder.restEncoder, before ? 1 : 0);
    if (before) {
      encoder.resetDsCurVal();
      encoding.writeVarUint(encoder.restEncoder, before.client);
      encoding.writeVarUint(encoder.restEncoder, 1);
      encoder.writeDsClock(before.clock);
      encoder.writeDsLen(1);
    }
    this.current.set(locationId, Y.createID(client, clock));
    this.peers[w].send(frame(YSyncMessage.update, encoder.toUint8Array()));
  }

  close(): void {
    for (const peer of this.peers) peer.close();
  }
}

/** Waits until `check` holds, polling every few milliseconds. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The p-th percentile (0–100) of values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * The servers of round `i` in the order they take their turn: rotated every round, so that no
 * server always follows the same other one (and meets, say, the garbage its readers left in the
 * load generator).
 */
export function inTurn<T>(rigs: T[], i: number): T[] {
  const first = ((i % rigs.length) + rigs.length) % rigs.length;
  return [...rigs.slice(first), ...rigs.slice(0, first)];
}
