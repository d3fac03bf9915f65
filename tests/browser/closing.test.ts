import type { WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { PHONE, SHOTS, WIDE, browserSuite, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { DEMO_PASSWORD } from '../helpers/server';

const suite = browserSuite();

describe('an incident closed while its alert is on a coordinator’s phone', () => {
  it('takes the banner away live, and after a time without connection; an answer kept meanwhile writes nothing on the closed board', async () => {
    const url = suite.server.url;
    const api = await new HttpClient(url).signIn('ghor', DEMO_PASSWORD);
    const coordinator = await new HttpClient(url).signIn('coordinator', DEMO_PASSWORD);
    const own = (await coordinator.get('/api/me')).body.data.organisationId as string;
    const alertFor = async (title: string, message: string) => {
      const id = (await api.post('/api/incidents', { title, grip: 2 })).body.data.id as string;
      expect((await api.post(`/api/incidents/${id}/alerts`, { message, grip: 2, target: { organisationIds: [own] } })).status).toBe(201);
      return id;
    };

    // The phone's socket.io connection goes through the test, which can cut it (a lift, a basement).
    const context = await suite.browser.newContext({ viewport: PHONE, locale: 'nl-NL' });
    await context.grantPermissions(['notifications'], { origin: url });
    let cut = false;
    const open: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (cut) return void ws.close();
      open.push({ page: ws, server: ws.connectToServer() });
    });
    await context.route(/\/socket\.io\//, (route) => (cut ? route.abort() : route.continue()));
    const phone = await context.newPage();
    await phone.goto(`${url}/login`);
    await phone.fill('input[name=username]', 'coordinator');
    await phone.fill('input[name=password]', DEMO_PASSWORD);
    await phone.click('button[type=submit]');
    await phone.waitForURL((u) => !u.pathname.startsWith('/login'));

    // Live: GHOR closes the incident while its alert is on screen.
    const first = await alertFor('Gaslek Brunssum', 'Gaslek: meld of u getroffen bent.');
    const banner = phone.getByTestId('alert-banner');
    await expect.poll(() => banner.textContent(), { timeout: 10000 }).toContain('Gaslek: meld of u getroffen bent.');
    // The home page's running incidents follow the alerts: the new one is there, one tap from its board.
    const running = () => phone.getByTestId('running-incidents').allTextContents().then((texts) => texts.join(' '));
    await expect.poll(running, { timeout: 5000 }).toContain('Gaslek Brunssum');
    // The alarm also stands among the device's notifications, as its push shows it.
    const alertId = ((await api.get(`/api/incidents/${first}/alerts`)).body.data as { alert: { id: string } }[])[0].alert.id;
    const notifications = () => phone.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => (n.data as { alertId?: string }).alertId));
    await phone.evaluate(async (id) => (await navigator.serviceWorker.ready).showNotification('GHOR alarm GRIP 2: Gaslek Brunssum', { tag: 'alarm', data: { alertId: id }, requireInteraction: true }), alertId);
    expect(await notifications()).toEqual([alertId]);
    expect((await api.post(`/api/incidents/${first}/close`, {})).status).toBe(200);
    await expect.poll(() => banner.count(), { timeout: 10000 }).toBe(0);
    await expect.poll(notifications, { timeout: 5000 }).toEqual([]);
    expect(await phone.getByTestId('alert-withdrawn').textContent()).toContain('Het incident "Gaslek Brunssum" is gesloten: een antwoord op het alarm is niet meer nodig.');
    await expect.poll(running, { timeout: 5000 }).not.toContain('Gaslek Brunssum');
    await phone.screenshot({ path: `${SHOTS}/alert-withdrawn-phone.png` });
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.getByTestId('alert-withdrawn').getByRole('button', { name: 'Sluiten' }).click();
    expect(await phone.getByTestId('alert-withdrawn').count()).toBe(0);

    // Without a connection: the coordinator answers "not hit" (kept on the phone), and GHOR closes the incident meanwhile.
    const second = await alertFor('Stroomstoring Landgraaf', 'Stroomstoring: meld of u getroffen bent.');
    await expect.poll(() => banner.textContent(), { timeout: 10000 }).toContain('Stroomstoring: meld of u getroffen bent.');
    cut = true;
    for (const { page, server } of open.splice(0)) {
      await page.close();
      await server.close();
    }
    await banner.getByRole('button', { name: 'Nee, niet getroffen' }).click();
    await expect.poll(() => phone.getByTestId('answer-kept').count(), { timeout: 15000 }).toBe(1);
    expect((await api.post(`/api/incidents/${second}/close`, {})).status).toBe(200);
    // The phone cannot know yet.
    expect(await banner.textContent()).toContain('Stroomstoring: meld of u getroffen bent.');

    // Back: the phone takes the server's list of waiting alerts, and the kept answer is refused.
    cut = false;
    await expect.poll(() => banner.count(), { timeout: 20000 }).toBe(0);
    await expect.poll(() => phone.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('zorgbeeld:unsent-answers:')).length), { timeout: 10000 }).toBe(0);
    const events = (await api.get(`/api/incidents/${second}/events?type=alert-acked,not-hit`)).body.data.events as unknown[];
    expect(events).toEqual([]);
    const reports = (await api.get(`/api/incidents/${second}/state?format=json`)).body.data.reports as Record<string, { impact?: string }>;
    expect(Object.values(reports).filter((r) => r.impact === 'none')).toEqual([]);
    await context.close();
  });

  it('an all clear from GHOR replaces the alert it withdraws on the banner, and says what it is', async () => {
    const url = suite.server.url;
    const api = await new HttpClient(url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Rookmelding Sittard', grip: 2 })).body.data.id as string;
    const first = (await api.post(`/api/incidents/${incident}/alerts`, { message: 'Rook boven Sittard: ramen dicht.', grip: 2, target: { all: true } })).body.data.alert.id as string;
    const phone = await signedInPage(suite.browser, url, 'coordinator', DEMO_PASSWORD, PHONE);
    const banner = phone.getByTestId('alert-banner');
    await expect.poll(() => banner.textContent(), { timeout: 10000 }).toContain('Rook boven Sittard: ramen dicht.');
    expect(await banner.locator('.kicker').textContent()).toMatch(/^\s*Alarm · GRIP 2/);

    expect((await api.post(`/api/incidents/${incident}/alerts`, { message: 'Alles veilig: de rook kwam van een vreugdevuur.', grip: 2, target: { all: true }, msgType: 'Cancel', references: first })).status).toBe(201);
    // The all clear takes the alert's place, named as what it is; the line says the alert was withdrawn.
    await expect.poll(() => banner.textContent(), { timeout: 10000 }).toContain('Alles veilig: de rook kwam van een vreugdevuur.');
    expect(await banner.locator('.kicker').textContent()).toMatch(/^\s*Alles veilig \/ ingetrokken · GRIP 2/);
    expect(await banner.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(30, 107, 58)');
    expect(await banner.textContent()).not.toContain('Rook boven Sittard: ramen dicht.');
    expect(await banner.textContent()).not.toContain('alarmen wachten');
    // It asks once more, as a last roll call: not "hit?" as if the danger were new.
    expect(await banner.locator('.question').textContent()).toBe('Is uw organisatie nog getroffen?');
    expect(await phone.getByTestId('alert-withdrawn').textContent()).toContain('GHOR heeft het alarm voor "Rookmelding Sittard" ingetrokken of alles veilig gegeven');
    await phone.screenshot({ path: `${SHOTS}/alert-all-clear-phone.png` });
    expect(await seriousViolations(phone)).toEqual([]);

    // The evaluator's timeline names it too, beside the alert it withdrew.
    const review = await signedInPage(suite.browser, url, 'observer', DEMO_PASSWORD, WIDE, { path: `/incidents/${incident}/review` });
    const sent = review.getByTestId('timeline').locator('li', { hasText: 'Alarm verstuurd' }).locator('.what');
    await expect.poll(() => sent.allTextContents(), { timeout: 15000 }).toHaveLength(2);
    const [alertLine, allClearLine] = await sent.allTextContents();
    expect(allClearLine).toMatch(/Alles veilig \/ ingetrokken · GRIP 2: Alles veilig: de rook kwam van een vreugdevuur\./);
    expect(alertLine).toMatch(/: GRIP 2: Rook boven Sittard: ramen dicht\./);
  });
});
