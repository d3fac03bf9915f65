import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertStatus } from '../shared/alert';
import type { TimelineEvent } from '../shared/review';
import { isEmail, isMobile, toE164 } from '../shared/contact';
import { isConnected, type Coordinator } from '../shared/domain';
import { gsm7Length, smsText } from '../shared/reach';
import { smsStatusKey } from '../server/http/reach-routes';
import { loadReachKeys } from '../server/reach/secrets';
import type { PgStore } from '../server/store/pg-store';
import { TEST_STORE } from './helpers/test-store';
import { RecordType } from '../server/recorder/incident-log';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { startSmsPeer } from './helpers/sms-peer';
import { startSmtpPeer } from './helpers/smtp-peer';
import { waitFor } from './helpers/wait-for';

const SMS_TOKEN = '00000000-1111-2222-3333-444444444444';

let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let sms: Awaited<ReturnType<typeof startSmsPeer>>;
let server: TestServer;
let ghor: HttpClient;
let admin: HttpClient;
let connected: Coordinator[];

/** Links in a text: the answer links of this server. */
function answerLinks(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"<>]+\/a\/[A-Za-z0-9_-]{23}/g)].map((m) => m[0]);
}

async function newIncident(title: string): Promise<string> {
  return (await ghor.post('/api/incidents', { title, grip: 2 })).body.data.id as string;
}

async function sendAlert(incidentId: string, body: Record<string, unknown> = {}): Promise<AlertStatus> {
  const sent = await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Hoogwater Maas: meld of uw locaties getroffen zijn.', grip: 2, target: { all: true }, ...body });
  expect(sent.status).toBe(201);
  return sent.body.data as AlertStatus;
}

async function statusOf(incidentId: string, alertId: string): Promise<AlertStatus> {
  return ((await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[]).find((s) => s.alert.id === alertId)!;
}

async function events(incidentId: string): Promise<Record<string, unknown>[]> {
  const records = await server.records(incidentId);
  return records.filter((r) => r.type === RecordType.event).map((r) => JSON.parse(new TextDecoder().decode(r.payload)) as Record<string, unknown>);
}

const form = (answer: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `answer=${answer}` });

beforeAll(async () => {
  smtp = await startSmtpPeer();
  sms = await startSmsPeer({ token: SMS_TOKEN });
  server = await startServer({ reach: { smtp: { url: smtp.url, from: 'GHOR Zuid-Limburg <ghor@zorgbeeld.test>' }, sms: { url: sms.url, token: SMS_TOKEN, sender: 'GHOR ZL' }, outboxTickMs: 50, escalationTickMs: 60000 } });
  ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
  connected = (await server.store.list('coordinators')).filter(isConnected);
});

afterAll(async () => {
  await server?.close();
  await smtp?.close();
  await sms?.close();
});

