import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateDemoRegion } from '../shared/demo-region';
import { addNeed, initIncidentDoc, readNeeds, readReport, setReport, updateNeed } from '../shared/incident-doc';
import type { NeedKind } from '../shared/board-schema';
import type { RecordedEvent } from '../shared/recorded-event';
import { CloseCodes } from '../shared/wire';
import { RecordType, readLogFile, incidentLogFile } from '../server/recorder/incident-log';
import { IncidentRoom } from '../server/yjs/incident-room';
import { replayRecords } from '../server/recorder/replay-state';
import { DEFAULT_WRITE_BUDGET, WriteBudget } from '../server/yjs/write-budget';
import { clientOf, endOfTurn, openTestRoom, seenBy, socketOf } from './helpers/room-sockets';
import { waitFor } from './helpers/wait-for';

// The room on its own, with in-memory sockets (tests/helpers/room-sockets.ts): the frames below
// reach it within one turn of the event loop. They wait for the turn's end and are applied in one
// Yjs transaction (docs/architecture.md, "Per-update work").

const network = generateDemoRegion();
const organisation = network.organisations.find((o) => network.locations.filter((l) => l.organisationId === o.id).length >= 2)!;
const [ownA, ownB] = network.locations.filter((l) => l.organisationId === organisation.id).map((l) => l.id);
const foreign = network.locations.find((l) => l.organisationId !== organisation.id)!.id;
const incidentId = 'inc-together';

const staff = () => socketOf({ id: 'u-ghor', username: 'ghor', displayName: 'GHOR', role: 'ghor', organisationId: null });
const first = () => socketOf({ id: 'u-k1', username: 'k1', displayName: 'K1', role: 'coordinator', organisationId: organisation.id });
const second = () => socketOf({ id: 'u-k2', username: 'k2', displayName: 'K2', role: 'coordinator', organisationId: organisation.id });
const observer = () => socketOf({ id: 'u-obs', username: 'observer', displayName: 'Evaluator', role: 'observer', organisationId: null });

