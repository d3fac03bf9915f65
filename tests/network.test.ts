import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, attention, partnerTalkStatus, type AttentionItem } from '../shared/network';
import { isConnected } from '../shared/domain';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';

describe('the partner-talk rule (every 24 months)', () => {
  const talk = (date: string) => [{ kind: 'partner-talk' as const, date }];

  it('is overdue from the day after the 24-month anniversary, soon in the 3 months before, and never without a talk', () => {
    expect(partnerTalkStatus(talk('2024-01-01'), '2025-12-30').state).toBe('soon'); // 23 months 29 days
    expect(partnerTalkStatus(talk('2024-01-01'), '2026-01-01').state).toBe('soon'); // the anniversary itself
    expect(partnerTalkStatus(talk('2024-01-01'), '2026-01-02')).toEqual({ state: 'overdue', last: '2024-01-01', due: '2026-01-01' }); // 24 months 1 day
    expect(partnerTalkStatus(talk('2024-01-01'), '2025-10-01').state).toBe('soon');
    expect(partnerTalkStatus(talk('2024-01-01'), '2025-09-30').state).toBe('ok');
    expect(partnerTalkStatus([], '2026-01-01')).toEqual({ state: 'never', last: null, due: null });
  });

  it('counts only partner talks held, the latest one', () => {
    const contacts = [
      { kind: 'partner-talk' as const, date: '2022-05-01' },
      { kind: 'phone' as const, date: '2026-05-01' },
      { kind: 'partner-talk' as const, date: '2025-02-10' },
      { kind: 'partner-talk' as const, date: '2027-01-01' }, // planned, not held yet
    ];
    expect(partnerTalkStatus(contacts, '2026-06-15')).toEqual({ state: 'ok', last: '2025-02-10', due: '2027-02-10' });
  });

  it('adds months as people count them: the 29th of February plus two years is the 28th', () => {
    expect(addMonths('2024-02-29', 24)).toBe('2026-02-28');
    expect(addMonths('2025-08-31', -3)).toBe('2025-05-31');
    expect(addMonths('2025-05-31', 1)).toBe('2025-06-30');
  });
});

