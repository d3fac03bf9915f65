import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addLogbookEntry, addNeed, editPictureText, readReport, reportsRoot, setArea, setReport, updateNeed } from '../shared/incident-doc';
import { CloseCodes } from '../shared/wire';
import { RecordType } from '../server/recorder/incident-log';
import { HttpClient } from './helpers/http-client';
import { openRawBoard } from './helpers/raw-board';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { connectBoard } from './helpers/yjs-client';

let server: TestServer;
let incidentId: string;
const cookies: Record<string, string> = {};
let ownOrg: string;
let ownLocation: string;
let otherLocation: string;
let otherOrg: string;
let watcher: ReturnType<typeof connectBoard>;

const updateCount = async () => (await server.records(incidentId)).filter((r) => r.type === RecordType.update).length;
const serverDoc = async () => (await server.server.rooms.get(incidentId))!.doc;
let counter = 0;
const uid = () => `t${++counter}`;

beforeAll(async () => {
  server = await startServer();
  for (const [name, password] of [['admin', ADMIN_PASSWORD], ['ghor', DEMO_PASSWORD], ['coordinator', DEMO_PASSWORD], ['observer', DEMO_PASSWORD]]) {
    cookies[name] = (await new HttpClient(server.url).signIn(name, password)).cookie;
  }
  const ghor = new HttpClient(server.url);
  ghor.cookie = cookies.ghor;
  incidentId = (await ghor.post('/api/incidents', { title: 'Gate', grip: 2 })).body.data.id;
  const coordinator = new HttpClient(server.url);
  coordinator.cookie = cookies.coordinator;
  ownOrg = (await coordinator.get('/api/me')).body.data.organisationId;
  const { network } = (await ghor.get(`/api/incidents/${incidentId}`)).body.data;
  ownLocation = network.locations.find((l: { organisationId: string }) => l.organisationId === ownOrg).id;
  const other = network.locations.find((l: { organisationId: string }) => l.organisationId !== ownOrg);
  otherLocation = other.id;
  otherOrg = other.organisationId;
  watcher = connectBoard(server.url, incidentId, cookies.ghor);
  await watcher.synced();
});

afterAll(async () => {
  watcher.destroy();
  await server.close();
});

type Role = 'admin' | 'ghor' | 'coordinator' | 'observer';
interface Case {
  name: string;
  allowed: Role[];
  write: (doc: Y.Doc, role: Role) => void;
  /** How the watcher (and the server) would see the write. */
  seen: (doc: Y.Doc) => boolean;
}

const need = (id: string, organisationId: string, by: string) => ({
  id,
  organisationId,
  kind: 'transport' as const,
  urgency: 'high' as const,
  status: 'open' as const,
  createdBy: by,
  createdAt: new Date().toISOString(),
});

