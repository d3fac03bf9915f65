import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateDemoRegion } from '../shared/demo-region';
import { initIncidentDoc, readReport, setReport } from '../shared/incident-doc';
import type { RecordedEvent } from '../shared/recorded-event';
import { CloseCodes, YMessage, YSyncMessage, type CloseCode } from '../shared/wire';
import { updateFrame } from '../shared/y-frames';
import { RecordType, StorageError, readLogFile, incidentLogFile, type NewRecord } from '../server/recorder/incident-log';
import { FileRecorder, type IncidentRecorder } from '../server/recorder/recorder';
import { IncidentRoom, type RoomSocket } from '../server/yjs/incident-room';
import { DEFAULT_WRITE_BUDGET, WriteBudget } from '../server/yjs/write-budget';
import { waitFor } from './helpers/wait-for';

// A room on a shared log (docs/architecture.md, "One order per incident across servers"). The
// log is the embedded mode's file behind the recorder interface, and its turns are staged as
// PostgreSQL's run: a turn gets the records appended since the room's last turn (what other
// servers committed meanwhile), holds the incident's order while the room judges, and can be
// made to fail at the commit.

const network = generateDemoRegion();
const organisation = network.organisations.find((o) => network.locations.some((l) => l.organisationId === o.id))!;
const own = network.locations.find((l) => l.organisationId === organisation.id)!.id;
const incidentId = 'inc-shared-turn';

interface TestSocket extends RoomSocket {
  closedWith: CloseCode | null;
  /** The updates sent to this socket, each with whether a turn was being judged at the time. */
  updates: { update: Uint8Array; inTurn: boolean }[];
}

