import { readdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordType, incidentLogFile } from '../server/recorder/incident-log';
import { HttpClient } from './helpers/http-client';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';

// A server that stops while requests are still in flight: they finish before the boards close,
// and whatever still comes afterwards neither loads a board nor leaves a log open.

const events = (records: { type: number; payload: Uint8Array }[]) =>
  records.filter((r) => r.type === RecordType.event).map((r) => JSON.parse(new TextDecoder().decode(r.payload)) as { type: string });

/** Whether this process holds a file open. */
const holdsOpen = (file: string) => readdirSync('/proc/self/fd').some((fd) => {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`) === file;
  } catch {
    return false;
  }
});

describe('stopping the server', () => {
  let running: TestServer | null = null;
  afterEach(async () => {
    await running?.close();
    running = null;
  });

  it('lets a request in flight finish and record its event before the boards close', async () => {
    running = await startServer();
    const { url, server } = running;
    const ghor = await new HttpClient(url).signIn('ghor', DEMO_PASSWORD);
    const id = (await ghor.post('/api/incidents', { title: 'Stoppen', grip: 1 })).body.data.id as string;
    // A GRIP change whose body is still on its way when the stop begins.
    const body = JSON.stringify({ grip: 2 });
    const arrived = new Promise((resolve) => server.httpServer.once('request', resolve));
    let answer: (status: number) => void = () => {};
    const answered = new Promise<number>((resolve) => (answer = resolve));
    const slow = request(`${url}/api/incidents/${id}`, { method: 'PATCH', headers: { cookie: ghor.cookie, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => answer(res.statusCode ?? 0));
    });
    slow.on('error', () => answer(0));
    slow.write(body.slice(0, 4));
    await arrived;
    const closing = server.close();
    await waitFor(() => running!.logs.some((l) => /stopping: waiting for 1 request/.test(l)), { what: 'the stop waiting for the request' });
    slow.end(body.slice(4));
    expect(await answered).toBe(200);
    await closing;
    expect(events(await running.records(id)).map((e) => e.type)).toContain('grip-changed');
  });

  it('closes a room that was loading, and writes a late event without loading the board or keeping its log open', async () => {
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
    // A load asked for just before the stop ends, and its room is closed with the rest (stop
    // waits for loads in flight; here the load may also have ended before the rooms were closed).
    expect(await loading).toBeDefined();
    expect(server.rooms.loaded).toBe(0);

    // What still comes afterwards: an event is written, a board is not loaded.
    await server.rooms.recordEvent(id, 'u-ghor', { type: 'grip-changed', from: 1, to: 2 });
    expect(events(await running.records(id)).at(-1)).toMatchObject({ type: 'grip-changed', from: 1, to: 2 });
    expect(holdsOpen(incidentLogFile(running.dataDir, id))).toBe(false);
    const late = server.rooms.get(id);
    await expect(late).rejects.toMatchObject({ status: 503, code: 'server-stopping' });
    await expect(late.catch((error: { text: { nl: string } }) => error.text.nl)).resolves.toMatch(/Probeer het over een minuut opnieuw/);
    expect(server.rooms.loaded).toBe(0);
  });
});
