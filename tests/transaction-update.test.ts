import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SeededRandom } from '../shared/random';
import { clocksOf, encodeTransactionUpdate } from '../shared/transaction-update';

// The room encodes what a transaction changed from the clients it touched (shared/transaction-update.ts)
// instead of listening to Yjs' `update` event, which walks every client of a long incident. The
// bytes must be the ones Yjs gives, for every kind of change the board makes.

/** A client's random change: map values, nested maps, text and array edits, deletions. */
function randomChange(doc: Y.Doc, random: () => number, n: number): void {
  const reports = doc.getMap<Y.Map<unknown>>('reports');
  const picture = doc.getText('picture');
  const logbook = doc.getArray<string>('logbook');
  const pick = Math.floor(random() * 7);
  const key = `loc-${Math.floor(random() * 5)}`;
  if (pick === 0 || !reports.has(key)) reports.set(key, new Y.Map());
  else if (pick === 1) reports.get(key)!.set('remarks', `melding ${n}`);
  else if (pick === 2) reports.get(key)!.delete('remarks');
  else if (pick === 3) picture.insert(Math.floor(random() * (picture.length + 1)), `tekst ${n} `);
  else if (pick === 4 && picture.length > 3) picture.delete(Math.floor(random() * (picture.length - 2)), 2);
  else if (pick === 5) logbook.push([`regel ${n}`]);
  else if (logbook.length > 0) logbook.delete(Math.floor(random() * logbook.length), 1);
}

describe('the update of a transaction, encoded from the clients it touched', () => {
  it('is byte for byte what Yjs encodes, for client updates applied together with the server’s own writes', () => {
    const source = new SeededRandom(17);
    const random = () => source.next();
    const server = new Y.Doc();
    const devices = Array.from({ length: 6 }, () => new Y.Doc());
    let fromYjs: Uint8Array | null = null;
    server.on('update', (update: Uint8Array) => (fromYjs = update));
    let compared = 0;
    for (let n = 0; n < 600; n++) {
      const device = devices[n % devices.length];
      // A device that has been away catches up first, as a reconnecting one does.
      Y.applyUpdate(device, Y.encodeStateAsUpdate(server, Y.encodeStateVector(device)));
      const before = Y.encodeStateVector(device);
      device.transact(() => {
        randomChange(device, random, n);
        if (random() < 0.3) randomChange(device, random, n + 0.5);
      });
      const update = Y.encodeStateAsUpdate(device, before);
      const clocks = clocksOf(server, [...Y.parseUpdateMeta(update).to.keys(), server.clientID]);
      fromYjs = null;
      let transaction: Y.Transaction | undefined;
      server.transact((t) => {
        transaction = t;
        Y.applyUpdate(server, update);
        t.local = true;
        // The server's stamp in the same transaction, overwriting the one before.
        const reports = server.getMap<Y.Map<unknown>>('reports');
        const touched = [...reports.keys()][n % Math.max(1, reports.size)];
        if (touched && random() < 0.8) reports.get(touched)!.set('stamp', { by: 'ghor', at: `t${n}` });
      });
      const ours = encodeTransactionUpdate(transaction!, clocks);
      expect(ours).toEqual(fromYjs);
      if (ours) compared++;
    }
    // Most rounds changed something; a round that changed nothing gives null, as Yjs emits nothing.
    expect(compared).toBeGreaterThan(500);
  });

  it('gives nothing for an update the document already holds, and leaves out clients it was not told of', () => {
    const server = new Y.Doc();
    const device = new Y.Doc();
    device.getMap('reports').set('loc-1', 'a');
    const update = Y.encodeStateAsUpdate(device);
    Y.applyUpdate(server, update);
    let transaction: Y.Transaction | undefined;
    const clocks = clocksOf(server, [device.clientID]);
    server.transact((t) => {
      transaction = t;
      Y.applyUpdate(server, update);
    });
    expect(encodeTransactionUpdate(transaction!, clocks)).toBeNull();
    // Told of no client: only the deletions remain (here none), so nothing.
    device.getMap('reports').set('loc-1', 'b');
    server.transact((t) => {
      transaction = t;
      Y.applyUpdate(server, Y.encodeStateAsUpdate(device, Y.encodeStateVector(server)));
    });
    const withoutClient = encodeTransactionUpdate(transaction!, new Map());
    const other = new Y.Doc();
    Y.applyUpdate(other, withoutClient!);
    expect(other.getMap('reports').toJSON()).toEqual({});
  });
});
