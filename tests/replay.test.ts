import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IMPACTS, NEED_STATUSES, PICTURE_TEXTS, type Need } from '../shared/board-schema';
import {
  addLogbookEntry,
  addNeed,
  editPictureText,
  initIncidentDoc,
  readAreas,
  readNeeds,
  readPicture,
  readReports,
  removeArea,
  setArea,
  setReport,
  updateNeed,
  logbookRoot,
} from '../shared/incident-doc';
import { SeededRandom } from '../shared/random';
import { Replay, type ReplayRecord } from '../shared/replay';
import { ReplayIndex, type PlainState } from '../shared/replay-index';

const LOCATIONS = Array.from({ length: 30 }, (_, i) => `loc-${i}`);
const WORDS = ['stroom', 'uitval', 'water', 'evacuatie', 'bedden', 'aggregaat', 'beademing', ' ', '. '];

/**
 * A session of three writers whose updates reach the server in a random, interleaved order (so
 * edits are concurrent), recorded the way the server records: every update it applies, with a
 * checkpoint now and then.
 */
function recordSession(seed: number, steps: number): ReplayRecord[] {
  const random = new SeededRandom(seed);
  const server = new Y.Doc();
  const records: ReplayRecord[] = [];
  let time = Date.parse('2026-03-01T10:00:00Z');
  server.on('update', (update: Uint8Array) => records.push({ time, kind: 'update', payload: update }));
  initIncidentDoc(server, LOCATIONS);
  const writers = [0, 1, 2].map(() => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
    const outbox: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'server') outbox.push(update);
    });
    return { doc, outbox };
  });
  const needIds: string[] = [];
  for (let step = 0; step < steps; step++) {
    time += random.int(0, 3) === 0 ? 0 : random.int(1, 90000);
    const { doc } = random.pick(writers);
    const action = random.int(0, 9);
    if (action <= 3) {
      setReport(doc, random.pick(LOCATIONS), {
        impact: random.pick(IMPACTS),
        bedsFree: random.int(0, 3) === 0 ? null : random.int(0, 40),
        remarks: random.int(0, 2) === 0 ? null : `melding ${step}`,
      });
    } else if (action === 4) {
      const id = `need-${step}`;
      needIds.push(id);
      addNeed(doc, { id, organisationId: 'org-1', locationId: random.pick(LOCATIONS), kind: 'power', urgency: 'high', status: 'open', createdBy: 'u', createdAt: new Date(time).toISOString() });
    } else if (action === 5 && needIds.length > 0) {
      const id = random.pick(needIds);
      if (doc.getMap<Y.Map<unknown>>('needs').has(id)) updateNeed(doc, id, { status: random.pick(NEED_STATUSES), handledBy: random.int(0, 1) ? 'Rode Kruis' : null });
    } else if (action === 6) {
      const key = random.pick(PICTURE_TEXTS);
      const current = readPicture(doc)[key];
      const cut = random.int(0, current.length);
      const removed = random.int(0, Math.min(12, current.length - cut));
      editPictureText(doc, key, current.slice(0, cut) + (random.int(0, 3) === 0 ? '' : random.pick(WORDS)) + current.slice(cut + removed));
    } else if (action === 7) {
      const id = `area-${random.int(0, 4)}`;
      if (random.int(0, 2) === 0) removeArea(doc, id);
      else setArea(doc, id, { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[5, 51], [5.1, 51], [5.1, 51.1], [5, 51]]] }, properties: { name: `gebied ${step}`, createdBy: 'u', createdAt: new Date(time).toISOString() } });
    } else if (action === 8) {
      addLogbookEntry(doc, { id: `log-${step}`, at: new Date(time).toISOString(), by: 'u', text: `regel ${step}` });
    }
    // Now and then a writer's queued updates reach the server, and the server's state reaches it.
    for (const writer of writers) {
      if (random.int(0, 2) !== 0) continue;
      for (const update of writer.outbox.splice(0)) Y.applyUpdate(server, update, 'client');
      Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(writer.doc)), 'server');
    }
    if (step % 97 === 96) records.push({ time, kind: 'checkpoint', payload: Y.encodeStateAsUpdateV2(server) });
  }
  return records;
}

/** Both states as comparable plain data (needs in a fixed order). */
function fromYjs(doc: Y.Doc) {
  return {
    reports: Object.fromEntries(readReports(doc)),
    needs: readNeeds(doc).sort((a, b) => a.id.localeCompare(b.id)),
    picture: readPicture(doc),
    areas: Object.fromEntries(readAreas(doc).map((a) => [a.id, a.feature])),
    logbook: logbookRoot(doc).toArray(),
  };
}
function fromPlain(state: PlainState) {
  return {
    reports: Object.fromEntries(state.reports),
    needs: [...state.needs.values()].sort((a: Need, b: Need) => a.id.localeCompare(b.id)),
    picture: state.picture,
    areas: Object.fromEntries(state.areas),
    logbook: [...state.logbook],
  };
}

describe('replay index (plain values for seeking)', () => {
  for (const seed of [1, 2, 3]) {
    it(`agrees with the Yjs replay at every moment of a concurrent session (seed ${seed})`, () => {
      const records = recordSession(seed, 1500);
      const replay = new Replay(records);
      const index = new ReplayIndex(records);
      const random = new SeededRandom(seed * 31);
      const { start, end } = replay.span;
      // Every record boundary near a snapshot, plus random moments, plus before the start.
      const moments = [start - 1, start, end, end + 1, ...records.filter((_, i) => i % 250 < 3 || i % 500 > 497).map((r) => r.time)];
      for (let i = 0; i < 60; i++) moments.push(start + Math.floor(random.next() * (end - start)));
      let differentMoments = 0;
      let previous = '';
      for (const t of moments) {
        const doc = replay.stateAt(t);
        const expected = fromYjs(doc);
        doc.destroy();
        expect(fromPlain(index.plainAt(t)), `state at ${new Date(t).toISOString()}`).toEqual(expected);
        const json = JSON.stringify(expected);
        if (json !== previous) differentMoments++;
        previous = json;
      }
      // The session really changes over time, and the picture texts were really edited.
      expect(differentMoments).toBeGreaterThan(20);
      expect(Object.values(fromPlain(index.plainAt(end)).picture).join('').length).toBeGreaterThan(20);
    });
  }

  it('reads a growing log in pieces with the same result as at once', () => {
    const records = recordSession(9, 800);
    const whole = new ReplayIndex(records);
    const grown = new ReplayIndex();
    for (let from = 0; from < records.length; from += 137) grown.append(records.slice(from, from + 137));
    expect(grown.length).toBe(records.length);
    for (const record of records.filter((_, i) => i % 40 === 0)) expect(fromPlain(grown.plainAt(record.time))).toEqual(fromPlain(whole.plainAt(record.time)));
  });

  it('hands out copies: changing a returned state does not change the next seek', () => {
    const records = recordSession(4, 600);
    const index = new ReplayIndex(records);
    const t = records[records.length - 1].time;
    const first = index.plainAt(t);
    const before = JSON.stringify(fromPlain(first));
    first.reports.clear();
    first.picture.picture = 'weg';
    expect(JSON.stringify(fromPlain(index.plainAt(t)))).toBe(before);
  });
});
