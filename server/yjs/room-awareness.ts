import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCodes, YMessage } from '../../shared/wire';
import { awarenessFrame } from '../../shared/y-frames';
import type { RoomSocket } from './incident-room';

/** Awareness updates one socket may send within {@link AWARENESS_WINDOW_MS}; more are dropped. */
const AWARENESS_BURST = 40;
const AWARENESS_WINDOW_MS = 5000;
/** States one awareness update may carry, and the length of one state's JSON. */
const MAX_STATES = 16;
const MAX_STATE_JSON = 4096;

/** Where a room's awareness goes: its sockets, and (on a shared log) the other servers' sockets. */
export interface AwarenessOut {
  broadcast(message: Uint8Array, except: RoomSocket | null): void;
  relay?(message: Uint8Array): void;
}

/**
 * The awareness (presence, cursors) of one board: relayed, never recorded. The server writes the
 * sender's true identity into each state (so nobody can appear as someone else), keeps a clientID
 * to the socket that first used it, and drops bursts beyond the rate limit.
 */
export class RoomAwareness {
  // On a document of its own: awareness is never part of the recorded state.
  private readonly states = new awarenessProtocol.Awareness(new Y.Doc());
  /** Per socket that sent awareness: the clientIDs it uses, and when it sent (the rate limit). */
  private readonly senders = new Map<RoomSocket, { clients: Set<number>; times: number[] }>();

  constructor(private readonly out: AwarenessOut) {
    this.states.setLocalState(null);
  }

  /** The states of everyone on the board as one message, for a socket that joins or asks; null when there are none. */
  everyone(): Uint8Array | null {
    const clients = [...this.states.getStates().keys()];
    return clients.length > 0 ? this.message(clients) : null;
  }

  /** An awareness update from a socket, rewritten with its author's identity and passed on. */
  receive(socket: RoomSocket, update: Uint8Array): void {
    let entry = this.senders.get(socket);
    if (!entry) this.senders.set(socket, (entry = { clients: new Set(), times: [] }));
    const now = Date.now();
    entry.times = entry.times.filter((t) => t > now - AWARENESS_WINDOW_MS);
    if (entry.times.length >= AWARENESS_BURST) return;
    entry.times.push(now);
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > MAX_STATES) return socket.close(CloseCodes.BadMessage);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, count);
    for (let i = 0; i < count; i++) {
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      if (json.length > MAX_STATE_JSON) return socket.close(CloseCodes.TooLarge);
      for (const [other, otherEntry] of this.senders) {
        if (other !== socket && otherEntry.clients.has(client)) return;
      }
      entry.clients.add(client);
      const state = JSON.parse(json) as Record<string, unknown> | null;
      const honest =
        state === null
          ? null
          : {
              ...(typeof state === 'object' && !Array.isArray(state) ? state : {}),
              user: { id: socket.author.id, name: socket.author.displayName, role: socket.author.role, organisationId: socket.author.organisationId },
            };
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, JSON.stringify(honest));
    }
    const rewritten = encoding.toUint8Array(encoder);
    awarenessProtocol.applyAwarenessUpdate(this.states, rewritten, socket);
    // To the sender too: y-websocket's provider takes a connection it has heard nothing on for
    // 30 s for dead and opens another (the page says "Offline" meanwhile). Alone on a quiet
    // board, its own presence, renewed every 15 s, is what it hears; applying it changes nothing.
    const message = awarenessFrame(rewritten);
    this.out.broadcast(message, null);
    this.out.relay?.(message);
  }

  /** An awareness frame relayed from this incident's sockets on another server (checked there); throws when it cannot be read. */
  remote(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== YMessage.awareness) return;
    awarenessProtocol.applyAwarenessUpdate(this.states, decoding.readVarUint8Array(decoder), 'remote');
    this.out.broadcast(frame, null);
  }

  /** A socket left: its states go, and everyone is told. */
  leave(socket: RoomSocket): void {
    const entry = this.senders.get(socket);
    if (!entry) return;
    this.senders.delete(socket);
    const removed = [...entry.clients].filter((c) => this.states.getStates().has(c));
    if (removed.length === 0) return;
    awarenessProtocol.removeAwarenessStates(this.states, removed, socket);
    const message = this.message(removed);
    this.out.broadcast(message, null);
    this.out.relay?.(message);
  }

  destroy(): void {
    this.senders.clear();
    this.states.destroy();
  }

  private message(clients: number[]): Uint8Array {
    return awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.states, clients));
  }
}