describe('a turn of a shared log', () => {
  let dataDir: string;
  let recorder: FileRecorder;
  let room: IncidentRoom;
  let failNext: boolean;
  let read: number;
  let judging: boolean;
  /** Reads of the log outside turns (catching up after a head notice). */
  let reads: number;
  /** How many records of others each turn got. */
  let missedInTurns: number[];

  const coordinator = (): TestSocket => {
    const socket: TestSocket = {
      author: { id: 'u-k1', username: 'k1', displayName: 'K1', role: 'coordinator', organisationId: organisation.id },
      closedWith: null,
      updates: [],
      send(message) {
        const decoder = decoding.createDecoder(message);
        if (decoding.readVarUint(decoder) === YMessage.sync && decoding.readVarUint(decoder) === YSyncMessage.update) socket.updates.push({ update: decoding.readVarUint8Array(decoder), inTurn: judging });
      },
      close(code) {
        socket.closedWith ??= code;
      },
    };
    return socket;
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zorgbeeld-shared-turn-'));
    recorder = FileRecorder.open(incidentLogFile(dataDir, incidentId), () => {});
    failNext = false;
    read = 0;
    judging = false;
    reads = 0;
    missedInTurns = [];
    const shared: IncidentRecorder = {
      get head() {
        return read;
      },
      fromCheckpoint: (skip) => recorder.fromCheckpoint(skip),
      after: (seq) => {
        reads++;
        return recorder.after(seq).then((records) => {
          if (records.length > 0) read = Math.max(read, records[records.length - 1].index);
          return records;
        });
      },
      append: (records, after) => recorder.append(records, after),
      appendAtEnd: (records) => recorder.appendAtEnd(records),
      passed(head) {
        read = Math.max(read, head);
      },
      close: () => recorder.close(),
      async turn(judge) {
        const missed = await recorder.after(read);
        missedInTurns.push(missed.length);
        judging = true;
        let records: readonly NewRecord[];
        try {
          records = judge(missed);
        } finally {
          judging = false;
        }
        if (failNext) {
          failNext = false;
          throw new StorageError('the commit did not go through', 'ECOMMIT');
        }
        read = await recorder.appendAtEnd(records);
        return read;
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
        recorder: shared,
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
    await room.finished;
    await recorder.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const records = () => readLogFile(incidentLogFile(dataDir, incidentId)).records;
  const events = () => records().filter((r) => r.type === RecordType.event).map((r) => JSON.parse(new TextDecoder().decode(r.payload)) as RecordedEvent);
  const updatesOf = (user: string) => records().filter((r) => r.type === RecordType.update && r.user === user);

  /** A coordinator's change of its own location, as its page sends it, from the room's state now. */
  const ownChange = (): { client: Y.Doc; frame: Uint8Array } => {
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
    let frame: Uint8Array | null = null;
    client.on('update', (update: Uint8Array) => (frame = updateFrame(update)));
    setReport(client, own, { remarks: 'stroom uitgevallen' });
    return { client, frame: frame! };
  };

  const others = network.locations.filter((l) => l.organisationId !== organisation.id).map((l) => l.id);

  /**
   * Another server commits GHOR's change of another organisation's location (the `n`th); the
   * room has not heard of it. Returns the location and what was appended, after which record.
   */
  const otherServerCommits = async (n = 0): Promise<{ location: string; after: number; records: NewRecord[] }> => {
    const location = others[n];
    const ghor = new Y.Doc();
    Y.applyUpdate(ghor, Y.encodeStateAsUpdate(room.doc));
    const since = Y.encodeStateVector(ghor);
    setReport(ghor, location, { remarks: `brandweer ter plaatse ${n}` });
    const records: NewRecord[] = [{ type: RecordType.update, time: Date.now(), user: 'u-ghor', payload: Y.encodeStateAsUpdate(ghor, since) }];
    const head = await recorder.appendAtEnd(records);
    return { location, after: head - records.length, records };
  };

  /** The board as a client holding `before` sees it after applying every update sent to `socket`. */
  const seenBy = (socket: TestSocket, before: Uint8Array): Y.Doc => {
    const seen = new Y.Doc();
    Y.applyUpdate(seen, before);
    for (const { update } of socket.updates) Y.applyUpdate(seen, update);
    return seen;
  };

  /** A socket that has joined the board, its first updates (the join's) behind it. */
  const joined = async (): Promise<TestSocket> => {
    const socket = coordinator();
    room.join(socket);
    await waitFor(() => records().some((r) => r.type === RecordType.event));
    await room.settled();
    socket.updates.length = 0;
    return socket;
  };

  it('sends what another server committed with its own updates, as one message, once the turn is over', async () => {
    const first = await joined();
    const before = Y.encodeStateAsUpdate(room.doc);
    const { location: other } = await otherServerCommits();
    const { frame } = ownChange();
    room.receive(first, frame);
    await waitFor(() => updatesOf('u-k1').length > 0);
    await room.settled();

    // Nothing went out while the turn held the incident's order; then both changes in one message.
    expect(first.updates.map((u) => u.inTurn)).toEqual([false]);
    const seen = seenBy(first, before);
    expect(readReport(seen, other).remarks).toBe('brandweer ter plaatse 0');
    expect(readReport(seen, own).remarks).toBe('stroom uitgevallen');
    expect(first.closedWith).toBeNull();
  });

  it('sends what another server committed also when its own commit fails', async () => {
    const first = await joined();
    const before = Y.encodeStateAsUpdate(room.doc);
    const { location: other } = await otherServerCommits();
    const { frame } = ownChange();
    failNext = true;
    room.receive(first, frame);
    await waitFor(() => first.closedWith);

    // By the time the writer's connection is closed, the other server's change went out: it is recorded.
    expect(first.closedWith).toBe(CloseCodes.StorageUnavailable);
    expect(first.updates.map((u) => u.inTurn)).toEqual([false]);
    const seen = seenBy(first, before);
    expect(readReport(seen, other).remarks).toBe('brandweer ter plaatse 0');
    expect(readReport(seen, own).remarks).toBeUndefined();
    expect(readReport(room.doc, own).remarks).toBeUndefined();
    expect(updatesOf('u-k1')).toHaveLength(0);
  });

  it("drops a change's event with its update, keeps the other events for the next turn, and records both once the change comes again", async () => {
    const first = coordinator();
    room.join(first);
    await waitFor(() => events().some((e) => e.type === 'joined'));
    const { client, frame } = ownChange();

    // The change is judged in the turn, and a server event waits for the same turn; then the
    // commit fails.
    failNext = true;
    room.receive(first, frame);
    room.recordEvent('server', { type: 'grip-changed', from: 1, to: 2 });
    await waitFor(() => first.closedWith);
    expect(first.closedWith).toBe(CloseCodes.StorageUnavailable);
    expect(readReport(room.doc, own).remarks).toBeUndefined();

    // The next turn (the probe) records the server event, and nothing of the change.
    await waitFor(() => events().some((e) => e.type === 'grip-changed'));
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

  it('sends on what another server committed as the bus carried it, without reading the log', async () => {
    const reader = await joined();
    const before = Y.encodeStateAsUpdate(room.doc);
    const { location, after, records: carried } = await otherServerCommits();
    room.remoteRecords(after, carried);
    await waitFor(() => reader.updates.length > 0);
    await room.settled();
    expect(reads).toBe(0);
    const seen = seenBy(reader, before);
    expect(readReport(seen, location).remarks).toBe('brandweer ter plaatse 0');
    // Its next turn reads on after them: nothing of it applied twice.
    const { frame } = ownChange();
    reader.updates.length = 0;
    room.receive(reader, frame);
    await waitFor(() => updatesOf('u-k1').length > 0);
    await room.settled();
    expect(missedInTurns.at(-1)).toBe(0);
    expect(reader.updates).toHaveLength(1);
  });

  it('reads the log when a message of the bus is missing, and ignores it when it comes late', async () => {
    const reader = await joined();
    const before = Y.encodeStateAsUpdate(room.doc);
    const first = await otherServerCommits(0);
    const second = await otherServerCommits(1);
    // The second server's message comes first: the first's records are not here, so the log is read.
    room.remoteRecords(second.after, second.records);
    await waitFor(() => reads > 0);
    await room.settled();
    const seen = seenBy(reader, before);
    expect(readReport(seen, first.location).remarks).toBe('brandweer ter plaatse 0');
    expect(readReport(seen, second.location).remarks).toBe('brandweer ter plaatse 1');
    // The first message, late: already read, nothing sent again.
    const sent = reader.updates.length;
    room.remoteRecords(first.after, first.records);
    await room.settled();
    expect(reader.updates).toHaveLength(sent);
    expect(reads).toBe(1);
  });
});
