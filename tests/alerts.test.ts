import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertNotice, AlertStatus, AlertsWithdrawn } from '../shared/alert';
import type { Coordinator, Location, Organisation } from '../shared/domain';
import { RecordType } from '../server/recorder/incident-log';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { connectSocket, connected, type TestSocket } from './helpers/socket-client';
import { waitFor } from './helpers/wait-for';
import { capViolations } from './helpers/cap-rules';
import { parseXml } from './helpers/xml';

let server: TestServer;
let admin: HttpClient;
let ghor: HttpClient;
let incidentId: string;
let organisations: Organisation[];
let locations: Location[];
/** One connected coordinator account per organisation that has a connected coordinator. */
const coordinators = new Map<string, { client: HttpClient; socket: TestSocket; alerts: AlertNotice[] }>();
let ghorSocket: TestSocket;
const statuses: AlertStatus[] = [];
const PASSWORD = 'coordinator-password';

function listen(socket: TestSocket, into: AlertNotice[]): void {
  socket.on('alert', (notice) => into.push(notice));
}

async function accountFor(organisationId: string, coordinator: Coordinator, username = `c-${organisationId}`): Promise<HttpClient> {
  const created = await admin.post('/api/users', { username, password: PASSWORD, role: 'coordinator', organisationId, coordinatorId: coordinator.id });
  expect(created.status).toBe(201);
  return new HttpClient(server.url).signIn(username, PASSWORD);
}

function sendOverSocket(socket: TestSocket, input: Record<string, unknown>): Promise<any> {
  return socket.emitWithAck('alert:send', { incidentId, ...input } as never);
}

beforeAll(async () => {
  server = await startServer();
  admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
  ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  incidentId = (await ghor.post('/api/incidents', { title: 'Overstroming Maasdal', grip: 2 })).body.data.id;
  ({ organisations, locations } = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network);
  const registry: (Coordinator & { connected: boolean })[] = (await admin.get('/api/coordinators')).body.data;
  for (const organisation of organisations) {
    const coordinator = registry.find((c) => c.organisationId === organisation.id && c.connected);
    if (!coordinator) continue;
    const client = await accountFor(organisation.id, coordinator);
    const socket = connectSocket(server.url, client.cookie);
    const entry = { client, socket, alerts: [] as AlertNotice[] };
    listen(socket, entry.alerts);
    coordinators.set(organisation.id, entry);
  }
  ghorSocket = connectSocket(server.url, ghor.cookie);
  ghorSocket.on('alert:status', (status) => statuses.push(status));
  await Promise.all([...[...coordinators.values()].map((c) => connected(c.socket)), connected(ghorSocket)]);
}, 120000);

afterAll(async () => {
  for (const c of coordinators.values()) c.socket.disconnect();
  ghorSocket?.disconnect();
  await server?.close();
});

/** Sends a probe to everyone and waits until every coordinator has it: whatever came before has arrived too. */
async function flush(): Promise<void> {
  const result = await sendOverSocket(ghorSocket, { message: 'probe', grip: 2, target: { all: true }, exercise: true });
  const id = result.data.alert.id;
  await waitFor(() => [...coordinators.values()].every((c) => c.alerts.some((n) => n.alert.id === id)), { what: 'probe everywhere' });
}

