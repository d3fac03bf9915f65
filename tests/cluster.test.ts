import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertsWithdrawn } from '../shared/alert';
import * as Y from 'yjs';
import { addNeed, readReport, setReport, updateNeed } from '../shared/incident-doc';
import { CloseCodes } from '../shared/wire';
import { RecordType } from '../server/recorder/incident-log';
import { replayRecords } from '../server/recorder/replay-state';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { connectSocket, connected } from './helpers/socket-client';
import { waitFor } from './helpers/wait-for';
import { startSmtpPeer } from './helpers/smtp-peer';
import { connectBoard, type BoardClient } from './helpers/yjs-client';
import { TEST_REDIS, createTestDatabase, dropTestDatabase, testDatabaseUrl } from './helpers/test-store';
import { startBalancer } from './helpers/balancer';
import { startProcessServer } from './helpers/process-server';
import pg from 'pg';

// Several servers on one PostgreSQL database, told of each other through Redis
// (docs/architecture.md, "One order per incident across servers"), with stock clients. These
// run on PostgreSQL and Redis whatever project runs them: that is what they are about.

const database = `zorgbeeld_test_cluster_${randomBytes(6).toString('hex')}`;
let a: TestServer;
let b: TestServer;
let c: TestServer;
let incidentId: string;
let ghorCookie: string;
let coordinatorCookie: string;
let observerCookie: string;
let ownOrg: string;
let ownLocation: string;
let otherLocation: string;
const boards: BoardClient[] = [];

const board = (server: TestServer, cookie: string) => {
  const client = connectBoard(server.url, incidentId, cookie);
  boards.push(client);
  return client;
};
const decode = (payload: Uint8Array) => JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;

beforeAll(async () => {
  a = await startServer({ database });
  // The others find the region the first one seeded; seeding again would find it there.
  [b, c] = await Promise.all([startServer({ database, seed: false }), startServer({ database, seed: false })]);
  const ghor = await new HttpClient(a.url).signIn('ghor', DEMO_PASSWORD);
  ghorCookie = ghor.cookie;
  // Signed in on one server, the session holds on every other.
  coordinatorCookie = (await new HttpClient(b.url).signIn('coordinator', DEMO_PASSWORD)).cookie;
  observerCookie = (await new HttpClient(c.url).signIn('observer', DEMO_PASSWORD)).cookie;
  incidentId = (await ghor.post('/api/incidents', { title: 'Drie servers', grip: 2 })).body.data.id;
  const coordinator = new HttpClient(c.url);
  coordinator.cookie = coordinatorCookie;
  ownOrg = (await coordinator.get('/api/me')).body.data.organisationId;
  const { network } = (await coordinator.get(`/api/incidents/${incidentId}`)).body.data;
  ownLocation = network.locations.find((l: { organisationId: string }) => l.organisationId === ownOrg).id;
  otherLocation = network.locations.find((l: { organisationId: string }) => l.organisationId !== ownOrg).id;
});

afterAll(async () => {
  for (const client of boards) client.destroy();
  await Promise.all([b?.close({ keepData: true }), c?.close({ keepData: true })]);
  await a?.close();
});

