import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';

let server: TestServer;
afterEach(async () => server?.close());

describe('sessions', () => {
  it('signs in with the right password, says who you are, and signs out', async () => {
    server = await startServer();
    const client = new HttpClient(server.url);
    expect((await client.get('/api/me')).status).toBe(401);
    const login = await client.post('/api/session', { username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.data).toMatchObject({ username: 'admin', role: 'admin' });
    expect(login.body.data.passwordHash).toBeUndefined();
    // Each cookie on its own: the session cookie, and the device cookie that marks a known device.
    const [cookie, device] = login.headers.getSetCookie();
    expect(cookie).toMatch(/^zb_session=[\w-]{40,};/);
    expect(cookie).toMatch(/; HttpOnly;/);
    expect(cookie).toMatch(/; SameSite=Lax;/);
    expect(device).toMatch(/^zb_device=[\w-]{30,}; Path=\/api\/session; HttpOnly; SameSite=Lax;/);
    expect((await client.get('/api/me')).body.data.username).toBe('admin');
    const stolen = client.cookie;
    expect((await client.delete('/api/session')).status).toBe(200);
    expect((await client.get('/api/me')).status).toBe(401);
    // The old cookie is dead on the server too, not only forgotten by this client.
    const replay = new HttpClient(server.url);
    replay.cookie = stolen;
    expect((await replay.get('/api/me')).status).toBe(401);
  });

  it('marks the cookie Secure when served behind TLS', async () => {
    server = await startServer({ secureCookies: true });
    const login = await new HttpClient(server.url).post('/api/session', { username: 'admin', password: ADMIN_PASSWORD });
    for (const cookie of login.headers.getSetCookie()) expect(cookie).toMatch(/; Secure$/);
    expect(login.headers.getSetCookie()).toHaveLength(2);
  });

  it('refuses a wrong password and an unknown user with the same Dutch sentence', async () => {
    server = await startServer();
    const client = new HttpClient(server.url);
    const wrong = await client.post('/api/session', { username: 'admin', password: 'not-the-password' });
    const unknown = await client.post('/api/session', { username: 'nobody', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: 'unauthenticated', message: 'Gebruikersnaam of wachtwoord klopt niet.' });
    expect(unknown.body.error).toEqual(wrong.body.error);
    expect(client.cookie).toBe('');
    const english = await new HttpClient(server.url, { 'accept-language': 'en-GB,en;q=0.9' }).post('/api/session', { username: 'admin', password: 'x' });
    expect(english.body.error.message).toBe('Username or password is wrong.');
    expect(server.logs.join('\n')).not.toContain('not-the-password');
  });

  it('slows down guessing with growing delays, and lets the right password through once the delay has passed', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    server = await startServer({ now: () => new Date(now), signInLimits: { freePerPair: 3, baseDelayMs: 1000 } });
    const client = new HttpClient(server.url);
    for (let i = 0; i < 3; i++) expect((await client.post('/api/session', { username: 'ghor', password: `guess-${i}` })).status).toBe(401);
    const waits: string[] = [];
    for (let i = 0; i < 4; i++) {
      const limited = await client.post('/api/session', { username: 'ghor', password: DEMO_PASSWORD });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate-limited');
      expect(limited.body.error.message).toMatch(/^Te veel mislukte pogingen\. Probeer het over \d+ seconden opnieuw\.$/);
      waits.push(limited.headers.get('retry-after')!);
      now += Number(limited.headers.get('retry-after')) * 1000;
      // Another wrong guess once the delay has passed doubles the next delay.
      if (i < 3) expect((await client.post('/api/session', { username: 'ghor', password: `again-${i}` })).status).toBe(401);
    }
    expect(waits).toEqual(['1', '2', '4', '8']);
    expect((await client.post('/api/session', { username: 'ghor', password: DEMO_PASSWORD })).status).toBe(200);
  });

  it('expires sessions after their lifetime', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    server = await startServer({ now: () => new Date(now), sessionTtlMs: 3600000 });
    const client = await new HttpClient(server.url).signIn('observer', DEMO_PASSWORD);
    expect((await client.get('/api/me')).status).toBe(200);
    now += 3600001;
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('validates the login body and answers bad JSON with a sentence', async () => {
    server = await startServer();
    const client = new HttpClient(server.url);
    const missing = await client.post('/api/session', { username: 'admin' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ path: 'password', message: 'is verplicht' }]);
    const broken = await client.post('/api/session', '{"username": ', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toBe('De inhoud is geen geldige JSON.');
  });

  it('refuses a state-changing request from a foreign Origin', async () => {
    server = await startServer();
    const client = new HttpClient(server.url);
    const foreign = await client.post('/api/session', { username: 'admin', password: ADMIN_PASSWORD }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(client.cookie).toBe('');
    const own = await client.post('/api/session', { username: 'admin', password: ADMIN_PASSWORD }, { origin: server.url });
    expect(own.status).toBe(200);
  });

  it('creates users as admin only, and a deactivated user is signed out everywhere', async () => {
    server = await startServer();
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const user = { username: 'coord-org-010', password: 'long-enough-password', role: 'coordinator', organisationId: 'org-010' };
    expect((await ghor.post('/api/users', user)).status).toBe(403);
    const created = await admin.post('/api/users', user);
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ username: 'coord-org-010', role: 'coordinator', organisationId: 'org-010' });
    expect((await admin.post('/api/users', user)).status).toBe(409);
    const noOrg = await admin.post('/api/users', { ...user, username: 'x-coord', organisationId: undefined });
    expect(noOrg.status).toBe(400);
    expect(noOrg.body.error.details[0].path).toBe('organisationId');
    const coordinator = await new HttpClient(server.url).signIn('coord-org-010', 'long-enough-password');
    expect((await coordinator.get('/api/me')).body.data.organisationId).toBe('org-010');
    expect((await admin.patch(`/api/users/${created.body.data.id}`, { active: false })).status).toBe(200);
    expect((await coordinator.get('/api/me')).status).toBe(401);
    expect((await new HttpClient(server.url).post('/api/session', { username: 'coord-org-010', password: 'long-enough-password' })).status).toBe(401);
    // Passwords, their hashes and session tokens never reach the log.
    const logs = server.logs.join('\n');
    const stored = await server.store.get('users', created.body.data.id);
    for (const secret of ['long-enough-password', DEMO_PASSWORD, ADMIN_PASSWORD, stored!.passwordHash, ...[admin, ghor, coordinator].map((c) => c.cookie.split('=')[1])]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).toContain('coord-org-010');
  });
});
