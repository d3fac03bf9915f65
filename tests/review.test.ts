import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addLogbookEntry, addNeed, editPictureText, readReport, setReport, updateNeed } from '../shared/incident-doc';
import { HAVE_NAMESPACE } from '../server/review/have';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { connectSocket, connected } from './helpers/socket-client';
import { waitFor } from './helpers/wait-for';
import { haveViolations } from './helpers/have-rules';
import { child, parseXml, type XmlElement } from './helpers/xml';
import { connectBoard, type BoardClient } from './helpers/yjs-client';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const MIN = 60000;
let clock = T0;
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
let server: TestServer;
let ghor: HttpClient;
let coordinator: HttpClient;
let incidentId: string;
let own: string;
let other: string;
let ownOrg: string;
let ownName: string;
let otherOrganisation: string;
let ghorBoard: BoardClient;
let coordinatorBoard: BoardClient;
let coordinatorSocket: ReturnType<typeof connectSocket>;

/** Waits until the server has stamped a report change made at the current fake time. */
async function stamped(board: BoardClient, locationId: string): Promise<void> {
  const expected = new Date(clock).toISOString();
  await waitFor(() => readReport(board.doc, locationId).stamp?.at === expected, { what: `stamp of ${locationId} at ${expected}` });
}

beforeAll(async () => {
  server = await startServer({ now: () => new Date(clock) });
  ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
  ownOrg = (await coordinator.get('/api/me')).body.data.organisationId;
  incidentId = (await ghor.post('/api/incidents', { title: 'Stroomuitval Heuvelland', grip: 2 })).body.data.id;
  const { network } = (await ghor.get(`/api/incidents/${incidentId}`)).body.data;
  own = network.locations.find((l: { organisationId: string }) => l.organisationId === ownOrg).id;
  other = network.locations.find((l: { organisationId: string; id: string }) => l.organisationId !== ownOrg && l.id.endsWith('1')).id;
  otherOrganisation = network.locations.find((l: { id: string }) => l.id === other).organisationId;
  ownName = network.organisations.find((o: { id: string }) => o.id === ownOrg).name;
  ghorBoard = connectBoard(server.url, incidentId, ghor.cookie);
  coordinatorBoard = connectBoard(server.url, incidentId, coordinator.cookie);
  await Promise.all([ghorBoard.synced(), coordinatorBoard.synced()]);

  // The coordinator is online, so the alert is delivered (an event the server records).
  coordinatorSocket = connectSocket(server.url, coordinator.cookie);
  await connected(coordinatorSocket);
  // 10:10 the GHOR alerts everyone; 10:25 the coordinator acknowledges and reports.
  clock = T0 + 10 * MIN;
  const alert = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Stroomuitval, meld uw situatie', grip: 2, target: { all: true } })).body.data.alert;
  clock = T0 + 25 * MIN;
  expect((await coordinator.post(`/api/alerts/${alert.id}/ack`, { answer: 'yes' })).status).toBe(200);
  setReport(coordinatorBoard.doc, own, { impact: 'major', operation: 'shelter-in-place', bedsFree: 3, dependentOnPower: 12, power: 'backup', water: 'ok' });
  await stamped(coordinatorBoard, own);
  // 11:00 a need; 11:30 GHOR handles it, reports on behalf of another organisation, writes the picture.
  clock = T0 + 60 * MIN;
  addNeed(coordinatorBoard.doc, { id: 'need-aggregaat', organisationId: ownOrg, locationId: own, kind: 'power', urgency: 'immediate', status: 'open', createdBy: 'coordinator', createdAt: new Date(clock).toISOString(), quantity: 1 });
  await waitFor(() => (ghorBoard.doc.getMap<Y.Map<unknown>>('needs').get('need-aggregaat')?.get('stamp') as { at: string } | undefined)?.at === new Date(clock).toISOString());
  clock = T0 + 90 * MIN;
  updateNeed(ghorBoard.doc, 'need-aggregaat', { status: 'in-progress', handledBy: 'Rode Kruis' });
  setReport(ghorBoard.doc, other, { impact: 'critical', operation: 'evacuating', toEvacuate: 40 });
  editPictureText(ghorBoard.doc, 'picture', 'Stroomuitval in het Heuvelland; 12 beademde cliënten.');
  addLogbookEntry(ghorBoard.doc, { id: 'log-1', at: new Date(clock).toISOString(), by: 'ghor', text: 'Aggregaat aangevraagd bij het Rode Kruis voor Heuvelland.' });
  await stamped(ghorBoard, other);
  clock = T0 + 120 * MIN;
  expect((await ghor.patch(`/api/incidents/${incidentId}`, { grip: 3 })).status).toBe(200);
  // 13:00 the need is met and the location recovers; 14:00 the incident closes.
  clock = T0 + 180 * MIN;
  updateNeed(ghorBoard.doc, 'need-aggregaat', { status: 'met' });
  setReport(coordinatorBoard.doc, own, { impact: 'minor', operation: 'normal' });
  await stamped(coordinatorBoard, own);
  await waitFor(() => (ghorBoard.doc.getMap<Y.Map<unknown>>('needs').get('need-aggregaat')?.get('stamp') as { at: string } | undefined)?.at === new Date(clock).toISOString());
  clock = T0 + 240 * MIN;
  expect((await ghor.post(`/api/incidents/${incidentId}/close`)).status).toBe(200);
}, 60000);