describe('an alert reaches every connected coordinator by e-mail and SMS', () => {
  let incidentId: string;
  let status: AlertStatus;

  beforeAll(async () => {
    incidentId = await newIncident('Hoogwater Maas');
    status = await sendAlert(incidentId);
  });

  it('hands one mail per connected coordinator to SMTP and one SMS per mobile number to CM.com, in the gateway’s format', async () => {
    const withEmail = connected.filter((c) => isEmail(c.email));
    const withMobile = connected.filter((c) => isMobile(toE164(c.phone) ?? ''));
    expect(withEmail.length).toBeGreaterThan(100);
    await waitFor(() => smtp.mails.filter((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id).length === withEmail.length && sms.messages.length >= withMobile.length, { what: 'every mail and SMS', timeoutMs: 20000 });
    const mails = smtp.mails.filter((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id);
    // One mail per connected coordinator (two coordinators may share an address).
    const count = (list: string[]) => [...list].sort().join('\n');
    expect(count(mails.flatMap((m) => m.to))).toBe(count(withEmail.map((c) => c.email)));
    expect(sms.violations).toEqual([]);
    expect(new Set(sms.messages.map((m) => m.to))).toEqual(new Set(withMobile.map((c) => `00${toE164(c.phone)!.slice(1)}`)));
    // Nobody who has not finished the digital introduction is reached.
    const unconnected = (await server.store.list('coordinators')).filter((c) => !isConnected(c));
    expect(unconnected.length).toBeGreaterThan(0);
    const onlyUnconnected = unconnected.filter((u) => !connected.some((c) => c.email === u.email));
    expect(onlyUnconnected.length).toBeGreaterThan(0);
    expect(mails.some((m) => m.to.some((to) => onlyUnconnected.some((c) => c.email === to)))).toBe(false);
  });

  it('writes the mail in Dutch, plain text and HTML, with the incident, GRIP, the message and the answer link', async () => {
    const mail = smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id)!.mail;
    expect(mail.subject).toContain('GRIP 2');
    expect(mail.subject).toContain('Hoogwater Maas');
    expect(mail.text).toContain('Hoogwater Maas: meld of uw locaties getroffen zijn.');
    expect(mail.text).toContain('Antwoord hier, zonder in te loggen');
    expect(mail.html).toContain('Nu antwoorden');
    expect(answerLinks(mail.text!)).toHaveLength(1);
    expect(answerLinks(String(mail.html))).toContain(answerLinks(mail.text!)[0]);
    expect(mail.messageId).toMatch(/^<[A-Za-z0-9_-]{12}@/);
  });

  it('writes each SMS in one part of at most 160 GSM-7 characters, ending in the whole answer link', () => {
    for (const message of sms.messages) {
      expect(gsm7Length(message.content)).toBeLessThanOrEqual(160);
      expect(answerLinks(message.content)).toHaveLength(1);
      expect(message.content.endsWith(answerLinks(message.content)[0])).toBe(true);
      expect(message.from).toBe('GHOR ZL');
    }
  });

  it('shows GHOR each coordinator’s delivery per channel, recorded in the incident log', async () => {
    const lines = await waitFor(async () => {
      const s = await statusOf(incidentId, status.alert.id);
      return s.deliveries!.length > 0 && s.deliveries!.every((d) => d.state === 'sent') ? s.deliveries! : null;
    }, { what: 'every delivery sent' });
    expect(lines.filter((d) => d.channel === 'email').length).toBe(connected.filter((c) => isEmail(c.email)).length);
    expect(lines.every((d) => d.name && d.phone)).toBe(true);
    // Each message's state is recorded just after it is written: wait for the last of them.
    await waitFor(async () => (await events(incidentId)).filter((e) => e.type === 'message-state' && e.state === 'sent').length === lines.length, { what: 'every message-state event' });
    expect((await events(incidentId)).find((e) => e.type === 'alert-outreach')).toMatchObject({ alertId: status.alert.id, round: 0 });
  });

  it('a GET of the link only shows the alert and three buttons; a POST of "no" answers, as from the banner, recorded with its channel', async () => {
    const mail = smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id)!;
    const coordinator = connected.find((c) => c.email === mail.to[0])!;
    const link = answerLinks(mail.mail.text!)[0];
    // Scanners and previews fetch links: any number of GETs acknowledges nothing.
    for (let i = 0; i < 3; i++) {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Nee, niet getroffen');
      expect(html).toContain('Ja, getroffen');
      expect(html).toContain('Weet ik nog niet');
      expect(html).toContain('Hoogwater Maas');
    }
    expect((await statusOf(incidentId, status.alert.id)).acknowledgements).toEqual([]);

    const answered = await fetch(link, form('no'));
    expect(answered.status).toBe(200);
    const html = await answered.text();
    expect(html).toContain('Dank u. Uw antwoord is ontvangen');
    expect(html).toContain('/login?next=');
    const ack = (await statusOf(incidentId, status.alert.id)).acknowledgements.find((a) => a.organisationId === coordinator.organisationId)!;
    expect(ack).toMatchObject({ answer: 'no', via: 'email', displayName: coordinator.name, coordinatorId: coordinator.id });
    // GHOR sees who answered, and by which channel, beside that coordinator's messages.
    const lines = (await statusOf(incidentId, status.alert.id)).deliveries!.filter((d) => d.coordinatorId === coordinator.id);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((d) => d.answered === 'email')).toBe(true);
    // "Not hit" is a report: the organisation's locations are green for GHOR.
    const state = (await ghor.get(`/api/incidents/${incidentId}/state?format=json`)).body.data;
    const own = (await server.store.list('locations')).filter((l) => l.organisationId === coordinator.organisationId && l.active);
    expect(own.every((l) => state.reports[l.id]?.impact === 'none')).toBe(true);
    expect((await events(incidentId)).find((e) => e.type === 'alert-acked' && e.organisationId === coordinator.organisationId)).toMatchObject({ answer: 'no', via: 'email' });

    // A second answer, by any link of the organisation, does not change the first.
    const other = smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id && m.to[0] !== mail.to[0] && connected.find((c) => c.email === m.to[0])?.organisationId === coordinator.organisationId);
    if (other) {
      const again = await (await fetch(answerLinks(other.mail.text!)[0], form('yes'))).text();
      expect(again).toContain('Uw organisatie heeft al geantwoord');
    }
    expect((await statusOf(incidentId, status.alert.id)).acknowledgements.filter((a) => a.organisationId === coordinator.organisationId)).toHaveLength(1);
  });

  it('the link’s page corrects a wrong answer with one more tap: the "not hit" reports go, the correction is recorded, the first answer’s time stays', async () => {
    // An organisation that has not answered yet.
    const answeredBefore = new Set((await statusOf(incidentId, status.alert.id)).acknowledgements.map((a) => a.organisationId));
    const mail = smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id && !answeredBefore.has(connected.find((c) => c.email === m.to[0])!.organisationId))!;
    const coordinator = connected.find((c) => c.email === mail.to[0])!;
    const link = answerLinks(mail.mail.text!)[0];
    const own = (await server.store.list('locations')).filter((l) => l.organisationId === coordinator.organisationId && l.active).map((l) => l.id);
    const reports = async () => (await ghor.get(`/api/incidents/${incidentId}/state?format=json`)).body.data.reports as Record<string, { impact?: string }>;
    const answered = await (await fetch(link, form('no'))).text();
    // The page that confirms the answer offers the other two, each a form of its own.
    expect(answered).toContain('Verkeerd gekozen, of is de situatie veranderd?');
    expect(answered.match(/name="correct" value="1"/g)).toHaveLength(2);
    const first = (await statusOf(incidentId, status.alert.id)).acknowledgements.find((a) => a.organisationId === coordinator.organisationId)!;
    expect(Object.entries(await reports()).filter(([id, r]) => own.includes(id) && r.impact === 'none')).toHaveLength(own.length);

    const corrected = await fetch(link, { ...form('yes'), body: 'answer=yes&correct=1' });
    expect(corrected.status).toBe(200);
    const html = await corrected.text();
    expect(html).toContain('Het antwoord is gewijzigd in: <strong>Getroffen</strong>');
    expect(html).toContain('teruggenomen');
    const ack = (await statusOf(incidentId, status.alert.id)).acknowledgements.find((a) => a.organisationId === coordinator.organisationId)!;
    expect(ack).toMatchObject({ answer: 'yes', at: first.at, via: 'email', corrected: { from: 'no', displayName: coordinator.name } });
    expect(Object.entries(await reports()).filter(([id, r]) => own.includes(id) && r.impact === 'none')).toEqual([]);
    expect((await events(incidentId)).filter((e) => e.type === 'answer-corrected' && e.organisationId === coordinator.organisationId)).toEqual([
      expect.objectContaining({ from: 'no', answer: 'yes', cleared: own.length }),
    ]);
    // Opened again later, the link shows the answer that stands and still offers the others.
    const later = await (await fetch(link)).text();
    expect(later).toContain('Uw organisatie heeft al geantwoord: Getroffen');
    expect(later.match(/name="correct" value="1"/g)).toHaveLength(2);
  });

  it('an SMS link answers too, recorded as SMS; the gateway’s status reports mark messages delivered or failed with the reason', async () => {
    const answeredOrgs = new Set((await statusOf(incidentId, status.alert.id)).acknowledgements.map((a) => a.organisationId));
    const byNumber = new Map(connected.map((c) => [`00${(toE164(c.phone) ?? '').slice(1)}`, c]));
    const open = sms.messages.filter((m) => !answeredOrgs.has(byNumber.get(m.to)!.organisationId));
    const first = open[0];
    const link = answerLinks(first.content)[0];
    const page = await (await fetch(link, { headers: { 'accept-language': 'en-GB,en;q=0.9' } })).text();
    expect(page).toContain('No, not hit');
    await fetch(link, form('unknown'));
    const statusUrl = `${server.url}/api/reach/sms-status/${smsStatusKey((await loadReachKeys({ dataDir: server.dataDir, subject: 'x', store: TEST_STORE === 'postgres' ? (server.store as PgStore) : undefined })).answerSecret)}`;
    expect((await sms.status(`${server.url}/api/reach/sms-status/wrong-key`, first, 2)).status).toBe(404);
    expect((await sms.status(statusUrl, first, 2)).status).toBe(200);
    const second = open.find((m) => m.to !== first.to)!;
    expect((await sms.status(statusUrl, second, 3, 'Absent subscriber')).status).toBe(200);
    const lines = (await statusOf(incidentId, status.alert.id)).deliveries!.filter((d) => d.channel === 'sms');
    expect(lines.filter((d) => d.state === 'delivered')).toHaveLength(1);
    const failed = lines.filter((d) => d.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].error).toContain('Absent subscriber');
    const acks = (await statusOf(incidentId, status.alert.id)).acknowledgements;
    expect(acks.find((a) => a.via === 'sms')?.answer).toBe('unknown');
  });
});

