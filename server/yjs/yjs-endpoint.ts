import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isValidId } from '../../shared/validation';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { BOARD_STATUS_PARAM, CloseCodes, YJS_MAX_PAYLOAD, YJS_PATH, YMessage, YSyncMessage, type CloseCode } from '../../shared/wire';
import { syncStep2Frame } from '../../shared/y-frames';
import { AddressCounter } from '../auth/address-counter';
import type { Sessions } from '../auth/sessions';
import { HttpError } from '../http/http-error';
import { StorageError } from '../recorder/incident-log';
import type { IncidentRoom, RoomSocket } from './incident-room';
import type { StoredState } from '../recorder/replay-state';
import type { Rooms } from './rooms';
import { memoryCounters, recentCount, type Counters } from '../auth/counters';
import { DEFAULTS } from '../defaults';
import { framedOnce } from './ws-frame';

const REFUSAL_WINDOW_MS = 60000;

/** Options of the Yjs endpoint. */
export interface YjsEndpointOptions {
  httpServer: Server;
  sessions: Sessions;
  rooms: Rooms;
  isAllowedOrigin: (req: IncomingMessage) => boolean;
  log: (message: string) => void;
  /** A client with more than this many bytes unsent is dropped instead of growing server memory. */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
  /** Refused writes per user in a minute after which its joins wait (4530). */
  refusalsPerMinute?: number;
  /** Where refused writes are counted: shared by the servers of a database when there is Redis. */
  refusals?: Counters;
  now?: () => number;
  /** Yjs connections one address may hold at once. */
  maxConnectionsPerAddress?: number;
}

/** Whether a frame is a sync step 1 (the client's state vector, asking for a diff). */
function isSyncStep1(frame: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(frame);
    return decoding.readVarUint(decoder) === YMessage.sync && decoding.readVarUint(decoder) === YSyncMessage.step1;
  } catch {
    return false;
  }
}