afterAll(async () => {
  coordinatorSocket?.disconnect();
  ghorBoard?.destroy();
  coordinatorBoard?.destroy();
  await server?.close();
});

async function stateAt(minutes: number) {
  const answer = await ghor.get(`/api/incidents/${incidentId}/state?at=${at(minutes)}&format=json`);
  expect(answer.status).toBe(200);
  return answer.body.data;
}

describe('replay', () => {
  it('shows at each moment what was known then, and nothing later', async () => {
    const before = await stateAt(20);
    expect(before.reports[own]).toBeUndefined();
    expect(before.needs).toEqual([]);
    const first = await stateAt(30);
    expect(first.reports[own]).toMatchObject({ impact: 'major', operation: 'shelter-in-place', bedsFree: 3 });
    expect(first.reports[other]).toBeUndefined();
    const middle = await stateAt(119);
    expect(middle.reports[own].impact).toBe('major');
    expect(middle.reports[other]).toMatchObject({ impact: 'critical', toEvacuate: 40 });
    expect(middle.needs).toMatchObject([{ id: 'need-aggregaat', status: 'in-progress', handledBy: 'Rode Kruis' }]);
    expect(middle.picture.picture).toBe('Stroomuitval in het Heuvelland; 12 beademde cliënten.');
    const late = await stateAt(210);
    expect(late.reports[own]).toMatchObject({ impact: 'minor', operation: 'normal' });
    expect(late.needs[0].status).toBe('met');
  });

  it('gives the state at T as a Yjs update that a client can load', async () => {
    const response = await fetch(`${server.url}/api/incidents/${incidentId}/state?at=${at(30)}`, { headers: { cookie: ghor.cookie } });
    expect(response.headers.get('content-type')).toContain('application/octet-stream');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
    expect(readReport(doc, own).impact).toBe('major');
    const bad = await ghor.get(`/api/incidents/${incidentId}/state?at=gisteren`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/ISO 8601/);
  });
});

