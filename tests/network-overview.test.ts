import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator, Organisation } from '../shared/domain';
import type { AttentionItem, ContactMoment, Meeting } from '../shared/network';
import { networkOverview, shiftMonth, type NetworkOverview, type RegistryChange } from '../shared/network-overview';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { startSmtpPeer } from './helpers/smtp-peer';
import { waitFor } from './helpers/wait-for';

const org = (id: string, active = true): Organisation => ({ id, name: `Org ${id}`, sector: 'nursing-care', phone: '', email: '', active });
const person = (id: string, organisationId: string, introCompletedAt: string | null, extra: Partial<Coordinator> = {}): Coordinator => ({ id, organisationId, name: `P ${id}`, phone: '', email: '', introCompletedAt, active: true, ...extra });
const change = (at: string, collection: RegistryChange['collection'], rowId: string, kind: RegistryChange['change']): RegistryChange => ({ id: `${rowId}-${kind}`, at, collection, rowId, name: rowId, organisationId: 'a', change: kind, by: 'admin' });
const contact = (date: string, kind: ContactMoment['kind'], organisationId = 'a'): ContactMoment => ({ id: `${organisationId}-${date}-${kind}`, organisationId, kind, date, ghorPeople: '', organisationPeople: '', notes: '', followUps: [], createdBy: 'ghor', createdAt: '', updatedAt: '' });

describe('"Zorgnetwerk in beeld" for one month', () => {
  it('counts what changed in the month, in the region’s days, and nothing of the months around it', () => {
    const o = networkOverview({
      month: '2026-03',
      today: '2026-06-15',
      organisations: [org('a'), org('b'), org('c', false)],
      locations: [{ id: 'l1', active: true }, { id: 'l2', active: false }],
      coordinators: [
        person('p1', 'a', '2026-03-10T09:00:00Z'),
        // 23:30 UTC on 31 March is 1 April in the region: April's.
        person('p2', 'a', '2026-03-31T23:30:00Z'),
        person('p3', 'b', '2026-02-28T10:00:00Z', { kind: 'information' }),
        person('p4', 'b', null),
        person('p5', 'b', '2026-03-02T10:00:00Z', { active: false }),
      ],
      changes: [
        change('2026-03-01T08:00:00Z', 'organisations', 'b', 'added'),
        change('2026-03-05T08:00:00Z', 'locations', 'l1', 'added'),
        change('2026-03-20T08:00:00Z', 'locations', 'l2', 'deactivated'),
        change('2026-03-21T08:00:00Z', 'coordinators', 'p5', 'deactivated'),
        change('2026-02-28T22:30:00Z', 'locations', 'l9', 'added'), // 28 Feb 23:30 in the region: February
        change('2026-04-01T08:00:00Z', 'organisations', 'c', 'deactivated'),
      ],
      contacts: [contact('2026-03-03', 'partner-talk'), contact('2026-03-09', 'phone'), contact('2026-03-30', 'phone', 'b'), contact('2026-04-01', 'visit'), contact('2024-05-01', 'partner-talk', 'b')],
      meetings: [{ id: 'm1', kind: 'information-session', title: 'Sessie', date: '2026-03-12', place: '', theme: '', invited: ['p1', 'p2', 'p4'], attended: ['p1', 'p2'], createdBy: 'ghor', createdAt: '', updatedAt: '' }],
      incidents: [
        { id: 'i1', title: 'Brand', grip: 2, exercise: false, startedAt: '2026-03-15T10:00:00Z', alerted: 4, acknowledged: 3, medianAckMs: 120000, reported: 2 },
        { id: 'i2', title: 'Later', grip: 1, exercise: false, startedAt: '2026-04-02T10:00:00Z', alerted: 1, acknowledged: 1, medianAckMs: 1, reported: 1 },
      ],
    });
    expect(o.asOf).toBe('2026-03-31');
    expect(o.registry.organisationsAdded.map((r) => r.id)).toEqual(['b']);
    expect(o.registry.organisationsDeactivated).toEqual([]);
    expect(o.registry.locationsAdded.map((r) => r.id)).toEqual(['l1']);
    expect(o.registry.locationsDeactivated.map((r) => r.id)).toEqual(['l2']);
    expect(o.registry.coordinatorsLeft.map((r) => r.id)).toEqual(['p5']);
    expect(o.introductions.map((r) => r.id)).toEqual(['p5', 'p1']);
    expect(o.contacts.total).toBe(3);
    expect(o.contacts.byKind).toMatchObject({ 'partner-talk': 1, phone: 2, visit: 0 });
    expect(o.contacts.partnerTalks).toEqual([{ id: 'a-2026-03-03-partner-talk', name: '2026-03-03', organisationName: 'Org a' }]);
    expect(o.meetings).toEqual([{ id: 'm1', kind: 'information-session', title: 'Sessie', date: '2026-03-12', invited: 3, attended: 2 }]);
    expect(o.incidents.map((i) => i.id)).toEqual(['i1']);
    // Today: a partner talk of 2024-05-01 for b is overdue on 2026-06-15; a's of March is fine.
    expect(o.standing).toEqual({ organisations: 2, locations: 1, connected: 3, ico: 1, inIntake: 1, partnerTalksOverdue: 1 });
    expect(o.trend.map((t) => t.month)).toEqual(Array.from({ length: 12 }, (_, i) => shiftMonth('2026-03', i - 11)));
    expect(o.trend.at(-1)).toEqual({ month: '2026-03', contacts: 3, introductions: 2, attended: 2 });
    expect(o.trend.at(-2)).toEqual({ month: '2026-02', contacts: 0, introductions: 1, attended: 0 });
  });
});

