import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { generateDemoRegion } from '../shared/demo-region';
import { addNeed, readReport, setReport } from '../shared/incident-doc';
import { YMessage, YSyncMessage } from '../shared/wire';
import { updateFrame } from '../shared/y-frames';
import type { RecordedEvent } from '../shared/recorded-event';
import { RecordType, readLogFile, incidentLogFile } from '../server/recorder/incident-log';
import { IncidentRoom } from '../server/yjs/incident-room';
import { replayRecords } from '../server/recorder/replay-state';
import { DEFAULT_WRITE_BUDGET, WriteBudget } from '../server/yjs/write-budget';
import { clientOf, endOfTurn, openTestRoom, seenBy, socketOf } from './helpers/room-sockets';
import { waitFor } from './helpers/wait-for';

// Report changes are judged, stamped, recorded and sent without being applied, and applied to the
// room's document later, several in one transaction (docs/architecture.md, "Held updates"). What
// everyone ends with must be what applying each at once gives: the same document in the room, in
// the log and on every client, whatever the order and overlap of the changes.

const network = generateDemoRegion();
const organisation = network.organisations.find((o) => network.locations.filter((l) => l.organisationId === o.id).length >= 3)!;
const own = network.locations.filter((l) => l.organisationId === organisation.id).map((l) => l.id).slice(0, 3);
const foreign = network.locations.filter((l) => l.organisationId !== organisation.id).map((l) => l.id).slice(0, 2);
const incidentId = 'inc-held';

/** A seeded generator (mulberry32): the same run every time, and a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const coordinator = (name: string) => socketOf({ id: `u-${name}`, username: name, displayName: name.toUpperCase(), role: 'coordinator', organisationId: organisation.id });
/** A write budget no test here uses up. */
const plenty = () => new WriteBudget({ ...DEFAULT_WRITE_BUDGET, burstBytes: 1e9 }, Date.now);

