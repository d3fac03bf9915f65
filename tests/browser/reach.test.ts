import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertStatus } from '../../shared/alert';
import { seriousViolations } from '../helpers/axe';
import { PHONE, SHOTS, WIDE, browserSuite, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { startPushPeer } from '../helpers/push-peer';
import { DEMO_PASSWORD } from '../helpers/server';
import { startSmtpPeer } from '../helpers/smtp-peer';
import { waitFor } from '../helpers/wait-for';

let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let push: Awaited<ReturnType<typeof startPushPeer>>;

const suite = browserSuite({
  env: async () => {
    smtp = await startSmtpPeer();
    push = await startPushPeer();
    return { SMTP_URL: smtp.url, MAIL_FROM: 'ghor@zorgbeeld.test', PUSH_CA_FILE: resolve(import.meta.dirname, '../fixtures/push-peer-cert.pem') };
  },
});

afterAll(async () => {
  await smtp?.close();
  await push?.close();
});

async function alertFor(api: HttpClient, title: string, organisationIds: string[]) {
  const incidentId = (await api.post('/api/incidents', { title, grip: 2 })).body.data.id as string;
  const alertId = (await api.post(`/api/incidents/${incidentId}/alerts`, { message: `${title}: meld of u getroffen bent.`, grip: 2, target: { organisationIds } })).body.data.alert.id as string;
  return { incidentId, alertId };
}

/**
 * Headless Chromium has no push service: subscribe() hands out the stand-in's subscription,
 * exactly the object a browser gives (endpoint and keys); everything after it is real.
 */
async function standInPush(page: Page, device: { endpoint: string; keys: unknown }): Promise<void> {
  await page.addInitScript((sub) => {
    const fake = { endpoint: sub.endpoint, toJSON: () => ({ endpoint: sub.endpoint, keys: sub.keys }), unsubscribe: async () => true };
    let current: typeof fake | null = null;
    PushManager.prototype.subscribe = async function () {
      current = fake;
      return fake as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async function () {
      return current as unknown as PushSubscription | null;
    };
  }, device);
}

/** The coordinator's phone with notifications allowed and the stand-in push service, on the home page. */
async function pushPhone(device: { endpoint: string; keys: unknown }): Promise<Page> {
  const phone = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
  await phone.context().grantPermissions(['notifications'], { origin: suite.server.url });
  await standInPush(phone, device);
  await phone.goto(`${suite.server.url}/`);
  return phone;
}

/** Hands a decrypted push to the page's real service worker, as the push service would. */
async function pushDeliverer(page: Page): Promise<(payload: unknown) => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  const registrations: { registrationId: string }[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => registrations.push(...event.registrations));
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => registrations.length).toBeGreaterThan(0);
  return async (payload) => void (await cdp.send('ServiceWorker.deliverPushMessage', { origin: suite.server.url, registrationId: registrations[0].registrationId, data: JSON.stringify(payload) }));
}

