import { awarenessStateFrame } from '../shared/y-frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { readReport, setReport } from '../shared/incident-doc';
import { SeededRandom } from '../shared/random';
import { YMessage } from '../shared/wire';
import { HttpClient } from './helpers/http-client';
import { openRawBoard } from './helpers/raw-board';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { connectSocket, connected } from './helpers/socket-client';
import { waitFor } from './helpers/wait-for';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
let server: TestServer;
let ghor: HttpClient;
let coordinator: HttpClient;
let incidentId: string;

beforeAll(async () => {
  server = await startServer();
  ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
  incidentId = (await ghor.post('/api/incidents', { title: 'Fuzz socket.io', grip: 2 })).body.data.id;
});
afterAll(async () => server?.close());

// Engine.io v4 text packets: 4 = message, then socket.io 0 connect / 2 event / 3 ack.
const SEEDS = [
  '40',
  '42["alert:send",{"incidentId":"INC","message":"fuzz","grip":2,"target":{"all":true}}]',
  '420["alert:send",{"incidentId":"INC","message":"fuzz","grip":2,"target":{"all":true}}]',
  '421["alert:ack",{"alertId":"x","answer":"yes"}]',
  '422["alerts:pending"]',
  '423["alert:send",null]',
  '2',
];

function mutate(random: SeededRandom, packet: string): string {
  const kind = random.int(0, 4);
  if (kind === 0) return packet.slice(0, random.int(0, packet.length));
  if (kind === 1) return Array.from({ length: random.int(1, 80) }, () => String.fromCharCode(random.int(32, 126))).join('');
  const chars = packet.split('');
  for (let i = 0; i < random.int(1, 5); i++) chars[random.int(0, chars.length - 1)] = String.fromCharCode(random.int(32, 126));
  return chars.join('');
}

describe('fuzzing socket.io', () => {
  it('10,000 random, truncated and mutated packets: the server stays up, sends nothing it should not, others unaffected', async () => {
    const random = new SeededRandom(SEED);
    const bystander = connectSocket(server.url, coordinator.cookie);
    const received: string[] = [];
    bystander.on('alert', (notice) => received.push(notice.alert.message));
    await connected(bystander);
    // Only the coordinator's session fuzzes: whatever gets through, a coordinator may not send alerts.
    let sent = 0;
    const url = `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
    while (sent < 10000) {
      const ws = new WebSocket(url, { headers: { cookie: coordinator.cookie } });
      ws.on('error', () => {});
      const opened = await new Promise<boolean>((resolve) => {
        ws.once('message', () => resolve(true)); // the engine.io open packet
        ws.once('close', () => resolve(false));
      });
      if (!opened) continue;
      // Connect to the namespace and wait for its answer, so the packets below reach our handlers.
      const joined = new Promise<boolean>((resolve) => {
        ws.on('message', (data: Buffer) => {
          const text = data.toString();
          if (text.startsWith('40')) resolve(true);
          if (text.startsWith('44')) resolve(false);
        });
        ws.once('close', () => resolve(false));
      });
      ws.send('40');
      if (!(await joined)) continue;
      while (sent < 10000 && ws.readyState === WebSocket.OPEN) {
        const packet = SEEDS[random.int(0, SEEDS.length - 1)].replace('INC', incidentId);
        // One in ten goes out intact: well-formed requests this coordinator may not make.
        ws.send(random.next() < 0.1 ? packet : mutate(random, packet));
        sent++;
        if (sent % 100 === 0) await new Promise((r) => setImmediate(r));
      }
      ws.terminate();
    }
    // After the storm a well-formed request from this coordinator still gets its answer: refused.
    const ws = new WebSocket(url, { headers: { cookie: coordinator.cookie } });
    const answer = await new Promise<string>((resolve) => {
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.startsWith('0')) ws.send('40');
        if (text.startsWith('40')) ws.send(`420["alert:send",{"incidentId":"${incidentId}","message":"x","grip":2,"target":{"all":true}}]`);
        if (text.startsWith('430')) resolve(text);
      });
    });
    expect(answer).toMatch(/"error":\{"code":"forbidden"/);
    ws.terminate();
    // The server still answers, the bystander still works, and no alert was created or delivered.
    const pending = await bystander.timeout(5000).emitWithAck('alerts:pending');
    expect('data' in pending && pending.data).toEqual([]);
    expect((await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data).toEqual([]);
    const real = await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'na het fuzzen', grip: 2, target: { all: true } });
    expect(real.status).toBe(201);
    await waitFor(() => received.includes('na het fuzzen'));
    expect(received).toEqual(['na het fuzzen']);
    bystander.disconnect();
  }, 120000);
});

describe('awareness relay', () => {
  const awarenessFrame = awarenessStateFrame;

  it('writes the sender’s true identity into its state and drops bursts beyond the limit', async () => {
    const listener = await openRawBoard(server.url, incidentId, ghor.cookie);
    const states: { user?: { name: string; role: string } }[] = [];
    listener.ws.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(decoder) !== YMessage.awareness) return;
      const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
      const count = decoding.readVarUint(update);
      for (let i = 0; i < count; i++) {
        decoding.readVarUint(update);
        decoding.readVarUint(update);
        states.push(JSON.parse(decoding.readVarString(update)));
      }
    });
    const liar = await openRawBoard(server.url, incidentId, coordinator.cookie);
    for (let clock = 1; clock <= 100; clock++) liar.send(awarenessFrame(424242, clock, { user: { name: 'De burgemeester', role: 'ghor' } }));
    // Then a real change by the same client: the listener gets it after every relayed state
    // (one socket, server order), so all that will ever be relayed of the burst has arrived.
    const me = (await coordinator.get('/api/me')).body.data;
    const own = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network.locations.find((l: { organisationId: string }) => l.organisationId === me.organisationId).id;
    const before = Y.encodeStateVector(liar.doc);
    setReport(liar.doc, own, { remarks: 'na de burst' });
    liar.sendUpdate(Y.encodeStateAsUpdate(liar.doc, before));
    await waitFor(() => readReport(listener.doc, own).remarks === 'na de burst', { what: 'the change after the burst' });
    expect(states).toHaveLength(40);
    expect(states.every((s) => s.user?.name === 'Crisiscoördinator (demo)' && s.user.role === 'coordinator')).toBe(true);
    listener.ws.close();
    liar.ws.close();
  });
});
