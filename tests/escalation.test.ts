import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertNotice, AlertStatus, AlertsWithdrawn } from '../shared/alert';
import { isConnected, type Coordinator } from '../shared/domain';
import { RecordType } from '../server/recorder/incident-log';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { startSmsPeer } from './helpers/sms-peer';
import { startSmtpPeer } from './helpers/smtp-peer';
import { connectSocket, connected } from './helpers/socket-client';
import { waitFor } from './helpers/wait-for';

const TOKEN = '12345678-aaaa-bbbb-cccc-1234567890ab';
// 0.02 minutes: an interval of 1.2 s keeps the test short; the ladder is the same as with 5 minutes.
const AFTER_MIN = 0.02;

let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let sms: Awaited<ReturnType<typeof startSmsPeer>>;

const reach = () => ({ smtp: { url: smtp.url, from: 'ghor@zorgbeeld.test' }, sms: { url: sms.url, token: TOKEN, sender: 'GHOR' }, outboxTickMs: 50, escalationTickMs: 100, escalateAfterMin: AFTER_MIN });

function mailsOf(alertId: string, round: number) {
  return smtp.mails.filter((m) => m.mail.headers.get('x-zorgbeeld-alert') === alertId && m.mail.headers.get('x-zorgbeeld-round') === String(round));
}

async function events(server: TestServer, incidentId: string): Promise<Record<string, unknown>[]> {
  return (await server.records(incidentId))
    .filter((r) => r.type === RecordType.event)
    .map((r) => JSON.parse(new TextDecoder().decode(r.payload)) as Record<string, unknown>);
}

beforeAll(async () => {
  smtp = await startSmtpPeer();
  sms = await startSmsPeer({ token: TOKEN });
});

afterAll(async () => {
  await smtp?.close();
  await sms?.close();
});

