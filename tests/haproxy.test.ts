import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReport, setReport } from '../shared/incident-doc';
import { HttpClient } from './helpers/http-client';
import { startProcessServer, type ProcessServer } from './helpers/process-server';
import { DEMO_PASSWORD } from './helpers/server';
import { connectSocket, connected } from './helpers/socket-client';
import { TEST_REDIS, createTestDatabase, dropTestDatabase, testDatabaseUrl } from './helpers/test-store';
import { waitFor } from './helpers/wait-for';
import { connectBoard, type BoardClient } from './helpers/yjs-client';

// docs/deploy/haproxy.cfg as it stands, in front of three servers on one database and Redis:
// the configuration docs/deploy.md gives is the one tested here.
const CONFIG = join(import.meta.dirname, '../docs/deploy/haproxy.cfg');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const database = `zorgbeeld_test_haproxy_${randomBytes(6).toString('hex')}`;
let servers: ProcessServer[] = [];
let haproxy: ChildProcess | undefined;
let url: string;
const boards: BoardClient[] = [];

beforeAll(async () => {
  if (spawnSync('haproxy', ['-v']).error) throw new Error('haproxy is not installed: these tests need it (apt-get install -y haproxy; .ci/run does).');
  await createTestDatabase(database);
  const env = { DATABASE_URL: testDatabaseUrl(database), REDIS_URL: TEST_REDIS, TRUST_PROXY: 'true' };
  servers.push(await startProcessServer({ env }));
  servers.push(...(await Promise.all([startProcessServer({ env }), startProcessServer({ env })])));
  const port = await freePort();
  url = `http://localhost:${port}`;
  const vars = Object.fromEntries(servers.map((s, i) => [`ZB_SERVER_${i + 1}`, `127.0.0.1:${new URL(s.url).port}`]));
  haproxy = spawn('haproxy', ['-db', '-f', CONFIG], { env: { ...process.env, ZB_BIND: `127.0.0.1:${port}`, ...vars }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Up once all three pass the health check.
  await waitFor(
    async () => {
      const answers = await Promise.all([0, 1, 2].map(() => fetch(`${url}/api/health`).then((r) => r.status).catch(() => 0)));
      return answers.every((s) => s === 200);
    },
    { timeoutMs: 20000, what: 'HAProxy passing requests to the servers' },
  );
}, 60000);

afterAll(async () => {
  boards.forEach((b) => b.destroy());
  haproxy?.kill();
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
  await dropTestDatabase(database);
});

describe('the HAProxy configuration of docs/deploy.md', () => {
  it('passes boards (websocket upgrade) and socket.io through to the servers; boards behind it see each other', async () => {
    const ghor = await new HttpClient(url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await ghor.post('/api/incidents', { title: 'Achter HAProxy', grip: 2 })).body.data.id as string;
    const location = (await ghor.get(`/api/incidents/${incident}`)).body.data.network.locations[0].id as string;
    // Round robin: six boards, two per server.
    for (let i = 0; i < 6; i++) boards.push(connectBoard(url, incident, ghor.cookie));
    await Promise.all(boards.map((b) => b.synced()));
    setReport(boards[0].doc, location, { impact: 'major', remarks: 'door HAProxy' });
    await waitFor(() => boards.every((b) => readReport(b.doc, location).stamp), { what: 'the report on every board' });
    const socket = connectSocket(url, ghor.cookie);
    try {
      await connected(socket);
      expect(socket.connected).toBe(true);
    } finally {
      socket.disconnect();
    }
  });

  it('takes a server that went down out of the rotation: its boards carry on on the others', async () => {
    const ghor = await new HttpClient(url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await ghor.post('/api/incidents', { title: 'Uitval achter HAProxy', grip: 2 })).body.data.id as string;
    const [first, second] = ((await ghor.get(`/api/incidents/${incident}`)).body.data.network.locations as { id: string }[]).map((l) => l.id);
    const mine = [connectBoard(url, incident, ghor.cookie), connectBoard(url, incident, ghor.cookie), connectBoard(url, incident, ghor.cookie)];
    boards.push(...mine);
    await Promise.all(mine.map((b) => b.synced()));
    setReport(mine[0].doc, first, { remarks: 'voor' });
    await waitFor(() => mine.every((b) => readReport(b.doc, first).remarks === 'voor'), { what: 'the first report everywhere' });
    await servers[1].stop({ signal: 'SIGKILL' });
    for (const [i, board] of mine.entries()) setReport(board.doc, second, { bedsFree: i });
    await waitFor(() => mine.every((b) => readReport(b.doc, second).stamp && readReport(b.doc, second).bedsFree === readReport(mine[0].doc, second).bedsFree), { timeoutMs: 20000, what: 'the boards agreeing again' });
    // New requests go to the servers that are up.
    for (let i = 0; i < 6; i++) expect((await fetch(`${url}/api/health`)).status).toBe(200);
  });
});
