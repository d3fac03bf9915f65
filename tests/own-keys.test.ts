import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readReport, reportsRoot, setArea, setReport } from '../shared/incident-doc';
import { checkLogin, checkOrganisation } from '../shared/validation';
import { CloseCodes } from '../shared/wire';
import { IncidentLog, RecordType, readLogFile, incidentLogFile } from '../server/recorder/incident-log';
import { replayRecords } from '../server/recorder/replay-state';
import { HttpClient } from './helpers/http-client';
import { incidentWithOwnLocations } from './helpers/incident';
import { openRawBoard } from './helpers/raw-board';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { connectBoard } from './helpers/yjs-client';

/** Every name `Object.prototype` answers to: `key in {}` is true for each of them. */
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);

let server: TestServer;
const cookies: Record<string, string> = {};
let incidentId: string;
let ownOrg: string;
let ownLocation: string;

const updateCount = () => readLogFile(incidentLogFile(server.dataDir, incidentId)).records.filter((r) => r.type === RecordType.update).length;

beforeAll(async () => {
  server = await startServer();
  const opened = await incidentWithOwnLocations(server.url, 'Eigen sleutels');
  ({ id: incidentId, ownOrg } = opened);
  ownLocation = opened.own[0];
  cookies.ghor = opened.ghor.cookie;
  cookies.coordinator = opened.coordinator.cookie;
  cookies.admin = (await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD)).cookie;
});
afterAll(async () => server?.close());

/** Sends one hand-made change as `role` and resolves with the close code (or 0 when the change stood). */
async function attempt(role: string, change: (doc: Y.Doc) => void, accepted: (doc: Y.Doc) => boolean): Promise<number> {
  const raw = await openRawBoard(server.url, incidentId, cookies[role]);
  const before = Y.encodeStateVector(raw.doc);
  change(raw.doc);
  raw.sendUpdate(Y.encodeStateAsUpdate(raw.doc, before));
  const stood = waitFor(async () => accepted((await server.server.rooms.get(incidentId))!.doc), { what: 'the change on the server' }).then(() => 0);
  const outcome = await Promise.race([raw.closed.then((c) => c.code), stood]);
  raw.ws.close();
  return outcome;
}

describe('own keys only', () => {
  it('refuses every Object.prototype name as a report field, a need field and a root name', async () => {
    for (const name of PROTO_NAMES) {
      const count = updateCount();
      const report = await attempt('coordinator', (doc) => reportsRoot(doc).get(ownLocation)!.set(name, { big: 'x'.repeat(1000) }), () => false);
      expect(report, `report field ${name}`).toBe(CloseCodes.Invalid.code);
      const need = await attempt(
        'coordinator',
        (doc) => {
          const map = new Y.Map<unknown>();
          doc.getMap('needs').set(`need-${name.replace(/_/g, 'u')}`, map);
          for (const [key, value] of Object.entries({ id: `need-${name.replace(/_/g, 'u')}`, organisationId: ownOrg, kind: 'water', urgency: 'high', status: 'open', createdBy: 'coordinator', createdAt: new Date().toISOString() })) map.set(key, value);
          map.set(name, 5);
        },
        () => false,
      );
      expect(need, `need field ${name}`).toBe(CloseCodes.Invalid.code);
      const root = await attempt('ghor', (doc) => doc.getMap(name).set('x', 1), () => false);
      expect(root, `root ${name}`).toBe(CloseCodes.Invalid.code);
      expect(updateCount(), name).toBe(count);
    }
    expect(Object.keys(readReport((await server.server.rooms.get(incidentId))!.doc, ownLocation))).toEqual([]);
  });

  it('takes Object.prototype names as area ids like any other id, stamped by the server', async () => {
    for (const name of PROTO_NAMES.filter((n) => /^[A-Za-z0-9_.-]{1,64}$/.test(n))) {
      const outcome = await attempt(
        'ghor',
        (doc) =>
          setArea(doc, name, {
            type: 'Feature',
            geometry: { type: 'Polygon', coordinates: [[[5.69, 50.85], [5.7, 50.85], [5.7, 50.86], [5.69, 50.85]]] },
            properties: { name: `gebied ${name}`, createdBy: 'someone-else', createdAt: '2000-01-01T00:00:00Z' },
          }),
        (doc) => (doc.getMap('areas').get(name) as { properties?: { createdBy?: string } } | undefined)?.properties?.createdBy === 'ghor',
      );
      expect(outcome, `area ${name}`).toBe(0);
    }
    const ghor = new HttpClient(server.url);
    ghor.cookie = cookies.ghor;
    const state = (await ghor.get(`/api/incidents/${incidentId}/state?format=json`)).body.data;
    expect(Object.hasOwn(state.areas, 'constructor')).toBe(true);
    expect(state.areas.constructor.properties.createdBy).toBe('ghor');
  });

  it('refuses an area that carries anything beyond its name, with the area unchanged', async () => {
    const ring: [number, number][] = [[5.69, 50.85], [5.7, 50.85], [5.7, 50.86], [5.69, 50.85]];
    const count = updateCount();
    const outcome = await attempt(
      'ghor',
      (doc) => setArea(doc, 'groot', { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { name: 'te zwaar', createdBy: 'ghor', createdAt: new Date().toISOString(), notes: 'x'.repeat(1024 * 1024) } as never }),
      () => false,
    );
    expect(outcome).toBe(CloseCodes.Invalid.code);
    expect(updateCount()).toBe(count);
  });

  it('reads JSON bodies by own keys: inherited fields count as missing, extra keys are ignored', async () => {
    expect(checkLogin(Object.create({ username: 'ghor', password: 'geheim' })).ok).toBe(false);
    expect(checkOrganisation(Object.create({ id: 'org-x', name: 'X', sector: 'hospital' })).ok).toBe(false);
    const admin = new HttpClient(server.url);
    admin.cookie = cookies.admin;
    const body: Record<string, unknown> = { id: 'org-eigen', name: 'Zorggroep Eigen', sector: 'hospital' };
    for (const name of PROTO_NAMES) Object.defineProperty(body, name, { value: { x: 1 }, enumerable: true });
    const created = await admin.post('/api/organisations', body);
    expect(created.status).toBe(201);
    const stored = (await server.store.get('organisations', 'org-eigen'))!;
    for (const name of PROTO_NAMES) expect(Object.hasOwn(stored, name), name).toBe(false);
  });

  it('reads CSV headers named after Object.prototype members as plain columns', async () => {
    const admin = new HttpClient(server.url);
    admin.cookie = cookies.admin;
    const csv = `id,name,sector,${PROTO_NAMES.join(',')}\norg-csv,Zorggroep Kop,hospital,${PROTO_NAMES.map(() => 'x').join(',')}\n`;
    const answer = await admin.post('/api/import/organisations?format=csv', csv, { 'content-type': 'text/csv' });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({ rows: 1, valid: 1 });
  });
});