const cases: Case[] = [
  {
    name: 'report of its own location',
    allowed: ['admin', 'ghor', 'coordinator'],
    write: (doc, role) => setReport(doc, ownLocation, { remarks: `own by ${role}` }),
    seen: (doc) => (readReport(doc, ownLocation).remarks ?? '').startsWith('own by observer'),
  },
  {
    name: 'report of another organisation’s location',
    allowed: ['admin', 'ghor'],
    write: (doc, role) => setReport(doc, otherLocation, { remarks: `other by ${role}` }),
    seen: (doc) => ['other by coordinator', 'other by observer'].includes(readReport(doc, otherLocation).remarks ?? ''),
  },
  {
    name: 'a stamp',
    allowed: [],
    write: (doc, role) => doc.transact(() => reportsRoot(doc).get(ownLocation)!.set('stamp', { by: role, byName: 'x', organisationId: null, onBehalf: false, at: '2020-01-01T00:00:00Z' })),
    seen: (doc) => readReport(doc, ownLocation).stamp?.at === '2020-01-01T00:00:00Z',
  },
  {
    name: 'a new report map',
    allowed: [],
    write: (doc) => reportsRoot(doc).set(ownLocation, new Y.Map()),
    seen: () => false,
  },
  {
    name: 'the situation picture',
    allowed: ['admin', 'ghor'],
    write: (doc, role) => editPictureText(doc, 'assessment', `assessment by ${role}`),
    seen: (doc) => ['assessment by coordinator', 'assessment by observer'].includes(doc.getMap<Y.Text>('picture').get('assessment')!.toString()),
  },
  {
    name: 'a logbook entry',
    allowed: ['admin', 'ghor'],
    write: (doc, role) => addLogbookEntry(doc, { id: uid(), at: new Date().toISOString(), by: role, text: `entry by ${role}` }),
    seen: (doc) => doc.getArray<{ text: string }>('logbook').toArray().some((e) => ['entry by coordinator', 'entry by observer'].includes(e.text)),
  },
  {
    name: 'a logbook entry in someone else’s name',
    allowed: [],
    write: (doc, role) => addLogbookEntry(doc, { id: uid(), at: new Date().toISOString(), by: role === 'ghor' ? 'admin' : 'ghor', text: `forged by ${role}` }),
    seen: (doc) => doc.getArray<{ text: string }>('logbook').toArray().some((e) => e.text.startsWith('forged by')),
  },
  {
    name: 'deleting a logbook entry',
    allowed: [],
    write: (doc) => {
      const entries = doc.getArray<{ text: string }>('logbook');
      entries.delete(entries.toArray().findIndex((e) => e.text === 'entry by admin'), 1);
    },
    seen: (doc) => !doc.getArray<{ text: string }>('logbook').toArray().some((e) => e.text === 'entry by admin'),
  },
  {
    name: 'an area',
    allowed: ['admin', 'ghor'],
    write: (doc, role) =>
      setArea(doc, `area-${role}`, {
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [[[5.6, 50.8], [5.8, 50.8], [5.8, 50.9], [5.6, 50.8]]] },
        properties: { name: `area by ${role}`, createdBy: role, createdAt: new Date().toISOString() },
      }),
    seen: (doc) => doc.getMap('areas').has('area-coordinator') || doc.getMap('areas').has('area-observer'),
  },
  {
    name: 'a need of its own organisation',
    allowed: ['admin', 'ghor', 'coordinator'],
    write: (doc, role) => addNeed(doc, need(`need-own-${role}`, ownOrg, role)),
    seen: (doc) => doc.getMap('needs').has('need-own-observer'),
  },
  {
    name: 'a need of another organisation',
    allowed: ['admin', 'ghor'],
    write: (doc, role) => addNeed(doc, need(`need-other-${role}`, otherOrg, role)),
    seen: (doc) => doc.getMap('needs').has('need-other-coordinator') || doc.getMap('needs').has('need-other-observer'),
  },
  {
    name: 'GHOR handling fields of its own need',
    allowed: ['admin', 'ghor'],
    write: (doc, role) => updateNeed(doc, 'need-own-ghor', { handledBy: `handled by ${role}` }),
    seen: (doc) => ['handled by coordinator', 'handled by observer'].includes((doc.getMap<Y.Map<string>>('needs').get('need-own-ghor')?.get('handledBy')) ?? ''),
  },
  {
    // A coordinator files (open) or withdraws (cancelled) its organisation's need; the rest of its course is GHOR's.
    name: 'a need of its own organisation marked met',
    allowed: ['admin', 'ghor'],
    write: (doc, role) => updateNeed(doc, 'need-own-ghor', { status: ({ admin: 'acknowledged', ghor: 'in-progress', coordinator: 'met', observer: 'met' } as const)[role] }),
    seen: (doc) => doc.getMap<Y.Map<string>>('needs').get('need-own-ghor')?.get('status') === 'met',
  },
  {
    name: 'deleting a need',
    allowed: [],
    write: (doc) => doc.getMap('needs').delete('need-own-ghor'),
    seen: (doc) => !doc.getMap('needs').has('need-own-ghor'),
  },
  {
    name: 'a new root key',
    allowed: [],
    write: (doc, role) => doc.getMap('extra').set('x', role),
    seen: (doc) => doc.share.has('extra'),
  },
];

