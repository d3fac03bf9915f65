import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCodes } from '../shared/wire';
import { HttpClient } from './helpers/http-client';
import { startProcessServer, type ProcessServer } from './helpers/process-server';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { connectSocket, connected } from './helpers/socket-client';
import { waitFor } from './helpers/wait-for';

/** Cookie headers that once made `decodeURIComponent` throw inside an async edge, and a huge one. */
const BAD_COOKIES = ['zb_session=%', 'zb_session=%E0%A4%A', `zb_session=${'a'.repeat(8 * 1024)}`, 'zb_session=%ZZ; other=%', '=%; zb_session'];

/** Sends raw bytes to the server and resolves with the status line of its answer (or '' when it just closes). */
function raw(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(answer.split('\r\n')[0]));
    socket.on('error', reject);
    // Half-closed after the request: a request whose body lies about its length ends instead of waiting.
    socket.end(request, 'latin1');
  });
}

/**
 * Opens a websocket with a cookie and resolves with how it ended: a close code from the server,
 * an HTTP status, or 101 when it stayed open (then it is closed here).
 */
function websocketOutcome(url: string, cookie: string, { staysOpen = false } = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { cookie, origin: url.replace(/^ws/, 'http').replace(/\/(yjs|socket\.io).*$/, '') } });
    if (staysOpen) ws.on('open', () => { resolve(101); ws.close(); });
    ws.on('close', (code) => resolve(code));
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => {});
  });
}

describe('no input ends the process', () => {
  let server: ProcessServer;
  let incidentId: string;
  beforeAll(async () => {
    server = await startProcessServer();
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    incidentId = (await ghor.post('/api/incidents', { title: 'Randen', grip: 2 })).body.data.id;
  });
  afterAll(async () => server?.stop());

  it('walks every entry point with malformed cookies, headers and bodies; the server answers throughout', async () => {
    const ws = server.url.replace(/^http/, 'ws');
    for (const cookie of BAD_COOKIES) {
      const http = new HttpClient(server.url, { cookie });
      expect((await http.get('/api/me')).status, cookie).toBe(401);
      expect((await http.post('/api/session', { username: 'ghor', password: 'fout' })).status, cookie).toBe(401);
      // The Yjs upgrade: the session check fails cleanly and the socket is closed with 4401.
      expect(await websocketOutcome(`${ws}/yjs/${incidentId}`, cookie), cookie).toBe(CloseCodes.Unauthenticated.code);
      // socket.io, both transports: refused at the engine.io handshake.
      const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { cookie } });
      expect(polling.status, cookie).toBe(403);
      // engine.io answers every refused websocket handshake with 400.
      expect(await websocketOutcome(`${ws}/socket.io/?EIO=4&transport=websocket`, cookie), cookie).toBe(400);
      const socket = connectSocket(server.url, cookie);
      await expect(connected(socket)).rejects.toThrow();
      socket.disconnect();
    }
    // Raw HTTP that no client library would send: bytes above ASCII in headers, broken paths, bodies that lie.
    const host = new URL(server.url).host;
    const requests = [
      `GET /api/me HTTP/1.1\r\nHost: ${host}\r\nCookie: zb_session=\xff\xfe%\r\n\r\n`,
      `GET /yjs/%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nCookie: zb_session=%\r\n\r\n`,
      `POST /socket.io/?EIO=4&transport=polling&sid=nope HTTP/1.1\r\nHost: ${host}\r\nCookie: zb_session=%\r\nContent-Length: 2\r\n\r\n40`,
      `POST /api/session HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"userna`,
      `POST /api/session HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json; charset=klingon\r\nContent-Length: 2\r\n\r\n{}`,
      `GET /api/%%%% HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    ];
    for (const request of requests) {
      const status = await raw(server.url, request);
      expect(status, request).toMatch(/^HTTP\/1\.1 (101|[2345]\d\d)|^$/);
      expect((await fetch(`${server.url}/api/health`)).status, `after ${request}`).toBe(200);
    }
    expect(server.process.exitCode).toBeNull();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    // The last line of defence (an unhandled rejection logged as a bug) was never reached.
    expect(server.output.join('')).not.toContain('BUG:');
  });
});

describe('sessions before sockets', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('opens no engine.io session without a valid session cookie, and one with it', async () => {
    server = await startServer();
    for (let i = 0; i < 20; i++) expect((await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`)).status).toBe(403);
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const open = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { cookie: ghor.cookie } });
    expect(open.status).toBe(200);
    expect(await open.text()).toContain('"sid"');
  });

  it('caps the connections one address holds, on socket.io and on the Yjs endpoint', async () => {
    server = await startServer({ maxConnectionsPerAddress: 3 });
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Plafond', grip: 1 })).body.data.id;
    const sockets = [0, 1, 2].map(() => connectSocket(server.url, ghor.cookie));
    await Promise.all(sockets.map(connected));
    const fourth = connectSocket(server.url, ghor.cookie);
    await expect(connected(fourth)).rejects.toThrow();
    fourth.disconnect();

    const ws = `${server.url.replace(/^http/, 'ws')}/yjs/${incidentId}`;
    const boards = [0, 1, 2].map(() => new WebSocket(ws, { headers: { cookie: ghor.cookie, origin: server.url } }));
    await Promise.all(boards.map((b) => new Promise((resolve) => b.once('open', resolve))));
    expect(await websocketOutcome(ws, ghor.cookie)).toBe(429);
    // A connection that ends frees its place.
    boards[0].close();
    sockets[0].disconnect();
    await waitFor(async () => (await websocketOutcome(ws, ghor.cookie, { staysOpen: true })) === 101, { what: 'a free place on the Yjs endpoint' });
    const again = await waitFor(async () => {
      const socket = connectSocket(server.url, ghor.cookie);
      try {
        await connected(socket);
        return socket;
      } catch {
        socket.disconnect();
        return null;
      }
    }, { what: 'a free place on socket.io' });
    for (const socket of sockets) socket.disconnect();
    again!.disconnect();
    for (const board of boards) board.terminate();
  });
});
