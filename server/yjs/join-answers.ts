import * as Y from 'yjs';
import { syncStep2Frame, updateFrame } from '../../shared/y-frames';

/** The state vector of a client that has nothing: one byte, no clients. */
const EMPTY_STATE_VECTOR_LENGTH = 1;
/** Updates broadcast after the whole state was encoded for joining clients before it is encoded again. */
const WHOLE_STATE_REFRESH = 500;

/**
 * A room's answers to its clients' sync step 1: what each lacks. A client that has nothing (a
 * first join, or a client that reconnects in a loop) gets the whole state encoded once for all
 * such joins and the updates broadcast since, merged: encoding a long incident's state costs tens
 * of milliseconds of the event loop, and twenty joins a second would otherwise stall the board.
 */
export class JoinAnswers {
  /**
   * The whole state as a sync step 2 message, and the updates broadcast after it (with their
   * merged message, once some client needed it).
   */
  private whole: { message: Uint8Array; since: Uint8Array[]; sinceMessage: { count: number; message: Uint8Array } | null } | null = null;

  /**
   * The messages that give a client with state vector `vector` what it lacks of `doc`.
   * `settled`: nothing accepted is still waiting to go out, so the whole state may be taken afresh
   * (then the state and the updates broadcast after it hold every accepted update exactly once).
   */
  answer(doc: Y.Doc, vector: Uint8Array, settled: boolean): Uint8Array[] {
    if (vector.length !== EMPTY_STATE_VECTOR_LENGTH) return [syncStep2Frame(Y.encodeStateAsUpdate(doc, vector))];
    let whole = this.whole;
    if ((!whole || whole.since.length >= WHOLE_STATE_REFRESH) && settled) whole = this.whole = { message: syncStep2Frame(Y.encodeStateAsUpdate(doc)), since: [], sinceMessage: null };
    if (!whole) return [syncStep2Frame(Y.encodeStateAsUpdate(doc))];
    // The same message objects for every client that joins: the sockets then send one frame of
    // them (ws-frame.ts) instead of a copy of a long incident's state each.
    if (whole.since.length === 0) return [whole.message];
    if (whole.sinceMessage?.count !== whole.since.length) whole.sinceMessage = { count: whole.since.length, message: updateFrame(whole.since.length === 1 ? whole.since[0] : Y.mergeUpdates(whole.since)) };
    return [whole.message, whole.sinceMessage.message];
  }

  /** Updates that were just broadcast: a client answered from the kept state gets them with it. */
  broadcast(updates: readonly Uint8Array[]): void {
    this.whole?.since.push(...updates);
  }

  /** The room's document was replaced (built anew from the log): the kept state is let go. */
  forget(): void {
    this.whole = null;
  }
}