describe('the coordinator’s language', () => {
  it('writes mail and SMS in English for a coordinator who chose English in the app', async () => {
    const me = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    const user = (await me.patch('/api/me', { language: 'en' })).body.data;
    expect(user.language).toBe('en');
    expect((await me.patch('/api/me', { language: 'fr' })).status).toBe(400);
    const coordinator = (await server.store.list('coordinators')).find((c) => c.id === user.coordinatorId)!;
    const incidentId = await newIncident('Storm');
    // Only the messages of this alert: an earlier test's Dutch SMS to the same number must not pass for it.
    const smsBefore = sms.messages.length;
    const status = await sendAlert(incidentId, { target: { organisationIds: [user.organisationId] } });
    const mail = await waitFor(() => smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id && m.to[0] === coordinator.email), { what: 'the English mail' });
    expect(mail.mail.subject).toContain('are you hit? Answer in one tap');
    expect(mail.mail.text).toContain('Answer here, without signing in');
    expect(mail.mail.html).toContain('lang="en"');
    const number = `00${toE164(coordinator.phone)!.slice(1)}`;
    const text = await waitFor(() => sms.messages.slice(smsBefore).find((m) => m.to === number), { what: 'the English SMS' });
    expect(text.content).toContain('Hit? Answer:');
    // Everyone else of the organisation still reads Dutch.
    const others = smtp.mails.filter((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id && m.to[0] !== coordinator.email);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((m) => m.mail.subject?.includes('bent u getroffen?'))).toBe(true);
    await me.patch('/api/me', { language: 'nl' });
  });
});