describe('several servers on one database', () => {
  it('a client on one server sees a write made on another, recorded once, stamped once', async () => {
    const writer = board(b, coordinatorCookie);
    const readerA = board(a, ghorCookie);
    const readerC = board(c, observerCookie);
    await Promise.all([writer.synced(), readerA.synced(), readerC.synced()]);
    setReport(writer.doc, ownLocation, { impact: 'major', bedsFree: 3, remarks: 'via B' });
    for (const reader of [readerA, readerC, writer]) {
      await waitFor(() => readReport(reader.doc, ownLocation).stamp?.by === 'coordinator', { what: 'the stamped report everywhere' });
    }
    expect(readReport(readerA.doc, ownLocation)).toMatchObject({ impact: 'major', bedsFree: 3, remarks: 'via B' });
    const records = await a.records(incidentId);
    const changes = records.filter((r) => r.type === RecordType.event).map((r) => decode(r.payload)).filter((e) => e.type === 'changed' && e.username === 'coordinator');
    expect(changes).toHaveLength(1);
    // One order: sequence numbers 1, 2, 3, … without a gap or a double.
    expect(records.map((r) => r.index)).toEqual(records.map((_, i) => i + 1));
  });

  it('the administrator sees what each incident’s log takes in the database, whichever server answers', async () => {
    const { cookie } = await new HttpClient(b.url).signIn('admin', ADMIN_PASSWORD);
    const payloadBytes = (await a.records(incidentId)).reduce((sum, r) => sum + r.payload.byteLength, 0);
    expect(payloadBytes).toBeGreaterThan(0);
    // One server has the room loaded, the other not: both count the same records.
    for (const server of [a, c]) {
      const admin = new HttpClient(server.url);
      admin.cookie = cookie;
      const storage = await admin.get('/api/storage');
      expect(storage.status).toBe(200);
      const row = (storage.body.data.incidents as { incidentId: string; logBytes: number }[]).find((i) => i.incidentId === incidentId);
      expect(row?.logBytes).toBe(payloadBytes);
    }
  });

  it('a coordinator files a need on one server while GHOR handles it on another: both converge, each change gated once', async () => {
    const coordinator = board(a, coordinatorCookie);
    const ghor = board(b, ghorCookie);
    await Promise.all([coordinator.synced(), ghor.synced()]);
    const needId = `need-${randomBytes(4).toString('hex')}`;
    addNeed(coordinator.doc, { id: needId, organisationId: ownOrg, kind: 'transport', urgency: 'high', status: 'open', createdBy: 'coordinator', createdAt: new Date().toISOString() });
    await waitFor(() => ghor.doc.getMap('needs').has(needId), { what: 'the need on the GHOR side' });
    // At the same moment, on two servers: the coordinator raises the urgency, GHOR takes it on.
    updateNeed(coordinator.doc, needId, { urgency: 'immediate' });
    updateNeed(ghor.doc, needId, { status: 'in-progress' });
    const settled = (doc: Y.Doc) => {
      const need = (doc.getMap('needs').get(needId) as Y.Map<unknown> | undefined)?.toJSON();
      return need?.urgency === 'immediate' && need?.status === 'in-progress';
    };
    await waitFor(() => settled(coordinator.doc) && settled(ghor.doc), { what: 'both changes on both sides' });
    const server = board(c, observerCookie);
    await server.synced();
    expect(settled(server.doc)).toBe(true);
    const changed = (await c.records(incidentId))
      .filter((r) => r.type === RecordType.event)
      .map((r) => decode(r.payload))
      .filter((e) => e.type === 'changed' && (e.needs as { needId: string }[]).some((n) => n.needId === needId));
    expect(changed.map((e) => e.username).sort()).toEqual(['coordinator', 'coordinator', 'ghor']);
  });

  it('a forbidden write arriving at any server is refused as on the first, and leaves nothing anywhere', async () => {
    const before = (await a.records(incidentId)).length;
    const watcher = board(a, ghorCookie);
    await watcher.synced();
    for (const server of [a, b, c]) {
      const coordinator = board(server, coordinatorCookie);
      await coordinator.synced();
      setReport(coordinator.doc, otherLocation, { remarks: `forbidden via ${server.url}` });
      await waitFor(() => coordinator.closes.some((close) => close.code === CloseCodes.Forbidden.code), { what: `the refusal on ${server.url}` });
      coordinator.destroy();
    }
    // What the three refusals left: joined and left events, no update, nothing on the board.
    const after = (await a.records(incidentId)).slice(before);
    expect(after.filter((r) => r.type === RecordType.update)).toEqual([]);
    expect(readReport(watcher.doc, otherLocation).remarks ?? '').not.toContain('forbidden');
  });

  it('failed sign-ins on one server slow down the next attempt on another', async () => {
    const wrong = (server: TestServer) => fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify({ username: 'admin', password: 'not the password' }) });
    // Five free failures for an account from one address (DEFAULT_SIGN_IN_LIMITS), then a delay.
    for (let i = 0; i < 5; i++) expect((await wrong(a)).status).toBe(401);
    const elsewhere = await wrong(b);
    expect(elsewhere.status).toBe(429);
    expect(Number(elsewhere.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('awareness crosses servers: who is on the board shows on every server', async () => {
    const here = board(a, ghorCookie);
    const there = board(c, observerCookie);
    await Promise.all([here.synced(), there.synced()]);
    here.provider.awareness.setLocalStateField('focus', ownLocation);
    await waitFor(() => [...there.provider.awareness.getStates().values()].some((s) => (s as { focus?: string }).focus === ownLocation), { what: 'the focus on the other server' });
    const state = [...there.provider.awareness.getStates().values()].find((s) => (s as { focus?: string }).focus === ownLocation) as { user: { name: string } };
    // The server wrote the sender's true identity into the state, before it crossed over.
    expect(state.user.name).toBeTruthy();
  });

  it('GHOR sees who is online on every server, and sees them go', async () => {
    const ghorSocket = connectSocket(a.url, ghorCookie);
    const seen: { userId: string }[][] = [];
    ghorSocket.on('presence', (online) => seen.push(online));
    const observerSocket = connectSocket(b.url, observerCookie);
    await Promise.all([connected(ghorSocket), connected(observerSocket)]);
    const coordinatorSocket = connectSocket(c.url, coordinatorCookie);
    await connected(coordinatorSocket);
    const users = (online: { userId: string }[] | undefined) => new Set((online ?? []).map((u) => u.userId));
    const me = async (cookie: string) => {
      const client = new HttpClient(a.url);
      client.cookie = cookie;
      return (await client.get('/api/me')).body.data.id as string;
    };
    const [ghorId, observerId, coordinatorId] = await Promise.all([me(ghorCookie), me(observerCookie), me(coordinatorCookie)]);
    try {
      // Announced by the server the coordinator joined, counted on all three.
      await waitFor(() => [ghorId, observerId, coordinatorId].every((id) => users(seen.at(-1)).has(id)), { what: 'all three in the presence list' });
      coordinatorSocket.disconnect();
      await waitFor(() => !users(seen.at(-1)).has(coordinatorId), { what: 'the coordinator gone from the list' });
      // Told by the coordinator's server, which holds neither of the others.
      expect(users(seen.at(-1))).toEqual(new Set([ghorId, observerId]));
    } finally {
      for (const socket of [ghorSocket, observerSocket, coordinatorSocket]) socket.disconnect();
    }
  });

  it('an alert sent on one server reaches a coordinator on another, whose answer reaches GHOR on a third; its messages go out once', async () => {
    const coordinatorSocket = connectSocket(c.url, coordinatorCookie);
    const ghorSocket = connectSocket(b.url, ghorCookie);
    const alerts: { alertId: string }[] = [];
    const statuses: { acknowledgements: { organisationId: string }[]; alert: { id: string } }[] = [];
    coordinatorSocket.on('alert', (notice) => alerts.push({ alertId: notice.alert.id }));
    ghorSocket.on('alert:status', (status) => statuses.push(status as never));
    await Promise.all([connected(coordinatorSocket), connected(ghorSocket)]);
    try {
      const ghor = new HttpClient(a.url);
      ghor.cookie = ghorCookie;
      const sent = await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Stroomstoring', grip: 2, target: { all: true } });
      expect(sent.status).toBe(201);
      const alertId = sent.body.data.alert.id as string;
      await waitFor(() => alerts.some((n) => n.alertId === alertId), { what: 'the alert on the coordinator’s server' });
      const ack = (await coordinatorSocket.emitWithAck('alert:ack', { alertId, answer: 'yes' })) as { data?: { organisationId: string } };
      expect(ack.data?.organisationId).toBe(ownOrg);
      await waitFor(() => statuses.some((s) => s.alert.id === alertId && s.acknowledgements.some((x) => x.organisationId === ownOrg)), { what: 'the answer at GHOR on the third server' });
      const events = (await b.records(incidentId)).filter((r) => r.type === RecordType.event).map((r) => decode(r.payload));
      expect(events.filter((e) => e.type === 'alert-acked' && e.alertId === alertId)).toHaveLength(1);
      // Delivered in the app: the coordinator was online, on another server than the sender.
      await waitFor(async () => (await b.records(incidentId)).some((r) => r.type === RecordType.event && decode(r.payload).type === 'alert-delivered' && decode(r.payload).organisationId === ownOrg), { what: 'the delivery in the app' });
    } finally {
      coordinatorSocket.disconnect();
      ghorSocket.disconnect();
    }
  });

  it('two answers for one organisation at the same moment on two servers: the first stands on both, recorded once', async () => {
    const onB = connectSocket(b.url, coordinatorCookie);
    const onC = connectSocket(c.url, coordinatorCookie);
    await Promise.all([connected(onB), connected(onC)]);
    const ghor = new HttpClient(a.url);
    ghor.cookie = ghorCookie;
    try {
      const standing = new Map<string, string>();
      for (let round = 0; round < 12; round++) {
        const alertId = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: `Vraag ${round}`, grip: 2, target: { organisationIds: [ownOrg] } })).body.data.alert.id as string;
        // "Ja" on one device and "Weet nog niet" on another, sent together to two servers.
        const [yes, unknown] = (await Promise.all([onB.emitWithAck('alert:ack', { alertId, answer: 'yes' }), onC.emitWithAck('alert:ack', { alertId, answer: 'unknown' })])) as { data: { answer: string; at: string } }[];
        expect(unknown.data).toEqual(yes.data);
        expect(await a.store.get('acknowledgements', `${alertId}:${ownOrg}`)).toMatchObject(yes.data);
        standing.set(alertId, yes.data.answer);
      }
      // The log has each alert's standing answer, and no other.
      const acked = async () => (await a.records(incidentId)).filter((r) => r.type === RecordType.event).map((r) => decode(r.payload)).filter((e) => e.type === 'alert-acked' && standing.has(String(e.alertId)));
      await waitFor(async () => new Set((await acked()).map((e) => e.alertId)).size === standing.size, { what: 'every answer in the log' });
      expect((await acked()).map((e) => `${e.alertId}:${e.answer}`).sort()).toEqual([...standing].map(([id, answer]) => `${id}:${answer}`).sort());
    } finally {
      onB.disconnect();
      onC.disconnect();
    }
  });

  it('an answer on one server and the closure on another at the same moment: the answer is in the log before the closure, or refused', async () => {
    const onB = connectSocket(b.url, coordinatorCookie);
    await connected(onB);
    const ghor = new HttpClient(a.url);
    ghor.cookie = ghorCookie;
    const outcomes = { before: 0, refused: 0 };
    try {
      for (let round = 0; round < 15; round++) {
        const id = (await ghor.post('/api/incidents', { title: `Sluiten ${round}`, grip: 1 })).body.data.id as string;
        const alertId = (await ghor.post(`/api/incidents/${id}/alerts`, { message: 'Getroffen?', grip: 1, target: { organisationIds: [ownOrg] } })).body.data.alert.id as string;
        // The board open on both servers: each records in its room's turns, not at the log's end.
        const open = [connectBoard(a.url, id, ghorCookie), connectBoard(b.url, id, coordinatorCookie)];
        await Promise.all(open.map((client) => client.synced()));
        const [closed, answered] = await Promise.all([ghor.post(`/api/incidents/${id}/close`, {}), onB.emitWithAck('alert:ack', { alertId, answer: 'no' }) as Promise<{ data?: unknown; error?: { code: string } }>]);
        expect(closed.status).toBe(200);
        const types = async () => (await a.records(id)).filter((r) => r.type === RecordType.event).map((r) => String(decode(r.payload).type));
        await waitFor(async () => (await types()).includes('incident-closed'), { what: 'the closure in the log' });
        const log = await types();
        const end = log.indexOf('incident-closed');
        if (answered.data) {
          outcomes.before++;
          // The answer, and the "not hit" it writes as reports, come before the end, never after it.
          await waitFor(async () => (await types()).includes('not-hit'), { what: 'the not-hit reports' });
          const after = await types();
          expect(after.indexOf('alert-acked')).toBeLessThan(end);
          expect(after.indexOf('not-hit')).toBeLessThan(end);
        } else {
          outcomes.refused++;
          expect(answered.error?.code).toBe('conflict');
          expect(log).not.toContain('alert-acked');
        }
        expect(log.slice(end + 1).filter((t) => t === 'alert-acked' || t === 'not-hit')).toEqual([]);
        for (const client of open) client.destroy();
      }
      expect(outcomes.before + outcomes.refused).toBe(15);
    } finally {
      onB.disconnect();
    }
  });

  it('closing the incident on one server stops writes on the others, and takes its alert off a banner on a third', async () => {
    const writer = board(c, coordinatorCookie);
    await writer.synced();
    const ghor = new HttpClient(b.url);
    ghor.cookie = ghorCookie;
    const coordinatorSocket = connectSocket(c.url, coordinatorCookie);
    const withdrawn: AlertsWithdrawn[] = [];
    coordinatorSocket.on('alerts:withdrawn', (w) => withdrawn.push(w));
    await connected(coordinatorSocket);
    const alertId = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Nog een vraag', grip: 2, target: { organisationIds: [ownOrg] } })).body.data.alert.id as string;
    const closer = new HttpClient(a.url);
    closer.cookie = ghorCookie;
    expect((await closer.post(`/api/incidents/${incidentId}/close`, {})).status).toBe(200);
    try {
      await waitFor(() => withdrawn.some((w) => w.alertIds.includes(alertId) && w.why === 'closed'), { what: 'the alert withdrawn on the coordinator’s server' });
      const late = (await coordinatorSocket.emitWithAck('alert:ack', { alertId, answer: 'no' })) as { error?: { code: string } };
      expect(late.error?.code).toBe('conflict');
    } finally {
      coordinatorSocket.disconnect();
    }
    const before = (await a.records(incidentId)).filter((r) => r.type === RecordType.update).length;
    setReport(writer.doc, ownLocation, { remarks: 'na het sluiten' });
    await waitFor(() => writer.closes.some((close) => close.code === CloseCodes.Closed.code), { what: 'the refusal after closing' });
    expect((await a.records(incidentId)).filter((r) => r.type === RecordType.update).length).toBe(before);
  });
});

