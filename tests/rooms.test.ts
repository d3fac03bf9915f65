import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from './helpers/http-client';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
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