describe('answer links refuse what they should', () => {
  it('an altered token gets a clear page and acknowledges nothing', async () => {
    const incidentId = await newIncident('Stroomstoring');
    const status = await sendAlert(incidentId);
    await waitFor(() => smtp.mails.some((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id), { what: 'a mail' });
    const link = answerLinks(smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id)!.mail.text!)[0];
    const last = link.at(-1) === 'A' ? 'B' : 'A';
    for (const altered of [link.slice(0, -1) + last, link.replace(/\/a\/./, (m) => m.slice(0, -1) + (m.at(-1) === 'x' ? 'y' : 'x')), `${link}x`]) {
      const answer = await fetch(altered, form('no'));
      expect(answer.status).toBe(404);
      expect(await answer.text()).toContain('Deze antwoordlink is onbekend of gewijzigd');
    }
    expect((await statusOf(incidentId, status.alert.id)).acknowledgements).toEqual([]);
  });

  it('1,000 wrong tokens from one address are cut off after 20 and change nothing', async () => {
    const before = (await server.store.list('acknowledgements')).length;
    const answers: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const token = `${String(i).padStart(12, 'x')}AAAAAAAAAAA`;
      answers.push((await fetch(`${server.url}/a/${token}`, form('no'))).status);
    }
    // The wrong tokens of the test before count too: at most 20 are looked at, all the rest wait.
    const looked = answers.filter((s) => s === 404).length;
    expect(looked).toBeGreaterThan(0);
    expect(looked).toBeLessThanOrEqual(20);
    expect(answers.slice(looked).every((s) => s === 429)).toBe(true);
    expect((await server.store.list('acknowledgements')).length).toBe(before);
  });
});