describe('limits across servers', () => {
  const own = `zorgbeeld_test_limits_${randomBytes(6).toString('hex')}`;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    const limits = { yjsRefusalsPerMinute: 2, reach: { linkGuard: { badTokens: 6, windowMs: 60000 } } };
    first = await startServer({ database: own, ...limits });
    second = await startServer({ database: own, seed: false, ...limits });
  });
  afterAll(async () => {
    await second?.close({ keepData: true });
    await first?.close();
  });

  it('writes refused on one server make the next join on another wait (4530)', async () => {
    const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
    const coordinator = await new HttpClient(second.url).signIn('coordinator', DEMO_PASSWORD);
    const incident = (await ghor.post('/api/incidents', { title: 'Geweigerd, elders', grip: 2 })).body.data.id as string;
    const mine = (await coordinator.get('/api/me')).body.data.organisationId as string;
    const { locations } = (await ghor.get(`/api/incidents/${incident}`)).body.data.network;
    const foreign = locations.find((l: { organisationId: string }) => l.organisationId !== mine).id as string;
    const join = (server: TestServer) => {
      const client = connectBoard(server.url, incident, coordinator.cookie);
      boards.push(client);
      return client;
    };
    for (let i = 0; i < 2; i++) {
      const refused = join(first);
      await refused.synced();
      setReport(refused.doc, foreign, { remarks: `niet van mij ${i}` });
      expect((await waitFor(() => refused.closes[0], { what: 'the refusal' })).code).toBe(CloseCodes.Forbidden.code);
      refused.destroy();
    }
    const elsewhere = join(second);
    expect((await waitFor(() => elsewhere.closes[0], { what: 'the wait on the other server' })).code).toBe(CloseCodes.TooManyJoins.code);
    // Others are not held up by it, on either server.
    const other = connectBoard(second.url, incident, ghor.cookie);
    boards.push(other);
    await other.synced();
    expect(other.closes).toEqual([]);
  });

  it('wrong answer links tried on one server count on the other', async () => {
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: first.url }, body: 'answer=no' };
    const statuses: number[] = [];
    for (const [i, server] of [first, second, first, second, first, second, first, second].entries()) {
      const token = `${String(i).padStart(12, 'x')}AAAAAAAAAAA`;
      statuses.push((await fetch(`${server.url}/a/${token}`, { ...form, headers: { ...form.headers, origin: server.url } })).status);
    }
    // Six wrong tokens in all, three on each server, then every server says wait.
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 429, 429]);
  });
});