/** Tap targets under 44×44 on the page (the answer page is a page of its own, without the app's CSS). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('a[href], button')]
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.width < 44 || box.height < 44))
      .map(({ el, box }) => `${el.tagName} "${el.textContent?.trim()}" ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
}

describe('reach outside the app, in Chromium', () => {
  it('from the received e-mail, "niet getroffen" is one tap on a phone, and GET alone answered nothing', async () => {
    const ghor = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const me = (await (await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD)).get('/api/me')).body.data;
    const { incidentId, alertId } = await alertFor(ghor, 'Wateroverlast Meerssen', [me.organisationId]);
    await expect.poll(() => smtp.mails.filter((m) => m.mail.headers.get('x-zorgbeeld-alert') === alertId).length, { timeout: 15000 }).toBeGreaterThan(0);
    const mail = smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === alertId)!;
    // The link as the mail carries it, opened from the mail app: a page of its own, no sign-in.
    const link = mail.mail.text!.match(/https?:\/\/\S+\/a\/[A-Za-z0-9_-]{23}/)![0];

    const context = await suite.browser.newContext({ viewport: PHONE, locale: 'nl-NL' });
    const phone = await context.newPage();
    await phone.goto(link);
    await expect.poll(() => phone.getByRole('button', { name: 'Nee, niet getroffen' }).isVisible()).toBe(true);
    expect(((await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[])[0].acknowledgements).toEqual([]);
    expect(await smallTargets(phone)).toEqual([]);
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.screenshot({ path: `${SHOTS}/answer-link-phone.png`, fullPage: true });

    let taps = 0;
    taps++;
    await phone.getByRole('button', { name: 'Nee, niet getroffen' }).click();
    await expect.poll(() => phone.locator('[data-answer]').textContent()).toContain('Niet getroffen');
    expect(taps).toBe(1);
    await phone.screenshot({ path: `${SHOTS}/answer-link-done-phone.png`, fullPage: true });
    expect(await seriousViolations(phone)).toEqual([]);
    const status = ((await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[])[0];
    expect(status.acknowledgements[0]).toMatchObject({ answer: 'no', via: 'email' });

    // A wrong tap on the phone is put right on the same page, with one more tap.
    const change = phone.locator('[data-change]');
    expect(await change.textContent()).toContain('Verkeerd gekozen');
    expect(await smallTargets(phone)).toEqual([]);
    taps++;
    await change.getByRole('button', { name: 'Getroffen', exact: true }).click();
    await expect.poll(() => phone.locator('[data-corrected]').textContent()).toContain('gewijzigd in: Getroffen');
    expect(taps).toBe(2);
    expect(await phone.locator('body').textContent()).toContain('teruggenomen');
    await phone.screenshot({ path: `${SHOTS}/answer-link-corrected-phone.png`, fullPage: true });
    expect(await seriousViolations(phone)).toEqual([]);
    const corrected = ((await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[])[0];
    expect(corrected.acknowledgements[0]).toMatchObject({ answer: 'yes', via: 'email', corrected: { from: 'no' } });
    await context.close();
  });

  it('from the link in the mail, at night without a session: "hit" and one more tap open the own locations, signed in without a password', async () => {
    const ghor = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const me = (await (await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD)).get('/api/me')).body.data;
    const email = ((await ghor.get('/api/coordinators')).body.data as { id: string; email: string }[]).find((c) => c.id === me.coordinatorId)!.email;
    const { incidentId, alertId } = await alertFor(ghor, 'Brand Schinveld', [me.organisationId]);
    await expect.poll(() => smtp.mails.some((m) => m.mail.headers.get('x-zorgbeeld-alert') === alertId && m.to[0] === email), { timeout: 15000 }).toBe(true);
    const mail = smtp.mails.find((m) => m.mail.headers.get('x-zorgbeeld-alert') === alertId && m.to[0] === email)!;
    const link = mail.mail.text!.match(/https?:\/\/\S+\/a\/[A-Za-z0-9_-]{23}/)![0];

    const context = await suite.browser.newContext({ viewport: PHONE, locale: 'nl-NL' });
    const phone = await context.newPage();
    await phone.goto(link);
    await phone.getByRole('button', { name: 'Ja, getroffen' }).click();
    const onward = phone.getByRole('button', { name: 'Meld nu per locatie wat er aan de hand is' });
    await expect.poll(() => onward.isVisible()).toBe(true);
    expect(await phone.locator('[data-board] .hint').textContent()).toBe('Deze link logt u op dit toestel in als Crisiscoördinator (demo); geen wachtwoord nodig.');
    expect(await smallTargets(phone)).toEqual([]);
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.screenshot({ path: `${SHOTS}/answer-link-hit-board-phone.png`, fullPage: true });
    await onward.click();
    await phone.waitForURL((url) => url.pathname === `/incidents/${incidentId}`);
    await expect.poll(() => phone.getByTestId('hit-pick-hint').count(), { timeout: 15000 }).toBe(1);
    expect(await phone.getByTestId('location-list').locator('button.location').count()).toBeGreaterThan(1);
    await expect.poll(() => phone.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    await context.close();

    // The evaluator reads in the review who came to the board by which message's link.
    const review = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/incidents/${incidentId}/review` });
    const row = review.getByTestId('timeline').locator('li', { hasText: 'Aangemeld via de link in het bericht' });
    await expect.poll(() => row.count(), { timeout: 10000 }).toBe(1);
    expect(await row.textContent()).toContain('Crisiscoördinator (demo): Zorggroep Lindeweg: via e-mail');
    await review.screenshot({ path: `${SHOTS}/review-link-sign-in-wide.png` });
    await review.context().close();
  });

  it('the PWA’s service worker registers, a device subscribes in one tap, and a pushed alert reaches the worker, which reports it delivered', async () => {
    const device = push.subscription();
    const coordinator = await pushPhone(device);
    const manifest = await (await fetch(`${suite.server.url}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ short_name: 'Zorgbeeld', display: 'standalone', start_url: '/' });
    for (const icon of manifest.icons as { src: string }[]) expect((await fetch(`${suite.server.url}${icon.src}`)).headers.get('content-type')).toBe('image/png');
    const worker = await coordinator.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
    expect(worker).toBe(`${suite.server.url}/service-worker.js`);

    await coordinator.getByTestId('push-card').getByRole('button').click();
    await expect.poll(() => coordinator.getByTestId('push-on').isVisible()).toBe(true);
    await coordinator.screenshot({ path: `${SHOTS}/push-on-phone.png` });
    const api = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
    const organisationId = (await api.get('/api/me')).body.data.organisationId as string;

    const ghor = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const { incidentId, alertId } = await alertFor(ghor, 'Brand Heerlen', [organisationId]);
    await expect.poll(() => push.received.filter((p) => p.subscription === device.id).length, { timeout: 15000 }).toBe(1);
    expect(push.violations).toEqual([]);
    const payload = push.received.find((p) => p.subscription === device.id)!.payload as { token: string; title: string };

    const deliver = await pushDeliverer(coordinator);
    await deliver(payload);
    await expect
      .poll(async () => ((await ghor.get(`/api/incidents/${incidentId}/alerts`)).body.data as AlertStatus[])[0].deliveries!.find((d) => d.channel === 'push')?.state, { timeout: 10000 })
      .toBe('delivered');

    // GHOR sees it per coordinator and channel on the response board.
    const board = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/incidents/${incidentId}` });
    await board.getByRole('button', { name: 'Alarmering', exact: true }).click();
    await expect.poll(() => board.getByTestId('delivery-totals').textContent()).toContain('pushmelding 1 afgeleverd');
    await board.getByTestId('deliveries').locator('summary').click();
    await board.screenshot({ path: `${SHOTS}/response-board-deliveries-wide.png`, fullPage: true });
    expect(await seriousViolations(board)).toEqual([]);

    // GHOR gives the all clear: on the device it takes the place of the alarm's notification,
    // which would otherwise stay (it asks to be dealt with).
    const shown = () => coordinator.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.title));
    expect(await shown()).toEqual([payload.title]);
    expect((await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Alles veilig.', grip: 2, target: { organisationIds: [organisationId] }, msgType: 'Cancel', references: alertId })).status).toBe(201);
    await expect.poll(() => push.received.filter((p) => p.subscription === device.id).length, { timeout: 15000 }).toBe(2);
    const allClear = push.received.filter((p) => p.subscription === device.id)[1].payload as { title: string; body: string };
    expect(allClear.title).toMatch(/^GHOR einde GRIP 2: Brand Heerlen/);
    expect(allClear.body).toMatch(/: nog getroffen\? Alles veilig\.$/);
    await deliver(allClear);
    await expect.poll(shown, { timeout: 10000 }).toEqual([allClear.title]);

    // GHOR closes the incident: the all clear, which asks "nog getroffen?", makes way for one quiet word.
    expect((await ghor.post(`/api/incidents/${incidentId}/close`, {})).status).toBe(200);
    await expect.poll(() => push.received.filter((p) => p.subscription === device.id).length, { timeout: 15000 }).toBe(3);
    const closed = push.received.filter((p) => p.subscription === device.id)[2].payload as { kind: string; title: string };
    expect(closed).toMatchObject({ kind: 'settled', title: 'Incident gesloten · Brand Heerlen' });
    await deliver(closed);
    const details = () => coordinator.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, silent: n.silent, requireInteraction: n.requireInteraction, actions: (n as Notification & { actions: unknown[] }).actions.length })));
    await expect.poll(details, { timeout: 10000 }).toEqual([{ title: closed.title, silent: true, requireInteraction: false, actions: 0 }]);
  });

  it('from the notification in a pocket: its "Niet getroffen" button answers without opening anything and says so; its "Getroffen" answers too', async () => {
    const device = push.subscription();
    const phone = await pushPhone(device);
    await phone.getByTestId('push-card').getByRole('button').click();
    await expect.poll(() => phone.getByTestId('push-on').isVisible()).toBe(true);
    const deliver = await pushDeliverer(phone);
    const organisationId = (await (await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD)).get('/api/me')).body.data.organisationId as string;
    const ghor = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const pushed = () => push.received.filter((p) => p.subscription === device.id).map((p) => p.payload as { kind: string; title: string; token: string });
    const shown = () => phone.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.title));
    // The notification's own button, as the phone's tray hands its tap to the page's real service
    // worker (Chromium gives a test no way to tap the tray itself).
    const worker = phone.context().serviceWorkers().find((w) => w.url() === `${suite.server.url}/service-worker.js`)!;
    const tap = (action: string) =>
      worker.evaluate(async (act) => {
        // The worker's own globals (the tests are typed for pages).
        const scope = self as unknown as { registration: ServiceWorkerRegistration; NotificationEvent: new (type: string, init: { notification: Notification; action: string }) => Event };
        const [notification] = await scope.registration.getNotifications();
        self.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification, action: act }));
      }, action);
    const answerOf = async (incidentId: string) => ((await ghor.get(`/api/incidents/${incidentId}/events?type=alert-acked`)).body.data.events as { detail: { answer: string; via: string } }[]).map((e) => e.detail);

    const flood = await alertFor(ghor, 'Wateroverlast Meerssen', [organisationId]);
    await expect.poll(() => pushed().length, { timeout: 15000 }).toBe(1);
    const alarm = pushed()[0];
    expect(alarm.kind).toBe('alert');
    await deliver(alarm);
    await expect.poll(shown, { timeout: 10000 }).toEqual([alarm.title]);
    // What the open page saw of the alarm a moment before the answer (its close may come late).
    await phone.evaluate(async () => {
      (window as unknown as { seen: Notification[] }).seen = await (await navigator.serviceWorker.ready).getNotifications();
    });
    await tap('no');
    await expect.poll(() => answerOf(flood.incidentId), { timeout: 10000 }).toEqual([expect.objectContaining({ answer: 'no', via: 'push' })]);
    // The alarm makes way for the word that the answer arrived; nothing opened.
    await expect.poll(shown, { timeout: 10000 }).toEqual(['Antwoord ontvangen: niet getroffen']);
    expect(phone.context().pages()).toHaveLength(1);
    // The open page learns of the answer too, and closes the alarm's notifications; the word stays.
    await expect.poll(() => phone.getByTestId('alert-banner').filter({ hasText: 'Wateroverlast Meerssen' }).count(), { timeout: 10000 }).toBe(0);
    // A close of the alarm as the page saw it before the answer leaves the word standing too.
    await phone.evaluate(() => (window as unknown as { seen: Notification[] }).seen.forEach((n) => n.close()));
    expect(await shown()).toEqual(['Antwoord ontvangen: niet getroffen']);
    // The locations without a report stand at "no impact", as after the banner's answer.
    const reports = (await ghor.get(`/api/incidents/${flood.incidentId}/state?format=json`)).body.data.reports as Record<string, { impact?: string }>;
    expect(Object.values(reports).filter((r) => r.impact === 'none').length).toBeGreaterThan(0);

    const fire = await alertFor(ghor, 'Brand Geleen', [organisationId]);
    await expect.poll(() => pushed().filter((p) => p.kind === 'alert').length, { timeout: 15000 }).toBe(2);
    const second = pushed().filter((p) => p.kind === 'alert')[1];
    await deliver(second);
    await expect.poll(shown, { timeout: 15000 }).toContain(second.title);
    await phone.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).filter((n) => !n.title.includes('Brand Geleen')).forEach((n) => n.close()));
    // "Getroffen" answers, then opens the answer page to go on to the own locations; Chromium lets
    // only a real tap open a window, so this test sees the answer, not the page.
    await tap('yes');
    await expect.poll(() => answerOf(fire.incidentId), { timeout: 10000 }).toEqual([expect.objectContaining({ answer: 'yes', via: 'push' })]);
  });

  it('an iPhone in Safari, where a tab gets no push, is told to put Zorgbeeld on the home screen; opened from there, it is offered the switch', async () => {
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    for (const standalone of [false, true]) {
      const context = await suite.browser.newContext({ viewport: PHONE, locale: 'nl-NL', userAgent: iphone });
      // Safari in a tab has no PushManager; from the home screen it has, and says display-mode standalone.
      await context.addInitScript((home) => {
        if (!home) delete (window as { PushManager?: unknown }).PushManager;
        const real = window.matchMedia.bind(window);
        window.matchMedia = (query: string) => (query === '(display-mode: standalone)' ? ({ ...real(query), matches: home } as MediaQueryList) : real(query));
      }, standalone);
      const phone = await context.newPage();
      await phone.goto(`${suite.server.url}/login`);
      await phone.fill('input[name=username]', 'coordinator');
      await phone.fill('input[name=password]', DEMO_PASSWORD);
      await phone.click('button[type=submit]');
      await phone.waitForURL((url) => !url.pathname.startsWith('/login'));
      const card = phone.getByTestId('push-card');
      await expect.poll(() => card.count(), { timeout: 10000 }).toBe(1);
      if (standalone) {
        expect(await card.getByRole('button', { name: 'Meldingen aanzetten op dit toestel' }).count()).toBe(1);
      } else {
        expect(await card.textContent()).toContain('Zet op beginscherm');
        expect(await card.getByRole('button').count()).toBe(0);
        await phone.screenshot({ path: `${SHOTS}/push-iphone-home-screen-phone.png` });
        expect(await seriousViolations(phone)).toEqual([]);
      }
      await context.close();
    }
  });

  it('a shared browser: signing out stops the coordinator’s alarms on it and says so; the next account is offered them, not told they are on; signing out everywhere stops them all', async () => {
    const device = push.subscription();
    const context = await suite.browser.newContext({ viewport: PHONE, locale: 'nl-NL' });
    await context.grantPermissions(['notifications'], { origin: suite.server.url });
    // The stand-in subscription, kept by the browser across pages and accounts as a real one is.
    await context.addInitScript((sub) => {
      const fake = { endpoint: sub.endpoint, toJSON: () => ({ endpoint: sub.endpoint, keys: sub.keys }), unsubscribe: async () => true };
      PushManager.prototype.subscribe = async function () {
        localStorage.setItem('test-push-subscribed', '1');
        return fake as unknown as PushSubscription;
      };
      PushManager.prototype.getSubscription = async function () {
        return (localStorage.getItem('test-push-subscribed') ? fake : null) as unknown as PushSubscription | null;
      };
    }, device);
    const page = await context.newPage();
    const signIn = async (username: string) => {
      await page.goto(`${suite.server.url}/login`);
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    };
    const devicesOf = async (username: string) => ((await (await new HttpClient(suite.server.url).signIn(username, DEMO_PASSWORD)).get('/api/push/subscriptions')).body.data as { endpoint: string }[]).map((d) => d.endpoint);

    await signIn('coordinator');
    await page.getByTestId('push-card').getByRole('button').click();
    await expect.poll(() => page.getByTestId('push-on').isVisible()).toBe(true);
    expect(await devicesOf('coordinator')).toContain(device.endpoint);

    // Without a connection the sign-out cannot reach the server: the page says so and stays.
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await expect.poll(() => page.getByTestId('sign-out-failed').textContent()).toContain('Uitloggen is niet gelukt; u bent op dit toestel nog ingelogd.');
    expect(new URL(page.url()).pathname).toBe('/');
    await context.setOffline(false);

    // One tap on Uitloggen: the alarms for this account stop here, and the sign-in page says so.
    let taps = 0;
    taps++;
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    expect(taps).toBe(1);
    await expect.poll(() => page.getByTestId('signed-out').textContent()).toContain('komen niet meer als melding op dit toestel');
    expect(await devicesOf('coordinator')).not.toContain(device.endpoint);
    await page.screenshot({ path: `${SHOTS}/signed-out-phone.png` });
    expect(await seriousViolations(page)).toEqual([]);

    // The next account on this browser is offered the notifications: the browser's subscription is not its.
    await signIn('ghor');
    const card = page.getByTestId('push-card');
    await expect.poll(() => card.count(), { timeout: 10000 }).toBe(1);
    expect(await page.getByTestId('push-on').count()).toBe(0);
    await card.getByRole('button', { name: 'Meldingen aanzetten op dit toestel' }).click();
    await expect.poll(() => page.getByTestId('push-on').isVisible()).toBe(true);
    expect(await devicesOf('ghor')).toContain(device.endpoint);

    // A lost phone: my details, Overal uitloggen, confirmed.
    await page.goto(`${suite.server.url}/me`);
    const everywhere = page.getByTestId('sign-out-everywhere');
    await everywhere.getByRole('button', { name: 'Overal uitloggen' }).click();
    await page.screenshot({ path: `${SHOTS}/sign-out-everywhere-phone.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await everywhere.getByRole('button', { name: 'Ja, log overal uit' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await expect.poll(() => page.getByTestId('signed-out').textContent()).toContain('op al uw toestellen uitgelogd');
    expect(await devicesOf('ghor')).not.toContain(device.endpoint);
    await context.close();
  });

  it('a forgotten password: asked on the sign-in page, the mailed link sets a new one on the phone and signs in', async () => {
    const context = await suite.browser.newContext({ viewport: PHONE, locale: 'nl-NL' });
    const phone = await context.newPage();
    await phone.goto(`${suite.server.url}/login`);
    await phone.getByText('Wachtwoord vergeten?').click();
    await phone.getByLabel('Uw gebruikersnaam of e-mailadres').fill('nieuw');
    await phone.getByRole('button', { name: 'Stuur mij een link voor een nieuw wachtwoord' }).click();
    await expect.poll(() => phone.getByTestId('reset-asked').count()).toBe(1);
    expect(await phone.getByTestId('reset-asked').textContent()).toContain('Als er een account met een e-mailadres bij hoort');
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.screenshot({ path: `${SHOTS}/login-reset-asked-phone.png`, fullPage: true });

    const mail = await waitFor(() => smtp.mails.find((m) => m.mail.subject === 'Een nieuw wachtwoord voor Zorgbeeld' && m.mail.text?.includes('Uw gebruikersnaam is: nieuw')), { what: 'the mail with the link' });
    const link = mail.mail.text!.match(/https?:\/\/\S+\/welcome#[A-Za-z0-9_-]+/)![0];
    await phone.goto(link);
    const welcome = phone.getByTestId('welcome');
    await expect.poll(() => welcome.locator('h1').textContent(), { timeout: 15000 }).toBe('Nieuw wachtwoord instellen');
    expect(await welcome.textContent()).toContain('Kies een nieuw wachtwoord voor Nieuwe crisiscoördinator (demo).');
    await welcome.locator('input[name=password]').fill('nieuw-na-vergeten');
    await welcome.locator('input[name=again]').fill('nieuw-na-vergeten');
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.screenshot({ path: `${SHOTS}/reset-welcome-phone.png`, fullPage: true });
    await welcome.getByRole('button', { name: 'Wachtwoord instellen' }).click();
    await phone.waitForURL((url) => url.pathname !== '/welcome');
    expect((await phone.evaluate(async () => (await fetch('/api/me')).json())).data.username).toBe('nieuw');
    expect((await new HttpClient(suite.server.url).post('/api/session', { username: 'nieuw', password: 'nieuw-na-vergeten' })).status).toBe(200);
    await context.close();
  });

  it('my details: a coordinator changes its mobile number and channels, and a wrong number gets a sentence', async () => {
    const coordinator = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE, { path: `/me` });
    const form = coordinator.getByTestId('my-contact');
    await expect.poll(() => form.isVisible()).toBe(true);
    await form.locator('input[name=phone]').fill('06-12');
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('is geen telefoonnummer');
    await form.locator('input[name=phone]').fill('06 1234 5678');
    await form.getByLabel('pushmelding').uncheck();
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('Opgeslagen');
    const api = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
    expect((await api.get('/api/me/contact')).body.data).toMatchObject({ phone: '06 1234 5678', channels: ['email', 'sms'] });
    await coordinator.screenshot({ path: `${SHOTS}/my-details-phone.png`, fullPage: true });
    expect(await seriousViolations(coordinator)).toEqual([]);
  });
});