describe('a log written before the fix', () => {
  it('replays, reviews and exports a log holding Object.prototype fields and odd events, showing them as unknown', async () => {
    const ghor = new HttpClient(server.url);
    ghor.cookie = cookies.ghor;
    const id = (await ghor.post('/api/incidents', { title: 'Oud logboek', grip: 2 })).body.data.id;
    const board = connectBoard(server.url, id, cookies.coordinator);
    await board.synced();
    setReport(board.doc, ownLocation, { impact: 'major', remarks: 'echte melding' });
    await waitFor(() => readReport(board.doc, ownLocation).stamp, { what: 'stamp' });
    board.destroy();
    const dataDir = server.dataDir;
    await server.close({ keepData: true });

    // What the old gate let through, written straight into the log as the old server would have.
    const file = incidentLogFile(dataDir, id);
    const { records } = readLogFile(file);
    const { doc } = replayRecords(records, () => {});
    const poisoned = new Y.Doc();
    Y.applyUpdate(poisoned, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(poisoned);
    const map = reportsRoot(poisoned).get(ownLocation)!;
    poisoned.transact(() => {
      for (const name of PROTO_NAMES) map.set(name, { nested: name });
      map.set('toString', 5);
    });
    const { log } = IncidentLog.open(file, () => {});
    const now = Date.now();
    const event = (value: unknown) => ({ type: RecordType.event, time: now, user: 'u', payload: new TextEncoder().encode(JSON.stringify(value)) });
    const fields = Object.fromEntries(PROTO_NAMES.map((n) => [n, { nested: n }]));
    log.appendAll([
      { type: RecordType.update, time: now, user: 'u', payload: Y.encodeStateAsUpdate(poisoned, before) },
      event({ type: 'changed', username: 'coordinator', role: 'coordinator', organisationId: ownOrg, reports: [{ locationId: ownLocation, organisationId: ownOrg, fields: { ...fields, impact: 'critical' } }], needs: [{ needId: 'n1', organisationId: ownOrg, fields: { valueOf: 1, status: { x: 1 } } }] }),
      event(null),
      event(5),
      event({ type: 'changed', reports: 5, needs: [null, 'x'] }),
      event({ type: 'constructor' }),
      event({ type: 'alert-acked', organisationId: { x: 1 }, answer: ['no'] }),
    ]);
    log.close();

    server = await startServer({ dataDir, seed: false });
    const reviewer = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const events = await reviewer.get(`/api/incidents/${id}/events?limit=500`);
    expect(events.status).toBe(200);
    const reports = events.body.data.events.filter((e: { type: string }) => e.type === 'report');
    expect(reports.length).toBeGreaterThanOrEqual(2);
    const odd = reports.find((e: { detail: { fields: Record<string, unknown> } }) => e.detail.fields.impact === 'critical');
    expect(Object.keys(odd.detail.fields)).toEqual(['impact']);
    for (const path of ['metrics', 'timeline.csv', 'report.html', 'state?format=json', 'reports.geojson', 'have.xml']) {
      expect((await reviewer.get(`/api/incidents/${id}/${path}`)).status, path).toBe(200);
    }
    const reader = connectBoard(server.url, id, reviewer.cookie);
    await reader.synced();
    expect(readReport(reader.doc, ownLocation).remarks).toBe('echte melding');
    reader.destroy();
  });
});
