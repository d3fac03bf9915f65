import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './helpers/http-client';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';

let server: TestServer;
afterEach(async () => server?.close());

/** Signs in from an address (X-Forwarded-For behind the trusted proxy), optionally on a known device. */
async function attempt(username: string, password: string, address: string, device?: string) {
  const response = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...(device ? { cookie: device } : {}) },
    body: JSON.stringify({ username, password }),
  });
  const cookies = response.headers.getSetCookie();
  return {
    status: response.status,
    body: (await response.json()) as { data?: { failedAttempts: { count: number; lastAddress: string } | null }; error?: { code: string } },
    device: cookies.find((c) => c.startsWith('zb_device='))?.split(';')[0],
  };
}

describe('sign-in throttling cannot lock a user out', () => {
  it('an attack from elsewhere slows the attacker, not the user on a known address or device', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    server = await startServer({ trustProxy: true, now: () => new Date(now) });
    const first = await attempt('ghor', DEMO_PASSWORD, '10.0.0.5');
    expect(first.status).toBe(200);
    expect(first.body.data!.failedAttempts).toBeNull();
    const device = first.device!;
    expect(device).toMatch(/^zb_device=/);

    // Guessing from many addresses, as a botnet would; each address only a few times.
    let failures = 0;
    let limited = 0;
    for (let i = 0; i < 60; i++) {
      const answer = await attempt('ghor', `guess-${i}`, `203.0.113.${i % 20}`);
      if (answer.status === 401) failures++;
      else if (answer.status === 429) limited++;
      else throw new Error(`unexpected ${answer.status}`);
      now += 1000;
    }
    expect(limited).toBeGreaterThan(0);
    expect(failures).toBeGreaterThanOrEqual(10);

    // The user's own office (an address it signed in from before) and its own phone elsewhere get in at once.
    const office = await attempt('ghor', DEMO_PASSWORD, '10.0.0.5');
    expect(office.status).toBe(200);
    expect(office.body.data!.failedAttempts).toMatchObject({ count: failures, lastAddress: expect.stringMatching(/^203\.0\.113\./) });
    const phone = await attempt('ghor', DEMO_PASSWORD, '198.51.100.7', device);
    expect(phone.status).toBe(200);
    // Shown once: the next sign-in has nothing new to report.
    expect(phone.body.data!.failedAttempts).toBeNull();
    // A device and address the account never used waits while the account is under attack.
    expect((await attempt('ghor', DEMO_PASSWORD, '192.0.2.44')).status).toBe(429);
  });

  it('limits one address trying many accounts, and forgives after a quiet hour', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    server = await startServer({ trustProxy: true, now: () => new Date(now) });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await attempt(`user-${i}`, 'wrong-password', '203.0.113.50')).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(21)).toContain(429);
    // Another address is not affected.
    expect((await attempt('observer', DEMO_PASSWORD, '203.0.113.51')).status).toBe(200);
    now += 61 * 60 * 1000;
    expect((await attempt('coordinator', DEMO_PASSWORD, '203.0.113.50')).status).toBe(200);
  });

  it('writes only the small sessions file when someone signs in, never the registry', async () => {
    server = await startServer();
    const registry = join(server.dataDir, 'registry.json');
    const before = statSync(registry);
    const client = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    await client.delete('/api/session');
    await new HttpClient(server.url).post('/api/session', { username: 'ghor', password: 'wrong-password' });
    const after = statSync(registry);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.size).toBe(before.size);
    expect(statSync(join(server.dataDir, 'sessions.json')).size).toBeGreaterThan(0);
  });
});