describe('a running incident', () => {
  it('follows the board as its log grows, in JSON and as Yjs', async () => {
    clock = T0 + 300 * MIN;
    const running = (await ghor.post('/api/incidents', { title: 'Wateroverlast', grip: 1 })).body.data.id;
    const board = connectBoard(server.url, running, ghor.cookie);
    try {
      await board.synced();
      clock = T0 + 310 * MIN;
      setReport(board.doc, other, { impact: 'minor' });
      await stamped(board, other);
      const state = (minutes: number) => ghor.get(`/api/incidents/${running}/state?at=${at(minutes)}&format=json`).then((r) => r.body.data);
      expect((await state(311)).reports[other]).toMatchObject({ impact: 'minor' });
      // The review has read this log once; what comes after is read on, not missed.
      clock = T0 + 320 * MIN;
      setReport(board.doc, other, { impact: 'critical', bedsFree: 0 });
      editPictureText(board.doc, 'assessment', 'Dijk bij Borgharen houdt.');
      await stamped(board, other);
      await waitFor(async () => (await state(321)).picture.assessment === 'Dijk bij Borgharen houdt.', { what: 'the picture edit in the review' });
      const later = await state(321);
      expect(later.reports[other]).toMatchObject({ impact: 'critical', bedsFree: 0 });
      expect((await state(311)).reports[other]).toMatchObject({ impact: 'minor' });
      const response = await fetch(`${server.url}/api/incidents/${running}/state?at=${at(321)}`, { headers: { cookie: ghor.cookie } });
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
      expect(readReport(doc, other)).toMatchObject({ impact: 'critical', bedsFree: 0 });
    } finally {
      board.destroy();
    }
  });
});

