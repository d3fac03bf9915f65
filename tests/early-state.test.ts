import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { readReport, setReport } from '../shared/incident-doc';
import { YMessage, YSyncMessage } from '../shared/wire';
import { syncStep1Frame, syncStep2Frame } from '../shared/y-frames';
import { readLogTail, incidentLogFile } from '../server/recorder/incident-log';
import { LOG_TAIL_BYTES, replayFromCheckpoint, storedState } from '../server/recorder/replay-state';
import { HttpClient } from './helpers/http-client';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { TEST_STORE } from './helpers/test-store';
import { waitFor } from './helpers/wait-for';
import { connectBoard } from './helpers/yjs-client';

// A client joining an incident whose room is not loaded is answered from the stored state (the
// last checkpoint and what follows, converted without building a document) before the server
// builds its own: docs/benchmark-notes.md, "Cold load". The embedded mode's log files.

/** A plain websocket that sends sync step 1 at once and notes every sync message in order. */
function rawJoin(server: TestServer, incidentId: string, cookie: string, vector: Uint8Array) {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/${incidentId}`, { headers: { cookie, origin: server.url } });
  const messages: { subtype: number; payload: Uint8Array }[] = [];
  ws.on('open', () => ws.send(syncStep1Frame(vector)));
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== YMessage.sync) return;
    messages.push({ subtype: decoding.readVarUint(decoder), payload: decoding.readVarUint8Array(decoder) });
  });
  return { ws, messages };
}

describe.runIf(TEST_STORE === 'embedded')('joining a board that is not loaded', () => {
  let first: TestServer;
  let server: TestServer;
  let incidentId: string;
  let cookie: string;
  let locations: string[];
  let expected: unknown;
  let early: Y.Doc;
  let wholeAnswer = 0;

  beforeAll(async () => {
    first = await startServer({ checkpointEvery: 4 });
    const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
    incidentId = (await ghor.post('/api/incidents', { title: 'Koud openen', grip: 1 })).body.data.id;
    locations = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network.locations.slice(0, 10).map((l: { id: string }) => l.id);
    const board = connectBoard(first.url, incidentId, ghor.cookie);
    await board.synced();
    // The first six, then a copy of the board as a device that goes offline would keep it.
    early = new Y.Doc();
    for (const [i, location] of locations.entries()) {
      if (i === 6) Y.applyUpdate(early, Y.encodeStateAsUpdate(board.doc));
      setReport(board.doc, location, { bedsFree: i, remarks: `melding ${i}` });
      await waitFor(() => readReport(board.doc, location).stamp, { what: `stamp ${i}` });
    }
    expected = board.doc.getMap('reports').toJSON();
    board.destroy();
    await first.close({ keepData: true });
    // The wait ends as soon as the joining client's step 1 is in; a long one keeps a loaded CI
    // machine (the step 1 later than 250 ms) from taking the path of a client that never asks.
    server = await startServer({ dataDir: first.dataDir, seed: false, earlyStateWaitMs: 30000 });
    cookie = (await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD)).cookie;
  });
  afterAll(async () => server?.close());

  it('gets the stored state before the room is built, then the room as usual', async () => {
    expect(server.server.rooms.loaded).toBe(0);
    const { ws, messages } = rawJoin(server, incidentId, cookie, Y.encodeStateVector(new Y.Doc()));
    try {
      await waitFor(() => messages.length >= 2, { what: 'the answer and the server’s own step 1' });
      // The answer comes first: it left before the room existed to send its step 1.
      expect(messages.map((m) => m.subtype).slice(0, 2)).toEqual([YSyncMessage.step2, YSyncMessage.step1]);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, messages[0].payload);
      expect(doc.getMap('reports').toJSON()).toEqual(expected);
      wholeAnswer = messages[0].payload.length;
      // Nothing was appended while it loaded, so no further diff follows.
      expect(messages.filter((m) => m.subtype === YSyncMessage.update)).toEqual([]);
    } finally {
      ws.terminate();
    }
  });

  it('a device with part of the board gets only what it lacks, and carries on writing', async () => {
    await server.server.rooms.closeAll();
    expect(server.server.rooms.loaded).toBe(0);
    const { ws, messages } = rawJoin(server, incidentId, cookie, Y.encodeStateVector(early));
    try {
      await waitFor(() => messages[0], { what: 'the answer' });
      expect(messages[0].subtype).toBe(YSyncMessage.step2);
      // Only what it lacks: less than the whole board the first client got.
      expect(messages[0].payload.length).toBeLessThan(wholeAnswer / 2);
      Y.applyUpdate(early, messages[0].payload);
      expect(early.getMap('reports').toJSON()).toEqual(expected);
    } finally {
      ws.terminate();
    }
    // A stock client on the same board after that: synced, and its write stamped.
    const board = connectBoard(server.url, incidentId, cookie);
    try {
      await board.synced();
      expect(board.doc.getMap('reports').toJSON()).toEqual(expected);
      setReport(board.doc, locations[0], { remarks: 'na het koud openen' });
      await waitFor(() => readReport(board.doc, locations[0]).remarks === 'na het koud openen' && readReport(board.doc, locations[0]).stamp?.by === 'ghor' || undefined, { what: 'the stamped write' });
    } finally {
      board.destroy();
    }
  });

  it('the stored state is the board the room replays; a damaged last checkpoint gives none', () => {
    const { records } = readLogTail(incidentLogFile(server.dataDir, incidentId), LOG_TAIL_BYTES);
    const stored = storedState(records)!;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.update);
    // What every early client is sent of it, built once: its state vector and its step 2 message.
    expect(stored.vector).toEqual(Y.encodeStateVectorFromUpdate(stored.update));
    expect(stored.message).toEqual(syncStep2Frame(stored.update));
    expect(doc.getMap('reports').toJSON()).toEqual(replayFromCheckpoint(records, () => {}, true)!.doc.getMap('reports').toJSON());
    const last = records.findLastIndex((r) => r.type === 2);
    const damaged = records.map((r, i) => (i === last ? { ...r, payload: new Uint8Array([0xff, 0xff, 0xff, 0x01]) } : r));
    expect(storedState(damaged)).toBeNull();
  });
});

describe('clients that join with nothing', () => {
  let server: TestServer;
  afterAll(async () => server?.close());

  it('get the whole board, also between updates, after a refused change and after the state is taken afresh', async () => {
    server = await startServer();
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Nieuwe deelnemers', grip: 1 })).body.data.id;
    const me = (await coordinator.get('/api/me')).body.data;
    const { locations } = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network;
    const foreign = locations.find((l: { organisationId: string }) => l.organisationId !== me.organisationId).id as string;
    const writer = connectBoard(server.url, incidentId, ghor.cookie);
    await writer.synced();
    const write = async (i: number) => {
      const location = locations[i % locations.length].id as string;
      setReport(writer.doc, location, { remarks: `stand ${i}` });
      await waitFor(() => readReport(writer.doc, location).stamp && readReport(writer.doc, location).remarks === `stand ${i}` || undefined, { what: `update ${i}` });
    };
    const joinsWithAll = async () => {
      const fresh = connectBoard(server.url, incidentId, ghor.cookie);
      try {
        await fresh.synced();
        // Compared key-order-free: a joining client integrates structs client by client.
        await waitFor(() => isDeepStrictEqual(fresh.doc.getMap('reports').toJSON(), writer.doc.getMap('reports').toJSON()) || undefined, { what: 'the whole board at the fresh client' });
      } finally {
        fresh.destroy();
      }
    };
    for (let i = 0; i < 3; i++) await write(i);
    await joinsWithAll();
    for (let i = 3; i < 6; i++) await write(i);
    await joinsWithAll();
    // A refused change rebuilds nothing here, but an undone one does: either way the next joins see the board.
    const refused = connectBoard(server.url, incidentId, coordinator.cookie);
    await refused.synced();
    setReport(refused.doc, foreign, { remarks: 'niet van mij' });
    await waitFor(() => refused.closes[0], { what: 'the refusal' });
    refused.destroy();
    await joinsWithAll();
    // Past the refresh (500 updates after the state was encoded), in one go from a busy writer.
    for (let i = 6; i < 520; i++) setReport(writer.doc, locations[i % locations.length].id, { remarks: `stand ${i}` });
    await waitFor(() => readReport(writer.doc, locations[519 % locations.length].id).stamp?.at && readReport(writer.doc, locations[519 % locations.length].id).remarks === 'stand 519' || undefined, { what: 'the burst stamped' });
    await joinsWithAll();
    await write(520);
    await joinsWithAll();
    writer.destroy();
  });
});
