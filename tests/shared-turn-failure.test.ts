import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateDemoRegion } from '../shared/demo-region';
import { initIncidentDoc, readReport, setReport } from '../shared/incident-doc';
import type { RecordedEvent } from '../shared/recorded-event';
import { CloseCodes, type CloseCode } from '../shared/wire';
import { updateFrame } from '../shared/y-frames';
import { RecordType, StorageError, readLogFile } from '../server/recorder/incident-log';
import { FileRecorder, type IncidentRecorder } from '../server/recorder/recorder';
import { IncidentRoom, incidentLogFile, type RoomSocket } from '../server/yjs/incident-room';
import { DEFAULT_WRITE_BUDGET, WriteBudget } from '../server/yjs/write-budget';
import { waitFor } from './helpers/wait-for';

// A room on a shared log (docs/architecture.md, "One order per incident across servers") whose
// turn is judged and then not committed, as when PostgreSQL fails at the COMMIT. The log is the
// embedded mode's file behind the recorder interface; only the failing turn is staged.

const network = generateDemoRegion();
const organisation = network.organisations.find((o) => network.locations.some((l) => l.organisationId === o.id))!;
const own = network.locations.find((l) => l.organisationId === organisation.id)!.id;
const incidentId = 'inc-shared-failure';

interface TestSocket extends RoomSocket {
  closedWith: CloseCode | null;
}

const coordinator = (): TestSocket => {
  const socket: TestSocket = {
    author: { id: 'u-k1', username: 'k1', displayName: 'K1', role: 'coordinator', organisationId: organisation.id },
    closedWith: null,
    send() {},
    close(code) {
      socket.closedWith ??= code;
    },
  };
  return socket;
};

describe('a turn of a shared log that fails', () => {
  let dataDir: string;
  let recorder: FileRecorder;
  let room: IncidentRoom;
  let failNext: boolean;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zorgbeeld-shared-failure-'));
    recorder = FileRecorder.open(incidentLogFile(dataDir, incidentId), () => {});
    failNext = false;
    const failing: IncidentRecorder = {
      get head() {
        return recorder.head;
      },
      fromCheckpoint: (skip) => recorder.fromCheckpoint(skip),
      after: (seq) => recorder.after(seq),
      append: (records, after) => recorder.append(records, after),
      appendAtEnd: (records) => recorder.appendAtEnd(records),
      close: () => recorder.close(),
      async turn(judge) {
        if (!failNext) return recorder.turn(judge);
        failNext = false;
        judge([]);
        throw new StorageError('the commit did not go through', 'ECOMMIT');
      },
    };
    room = new IncidentRoom({
      incidentId,
      dataDir,
      network,
      now: () => new Date(),
      log: () => {},
      readOnly: () => false,
      budget: new WriteBudget(DEFAULT_WRITE_BUDGET, Date.now),
      storageRetryMs: 20,
      shared: {
        recorder: failing,
        start: { state: { doc: new Y.Doc(), bindings: new Map<number, string>(), updatesSinceCheckpoint: 0 }, records: [] },
        committed: () => {},
        relay: () => {},
        onEvent: () => {},
      },
    });
    await room.serverChange((doc) => initIncidentDoc(doc, network.locations.map((l) => l.id)));
  });

  afterEach(async () => {
    room.close();
    await recorder.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const events = () =>
    readLogFile(incidentLogFile(dataDir, incidentId))
      .records.filter((r) => r.type === RecordType.event)
      .map((r) => JSON.parse(new TextDecoder().decode(r.payload)) as RecordedEvent);

  it("drops a change's event with its update, keeps the other events for the next turn, and records both once the change comes again", async () => {
    const first = coordinator();
    room.join(first);
    await waitFor(() => events().some((e) => e.type === 'joined'));
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
    let frame: Uint8Array | null = null;
    client.on('update', (update: Uint8Array) => (frame = updateFrame(update)));
    setReport(client, own, { remarks: 'stroom uitgevallen' });

    // The change is judged in the turn, and a server event waits for the same turn; then the
    // commit fails.
    failNext = true;
    room.receive(first, frame!);
    room.recordEvent('server', { type: 'grip-changed', from: 1, to: 2 });
    await waitFor(() => first.closedWith);
    expect(first.closedWith).toBe(CloseCodes.StorageUnavailable);
    expect(readReport(room.doc, own).remarks).toBeUndefined();

    // The next turn (the probe) records the server event, and nothing of the change.
    await waitFor(() => events().some((e) => e.type === 'grip-changed'));
    const updatesOf = (user: string) => readLogFile(incidentLogFile(dataDir, incidentId)).records.filter((r) => r.type === RecordType.update && r.user === user);
    expect(updatesOf('u-k1')).toHaveLength(0);
    expect(events().filter((e) => e.type === 'changed')).toEqual([]);

    // The coordinator's page sends the change again when it reconnects: now both are recorded.
    const again = coordinator();
    room.join(again);
    room.receive(again, updateFrame(Y.encodeStateAsUpdate(client)));
    await waitFor(() => updatesOf('u-k1').length > 0);
    expect(readReport(room.doc, own).remarks).toBe('stroom uitgevallen');
    const changed = events().filter((e): e is Extract<RecordedEvent, { type: 'changed' }> => e.type === 'changed');
    expect(changed.map((e) => [e.username, e.reports.map((r) => [r.locationId, r.fields])])).toEqual([['k1', [[own, { remarks: 'stroom uitgevallen' }]]]]);
    expect(again.closedWith).toBeNull();
  });
});
