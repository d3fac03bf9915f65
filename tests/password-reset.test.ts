import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from './helpers/http-client';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { startSmtpPeer } from './helpers/smtp-peer';

let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let server: TestServer;

beforeAll(async () => {
  smtp = await startSmtpPeer();
});
afterEach(async () => server?.close());
afterAll(async () => smtp?.close());

/** A server of its own per test: the asks are counted per address, and every test asks from this one. */
async function serverWithMail(): Promise<TestServer> {
  server = await startServer({ reach: { smtp: { url: smtp.url, from: 'ghor@zorgbeeld.test' } } });
  return server;
}

/** "Wachtwoord vergeten?" as the sign-in page sends it: no session, the page's Origin. */
function askReset(login: unknown) {
  return new HttpClient(server.url).post('/api/password-reset', { login });
}

async function emailOf(username: string): Promise<string> {
  const user = (await server.store.list('users')).find((u) => u.username === username)!;
  return (await server.store.get('coordinators', user.coordinatorId!))!.email;
}

describe('a new password asked for on the sign-in page', () => {
  it('mails the coordinator a link that works once, for an hour; the new password signs in and the old one no longer does', async () => {
    await serverWithMail();
    const email = await emailOf('coordinator');
    const asked = await askReset('Coordinator');
    expect(asked.status).toBe(202);
    // The mail has been handed to the relay by the time the answer comes.
    const mail = smtp.mails.find((m) => m.to[0] === email && m.mail.subject === 'Een nieuw wachtwoord voor Zorgbeeld')!;
    expect(mail.mail.text).toContain('Uw gebruikersnaam is: coordinator');
    const token = mail.mail.text!.match(/\/welcome#([A-Za-z0-9_-]+)/)![1];

    const anyone = new HttpClient(server.url);
    const shown = (await anyone.get(`/api/invitations/${token}`)).body.data;
    expect(shown).toMatchObject({ username: 'coordinator', kind: 'reset' });
    const validFor = Date.parse(shown.expiresAt) - Date.now();
    expect(validFor).toBeGreaterThan(55 * 60_000);
    expect(validFor).toBeLessThanOrEqual(60 * 60_000);

    const other = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    expect((await anyone.post(`/api/invitations/${token}`, { password: 'een-nieuw-wachtwoord' })).status).toBe(200);
    // Every earlier session of the account ends; the old password is gone.
    expect((await other.get('/api/me')).status).toBe(401);
    expect((await new HttpClient(server.url).post('/api/session', { username: 'coordinator', password: DEMO_PASSWORD })).status).toBe(401);
    expect((await (await new HttpClient(server.url).signIn('coordinator', 'een-nieuw-wachtwoord')).get('/api/me')).body.data.username).toBe('coordinator');
    const again = await anyone.post(`/api/invitations/${token}`, { password: 'nog-een-wachtwoord' });
    expect(again.status).toBe(410);

    // By the e-mail address the registry has, in any case, as well (another account: one mail per
    // account in ten minutes).
    const newcomer = await emailOf('nieuw');
    expect((await askReset(newcomer.toUpperCase())).status).toBe(202);
    expect(smtp.mails.filter((m) => m.to[0] === newcomer && m.mail.text?.includes('Uw gebruikersnaam is: nieuw'))).toHaveLength(1);
  });

  it('answers the same for a name nobody has, a GHOR account and a second ask within ten minutes, and mails nothing for them', async () => {
    await serverWithMail();
    const before = smtp.mails.length;
    const answers = [await askReset('niemand'), await askReset('ghor'), await askReset('coordinator'), await askReset('coordinator')];
    expect(answers.map((a) => [a.status, a.body])).toEqual(Array.from({ length: 4 }, () => [202, { data: { requested: true } }]));
    expect(smtp.mails.slice(before).map((m) => m.to[0])).toEqual([await emailOf('coordinator')]);
  });

  it('stops an address after five asks in ten minutes with a sentence, and refuses an empty name with one', async () => {
    await serverWithMail();
    const empty = await askReset('  ');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('Vul uw gebruikersnaam of e-mailadres in (hoogstens 200 tekens).');
    expect((await askReset(42)).status).toBe(400);
    for (let i = 0; i < 5; i++) expect((await askReset(`niemand-${i}`)).status).toBe(202);
    const stopped = await askReset('coordinator');
    expect(stopped.status).toBe(429);
    expect(stopped.body.error.message).toContain('probeer het over tien minuten opnieuw');
  });
});