describe('write permissions: role × path, with the stock client', () => {
  for (const c of cases) {
    for (const role of ['admin', 'ghor', 'coordinator', 'observer'] as Role[]) {
      const allowed = c.allowed.includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} write ${c.name}`, async () => {
        const client = connectBoard(server.url, incidentId, cookies[role]);
        try {
          await client.synced();
          const before = await updateCount();
          const beforeState = Y.encodeStateVector(await serverDoc());
          c.write(client.doc, role);
          if (allowed) {
            await waitFor(async () => (await updateCount()) > before, { what: 'the write in the log' });
            expect(client.closes).toEqual([]);
          } else {
            const closed = await waitFor(() => client.closes[0], { what: 'the close code' });
            expect(closed.code).toBeGreaterThanOrEqual(4400);
            expect(closed.code).toBeLessThan(4500);
            expect([CloseCodes.Forbidden.code, CloseCodes.Invalid.code]).toContain(closed.code);
            expect(await updateCount()).toBe(before);
            expect(Y.encodeStateVector(await serverDoc())).toEqual(beforeState);
            expect(c.seen(await serverDoc())).toBe(false);
            expect(c.seen(watcher.doc)).toBe(false);
            // Refused from the update itself, before anything was applied: nothing to rebuild.
            expect(server.logs.filter((l) => l.includes('refused an update')).at(-1)).not.toMatch(/rebuilt/);
            // The stock client stops reconnecting on a 44xx code instead of hammering the server.
            expect(client.provider.shouldConnect).toBe(false);
            // An observer is stopped by its own rule (new items before they are applied, deletions in
            // the gate), not only by the rules of the other roles.
            if (role === 'observer') expect(server.logs.filter((l) => l.includes('refused an update')).at(-1)).toMatch(/\(observer\): (no write rights|an observer writes nothing)$/);
          }
        } finally {
          client.destroy();
        }
      });
    }
  }
});

describe('invalid values are refused with 4422 and leave nothing behind', () => {
  const invalid: [string, (doc: Y.Doc) => void][] = [
    ['negative beds', (doc) => setReport(doc, ownLocation, { bedsFree: -2 })],
    ['fractional capacity', (doc) => setReport(doc, ownLocation, { canReceive: 2.5 })],
    ['unknown impact', (doc) => setReport(doc, ownLocation, { impact: 'apocalyptic' as never })],
    ['unknown report field', (doc) => doc.transact(() => reportsRoot(doc).get(ownLocation)!.set('colour', 'red'))],
    ['a need at an unknown location', (doc) => addNeed(doc, { ...need('need-bad-loc', ownOrg, 'coordinator'), locationId: 'loc-99999' })],
    ['a need without urgency', (doc) => addNeed(doc, { ...need('need-bad', ownOrg, 'coordinator'), urgency: undefined as never })],
  ];
  for (const [name, write] of invalid) {
    it(name, async () => {
      const client = connectBoard(server.url, incidentId, cookies.coordinator);
      try {
        await client.synced();
        const before = await updateCount();
        const beforeOwn = JSON.stringify(readReport(await serverDoc(), ownLocation));
        write(client.doc);
        const closed = await waitFor(() => client.closes[0]);
        expect(closed).toEqual({ code: CloseCodes.Invalid.code, reason: CloseCodes.Invalid.reason });
        expect(await updateCount()).toBe(before);
        expect(JSON.stringify(readReport(await serverDoc(), ownLocation))).toBe(beforeOwn);
      } finally {
        client.destroy();
      }
    });
  }
});

describe('hand-built frames', () => {
  it('refuses structs under a clientID another user wrote with', async () => {
    const ghorRaw = await openRawBoard(server.url, incidentId, cookies.ghor);
    const stolenId = ghorRaw.doc.clientID;
    const sv = Y.encodeStateVector(ghorRaw.doc);
    setReport(ghorRaw.doc, otherLocation, { remarks: 'by ghor with its own id' });
    ghorRaw.sendUpdate(Y.encodeStateAsUpdate(ghorRaw.doc, sv));
    await waitFor(() => readReport(watcher.doc, otherLocation).remarks === 'by ghor with its own id');

    const thief = await openRawBoard(server.url, incidentId, cookies.coordinator);
    await waitFor(() => readReport(thief.doc, otherLocation).remarks === 'by ghor with its own id');
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(thief.doc));
    // Set after loading the state: Yjs itself picks a new id when remote structs use its own.
    forged.clientID = stolenId;
    const before = Y.encodeStateVector(forged);
    setReport(forged, ownLocation, { remarks: 'written under the GHOR’s clientID' });
    const count = await updateCount();
    thief.sendUpdate(Y.encodeStateAsUpdate(forged, before));
    expect((await thief.closed).code).toBe(CloseCodes.ClientIdTaken.code);
    expect(await updateCount()).toBe(count);
    expect(readReport(await serverDoc(), ownLocation).remarks).not.toBe('written under the GHOR’s clientID');
    ghorRaw.ws.close();
  });

  it('never applies an update that runs ahead of its dependencies; asks for a full diff, and nothing is lost', async () => {
    const raw = await openRawBoard(server.url, incidentId, cookies.ghor);
    const sv0 = Y.encodeStateVector(raw.doc);
    setReport(raw.doc, otherLocation, { remarks: 'first' });
    const sv1 = Y.encodeStateVector(raw.doc);
    setReport(raw.doc, otherLocation, { remarks: 'second' });
    const second = Y.encodeStateAsUpdate(raw.doc, sv1);
    const count = await updateCount();
    const asked = new Promise<void>((resolve) =>
      raw.ws.on('message', (data: Buffer) => {
        if (data[0] === 0 && data[1] === 0) resolve(); // sync step 1 from the server
      }),
    );
    raw.sendUpdate(second);
    await asked;
    expect(await updateCount()).toBe(count);
    const doc = await serverDoc();
    expect(doc.store.pendingStructs).toBeNull();
    expect(readReport(doc, otherLocation).remarks).not.toBe('second');
    // The full diff the client sends next carries both changes.
    raw.sendUpdate(Y.encodeStateAsUpdate(raw.doc, sv0));
    await waitFor(() => readReport(watcher.doc, otherLocation).remarks === 'second', { what: 'both updates after the diff' });
    raw.ws.close();
  });

  it('asks for a full diff on deletions of unknown items without applying them, and closes a client that keeps sending them (4428)', async () => {
    const raw = await openRawBoard(server.url, incidentId, cookies.ghor);
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(raw.doc));
    const before = Y.encodeStateVector(local);
    setReport(local, otherLocation, { remarks: 'never sent' });
    setReport(local, otherLocation, { remarks: 'overwrites it' });
    // Only the delete set: it names an item the server has never seen.
    const deletesOnly = Y.encodeStateAsUpdate(local, Y.encodeStateVector(local));
    expect(Y.encodeStateAsUpdate(local, before).length).toBeGreaterThan(deletesOnly.length);
    const count = await updateCount();
    const rebuilt = server.logs.filter((l) => l.includes('rebuilt')).length;
    for (let i = 0; i < 4; i++) raw.sendUpdate(deletesOnly);
    expect((await raw.closed).code).toBe(CloseCodes.Incomplete.code);
    expect(server.logs.filter((l) => l.includes('rebuilt')).length).toBe(rebuilt);
    expect(await updateCount()).toBe(count);
    const doc = await serverDoc();
    expect(doc.store.pendingDs).toBeNull();
    const client = connectBoard(server.url, incidentId, cookies.ghor);
    await client.synced();
    setReport(client.doc, otherLocation, { remarks: 'after the refusals' });
    await waitFor(() => readReport(watcher.doc, otherLocation).remarks === 'after the refusals');
    client.destroy();
  });

  it('closes on garbage and unknown message types with 4400, and the server stays up', async () => {
    for (const frame of [new Uint8Array([0xff, 0xff, 0xff]), new Uint8Array([7, 1, 2]), new Uint8Array([0, 1, 200, 1, 2]), new Uint8Array([])]) {
      const raw = await openRawBoard(server.url, incidentId, cookies.ghor);
      raw.send(frame);
      expect((await raw.closed).code).toBe(CloseCodes.BadMessage.code);
    }
    const client = connectBoard(server.url, incidentId, cookies.observer);
    await client.synced();
    client.destroy();
  });

  it('checks the session and the Origin at the upgrade', async () => {
    const foreign = await openRawBoard(server.url, incidentId, cookies.ghor, { origin: 'https://evil.example', sync: false });
    expect((await foreign.closed).code).toBe(403);
    const anonymous = await openRawBoard(server.url, incidentId, '', { sync: false });
    expect((await anonymous.closed).code).toBe(CloseCodes.Unauthenticated.code);
    const unknown = await openRawBoard(server.url, 'inc-nope', cookies.ghor, { sync: false });
    expect((await unknown.closed).code).toBe(CloseCodes.NotFound.code);
  });
});