describe('updates that arrive together', () => {
  let dataDir: string;
  let room: IncidentRoom;
  let logs: string[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zorgbeeld-together-'));
    logs = [];
    room = await openTestRoom({ incidentId, dataDir, network, logs });
  });

  afterEach(() => {
    room.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const records = () => readLogFile(incidentLogFile(dataDir, incidentId)).records;
  const eventOf = (record: { payload: Uint8Array }) => JSON.parse(new TextDecoder().decode(record.payload)) as RecordedEvent;
  const changedEvents = () =>
    records()
      .filter((r) => r.type === RecordType.event)
      .map(eventOf)
      .filter((e): e is Extract<RecordedEvent, { type: 'changed' }> => e.type === 'changed');
  /** How many structs of each client the log's updates hold, added up over the updates. */
  const structsRecorded = () => {
    const recorded = new Map<number, number>();
    for (const r of records().filter((r) => r.type === RecordType.update)) {
      const { from, to } = Y.parseUpdateMeta(r.payload);
      for (const [client, clock] of to) recorded.set(client, (recorded.get(client) ?? 0) + clock - (from.get(client) ?? 0));
    }
    return recorded;
  };
  const structsOf = (doc: Y.Doc) => new Map([...doc.store.clients.keys()].map((client) => [client, Y.getState(doc.store, client)]));

  it('applies them in one transaction, yet judges, stamps, records and sends each on its own', async () => {
    const ghor = staff();
    const k2 = second();
    const watcher = observer();
    for (const socket of [ghor, k2, watcher]) room.join(socket);
    const start = Y.encodeStateAsUpdate(room.doc);
    const g = clientOf(room);
    const k = clientOf(room);
    let transactions = 0;
    room.doc.on('afterTransaction', () => transactions++);

    // A lone change of a report goes out once recorded, before it is applied at all (held).
    room.receive(ghor, g.change((d) => setReport(d, foreign, { remarks: 'g0' })));
    await endOfTurn();
    expect(transactions).toBe(0);
    expect(readReport(seenBy(watcher, start), foreign)).toMatchObject({ remarks: 'g0', stamp: { by: 'ghor' } });
    // Reading the document applies what is held.
    expect(readReport(room.doc, foreign)).toMatchObject({ remarks: 'g0', stamp: { by: 'ghor' } });
    expect(transactions).toBe(1);
    transactions = 0;

    room.receive(ghor, g.change((d) => setReport(d, foreign, { remarks: 'g1' })));
    room.receive(k2, k.change((d) => setReport(d, ownA, { remarks: 'k1' })));
    room.receive(ghor, g.change((d) => setReport(d, foreign, { remarks: 'g2' })));
    room.receive(ghor, g.change((d) => setReport(d, foreign, { remarks: 'g3', impact: 'minor' })));
    room.receive(k2, k.change((d) => setReport(d, ownB, { operation: 'limited' })));
    await endOfTurn();

    // All five came in one turn, all changes of report fields: held, each on its own, and
    // applied together in one transaction once the document is read.
    expect(transactions).toBe(0);
    expect(readReport(room.doc, foreign).remarks).toBe('g3');
    expect(transactions).toBe(1);
    expect(readReport(room.doc, foreign)).toMatchObject({ remarks: 'g3', impact: 'minor', stamp: { by: 'ghor', onBehalf: true } });
    expect(readReport(room.doc, ownA)).toMatchObject({ remarks: 'k1', stamp: { by: 'k2', onBehalf: false } });
    expect(readReport(room.doc, ownB)).toMatchObject({ operation: 'limited', stamp: { by: 'k2' } });
    // Each update recorded with its author, and its change with the values it gave, not the last ones.
    const updates = records().filter((r) => r.type === RecordType.update && r.user !== 'server');
    expect(updates.map((r) => r.user)).toEqual(['u-ghor', 'u-ghor', 'u-k2', 'u-ghor', 'u-ghor', 'u-k2']);
    expect(changedEvents().map((e) => [e.username, e.reports.map((r) => r.fields)])).toEqual([
      ['ghor', [{ remarks: 'g0' }]],
      ['ghor', [{ remarks: 'g1' }]],
      ['k2', [{ remarks: 'k1' }]],
      ['ghor', [{ remarks: 'g2' }]],
      ['ghor', [{ remarks: 'g3', impact: 'minor' }]],
      ['k2', [{ operation: 'limited' }]],
    ]);
    // Every struct is recorded once, in the update that made it: none twice, none missing.
    expect(structsRecorded()).toEqual(structsOf(room.doc));
    // Every recorded update holds its own stamps: replaying the log gives the room's document.
    const replayed = replayRecords(records(), () => {});
    expect(replayed.doc.getMap('reports').toJSON()).toEqual(room.doc.getMap('reports').toJSON());
    // And what went out gives everyone the same board.
    for (const socket of [ghor, k2, watcher]) expect(seenBy(socket, start).getMap('reports').toJSON()).toEqual(room.doc.getMap('reports').toJSON());
    expect([ghor, k2, watcher].map((s) => s.closedWith)).toEqual([null, null, null]);
  });

  // Needs cannot be held: the gate judges them on the document after applying. They take the
  // transaction's path, which must keep the same promises.
  it('applies changes that cannot be held (needs) in one transaction, yet records each with its change and sends it on its own', async () => {
    const ghor = staff();
    const k1 = first();
    const k2 = second();
    const watcher = observer();
    for (const socket of [ghor, k1, k2, watcher]) room.join(socket);
    const start = Y.encodeStateAsUpdate(room.doc);
    const [a, b, g] = [clientOf(room), clientOf(room), clientOf(room)];
    let transactions = 0;
    room.doc.on('afterTransaction', () => transactions++);
    const need = (id: string, by: string, locationId: string, kind: NeedKind) => ({ id, organisationId: organisation.id, locationId, kind, urgency: 'high' as const, status: 'open' as const, createdBy: by, createdAt: new Date().toISOString() });

    // A lone one goes out once recorded, while its transaction is still open.
    let sentDuringTransaction: boolean | null = null;
    const send = watcher.send;
    watcher.send = (message) => {
      sentDuringTransaction ??= transactions === 0;
      send(message);
    };
    room.receive(k1, a.change((d) => addNeed(d, need('need-a', 'k1', ownA, 'power'))));
    await endOfTurn();
    expect(sentDuringTransaction).toBe(true);
    expect(transactions).toBe(1);
    transactions = 0;

    room.receive(k2, b.change((d) => addNeed(d, need('need-b', 'k2', ownB, 'water'))));
    room.receive(k1, a.change((d) => updateNeed(d, 'need-a', { urgency: 'immediate', quantity: 2 })));
    room.receive(ghor, g.change((d) => addNeed(d, need('need-g', 'ghor', ownB, 'transport'))));
    room.receive(k2, b.change((d) => updateNeed(d, 'need-b', { status: 'cancelled' })));
    await endOfTurn();

    expect(transactions).toBe(1);
    const needs = new Map(readNeeds(room.doc).map((n) => [n.id, n]));
    expect(needs.get('need-a')).toMatchObject({ urgency: 'immediate', quantity: 2, stamp: { by: 'k1' } });
    expect(needs.get('need-b')).toMatchObject({ status: 'cancelled', stamp: { by: 'k2' } });
    expect(needs.get('need-g')).toMatchObject({ kind: 'transport', stamp: { by: 'ghor', onBehalf: true } });
    // Each update recorded with its author and, in the same write, the change it made.
    const written = records().filter((r) => (r.type === RecordType.update && r.user !== 'server') || r.type === RecordType.event);
    const told = written.flatMap((r) => {
      if (r.type === RecordType.update) return [`update ${r.user}`];
      const event = eventOf(r);
      return event.type === 'changed' ? [`changed ${event.username} ${event.needs.map((n) => `${n.needId}:${Object.keys(n.fields).sort().join(',')}`).join(' ')}`] : [];
    });
    expect(told).toEqual([
      'update u-k1',
      'changed k1 need-a:createdAt,createdBy,id,kind,locationId,organisationId,status,urgency',
      'update u-k2',
      'changed k2 need-b:createdAt,createdBy,id,kind,locationId,organisationId,status,urgency',
      'update u-k1',
      'changed k1 need-a:quantity,urgency',
      'update u-ghor',
      'changed ghor need-g:createdAt,createdBy,id,kind,locationId,organisationId,status,urgency',
      'update u-k2',
      'changed k2 need-b:status',
    ]);
    // Every struct is recorded once, in the update that made it: none twice, none missing.
    expect(structsRecorded()).toEqual(structsOf(room.doc));
    expect(replayRecords(records(), () => {}).doc.getMap('needs').toJSON()).toEqual(room.doc.getMap('needs').toJSON());
    for (const socket of [ghor, k1, k2, watcher]) expect(seenBy(socket, start).getMap('needs').toJSON()).toEqual(room.doc.getMap('needs').toJSON());
    expect([ghor, k1, k2, watcher].map((s) => s.closedWith)).toEqual([null, null, null, null]);
  });

  it('undoes one that only applying can refuse, keeps those before it, and goes on with those after it', async () => {
    const k1 = first();
    const ghor = staff();
    const k2 = second();
    const watcher = observer();
    for (const socket of [ghor, k1, k2, watcher]) room.join(socket);
    const k = clientOf(room);
    const needId = 'need-together';
    room.receive(k1, k.change((d) => addNeed(d, { id: needId, organisationId: organisation.id, locationId: ownA, kind: 'power', urgency: 'high', status: 'open', createdBy: 'k1', createdAt: new Date().toISOString() })));
    await endOfTurn();
    expect(readNeeds(room.doc).map((n) => n.kind)).toEqual(['power']);
    const start = Y.encodeStateAsUpdate(room.doc);
    for (const socket of [ghor, k1, k2, watcher]) socket.received.length = 0;
    const g = clientOf(room);
    const other = clientOf(room);
    const rebuildsBefore = logs.filter((l) => l.includes('rebuilt')).length;

    room.receive(ghor, g.change((d) => setReport(d, foreign, { remarks: 'before' })));
    room.receive(k2, other.change((d) => setReport(d, ownA, { remarks: 'waited' })));
    // Leaves the need without its kind: only the document after applying shows that.
    room.receive(k1, k.change((d) => updateNeed(d, needId, { kind: null })));
    room.receive(k1, k.change((d) => setReport(d, ownB, { remarks: 'after a refusal of the same client' })));
    room.receive(ghor, g.change((d) => setReport(d, foreign, { remarks: 'after' })));
    await endOfTurn();

    expect(k1.closedWith).toBe(CloseCodes.Invalid);
    expect([ghor.closedWith, k2.closedWith, watcher.closedWith]).toEqual([null, null, null]);
    expect(logs.filter((l) => l.includes('rebuilt')).length).toBe(rebuildsBefore + 1);
    expect(readNeeds(room.doc).map((n) => n.kind)).toEqual(['power']);
    expect(readReport(room.doc, ownA)).toMatchObject({ remarks: 'waited', stamp: { by: 'k2' } });
    expect(readReport(room.doc, ownB).remarks).toBeUndefined();
    expect(readReport(room.doc, foreign)).toMatchObject({ remarks: 'after', stamp: { by: 'ghor' } });
    const updates = records().filter((r) => r.type === RecordType.update && r.user !== 'server');
    expect(updates.map((r) => r.user)).toEqual(['u-k1', 'u-ghor', 'u-k2', 'u-ghor']);
    const replayed = replayRecords(records(), () => {});
    expect(replayed.doc.getMap('reports').toJSON()).toEqual(room.doc.getMap('reports').toJSON());
    expect(replayed.doc.getMap('needs').toJSON()).toEqual(room.doc.getMap('needs').toJSON());
    // Nobody was sent the refused change; the updates after it went out at the end of the turn.
    const seen = await waitFor(
      () => {
        const doc = seenBy(watcher, start);
        return readReport(doc, foreign).remarks === 'after' ? doc : null;
      },
      { what: 'the updates after the refusal sent' },
    );
    expect(readNeeds(seen).map((n) => n.kind)).toEqual(['power']);
    expect(seen.getMap('reports').toJSON()).toEqual(room.doc.getMap('reports').toJSON());
  });

  it('records each change with its update, at the same moment, so that a seek to the change finds the update', async () => {
    // A clock that moves on at every reading: a change written at another moment than its update shows.
    let tick = 0;
    const ticking = () => new Date(Date.UTC(2026, 11, 4, 12) + tick++);
    const dir = mkdtempSync(join(tmpdir(), 'zorgbeeld-together-clock-'));
    const timed = new IncidentRoom({ incidentId, dataDir: dir, network, now: ticking, log: () => {}, readOnly: () => false, budget: new WriteBudget(DEFAULT_WRITE_BUDGET, Date.now) });
    try {
      await timed.serverChange((doc) => initIncidentDoc(doc, network.locations.map((l) => l.id)));
      await endOfTurn();
      const ghor = staff();
      timed.join(ghor);
      const g = clientOf(timed);
      timed.receive(ghor, g.change((d) => setReport(d, foreign, { impact: 'critical' })));
      await endOfTurn();
      const all = readLogFile(incidentLogFile(dir, incidentId)).records;
      const at = all.findIndex((r) => r.type === RecordType.event && (JSON.parse(new TextDecoder().decode(r.payload)) as RecordedEvent).type === 'changed');
      expect(at).toBeGreaterThan(0);
      const [update, change] = [all[at - 1], all[at]];
      expect(update).toMatchObject({ type: RecordType.update, user: 'u-ghor' });
      expect(change.time).toBe(update.time);
      // The state at the change's moment, as the review's seek builds it, holds the update.
      const upTo = replayRecords(all.filter((r) => r.time <= change.time), () => {});
      expect(readReport(upTo.doc, foreign).impact).toBe('critical');
    } finally {
      timed.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
