/**
 * The update a Yjs transaction made, encoded from the structs of the clients it touched
 * (docs/architecture.md, "Per-update work"). Yjs' own `update` event encodes the same bytes, but
 * walks the state vector of every client the document has ever seen to find the changed ones:
 * with thousands of clientIDs in a long incident that walk costs a millisecond or more per
 * update, and every transaction pays it while anything listens to `update`. The caller knows
 * which clients an update can touch (the update's own, and the server's stamps), so only those
 * are looked at.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** The clock of each client an update may add structs to, taken before the transaction. */
export function clocksOf(doc: Y.Doc, clients: Iterable<number>): Map<number, number> {
  const clocks = new Map<number, number>();
  for (const client of clients) clocks.set(client, Y.getState(doc.store, client));
  return clocks;
}

/**
 * One update's part of a transaction that may apply several (docs/architecture.md, "Per-update
 * work"): the clocks of the clients it may add structs to, and how many deleted ranges the
 * transaction held per client, both taken just before the update was applied. While a
 * transaction is open Yjs only appends to its delete set, so what was appended since is this
 * update's.
 */
export interface UpdatePart {
  before: Map<number, number>;
  deletionsBefore: Map<number, number>;
}

/** Starts an update's part of an open transaction (see {@link UpdatePart}). */
export function startPart(transaction: Y.Transaction, clients: Iterable<number>): UpdatePart {
  const deletionsBefore = new Map<number, number>();
  for (const [client, items] of transaction.deleteSet.clients) deletionsBefore.set(client, items.length);
  return { before: clocksOf(transaction.doc, clients), deletionsBefore };
}

/** The deletions an update added to its open transaction, as a delete set of their own. */
export function deletionsOf(transaction: Y.Transaction, part: UpdatePart): Y.Transaction['deleteSet'] {
  const own = Y.createDeleteSet();
  for (const [client, items] of transaction.deleteSet.clients) {
    const from = part.deletionsBefore.get(client) ?? 0;
    if (items.length > from) own.clients.set(client, items.slice(from));
  }
  return own;
}

/**
 * Encodes, as Yjs v1, the structs added after `before` for the clients in it and the
 * transaction's deletions: byte for byte what Yjs' `update` event gives for that transaction, as
 * long as `before` names every client it added structs to. Null when it changed nothing. Call it
 * after the transaction has ended: Yjs has then merged and collected what it could, as it has
 * when it emits `update`.
 */
export function encodeTransactionUpdate(transaction: Y.Transaction, before: ReadonlyMap<number, number>): Uint8Array | null {
  return encodeChange(transaction.doc.store, before, transaction.deleteSet.clients);
}

/**
 * Encodes one update's part of a transaction that is still open, right after that update was
 * applied (and stamped): the same change as {@link encodeTransactionUpdate} would give for a
 * transaction of its own, before Yjs' cleanup has merged neighbouring structs or emptied deleted
 * ones, so the bytes may be longer; a peer applying them ends with the same document.
 */
export function encodePart(transaction: Y.Transaction, part: UpdatePart): Uint8Array | null {
  return encodeChange(transaction.doc.store, part.before, deletionsOf(transaction, part).clients);
}

function encodeChange(store: Y.Doc['store'], before: ReadonlyMap<number, number>, deletions: Map<number, { clock: number; len: number }[]>): Uint8Array | null {
  const changed = [...before].filter(([client, clock]) => Y.getState(store, client) > clock);
  if (changed.length === 0 && deletions.size === 0) return null;
  const encoder = new Y.UpdateEncoderV1();
  // Clients in descending order, as Yjs writes them.
  changed.sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(encoder.restEncoder, changed.length);
  for (const [client, from] of changed) {
    const structs = store.clients.get(client)!;
    const clock = Math.max(from, structs[0].id.clock);
    const start = Y.findIndexSS(structs, clock);
    encoding.writeVarUint(encoder.restEncoder, structs.length - start);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, clock);
    structs[start].write(encoder, clock - structs[start].id.clock);
    for (let i = start + 1; i < structs.length; i++) structs[i].write(encoder, 0);
  }
  writeDeletions(encoder, deletions);
  return encoder.toUint8Array();
}

/**
 * Encodes, as Yjs v1, items no document has integrated yet (an update as read, and the server's
 * stamps made for it), with deletions: an update that gives a peer the same document as applying
 * them one after the other. Each client's items must follow on from each other, in clock order.
 */
export function encodeStructs(items: readonly Y.Item[], deletions: ReadonlyMap<number, readonly { clock: number; len: number }[]>): Uint8Array {
  const byClient = new Map<number, Y.Item[]>();
  for (const item of items) {
    const list = byClient.get(item.id.client);
    if (list) list.push(item);
    else byClient.set(item.id.client, [item]);
  }
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, byClient.size);
  for (const [client, list] of [...byClient].sort((a, b) => b[0] - a[0])) {
    encoding.writeVarUint(encoder.restEncoder, list.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, list[0].id.clock);
    for (const item of list) item.write(encoder, 0);
  }
  writeDeletions(encoder, deletions);
  return encoder.toUint8Array();
}

function writeDeletions(encoder: Y.UpdateEncoderV1, deletions: ReadonlyMap<number, readonly { clock: number; len: number }[]>): void {
  encoding.writeVarUint(encoder.restEncoder, deletions.size);
  for (const [client, items] of [...deletions].sort((a, b) => b[0] - a[0])) {
    const merged = sortedAndMerged(items);
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, merged.length);
    for (const item of merged) {
      encoder.writeDsClock(item.clock);
      encoder.writeDsLen(item.len);
    }
  }
}

/** Deleted ranges in clock order, touching ones joined (Yjs does this at cleanup; an open transaction's are unsorted). */
function sortedAndMerged(items: readonly { clock: number; len: number }[]): { clock: number; len: number }[] {
  const sorted = [...items].sort((a, b) => a.clock - b.clock);
  const merged: { clock: number; len: number }[] = [];
  for (const item of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.clock + last.len >= item.clock) last.len = Math.max(last.len, item.clock + item.len - last.clock);
    else merged.push({ clock: item.clock, len: item.len });
  }
  return merged;
}
