import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReport, setReport } from '../shared/incident-doc';
import { CloseCodes } from '../shared/wire';
import { HttpClient } from './helpers/http-client';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { RecordType, readLogFile, incidentLogFile } from '../server/recorder/incident-log';
import { connectBoard } from './helpers/yjs-client';

describe('loaded incidents', () => {
  let server: TestServer;
  let ghor: HttpClient;

  beforeAll(async () => {
    server = await startServer({ roomIdleMs: 300 });
    ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  });
  afterAll(async () => server?.close());

  it('unloads a room loaded by a REST call when no socket joins, and one a socket was on after it left', async () => {
    const incidentId = (await ghor.post('/api/incidents', { title: 'Onbezocht', grip: 1 })).body.data.id;
    expect((await ghor.patch(`/api/incidents/${incidentId}`, { grip: 2 })).status).toBe(200);
    expect((await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Meld uw situatie', grip: 2, target: { all: true } })).status).toBe(201);
    await waitFor(() => server.server.rooms.loaded === 0 || undefined, { timeoutMs: 5000, what: 'the room unloaded' });

    const board = connectBoard(server.url, incidentId, ghor.cookie);
    await board.synced();
    expect(server.server.rooms.loaded).toBe(1);
    // The board loaded the room again and works: the GRIP change reaches it.
    expect((await ghor.patch(`/api/incidents/${incidentId}`, { grip: 3 })).status).toBe(200);
    expect(board.doc.getMap('reports').size).toBeGreaterThan(0);
    board.destroy();
    await waitFor(() => server.server.rooms.loaded === 0 || undefined, { timeoutMs: 5000, what: 'the room unloaded after the last socket left' });
  });
});

describe('events of an incident nobody has open', () => {
  let server: TestServer;
  let ghor: HttpClient;

  beforeAll(async () => {
    server = await startServer({ roomIdleMs: 200 });
    ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  });
  afterAll(async () => server?.close());

  it('records GRIP changes, alerts and the closure in the log without loading the document', async () => {
    const incidentId = (await ghor.post('/api/incidents', { title: 'Zonder bord', grip: 1 })).body.data.id;
    await waitFor(() => server.server.rooms.loaded === 0 || undefined, { timeoutMs: 5000, what: 'the new room unloaded' });
    expect((await ghor.patch(`/api/incidents/${incidentId}`, { grip: 2 })).status).toBe(200);
    expect(server.server.rooms.loaded).toBe(0);
    expect((await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Meld uw situatie', grip: 2, target: { all: true } })).status).toBe(201);
    expect(server.server.rooms.loaded).toBe(0);
    expect((await ghor.post(`/api/incidents/${incidentId}/close`, {})).status).toBe(200);
    expect(server.server.rooms.loaded).toBe(0);
    const events = readLogFile(incidentLogFile(server.dataDir, incidentId))
      .records.filter((r) => r.type === RecordType.event)
      .map((r) => (JSON.parse(new TextDecoder().decode(r.payload)) as { type: string }).type);
    expect(events).toEqual(['incident-opened', 'grip-changed', 'alert-sent', 'incident-closed']);
    // The opening is the log's first record, at the incident's start (a review at its first
    // moment shows it), and no record's time is before the one's before it.
    const records = readLogFile(incidentLogFile(server.dataDir, incidentId)).records;
    const startedAt = Date.parse((await ghor.get(`/api/incidents/${incidentId}`)).body.data.incident.startedAt);
    expect(records[0]).toMatchObject({ type: RecordType.event, time: startedAt });
    expect(records.every((r, i) => i === 0 || r.time >= records[i - 1].time)).toBe(true);
    // The board opens over that log as always, closed and at GRIP 2, and the review lists the events.
    const board = connectBoard(server.url, incidentId, ghor.cookie);
    await board.synced();
    expect(board.doc.getMap('reports').size).toBeGreaterThan(0);
    board.destroy();
    const review = await ghor.get(`/api/incidents/${incidentId}/events`);
    expect(review.status).toBe(200);
    expect((review.body.data.events as { type: string }[]).map((e) => e.type)).toEqual(expect.arrayContaining(['grip-changed', 'alert-sent', 'incident-closed']));
  });
});

describe('a client refused again and again', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ yjsRefusalsPerMinute: 3 });
  });
  afterAll(async () => server?.close());

  it('waits before it may join again (4530, retryable), while others join and write as usual', async () => {
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Herhaald geweigerd', grip: 2 })).body.data.id;
    const me = (await coordinator.get('/api/me')).body.data;
    const { locations } = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network;
    const foreign = locations.find((l: { organisationId: string }) => l.organisationId !== me.organisationId).id;
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const board = connectBoard(server.url, incidentId, coordinator.cookie);
      if (i < 3) {
        await board.synced();
        setReport(board.doc, foreign, { remarks: `niet van mij ${i}` });
      }
      codes.push((await waitFor(() => board.closes[0], { what: 'the close' })).code);
      board.destroy();
    }
    expect(codes).toEqual([CloseCodes.Forbidden.code, CloseCodes.Forbidden.code, CloseCodes.Forbidden.code, CloseCodes.TooManyJoins.code]);
    const other = connectBoard(server.url, incidentId, ghor.cookie);
    await other.synced();
    setReport(other.doc, foreign, { remarks: 'door de GHOR' });
    await waitFor(() => readReport(other.doc, foreign).stamp?.by === 'ghor' || undefined);
    expect(other.closes).toEqual([]);
    other.destroy();
  });
});
