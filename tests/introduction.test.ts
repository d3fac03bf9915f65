import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertNotice } from '../shared/alert';
import type { Coordinator, Location } from '../shared/domain';
import { INTRO_CHAPTERS, nextIntroStep } from '../shared/introduction';
import { renderMarkdown } from '../shared/markdown';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { startSmtpPeer } from './helpers/smtp-peer';
import { connectSocket, connected, type TestSocket } from './helpers/socket-client';
import { waitFor } from './helpers/wait-for';

describe('the introduction texts', () => {
  it('renders the small Markdown and never the markup of the source', () => {
    const html = renderMarkdown('## Kop\nEen **vette** en *schuine* regel.\n\n- een\n- twee\n\n1. eerst\n2. dan\n\n<script>alert(1)</script> [link](https://ghor.example) [kwaad](javascript:alert(1))');
    expect(html).toContain('<h3>Kop</h3>');
    expect(html).toContain('<strong>vette</strong>');
    expect(html).toContain('<em>schuine</em>');
    expect(html).toContain('<ul><li>een</li><li>twee</li></ul>');
    expect(html).toContain('<ol><li>eerst</li><li>dan</li></ol>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<a href="https://ghor.example">link</a>');
    expect(html).not.toContain('href="javascript');
  });

  it('orders the steps: every chapter, then the practice alert, the practice report and completion', () => {
    expect(nextIntroStep(null)).toEqual({ kind: 'chapter', chapter: INTRO_CHAPTERS[0] });
    const read = { chaptersRead: [...INTRO_CHAPTERS], practiceAlert: null, practiceReport: null, completedAt: null };
    expect(nextIntroStep({ ...read, chaptersRead: INTRO_CHAPTERS.slice(0, 2) })).toEqual({ kind: 'chapter', chapter: INTRO_CHAPTERS[2] });
    expect(nextIntroStep(read)).toEqual({ kind: 'practice-alert' });
    expect(nextIntroStep({ ...read, practiceAlert: { sentAt: 'x', answeredAt: null, answer: null } })).toEqual({ kind: 'practice-alert' });
    const answered = { ...read, practiceAlert: { sentAt: 'x', answeredAt: 'y', answer: 'no' as const } };
    expect(nextIntroStep(answered)).toEqual({ kind: 'practice-report' });
    expect(nextIntroStep({ ...answered, practiceReport: { at: 'z', locationId: 'l', impact: 'none' } })).toEqual({ kind: 'complete' });
  });
});

