import { describe, expect, it } from 'vitest';
import { PHONE, WIDE, SHOTS, browserSuite, labelsOutsideMap, municipalityLabels, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { startAgain, startProcessServer } from '../helpers/process-server';
import { DEMO_PASSWORD } from '../helpers/server';

const suite = browserSuite();

describe('incident board in Chromium', () => {
  it('a coordinator on a phone reports; the GHOR board shows colour and figures without reload', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Wateroverlast Geuldal', grip: 2 })).body.data;
    const total = (await api.get(`/api/incidents/${incident.id}`)).body.data.network.locations.length;

    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/incidents/${incident.id}` });
    await expect.poll(() => ghor.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    await expect.poll(() => ghor.getByTestId('location-map').getAttribute('data-markers')).toBe(String(total));
    expect(await ghor.getByTestId('impact-critical').textContent()).toBe('0');
    // Without tiles the municipality names orient GHOR: at region zoom all twenty stand beside
    // the aggregates, none with a marker drawn over it.
    // (Polled: while the map still fits itself to the region, names and canvas are redrawn apart.)
    await expect.poll(() => ghor.getByTestId('location-map').getAttribute('data-labels-left-out')).toBe('0');
    await expect.poll(async () => (await municipalityLabels(ghor, '[data-testid=location-map]')).filter((n) => n.underMarker).map((n) => n.name)).toEqual([]);
    expect(await municipalityLabels(ghor, '[data-testid=location-map]')).toHaveLength(20);
    // Whom to phone: each organisation without a report has its number as a link to call.
    expect(await ghor.getByTestId('orgs-not-reported').locator('a[href^="tel:+31"]').count()).toBeGreaterThan(30);
    // Who else is on the board: GHOR is not counted in its own board's presence.
    await expect.poll(() => ghor.getByTestId('presence').textContent()).toBe('Niemand anders online');

    const coordinator = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE, { path: `/incidents/${incident.id}` });
    await expect.poll(() => coordinator.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    await expect.poll(() => ghor.getByTestId('presence').textContent()).toBe('1 ander online');
    await expect.poll(() => coordinator.getByTestId('presence').textContent()).toBe('1 ander online');
    const first = coordinator.getByTestId('location-list').locator('button.location').first();
    const locationId = await first.getAttribute('data-location');
    await first.click();
    await coordinator.getByRole('button', { name: 'Kritiek' }).click();
    await coordinator.getByRole('button', { name: 'Evacueert' }).click();
    await coordinator.fill('input[name=toEvacuate]', '12');
    await coordinator.press('input[name=toEvacuate]', 'Tab');
    await coordinator.fill('input[name=bedsFree]', '-3');
    await coordinator.press('input[name=bedsFree]', 'Tab');
    expect(await coordinator.getByText('Vul een geheel getal van 0 of meer in.').count()).toBe(1);
    await expect.poll(() => coordinator.getByTestId('stamp').textContent()).toContain('Laatst gewijzigd door Crisiscoördinator (demo)');
    await coordinator.screenshot({ path: `${SHOTS}/board-report-phone.png`, fullPage: true });

    await expect.poll(() => ghor.getByTestId('impact-critical').textContent()).toBe('1');
    await expect.poll(() => ghor.getByTestId('to-evacuate').textContent()).toBe('12');
    expect(await ghor.getByTestId('evacuating').textContent()).toBe('1');
    expect(await ghor.getByTestId('beds-free').textContent()).toBe('0');
    // What just came in: the location, its organisation, what it reported and who, newest first.
    const recent = ghor.getByTestId('recent-reports').locator('li').first();
    await expect.poll(() => recent.textContent()).toMatch(/Kritiek, evacueert\s*\d\d:\d\d · Crisiscoördinator \(demo\)/);
    expect(await ghor.getByTestId('recent-reports').locator('li').count()).toBe(1);
    await ghor.screenshot({ path: `${SHOTS}/board-ghor-wide.png` });
    // Printed for a meeting: the moment on top, the open tab's whole content (no scroll box cuts
    // it to one page), no controls.
    await ghor.emulateMedia({ media: 'print' });
    const printed = await ghor.evaluate(() => ({
      moment: document.querySelector('[data-testid=print-moment]')?.checkVisibility() ? document.querySelector('[data-testid=print-moment]')!.textContent : null,
      tabs: document.querySelector('[data-testid=board] nav.tabs')?.checkVisibility() ?? null,
      scrollBoxes: [...document.querySelectorAll('[data-testid=board] *')].filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 1).length,
      map: document.querySelector('[data-testid=location-map]')?.checkVisibility() ?? false,
      colours: getComputedStyle(document.querySelector('[data-testid=board]')!).printColorAdjust,
    }));
    // The map above the tab shows the whole region (drawn again for its box on paper).
    await expect.poll(() => labelsOutsideMap(ghor, '[data-testid=location-map]')).toBe(0);
    expect(printed.moment).toMatch(/^Stand van \d{1,2} \p{L}+ om \d\d:\d\d; het bord zelf wordt live bijgewerkt\.$/u);
    expect(printed).toMatchObject({ tabs: false, scrollBoxes: 0, map: true, colours: 'exact' });
    await ghor.emulateMedia({ media: 'screen' });
    // A tap on the recent report opens that location's report.
    await recent.getByRole('button').click();
    await expect.poll(() => ghor.getByTestId('report-form').getAttribute('data-location')).toBe(locationId);
    await ghor.getByRole('button', { name: /Terug naar de lijst/ }).click();
    await ghor.getByRole('button', { name: 'Overzicht', exact: true }).click();
    expect(await ghor.getByTestId('print-moment').isVisible()).toBe(false);
    await ghor.selectOption('[data-testid=filter-impact]', 'critical');
    await expect.poll(() => ghor.getByTestId('location-map').getAttribute('data-markers')).toBe('1');
    await ghor.getByRole('button', { name: 'Locaties', exact: true }).click();
    const dot = ghor.locator(`button.location[data-location="${locationId}"] .dot`);
    expect(await dot.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(208, 38, 27)');
  });

  it('GHOR writes the situation picture and files a need that the coordinator sees', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Hitte', grip: 1 })).body.data;
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/incidents/${incident.id}` });
    await expect.poll(() => ghor.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    const coordinator = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE, { path: `/incidents/${incident.id}` });
    await expect.poll(() => coordinator.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');

    // A wide screen shows every tab; nothing fades.
    expect(await ghor.getByTestId('tabs').getAttribute('class')).not.toMatch(/\bmore\b/);
    await ghor.getByRole('button', { name: 'Beeld', exact: true }).click();
    await ghor.getByTestId('picture-picture').pressSequentially('Hittegolf, 3 verpleeghuizen zonder koeling.');
    await coordinator.getByRole('button', { name: 'Beeld', exact: true }).click();
    await expect.poll(() => coordinator.getByTestId('picture-picture').inputValue()).toBe('Hittegolf, 3 verpleeghuizen zonder koeling.');
    expect(await coordinator.getByTestId('picture-picture').getAttribute('readonly')).not.toBeNull();

    // From a location's report straight to a need for it, the location filled in and named by its address.
    const { locations, organisations } = (await api.get(`/api/incidents/${incident.id}`)).body.data.network as {
      locations: { id: string; name: string; address: string; municipality: string; organisationId: string }[];
      organisations: { id: string; name: string }[];
    };
    await coordinator.getByRole('button', { name: 'Mijn locaties', exact: true }).click();
    const own = coordinator.getByTestId('location-list').locator('button.location').nth(1);
    const ownId = (await own.getAttribute('data-location'))!;
    const ownLocation = locations.find((l) => l.id === ownId)!;
    await own.click();
    await coordinator.getByTestId('tabs').evaluate((el) => el.scrollTo({ left: 0 }));
    await coordinator.getByTestId('need-for-location').click();
    // The phone's tab row brings Hulpvragen into view, clear of the fade at its right edge.
    const clear = () =>
      coordinator.getByTestId('tabs').evaluate((nav) => {
        const t = nav.querySelector('[aria-pressed="true"]')!.getBoundingClientRect();
        const n = nav.getBoundingClientRect();
        return t.left >= n.left && (t.right <= n.right - 48 || !nav.classList.contains('more'));
      });
    await expect.poll(clear).toBe(true);
    expect(await coordinator.locator('.tab[aria-pressed="true"]').textContent()).toBe('Hulpvragen');
    const form = coordinator.getByTestId('need-form');
    expect(await form.getByTestId('need-location').inputValue()).toBe(ownId);
    expect(await form.getByTestId('need-location-chosen').textContent()).toBe(`${ownLocation.address}, ${ownLocation.municipality}`);
    await form.locator('select').nth(1).selectOption('water');
    await form.locator('select').nth(2).selectOption('immediate');
    await form.locator('textarea').fill('Drinkwater voor 40 bewoners');
    await form.getByRole('button', { name: 'Indienen' }).click();
    await ghor.getByRole('button', { name: /Hulpvragen/ }).click();
    await expect.poll(() => ghor.getByTestId('need').first().textContent()).toContain('Drinkwater voor 40 bewoners');
    await ghor.getByTestId('need').first().getByRole('button', { name: 'In behandeling' }).click();
    await expect.poll(() => coordinator.getByTestId('need').first().textContent()).toContain('In behandeling');
    expect(await ghor.getByTestId('need').first().textContent()).toContain(ownLocation.name);

    // GHOR files a need on behalf of any location of the region: a search narrows the 1,000+ to the one meant.
    const ghorForm = ghor.getByTestId('need-form');
    await ghorForm.getByTestId('need-location-search').fill('geen locatie heet zo');
    expect(await ghorForm.getByTestId('need-locations-found').textContent()).toContain('Geen locatie gevonden');
    const named = (name: string) => locations.filter((l) => `${l.name} ${l.address} ${l.municipality}`.toLowerCase().includes(name.toLowerCase()));
    const target = locations.find((l) => l.organisationId !== ownLocation.organisationId && named(l.name).length === 1)!;
    await ghorForm.getByTestId('need-location-search').fill(target.name.toLowerCase());
    expect(await ghorForm.getByTestId('need-locations-found').textContent()).toBe('1 gevonden');
    expect(await ghorForm.getByTestId('need-location').inputValue()).toBe(target.id);
    const targetOrganisation = organisations.find((o) => o.id === target.organisationId)!.name;
    expect(await ghorForm.getByTestId('need-location-chosen').textContent()).toBe(`${targetOrganisation} · ${target.address}, ${target.municipality}`);
    await ghorForm.locator('textarea').fill('Aggregaat voor de nacht');
    await ghorForm.getByRole('button', { name: 'Indienen' }).click();
    const filed = ghor.getByTestId('need').filter({ hasText: 'Aggregaat voor de nacht' });
    await expect.poll(() => filed.count()).toBe(1);
    expect(await filed.textContent()).toContain(`${targetOrganisation} · ${target.name}`);
    await expect.poll(() => coordinator.getByTestId('need').filter({ hasText: 'Aggregaat voor de nacht' }).count()).toBe(1);
    // Or for the organisation as a whole, no particular location.
    await ghorForm.getByTestId('need-location-search').fill(targetOrganisation);
    await ghorForm.getByTestId('need-location').selectOption(`org:${target.organisationId}`);
    expect(await ghorForm.getByTestId('need-location-chosen').textContent()).toBe(`${targetOrganisation} · Hele organisatie (geen bepaalde locatie)`);
    await ghorForm.locator('textarea').fill('Brandstof voor alle locaties');
    await ghorForm.getByRole('button', { name: 'Indienen' }).click();
    const whole = ghor.getByTestId('need').filter({ hasText: 'Brandstof voor alle locaties' });
    await expect.poll(() => whole.count()).toBe(1);
    expect(await whole.locator('p.muted').first().textContent()).toBe(targetOrganisation);
    await ghor.screenshot({ path: `${SHOTS}/board-needs-wide.png` });
    await coordinator.screenshot({ path: `${SHOTS}/board-needs-phone.png`, fullPage: true });
    // Nothing on the coordinator's phone is wider than the phone.
    expect(await coordinator.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    // GHOR closes the incident from the board: GHOR is pointed to the review, the coordinator to its draft.
    ghor.once('dialog', (dialog) => void dialog.accept());
    await ghor.getByRole('button', { name: 'Incident sluiten' }).click();
    await expect.poll(() => ghor.getByTestId('notice').textContent()).toContain('Dit incident is zojuist gesloten');
    expect(await ghor.getByTestId('notice').textContent()).toContain('onder Evaluatie');
    expect(await ghor.getByRole('link', { name: 'Evaluatie' }).count()).toBe(1);
    expect(await ghor.getByRole('button', { name: 'Incident sluiten' }).count()).toBe(0);
    await expect.poll(() => coordinator.getByTestId('notice').textContent()).toContain('De GHOR heeft dit incident zojuist gesloten');
  });

  it('a report made while the server is down reaches GHOR when the server is back', async () => {
    const own = await startProcessServer();
    try {
      const api = await new HttpClient(own.url).signIn('ghor', DEMO_PASSWORD);
      const incident = (await api.post('/api/incidents', { title: 'Storing', grip: 2 })).body.data;
      const coordinator = await signedInPage(suite.browser, own.url, 'coordinator', DEMO_PASSWORD, PHONE, { path: `/incidents/${incident.id}` });
      await expect.poll(() => coordinator.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
      const first = coordinator.getByTestId('location-list').locator('button.location').first();
      const locationId = (await first.getAttribute('data-location'))!;
      await first.click();

      await own.stop({ keepData: true });
      // Between attempts to reconnect: the pill alternates between connecting and offline.
      await expect.poll(() => coordinator.getByTestId('connection').textContent(), { timeout: 10000, interval: 50 }).toContain('Offline');
      await coordinator.getByRole('button', { name: 'Groot' }).click();
      await coordinator.screenshot({ path: `${SHOTS}/board-offline-phone.png` });

      const again = await startAgain(own);
      try {
        await expect.poll(() => coordinator.getByTestId('connection').textContent(), { timeout: 20000 }).toBe('Verbonden');
        const ghor = await new HttpClient(again.url).signIn('ghor', DEMO_PASSWORD);
        const client = (await import('../helpers/yjs-client')).connectBoard(again.url, incident.id, ghor.cookie);
        await client.synced();
        await expect.poll(() => (client.doc.getMap('reports').get(locationId) as { get(k: string): unknown }).get('impact'), { timeout: 10000 }).toBe('major');
        client.destroy();
      } finally {
        await again.stop();
      }
    } finally {
      await own.stop();
    }
    // Two server starts and a reconnect after a back-off: more than the default on a busy machine.
  }, 90000);
  it('a session that ends while a change is on its way: the board says to sign in again, and after that the change reaches the server', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Lange nacht', grip: 2 })).body.data;
    const coordinator = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    // What the page sends on the board's socket can be held back: a change that has not arrived.
    let holding = false;
    const held: (string | Buffer)[] = [];
    await coordinator.routeWebSocket(/\/yjs/, (page) => {
      const server = page.connectToServer();
      page.onMessage((message) => (holding ? held.push(message) : server.send(message)));
    });
    await coordinator.goto(`${suite.server.url}/incidents/${incident.id}`);
    await expect.poll(() => coordinator.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    const first = coordinator.getByTestId('location-list').locator('button.location').first();
    const locationId = (await first.getAttribute('data-location'))!;
    await first.click();
    holding = true;
    await coordinator.getByRole('button', { name: 'Groot' }).click();
    await expect.poll(() => held.length).toBeGreaterThan(0);
    // The session ends (after its hours, or signed out on another tab): the server closes the socket.
    expect(await coordinator.evaluate(async () => (await fetch('/api/session', { method: 'DELETE' })).status)).toBe(200);
    const fatal = coordinator.getByTestId('fatal');
    await expect.poll(() => fatal.textContent(), { timeout: 10000 }).toContain('Log opnieuw in om verder te gaan; wat op dit apparaat nog niet was opgeslagen, gaat daarna alsnog mee.');
    expect(await coordinator.getByRole('button', { name: 'Kritiek' }).isDisabled()).toBe(true);
    await coordinator.screenshot({ path: `${SHOTS}/board-signed-out-phone.png` });
    const state = async () => (await api.get(`/api/incidents/${incident.id}/state?format=json`)).body.data.reports[locationId]?.impact;
    expect(await state()).toBeUndefined();

    holding = false;
    await coordinator.getByTestId('sign-in-again').click();
    await coordinator.waitForURL((url) => url.pathname === '/login');
    await coordinator.fill('input[name=username]', 'coordinator');
    await coordinator.fill('input[name=password]', DEMO_PASSWORD);
    await coordinator.click('button[type=submit]');
    await coordinator.waitForURL((url) => url.pathname === `/incidents/${incident.id}`);
    await expect.poll(state, { timeout: 10000 }).toBe('major');
  });
  it('a board opened once, in a browser new to Zorgbeeld, opens again without a network, takes a report, and sends it once the server is back', async () => {
    const own = await startProcessServer();
    try {
      const api = await new HttpClient(own.url).signIn('ghor', DEMO_PASSWORD);
      const incident = (await api.post('/api/incidents', { title: 'Zonder netwerk', grip: 2 })).body.data;
      const context = await suite.browser.newContext({ viewport: PHONE, locale: 'nl-NL' });
      const coordinator = await context.newPage();
      const board = coordinator.getByTestId('board');
      // The link in the alert, followed in a browser that never saw Zorgbeeld: signing in on the
      // way, the board opens on the same page load, which no service worker controlled.
      await coordinator.goto(`${own.url}/incidents/${incident.id}`);
      await coordinator.waitForURL((url) => url.pathname === '/login');
      await coordinator.fill('input[name=username]', 'coordinator');
      await coordinator.fill('input[name=password]', DEMO_PASSWORD);
      await coordinator.click('button[type=submit]');
      await coordinator.waitForURL((url) => url.pathname === `/incidents/${incident.id}`);
      await expect.poll(() => board.getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
      // The worker came during that load; the page has it keep what the load fetched.
      const kept = () =>
        coordinator.evaluate(async (id) => {
          const files = performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname).filter((path) => path.startsWith('/_app/'));
          const keys = ['/', '/api/me', `/api/incidents/${id}`, ...files];
          const found = await Promise.all(keys.map((key) => caches.match(key)));
          return navigator.serviceWorker.controller !== null && found.every((response) => response !== undefined);
        }, incident.id);
      await expect.poll(kept, { timeout: 15000 }).toBe(true);
      // The last page opened is a file (the manifest): it does not take the app page's place.
      await coordinator.goto(`${own.url}/manifest.webmanifest`);

      await own.stop({ keepData: true });
      expect(await fetch(own.url).then(() => 'reached', () => 'unreachable')).toBe('unreachable');
      await coordinator.goto(`${own.url}/incidents/${incident.id}`);
      await expect.poll(() => coordinator.getByRole('heading', { name: 'Zonder netwerk' }).count(), { timeout: 15000 }).toBe(1);
      const first = coordinator.getByTestId('location-list').locator('button.location').first();
      const locationId = (await first.getAttribute('data-location'))!;
      await first.click();
      await coordinator.getByRole('button', { name: 'Groot' }).click();
      await expect.poll(() => coordinator.getByTestId('save-state').textContent()).toContain('Offline · bewaard op dit apparaat');
      await expect.poll(() => coordinator.getByTestId('connection').textContent(), { timeout: 10000 }).toBe('Offline');
      await coordinator.screenshot({ path: `${SHOTS}/board-reopened-offline-phone.png` });

      const again = await startAgain(own);
      try {
        const ghor = await new HttpClient(again.url).signIn('ghor', DEMO_PASSWORD);
        await expect.poll(async () => (await ghor.get(`/api/incidents/${incident.id}/state?format=json`)).body.data.reports[locationId]?.impact, { timeout: 20000 }).toBe('major');
        await expect.poll(() => coordinator.getByTestId('save-state').textContent(), { timeout: 10000 }).toMatch(/Opgeslagen om \d\d:\d\d/);
      } finally {
        await again.stop();
      }
    } finally {
      await own.stop();
    }
  });
});
