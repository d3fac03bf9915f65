import { randomBytes } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Redis } from 'ioredis';
import type { BoardStatus } from '../../shared/wire';
import { RecordType, type NewRecord } from '../recorder/incident-log';

/**
 * What the servers of one database tell each other about the boards they hold
 * (docs/architecture.md, "One order per incident across servers"). None of it is needed for
 * the order or for what is recorded, which PostgreSQL holds: a message that is lost only delays
 * what the other servers send their sockets until their next turn or poll.
 */
export type BusMessage =
  /**
   * An incident's log has committed records up to `head`; with `records`, those records (the last
   * ones up to `head`), so that a server that has read up to them need not read them again.
   * Appended after the head, where a server that does not know them stops reading.
   */
  | { kind: 'head'; incidentId: string; head: number; records?: readonly NewRecord[] }
  /** An awareness frame for the incident's sockets. */
  | { kind: 'awareness'; incidentId: string; frame: Uint8Array }
  /** The incident's GRIP level changed or it was closed. */
  | { kind: 'status'; incidentId: string; status: Omit<BoardStatus, 'storage'> }
  /** Sessions ended (sign-out, deactivation): their sockets close on every server. */
  | { kind: 'sessions-ended'; sessionIds: string[] }
  /** Messages were queued in the outbox: the server on duty sends them now, not at its next tick. */
  | { kind: 'outbox' };

/** The servers' channel: every message reaches every other server (not the sender). */
export interface RoomBus {
  publish(message: BusMessage): void;
  /** Where the other servers' messages go; each listener gets every message. */
  listen(listener: (message: BusMessage) => void): void;
  /** Whether messages get through now; when not, rooms poll the log for what others committed. */
  readonly healthy: boolean;
  close(): Promise<void>;
}

const KIND = { head: 1, awareness: 2, status: 3, 'sessions-ended': 4, outbox: 5 } as const;
const RECORD_KINDS: ReadonlySet<number> = new Set(Object.values(RecordType));

/** Encodes a message with the sending server's id first, so that a server drops its own. */
export function encodeBusMessage(sender: string, message: BusMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, sender);
  encoding.writeVarUint(encoder, KIND[message.kind]);
  if (message.kind === 'sessions-ended') encoding.writeVarString(encoder, JSON.stringify(message.sessionIds));
  if (message.kind === 'sessions-ended' || message.kind === 'outbox') return encoding.toUint8Array(encoder);
  encoding.writeVarString(encoder, message.incidentId);
  if (message.kind === 'head') {
    encoding.writeVarUint(encoder, message.head);
    if (!message.records) return encoding.toUint8Array(encoder);
    encoding.writeVarUint(encoder, message.records.length);
    for (const record of message.records) {
      encoding.writeVarUint(encoder, record.type);
      encoding.writeFloat64(encoder, record.time);
      encoding.writeVarString(encoder, record.user);
      encoding.writeVarUint8Array(encoder, record.payload);
    }
  } else if (message.kind === 'awareness') encoding.writeVarUint8Array(encoder, message.frame);
  else encoding.writeVarString(encoder, JSON.stringify(message.status));
  return encoding.toUint8Array(encoder);
}

/** Decodes a message; null for one this code does not know (a newer server's), thrown on garbage. */
export function decodeBusMessage(bytes: Uint8Array): { sender: string; message: BusMessage } | null {
  const decoder = decoding.createDecoder(bytes);
  const sender = decoding.readVarString(decoder);
  const kind = decoding.readVarUint(decoder);
  if (kind === KIND['sessions-ended']) {
    const ids = JSON.parse(decoding.readVarString(decoder)) as unknown;
    return { sender, message: { kind: 'sessions-ended', sessionIds: Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [] } };
  }
  if (kind === KIND.outbox) return { sender, message: { kind: 'outbox' } };
  const incidentId = decoding.readVarString(decoder);
  if (kind === KIND.head) {
    const head = decoding.readVarUint(decoder);
    if (!decoding.hasContent(decoder)) return { sender, message: { kind: 'head', incidentId, head } };
    const records: NewRecord[] = [];
    for (let n = decoding.readVarUint(decoder); n > 0; n--) {
      const type = decoding.readVarUint(decoder);
      if (!RECORD_KINDS.has(type)) throw new Error(`unknown record type ${type}`);
      records.push({ type: type as NewRecord['type'], time: decoding.readFloat64(decoder), user: decoding.readVarString(decoder), payload: decoding.readVarUint8Array(decoder) });
    }
    if (records.length > head) throw new Error(`${records.length} records up to head ${head}`);
    return { sender, message: { kind: 'head', incidentId, head, records } };
  }
  if (kind === KIND.awareness) return { sender, message: { kind: 'awareness', incidentId, frame: decoding.readVarUint8Array(decoder) } };
  if (kind === KIND.status) {
    const status = JSON.parse(decoding.readVarString(decoder)) as Record<string, unknown>;
    return { sender, message: { kind: 'status', incidentId, status: { ...(typeof status.grip === 'number' ? { grip: status.grip } : {}), ...(status.closed === true ? { closed: true } : {}) } } };
  }
  return null;
}

/** One server alone on its database (no REDIS_URL): nobody to tell. */
export const aloneBus: RoomBus = {
  publish() {},
  listen() {},
  healthy: true,
  async close() {},
};

/**
 * The bus over Redis pub/sub: one connection publishes, one listens. ioredis reconnects by
 * itself; while it is away `healthy` is false and what is published meanwhile is dropped
 * (the rooms poll the log instead), so nothing piles up in memory.
 */
export async function redisBus({ url, channel, log }: { url: string; channel: string; log: (message: string) => void }): Promise<RoomBus> {
  const sender = randomBytes(8).toString('hex');
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true };
  const pub = new Redis(url, options);
  // The listener's SUBSCRIBE must survive a reconnect: ioredis sends it again itself.
  const sub = new Redis(url, { ...options, enableOfflineQueue: true });
  const listeners: ((message: BusMessage) => void)[] = [];
  let up = { pub: false, sub: false };
  let said = false;
  const track = (name: 'pub' | 'sub', client: Redis) => {
    client.on('ready', () => {
      up = { ...up, [name]: true };
      if (said && up.pub && up.sub) log('bus: Redis answers again');
      said = false;
    });
    client.on('close', () => {
      up = { ...up, [name]: false };
    });
    client.on('error', (error: Error) => {
      if (!said) log(`bus: Redis ${url.replace(/\/\/[^@]*@/, '//')} cannot be reached (${error.message}); boards on other servers follow by polling the log`);
      said = true;
    });
  };
  track('pub', pub);
  track('sub', sub);
  try {
    await Promise.all([pub.connect(), sub.connect()]);
    await sub.subscribe(channel);
  } catch (error) {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`Redis at ${url.replace(/\/\/[^@]*@/, '//')} cannot be reached: ${(error as Error).message}`);
  }
  sub.on('messageBuffer', (_channel: Buffer, bytes: Buffer) => {
    try {
      const decoded = decodeBusMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (decoded && decoded.sender !== sender) for (const listener of listeners) listener(decoded.message);
    } catch (error) {
      log(`bus: a message that cannot be read was dropped (${(error as Error).message})`);
    }
  });
  return {
    publish(message) {
      if (!up.pub) return;
      pub.publish(channel, Buffer.from(encodeBusMessage(sender, message))).catch(() => {});
    },
    listen(listener) {
      listeners.push(listener);
    },
    get healthy() {
      return up.pub && up.sub;
    },
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
