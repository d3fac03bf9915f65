import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertStatus } from '../shared/alert';
import { HttpClient } from './helpers/http-client';
import { startPushPeer, PUSH_PEER_CA } from './helpers/push-peer';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { connectBoard } from './helpers/yjs-client';
import { addNeed, updateNeed } from '../shared/incident-doc';

let peer: Awaited<ReturnType<typeof startPushPeer>>;
let server: TestServer;
let ghor: HttpClient;
let coordinator: HttpClient;

beforeAll(async () => {
  peer = await startPushPeer();
  server = await startServer({ reach: { push: true, pushCa: PUSH_PEER_CA, outboxTickMs: 50 } });
  ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
  coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
});

afterAll(async () => {
  await server?.close();
  await peer?.close();
});

describe('Web Push', () => {
  it('encrypts each alert for the device (aes128gcm), signs it with the server’s VAPID key, and the notification answers without signing in', async () => {
    const { vapidPublicKey, channels } = (await coordinator.get('/api/reach')).body.data;
    expect(channels).toContain('push');
    const phone = peer.subscription();
    const laptop = peer.subscription();
    for (const device of [phone, laptop]) expect((await coordinator.post('/api/push/subscriptions', { endpoint: device.endpoint, keys: device.keys })).status).toBe(201);
    // The same device again is one subscription.
    expect((await coordinator.post('/api/push/subscriptions', { endpoint: phone.endpoint, keys: phone.keys })).status).toBe(201);
    expect((await server.store.list('pushSubscriptions')).length).toBe(2);

    const incidentId = (await ghor.post('/api/incidents', { title: 'Brand Sittard', grip: 2 })).body.data.id as string;
    const me = (await coordinator.get('/api/me')).body.data;
    const alertId = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Rookontwikkeling, ramen dicht.', grip: 2, target: { organisationIds: [me.organisationId] } })).body.data.alert.id as string;
    await waitFor(() => peer.received.length === 2, { what: 'a push to each device' });
    expect(peer.violations).toEqual([]);
    for (const push of peer.received) {
      expect(push.vapidKey).toBe(vapidPublicKey);
      expect(push.urgency).toBe('high');
      expect(push.ttl).toBeGreaterThan(0);
      expect(push.payload).toMatchObject({ kind: 'alert', title: expect.stringContaining('GRIP 2: Brand Sittard'), body: expect.stringContaining('bent u getroffen?'), token: expect.stringMatching(/^[A-Za-z0-9_-]{23}$/) });
    }
    const { token } = peer.received[0].payload as { token: string };
    // The service worker reports the push arrived: delivered.
    expect((await fetch(`${server.url}/a/${token}/received`, { method: 'POST' })).status).toBe(204);
    const lines = () => ghor.get(`/api/incidents/${incidentId}/alerts`).then((r) => (r.body.data as AlertStatus[])[0].deliveries!);
    await waitFor(async () => (await lines()).some((d) => d.channel === 'push' && d.state === 'delivered'), { what: 'delivered' });
    // The notification's "Niet getroffen" action posts the same form as the page.
    const answered = await fetch(`${server.url}/a/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'answer=no' });
    expect(answered.status).toBe(200);
    const status = ((await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[])[0];
    expect(status.alert.id).toBe(alertId);
    expect(status.acknowledgements[0]).toMatchObject({ answer: 'no', via: 'push' });
  });

  it('once the organisation has answered, its other devices’ alarm makes way for a quiet word of who answered; a closure settles the rest', async () => {
    const phone = peer.subscription();
    const laptop = peer.subscription();
    for (const device of [phone, laptop]) expect((await coordinator.post('/api/push/subscriptions', { endpoint: device.endpoint, keys: device.keys })).status).toBe(201);
    const to = (device: { id: string }) => peer.received.filter((p) => p.subscription === device.id).map((p) => p.payload as { kind: string; title: string; body: string; token?: string; alertId?: string; withdraws?: string[]; tag?: string });
    const incidentId = (await ghor.post('/api/incidents', { title: 'Gaslek Brunssum', grip: 2 })).body.data.id as string;
    const me = (await coordinator.get('/api/me')).body.data;
    const send = async (message: string) => (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message, grip: 2, target: { organisationIds: [me.organisationId] } })).body.data.alert.id as string;
    const organisation = (await server.store.get('organisations', me.organisationId))!.name;
    const first = await send('Gaslek, blijf binnen.');
    const second = await send('Update: de wind draait.');
    const third = await send('Meld of u cliënten moet verplaatsen.');
    await waitFor(() => to(phone).length === 3 && to(laptop).length === 3, { what: 'the alarms on both devices' });
    const tokenOf = (device: { id: string }, alertId: string) => to(device).find((p) => p.alertId === alertId)!.token!;

    // The phone's notification answers "Getroffen"; the laptop's "Niet getroffen" comes after it and does not stand,
    // and says so to the service worker, which then opens the page rather than confirm it.
    const answer = (token: string, value: string) => fetch(`${server.url}/a/${token}`, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: `answer=${value}` }).then((r) => r.json());
    // The link names the coordinator as the register has it.
    const name = (await server.store.list('coordinators')).find((c) => c.organisationId === me.organisationId && me.coordinatorId === c.id)!.name;
    expect(await answer(tokenOf(phone, first), 'yes')).toEqual({ data: { answer: 'yes', first: true, by: name } });
    expect(await answer(tokenOf(laptop, first), 'no')).toEqual({ data: { answer: 'yes', first: false, by: name } });

    // The laptop's alarm makes way; the phone, whose notification answered, already says so itself.
    await waitFor(() => to(laptop).length === 4, { what: 'the answer on the other device' });
    expect(to(laptop)[3]).toMatchObject({ kind: 'settled', title: 'Alarm beantwoord · Gaslek Brunssum', withdraws: [first], tag: `settled-${first}`, url: `/incidents/${incidentId}` });
    expect(to(laptop)[3].body).toBe(`${name} antwoordde voor ${organisation}: getroffen. U hoeft niet meer te antwoorden.`);
    expect(to(laptop)[3].token).toBeUndefined();

    // GHOR phones about the third and takes the answer down: both devices are told who did.
    expect((await ghor.post(`/api/alerts/${third}/answers`, { organisationId: me.organisationId, answer: 'unknown' })).status).toBe(201);
    await waitFor(() => to(phone).length === 4 && to(laptop).length === 5, { what: 'the phoned answer on both devices' });
    for (const pushes of [to(phone), to(laptop)]) expect(pushes.at(-1)).toMatchObject({ kind: 'settled', withdraws: [third], body: `De GHOR (Informatiecoördinator GHOR) noteerde telefonisch voor ${organisation}: weet nog niet. U hoeft niet meer te antwoorden.` });

    // Closing the incident settles what is still unanswered on each device, once per device.
    expect((await ghor.post(`/api/incidents/${incidentId}/close`, {})).status).toBe(200);
    await waitFor(() => to(phone).length === 5 && to(laptop).length === 6, { what: 'the closure on both devices' });
    for (const pushes of [to(phone), to(laptop)]) expect(pushes.at(-1)).toMatchObject({ kind: 'settled', title: 'Incident gesloten · Gaslek Brunssum', withdraws: [second], tag: `settled-${incidentId}` });
    expect(to(phone).filter((p) => p.kind === 'settled')).toHaveLength(2);
    expect(peer.violations).toEqual([]);
  });

  it('a corrected answer takes the place of the earlier word on every device that had the alarm', async () => {
    const phone = peer.subscription();
    const laptop = peer.subscription();
    for (const device of [phone, laptop]) expect((await coordinator.post('/api/push/subscriptions', { endpoint: device.endpoint, keys: device.keys })).status).toBe(201);
    const to = (device: { id: string }) => peer.received.filter((p) => p.subscription === device.id).map((p) => p.payload as { kind: string; title: string; body: string; tag?: string; withdraws?: string[] });
    const incidentId = (await ghor.post('/api/incidents', { title: 'Rookwolk Stein', grip: 2 })).body.data.id as string;
    const me = (await coordinator.get('/api/me')).body.data;
    const alertId = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Ramen dicht.', grip: 2, target: { organisationIds: [me.organisationId] } })).body.data.alert.id as string;
    await waitFor(() => to(phone).length === 1 && to(laptop).length === 1, { what: 'the alarm on both devices' });
    expect((await coordinator.post(`/api/alerts/${alertId}/ack`, { answer: 'no' })).status).toBe(200);
    await waitFor(() => to(phone).length === 2 && to(laptop).length === 2, { what: 'the answer on both devices' });
    expect((await coordinator.request('PUT', `/api/alerts/${alertId}/answers/${me.organisationId}`, { answer: 'yes' })).status).toBe(200);
    await waitFor(() => to(phone).length === 3 && to(laptop).length === 3, { what: 'the correction on both devices' });
    for (const device of [phone, laptop]) {
      const [, answered, corrected] = to(device);
      expect(corrected).toMatchObject({ kind: 'settled', title: 'Antwoord gewijzigd · Rookwolk Stein', body: expect.stringContaining('wijzigde het antwoord voor'), withdraws: [alertId] });
      expect(corrected.body).toMatch(/in: getroffen\.$/);
      // The same tag: on the device the new word replaces the earlier one.
      expect(corrected.tag).toBe(answered.tag);
    }
    expect(peer.violations).toEqual([]);
  });

  it('forgets a subscription the push service says is gone, and shows that message as failed', async () => {
    const device = peer.subscription();
    expect((await coordinator.post('/api/push/subscriptions', { endpoint: device.endpoint, keys: device.keys })).status).toBe(201);
    peer.gone(device.id);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Verlopen abonnement', grip: 1 })).body.data.id as string;
    const me = (await coordinator.get('/api/me')).body.data;
    await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Test', grip: 1, target: { organisationIds: [me.organisationId] } });
    const failed = await waitFor(async () => ((await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[])[0].deliveries!.find((d) => d.channel === 'push' && d.state === 'failed'), { what: 'a failed push' });
    expect(failed.error).toContain('abonnement verlopen');
    expect(failed.retryAt).toBeNull();
    const rows = await server.store.list('pushSubscriptions');
    expect(rows.find((r) => r.endpoint === device.endpoint)?.goneAt).not.toBeNull();
  });

  it('pushes a need of urgency "Direct" to the GHOR’s devices at once, in words, and not a low one', async () => {
    const ghorDevice = peer.subscription();
    expect((await ghor.post('/api/push/subscriptions', { endpoint: ghorDevice.endpoint, keys: ghorDevice.keys })).status).toBe(201);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Stroomstoring Kerkrade', grip: 2 })).body.data.id as string;
    const me = (await coordinator.get('/api/me')).body.data;
    const board = connectBoard(server.url, incidentId, coordinator.cookie);
    try {
      await board.synced();
      const need = { organisationId: me.organisationId, kind: 'power', quantity: 1, status: 'open', createdBy: 'coordinator', createdAt: new Date().toISOString() } as const;
      addNeed(board.doc, { ...need, id: 'need-low', urgency: 'low', description: 'Reserveaccu' });
      addNeed(board.doc, { ...need, id: 'need-now', urgency: 'immediate', description: 'Aggregaat voor 12 beademde cliënten' });
      const push = await waitFor(() => peer.received.find((p) => p.subscription === ghorDevice.id), { what: 'the urgent need on the GHOR device' });
      expect(push.payload).toMatchObject({ kind: 'need', title: 'Directe hulpvraag · Stroomstoring Kerkrade', body: expect.stringContaining('Stroom: Aggregaat voor 12 beademde cliënten'), url: `/incidents/${incidentId}` });
      // Raising the low one to "Direct" pushes it too; nothing else did.
      updateNeed(board.doc, 'need-low', { urgency: 'immediate' });
      await waitFor(() => peer.received.filter((p) => p.subscription === ghorDevice.id).length === 2, { what: 'the raised need' });
      expect(String((peer.received.filter((p) => p.subscription === ghorDevice.id)[1].payload as { body: string }).body)).toContain('Reserveaccu');
    } finally {
      board.destroy();
    }
  });

  it('signing out stops the account’s alerts on that device, a device another account took over stays theirs, and signing out everywhere stops them on all', async () => {
    const devices = async (client: HttpClient) => ((await client.get('/api/push/subscriptions')).body.data as { endpoint: string; gone: boolean }[]).map((d) => d.endpoint);
    const desk = peer.subscription();
    const phone = peer.subscription();
    const shared = peer.subscription();
    const deskTab = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    const phoneTab = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    const ghorTab = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    expect((await deskTab.post('/api/push/subscriptions', { endpoint: desk.endpoint, keys: desk.keys })).status).toBe(201);
    expect((await phoneTab.post('/api/push/subscriptions', { endpoint: phone.endpoint, keys: phone.keys })).status).toBe(201);
    expect(await devices(deskTab)).toEqual(expect.arrayContaining([desk.endpoint, phone.endpoint]));
    expect(await devices(ghorTab)).not.toContain(desk.endpoint);

    // A malformed sign-out is refused with a sentence; the session and the device stay.
    const bad = await deskTab.request('DELETE', '/api/session', { pushEndpoint: 42 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('moet tekst zijn');
    expect((await deskTab.get('/api/me')).status).toBe(200);

    const out = await deskTab.request('DELETE', '/api/session', { pushEndpoint: desk.endpoint });
    expect(out.body.data).toEqual({ signedOut: true, devicesOff: 1 });
    expect((await deskTab.get('/api/me')).status).toBe(401);
    expect(await devices(phoneTab)).toEqual(expect.arrayContaining([phone.endpoint]));
    expect(await devices(phoneTab)).not.toContain(desk.endpoint);

    // The next alert goes to the phone, not to the desk the coordinator signed out of.
    const me = (await phoneTab.get('/api/me')).body.data;
    const incidentId = (await ghor.post('/api/incidents', { title: 'Uitgelogd bureau', grip: 1 })).body.data.id as string;
    const alertId = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Test', grip: 1, target: { organisationIds: [me.organisationId] } })).body.data.alert.id as string;
    await waitFor(() => peer.received.some((p) => p.subscription === phone.id && (p.payload as { alertId?: string }).alertId === alertId), { what: 'the alarm on the phone' });
    const toDesk = (await server.store.list('outbox')).filter((m) => m.alertId === alertId && m.to === desk.id);
    expect(toDesk).toEqual([]);

    // A shared browser: the coordinator turned alerts on, then the GHOR officer on the same browser
    // did; the coordinator's old tab signing out takes nothing from the officer.
    expect((await phoneTab.post('/api/push/subscriptions', { endpoint: shared.endpoint, keys: shared.keys })).status).toBe(201);
    expect((await ghorTab.post('/api/push/subscriptions', { endpoint: shared.endpoint, keys: shared.keys })).status).toBe(201);
    const oldTab = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    expect((await oldTab.request('DELETE', '/api/session', { pushEndpoint: shared.endpoint })).body.data.devicesOff).toBe(0);
    expect(await devices(ghorTab)).toContain(shared.endpoint);

    // A lost phone: signed out everywhere, no device of the account rings any more.
    const before = (await server.store.list('pushSubscriptions')).filter((row) => row.userId === me.id).length;
    expect(before).toBeGreaterThan(0);
    const everywhere = await phoneTab.request('DELETE', '/api/sessions');
    expect(everywhere.body.data).toEqual({ signedOut: true, devicesOff: before });
    expect((await server.store.list('pushSubscriptions')).filter((row) => row.userId === me.id)).toEqual([]);
    expect(await devices(ghorTab)).toContain(shared.endpoint);
    expect((await coordinator.get('/api/me')).status).toBe(401);
    await coordinator.signIn('coordinator', DEMO_PASSWORD);
  });

  it('refuses a subscription without valid keys, with a sentence', async () => {
    const bad = await coordinator.post('/api/push/subscriptions', { endpoint: 'https://push.example/x', keys: { p256dh: 'short', auth: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('sleutels');
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    expect((await admin.post('/api/push/subscriptions', { endpoint: 'ftp://x', keys: peer.subscription().keys })).body.error.message).toContain('https://');
  });
});