function stateVectorOf(step1: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(step1);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  return decoding.readVarUint8Array(decoder);
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The id in a path segment; a broken %-escape gives '' (no such incident), never an exception. */
function decodedId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

/** The close code that tells a client why its connection could not be set up. */
function closeCodeFor(error: unknown): CloseCode {
  if (error instanceof StorageError) return CloseCodes.StorageUnavailable;
  if (error instanceof HttpError && error.code === 'storage-unavailable') return CloseCodes.StorageUnavailable;
  if (error instanceof HttpError && error.code === 'incident-data-missing') return CloseCodes.IncidentDataMissing;
  if (error instanceof HttpError && error.code === 'server-stopping') return CloseCodes.ServerStopping;
  return CloseCodes.ServerError;
}

/** Answers an upgrade request with a plain HTTP status and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: string): void {
  socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * The y-websocket endpoint at `/yjs/<incidentId>`: Origin checked at upgrade (a foreign Origin
 * gets a plain 403), then the session; frames that arrive while the room loads are queued so
 * that each connection is processed strictly in order.
 */
export function attachYjsEndpoint(options: YjsEndpointOptions): { close(): void } {
  const { rooms, sessions, log } = options;
  const maxBuffered = options.maxBufferedBytes ?? DEFAULTS.yjsMaxBufferedBytes;
  const wss = new WebSocketServer({ noServer: true, maxPayload: YJS_MAX_PAYLOAD, perMessageDeflate: false });
  const alive = new WeakSet<WebSocket>();
  const closeWith = (ws: WebSocket, code: CloseCode) => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code.code, code.reason);
  };
  const bySession = new Map<string, Set<WebSocket>>();
  // Refused writes per user lately (forgotten a minute after the last). Every join costs the
  // whole state's encoding: a client that is refused and reconnects in a loop (broken, or
  // hostile), on this server or through the others, waits instead of holding up everyone on the
  // board. People who write what they may are never refused.
  const refusals = options.refusals ?? memoryCounters();
  const now = options.now ?? Date.now;
  const refusalsPerMinute = options.refusalsPerMinute ?? DEFAULTS.yjsRefusalsPerMinute;
  const perAddress = new AddressCounter(options.maxConnectionsPerAddress ?? DEFAULTS.maxConnectionsPerAddress);
  // A session that ends (sign-out, sign-out everywhere, deactivation, expiry) closes its sockets.
  sessions.onEnd((ids) => {
    for (const id of ids) for (const ws of bySession.get(id) ?? []) closeWith(ws, CloseCodes.Unauthenticated);
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (!path.startsWith(YJS_PATH)) return;
    if (!options.isAllowedOrigin(req)) return rejectUpgrade(socket, '403 Forbidden');
    const address = req.socket.remoteAddress ?? '';
    if (perAddress.full(address)) return rejectUpgrade(socket, '429 Too Many Requests');
    wss.handleUpgrade(req, socket, head, (ws) => {
      perAddress.add(address);
      ws.once('close', () => perAddress.remove(address));
      // The one place an async step runs per connection: whatever it meets ends this socket with
      // a code, never the process.
      connect(ws, socket, req, decodedId(path.slice(YJS_PATH.length))).catch((error: unknown) => {
        log(`yjs: connection to ${path} failed: ${(error as Error)?.stack ?? String(error)}`);
        closeWith(ws, closeCodeFor(error));
      });
    });
  };
  options.httpServer.on('upgrade', onUpgrade);

  // One WebSocket frame per broadcast, whatever the number of sockets (see ws-frame.ts).
  const frames = new WeakMap<Uint8Array, Buffer>();

  async function connect(ws: WebSocket, raw: Duplex, req: IncomingMessage, incidentId: string): Promise<void> {
    const queue: Uint8Array[] = [];
    // Set once the session and the room are known; frames before that wait in `queue`.
    const joined: { room?: IncidentRoom; socket?: RoomSocket } = {};
    let ended = false;
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    // The stored state of a room that is loading, and the state vector of what was sent from it.
    let asked = () => {};
    const early: { stored: StoredState | null; served: Uint8Array | null; asked: Promise<void> } = { stored: null, served: null, asked: new Promise<void>((resolve) => (asked = resolve)) };
    // Also when the socket ends: nobody is left to answer.
    ws.once('close', () => asked());
    // Straight onto the connection's socket, which ws writes its own frames to as well: without
    // compression (off here) ws queues nothing, so the order of frames holds, and ws's
    // bufferedAmount still counts these bytes. A message handed to many sockets is framed once.
    const write = (message: Uint8Array) => {
      if (ws.readyState === ws.OPEN) raw.write(framedOnce(frames, message));
    };
    const answerEarly = () => {
      if (queue.some(isSyncStep1)) asked();
      if (!early.stored || early.served || ended) return;
      const at = queue.findIndex(isSyncStep1);
      if (at < 0) return;
      try {
        const vector = stateVectorOf(queue[at]);
        // A client with nothing gets the message every such client gets, and so the same frame.
        const answer = vector.length > 1 ? syncStep2Frame(Y.diffUpdate(early.stored.update, vector)) : early.stored.message;
        early.served = early.stored.vector;
        queue.splice(at, 1);
        write(answer);
      } catch {
        // A state vector that cannot be read is left to the room, which closes with 4400.
        early.served = null;
      }
      early.stored = null;
    };
    ws.on('message', (data) => {
      const frame = toBytes(data);
      if (joined.room && joined.socket) joined.room.receive(joined.socket, frame);
      else {
        queue.push(frame);
        answerEarly();
      }
    });
    ws.on('close', () => {
      ended = true;
      if (joined.room && joined.socket) {
        joined.room.leave(joined.socket);
        rooms.release(incidentId);
      }
    });
    // ws closes with 1009 itself when a frame exceeds maxPayload; other errors end the socket.
    ws.on('error', () => ws.terminate());

    const found = await sessions.resolve(req.headers.cookie);
    if (ended) return;
    if (!found) return closeWith(ws, CloseCodes.Unauthenticated);
    const own = bySession.get(found.sessionId) ?? new Set<WebSocket>();
    own.add(ws);
    bySession.set(found.sessionId, own);
    const stopExpiry = sessions.endAtExpiry(found);
    ws.on('close', () => {
      stopExpiry();
      own.delete(ws);
      if (own.size === 0) bySession.delete(found.sessionId);
    });
    // Ended while it was looked up: the end did not find this socket, which was not registered yet.
    if (sessions.hasEnded(found.sessionId)) return closeWith(ws, CloseCodes.Unauthenticated);
    if (!isValidId(incidentId)) return closeWith(ws, CloseCodes.NotFound);
    const user = found.user;
    if ((await recentCount(refusals, user.id, now(), REFUSAL_WINDOW_MS)) >= refusalsPerMinute) return closeWith(ws, CloseCodes.TooManyJoins);
    if (ended) return;
    // While the room loads, the client's sync step 1 is answered from the stored state, so the
    // board shows before the server has built its document (Rooms.whileLoading).
    const stopWaiting = rooms.whileLoading(incidentId, {
      stored: (stored) => {
        early.stored = stored;
        answerEarly();
      },
      asked: early.asked,
    });
    const loaded = await rooms.get(incidentId).finally(stopWaiting);
    if (ended) return;
    if (!loaded) return closeWith(ws, CloseCodes.NotFound);
    const socket: RoomSocket = {
      author: { id: user.id, username: user.username, role: user.role, organisationId: user.organisationId, displayName: user.displayName },
      boardStatus: new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get(BOARD_STATUS_PARAM) === '1',
      send(message) {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > maxBuffered) {
          log(`yjs ${incidentId}: ${user.username} reads too slowly (${ws.bufferedAmount} bytes waiting); disconnecting`);
          // A client that does not read will not read a close frame either: cut it off now.
          closeWith(ws, CloseCodes.SlowConsumer);
          return ws.terminate();
        }
        write(message);
      },
      close: (code) => {
        if (code === CloseCodes.Forbidden || code === CloseCodes.Invalid || code === CloseCodes.BadMessage || code === CloseCodes.ClientIdTaken) {
          refusals.add([user.id], now(), REFUSAL_WINDOW_MS).catch((error: Error) => log(`yjs: counting a refusal failed: ${error.message}`));
        }
        closeWith(ws, code);
      },
    };
    rooms.hold(incidentId);
    loaded.join(socket, early.served ?? undefined);
    for (const frame of queue.splice(0)) loaded.receive(socket, frame);
    Object.assign(joined, { room: loaded, socket });
  }

  // Dead connections (a phone that lost its network) are found by ping and freed.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, options.heartbeatMs ?? DEFAULTS.yjsHeartbeatMs);

  return {
    close() {
      clearInterval(heartbeat);
      options.httpServer.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
