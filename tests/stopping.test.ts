import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './helpers/http-client';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';

// A server that stops while requests are still in flight: nothing loads a room or opens a log
// behind its back once the rooms are closed, and a room that was still loading is closed too.
describe('stopping the server', () => {
  let running: TestServer | null = null;
  afterEach(async () => {
    await running?.close();
    running = null;
  });

  it('closes a room that was loading, and refuses what comes after with a sentence to retry', async () => {
    const first = await startServer();
    const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
    const id = (await ghor.post('/api/incidents', { title: 'Stoppen', grip: 1 })).body.data.id as string;
    await first.close({ keepData: true });

    // The same data after a restart: the room is not loaded until someone asks for it.
    running = await startServer({ dataDir: first.dataDir, seed: false });
    const { server } = running;
    expect(server.rooms.loaded).toBe(0);
    const loading = server.rooms.get(id);
    await server.close();
    // A load asked for just before the stop ends, and its room is closed with the rest (closeAll
    // waits for loads in flight; here the load may also have ended before the rooms were closed).
    expect(await loading).toBeDefined();
    expect(server.rooms.loaded).toBe(0);
    const before = await running.records(id);

    // A request still in flight afterwards: an event to record, a room to load.
    const late = server.rooms.recordEvent(id, 'u-ghor', { type: 'grip-changed', from: 1, to: 2 });
    await expect(late).rejects.toMatchObject({ status: 503, code: 'server-stopping' });
    await expect(late.catch((error: { text: { nl: string } }) => error.text.nl)).resolves.toMatch(/Probeer het over een minuut opnieuw/);
    await expect(server.rooms.get(id)).rejects.toMatchObject({ code: 'server-stopping' });
    expect(server.rooms.loaded).toBe(0);
    // The log is as the close left it: nothing was appended after it.
    expect(await running.records(id)).toEqual(before);
  });
});
