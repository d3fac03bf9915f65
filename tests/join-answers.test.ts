import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { YMessage, YSyncMessage } from '../shared/wire';
import { JoinAnswers } from '../server/yjs/join-answers';

// A room's answers to sync step 1 on their own; the real server's joins are in early-state.test.ts
// and room-joins.test.ts.

/** A document as a client that applied `messages` has it. */
function applied(messages: Uint8Array[], start?: Y.Doc): Y.Doc {
  const doc = new Y.Doc();
  if (start) Y.applyUpdate(doc, Y.encodeStateAsUpdate(start));
  for (const message of messages) {
    const decoder = decoding.createDecoder(message);
    expect(decoding.readVarUint(decoder)).toBe(YMessage.sync);
    expect([YSyncMessage.step2, YSyncMessage.update]).toContain(decoding.readVarUint(decoder));
    Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  }
  return doc;
}

/** A change to `doc`, as the update the room broadcast for it. */
function change(doc: Y.Doc, key: string, value: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getMap('reports').set(key, value);
  return Y.encodeStateAsUpdate(doc, before);
}

const nothing = () => Y.encodeStateVector(new Y.Doc());

describe('answers to clients joining a board', () => {
  it('gives everyone who joins with nothing the same message, with the updates broadcast since it was encoded', () => {
    const doc = new Y.Doc();
    change(doc, 'loc-1', 'a');
    const joins = new JoinAnswers();
    const first = joins.answer(doc, nothing(), true);
    const second = joins.answer(doc, nothing(), true);
    expect(first).toHaveLength(1);
    // The same object, not an equal copy: the sockets frame it once for all of them.
    expect(second[0]).toBe(first[0]);
    joins.broadcast([change(doc, 'loc-2', 'b')]);
    joins.broadcast([change(doc, 'loc-3', 'c')]);
    const third = joins.answer(doc, nothing(), true);
    const fourth = joins.answer(doc, nothing(), true);
    expect(third[0]).toBe(first[0]);
    expect(third).toHaveLength(2);
    expect(fourth[1]).toBe(third[1]);
    expect(applied(third).getMap('reports').toJSON()).toEqual({ 'loc-1': 'a', 'loc-2': 'b', 'loc-3': 'c' });
  });

  it('encodes the state afresh when the room’s document was built anew, and keeps nothing while updates still wait to go out', () => {
    const doc = new Y.Doc();
    change(doc, 'loc-1', 'a');
    const joins = new JoinAnswers();
    const kept = joins.answer(doc, nothing(), true)[0];
    joins.forget();
    const fresh = joins.answer(doc, nothing(), true)[0];
    expect(fresh).not.toBe(kept);
    joins.forget();
    // An update accepted but not yet sent is in the document but would never reach the kept
    // state's "since": so nothing is kept now, and each answer is the document as it is.
    change(doc, 'loc-2', 'b');
    const unsettled = joins.answer(doc, nothing(), false);
    expect(joins.answer(doc, nothing(), false)[0]).not.toBe(unsettled[0]);
    expect(applied(unsettled).getMap('reports').toJSON()).toEqual({ 'loc-1': 'a', 'loc-2': 'b' });
  });

  it('gives a client that has part of the board only what it lacks', () => {
    const doc = new Y.Doc();
    change(doc, 'loc-1', 'a');
    const client = applied([], doc);
    change(doc, 'loc-2', 'b');
    const joins = new JoinAnswers();
    const answer = joins.answer(doc, Y.encodeStateVector(client), true);
    expect(answer).toHaveLength(1);
    expect(applied(answer, client).getMap('reports').toJSON()).toEqual({ 'loc-1': 'a', 'loc-2': 'b' });
    expect(applied(answer).getMap('reports').has('loc-1')).toBe(false);
  });
});
