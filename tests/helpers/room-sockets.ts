import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { YMessage, YSyncMessage, type CloseCode } from '../../shared/wire';
import { updateFrame } from '../../shared/y-frames';
import type { Author } from '../../server/yjs/gate';
import { IncidentRoom, type RoomOptions, type RoomSocket } from '../../server/yjs/incident-room';
import { DEFAULT_WRITE_BUDGET, WriteBudget } from '../../server/yjs/write-budget';
import { initIncidentDoc } from '../../shared/incident-doc';
import type { IncidentNetwork } from '../../shared/incident';

// A room on its own, with in-memory sockets: frames reach it within one turn of the event loop,
// as they do from many clients under load, which a test over the network cannot arrange every time.

export interface TestSocket extends RoomSocket {
  received: Uint8Array[];
  closedWith: CloseCode | null;
}

export function socketOf(author: Author & { displayName: string }): TestSocket {
  const socket: TestSocket = {
    author,
    received: [],
    closedWith: null,
    send(message) {
      socket.received.push(message);
    },
    close(code) {
      socket.closedWith ??= code;
    },
  };
  return socket;
}

/** A client's document, starting from the room's, that hands out each change it makes as an update frame. */
export function clientOf(room: IncidentRoom) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
  return {
    doc,
    change(make: (doc: Y.Doc) => void): Uint8Array {
      let update: Uint8Array | undefined;
      const take = (u: Uint8Array) => (update = u);
      doc.on('update', take);
      make(doc);
      doc.off('update', take);
      return updateFrame(update!);
    },
  };
}

/** The Yjs updates a socket was sent, applied to a copy of `start`. */
export function seenBy(socket: TestSocket, start: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, start);
  for (const message of socket.received) {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== YMessage.sync) continue;
    const subtype = decoding.readVarUint(decoder);
    if (subtype === YSyncMessage.update || subtype === YSyncMessage.step2) Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  }
  return doc;
}

export const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A room on `dataDir` whose board holds a report map per location, once the turn its setup went
 * out in has ended; what it logs goes to `logs`.
 */
export async function openTestRoom({ incidentId, dataDir, network, logs, ...more }: { incidentId: string; dataDir: string; network: IncidentNetwork; logs: string[] } & Partial<RoomOptions>): Promise<IncidentRoom> {
  const room = new IncidentRoom({ incidentId, dataDir, network, now: () => new Date(), log: (m) => logs.push(m), readOnly: () => false, budget: new WriteBudget(DEFAULT_WRITE_BUDGET, Date.now), ...more });
  if (room.doc.getMap('reports').size === 0) await room.serverChange((doc) => initIncidentDoc(doc, network.locations.map((l) => l.id)));
  await endOfTurn();
  return room;
}
