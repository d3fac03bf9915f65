import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateDemoRegion } from '../shared/demo-region';
import { readReport, setReport } from '../shared/incident-doc';
import { syncStep1Frame } from '../shared/y-frames';
import type { IncidentRoom } from '../server/yjs/incident-room';
import { clientOf, endOfTurn, openTestRoom, seenBy, socketOf } from './helpers/room-sockets';

// Clients that join with nothing (a new tab, a reload without a copy) are sent the whole state.
// For a long incident that is megabytes: encoded once, and sent as the same message to every one
// of them, so that the sockets share one frame instead of a copy each (130 copies of a long
// incident's state set off seconds of garbage collection under load: docs/benchmark-notes.md).

const network = generateDemoRegion();
const organisation = network.organisations[0];
const own = network.locations.filter((l) => l.organisationId === organisation.id).map((l) => l.id);
const incidentId = 'inc-joins';
const observer = (n: number) => socketOf({ id: `u-obs-${n}`, username: `observer${n}`, displayName: 'Evaluator', role: 'observer', organisationId: null });
const EMPTY_VECTOR = Y.encodeStateVector(new Y.Doc());

describe('clients that join with nothing', () => {
  let dataDir: string;
  let room: IncidentRoom;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zorgbeeld-joins-'));
    room = await openTestRoom({ incidentId, dataDir, network, logs: [] });
  });

  afterEach(() => {
    room.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const joinWithNothing = async (n: number) => {
    const socket = observer(n);
    room.join(socket);
    socket.received.length = 0;
    room.receive(socket, syncStep1Frame(EMPTY_VECTOR));
    await endOfTurn();
    return socket;
  };

  it('are sent one message of the whole state, and one of what was broadcast after it', async () => {
    const [a, b] = [await joinWithNothing(1), await joinWithNothing(2)];
    expect(a.received).toHaveLength(1);
    expect(b.received[0]).toBe(a.received[0]);

    const k1 = socketOf({ id: 'u-k1', username: 'k1', displayName: 'K1', role: 'coordinator', organisationId: organisation.id });
    room.join(k1);
    const writer = clientOf(room);
    room.receive(k1, writer.change((d) => setReport(d, own[0], { impact: 'major' })));
    await endOfTurn();
    room.receive(k1, writer.change((d) => setReport(d, own[0], { remarks: 'Noodstroom draait' })));
    await endOfTurn();

    const [c, d] = [await joinWithNothing(3), await joinWithNothing(4)];
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    for (const socket of [c, d]) {
      expect(socket.received.length).toBeLessThanOrEqual(2);
      expect(readReport(seenBy(socket, empty), own[0])).toMatchObject({ impact: 'major', remarks: 'Noodstroom draait', stamp: { by: 'k1' } });
    }
    expect(d.received).toEqual(c.received);
    c.received.forEach((message, i) => expect(d.received[i]).toBe(message));
    // After one more change, the next to join is sent it too.
    room.receive(k1, writer.change((doc) => setReport(doc, own[0], { impact: 'minor' })));
    await endOfTurn();
    const e = await joinWithNothing(5);
    expect(readReport(seenBy(e, empty), own[0])).toMatchObject({ impact: 'minor', remarks: 'Noodstroom draait' });
  });
});
