/**
 * The frames of the y-websocket protocol as Zorgbeeld sends and reads them, built in one place
 * for the room, the tests and the benchmarks (docs/architecture.md, "Transports"): a message type,
 * for sync messages a subtype, then the payload as one length-prefixed byte array.
 */
import * as encoding from 'lib0/encoding';
import { YMessage, YSyncMessage, type BoardStatus } from './wire';

type SyncSubtype = (typeof YSyncMessage)[keyof typeof YSyncMessage];

/** A sync message: step 1 carries a state vector, step 2 and update an update. */
export function syncFrame(subtype: SyncSubtype, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YMessage.sync);
  encoding.writeVarUint(encoder, subtype);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** Sync step 1: what the sender has, as a state vector; the other side answers with a diff. */
export const syncStep1Frame = (stateVector: Uint8Array): Uint8Array => syncFrame(YSyncMessage.step1, stateVector);

/** Sync step 2: the diff asked for. */
export const syncStep2Frame = (update: Uint8Array): Uint8Array => syncFrame(YSyncMessage.step2, update);

/** An update, as a live change is sent. */
export const updateFrame = (update: Uint8Array): Uint8Array => syncFrame(YSyncMessage.update, update);

/** An awareness update (y-protocols' encoding of client states). */
export function awarenessFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YMessage.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** An awareness update of one client's state, written by hand (tests of the relay). */
export function awarenessStateFrame(client: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, client);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  return awarenessFrame(encoding.toUint8Array(inner));
}

/** Zorgbeeld's own message: whether the board takes writes, and what just changed. */
export function boardStatusFrame(status: BoardStatus): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YMessage.boardStatus);
  encoding.writeVarString(encoder, JSON.stringify(status));
  return encoding.toUint8Array(encoder);
}