describe('held report changes', () => {
  let dataDir: string;
  let room: IncidentRoom;
  let logs: string[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zorgbeeld-held-'));
    logs = [];
    room = await openTestRoom({ incidentId, dataDir, network, logs, budget: plenty() });
  });

  afterEach(() => {
    room.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const records = () => readLogFile(incidentLogFile(dataDir, incidentId)).records;

  it.each([
    ['applied after each turn', undefined],
    ['waiting for more (a costly document)', { costlyMs: 0, waitMs: 60000 }],
  ])('give the room, the log and every client the same board as applying each at once (600 seeded changes, overlapping; %s)', async (_, holding) => {
    if (holding) {
      room.close();
      room = await openTestRoom({ incidentId, dataDir, network, logs, budget: plenty(), holding });
    }
    const random = seeded(20261205);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const start = Y.encodeStateAsUpdate(room.doc);
    const serverId = room.doc.clientID;
    let transactions = 0;
    room.doc.on('afterTransaction', () => transactions++);
    // Two coordinators of one organisation and two GHOR tabs, each its own client that learns
    // what the room sent only now and then: their changes overlap, on the same fields too.
    const writers = [
      { socket: coordinator('k1'), places: own },
      { socket: coordinator('k2'), places: own },
      { socket: socketOf({ id: 'u-g1', username: 'ghor', displayName: 'GHOR', role: 'ghor', organisationId: null }), places: [...own, ...foreign] },
      { socket: socketOf({ id: 'u-g1', username: 'ghor', displayName: 'GHOR', role: 'ghor', organisationId: null }), places: [...own, ...foreign] },
    ].map((w) => ({ ...w, client: clientOf(room), read: 0 }));
    const watcher = socketOf({ id: 'u-obs', username: 'observer', displayName: 'Evaluator', role: 'observer', organisationId: null });
    for (const w of writers) room.join(w.socket);
    room.join(watcher);
    const catchUp = (w: (typeof writers)[number]) => {
      for (; w.read < w.socket.received.length; w.read++) {
        const decoder = decoding.createDecoder(w.socket.received[w.read]);
        if (decoding.readVarUint(decoder) !== YMessage.sync) continue;
        const subtype = decoding.readVarUint(decoder);
        if (subtype === YSyncMessage.update || subtype === YSyncMessage.step2) Y.applyUpdate(w.client.doc, decoding.readVarUint8Array(decoder));
      }
    };
    for (let step = 0; step < 600; step++) {
      const w = pick(writers);
      if (random() < 0.5) catchUp(w);
      const place = pick(w.places);
      const roll = random();
      const change =
        roll < 0.6
          ? { remarks: `stap ${step}` }
          : roll < 0.75
            ? { impact: pick(['minor', 'major', 'critical'] as const), remarks: `stap ${step}` }
            : roll < 0.85
              ? { remarks: null } // a deletion without a new value: applied, not held
              : { bedsFree: step };
      if (change.remarks === null && readReport(w.client.doc, place).remarks === undefined) continue;
      let frame: Uint8Array;
      if (random() < 0.1) {
        // Two changes made offline, sent as one update.
        const both: Uint8Array[] = [];
        const keep = (u: Uint8Array) => both.push(u);
        w.client.doc.on('update', keep);
        setReport(w.client.doc, place, { remarks: `offline ${step}` });
        setReport(w.client.doc, place, { remarks: `offline ${step} bis`, operation: 'limited' });
        w.client.doc.off('update', keep);
        frame = updateFrame(Y.mergeUpdates(both));
      } else {
        frame = w.client.change((d) => setReport(d, place, change));
      }
      room.receive(w.socket, frame);
      // One to four frames per turn; now and then the document is read in between.
      if (random() < 0.4) {
        await endOfTurn();
      }
      if (random() < 0.05) readReport(room.doc, place);
    }
    await endOfTurn();

    expect([...writers.map((w) => w.socket.closedWith), watcher.closedWith]).toEqual([null, null, null, null, null]);
    expect(logs.filter((l) => l.startsWith('BUG'))).toEqual([]);
    const board = room.doc.getMap('reports').toJSON();
    // The server kept its clientID: its stamps applied from held updates are its own.
    expect(room.doc.clientID).toBe(serverId);
    // The log gives the same board, and so does what each socket was sent.
    expect(replayRecords(records(), () => {}).doc.getMap('reports').toJSON()).toEqual(board);
    expect(seenBy(watcher, start).getMap('reports').toJSON()).toEqual(board);
    for (const w of writers) {
      catchUp(w);
      expect(w.client.doc.getMap('reports').toJSON()).toEqual(board);
    }
    // Each change's event names the values the board had right after it: a held change whose
    // value would lose to one it overlaps must not be held (its event would name its own value).
    const step = new Y.Doc();
    let events = 0;
    for (const record of records()) {
      if (record.type === RecordType.update) Y.applyUpdate(step, record.payload);
      if (record.type !== RecordType.event) continue;
      const event = JSON.parse(new TextDecoder().decode(record.payload)) as RecordedEvent;
      if (event.type !== 'changed') continue;
      for (const report of event.reports) {
        const now = readReport(step, report.locationId) as Record<string, unknown>;
        expect(Object.fromEntries(Object.keys(report.fields).map((f) => [f, now[f] ?? null]))).toEqual(report.fields);
        events++;
      }
    }
    expect(events).toBeGreaterThan(400);
    // Held and applied together: far fewer transactions than accepted changes (each change applied
    // at once would take one, and a turn with several at least one).
    const accepted = records().filter((r) => r.type === RecordType.update && r.user !== 'server').length;
    expect(accepted).toBeGreaterThan(400);
    expect(transactions).toBeLessThan(accepted * 0.6);
    // Every change is stamped with its author.
    const stamped = own.filter((id) => readReport(room.doc, id).stamp);
    expect(stamped.length).toBeGreaterThan(0);
    for (const id of [...own, ...foreign]) {
      const report = readReport(room.doc, id);
      if (report.remarks !== undefined || report.bedsFree !== undefined) expect(report.stamp?.by).toMatch(/^(k1|k2|ghor)$/);
    }
  });

  it('are applied right after the turn that sent them', async () => {
    let transactions = 0;
    room.doc.on('afterTransaction', () => transactions++);
    const k1 = coordinator('k1');
    room.join(k1);
    const a = clientOf(room);
    room.receive(k1, a.change((d) => setReport(d, own[0], { impact: 'major' })));
    await endOfTurn();
    // Sent, not applied yet.
    expect(k1.received.length).toBeGreaterThan(0);
    expect(transactions).toBe(0);
    await endOfTurn();
    expect(transactions).toBe(1);
    expect(readReport(room.doc, own[0])).toMatchObject({ impact: 'major', stamp: { by: 'k1' } });
  });

  it('wait for more where applying is costly, and are applied together when nobody reads the document', async () => {
    room.close();
    // Every application counts as costly here; in a long incident it is (milliseconds a transaction).
    room = await openTestRoom({ incidentId, dataDir, network, logs, holding: { costlyMs: 0, waitMs: 30 } });
    let transactions = 0;
    room.doc.on('afterTransaction', () => transactions++);
    const [k1, k2] = [coordinator('k1'), coordinator('k2')];
    room.join(k1);
    room.join(k2);
    const [a, b] = [clientOf(room), clientOf(room)];
    room.receive(k1, a.change((d) => setReport(d, own[0], { impact: 'major' })));
    await endOfTurn();
    await endOfTurn();
    room.receive(k2, b.change((d) => setReport(d, own[1], { impact: 'minor' })));
    await endOfTurn();
    await endOfTurn();
    // Both sent at once, neither applied yet.
    expect(k1.received.length).toBeGreaterThanOrEqual(2);
    expect(transactions).toBe(0);
    await waitFor(() => transactions === 1, { what: 'the held changes applied' });
    const updates = records().filter((r) => r.type === RecordType.update && r.user !== 'server');
    expect(updates.map((r) => r.user)).toEqual(['u-k1', 'u-k2']);
    expect(readReport(room.doc, own[0])).toMatchObject({ impact: 'major', stamp: { by: 'k1' } });
    expect(readReport(room.doc, own[1])).toMatchObject({ impact: 'minor', stamp: { by: 'k2' } });
    expect(transactions).toBe(1);
  });

  it('wait longer the costlier applying them was, up to the most allowed', async () => {
    room.close();
    // A share so small that any application counts as very costly: the next wait is the longest.
    room = await openTestRoom({ incidentId, dataDir, network, logs, holding: { costlyMs: 0, waitMs: 5, share: 1e-9, maxWaitMs: 1000 } });
    let transactions = 0;
    room.doc.on('afterTransaction', () => transactions++);
    const k1 = coordinator('k1');
    room.join(k1);
    const a = clientOf(room);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      room.receive(k1, a.change((d) => setReport(d, own[0], { impact: 'major' })));
      await endOfTurn();
      await endOfTurn();
      expect(transactions).toBe(0);
      // Nothing was applied before: the least wait. No broadcast follows it: applied after as long again.
      vi.advanceTimersByTime(5);
      expect(transactions).toBe(0);
      vi.advanceTimersByTime(5);
      expect(transactions).toBe(1);
      room.receive(k1, a.change((d) => setReport(d, own[0], { impact: 'minor' })));
      await endOfTurn();
      await endOfTurn();
      vi.advanceTimersByTime(1000);
      expect(transactions).toBe(1);
      vi.advanceTimersByTime(999);
      expect(transactions).toBe(1);
      vi.advanceTimersByTime(1);
      expect(transactions).toBe(2);
    } finally {
      vi.useRealTimers();
    }
    expect(readReport(room.doc, own[0])).toMatchObject({ impact: 'minor', stamp: { by: 'k1' } });
  });

  it('once their wait is over, are applied right after the next broadcast, with the update it sent', async () => {
    room.close();
    room = await openTestRoom({ incidentId, dataDir, network, logs, holding: { costlyMs: 0, waitMs: 5, share: 1e-9, maxWaitMs: 1000 } });
    const k1 = coordinator('k1');
    const reader = coordinator('reader');
    room.join(k1);
    room.join(reader);
    const a = clientOf(room);
    // What the reader had been sent when each transaction ended.
    const sentAtTransaction: number[] = [];
    room.doc.on('afterTransaction', () => sentAtTransaction.push(reader.received.length));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      room.receive(k1, a.change((d) => setReport(d, own[0], { impact: 'major' })));
      await endOfTurn();
      await endOfTurn();
      vi.advanceTimersByTime(5);
      expect(sentAtTransaction).toEqual([]);
      const before = reader.received.length;
      room.receive(k1, a.change((d) => setReport(d, own[1], { impact: 'minor' })));
      await endOfTurn();
      await endOfTurn();
      // One transaction for both, after the second went out; no timer was needed.
      expect(sentAtTransaction).toEqual([before + 1]);
    } finally {
      vi.useRealTimers();
    }
    expect(readReport(room.doc, own[0])).toMatchObject({ impact: 'major', stamp: { by: 'k1' } });
    expect(readReport(room.doc, own[1])).toMatchObject({ impact: 'minor', stamp: { by: 'k1' } });
  });

  it('are not taken for what the gate refuses, nor for needs: those are judged as before', async () => {
    const [k1, k2] = [coordinator('k1'), coordinator('k2')];
    room.join(k1);
    room.join(k2);
    const [a, b] = [clientOf(room), clientOf(room)];
    room.receive(k1, a.change((d) => setReport(d, own[0], { impact: 'major' })));
    room.receive(k1, a.change((d) => addNeed(d, { id: 'need-held', organisationId: organisation.id, locationId: own[0], kind: 'power', urgency: 'high', status: 'open', createdBy: 'k1', createdAt: new Date().toISOString() })));
    room.receive(k2, b.change((d) => setReport(d, foreign[0], { impact: 'major' })));
    await endOfTurn();
    expect(k1.closedWith).toBeNull();
    expect(k2.closedWith).not.toBeNull();
    expect(readReport(room.doc, own[0])).toMatchObject({ impact: 'major', stamp: { by: 'k1' } });
    expect(readReport(room.doc, foreign[0]).impact).toBeUndefined();
    expect((room.doc.getMap('needs').get('need-held') as Y.Map<unknown>).get('stamp')).toMatchObject({ by: 'k1' });
    expect(replayRecords(records(), () => {}).doc.getMap('reports').toJSON()).toEqual(room.doc.getMap('reports').toJSON());
  });
});