describe('contact moments and what needs attention, over the API', () => {
  let server: TestServer;
  let ghor: HttpClient;
  let coordinator: HttpClient;
  let admin: HttpClient;

  beforeAll(async () => {
    // 15 June 2026 in the region.
    server = await startServer({ now: () => new Date('2026-06-15T10:00:00Z') });
    ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
  });

  afterAll(async () => server?.close());

  it('seeds a believable history: partner talks held, overdue and never, follow-ups done and late', async () => {
    const items = (await ghor.get('/api/network/attention')).body.data as AttentionItem[];
    const talks = items.filter((i): i is Extract<AttentionItem, { kind: 'partner-talk' }> => i.kind === 'partner-talk');
    const organisations = (await server.store.list('organisations')).length;
    expect(talks.some((t) => t.state === 'overdue')).toBe(true);
    expect(talks.some((t) => t.state === 'never')).toBe(true);
    expect(talks.length).toBeLessThan(organisations / 2);
    expect(items.some((i) => i.kind === 'follow-up-late')).toBe(true);
    const contacts = await server.store.list('contacts');
    expect(new Set(contacts.map((c) => c.kind)).size).toBeGreaterThan(2);
    expect(contacts.some((c) => c.followUps.some((f) => f.done))).toBe(true);
  });

  it('GHOR keeps contact moments with follow-ups; the organisation’s partner-talk status follows them', async () => {
    // A new organisation in the network: no history yet.
    const organisationId = 'org-nieuw';
    expect((await admin.post('/api/organisations', { id: organisationId, name: 'Thuiszorg Nieuw Begin', sector: 'home-care' })).status).toBe(201);
    expect((await ghor.get(`/api/organisations/${organisationId}/contacts`)).body.data).toEqual({ contacts: [], partnerTalk: { state: 'never', last: null, due: null } });
    const created = await ghor.post(`/api/organisations/${organisationId}/contacts`, {
      kind: 'partner-talk',
      date: '2024-06-14',
      ghorPeople: 'Informatiecoördinator GHOR',
      organisationPeople: 'Crisiscoördinator en bestuurder',
      notes: 'Noodstroom besproken; oefening in het najaar.',
      followUps: [{ text: 'Contactgegevens tweede coördinator aanleveren', due: '2026-06-01' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ organisationId, kind: 'partner-talk', createdBy: 'ghor', followUps: [{ id: 'f1', done: false }] });
    // Two years and a day ago: overdue today.
    const status = (await ghor.get(`/api/organisations/${organisationId}/contacts`)).body.data.partnerTalk;
    expect(status).toEqual({ state: 'overdue', last: '2024-06-14', due: '2026-06-14' });
    const items = (await ghor.get('/api/network/attention')).body.data as AttentionItem[];
    expect(items).toContainEqual(expect.objectContaining({ kind: 'partner-talk', organisationId, state: 'overdue' }));
    expect(items).toContainEqual(expect.objectContaining({ kind: 'follow-up-late', organisationId, text: 'Contactgegevens tweede coördinator aanleveren' }));

    // The follow-up done and a new talk held: both leave the list.
    const id = created.body.data.id as string;
    expect((await ghor.patch(`/api/contacts/${id}`, { followUps: [{ id: 'f1', text: 'Contactgegevens tweede coördinator aanleveren', due: '2026-06-01', done: true }] })).status).toBe(200);
    expect((await admin.post(`/api/organisations/${organisationId}/contacts`, { kind: 'partner-talk', date: '2026-06-10' })).status).toBe(201);
    const after = (await ghor.get('/api/network/attention')).body.data as AttentionItem[];
    expect(after.some((i) => i.organisationId === organisationId && (i.kind === 'partner-talk' || i.kind === 'follow-up-late'))).toBe(false);
    expect((await ghor.get(`/api/organisations/${organisationId}/contacts`)).body.data.partnerTalk).toEqual({ state: 'ok', last: '2026-06-10', due: '2028-06-10' });
  });

  it('refuses a wrong date or kind with a sentence, and keeps what was there', async () => {
    const before = (await ghor.get('/api/organisations/org-002/contacts')).body.data.contacts;
    const bad = await ghor.post('/api/organisations/org-002/contacts', { kind: 'partner-talk', date: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("'2026-02-30' is geen datum");
    const kind = await ghor.post('/api/organisations/org-002/contacts', { kind: 'lunch', date: '2026-02-03' });
    expect(kind.status).toBe(400);
    const followUp = await ghor.post('/api/organisations/org-002/contacts', { kind: 'phone', date: '2026-02-03', followUps: [{ text: 'Bellen', due: 'morgen' }] });
    expect(followUp.status).toBe(400);
    expect(followUp.body.error.message).toContain('followUps.0.due');
    expect((await ghor.get('/api/organisations/org-002/contacts')).body.data.contacts).toEqual(before);
    expect((await ghor.post('/api/organisations/no-such-org/contacts', { kind: 'phone', date: '2026-02-03' })).status).toBe(404);
  });

  it('keeps the GHOR’s notes from coordinators and observers, for their own organisation too', async () => {
    const own = (await coordinator.get('/api/me')).body.data.organisationId as string;
    for (const client of [coordinator, await new HttpClient(server.url).signIn('observer', DEMO_PASSWORD)]) {
      expect((await client.get(`/api/organisations/${own}/contacts`)).status).toBe(403);
      expect((await client.get('/api/organisations/org-003/contacts')).status).toBe(403);
      expect((await client.post(`/api/organisations/${own}/contacts`, { kind: 'phone', date: '2026-01-01' })).status).toBe(403);
      expect((await client.get('/api/network/attention')).status).toBe(403);
    }
  });

  it('lists organisations with fewer than two connected coordinators, coordinators not yet introduced and missing contact details', async () => {
    const coordinators = await server.store.list('coordinators');
    const items = (await ghor.get('/api/network/attention')).body.data as AttentionItem[];
    const notIntroduced = coordinators.filter((c) => c.active && c.introCompletedAt === null);
    expect(notIntroduced.length).toBeGreaterThan(0);
    expect(items.filter((i) => i.kind === 'not-introduced').map((i) => (i as { coordinatorId: string }).coordinatorId).sort()).toEqual(notIntroduced.map((c) => c.id).sort());
    // Take an organisation down to one connected coordinator: it appears.
    const target = 'org-004';
    const connected = coordinators.filter((c) => c.organisationId === target && isConnected(c));
    for (const c of connected.slice(1)) expect((await admin.patch(`/api/coordinators/${c.id}`, { introCompletedAt: null })).status).toBe(200);
    expect((await admin.patch(`/api/coordinators/${connected[0].id}`, { email: '' })).status).toBe(200);
    const now = (await ghor.get('/api/network/attention')).body.data as AttentionItem[];
    expect(now).toContainEqual(expect.objectContaining({ kind: 'few-connected', organisationId: target, connected: 1 }));
    expect(now).toContainEqual(expect.objectContaining({ kind: 'contact-missing', coordinatorId: connected[0].id, missing: ['email'] }));
    // Pure and in order: partner talks first.
    const pure = attention({ organisations: await server.store.list('organisations'), coordinators: await server.store.list('coordinators'), contacts: await server.store.list('contacts'), meetings: await server.store.list('meetings'), locations: await server.store.list('locations'), today: '2026-06-15' });
    expect(pure).toEqual(now);
    expect(now[0].kind).toBe('partner-talk');
  });

  it('lists locations of one organisation that share a name, until one is renamed', async () => {
    const sameName = async () => ((await ghor.get('/api/network/attention')).body.data as AttentionItem[]).filter((i) => i.kind === 'same-name');
    // The demo region names every location of an organisation differently.
    expect(await sameName()).toEqual([]);
    const locations = (await server.store.list('locations')).filter((l) => l.organisationId === 'org-009');
    const [a, b] = locations;
    // Letter case and spaces aside, a name is the same.
    expect((await admin.patch(`/api/locations/${b.id}`, { name: `  ${a.name.toUpperCase()} ` })).status).toBe(200);
    const items = await sameName();
    expect(items).toEqual([
      {
        kind: 'same-name',
        organisationId: 'org-009',
        name: (await server.store.get('organisations', 'org-009'))!.name,
        locationName: a.name,
        locations: [a, b].map(({ id, address, municipality }) => ({ id, address, municipality })),
      },
    ]);
    // Another organisation may use the name.
    const other = (await server.store.list('locations')).find((l) => l.organisationId === 'org-010')!;
    expect((await admin.patch(`/api/locations/${other.id}`, { name: a.name })).status).toBe(200);
    expect(await sameName()).toHaveLength(1);
    // An inactive location does not count.
    expect((await admin.patch(`/api/locations/${b.id}`, { active: false })).status).toBe(200);
    expect(await sameName()).toEqual([]);
    expect((await admin.patch(`/api/locations/${b.id}`, { active: true, name: `${a.name} (Kerkstraat)` })).status).toBe(200);
    expect(await sameName()).toEqual([]);
  });

  it('keeps meetings with invitations and attendance; a coordinator who attends an information session leaves the list', async () => {
    const coordinators = (await server.store.list('coordinators')).filter(isConnected);
    const seeded = (await ghor.get('/api/meetings')).body.data as { kind: string; attended: string[] }[];
    expect(seeded.filter((m) => m.kind === 'information-session').length).toBeGreaterThan(1);
    const before = ((await ghor.get('/api/network/attention')).body.data as AttentionItem[]).filter((i) => i.kind === 'no-session');
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(coordinators.length);
    const someone = (before[0] as { coordinatorId: string }).coordinatorId;
    const other = coordinators.find((c) => c.id !== someone)!.id;

    // Only the invited can have attended; unknown coordinators are refused.
    const stranger = await ghor.post('/api/meetings', { kind: 'information-session', title: 'Informatiesessie', date: '2026-06-10', invited: [someone], attended: [other] });
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.message).toContain('alleen genodigden');
    expect((await ghor.post('/api/meetings', { kind: 'information-session', title: 'X', date: '2026-06-10', invited: ['coo-9999'] })).status).toBe(400);
    expect((await ghor.post('/api/meetings', { kind: 'lunch', title: 'X', date: '2026-06-10' })).status).toBe(400);

    const made = await ghor.post('/api/meetings', { kind: 'information-session', title: 'Informatiesessie juni', date: '2026-06-10', place: 'Geleen', invited: [someone, other] });
    expect(made.status).toBe(201);
    expect((await ghor.patch(`/api/meetings/${made.body.data.id}`, { attended: [someone] })).body.data.attended).toEqual([someone]);
    const after = ((await ghor.get('/api/network/attention')).body.data as AttentionItem[]).filter((i) => i.kind === 'no-session');
    expect(after.some((i) => (i as { coordinatorId: string }).coordinatorId === someone)).toBe(false);
    expect(after.length).toBe(before.length - 1);
    expect((await coordinator.get('/api/meetings')).status).toBe(403);
  });
});