describe('the digital introduction, over the API', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  let admin: HttpClient;
  let ghor: HttpClient;
  let newcomer: HttpClient;
  let me: Coordinator;
  let socket: TestSocket;
  const notices: AlertNotice[] = [];

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    server = await startServer({ reach: { smtp: { url: smtp.url, from: 'ghor@zorgbeeld.test' }, outboxTickMs: 50, escalationTickMs: 60000 } });
    admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    newcomer = await new HttpClient(server.url).signIn('nieuw', DEMO_PASSWORD);
    const account = (await newcomer.get('/api/me')).body.data;
    me = (await server.store.get('coordinators', account.coordinatorId))!;
    socket = connectSocket(server.url, newcomer.cookie);
    socket.on('alert', (notice) => notices.push(notice));
    await connected(socket);
  }, 60000);

  afterAll(async () => {
    socket?.disconnect();
    await server?.close();
    await smtp?.close();
  });

  it('seeds a coordinator still in the introduction, invited, with an account of its own', async () => {
    expect(me.introCompletedAt).toBeNull();
    expect(me.invitedAt).toEqual(expect.any(String));
    const intro = (await newcomer.get('/api/introduction')).body.data;
    expect(intro.chapters.map((c: { id: string }) => c.id)).toEqual([...INTRO_CHAPTERS]);
    expect(intro.minutes).toBeGreaterThanOrEqual(12);
    expect(intro.minutes).toBeLessThanOrEqual(20);
    expect(intro.mine).toMatchObject({ stage: 'introduction', kind: 'crisis', next: { kind: 'chapter', chapter: INTRO_CHAPTERS[0] } });
    // The GHOR reads the texts too, without progress of its own.
    expect((await ghor.get('/api/introduction')).body.data.mine).toBeNull();
  });

  it('refuses steps out of order, with a sentence that says what comes first', async () => {
    const early = await newcomer.post('/api/introduction/practice-alert', {});
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/hoofdstukken/);
    const complete = await newcomer.post('/api/introduction/complete', {});
    expect(complete.status).toBe(409);
    expect(complete.body.error.message).toMatch(/niet af/);
    expect((await newcomer.post('/api/introduction/chapters/constructor/read', {})).status).toBe(404);
    // Only a coordinator does the introduction.
    expect((await ghor.post(`/api/introduction/chapters/${INTRO_CHAPTERS[0]}/read`, {})).status).toBe(403);
  });

  it('does not alert a coordinator before the introduction, and does after completing it', async () => {
    const incidentId = (await ghor.post('/api/incidents', { title: 'Stroomstoring Heuvelland', grip: 2 })).body.data.id;
    const target = { organisationIds: [me.organisationId] };
    const before = await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Stroomstoring: bent u getroffen?', grip: 2, target });
    expect(before.status).toBe(201);
    // The organisation's connected coordinators get their mails; the newcomer gets none.
    await waitFor(() => smtp.mails.some((m) => m.mail.subject?.includes('Stroomstoring Heuvelland')) || undefined, { timeoutMs: 10000 });
    expect(smtp.mails.filter((m) => m.to.includes(me.email))).toHaveLength(0);
    expect(notices).toHaveLength(0);

    for (const chapter of INTRO_CHAPTERS) {
      const read = await newcomer.post(`/api/introduction/chapters/${chapter}/read`, {});
      expect(read.status).toBe(200);
    }
    const sent = await newcomer.post('/api/introduction/practice-alert', {});
    expect(sent.body.data.next).toEqual({ kind: 'practice-alert' });
    expect(sent.body.data.progress.practiceAlert.sentAt).toEqual(expect.any(String));
    // The practice alert goes nowhere outside the page: no mail, no notice, no alert of an incident.
    expect(smtp.mails.filter((m) => m.to.includes(me.email))).toHaveLength(0);
    expect((await newcomer.post('/api/introduction/practice-alert/answer', { answer: 'misschien' })).status).toBe(400);
    const answered = await newcomer.post('/api/introduction/practice-alert/answer', { answer: 'yes' });
    expect(answered.body.data.next).toEqual({ kind: 'practice-report' });

    const own: Location[] = (await newcomer.get(`/api/locations?organisationId=${me.organisationId}&active=true`)).body.data;
    const other: Location = (await newcomer.get('/api/locations')).body.data.find((l: Location) => l.organisationId !== me.organisationId);
    const foreign = await newcomer.post('/api/introduction/practice-report', { locationId: other.id, report: { impact: 'minor' } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details[0].message).toMatch(/eigen organisatie/);
    const bad = await newcomer.post('/api/introduction/practice-report', { locationId: own[0].id, report: { impact: 'enorm', bedsFree: -3, constructor: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['report.bedsFree', 'report.constructor', 'report.impact']);
    const noImpact = await newcomer.post('/api/introduction/practice-report', { locationId: own[0].id, report: { bedsFree: 3 } });
    expect(noImpact.body.error.details[0].message).toMatch(/impact/);
    const reported = await newcomer.post('/api/introduction/practice-report', { locationId: own[0].id, report: { impact: 'minor', operation: 'limited', bedsFree: 4 } });
    expect(reported.status).toBe(200);
    expect(reported.body.data.next).toEqual({ kind: 'complete' });
    // The training board is not an incident: nothing new in the incident list.
    expect(((await ghor.get('/api/incidents')).body.data as unknown[]).length).toBe(1);

    const done = await newcomer.post('/api/introduction/complete', {});
    expect(done.status).toBe(200);
    expect(done.body.data).toMatchObject({ stage: 'connected', next: { kind: 'done' } });
    const registered = (await admin.get(`/api/coordinators/${me.id}`)).body.data;
    expect(registered).toMatchObject({ connected: true, introCompletedAt: expect.any(String) });

    const after = await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Update: de stroom blijft uit.', grip: 2, target });
    expect(after.status).toBe(201);
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes(me.email)), { timeoutMs: 10000 });
    expect(mail.mail.subject).toContain('Stroomstoring Heuvelland');
    await waitFor(() => notices.find((n) => n.alert.id === after.body.data.alert.id), { timeoutMs: 10000 });
  });

  it('lets admins edit a chapter in Markdown and restore the shipped text; nobody else', async () => {
    const chapter = INTRO_CHAPTERS[1];
    const body = { titleNl: 'Alarmering vanaf GRIP 2', titleEn: 'Alerting from GRIP 2', bodyNl: 'Nieuwe **tekst**.', bodyEn: 'New **text**.', minutes: 4 };
    expect((await ghor.request('PUT', `/api/introduction/chapters/${chapter}`, body)).status).toBe(403);
    const missing = await admin.request('PUT', `/api/introduction/chapters/${chapter}`, { ...body, bodyEn: '' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe('bodyEn');
    expect((await admin.request('PUT', `/api/introduction/chapters/${chapter}`, body)).status).toBe(200);
    const edited = (await newcomer.get('/api/introduction')).body.data.chapters[1];
    expect(edited).toMatchObject({ title: { nl: 'Alarmering vanaf GRIP 2' }, body: { en: 'New **text**.' }, minutes: 4, updatedBy: 'admin' });
    expect((await admin.request('DELETE', `/api/introduction/chapters/${chapter}`)).status).toBe(200);
    expect((await newcomer.get('/api/introduction')).body.data.chapters[1].updatedBy).toBeUndefined();
  });

  it('holds an ICO back until the day course is registered', async () => {
    const waiting = (await server.store.list('coordinators')).find((c) => c.kind === 'information' && !c.dayCourseOn && c.active)!;
    expect(waiting).toBeDefined();
    const made = await admin.post('/api/users', { username: 'ico-test', password: 'ico-password-1', role: 'coordinator', organisationId: waiting.organisationId, coordinatorId: waiting.id });
    expect(made.status).toBe(201);
    const ico = await new HttpClient(server.url).signIn('ico-test', 'ico-password-1');
    expect((await ico.get('/api/introduction')).body.data.mine.stage).toBe('day-course');
    const refused = await ico.post(`/api/introduction/chapters/${INTRO_CHAPTERS[0]}/read`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/dagcursus/);
    // A crisis coordinator has no day course.
    const wrong = await admin.patch(`/api/coordinators/${waiting.id}`, { kind: 'crisis', dayCourseOn: '2026-05-01' });
    expect(wrong.status).toBe(400);
    expect((await admin.patch(`/api/coordinators/${waiting.id}`, { dayCourseOn: '2026-05-01' })).status).toBe(200);
    expect((await ico.get('/api/introduction')).body.data.mine.stage).toBe('introduction');
    expect((await ico.post(`/api/introduction/chapters/${INTRO_CHAPTERS[0]}/read`, {})).status).toBe(200);
  });
});