describe('the network over the API: overview, change log, CSV, invitations', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  let admin: HttpClient;
  let ghor: HttpClient;
  let clock = Date.parse('2026-06-15T10:00:00Z');
  const month = '2026-06';

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    server = await startServer({ now: () => new Date(clock), reach: { smtp: { url: smtp.url, from: 'ghor@zorgbeeld.test' }, outboxTickMs: 50, escalationTickMs: 60000 } });
    admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  }, 60000);

  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const overview = async (m = month): Promise<NetworkOverview> => (await ghor.get(`/api/network/overview?month=${m}`)).body.data;

  it('keeps a change log of the registry and shows the month’s changes, with the seeded history before', async () => {
    // The demo history: a year of locations and coordinators coming, some leaving.
    const year = await Promise.all(Array.from({ length: 12 }, (_, i) => overview(shiftMonth(month, -i))));
    expect(year.reduce((n, o) => n + o.registry.locationsAdded.length, 0)).toBeGreaterThan(20);
    expect(year.reduce((n, o) => n + o.registry.coordinatorsLeft.length, 0)).toBe(5);
    expect(year.reduce((n, o) => n + o.contacts.total, 0)).toBeGreaterThan(5);

    const before = await overview();
    const location = { id: 'loc-nieuw-1', organisationId: 'org-001', name: 'Nieuwe locatie Heerlen', address: 'Markt 1', postcode: '6411 AA', municipality: 'Heerlen', lat: 50.888, lon: 5.979, kind: 'verpleeghuis', capacity: 40 };
    expect((await admin.post('/api/locations', location)).status).toBe(201);
    expect((await admin.patch('/api/locations/loc-nieuw-1', { name: 'Nieuwe locatie Heerlen-Centrum' })).status).toBe(200);
    expect((await admin.request('DELETE', '/api/locations/loc-nieuw-1')).status).toBe(200);
    const after = await overview();
    expect(after.registry.locationsAdded.length).toBe(before.registry.locationsAdded.length + 1);
    expect(after.registry.locationsDeactivated.map((r) => r.id)).toContain('loc-nieuw-1');
    const logged = (await server.store.list('registryChanges')).filter((c) => c.rowId === 'loc-nieuw-1');
    // An edit of the name is not a change of the network: added, then deactivated.
    expect(logged.map((c) => c.change)).toEqual(['added', 'deactivated']);
    expect(logged[0]).toMatchObject({ by: 'admin', collection: 'locations', organisationId: 'org-001' });
    // Refusals: a month that is none, and the roles that may not read it.
    const bad = await ghor.get('/api/network/overview?month=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].message).toMatch(/JJJJ-MM/);
    const print = await ghor.get(`/api/network/overview/print?month=${month}`);
    expect(print.status).toBe(200);
    expect(print.headers.get('content-type')).toMatch(/text\/html/);
    expect(print.text).toContain('Zorgnetwerk in beeld: juni 2026');
    expect(print.text).toContain('Nieuwe locatie Heerlen');
  });

  it('gives the month’s incidents with the network’s response: alerted, answered, median time, reported', async () => {
    const incidentId = (await ghor.post('/api/incidents', { title: 'Hitte Zuid-Limburg', grip: 2 })).body.data.id;
    const registry: (Coordinator & { connected: boolean })[] = (await admin.get('/api/coordinators')).body.data;
    const organisations = ['org-002', 'org-003', 'org-004'];
    const sent = await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Hitteplan fase 2', grip: 2, target: { organisationIds: organisations } });
    expect(sent.status).toBe(201);
    // Two of the three answer, one minute and three minutes after the alert.
    for (const [i, organisationId] of organisations.slice(0, 2).entries()) {
      const coordinator = registry.find((c) => c.organisationId === organisationId && c.connected)!;
      expect((await admin.post('/api/users', { username: `hitte-${i}`, password: 'hitte-password', role: 'coordinator', organisationId, coordinatorId: coordinator.id })).status).toBe(201);
      const client = await new HttpClient(server.url).signIn(`hitte-${i}`, 'hitte-password');
      clock += (i === 0 ? 1 : 2) * 60000;
      expect((await client.post(`/api/alerts/${sent.body.data.alert.id}/ack`, { answer: i === 0 ? 'no' : 'yes' })).status).toBe(200);
    }
    const o = await overview();
    const figures = o.incidents.find((x) => x.id === incidentId)!;
    expect(figures).toMatchObject({ title: 'Hitte Zuid-Limburg', grip: 2, exercise: false, alerted: 3, acknowledged: 2, medianAckMs: 120000 });
    // "Not hit" reports the organisation's locations at once; "hit" has not reported yet.
    const { metrics } = (await ghor.get(`/api/incidents/${incidentId}/metrics`)).body.data;
    expect(figures.reported).toBe(metrics.organisations.filter((x: { firstReportAt: string | null }) => x.firstReportAt !== null).length);
    expect(figures.reported).toBe(1);
    // The month before knows nothing of it.
    expect((await overview(shiftMonth(month, -1))).incidents.some((x) => x.id === incidentId)).toBe(false);
  });

  it('exports contacts and meetings as CSV and imports them back with checks per line', async () => {
    const exported = await ghor.get('/api/network/export/contacts.csv');
    expect(exported.status).toBe(200);
    expect(exported.text.split('\r\n')[0]).toBe('id,organisationId,kind,date,ghorPeople,organisationPeople,notes,followUps');
    const contacts = await server.store.list('contacts');
    const dry = await ghor.request('POST', '/api/network/import/contacts', exported.text);
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ rows: contacts.length, valid: contacts.length, updated: contacts.length, created: 0, problemCount: 0, committed: false });

    const file = [
      'organisationId,kind,date,notes,followUps',
      'org-001,partner-talk,2026-06-10,Goed gesprek,"2026-07-01 open: Noodstroomplan toesturen\n2026-06-12 gedaan: Verslag rondsturen"',
      'org-999,phone,2026-06-11,,',
      'org-002,koffie,2026-06-31,,',
      'org-003,visit,2026-06-12,,morgen: iets',
    ].join('\n');
    const checked = await ghor.request('POST', '/api/network/import/contacts', file);
    expect(checked.body.data).toMatchObject({ rows: 4, valid: 1, created: 1, problemCount: 4 });
    // Lines as the file has them: the first row's follow-ups fill lines 2 and 3.
    expect(checked.body.data.problems.map((p: { line: number; path: string }) => `${p.line} ${p.path}`)).toEqual(['4 organisationId', '5 kind', '5 date', '6 followUps.0']);
    const refused = await ghor.request('POST', '/api/network/import/contacts?commit=true', file);
    expect(refused.status).toBe(422);
    expect((await server.store.list('contacts')).length).toBe(contacts.length);
    const committed = await ghor.request('POST', '/api/network/import/contacts?commit=true&skipInvalid=true', file);
    expect(committed.body.data).toMatchObject({ committed: true, created: 1 });
    const added = (await server.store.list('contacts')).find((c) => c.notes === 'Goed gesprek')!;
    expect(added.followUps).toEqual([
      { id: 'f1', due: '2026-07-01', done: false, text: 'Noodstroomplan toesturen' },
      { id: 'f2', due: '2026-06-12', done: true, text: 'Verslag rondsturen' },
    ]);
    // The partner talk counts: org-001's talk is today's rule's.
    expect((await ghor.get('/api/organisations/org-001/contacts')).body.data.partnerTalk).toMatchObject({ state: 'ok', last: '2026-06-10' });

    const meetings = await ghor.get('/api/network/export/meetings.csv?excel=1');
    // fetch's text() drops the byte-order mark; the separator shows the Excel form.
    expect(meetings.text.startsWith('id;kind;title;date;place;theme;invited;attended\r\n')).toBe(true);
    const wrong = 'kind,title,date,invited,attended\ninformation-session,Sessie,2026-09-01,coo-0001 coo-0003,coo-0001 coo-0004\ntheme-meeting,Thema,2026-09-02,coo-0001 nobody,\n';
    const problems = (await ghor.request('POST', '/api/network/import/meetings', wrong)).body.data.problems;
    expect(problems.map((p: { line: number; path: string }) => `${p.line} ${p.path}`)).toEqual(['2 attended', '3 invited']);
    expect((await ghor.request('POST', '/api/network/import/contacts', new Uint8Array([0xff, 0xfe, 0x00]))).body.error.message).toMatch(/UTF-8/);
  });

  it('invites a coordinator by a one-time link, by e-mail; setting the password signs in and the link is spent', async () => {
    const coordinators = await server.store.list('coordinators');
    const users = await server.store.list('users');
    const target = coordinators.find((c) => c.active && c.introCompletedAt === null && c.email && !users.some((u) => u.coordinatorId === c.id))!;
    const invited = await admin.post(`/api/coordinators/${target.id}/invitation`, {});
    expect(invited.status).toBe(201);
    expect(invited.body.data).toMatchObject({ mailed: true, link: expect.stringMatching(/\/welcome#[A-Za-z0-9_-]{20,}$/) });
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes(target.email)), { timeoutMs: 10000 });
    expect(mail.mail.subject).toMatch(/Uitnodiging voor Zorgbeeld/);
    expect(mail.mail.text).toContain(invited.body.data.link);
    expect(mail.mail.text).toContain(`Uw gebruikersnaam is: ${invited.body.data.username}`);
    expect((await server.store.get('coordinators', target.id))!.invitedAt).toBe(new Date(clock).toISOString());
    const intake = ((await ghor.get('/api/network/attention')).body.data as AttentionItem[]).find((i) => i.kind === 'not-introduced' && i.coordinatorId === target.id);
    expect(intake).toMatchObject({ stage: 'introduction', waitingDays: 0 });

    const token = invited.body.data.link.split('#')[1];
    const visitor = new HttpClient(server.url);
    expect((await visitor.get(`/api/invitations/${token}`)).body.data).toMatchObject({ username: invited.body.data.username, displayName: target.name });
    const short = await visitor.post(`/api/invitations/${token}`, { password: 'kort' });
    expect(short.status).toBe(400);
    expect(short.body.error.details[0].message).toMatch(/10 tekens/);
    const set = await visitor.post(`/api/invitations/${token}`, { password: 'een-goed-wachtwoord' });
    expect(set.status).toBe(200);
    expect((await visitor.get('/api/me')).body.data).toMatchObject({ username: invited.body.data.username, coordinatorId: target.id, role: 'coordinator' });
    expect((await visitor.get('/api/introduction')).body.data.mine.stage).toBe('introduction');
    const again = await new HttpClient(server.url).post(`/api/invitations/${token}`, { password: 'nog-een-wachtwoord' });
    expect(again.status).toBe(410);
    expect(again.body.error.message).toMatch(/al gebruikt/);
    await new HttpClient(server.url).signIn(invited.body.data.username, 'een-goed-wachtwoord');

    // A second invitation replaces the first; a link expires after 14 days.
    const second = coordinators.find((c) => c.active && c.introCompletedAt === null && c.email && c.id !== target.id && !users.some((u) => u.coordinatorId === c.id))!;
    const first = (await admin.post(`/api/coordinators/${second.id}/invitation`, {})).body.data.link.split('#')[1];
    const newer = (await admin.post(`/api/coordinators/${second.id}/invitation`, {})).body.data.link.split('#')[1];
    expect((await visitor.get(`/api/invitations/${first}`)).status).toBe(410);
    clock += 15 * 86400000;
    const expired = await visitor.get(`/api/invitations/${newer}`);
    expect(expired.status).toBe(410);
    expect(expired.body.error.message).toMatch(/verlopen/);
    expect((await visitor.get('/api/invitations/not-a-real-token-at-all')).status).toBe(404);
  });

  it('mails a meeting’s invitations to the invited with an address, once, and says how it went', async () => {
    // The clock moved two weeks on above: a new sign-in.
    ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const coordinators = (await server.store.list('coordinators')).filter((c) => c.active && c.email);
    const invited = coordinators.slice(0, 3).map((c) => c.id);
    const made = await ghor.post('/api/meetings', { kind: 'theme-meeting', title: 'Themabijeenkomst evacuatie', date: '2026-09-10', place: 'Geleen', theme: 'Evacuatie van zorglocaties', invited });
    expect(made.status).toBe(201);
    await server.store.put({ coordinators: [{ ...coordinators[2], email: '' }] });
    const mailed = await ghor.post(`/api/meetings/${made.body.data.id}/invitations`, {});
    expect(mailed.body.data).toMatchObject({ sent: 2, failed: 0, noAddress: 1 });
    await waitFor(() => smtp.mails.filter((m) => m.mail.subject?.includes('Themabijeenkomst evacuatie')).length === 2 || undefined, { timeoutMs: 10000 });
    const one = smtp.mails.find((m) => m.to.includes(coordinators[0].email))!;
    expect(one.mail.subject).toMatch(/Uitnodiging themabijeenkomst/);
    expect(one.mail.text).toContain('Geleen');
    const stored: Meeting = (await ghor.get('/api/meetings')).body.data.find((m: Meeting) => m.id === made.body.data.id);
    expect(stored.mailed?.map((m) => [m.coordinatorId, m.error])).toEqual([[invited[0], null], [invited[1], null]]);
    // Once: a second press mails nobody who already has it; `again` mails everybody.
    expect((await ghor.post(`/api/meetings/${made.body.data.id}/invitations`, {})).body.data).toMatchObject({ sent: 0, noAddress: 1 });
    expect((await ghor.post(`/api/meetings/${made.body.data.id}/invitations`, { again: true })).body.data).toMatchObject({ sent: 2 });
  });
});
