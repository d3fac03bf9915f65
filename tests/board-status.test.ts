import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { readReport, setReport } from '../shared/incident-doc';
import { BOARD_STATUS_PARAM, YMessage, YSyncMessage, type BoardStatus } from '../shared/wire';
import { incidentWithOwnLocations } from './helpers/incident';
import { syncFrame } from './helpers/raw-board';
import { startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { connectBoard, type BoardClient } from './helpers/yjs-client';

let server: TestServer | undefined;
const clients: BoardClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

/** A raw connection that notes the type of every frame it gets, and how many sync step 2 answers. */
function frameTypes(url: string, incidentId: string, cookie: string) {
  const types: number[] = [];
  let answers = 0;
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${incidentId}`, { headers: { cookie, origin: url } });
  ws.on('error', () => {});
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    const type = decoding.readVarUint(decoder);
    types.push(type);
    if (type === YMessage.sync && decoding.readVarUint(decoder) === YSyncMessage.step2) answers += 1;
  });
  const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
  /** Asks for the state and waits for the answer: every frame the server sent before it has come. */
  const roundTrip = async () => {
    await opened;
    const before = answers;
    ws.send(syncFrame(YSyncMessage.step1, Y.encodeStateVector(new Y.Doc())));
    await waitFor(() => answers > before, { what: 'the answer to a sync step 1' });
  };
  return { types, roundTrip, close: () => ws.close() };
}

describe('the board status message (type 4)', () => {
  it('goes only to clients that ask for it: a stock provider without the parameter gets only y-protocols messages', async () => {
    server = await startServer();
    const { ghor, coordinator, id, own } = await incidentWithOwnLocations(server.url, 'Stroomstoring Nuth');
    const errors = vi.spyOn(console, 'error');

    const plain = connectBoard(server.url, id, coordinator.cookie);
    const asking = connectBoard(server.url, id, coordinator.cookie, { params: { [BOARD_STATUS_PARAM]: '1' } });
    const writer = connectBoard(server.url, id, ghor.cookie);
    clients.push(plain, asking, writer);
    const statuses: BoardStatus[] = [];
    asking.provider.messageHandlers[YMessage.boardStatus] = (_encoder, decoder) => {
      statuses.push(JSON.parse(decoding.readVarString(decoder)) as BoardStatus);
    };
    const raw = frameTypes(server.url, id, coordinator.cookie);
    await Promise.all([plain.synced(), asking.synced(), writer.synced(), raw.roundTrip()]);

    expect((await ghor.patch(`/api/incidents/${id}`, { grip: 3 })).status).toBe(200);
    await waitFor(() => statuses.some((s) => s.grip === 3), { what: 'the GRIP change at the client that asked' });
    // A change after the GRIP change, on the same socket: once the plain client has it, it has
    // had everything the server sent it before.
    setReport(writer.doc, own[0], { remarks: 'na de GRIP-wijziging' });
    await waitFor(() => readReport(plain.doc, own[0]).remarks === 'na de GRIP-wijziging', { what: 'the change at the plain client' });

    expect((await ghor.post(`/api/incidents/${id}/close`, {})).status).toBe(200);
    await waitFor(() => statuses.some((s) => s.closed === true), { what: 'the closure at the client that asked' });
    await raw.roundTrip();
    raw.close();

    expect(statuses).toEqual([
      { storage: 'ok', grip: 3 },
      { storage: 'ok', closed: true },
    ]);
    expect(raw.types.filter((type) => type !== YMessage.sync && type !== YMessage.awareness)).toEqual([]);
    expect(errors.mock.calls.filter((call) => String(call[0]).includes('Unable to compute message'))).toEqual([]);
  });
});

describe('a board with nobody else on it', () => {
  it('hears its own presence back from the server, so that its provider never takes the quiet for a dead connection', async () => {
    server = await startServer();
    const { coordinator, id } = await incidentWithOwnLocations(server.url, 'Stil bord');
    const alone = connectBoard(server.url, id, coordinator.cookie);
    clients.push(alone);
    await alone.synced();
    // y-websocket's provider closes a connection it has heard nothing on for 30 s, and renews
    // its presence every 15 s: that renewal is what a lone board can hear.
    const heard: Map<number, unknown>[] = [];
    (alone.provider.ws as unknown as WebSocket).addEventListener('message', (event) => {
      const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
      if (decoding.readVarUint(decoder) !== YMessage.awareness) return;
      const update = decoding.readVarUint8Array(decoder);
      const states = new Map<number, unknown>();
      const inner = decoding.createDecoder(update);
      for (let n = decoding.readVarUint(inner); n > 0; n--) {
        const client = decoding.readVarUint(inner);
        decoding.readVarUint(inner);
        states.set(client, JSON.parse(decoding.readVarString(inner)));
      }
      heard.push(states);
    });
    alone.provider.awareness.setLocalState(alone.provider.awareness.getLocalState());
    await waitFor(() => heard.some((states) => states.has(alone.doc.clientID)), { what: 'its own presence back' });
    // As the server wrote it: with the account's identity.
    const own = heard.find((states) => states.has(alone.doc.clientID))!.get(alone.doc.clientID) as { user: { role: string } };
    expect(own.user.role).toBe('coordinator');
    expect(alone.closes).toEqual([]);
  });
});