describe('alerting', () => {
  it('has a connected coordinator of each of the 42 organisations online', () => {
    expect(organisations).toHaveLength(42);
    expect(coordinators.size).toBe(42);
  });

  it('an alert to chosen sectors reaches exactly those organisations, and GHOR sees the deliveries', async () => {
    const result = await sendOverSocket(ghorSocket, { message: 'Stroomuitval: meld uw situatie', grip: 2, target: { sectors: ['nursing-care', 'home-ventilation'] } });
    expect(result.error).toBeUndefined();
    const alert = result.data.alert;
    const targeted = organisations.filter((o) => o.sector === 'nursing-care' || o.sector === 'home-ventilation').map((o) => o.id).sort();
    expect([...alert.organisationIds].sort()).toEqual(targeted);
    await waitFor(() => targeted.every((id) => !coordinators.has(id) || coordinators.get(id)!.alerts.some((n) => n.alert.id === alert.id)), { what: 'targeted coordinators' });
    await flush();
    for (const [organisationId, c] of coordinators) {
      expect(c.alerts.some((n) => n.alert.id === alert.id)).toBe(targeted.includes(organisationId));
    }
    const delivered = await waitFor(() => statuses.find((s) => s.alert.id === alert.id && Object.keys(s.alert.deliveredAt).length === targeted.filter((id) => coordinators.has(id)).length));
    expect(Object.keys(delivered!.alert.deliveredAt).sort()).toEqual(targeted.filter((id) => coordinators.has(id)).sort());
  });

  it('an alert to an area reaches the organisations with a location inside it', async () => {
    // A box around Vaals: the expected organisations are computed here with a plain box test.
    const box = { minLat: 50.74, maxLat: 50.8, minLon: 5.98, maxLon: 6.06 };
    const ring = [[box.minLon, box.minLat], [box.maxLon, box.minLat], [box.maxLon, box.maxLat], [box.minLon, box.maxLat], [box.minLon, box.minLat]];
    const expected = [...new Set(locations.filter((l) => l.lat > box.minLat && l.lat < box.maxLat && l.lon > box.minLon && l.lon < box.maxLon).map((l) => l.organisationId))].sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(organisations.length);
    const answer = await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Wateroverlast Vaals', grip: 2, target: { area: { type: 'Polygon', coordinates: [ring] } } });
    expect(answer.status).toBe(201);
    const alert = answer.body.data.alert;
    const cap = await ghor.get(`/api/alerts/${alert.id}/cap.xml`);
    expect(cap.headers.get('content-type')).toContain('application/cap+xml');
    expect(capViolations(parseXml(cap.text))).toEqual([]);
    expect(cap.text).toContain(`<polygon>${box.minLat},${box.minLon} ${box.minLat},${box.maxLon}`);
    expect((await coordinators.values().next().value!.client.get(`/api/alerts/${alert.id}/cap.xml`)).status).toBe(403);
    expect([...alert.organisationIds].sort()).toEqual(expected);
    await flush();
    for (const [organisationId, c] of coordinators) {
      expect(c.alerts.some((n) => n.alert.id === alert.id)).toBe(expected.includes(organisationId));
    }
  });

  it('acknowledgements reach GHOR live, once per organisation', async () => {
    const { data } = await sendOverSocket(ghorSocket, { message: 'Bevestig a.u.b.', grip: 2, target: { all: true } });
    const alertId = data.alert.id;
    const [first, second] = [...coordinators.keys()];
    const ack = (await coordinators.get(first)!.socket.emitWithAck('alert:ack', { alertId, answer: 'yes' })) as any;
    expect(ack.data).toMatchObject({ alertId, organisationId: first, answer: 'yes' });
    const viaRest = await coordinators.get(second)!.client.post(`/api/alerts/${alertId}/ack`, { answer: 'no' });
    expect(viaRest.status).toBe(200);
    const live = await waitFor(() => statuses.find((s) => s.alert.id === alertId && s.acknowledgements.length === 2), { what: 'acks at GHOR' });
    expect(live!.acknowledgements.map((a) => [a.organisationId, a.answer]).sort()).toEqual([[first, 'yes'], [second, 'no']].sort());
    // A second coordinator of the same organisation gets the first acknowledgement back, not a new one.
    const registry: (Coordinator & { connected: boolean })[] = (await admin.get('/api/coordinators')).body.data;
    const colleague = registry.find((c) => c.organisationId === first && c.id !== undefined);
    const other = await accountFor(first, colleague!, `c2-${first}`);
    const again = await other.post(`/api/alerts/${alertId}/ack`, { answer: 'unknown' });
    expect(again.body.data).toMatchObject({ organisationId: first, answer: 'yes', username: `c-${first}` });
    const list = (await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data.find((s: AlertStatus) => s.alert.id === alertId);
    expect(list.acknowledgements).toHaveLength(2);
    const log = (await server.records(incidentId)).filter((r) => r.type === RecordType.event).map((r) => JSON.parse(new TextDecoder().decode(r.payload)));
    expect(log.filter((e) => e.type === 'alert-acked' && e.alertId === alertId)).toHaveLength(2);
    expect(log.some((e) => e.type === 'alert-sent' && e.alertId === alertId)).toBe(true);
  });

  it('a reconnecting coordinator gets the alert it missed, and not the ones it acknowledged', async () => {
    const [organisationId, entry] = [...coordinators].find(([id]) => organisations.find((o) => o.id === id)?.sector === 'hospital')!;
    const acked = await sendOverSocket(ghorSocket, { message: 'Eerder bevestigd', grip: 2, target: { organisationIds: [organisationId] } });
    await waitFor(() => entry.alerts.some((n) => n.alert.id === acked.data.alert.id));
    await entry.socket.emitWithAck('alert:ack', { alertId: acked.data.alert.id, answer: 'no' });
    entry.socket.disconnect();
    const missed = await sendOverSocket(ghorSocket, { message: 'Terwijl u offline was', grip: 3, target: { organisationIds: [organisationId] } });
    expect(missed.data.alert.deliveredAt).toEqual({});
    const back = connectSocket(server.url, entry.client.cookie);
    const received: AlertNotice[] = [];
    listen(back, received);
    await connected(back);
    await waitFor(() => received.some((n) => n.alert.id === missed.data.alert.id), { what: 'missed alert after reconnect' });
    expect(received.some((n) => n.alert.id === acked.data.alert.id)).toBe(false);
    const delivered = await waitFor(() => statuses.find((s) => s.alert.id === missed.data.alert.id && s.alert.deliveredAt[organisationId]));
    expect(delivered).toBeTruthy();
    entry.socket = back;
    entry.alerts = received;
  });

  it('refuses forbidden sends and acknowledgements with an error code', async () => {
    const [own, entry] = [...coordinators][0];
    const send = await sendOverSocket(entry.socket, { message: 'Ik alarmeer zelf', grip: 2, target: { all: true } });
    expect(send.error.code).toBe('forbidden');
    const observer = await new HttpClient(server.url).signIn('observer', DEMO_PASSWORD);
    expect((await observer.post(`/api/incidents/${incidentId}/alerts`, { message: 'x', grip: 2, target: { all: true } })).status).toBe(403);
    const foreign = await sendOverSocket(ghorSocket, { message: 'Alleen voor één ander', grip: 2, target: { organisationIds: [organisations.find((o) => o.id !== own)!.id] } });
    const wrongOrg = (await entry.socket.emitWithAck('alert:ack', { alertId: foreign.data.alert.id, answer: 'yes' })) as any;
    expect(wrongOrg.error.code).toBe('forbidden');
    expect(wrongOrg.error.message).toMatch(/niet aan uw organisatie gericht/);
    const byGhor = await ghor.post(`/api/alerts/${foreign.data.alert.id}/ack`, { answer: 'yes' });
    expect(byGhor.status).toBe(403);
    const badAnswer = (await entry.socket.emitWithAck('alert:ack', { alertId: foreign.data.alert.id, answer: 'maybe' })) as any;
    expect(badAnswer.error.code).toBe('bad-request');
    const badTarget = await sendOverSocket(ghorSocket, { message: 'x', grip: 9, target: { sectors: ['bakery'] } });
    expect(badTarget.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['grip', 'target']);
    const nobody = await sendOverSocket(ghorSocket, { message: 'x', grip: 2, target: { organisationIds: ['org-999'] } });
    expect(nobody.error.message).toMatch(/geen enkele organisatie/);
    const list = (await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[];
    expect(list.some((s) => s.alert.message === 'Ik alarmeer zelf')).toBe(false);
    expect(list.find((s) => s.alert.id === foreign.data.alert.id)!.acknowledgements).toEqual([]);
  });

  it('closing an incident takes its alerts off the coordinators’ screens; an answer after it is refused and writes nothing', async () => {
    const [[first, a], [second, b], [third, c]] = [...coordinators];
    const title = 'Gaslek Kerkrade';
    const closing = (await ghor.post('/api/incidents', { title, grip: 2 })).body.data.id as string;
    const sent = (await ghor.post(`/api/incidents/${closing}/alerts`, { message: 'Meld of u getroffen bent.', grip: 2, target: { organisationIds: [first, second] } })).body.data.alert.id as string;
    await waitFor(() => a.alerts.some((n) => n.alert.id === sent) && b.alerts.some((n) => n.alert.id === sent), { what: 'the alert at both organisations' });
    const withdrawn = new Map<string, AlertsWithdrawn[]>([first, second, third].map((id) => [id, []]));
    for (const [id, entry] of [[first, a], [second, b], [third, c]] as const) entry.socket.on('alerts:withdrawn', (notice) => withdrawn.get(id)!.push(notice));

    expect((await ghor.post(`/api/incidents/${closing}/close`, {})).status).toBe(200);
    await waitFor(() => withdrawn.get(first)!.length > 0 && withdrawn.get(second)!.length > 0, { what: 'both organisations told' });
    expect(withdrawn.get(first)).toEqual([{ incidentId: closing, incidentTitle: title, alertIds: [sent], why: 'closed' }]);
    // The third was not alerted: a call on its socket comes back after anything sent to it before.
    await c.socket.emitWithAck('alerts:pending');
    expect(withdrawn.get(third)).toEqual([]);

    // A banner still open, or an answer kept on a device, answers after the closure: refused, both ways.
    const late = await a.client.post(`/api/alerts/${sent}/ack`, { answer: 'no' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe('Dit incident is gesloten; antwoorden kan niet meer.');
    const overSocket = (await b.socket.emitWithAck('alert:ack', { alertId: sent, answer: 'no' })) as any;
    expect(overSocket.error).toMatchObject({ code: 'conflict', message: 'Dit incident is gesloten; antwoorden kan niet meer.' });
    // Nothing of the answers recorded, before the closure or after it, and no "not hit" reports on the closed board.
    const log = (await server.records(closing)).map((r) => (r.type === RecordType.event ? (JSON.parse(new TextDecoder().decode(r.payload)) as { type: string }).type : r.type === RecordType.update ? 'update' : 'checkpoint'));
    expect(log).toContain('incident-closed');
    expect(log.filter((type) => ['alert-acked', 'not-hit', 'changed'].includes(type))).toEqual([]);
    expect(log.slice(log.indexOf('incident-closed')).filter((type) => type === 'update')).toEqual([]);
    const reports = (await ghor.get(`/api/incidents/${closing}/state?format=json`)).body.data.reports as Record<string, { impact?: string }>;
    expect(Object.values(reports).filter((r) => r.impact === 'none')).toEqual([]);
    expect(((await ghor.get(`/api/incidents/${closing}/alerts`)).body.data as AlertStatus[])[0].acknowledgements).toEqual([]);
    expect(((await a.client.get('/api/alerts/pending')).body.data as AlertNotice[]).some((n) => n.alert.id === sent)).toBe(false);
  });

  it('GHOR takes down by phone the answer of an organisation that did not answer: it counts, its banner goes, and "not hit" is written on its behalf', async () => {
    const [[phoned, entry], [answered, early], [silent]] = [...coordinators];
    const acked: { alertId: string; organisationId: string }[] = [];
    entry.socket.on('alert:acked', (ack) => acked.push(ack));
    const title = 'Brand Beek';
    const id = (await ghor.post('/api/incidents', { title, grip: 2 })).body.data.id as string;
    const alertId = (await ghor.post(`/api/incidents/${id}/alerts`, { message: 'Meld of u getroffen bent.', grip: 2, target: { organisationIds: [phoned, answered] } })).body.data.alert.id as string;
    await waitFor(() => entry.alerts.some((n) => n.alert.id === alertId), { what: 'the alert at the organisation' });
    expect((await early.client.post(`/api/alerts/${alertId}/ack`, { answer: 'yes' })).status).toBe(200);

    // Checked at the edge: the role, the body, the organisation.
    expect((await entry.client.post(`/api/alerts/${alertId}/answers`, { organisationId: phoned, answer: 'no' })).status).toBe(403);
    const bad = await ghor.post(`/api/alerts/${alertId}/answers`, { answer: 'misschien' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/organisationId.*verplicht|answer/);
    const foreign = await ghor.post(`/api/alerts/${alertId}/answers`, { organisationId: silent, answer: 'no' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toBe('Dit alarm is niet aan deze organisatie gericht; kies een organisatie uit de lijst van het alarm.');
    expect((await ghor.post('/api/alerts/alert-00000000-none/answers', { organisationId: phoned, answer: 'no' })).status).toBe(404);

    const taken = await ghor.post(`/api/alerts/${alertId}/answers`, { organisationId: phoned, answer: 'no' });
    expect(taken.status).toBe(201);
    expect(taken.body.data).toMatchObject({ first: true, ack: { organisationId: phoned, answer: 'no', via: 'phone', username: 'ghor' } });
    // The organisation's own banner lets the alert go, as after a colleague's answer.
    await waitFor(() => acked.some((a) => a.alertId === alertId && a.organisationId === phoned), { what: 'the answer at the organisation' });
    // An answer already there stands, whoever takes one down after it.
    const late = await ghor.post(`/api/alerts/${alertId}/answers`, { organisationId: answered, answer: 'no' });
    expect(late.status).toBe(200);
    expect(late.body.data).toMatchObject({ first: false, ack: { organisationId: answered, answer: 'yes', via: 'app' } });
    expect((await entry.client.post(`/api/alerts/${alertId}/ack`, { answer: 'yes' })).body.data).toMatchObject({ answer: 'no', via: 'phone' });

    const log = (await server.records(id)).filter((r) => r.type === RecordType.event).map((r) => JSON.parse(new TextDecoder().decode(r.payload)));
    expect(log.filter((e) => e.type === 'alert-acked').map((e) => [e.organisationId, e.answer, e.via])).toEqual([[answered, 'yes', 'app'], [phoned, 'no', 'phone']]);
    // "Not hit" as reports on the organisation's locations, stamped as written on its behalf.
    const own = locations.filter((l) => l.organisationId === phoned).map((l) => l.id);
    await waitFor(async () => {
      const reports = (await ghor.get(`/api/incidents/${id}/state?format=json`)).body.data.reports as Record<string, { impact?: string; stamp?: { onBehalf: boolean } }>;
      return own.every((l) => reports[l]?.impact === 'none' && reports[l]?.stamp?.onBehalf === true);
    }, { what: 'not-hit reports on behalf' });

    // Once the incident is closed, nothing more is taken down.
    expect((await ghor.post(`/api/incidents/${id}/close`, {})).status).toBe(200);
    expect((await ghor.post(`/api/alerts/${alertId}/answers`, { organisationId: phoned, answer: 'yes' })).status).toBe(409);
  });

  it('sends once per request id, and a follow-up references the first alert', async () => {
    const input = { message: 'Eén keer', grip: 2, target: { all: true }, requestId: 'req-42' };
    const [a, b] = await Promise.all([sendOverSocket(ghorSocket, input), ghor.post(`/api/incidents/${incidentId}/alerts`, input).then((r) => r.body)]);
    expect(a.data.alert.id).toBe(b.data.alert.id);
    const list = (await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[];
    expect(list.filter((s) => s.alert.requestId === 'req-42')).toHaveLength(1);
    const followUp = await sendOverSocket(ghorSocket, { message: 'Opschaling naar GRIP 3', grip: 3, target: { all: true }, msgType: 'Update', references: a.data.alert.id });
    expect(followUp.data.alert).toMatchObject({ msgType: 'Update', references: a.data.alert.id });
    const orphan = await sendOverSocket(ghorSocket, { message: 'Alles veilig', grip: 0, target: { all: true }, msgType: 'Cancel' });
    expect(orphan.error.details[0].path).toBe('references');
  });

  it('does not deliver to a coordinator who has not finished the digital introduction', async () => {
    const registry: (Coordinator & { connected: boolean })[] = (await admin.get('/api/coordinators')).body.data;
    const pending = registry.find((c) => !c.connected)!;
    const client = await accountFor(pending.organisationId, pending, `pending-${pending.id}`);
    const socket = connectSocket(server.url, client.cookie);
    const received: AlertNotice[] = [];
    listen(socket, received);
    await connected(socket);
    await flush();
    expect(received).toEqual([]);
    // Nor does the banner's own list, which a tab asks for when it connects.
    expect(((await socket.emitWithAck('alerts:pending')) as { data: AlertNotice[] }).data).toEqual([]);
    // The REST list still shows it, so the coordinator can read what GHOR sent once phoned.
    expect((await client.get('/api/alerts/pending')).body.data.length).toBeGreaterThan(0);
    socket.disconnect();
  });

  it('refuses a socket without a session or from a foreign Origin', async () => {
    // Refused at the engine.io handshake (sessions before sockets), before socket.io sees it.
    const anonymous = connectSocket(server.url, '');
    await expect(connected(anonymous)).rejects.toThrow();
    expect(anonymous.connected).toBe(false);
    anonymous.disconnect();
    const foreign = connectSocket(server.url, ghor.cookie, { origin: 'https://evil.example' });
    await expect(connected(foreign)).rejects.toThrow();
    foreign.disconnect();
  });
});
