import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { PHONE, WIDE, SHOTS, browserSuite, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { startAgain, startProcessServer } from '../helpers/process-server';
import { DEMO_PASSWORD } from '../helpers/server';

const suite = browserSuite();

describe('alerting in Chromium', () => {
  it('GHOR sends an alert, the coordinator’s banner shows it, the acknowledgement reaches GHOR without reload', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Brand chemische opslag Geleen', grip: 2 })).body.data;

    const coordinator = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE, { path: `/incidents` });

    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/incidents/${incident.id}` });
    await expect.poll(() => ghor.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    await ghor.getByRole('button', { name: 'Alarmering' }).click();
    const form = ghor.getByTestId('alert-form');
    await form.locator('textarea[name=message]').fill('Rookpluim boven Geleen. Ramen en deuren dicht, ventilatie uit. Meld of u getroffen bent.');
    await expect.poll(() => ghor.getByTestId('alert-preview').locator('summary').textContent()).toBe('42 ontvangers');
    await form.getByRole('button', { name: /Versturen/ }).click();
    const status = ghor.getByTestId('alert-status').first();
    await expect.poll(() => status.getByTestId('alert-totals').textContent()).toMatch(/42 ontvangers · 1 afgeleverd · 0 bevestigd/);

    const banner = coordinator.getByTestId('alert-banner');
    await expect.poll(() => banner.textContent(), { timeout: 10000 }).toContain('Rookpluim boven Geleen');
    expect(await banner.textContent()).toContain('Is uw organisatie getroffen?');
    await coordinator.screenshot({ path: `${SHOTS}/alert-banner-phone.png` });
    // The banner offers notifications on this device, except on My details, whose own switch is there.
    const offers = () => coordinator.getByRole('button', { name: 'Meldingen aanzetten op dit toestel' }).count();
    expect(await banner.getByRole('button', { name: 'Meldingen aanzetten op dit toestel' }).count()).toBe(1);
    await coordinator.getByRole('link', { name: 'Account' }).click();
    await coordinator.waitForURL((url) => url.pathname === '/me');
    await expect.poll(() => coordinator.getByTestId('my-contact').count()).toBe(1);
    await expect.poll(offers).toBe(1);
    expect(await banner.getByRole('button', { name: 'Meldingen aanzetten op dit toestel' }).count()).toBe(0);
    await banner.getByRole('button', { name: 'Ja, getroffen' }).click();
    await expect.poll(() => banner.count()).toBe(0);

    await expect.poll(() => status.getByTestId('alert-totals').textContent()).toMatch(/1 bevestigd\s*\(1 getroffen\)/);
    // Grouped for action: who is hit first, then who has not answered, with a phone number to tap.
    expect(await status.getByTestId('answered-yes').textContent()).toContain('Crisiscoördinator (demo)');
    expect(await status.getByTestId('waiting').locator('li').count()).toBe(41);
    expect(await status.getByTestId('waiting').locator('a[href^="tel:+31"]').count()).toBeGreaterThan(30);
    // Each says in words whether the app reached the organisation (a lone dash said nothing).
    const reached = await status.getByTestId('waiting').locator('li > span:first-of-type').allTextContents();
    expect(reached).toHaveLength(41);
    for (const text of reached) expect(text).toMatch(/^(Afgeleverd \d\d:\d\d|niet bezorgd in de app|geen aangesloten coördinator: bellen) · wacht /);
    const order = await status.locator('h4').allTextContents();
    expect(order[0]).toMatch(/^Getroffen \(1\)/);
    expect(order[1]).toMatch(/^Nog geen antwoord \(41\)/);
    await ghor.screenshot({ path: `${SHOTS}/alert-response-wide.png` });

    // A coordinator who signs in later sees the alerts it has not acknowledged first.
    const second = await api.post(`/api/incidents/${incident.id}/alerts`, { message: 'Tweede alarm', grip: 3, target: { all: true } });
    expect(second.status).toBe(201);
    const late = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    await expect.poll(() => late.getByTestId('alert-banner').textContent(), { timeout: 10000 }).toContain('Tweede alarm');
  });

  it('an answer tapped without a connection is kept on the device and reaches GHOR once the server is back, also after the tab was closed', async () => {
    const own = await startProcessServer();
    try {
      const api = await new HttpClient(own.url).signIn('ghor', DEMO_PASSWORD);
      const incident = (await api.post('/api/incidents', { title: 'Stroomuitval Heerlen', grip: 2 })).body.data;
      const coordinator = await signedInPage(suite.browser, own.url, 'coordinator', DEMO_PASSWORD, PHONE, { path: `/incidents` });
      const sent = await api.post(`/api/incidents/${incident.id}/alerts`, { message: 'Stroomuitval in Heerlen-Noord.', grip: 2, target: { all: true } });
      expect(sent.status).toBe(201);
      const banner = coordinator.getByTestId('alert-banner');
      await expect.poll(() => banner.textContent(), { timeout: 10000 }).toContain('Stroomuitval in Heerlen-Noord.');

      await own.stop({ keepData: true });
      await banner.getByRole('button', { name: 'Nee, niet getroffen' }).click();
      // Not the sentence "try again": the answer is kept, and the banner says so.
      await expect.poll(() => banner.getByTestId('answer-kept').textContent(), { timeout: 15000 }).toContain('"Nee, niet getroffen" is bewaard op dit apparaat');
      expect(await banner.getByRole('button', { name: 'Nee, niet getroffen' }).count()).toBe(0);
      await coordinator.screenshot({ path: `${SHOTS}/alert-answer-kept-phone.png` });
      // The tab goes (a phone reclaims it); the answer waits on the device.
      const context = coordinator.context();
      await coordinator.close();

      const again = await startAgain(own);
      try {
        const ghor = await new HttpClient(again.url).signIn('ghor', DEMO_PASSWORD);
        const answers = async () => (await ghor.get(`/api/incidents/${incident.id}/alerts`)).body.data[0].acknowledgements.map((a: { username: string; answer: string }) => `${a.username}:${a.answer}`);
        expect(await answers()).toEqual([]);
        const later = await context.newPage();
        await later.goto(`${again.url}/incidents`);
        await expect.poll(answers, { timeout: 15000 }).toEqual(['coordinator:no']);
        await expect.poll(() => later.getByTestId('alert-banner').count(), { timeout: 10000 }).toBe(0);
        // And the coordinator is told it went.
        expect(await later.getByTestId('answer-sent-later').textContent()).toContain('uw bewaarde antwoord "Nee, niet getroffen" is doorgegeven');
        // The tab was gone, so the alert was not on a banner any more: the kept answer knew its incident.
        expect(await later.getByTestId('answer-sent-later').getByRole('link', { name: 'Open het incidentbord' }).getAttribute('href')).toBe(`/incidents/${incident.id}`);
        await later.screenshot({ path: `${SHOTS}/alert-answer-sent-later-phone.png` });
        expect(await later.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('zorgbeeld:unsent-answers:')))).toEqual([]);
      } finally {
        await again.stop();
      }
    } finally {
      await own.stop();
    }
  });

  it('a tab whose session ended says so instead of waiting for alerts that cannot come, and gets them once signed in again', async () => {
    const url = suite.server.url;
    const api = await new HttpClient(url).signIn('ghor', DEMO_PASSWORD);
    const phone = await signedInPage(suite.browser, url, 'coordinator', DEMO_PASSWORD, PHONE, { path: `/incidents` });
    // The page has its session before it is ended: ended first, the page would (rightly) open the
    // sign-in form instead, and this test would wait for a line that has no reason to come.
    await expect.poll(() => phone.getByRole('heading', { name: 'Incidenten', level: 1 }).count(), { timeout: 10000 }).toBe(1);
    // Answered first, so that only the new alert waits.
    const elsewhere = await new HttpClient(url).signIn('coordinator', DEMO_PASSWORD);
    for (const notice of (await elsewhere.get('/api/alerts/pending')).body.data as { alert: { id: string } }[]) {
      expect((await elsewhere.post(`/api/alerts/${notice.alert.id}/ack`, { answer: 'unknown' })).status).toBe(200);
    }
    await expect.poll(() => phone.getByTestId('alert-banner').count(), { timeout: 10000 }).toBe(0);

    // Signed out on every device (as after the session's 12 hours): the open tab is told.
    expect((await elsewhere.delete('/api/sessions')).status).toBe(200);
    const notice = phone.getByTestId('alerts-signed-out');
    await expect.poll(() => notice.count(), { timeout: 15000 }).toBe(1);
    expect(await notice.textContent()).toContain('alarmen komen in dit venster pas weer binnen als u opnieuw inlogt');
    await phone.screenshot({ path: `${SHOTS}/alerts-signed-out-phone.png` });
    const incident = (await api.post('/api/incidents', { title: 'Uitval koeling apotheek', grip: 1 })).body.data.id as string;
    expect((await api.post(`/api/incidents/${incident}/alerts`, { message: 'Koeling uitgevallen: meld of u medicijnen mist.', grip: 1, target: { all: true } })).status).toBe(201);

    // One tap to the login form; signed in, the tab gets the alert it missed and the line goes.
    await notice.getByRole('link', { name: 'Opnieuw inloggen' }).click();
    await phone.waitForURL((u) => u.pathname === '/login');
    await phone.fill('input[name=username]', 'coordinator');
    await phone.fill('input[name=password]', DEMO_PASSWORD);
    await phone.click('button[type=submit]');
    await phone.waitForURL((u) => u.pathname === '/incidents');
    await expect.poll(() => phone.getByTestId('alert-banner').textContent(), { timeout: 15000 }).toContain('Koeling uitgevallen: meld of u medicijnen mist.');
    expect(await notice.count()).toBe(0);
  });
  it('an organisation that answers "hit", also by correcting "not hit", reaches GHOR on any tab as a toast that opens Alarmering; answers from before the page are not news', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const coordinator = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
    const own = (await coordinator.get('/api/me')).body.data.organisationId as string;
    const organisations = (await api.get('/api/organisations')).body.data as { id: string; name: string }[];
    const other = organisations.find((o) => o.id !== own)!;
    const incident = (await api.post('/api/incidents', { title: 'Stroomstoring Heerlen', grip: 2 })).body.data;
    const alertId = (await api.post(`/api/incidents/${incident.id}/alerts`, { message: 'Meld of u getroffen bent.', grip: 2, target: { organisationIds: [own, other.id] } })).body.data.alert.id as string;
    // Hit before GHOR opens the board: on the card, not news.
    expect((await api.post(`/api/alerts/${alertId}/answers`, { organisationId: other.id, answer: 'yes' })).status).toBe(201);

    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/incidents/${incident.id}` });
    await expect.poll(() => ghor.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    const ownLocations = ((await api.get(`/api/incidents/${incident.id}`)).body.data.network.locations as { organisationId: string }[]).filter((l) => l.organisationId === own).length;
    expect((await coordinator.post(`/api/alerts/${alertId}/ack`, { answer: 'no' })).status).toBe(200);
    await expect.poll(() => ghor.getByTestId('impact-none').textContent(), { timeout: 10000 }).toBe(String(ownLocations));
    expect(await ghor.getByTestId('hit-toast').count()).toBe(0);

    // The coordinator corrects "not hit" to "hit": GHOR, on the overview, is told at once.
    expect((await coordinator.request('PUT', `/api/alerts/${alertId}/answers/${own}`, { answer: 'yes' })).status).toBe(200);
    const toast = ghor.getByTestId('hit-toast');
    await expect.poll(() => toast.textContent(), { timeout: 10000 }).toContain('Antwoord op het alarm, getroffen:');
    const ownName = organisations.find((o) => o.id === own)!.name;
    expect(await toast.textContent()).toContain(ownName);
    expect(await toast.textContent()).not.toContain(other.name);
    await ghor.screenshot({ path: `${SHOTS}/hit-toast-wide.png` });
    expect(await seriousViolations(ghor)).toEqual([]);
    await toast.click();
    await expect.poll(() => ghor.getByRole('button', { name: /^Alarmering/ }).getAttribute('aria-pressed')).toBe('true');
    expect(await toast.count()).toBe(0);
    await expect.poll(() => ghor.getByTestId('answered-yes').textContent()).toContain(ownName);
    await ghor.context().close();
  });

  it('a status read over HTTP while the socket pushes a newer one does not put the older back', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Statussen gelijktijdig', grip: 2 })).body.data;
    const alertId = (await api.post(`/api/incidents/${incident.id}/alerts`, { message: 'Meld of u getroffen bent.', grip: 2, target: { all: true } })).body.data.alert.id;
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE);
    // The page notes each read of the statuses once it has taken it in: the timer runs after the
    // promise chain that read it (api, then the store) has settled.
    await ghor.addInitScript(`{
      const json = Response.prototype.json;
      Response.prototype.json = async function () {
        const value = await json.call(this);
        if (this.url.endsWith('/incidents/${incident.id}/alerts')) setTimeout(() => (window.__statusReads = (window.__statusReads ?? 0) + 1), 0);
        return value;
      };
    }`);
    // The reads after the page's first (its load's) answer what the server had when they came,
    // but reach the page only when the test lets them: after a newer status was pushed.
    let fetched = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await ghor.route(`**/api/incidents/${incident.id}/alerts`, async (route) => {
      const response = await route.fetch();
      fetched += 1;
      if (fetched > 1) await released;
      await route.fulfill({ response });
    });
    await ghor.goto(`${suite.server.url}/incidents/${incident.id}`);
    await expect.poll(() => ghor.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    await ghor.getByRole('button', { name: 'Alarmering' }).click();
    // The board's own read and the panel's, both taken before the answer.
    await expect.poll(() => fetched).toBe(3);
    const totals = ghor.getByTestId('alert-status').first().getByTestId('alert-totals');
    expect(await totals.textContent()).toMatch(/0 bevestigd/);
    const coordinator = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
    expect((await coordinator.post(`/api/alerts/${alertId}/ack`, { answer: 'yes' })).status).toBe(200);
    await expect.poll(() => totals.textContent()).toMatch(/1 bevestigd\s*\(1 getroffen\)/);
    release();
    await expect.poll(() => ghor.evaluate('window.__statusReads ?? 0')).toBe(3);
    expect(await totals.textContent()).toMatch(/1 bevestigd\s*\(1 getroffen\)/);
    await ghor.context().close();
  });
});