describe('the escalation ladder', () => {
  let server: TestServer;

  afterAll(async () => {
    await server?.close();
  });

  it('sends again on every channel to organisations that did not answer, then puts them on the call list; answered ones are left alone', async () => {
    // The server's clock is moved on by hand, one interval per step: how long org-001's mail
    // takes to arrive on a busy machine cannot decide whether its answer comes in time.
    let shift = 0;
    const ladderMin = 5;
    server = await startServer({ reach: { ...reach(), escalateAfterMin: ladderMin }, now: () => new Date(Date.now() + shift) });
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    const coordinators = (await server.store.list('coordinators')).filter(isConnected);
    // One coordinator chose e-mail only: the first send skips SMS for it, the second uses everything it has.
    const emailOnly = coordinators.find((c) => c.organisationId === 'org-002')!;
    expect((await admin.patch(`/api/coordinators/${emailOnly.id}`, { channels: ['email'] })).status).toBe(200);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Gifwolk Chemelot', grip: 3 })).body.data.id as string;
    const status = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Ramen en deuren dicht.', grip: 3, target: { organisationIds: ['org-001', 'org-002', 'org-003'] } })).body.data as AlertStatus;
    const alertId = status.alert.id;
    expect(status.alert.escalateAfterMin).toBe(ladderMin);
    const number = (c: Coordinator) => `00${c.phone.replace(/[^\d]/g, '').replace(/^31/, '31')}`;

    // org-001 answers at once through its mail.
    const first = await waitFor(() => mailsOf(alertId, 0).find((m) => coordinators.find((c) => c.email === m.to[0])?.organisationId === 'org-001'), { what: 'a mail to org-001' });
    const link = first.mail.text!.match(/https?:\/\/\S+\/a\/[A-Za-z0-9_-]{23}/)![0];
    expect((await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'answer=no' })).status).toBe(200);
    const smsRound0 = sms.messages.length;
    expect(sms.messages.some((m) => m.to === number(emailOnly))).toBe(false);

    // Step 1: org-002 and org-003 get everything again, marked as a reminder.
    shift += ladderMin * 60000;
    await waitFor(async () => {
      const alert = await server.store.get('alerts', alertId);
      return alert?.escalation?.['org-002']?.step && alert.escalation['org-003']?.step;
    }, { what: 'step 1', timeoutMs: 10000 });
    const again = coordinators.filter((c) => c.organisationId === 'org-002' || c.organisationId === 'org-003');
    await waitFor(() => mailsOf(alertId, 1).length === again.length, { what: 'the second mails' });
    expect(mailsOf(alertId, 1)[0].mail.subject).toMatch(/^HERINNERING /);
    expect(mailsOf(alertId, 1).some((m) => coordinators.find((c) => c.email === m.to[0])?.organisationId === 'org-001')).toBe(false);
    await waitFor(() => sms.messages.slice(smsRound0).some((m) => m.to === number(emailOnly)), { what: 'the SMS to the e-mail-only coordinator' });

    // Step 2: on the call list; every step is in the log, and the board's status carries it.
    shift += ladderMin * 60000;
    await waitFor(async () => (await server.store.get('alerts', alertId))?.escalation?.['org-002']?.step === 2, { what: 'step 2', timeoutMs: 10000 });
    await waitFor(async () => (await events(server, incidentId)).filter((e) => e.type === 'alert-escalated').length === 4, { what: 'four steps in the log' });
    const steps = (await events(server, incidentId)).filter((e) => e.type === 'alert-escalated');
    expect(steps.filter((e) => e.organisationId === 'org-001')).toEqual([]);
    expect(steps.filter((e) => e.organisationId === 'org-002').map((e) => e.step)).toEqual([1, 2]);
    expect((await events(server, incidentId)).filter((e) => e.type === 'alert-outreach').map((e) => e.round)).toEqual([0, 1]);
    const listed = ((await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[])[0];
    expect(listed.alert.escalation?.['org-003']?.step).toBe(2);
  });

  it('GHOR changes the interval per alert; an invalid interval is refused with a sentence', async () => {
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Lange wachttijd', grip: 1 })).body.data.id as string;
    const alertId = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Test', grip: 1, target: { organisationIds: ['org-004'] }, escalateAfterMin: 30 })).body.data.alert.id as string;
    expect((await server.store.get('alerts', alertId))?.escalateAfterMin).toBe(30);
    const bad = await ghor.patch(`/api/alerts/${alertId}`, { escalateAfterMin: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('escalateAfterMin');
    expect((await ghor.patch(`/api/alerts/${alertId}`, { escalateAfterMin: 45 })).body.data.alert.escalateAfterMin).toBe(45);
    const coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    expect((await coordinator.patch(`/api/alerts/${alertId}`, { escalateAfterMin: 1 })).status).toBe(403);
    await server.server.reach.escalateDue();
    expect((await server.store.get('alerts', alertId))?.escalation).toEqual({});
  });

  it('an alert GHOR withdrew (all clear) is not escalated, its messages not handed over yet are not sent, and it leaves the banners', async () => {
    // Each mail takes 250 ms at the relay, four at a time: the first batch of 50 is still going
    // out when the all clear comes, the later batches are not composed yet.
    const slow = await startSmtpPeer({ delayMs: 250 });
    let shift = 0;
    const own = await startServer({ reach: { smtp: { url: slow.url, from: 'ghor@zorgbeeld.test' }, outboxTickMs: 50, escalationTickMs: 3600000, escalateAfterMin: 5 }, now: () => new Date(Date.now() + shift) });
    const socket = connectSocket(own.url, (await new HttpClient(own.url).signIn('coordinator', DEMO_PASSWORD)).cookie);
    try {
      const ghor = await new HttpClient(own.url).signIn('ghor', DEMO_PASSWORD);
      const coordinator = await new HttpClient(own.url).signIn('coordinator', DEMO_PASSWORD);
      const withdrawn: AlertsWithdrawn[] = [];
      socket.on('alerts:withdrawn', (w) => withdrawn.push(w));
      await connected(socket);
      const title = 'Vals alarm Chemelot';
      const incidentId = (await ghor.post('/api/incidents', { title, grip: 2 })).body.data.id as string;
      const first = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Gifwolk: ramen dicht.', grip: 2, target: { all: true } })).body.data.alert.id as string;
      const cancel = await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Alles veilig: het alarm was vals.', grip: 2, target: { all: true }, msgType: 'Cancel', references: first });
      expect(cancel.status).toBe(201);

      await waitFor(() => withdrawn.length > 0, { what: 'the banner told' });
      expect(withdrawn).toEqual([{ incidentId, incidentTitle: title, alertIds: [first], why: 'cancelled' }]);
      const pending = (await coordinator.get('/api/alerts/pending')).body.data as AlertNotice[];
      expect(pending.map((n) => n.alert.id)).toEqual([cancel.body.data.alert.id]);

      // What went before the all clear went; the rest of the first alert's messages never do.
      const settled = await waitFor(async () => {
        const rows = (await own.store.list('outbox')).filter((m) => m.alertId === first);
        return rows.length > 0 && rows.every((m) => m.state === 'sent' || m.state === 'cancelled') ? rows : null;
      }, { what: 'the first alert’s messages settled', timeoutMs: 20000 });
      expect(settled.filter((m) => m.state === 'cancelled').length).toBeGreaterThan(50);
      expect(slow.mails.filter((m) => m.mail.headers.get('x-zorgbeeld-alert') === first)).toHaveLength(settled.filter((m) => m.state === 'sent').length);

      // Two intervals later nobody is reminded of it or put on the call list.
      shift += 2 * 5 * 60000;
      await own.server.reach.escalateDue();
      expect((await own.store.get('alerts', first))?.escalation).toEqual({});
      expect((await events(own, incidentId)).filter((e) => e.type === 'alert-escalated')).toEqual([]);
    } finally {
      socket.disconnect();
      await own.close();
      await slow.close();
    }
  });

  it('keeps its timers across a restart: a step due while the server was down is taken once after it', async () => {
    const first = await startServer({ reach: reach() });
    const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Herstart', grip: 2 })).body.data.id as string;
    const alertId = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Test', grip: 2, target: { organisationIds: ['org-005'] } })).body.data.alert.id as string;
    await first.close({ keepData: true });
    const second = await startServer({ dataDir: first.dataDir, seed: false, reach: reach() });
    try {
      await waitFor(async () => (await second.store.get('alerts', alertId))?.escalation?.['org-005']?.step === 2, { what: 'both steps after the restart', timeoutMs: 10000 });
      const outbox = (await second.store.list('outbox')).filter((m) => m.alertId === alertId);
      await second.server.reach.escalateDue();
      expect((await second.store.list('outbox')).filter((m) => m.alertId === alertId)).toHaveLength(outbox.length);
      await waitFor(async () => (await events(second, incidentId)).filter((e) => e.type === 'alert-escalated').length === 2, { what: 'both steps in the log' });
      expect((await events(second, incidentId)).filter((e) => e.type === 'alert-escalated').map((e) => e.step)).toEqual([1, 2]);
      expect(new Set(outbox.map((m) => m.round))).toEqual(new Set([0, 1]));
    } finally {
      await second.close();
    }
  });
});