describe('from the answer page to the board', () => {
  it('signs the link’s coordinator in by a POST, not by opening the link; without an account, a day on, or once the incident is closed, it sends to the sign-in page', async () => {
    // A server of its own: the wrong tokens tried above have this address waiting on the shared one.
    const clock = { ahead: 0 };
    const fresh = await startServer({ now: () => new Date(Date.now() + clock.ahead), reach: { smtp: { url: smtp.url, from: 'ghor@zorgbeeld.test' }, outboxTickMs: 50 } });
    try {
      await signInFromLink(fresh, clock);
    } finally {
      await fresh.close();
    }
  });
});

/** The answer page's way on to the board, on a server of its own (see the test above). */
async function signInFromLink(server: TestServer, clock: { ahead: number }): Promise<void> {
  const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  const connected = (await server.store.list('coordinators')).filter(isConnected);
  const account = (await server.store.list('users')).find((u) => u.username === 'coordinator')!;
  const own = connected.find((c) => c.id === account.coordinatorId)!;
  // A colleague at the same organisation, without an account of its own: the account above is not theirs.
  const other = connected.find((c) => c.organisationId === own.organisationId && c.id !== own.id && isEmail(c.email))!;
  const incidentId = (await ghor.post('/api/incidents', { title: 'Gaslucht Kerkrade', grip: 2 })).body.data.id as string;
  const status = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Gaslucht: meld of u getroffen bent.', grip: 2, target: { organisationIds: [own.organisationId] } })).body.data as AlertStatus;
  const linkTo = async (email: string) => {
    const mail = await waitFor(() => smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === status.alert.id && m.to[0] === email), { what: `the mail to ${email}` });
    return answerLinks(mail.mail.text!)[0];
  };
  const link = await linkTo(own.email);
  const board = (url: string, headers: Record<string, string> = {}) => fetch(`${url}/board`, { method: 'POST', redirect: 'manual', headers: { origin: server.url, ...headers } });
  const sessionCookie = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('zb_session=') && !c.startsWith('zb_session=;'));

  // The answer page, after "hit", offers the board and says whose account the link signs in to.
  const answered = await (await fetch(link, form('yes'))).text();
  expect(answered).toContain(`<form method="post" action="/a/${link.split('/a/')[1]}/board" data-board>`);
  expect(answered).toContain('Meld nu per locatie wat er aan de hand is</button>');
  expect(answered).toContain('Deze link logt u op dit toestel in als Crisiscoördinator (demo); geen wachtwoord nodig.');
  // Opening the address (a mail scanner, a preview) signs nobody in; nor does another site's form.
  const opened = await fetch(`${link}/board`, { redirect: 'manual' });
  expect(sessionCookie(opened)).toBeUndefined();
  const foreign = await board(link, { origin: 'https://evil.example' });
  expect(foreign.status).toBe(403);
  expect(sessionCookie(foreign)).toBeUndefined();

  const signedIn = await board(link);
  expect(signedIn.status).toBe(303);
  expect(signedIn.headers.get('location')).toBe(`/incidents/${incidentId}?open=own`);
  const cookie = sessionCookie(signedIn)!.split(';')[0];
  const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
  expect((await me.json()).data).toMatchObject({ username: 'coordinator', organisationId: own.organisationId });
  // A device already signed in to the account keeps its session.
  const again = await board(link, { cookie });
  expect(again.status).toBe(303);
  expect(sessionCookie(again)).toBeUndefined();
  // The incident log says who came to the board by which message's link: once, for the one sign-in.
  const signIns = async () => (await ghor.get(`/api/incidents/${incidentId}/events?type=link-sign-in`)).body.data.events as TimelineEvent[];
  const [logged] = await waitFor(async () => { const found = await signIns(); return found.length > 0 ? found : undefined; }, { what: 'the sign-in in the incident log' });
  expect(logged).toMatchObject({ userId: account.id, organisationId: own.organisationId, detail: { alertId: status.alert.id, username: 'coordinator', channel: 'email' } });
  expect(await signIns()).toHaveLength(1);

  // A coordinator without an account: the sign-in page, with the board as where to go next.
  const otherLink = await linkTo(other.email);
  const otherPage = await (await fetch(otherLink)).text();
  expect(otherPage).not.toContain('data-board');
  expect(otherPage).toContain(`href="/login?next=${encodeURIComponent(`/incidents/${incidentId}?open=own`)}"`);
  const noAccount = await board(otherLink);
  expect(noAccount.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/incidents/${incidentId}?open=own`)}`);
  expect(sessionCookie(noAccount)).toBeUndefined();

  // A day after its message the link only answers: the page offers the sign-in page instead.
  clock.ahead = 24 * 3600_000 + 60_000;
  expect(await (await fetch(link)).text()).not.toContain('data-board');
  expect((await board(link)).headers.get('location')).toMatch(/^\/login\?next=/);
  clock.ahead = 0;

  // A closed incident's link signs nobody in any more.
  expect((await ghor.post(`/api/incidents/${incidentId}/close`)).status).toBe(200);
  const closed = await board(link);
  expect(closed.headers.get('location')).toMatch(/^\/login\?next=/);
  expect(sessionCookie(closed)).toBeUndefined();
  expect(await (await fetch(link)).text()).not.toContain('data-board');
}

