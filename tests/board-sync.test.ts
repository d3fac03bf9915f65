import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNeed, readReport, setReport, readNeeds, updateNeed } from '../shared/incident-doc';
import { CloseCodes } from '../shared/wire';
import { RecordType } from '../server/recorder/incident-log';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { connectBoard, type BoardClient } from './helpers/yjs-client';

let server: TestServer;
let ghor: HttpClient;
let coordinator: HttpClient;
let incidentId: string;
let ownLocation: string;
const clients: BoardClient[] = [];

function board(cookie: string, options?: { doc?: Y.Doc; connect?: boolean }): BoardClient {
  const client = connectBoard(server.url, incidentId, cookie, options);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  server = await startServer();
  ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
  const created = await ghor.post('/api/incidents', { title: 'Stroomstoring Heuvelland', grip: 2 });
  expect(created.status).toBe(201);
  incidentId = created.body.data.id;
  const me = (await coordinator.get('/api/me')).body.data;
  const { network } = (await ghor.get(`/api/incidents/${incidentId}`)).body.data;
  ownLocation = network.locations.find((l: { organisationId: string }) => l.organisationId === me.organisationId).id;
});

afterEach(async () => {
  clients.splice(0).forEach((c) => c.destroy());
  await server.close();
});

describe('incident document sync', () => {
  it('opens an incident with a frozen network and the fixed structure', async () => {
    const { incident, network } = (await ghor.get(`/api/incidents/${incidentId}`)).body.data;
    expect(incident).toMatchObject({ title: 'Stroomstoring Heuvelland', grip: 2, status: 'open' });
    expect(network.locations.length).toBeGreaterThan(1000);
    const client = board(ghor.cookie);
    await client.synced();
    expect(client.doc.getMap('reports').size).toBe(network.locations.length);
    expect([...client.doc.getMap('picture').keys()].sort()).toEqual(['assessment', 'decisions', 'picture']);
    // A registry change after opening does not reach the incident's frozen copy.
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    await admin.patch(`/api/locations/${ownLocation}`, { name: 'Later hernoemd' });
    const again = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network;
    expect(again.locations.find((l: { id: string }) => l.id === ownLocation).name).not.toBe('Later hernoemd');
  });

  it('takes no change once the incident is closed: a report change is refused with 4410 and nothing is recorded or sent', async () => {
    const writer = board(coordinator.cookie);
    const watcher = board(ghor.cookie);
    await Promise.all([writer.synced(), watcher.synced()]);
    expect((await ghor.post(`/api/incidents/${incidentId}/close`, {})).status).toBe(200);
    const updates = async () => (await server.records(incidentId)).filter((r) => r.type === RecordType.update).length;
    const before = await updates();
    // A change of report fields, the kind judged without applying it: closed is closed there too.
    setReport(writer.doc, ownLocation, { remarks: 'na het sluiten' });
    const refused = await waitFor(() => writer.closes.find((c) => c.code === CloseCodes.Closed.code), { what: 'the refusal after closing' });
    expect(refused?.reason).toBe(CloseCodes.Closed.reason);
    expect(await updates()).toBe(before);
    expect(readReport(watcher.doc, ownLocation).remarks).toBeUndefined();
    // Answered from the server's document: a joiner that holds the board gets nothing of it.
    const held = new Y.Doc();
    Y.applyUpdate(held, Y.encodeStateAsUpdate(watcher.doc));
    const late = board(ghor.cookie, { doc: held });
    await late.synced();
    expect(readReport(late.doc, ownLocation).remarks).toBeUndefined();
  });

  it('converges two clients, stamps the change, and gives a late joiner the full state', async () => {
    const a = board(coordinator.cookie);
    const b = board(ghor.cookie);
    await Promise.all([a.synced(), b.synced()]);
    const serverClientId = (await server.server.rooms.get(incidentId))!.doc.clientID;
    setReport(a.doc, ownLocation, { impact: 'major', operation: 'evacuating', toEvacuate: 35, remarks: 'Noodstroom valt uit' });
    await waitFor(() => readReport(b.doc, ownLocation).impact === 'major', { what: 'report at b' });
    const stamped = (await waitFor(() => readReport(b.doc, ownLocation).stamp))!;
    expect(stamped).toMatchObject({ by: 'coordinator', onBehalf: false });
    expect(Date.parse(stamped.at)).toBeGreaterThan(Date.now() - 60000);
    await waitFor(() => readReport(a.doc, ownLocation).stamp, { what: 'stamp back at the author' });
    // Stamping inside the client's transaction must not make Yjs give the server a new clientID.
    expect((await server.server.rooms.get(incidentId))!.doc.clientID).toBe(serverClientId);
    const late = board(ghor.cookie);
    await late.synced();
    expect(readReport(late.doc, ownLocation)).toMatchObject({ impact: 'major', operation: 'evacuating', toEvacuate: 35, remarks: 'Noodstroom valt uit' });
  });

  it('merges edits made offline when the client reconnects', async () => {
    const a = board(coordinator.cookie);
    const b = board(ghor.cookie);
    await Promise.all([a.synced(), b.synced()]);
    a.provider.disconnect();
    setReport(a.doc, ownLocation, { bedsFree: 4, power: 'backup' });
    setReport(b.doc, ownLocation, { remarks: 'GHOR belde: aggregaat onderweg' });
    await waitFor(() => readReport(b.doc, ownLocation).stamp?.by === 'ghor');
    expect(readReport(b.doc, ownLocation).bedsFree).toBeUndefined();
    a.provider.connect();
    await waitFor(() => readReport(b.doc, ownLocation).bedsFree === 4, { what: 'offline edit at b' });
    await waitFor(() => readReport(a.doc, ownLocation).remarks === 'GHOR belde: aggregaat onderweg', { what: 'b edit at a' });
    expect(readReport(a.doc, ownLocation)).toMatchObject({ bedsFree: 4, power: 'backup' });
    expect(a.closes).toEqual([]);
  });

  it('lets a coordinator file a need and GHOR handle it, both stamped', async () => {
    const a = board(coordinator.cookie);
    const b = board(ghor.cookie);
    await Promise.all([a.synced(), b.synced()]);
    const me = (await coordinator.get('/api/me')).body.data;
    addNeed(a.doc, {
      id: 'need-1',
      organisationId: me.organisationId,
      locationId: ownLocation,
      kind: 'power',
      quantity: 1,
      urgency: 'immediate',
      status: 'open',
      description: 'Aggregaat nodig voor 12 beademde cliënten',
      createdBy: 'coordinator',
      createdAt: new Date().toISOString(),
    });
    await waitFor(() => readNeeds(b.doc)[0]?.stamp?.by === 'coordinator', { what: 'need at GHOR' });
    updateNeed(b.doc, 'need-1', { status: 'in-progress', handledBy: 'ICO Janssen', ghorNotes: 'Rode Kruis levert aggregaat' });
    await waitFor(() => readNeeds(a.doc)[0]?.status === 'in-progress' && readNeeds(a.doc)[0]?.stamp?.by === 'ghor', { what: 'handling at coordinator' });
    expect(a.closes).toEqual([]);
    expect(b.closes).toEqual([]);
  });
});
