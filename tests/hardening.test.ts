import { afterEach, describe, expect, it } from 'vitest';
import { editPictureText, setReport, readReport } from '../shared/incident-doc';
import { CloseCodes } from '../shared/wire';
import { HttpClient } from './helpers/http-client';
import { openRawBoard } from './helpers/raw-board';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { connectSocket, connected } from './helpers/socket-client';
import { waitFor } from './helpers/wait-for';
import { connectBoard } from './helpers/yjs-client';

let server: TestServer;
afterEach(async () => server?.close());

/** A GHOR user's board and alert socket on a new incident, and a promise of the socket's disconnect reason. */
async function boardAndSocket(ghor: HttpClient) {
  const { id } = await incident(ghor);
  const board = connectBoard(server.url, id, ghor.cookie);
  await board.synced();
  const socket = connectSocket(server.url, ghor.cookie);
  await connected(socket);
  const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
  return { board, disconnected };
}

/** Holds the server's `nth` next read of a user (the end of a session look-up) until released. */
function holdUserRead(target: TestServer, nth: number): { reached: Promise<void>; release(): void } {
  const store = target.store;
  const read = store.get.bind(store);
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let reach = () => {};
  const reached = new Promise<void>((resolve) => (reach = resolve));
  store.get = (async (name, id) => {
    if (name !== 'users' || --nth > 0) return read(name, id);
    store.get = read;
    reach();
    await released;
    return read(name, id);
  }) as typeof store.get;
  return { reached, release };
}

async function incident(ghor: HttpClient): Promise<{ id: string; location: string }> {
  const id = (await ghor.post('/api/incidents', { title: 'Hardening', grip: 2 })).body.data.id;
  const location = (await ghor.get(`/api/incidents/${id}`)).body.data.network.locations[0].id;
  return { id, location };
}

describe('ending a session closes its websockets', () => {
  it('sign-out everywhere closes the Yjs connection (4401) and the socket.io connection', async () => {
    server = await startServer();
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const { board, disconnected } = await boardAndSocket(ghor);
    const other = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    expect((await other.delete('/api/sessions')).status).toBe(200);
    expect(await disconnected).toBe('io server disconnect');
    const closed = await waitFor(() => board.closes[0]);
    expect(closed.code).toBe(CloseCodes.Unauthenticated.code);
    expect(board.provider.shouldConnect).toBe(false);
    board.destroy();
  });

  it('a session that ends while a socket of it is being set up closes that socket too', async () => {
    server = await startServer();
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const { id } = await incident(ghor);
    const other = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    for (const open of ['board', 'alert socket'] as const) {
      // The socket's session look-up is held after it found the session, until the session has
      // ended: the board's only look-up; the alert socket's second (the first admits the handshake).
      const held = holdUserRead(server, open === 'board' ? 1 : 2);
      const socket = open === 'alert socket' ? connectSocket(server.url, ghor.cookie) : undefined;
      const board = open === 'board' ? await openRawBoard(server.url, id, ghor.cookie, { sync: false }) : undefined;
      await held.reached;
      expect((await other.delete('/api/sessions')).status).toBe(200);
      let ended: string | number | undefined;
      void board?.closed.then(({ code }) => (ended = code));
      socket?.once('disconnect', (reason) => (ended = reason));
      held.release();
      const expected = board ? CloseCodes.Unauthenticated.code : 'io server disconnect';
      expect(await waitFor(() => ended, { timeoutMs: 5000, what: `the ${open} of the ended session closed` })).toBe(expected);
      await other.signIn('ghor', DEMO_PASSWORD);
      await ghor.signIn('ghor', DEMO_PASSWORD);
    }
  });

  it('an expiring session closes its websockets when its time is up, not at the next sweep', async () => {
    // Long enough that signing in and opening both connections fit in it on a busy CI machine.
    server = await startServer({ sessionTtlMs: 4000 });
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const { board, disconnected } = await boardAndSocket(ghor);
    // The sweep runs once a minute; the session's own timer closes both within seconds.
    expect((await waitFor(() => board.closes[0], { timeoutMs: 12000, what: 'the board closed at expiry' })).code).toBe(CloseCodes.Unauthenticated.code);
    expect(await disconnected).toBe('io server disconnect');
    expect((await ghor.get('/api/me')).status).toBe(401);
    board.destroy();
  });

  it('deactivating an account closes its board at once', async () => {
    server = await startServer();
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const { id } = await incident(ghor);
    const coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    const board = connectBoard(server.url, id, coordinator.cookie);
    await board.synced();
    const me = (await coordinator.get('/api/me')).body.data;
    expect((await admin.patch(`/api/users/${me.id}`, { active: false })).status).toBe(200);
    expect((await waitFor(() => board.closes[0])).code).toBe(CloseCodes.Unauthenticated.code);
    board.destroy();
  });
});