describe('a closed incident', () => {
  it('a link of an alert GHOR withdrew says so instead of asking; the all clear’s own link asks', async () => {
    // A server of its own: the wrong tokens tried above have this address waiting on the shared one.
    const fresh = await startServer({ reach: { smtp: { url: smtp.url, from: 'ghor@zorgbeeld.test' }, outboxTickMs: 50 } });
    try {
      const g = await new HttpClient(fresh.url).signIn('ghor', DEMO_PASSWORD);
      const incidentId = (await g.post('/api/incidents', { title: 'Vals alarm Maastricht', grip: 2 })).body.data.id as string;
      const target = { organisationIds: [connected[0].organisationId] };
      const first = (await g.post(`/api/incidents/${incidentId}/alerts`, { message: 'Brand: ramen dicht.', grip: 2, target })).body.data.alert.id as string;
      const mail = await waitFor(() => smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === first), { what: 'the alert’s mail' });
      const link = answerLinks(mail.mail.text!)[0];
      expect(await (await fetch(link)).text()).toContain('<form method="post">');
      const cancel = (await g.post(`/api/incidents/${incidentId}/alerts`, { message: 'Alles veilig.', grip: 2, target, msgType: 'Cancel', references: first })).body.data.alert.id as string;
      const page = await (await fetch(link)).text();
      expect(page).toContain('GHOR heeft dit alarm ingetrokken of alles veilig gegeven; antwoorden is niet meer nodig.');
      expect(page).not.toContain('<form');
      const allClear = await waitFor(() => smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === cancel), { what: 'the all clear’s mail' });
      // It asks once more, as a last roll call: hit still? (the alert itself asked "hit?").
      expect(allClear.mail.subject).toMatch(/^GHOR einde GRIP 2: Vals alarm Maastricht — nog getroffen\? Antwoord met één tik$/);
      expect(mail.mail.subject).toMatch(/— bent u getroffen\? Antwoord met één tik$/);
      const allClearPage = await (await fetch(answerLinks(allClear.mail.text!)[0])).text();
      expect(allClearPage).toContain('<form method="post">');
      expect(allClearPage).toContain('Is uw organisatie nog getroffen?');
    } finally {
      await fresh.close();
    }
  });

  it('stops its links: the page says so, an answer is refused and nothing is acknowledged', async () => {
    const fresh = await startServer({ reach: { smtp: { url: smtp.url, from: 'ghor@zorgbeeld.test' }, outboxTickMs: 50 } });
    try {
      const g = await new HttpClient(fresh.url).signIn('ghor', DEMO_PASSWORD);
      const incidentId = (await g.post('/api/incidents', { title: 'Gesloten incident', grip: 1 })).body.data.id;
      const alertId = (await g.post(`/api/incidents/${incidentId}/alerts`, { message: 'Test', grip: 1, target: { all: true } })).body.data.alert.id;
      const mail = await waitFor(() => smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === alertId), { what: 'a mail' });
      expect((await g.post(`/api/incidents/${incidentId}/close`)).status).toBe(200);
      const link = answerLinks(mail.mail.text!)[0];
      expect(await (await fetch(link)).text()).toContain('Dit incident is gesloten');
      const refused = await fetch(link, form('no'));
      expect(refused.status).toBe(409);
      expect((await fresh.store.list('acknowledgements')).filter((a) => a.alertId === alertId)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});

describe('a dead relay or gateway', () => {
  it('never delays the in-app alert, and shows as failures with the reason, tried again later', async () => {
    const deadSms = await startSmsPeer({ token: SMS_TOKEN });
    deadSms.setDown(true);
    // The next try a minute on: with the default 5 s, on a busy machine the first messages were
    // being tried again before the last had failed once, and "all failed" was never seen at once.
    const retry = { attempts: 6, baseMs: 60000, maxMs: 5 * 60000 };
    const fresh = await startServer({ reach: { smtp: { url: 'smtp://127.0.0.1:9', from: 'ghor@zorgbeeld.test' }, sms: { url: deadSms.url, token: SMS_TOKEN, sender: 'GHOR' }, outboxTickMs: 50, retry } });
    try {
      const g = await new HttpClient(fresh.url).signIn('ghor', DEMO_PASSWORD);
      const c = await new HttpClient(fresh.url).signIn('coordinator', DEMO_PASSWORD);
      const incidentId = (await g.post('/api/incidents', { title: 'Dode relay', grip: 2 })).body.data.id;
      const started = Date.now();
      const sent = await g.post(`/api/incidents/${incidentId}/alerts`, { message: 'Test', grip: 2, target: { all: true } });
      expect(sent.status).toBe(201);
      // The coordinator sees it in the app at once.
      expect(((await c.get('/api/alerts/pending')).body.data as unknown[]).length).toBe(1);
      expect(Date.now() - started).toBeLessThan(2000);
      const lines = await waitFor(async () => {
        const s = ((await g.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[])[0];
        return s.deliveries!.length > 0 && s.deliveries!.every((d) => d.state === 'failed') ? s.deliveries! : null;
      }, { what: 'every message failed', timeoutMs: 20000 });
      expect(lines.find((d) => d.channel === 'email')!.error).toMatch(/ECONNREFUSED|connect/i);
      expect(lines.find((d) => d.channel === 'sms')!.error).toContain('HTTP 503');
      expect(lines.every((d) => d.retryAt !== null)).toBe(true);
    } finally {
      await fresh.close();
      await deadSms.close();
    }
  });
});

describe('an answer before the messages went out', () => {
  it('cancels the messages of that organisation that were not handed over yet', async () => {
    // Each mail takes 25 ms at the relay: the last organisations' mails wait for a later batch.
    const slow = await startSmtpPeer({ delayMs: 25 });
    const fresh = await startServer({ reach: { smtp: { url: slow.url, from: 'ghor@zorgbeeld.test' }, outboxTickMs: 50 } });
    try {
      const g = await new HttpClient(fresh.url).signIn('ghor', DEMO_PASSWORD);
      const a = await new HttpClient(fresh.url).signIn('admin', ADMIN_PASSWORD);
      const coordinators = (await fresh.store.list('coordinators')).filter(isConnected);
      const last = coordinators.at(-1)!;
      expect((await a.post('/api/users', { username: 'laatste', password: 'laatste-wachtwoord', role: 'coordinator', organisationId: last.organisationId, coordinatorId: last.id })).status).toBe(201);
      const lastOrg = await new HttpClient(fresh.url).signIn('laatste', 'laatste-wachtwoord');
      const incidentId = (await g.post('/api/incidents', { title: 'Vroeg antwoord', grip: 2 })).body.data.id as string;
      const alertId = (await g.post(`/api/incidents/${incidentId}/alerts`, { message: 'Test', grip: 2, target: { all: true } })).body.data.alert.id as string;
      expect((await lastOrg.post(`/api/alerts/${alertId}/ack`, { answer: 'no' })).status).toBe(200);
      const own = coordinators.filter((c) => c.organisationId === last.organisationId && isEmail(c.email));
      const settled = await waitFor(async () => {
        const rows = (await fresh.store.list('outbox')).filter((m) => m.alertId === alertId);
        return rows.length > 0 && rows.every((m) => m.state === 'sent' || m.state === 'cancelled') ? rows : null;
      }, { what: 'every message sent or cancelled', timeoutMs: 20000 });
      const theirs = settled.filter((m) => m.organisationId === last.organisationId);
      expect(theirs).toHaveLength(own.length);
      expect(theirs.every((m) => m.state === 'cancelled')).toBe(true);
      expect(slow.mails.some((m) => m.to.some((to) => own.some((c) => c.email === to)))).toBe(false);
      expect(settled.filter((m) => m.state === 'sent').length).toBeGreaterThan(100);
    } finally {
      await fresh.close();
      await slow.close();
    }
  });
});

describe('the registry keeps how each coordinator is reached', () => {
  it('refuses an invalid e-mail address or phone number with a sentence, and SMS without a mobile number', async () => {
    const coordinator = connected[0];
    const badMail = await admin.patch(`/api/coordinators/${coordinator.id}`, { email: 'jan.devries@' });
    expect(badMail.status).toBe(400);
    expect(badMail.body.error.message).toContain('is geen e-mailadres');
    const badPhone = await admin.patch(`/api/coordinators/${coordinator.id}`, { phone: '06-1234' });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.message).toContain('is geen telefoonnummer');
    const landline = await admin.patch(`/api/coordinators/${coordinator.id}`, { phone: '043 123 4567', channels: ['sms'] });
    expect(landline.status).toBe(400);
    expect(landline.body.error.message).toContain('mobiel nummer');
    expect(await server.store.get('coordinators', coordinator.id)).toEqual(coordinator);
  });

  it('lets a coordinator change its own e-mail, mobile number and channels, and nobody else’s', async () => {
    const me = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    const mine = (await me.get('/api/me/contact')).body.data as Coordinator;
    const changed = await me.patch('/api/me/contact', { email: 'crisis.lindeweg@zorg.example', phone: '06 2345 6789', channels: ['email', 'sms'], organisationId: 'org-999', name: 'Someone else' });
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({ id: mine.id, organisationId: mine.organisationId, name: mine.name, email: 'crisis.lindeweg@zorg.example', phone: '06 2345 6789', channels: ['email', 'sms'] });
    expect((await me.patch('/api/me/contact', { email: 'nope' })).status).toBe(400);
    expect((await me.patch(`/api/coordinators/${mine.id}`, { email: 'x@y.example' })).status).toBe(403);
  });

  it('imports and exports the channel choices as a CSV column', async () => {
    const csv = (await admin.get('/api/export/coordinators.csv')).text;
    expect(csv.split('\n')[0]).toContain('channels');
    const line = 'id,organisationId,name,phone,email,channels,introCompletedAt,active\ncoo-new-1,org-001,Nieuwe Coördinator,06 1111 2222,nieuw@zorg.example,email sms,2026-01-01T00:00:00.000Z,true\ncoo-new-2,org-001,Foute Keuze,043 111 2222,fout@zorg.example,sms,,true\n';
    const dry = await admin.post('/api/import/coordinators?format=csv', line, { 'content-type': 'text/csv' });
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ rows: 2, valid: 1, committed: false });
    expect(dry.body.data.problems).toEqual([{ line: 3, path: 'channels', value: 'sms', message: expect.stringContaining('mobiel nummer') }]);
    const commit = await admin.post('/api/import/coordinators?format=csv&commit=true&skipInvalid=true', line, { 'content-type': 'text/csv' });
    expect(commit.status).toBe(200);
    expect(await server.store.get('coordinators', 'coo-new-1')).toMatchObject({ channels: ['email', 'sms'], phone: '06 1111 2222' });
    expect(await server.store.get('coordinators', 'coo-new-2')).toBeUndefined();
  });
});

describe('the SMS text', () => {
  it('keeps a long Dutch message with accents and emoji within one part, cut on whole characters', () => {
    const link = 'https://zorgbeeld.ghor-zuid-limburg.nl/a/AbCdEfGhIjKlMnOpQrStUvW';
    const text = smsText({ grip: 3, title: 'Überstromung Geleenbeek — evacuatie 👩‍⚕️', message: 'Cliënten van locaties aan de Geleenbeek worden geëvacueerd; meld vóór 14:00 uw capaciteit. '.repeat(4), link, english: false });
    expect(gsm7Length(text)).toBeLessThanOrEqual(160);
    expect(text.endsWith(link)).toBe(true);
    expect(text).toContain('Getroffen? Antwoord:');
    expect(text).not.toContain('\uFFFD');
    expect(text).toContain('Clienten');
  });
});
