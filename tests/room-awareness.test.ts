import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { CloseCodes, YMessage } from '../shared/wire';
import { awarenessStateFrame } from '../shared/y-frames';
import { RoomAwareness } from '../server/yjs/room-awareness';
import { socketOf, type TestSocket } from './helpers/room-sockets';

// The board's presence relay on its own, with in-memory sockets: what the real server does with
// awareness frames is in fuzz-socket.test.ts (identity, burst) and cluster.test.ts (across servers).

/** The awareness update inside a frame (what the room hands to RoomAwareness.receive). */
function inner(frame: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(frame);
  decoding.readVarUint(decoder);
  return decoding.readVarUint8Array(decoder);
}

/** The states an awareness frame carries, by clientID (null: removed). */
function statesIn(frame: Uint8Array): Map<number, { user?: { id: string; name: string; role: string } } | null> {
  const decoder = decoding.createDecoder(frame);
  expect(decoding.readVarUint(decoder)).toBe(YMessage.awareness);
  const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
  const states = new Map();
  for (let i = decoding.readVarUint(update); i > 0; i--) {
    const client = decoding.readVarUint(update);
    decoding.readVarUint(update);
    states.set(client, JSON.parse(decoding.readVarString(update)));
  }
  return states;
}

function relay() {
  const sent: { message: Uint8Array; except: TestSocket | null }[] = [];
  const relayed: Uint8Array[] = [];
  const awareness = new RoomAwareness({ broadcast: (message, except) => sent.push({ message, except: except as TestSocket | null }), relay: (message) => relayed.push(message) });
  return { awareness, sent, relayed };
}

const ghor = () => socketOf({ id: 'u-ghor', username: 'ghor', displayName: 'Informatiecoördinator GHOR', role: 'ghor', organisationId: null });
const coordinator = () => socketOf({ id: 'u-coord', username: 'coordinator', displayName: 'Crisiscoördinator', role: 'coordinator', organisationId: 'org-1' });

describe('the presence relay of a board', () => {
  it('passes a state on to everyone (the sender too) and the other servers, with the sender’s own identity', () => {
    const { awareness, sent, relayed } = relay();
    const from = coordinator();
    awareness.receive(from, inner(awarenessStateFrame(7, 1, { focus: 'loc-1', user: { id: 'u-ghor', name: 'De burgemeester', role: 'ghor' } })));
    expect(sent).toHaveLength(1);
    // Alone on a board, its own presence is what keeps the sender's provider from taking the quiet for a dead connection.
    expect(sent[0].except).toBeNull();
    expect(relayed).toEqual([sent[0].message]);
    const state = statesIn(sent[0].message).get(7) as { focus: string; user: object };
    expect(state.focus).toBe('loc-1');
    expect(state.user).toEqual({ id: 'u-coord', name: 'Crisiscoördinator', role: 'coordinator', organisationId: 'org-1' });
    // Someone who joins later is given it.
    expect(statesIn(awareness.everyone()!).get(7)).toEqual(state);
  });

  it('keeps a clientID with the socket that used it first: another socket cannot take over its presence', () => {
    const { awareness, sent } = relay();
    const first = coordinator();
    const other = ghor();
    awareness.receive(first, inner(awarenessStateFrame(7, 1, { focus: 'loc-1' })));
    awareness.receive(other, inner(awarenessStateFrame(7, 2, { focus: 'loc-2' })));
    expect(sent).toHaveLength(1);
    expect((statesIn(awareness.everyone()!).get(7) as { focus: string }).focus).toBe('loc-1');
  });

  it('takes a leaving socket’s states away and tells everyone, here and on the other servers', () => {
    const { awareness, sent, relayed } = relay();
    const leaving = coordinator();
    const staying = ghor();
    awareness.receive(leaving, inner(awarenessStateFrame(7, 1, { focus: 'loc-1' })));
    awareness.receive(staying, inner(awarenessStateFrame(8, 1, { focus: 'loc-2' })));
    sent.length = 0;
    relayed.length = 0;
    awareness.leave(leaving);
    expect(sent).toHaveLength(1);
    expect(sent[0].except).toBeNull();
    expect(statesIn(sent[0].message).get(7)).toBeNull();
    expect(relayed).toEqual([sent[0].message]);
    expect([...statesIn(awareness.everyone()!).keys()]).toEqual([8]);
    // A socket that never sent awareness leaves without a word.
    awareness.leave(coordinator());
    expect(sent).toHaveLength(1);
  });

  it('closes a socket that sends more states at once than anyone has, or one too large', () => {
    const { awareness, sent } = relay();
    const many = coordinator();
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 17);
    for (let client = 1; client <= 17; client++) {
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarString(encoder, '{}');
    }
    awareness.receive(many, encoding.toUint8Array(encoder));
    expect(many.closedWith).toBe(CloseCodes.BadMessage);
    const large = coordinator();
    awareness.receive(large, inner(awarenessStateFrame(9, 1, { note: 'x'.repeat(5000) })));
    expect(large.closedWith).toBe(CloseCodes.TooLarge);
    expect(sent).toHaveLength(0);
    expect(awareness.everyone()).toBeNull();
  });
});