describe('timeline and metrics', () => {
  it('lists the events with server times, filterable by type and organisation', async () => {
    const all = (await ghor.get(`/api/incidents/${incidentId}/events?limit=5000`)).body.data;
    const types = new Set(all.events.map((e: { type: string }) => e.type));
    for (const type of ['incident-opened', 'alert-sent', 'alert-acked', 'report', 'need', 'picture', 'grip-changed', 'incident-closed', 'joined']) expect(types).toContain(type);
    // Events the server itself recorded carry the system's name, not the internal user id.
    const bySystem = all.events.filter((e: { userId: string }) => e.userId === 'server');
    expect(bySystem.map((e: { type: string }) => e.type)).toContain('alert-delivered');
    expect(bySystem.length).toBeGreaterThan(0);
    for (const e of bySystem) expect(e.userName).toBe('Zorgbeeld');
    const reports = (await ghor.get(`/api/incidents/${incidentId}/events?type=report&organisationId=${ownOrg}`)).body.data.events;
    expect(reports.map((e: { at: string }) => e.at)).toEqual([at(25), at(180)]);
    expect(reports[0].detail.fields).toMatchObject({ impact: 'major', bedsFree: 3 });
    expect(reports[0].userName).toBe('Crisiscoördinator (demo)');
    const page = (await ghor.get(`/api/incidents/${incidentId}/events?offset=2&limit=3`)).body.data;
    expect(page.events.map((e: { seq: number }) => e.seq)).toEqual(all.events.slice(2, 5).map((e: { seq: number }) => e.seq));
    expect((await ghor.get(`/api/incidents/${incidentId}/events?type=gossip`)).status).toBe(400);
    // A page asked for wrongly is refused with what to give, not bent into another page.
    for (const query of ['offset=-1', 'offset=twee', 'offset=1.5', 'limit=0', 'limit=5001', 'limit=abc', 'limit=1e3']) {
      const refused = await ghor.get(`/api/incidents/${incidentId}/events?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error.message, query).toMatch(query.startsWith('offset') ? /^offset: geef een heel getal vanaf 0/ : /^limit: geef een heel getal van 1 tot en met 5000/);
    }
    expect((await ghor.get(`/api/incidents/${incidentId}/events?offset=&limit=`)).body.data).toMatchObject({ offset: 0, limit: 500 });
    expect((await coordinator.get(`/api/incidents/${incidentId}/events`)).status).toBe(403);
  });

  it('measures time to first alert, to acknowledge, to first report, and needs from open to met', async () => {
    const { metrics, series } = (await ghor.get(`/api/incidents/${incidentId}/metrics`)).body.data;
    expect(metrics.timeToFirstAlertMs).toBe(10 * MIN);
    const mine = metrics.organisations.find((o: { organisationId: string }) => o.organisationId === ownOrg);
    // Both response times count from the alert (10:10): answered and reported at 10:25.
    expect(mine).toMatchObject({ timeToAcknowledgeMs: 15 * MIN, answer: 'yes', timeToFirstReportMs: 15 * MIN });
    // The other organisation never answered; GHOR reported for it at 11:30, 80 minutes after its alert.
    const otherOrg = metrics.organisations.find((o: { organisationId: string }) => o.organisationId === otherOrganisation);
    expect(otherOrg).toMatchObject({ timeToAcknowledgeMs: null, timeToFirstReportMs: 80 * MIN });
    expect(metrics.needs).toEqual([expect.objectContaining({ needId: 'need-aggregaat', durationMs: 120 * MIN, finalStatus: 'met', kind: 'power' })]);
    expect(metrics.gripChanges.map((g: { to: number }) => g.to)).toEqual([2, 3]);
    expect(series).toHaveLength(48);
    const peak = series.find((p: { at: string }) => Date.parse(p.at) > T0 + 100 * MIN);
    expect(peak.byImpact.critical).toBe(1);
    expect(series[0].byImpact.critical).toBe(0);
    expect(series.some((p: { openNeeds: number }) => p.openNeeds === 1)).toBe(true);
    expect(series[series.length - 1].openNeeds).toBe(0);
  });
});

describe('exports', () => {
  it('timeline CSV, GeoJSON at T and a printable report', async () => {
    const csv = (await ghor.get(`/api/incidents/${incidentId}/timeline.csv`)).text;
    expect(csv.split('\r\n')[0]).toBe('at,type,user,organisation,location,detail');
    expect(csv).toContain('alert-acked');
    const geojson = (await ghor.get(`/api/incidents/${incidentId}/reports.geojson?at=${at(100)}`)).body;
    const feature = geojson.features.find((f: { id: string }) => f.id === other);
    expect(feature.properties.report).toMatchObject({ impact: 'critical' });
    const report = await ghor.get(`/api/incidents/${incidentId}/report.html`);
    expect(report.headers.get('content-type')).toContain('text/html');
    expect(report.text).toContain('Evaluatierapport: Stroomuitval Heuvelland');
    expect(report.text).toContain('0:15:00');
    expect(report.text).toContain('Stroomuitval in het Heuvelland; 12 beademde cliënten.');
    expect(report.text.match(/<svg /g)?.length).toBe(3);
    // What an evaluator brings to the table, in Dutch: the story, not the codes.
    const words = report.text.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const organisations = (await ghor.get('/api/organisations')).body.data.length as number;
    expect(words).toContain(`Organisaties gealarmeerd ${organisations} · 1 geantwoord`);
    expect(words).toContain(`1 getroffen · 0 niet getroffen · 0 weet nog niet · ${organisations - 1} geen antwoord`);
    expect(words).toMatch(new RegExp(`Nooit geantwoord \\(${organisations - 1}\\)`));
    expect(words).toContain('Aggregaat aangevraagd bij het Rode Kruis voor Heuvelland.');
    const { network } = (await ghor.get(`/api/incidents/${incidentId}`)).body.data;
    for (const id of [own, other]) expect(words).toContain(network.locations.find((l: { id: string }) => l.id === id).name);
    expect(words).toContain('Kritiek Evacueert Te evacueren 40');
    expect(words).toContain('Gering Normaal Bedden vrij 3');
    expect(words).toContain('Stroom Direct');
    expect(words).toContain('Opgelost');
    // The organisation's row: answered, and first reported, 15 minutes after its alert.
    expect(words).toContain('Antwoord na alarm Antwoord Eerste melding na alarm');
    expect(words).toMatch(new RegExp(`${ownName} 0:15:00 getroffen 0:15:00`));
    // Times in the region's zone: the alert at 10:10 UTC is 11:10 in Amsterdam.
    expect(words).toContain('11:10 · Alarm · GRIP 2');
    for (const code of ['openNeeds', 'bedsFree', 'canReceive', 'picture', 'assessment', 'decisions', ': no', ': yes', 'in-progress', 'shelter-in-place', 'UTC']) expect(words, code).not.toContain(code);
  });

  it('EDXL-HAVE at T conforms to the HAVE 1.0 schema rules', async () => {
    const xml = (await ghor.get(`/api/incidents/${incidentId}/have.xml?at=${at(100)}`)).text;
    const root = parseXml(xml);
    expect(haveViolations(root)).toEqual([]);
    expect(root.attributes.xmlns).toBe(HAVE_NAMESPACE);
    const hospitals = root.children;
    expect(hospitals.map((h) => h.name)).toEqual(['Hospital', 'Hospital']);
    const names = hospitals.map((h) => child(child(child(child(h, 'Organization')!, 'OrganizationInformation')!, 'xnl:OrganisationName')!, 'xnl:NameElement')!.text);
    expect(names.every((n) => n.length > 3)).toBe(true);
    expect(xml).toContain('impact: critical; toEvacuate: 40');
    // The operation and the utilities as HAVE's own elements, not only as comment text.
    const byName = new Map(hospitals.map((h) => [child(child(child(child(h, 'Organization')!, 'OrganizationInformation')!, 'xnl:OrganisationName')!, 'xnl:NameElement')!.text, h]));
    const { network } = (await ghor.get(`/api/incidents/${incidentId}`)).body.data;
    const nameOf = (id: string) => [...byName.keys()].find((n) => n.startsWith(network.locations.find((l: { id: string }) => l.id === id).name))!;
    const evacuating = byName.get(nameOf(other))!;
    expect(child(child(evacuating, 'HospitalFacilityStatus')!, 'FacilityStatus')!.text).toBe('Evacuating');
    const onBackup = byName.get(nameOf(own))!;
    expect(child(child(onBackup, 'HospitalFacilityStatus')!, 'FacilityStatus')!.text).toBe('Compromised');
    const resources = child(onBackup, 'HospitalResourcesStatus')!;
    expect(child(resources, 'FacilityOperations')!.text).toBe('Insufficient');
    expect(child(resources, 'CommentText')!.text).toBe('power: backup');
    expect(xml).not.toContain('operation:');
    const capacity = hospitals.map((h) => child(h, 'HospitalBedCapacityStatus')).find(Boolean) as XmlElement | undefined;
    if (capacity) expect(child(child(child(capacity, 'BedCapacity')!, 'Capacity')!, 'CapacityStatus')!.text).toMatch(/^(Vacant\/Available|NotAvailable)$/);
    // Before the first report there is no Hospital to give, and HAVE needs one: a clear refusal.
    const atStart = await ghor.get(`/api/incidents/${incidentId}/have.xml?at=${at(5)}`);
    expect(atStart.status).toBe(404);
    expect(atStart.body.error.message).toMatch(/nog geen locatie gemeld/);
  });

  it('the HAVE rule check finds what the schema forbids', () => {
    const source = (
      `<HospitalStatus xmlns="${HAVE_NAMESPACE}" xmlns:xnl="urn:oasis:names:tc:ciq:xnl:3" xmlns:gml="http://www.opengis.net/gml"><Hospital><Organization><OrganizationInformation><xnl:OrganisationName><xnl:NameElement>A</xnl:NameElement></xnl:OrganisationName></OrganizationInformation><OrganizationGeoLocation><gml:Point><gml:pos>50.8 5.7</gml:pos></gml:Point></OrganizationGeoLocation></Organization><LastUpdateTime>2026-03-01T10:00:00Z</LastUpdateTime></Hospital></HospitalStatus>`
    );
    expect(haveViolations(parseXml(source))).toEqual([]);
    const broken = (from: string, to: string) => haveViolations(parseXml(source.replace(from, to)));
    expect(broken('<LastUpdateTime>2026-03-01T10:00:00Z</LastUpdateTime>', '')).toEqual([expect.stringContaining('LastUpdateTime missing')]);
    expect(broken('2026-03-01T10:00:00Z', '1 maart')).toEqual([expect.stringContaining("'1 maart' is not allowed")]);
    expect(broken('xmlns:xnl="urn:oasis:names:tc:ciq:xnl:3"', 'xmlns:xnl="urn:oasis:names:tc:ciq:xpil:3"').length).toBeGreaterThan(0);
    expect(broken('<gml:pos>50.8 5.7</gml:pos>', '<gml:pos>50.8</gml:pos>').length).toBe(1);
    expect(broken('<Hospital>', '<Hospital><LastUpdateTime>2026-03-01T10:00:00Z</LastUpdateTime>').length).toBeGreaterThan(0);
    expect(haveViolations(parseXml(`<HospitalStatus xmlns="${HAVE_NAMESPACE}"/>`))).toEqual([expect.stringContaining('Hospital missing')]);
    // The facility and resources status: their value sets and their place before LastUpdateTime.
    const facility = '<HospitalFacilityStatus><FacilityStatus>Evacuating</FacilityStatus></HospitalFacilityStatus><HospitalResourcesStatus><FacilityOperations>Insufficient</FacilityOperations><CommentText>power: out</CommentText></HospitalResourcesStatus>';
    const withStatus = source.replace('<LastUpdateTime>', `${facility}<LastUpdateTime>`);
    expect(haveViolations(parseXml(withStatus))).toEqual([]);
    expect(haveViolations(parseXml(withStatus.replace('>Evacuating<', '>Evacuated<')))).toEqual([expect.stringContaining("'Evacuated' is not allowed")]);
    expect(haveViolations(parseXml(withStatus.replace('>Insufficient<', '>Low<')))).toEqual([expect.stringContaining("'Low' is not allowed")]);
    const swapped = source.replace('<LastUpdateTime>', '<HospitalResourcesStatus></HospitalResourcesStatus><HospitalFacilityStatus></HospitalFacilityStatus><LastUpdateTime>');
    expect(haveViolations(parseXml(swapped)).length).toBeGreaterThan(0);
  });
});

describe('admin can review as well', () => {
  it('an observer and an admin read the review; nobody else', async () => {
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    const observer = await new HttpClient(server.url).signIn('observer', DEMO_PASSWORD);
    expect((await admin.get(`/api/incidents/${incidentId}/metrics`)).status).toBe(200);
    expect((await observer.get(`/api/incidents/${incidentId}/report.html`)).status).toBe(200);
    const socket = connectSocket(server.url, observer.cookie);
    await connected(socket);
    socket.disconnect();
  });
});

describe('the record ends with the session', () => {
  it('opening the closed board later adds nothing to the record; who was on it at the closure is seen leaving', async () => {
    type Event = { type: string; at: string; userName: string };
    const events = async (): Promise<Event[]> => (await ghor.get(`/api/incidents/${incidentId}/events?limit=5000`)).body.data.events;
    const closedAt = (await events()).find((e) => e.type === 'incident-closed')!.at;
    clock = T0 + 300 * MIN;
    const observer = await new HttpClient(server.url).signIn('observer', DEMO_PASSWORD);
    const late = connectBoard(server.url, incidentId, observer.cookie);
    await late.synced();
    // GHOR's board, the coordinator's and the late reader's; then the server has let it leave.
    expect(server.server.rooms.connectedTo(incidentId)).toBe(3);
    late.destroy();
    await waitFor(() => server.server.rooms.connectedTo(incidentId) === 2 || undefined, { what: 'the late reader gone' });
    expect((await events()).filter((e) => e.userName === 'Evaluator' || (e.at > closedAt && e.type === 'joined'))).toEqual([]);

    // The coordinator was on the board when GHOR closed it: that leaving is part of the session.
    coordinatorBoard.destroy();
    await waitFor(async () => (await events()).some((e) => e.type === 'left' && e.at === at(300) && e.userName === 'Crisiscoördinator (demo)'), { what: "the coordinator's leaving recorded" });
  });
});