describe('back-pressure', () => {
  it('drops a client that stops reading before its backlog grows without bound; others go on', async () => {
    // The writer sends 40 MB on purpose: no write budget here.
    server = await startServer({ yjsMaxBufferedBytes: 256 * 1024, writeBudget: { burstBytes: 1e9, bytesPerSecond: 1e9 } });
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const { id, location } = await incident(ghor);
    const stuck = await openRawBoard(server.url, id, ghor.cookie);
    // This client stops reading: the kernel buffers fill, then the server's send buffer.
    (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const writer = connectBoard(server.url, id, ghor.cookie);
    const reader = connectBoard(server.url, id, ghor.cookie);
    await Promise.all([writer.synced(), reader.synced()]);
    const room = (await server.server.rooms.get(id))!;
    const chunk = 'x'.repeat(200 * 1024);
    let text = '';
    for (let i = 0; i < 200 && room.size > 2; i++) {
      text += chunk;
      editPictureText(writer.doc, 'picture', text);
      await waitFor(() => reader.doc.getMap('picture').get('picture')?.toString().length === text.length, { what: `chunk ${i} at the reader` });
    }
    expect(room.size).toBe(2);
    expect(server.logs.some((l) => l.includes('reads too slowly'))).toBe(true);
    setReport(writer.doc, location, { remarks: 'na de trage lezer' });
    await waitFor(() => readReport(reader.doc, location).remarks === 'na de trage lezer');
    expect(reader.closes).toEqual([]);
    writer.destroy();
    reader.destroy();
    stuck.ws.terminate();
  }, 60000);
});

describe('path tricks in ids', () => {
  it('refuses ids that climb out of the data directory or do not decode, on HTTP and on the Yjs path', async () => {
    server = await startServer();
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const { id } = await incident(ghor);
    const tricks = ['..%2F..%2Fregistry.json', '..%2F' + id, '%2e%2e', '%E0%A4%A', `${id}%00`, 'a'.repeat(300)];
    for (const trick of tricks) {
      for (const path of [`/api/incidents/${trick}`, `/api/incidents/${trick}/state?format=json`, `/api/incidents/${trick}/events`, `/api/incidents/${trick}/have.xml`]) {
        const answer = await ghor.get(path);
        expect([400, 404], `${path} → ${answer.status}`).toContain(answer.status);
        expect(answer.body.error.message, path).toMatch(/\w+ \w+/);
      }
      // '%2e%2e' is resolved to '..' by the client itself, so that upgrade asks for '/', not '/yjs/'.
      const raw = await openRawBoard(server.url, trick, ghor.cookie, { sync: false });
      expect([CloseCodes.NotFound.code, 404], `/yjs/${trick}`).toContain((await raw.closed).code);
    }
    // The server is up and nothing was created or read outside the incident folders.
    expect((await ghor.get('/api/health')).status).toBe(200);
    expect((await ghor.get(`/api/incidents/${id}/state?format=json`)).status).toBe(200);
  });
});
