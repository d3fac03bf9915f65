import * as decoding from 'lib0/decoding';
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

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers, perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => this.ws.send(frame(YSyncMessage.step1, EMPTY_STATE_VECTOR)));
    this.ws.on('close', (code) => (this.closed = { code }));
    this.ws.on('error', () => {});
    this.ws.on('message', (data: Buffer) => {
      const at = now();
      const decoder = decoding.createDecoder(data);
      if (decoding.readVarUint(decoder) !== YMessage.sync) return;
      const subtype = decoding.readVarUint(decoder);
      if (subtype === YSyncMessage.step1) this.ws.send(frame(YSyncMessage.step2, EMPTY_UPDATE));
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
  constructor(url: string, headers: Record<string, string> = {}, { follow = true }: { follow?: boolean } = {}) {
    this.peer = new RawPeer(url, headers);
    // The writer applies what it receives so that its writes build on the server's state.
    if (follow) this.peer.onUpdate = (_at, payload) => Y.applyUpdate(this.doc, payload, 'remote');
    this.peer.onSync = (payload) => Y.applyUpdate(this.doc, payload, 'remote');
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote' && this.peer.ws.readyState === WebSocket.OPEN) this.peer.ws.send(frame(YSyncMessage.update, update));
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
