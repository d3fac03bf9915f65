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
 * Encodes, as Yjs v1, the structs added after `before` for the clients in it and the
 * transaction's deletions: byte for byte what Yjs' `update` event gives for that transaction, as
 * long as `before` names every client it added structs to. Null when it changed nothing. Call it
 * after the transaction has ended: Yjs has then merged and collected what it could, as it has
 * when it emits `update`.
 */
export function encodeTransactionUpdate(transaction: Y.Transaction, before: ReadonlyMap<number, number>): Uint8Array | null {
  const store = transaction.doc.store;
  const changed = [...before].filter(([client, clock]) => Y.getState(store, client) > clock);
  const deletions = transaction.deleteSet.clients;
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
  return encoder.toUint8Array();
}

/** Deleted ranges in clock order, touching ones joined (Yjs has done this at cleanup already; kept for safety). */
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