describe('checkpoints on a shared log', () => {
  it('a checkpoint holds what another server appended between the change that asked for it and its turn', async () => {
    const own = `zorgbeeld_test_checkpoint_turn_${randomBytes(6).toString('hex')}`;
    const server = await startServer({ database: own });
    const holder = new pg.Client({ connectionString: testDatabaseUrl(own) });
    try {
      const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
      const incident = (await ghor.post('/api/incidents', { title: 'Volgorde', grip: 1 })).body.data.id as string;
      const room = (await server.server.rooms.get(incident))!;
      await holder.connect();
      // Another server's turn: it holds the incident's order while the room asks for a checkpoint.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(7441031, hashtext($1))', [incident]);
      room.checkpoint();
      const written = room.settled();
      const other = new Y.Doc();
      other.getMap('probe').set('from', 'the other server');
      const head = Number((await holder.query('SELECT max(seq) AS head FROM incident_records WHERE incident_id = $1', [incident])).rows[0].head);
      await holder.query('INSERT INTO incident_records (incident_id, seq, type, time, author, payload) VALUES ($1, $2, $3, $4, $5, $6)', [incident, head + 1, RecordType.update, Date.now(), 'server', Buffer.from(Y.encodeStateAsUpdate(other))]);
      await holder.query('COMMIT');
      await written;
      const records = await server.records(incident);
      const last = records.findLastIndex((r) => r.type === RecordType.checkpoint);
      expect(last).toBeGreaterThan(records.findIndex((r) => r.index === head + 1));
      // Loading from that checkpoint alone gives what the other server wrote before it.
      const replayed = replayRecords(records.slice(last), () => {});
      expect(replayed.doc.getMap('probe').get('from')).toBe('the other server');
      replayed.doc.destroy();
    } finally {
      await holder.end();
      await server.close();
    }
  });

  it('hold every record before them, also what another server appended while one was waiting to be written', async () => {
    const own = `zorgbeeld_test_checkpoints_${randomBytes(6).toString('hex')}`;
    // A checkpoint after every 3 updates: with writers on both servers, most of them are taken
    // while the other server's records come in.
    const first = await startServer({ database: own, checkpointEvery: 3 });
    const second = await startServer({ database: own, seed: false, checkpointEvery: 3 });
    const clients: BoardClient[] = [];
    try {
      const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
      const incident = (await ghor.post('/api/incidents', { title: 'Checkpoints', grip: 1 })).body.data.id as string;
      const locations = ((await ghor.get(`/api/incidents/${incident}`)).body.data.network.locations as { id: string }[]).slice(0, 10).map((l) => l.id);
      for (const i of locations.keys()) clients.push(connectBoard((i % 2 === 0 ? first : second).url, incident, ghor.cookie));
      const watchers = [connectBoard(first.url, incident, ghor.cookie), connectBoard(second.url, incident, ghor.cookie)];
      clients.push(...watchers);
      await Promise.all(clients.map((client) => client.synced()));
      // Rounds one after the other without waiting: the servers' turns overlap.
      for (let round = 1; round <= 20; round++) {
        clients.slice(0, locations.length).forEach((client, i) => setReport(client.doc, locations[i], { bedsFree: round }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await waitFor(() => watchers.every((w) => locations.every((l) => readReport(w.doc, l).bedsFree === 20)), { what: 'the last round on both servers' });
      const records = await first.records(incident);
      const checkpoints = records.flatMap((r, i) => (r.type === RecordType.checkpoint ? [i] : []));
      // Under load one turn carries many updates, and asks for one checkpoint at most.
      expect(checkpoints.length).toBeGreaterThan(2);
      // From the log alone, from each of its checkpoints: every last value is there and nothing
      // waits for a record the checkpoint should have held.
      const broken = checkpoints.filter((at) => {
        const replayed = replayRecords(records.slice(at), () => {});
        const whole = replayed.doc.store.pendingStructs === null && locations.every((l) => readReport(replayed.doc, l).bedsFree === 20);
        replayed.doc.destroy();
        return !whole;
      });
      expect(broken).toEqual([]);
      const replayed = replayRecords(records, () => {});
      replayed.doc.destroy();
    } finally {
      clients.forEach((client) => client.destroy());
      await Promise.all([first.close({ keepData: true }), second.close({ keepData: true })]);
      await dropTestDatabase(own);
    }
  });
});

describe('the work done once: the outbox and the escalation', () => {
  // About 200 mails per alert through the relay: 2–3 s alone, beyond 10 s once with the whole suite
  // and another test run beside it on two cores.
  const MAILS_SENT_MS = 25000;
  it('one server sends each message; when it stops, another takes the duty over and sends what follows', async () => {
    const smtp = await startSmtpPeer();
    const own = `zorgbeeld_test_duty_${randomBytes(6).toString('hex')}`;
    const reach = { smtp: { url: smtp.url, from: 'ghor@zorgbeeld.test' }, outboxTickMs: 50, escalationTickMs: 60000 };
    const first = await startServer({ database: own, reach });
    const second = await startServer({ database: own, seed: false, reach });
    const servers = [first, second];
    try {
      await waitFor(() => servers.some((s) => s.logs.some((l) => l.startsWith('duty: this server sends'))), { what: 'a server on duty' });
      const onDuty = servers.find((s) => s.logs.some((l) => l.startsWith('duty: this server sends')))!;
      const other = onDuty === first ? second : first;
      const ghor = await new HttpClient(other.url).signIn('ghor', DEMO_PASSWORD);
      const incident = (await ghor.post('/api/incidents', { title: 'Dienst', grip: 1 })).body.data.id as string;
      const mailsOf = (alertId: string) => smtp.mails.filter((m) => m.mail.headers.get('x-zorgbeeld-alert') === alertId);
      const outboxOf = async (alertId: string) => (await other.store.list('outbox')).filter((m) => m.alertId === alertId && m.channel === 'email');
      // Sent on the server that is not on duty: the one on duty hands the mails over, each once.
      const alertId = (await ghor.post(`/api/incidents/${incident}/alerts`, { message: 'Eén keer', grip: 1, target: { all: true } })).body.data.alert.id as string;
      await waitFor(async () => (await outboxOf(alertId)).length > 0 && (await outboxOf(alertId)).every((m) => m.state === 'sent'), { what: 'every mail sent', timeoutMs: MAILS_SENT_MS });
      const messages = await outboxOf(alertId);
      await waitFor(() => mailsOf(alertId).length >= messages.length, { what: 'the mails at the relay' });
      const ids = mailsOf(alertId).map((m) => m.mail.messageId);
      expect(ids).toHaveLength(messages.length);
      expect(new Set(ids).size).toBe(ids.length);
      // The server on duty stops; the other takes over and sends the next alert's mails.
      await onDuty.close({ keepData: true });
      await waitFor(() => other.logs.some((l) => l.startsWith('duty: this server sends')), { what: 'the duty taken over' });
      const next = (await ghor.post(`/api/incidents/${incident}/alerts`, { message: 'Nog een keer', grip: 1, target: { all: true } })).body.data.alert.id as string;
      await waitFor(async () => (await outboxOf(next)).length > 0 && (await outboxOf(next)).every((m) => m.state === 'sent'), { what: 'the next alert’s mails sent', timeoutMs: MAILS_SENT_MS });
      await waitFor(() => mailsOf(next).length >= messages.length, { what: 'the next mails at the relay' });
      expect(mailsOf(next)).toHaveLength((await outboxOf(next)).length);
    } finally {
      await Promise.all(servers.map((s) => s.close({ keepData: true }).catch(() => {})));
      await dropTestDatabase(own);
      await smtp.close();
    }
  }, 70000);
});

describe('failover', () => {
  it('when a server dies, its clients reconnect through the balancer to another and carry on; nothing they saw accepted is lost', async () => {
    const own = `zorgbeeld_test_failover_${randomBytes(6).toString('hex')}`;
    await createTestDatabase(own);
    const env = { DATABASE_URL: testDatabaseUrl(own), REDIS_URL: TEST_REDIS };
    const first = await startProcessServer({ env });
    const second = await startProcessServer({ env });
    const live = new Set([first, second]);
    const balancer = await startBalancer(() => [...live].map((s) => s.url));
    const clients: BoardClient[] = [];
    try {
      // Signed in on a server directly: the only connection through the balancer is the board's.
      const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
      const incident = (await ghor.post('/api/incidents', { title: 'Uitval', grip: 2 })).body.data.id as string;
      const [before, during] = ((await ghor.get(`/api/incidents/${incident}`)).body.data.network.locations as { id: string }[]).map((l) => l.id);
      const client = connectBoard(balancer.url, incident, ghor.cookie);
      clients.push(client);
      await client.synced();
      const port = [...balancer.open()].find(([, count]) => count > 0)![0];
      const victim = [first, second].find((s) => Number(new URL(s.url).port) === port)!;
      const survivor = victim === first ? second : first;
      setReport(client.doc, before, { impact: 'major', remarks: 'voor de uitval' });
      await waitFor(() => readReport(client.doc, before).stamp, { what: 'the first report accepted' });

      live.delete(victim);
      await victim.stop({ signal: 'SIGKILL', keepData: true });
      // Made while the client is cut off: kept by the client, sent once it is back.
      setReport(client.doc, during, { impact: 'minor', remarks: 'tijdens de uitval' });
      await waitFor(() => readReport(client.doc, during).stamp, { timeoutMs: 20000, what: 'the report made during the outage accepted by the other server' });

      const reader = connectBoard(survivor.url, incident, ghor.cookie);
      clients.push(reader);
      await reader.synced();
      expect(readReport(reader.doc, before)).toMatchObject({ impact: 'major', remarks: 'voor de uitval' });
      expect(readReport(reader.doc, during)).toMatchObject({ impact: 'minor', remarks: 'tijdens de uitval' });
      expect(balancer.open().get(Number(new URL(survivor.url).port))).toBeGreaterThan(0);
    } finally {
      clients.forEach((c) => c.destroy());
      await balancer.close();
      await Promise.all([first.stop(), second.stop()]);
      await dropTestDatabase(own);
    }
  });
});
