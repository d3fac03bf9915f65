import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { PHONE, SHOTS, WIDE, aggregatesShowing, browserSuite, groupTooltips, signedInPage } from '../helpers/browser';
import { IMPACT_COLOURS } from '../../web/src/lib/vocab';
import { HttpClient } from '../helpers/http-client';
import { startProcessServer } from '../helpers/process-server';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../helpers/server';
import { connectBoard } from '../helpers/yjs-client';
import { addNeed } from '../../shared/incident-doc';

const suite = browserSuite();

/** Counts the taps a user makes: every click, and every field tapped to type into. */
function tapper(page: Page) {
  let taps = 0;
  return {
    get taps() {
      return taps;
    },
    async click(selector: Parameters<Page['click']>[0]) {
      taps++;
      await page.click(selector);
    },
    async type(selector: string, value: string) {
      taps++;
      await page.fill(selector, value);
    },
  };
}

/**
 * Tap targets smaller than 44×44 CSS pixels on the page as it is shown: every visible link,
 * button, field and summary (a checkbox counts by the label around it).
 */
async function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [role=button]')) {
      const target = (element instanceof HTMLInputElement && (element.type === 'checkbox' || element.type === 'radio') && element.closest('label')) || element;
      const box = target.getBoundingClientRect();
      const style = getComputedStyle(target);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || target.closest('.visually-hidden, [hidden], .leaflet-control-attribution')) continue;
      if (box.bottom < 0 || box.top > window.innerHeight) continue;
      if (box.width < 44 || box.height < 44) small.push(`${target.tagName.toLowerCase()}${target.className ? `.${String(target.className).split(' ')[0]}` : ''} "${(target.textContent ?? '').trim().slice(0, 24)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    return small;
  });
}

async function openBoard(page: Page, incidentId: string) {
  await page.goto(`${suite.server.url}/incidents/${incidentId}`);
  await expect.poll(() => page.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
}

async function incidentWithAlert(title: string) {
  const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
  const incident = (await api.post('/api/incidents', { title, grip: 2 })).body.data;
  await api.post(`/api/incidents/${incident.id}/alerts`, { message: `${title}: meld of u getroffen bent.`, grip: 2, target: { all: true } });
  const coordinator = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
  const organisationId = (await coordinator.get('/api/me')).body.data.organisationId as string;
  const own = ((await api.get(`/api/incidents/${incident.id}`)).body.data.network.locations as { organisationId: string }[]).filter((l) => l.organisationId === organisationId).length;
  return { api, incident, own, organisationId };
}

describe('the coordinator’s first minute, on a phone', () => {
  it('answers "not hit" in one tap, and GHOR’s map shows every unreported location of the organisation green', async () => {
    const { incident, own } = await incidentWithAlert('Gaslek Heerlen');
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE);
    await openBoard(ghor, incident.id);
    expect(await ghor.getByTestId('impact-none').textContent()).toBe('0');
    const map = '[data-testid=location-map]';
    await expect.poll(() => ghor.getByTestId('location-map').getAttribute('data-groups')).not.toBe('0');
    expect(await aggregatesShowing(ghor, map, IMPACT_COLOURS.none)).toBe(0);
    const phone = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    const banner = phone.getByTestId('alert-banner');
    await expect.poll(() => banner.count(), { timeout: 10000 }).toBe(1);
    // Notifications on this device are offered once, in the banner, not again on the page under it.
    const offers = phone.getByRole('button', { name: 'Meldingen aanzetten op dit toestel' });
    expect(await offers.count()).toBe(1);
    expect(await banner.getByRole('button', { name: 'Meldingen aanzetten op dit toestel' }).count()).toBe(1);
    const taps = tapper(phone);
    await taps.click('[data-testid=alert-banner] button.answer-no');
    expect(taps.taps).toBe(1);
    // Within two seconds of the tap.
    await expect.poll(() => ghor.getByTestId('impact-none').textContent(), { timeout: 2000, interval: 50 }).toBe(String(own));
    expect(await phone.getByTestId('answered').textContent()).toContain('niet getroffen');
    // At region zoom the organisation's locations lie in aggregates with others not yet reported,
    // which keep the grey of "unknown": each such aggregate shows its green share in its ring.
    await expect.poll(() => aggregatesShowing(ghor, map, IMPACT_COLOURS.none)).toBeGreaterThanOrEqual(5);
    // Pointing at an aggregate says how many of its locations have each colour, most urgent first.
    const tips = await groupTooltips(ghor, map);
    expect(tips.length).toBeGreaterThan(0);
    for (const tip of tips) expect(tip).toMatch(/^(\d+) locaties op elkaar — tik om in te zoomen(Onbekend|Geen|Gering|Groot|Kritiek) \d+( · (Onbekend|Geen|Gering|Groot|Kritiek) \d+)*$/);
    const counts = (tip: string) => [...tip.matchAll(/(Onbekend|Geen|Gering|Groot|Kritiek) (\d+)/g)].map((m) => Number(m[2]));
    for (const tip of tips) expect(counts(tip).reduce((a, b) => a + b, 0)).toBe(Number(tip.match(/^\d+/)![0]));
    expect(tips.some((tip) => /Onbekend \d+ · Geen \d+/.test(tip))).toBe(true);
    // GHOR's "what just came in": the answer's locations as one entry, said to come from the answer.
    await expect.poll(() => ghor.getByTestId('recent-reports').locator('li').first().textContent()).toContain(`${own} locaties`);
    expect(await ghor.getByTestId('recent-reports').locator('li').first().textContent()).toMatch(/Geen, normaal\s.*via het antwoord op het alarm/s);
    // The banner gone, the page offers it again.
    await expect.poll(() => phone.getByTestId('push-card').getByRole('button', { name: 'Meldingen aanzetten op dit toestel' }).count()).toBe(1);
    // The running incident stays one tap from its board, for when the answer changes.
    const running = phone.getByTestId('running-incidents').getByRole('link', { name: /Gaslek Heerlen/ });
    await expect.poll(() => running.count()).toBe(1);
    expect(await running.textContent()).toMatch(/GRIP 2 · gestart \w+ \d\d:\d\d/);
    const box = (await running.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    await phone.screenshot({ path: `${SHOTS}/first-minute-not-hit-phone.png` });
    await running.click();
    await phone.waitForURL((url) => url.pathname === `/incidents/${incident.id}`);
    await ghor.screenshot({ path: `${SHOTS}/first-minute-not-hit-wide.png` });
  });

  it('"hit" opens the own list, where the hit location is found by its place; a full report takes at most 12 taps, the rest is fine in 2, and every change shows it was saved', async () => {
    const { api, incident, own, organisationId } = await incidentWithAlert('Stroomuitval Parkstad');
    const phone = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    const taps = tapper(phone);
    await expect.poll(() => phone.getByTestId('alert-banner').count(), { timeout: 10000 }).toBe(1);
    await taps.click('[data-testid=alert-banner] button.answer-yes');
    await phone.waitForURL((url) => url.pathname === `/incidents/${incident.id}`);
    // Fifty locations: not one of them opened at random, but the list, sorted by place, with a
    // search and a line that says what to do.
    expect(own).toBeGreaterThan(8);
    await expect.poll(() => phone.getByTestId('hit-pick-hint').count(), { timeout: 15000 }).toBe(1);
    const form = phone.getByTestId('report-form');
    expect(await form.count()).toBe(0);
    const listed = phone.getByTestId('location-list').locator('button.location');
    const places = await listed.locator('.name small').allTextContents();
    expect(places).toHaveLength(own);
    // Nothing reported yet after "hit": no "all other locations: no impact", which would take the hit one too.
    expect(await phone.getByTestId('rest-none').count()).toBe(0);
    const placeOf = (line: string) => line.split(' · ').at(-1)!;
    expect(places.map(placeOf)).toEqual([...places.map(placeOf)].sort((a, b) => a.localeCompare(b, 'nl')));
    await phone.screenshot({ path: `${SHOTS}/first-minute-hit-list-phone.png` });
    expect(await seriousViolations(phone)).toEqual([]);
    // The crisis is at the last place of the list: two taps find and open a location there.
    const network = (await api.get(`/api/incidents/${incident.id}`)).body.data.network as { locations: { id: string; organisationId: string; name: string; address: string; municipality: string }[] };
    const hitPlace = placeOf(places.at(-1)!);
    const ownLocations = network.locations.filter((l) => l.organisationId === organisationId);
    // Those at the place, and any whose name or street holds its name.
    const atPlace = ownLocations.filter((l) => `${l.name} ${l.address} ${l.municipality}`.toLowerCase().includes(hitPlace.toLowerCase()));
    expect(atPlace.filter((l) => l.municipality === hitPlace).length).toBeGreaterThan(0);
    await taps.type('[data-testid=own-search]', hitPlace.toLowerCase());
    await expect.poll(() => listed.count()).toBe(atPlace.length);
    expect(atPlace.length).toBeLessThan(own);
    expect(await phone.getByTestId('own-search').boundingBox().then((box) => box!.height)).toBeGreaterThanOrEqual(44);
    const hit = atPlace.find((l) => l.municipality === hitPlace)!;
    await taps.click(`[data-testid=location-list] button.location[data-location="${hit.id}"]`);
    expect(taps.taps).toBe(3);
    await expect.poll(() => form.count(), { timeout: 15000 }).toBe(1);
    expect(await form.getAttribute('data-location')).toBe(hit.id);

    const before = taps.taps;
    await taps.click('[data-testid=report-form] button:has-text("Kritiek")');
    await taps.click('[data-testid=report-form] button:has-text("Evacueert")');
    await taps.type('input[name=bedsFree]', '0');
    await taps.type('input[name=canReceive]', '0');
    await taps.type('input[name=clientsPresent]', '48');
    await taps.type('input[name=toEvacuate]', '48');
    await phone.press('input[name=toEvacuate]', 'Tab');
    await taps.click('[data-testid=report-form] .utility:has-text("Stroom") button:has-text("Noodstroom")');
    await taps.click('[data-testid=report-form] .utility:has-text("Water") button:has-text("In orde")');
    await taps.click('[data-testid=report-form] .utility:has-text("Verwarming") button:has-text("Uitgevallen")');
    await taps.click('[data-testid=report-form] .utility:has-text("Telefonie") button:has-text("Verstoord")');
    await taps.type('textarea[name=remarks]', 'Aggregaat draait, evacuatie naar Sittard gestart.');
    expect(taps.taps - before).toBeLessThanOrEqual(12);
    // Remarks are saved while typing (no tap to leave the field); the form says when the change was saved.
    const locationId = await form.getAttribute('data-location');
    const reportAtGhor = async () => (await api.get(`/api/incidents/${incident.id}/state?format=json`)).body.data.reports[locationId!];
    await expect.poll(async () => (await reportAtGhor())?.remarks, { timeout: 5000 }).toBe('Aggregaat draait, evacuatie naar Sittard gestart.');
    await expect.poll(() => phone.getByTestId('save-state').textContent(), { timeout: 5000 }).toMatch(/Opgeslagen om \d\d:\d\d/);
    // And beside the field itself.
    await expect.poll(() => phone.getByTestId('field-save-remarks').textContent(), { timeout: 5000 }).toMatch(/✓ \d\d:\d\d/);
    expect(await reportAtGhor()).toMatchObject({ impact: 'critical', operation: 'evacuating', bedsFree: 0, clientsPresent: 48, toEvacuate: 48, power: 'backup', water: 'ok', heating: 'out', telecom: 'degraded', remarks: 'Aggregaat draait, evacuatie naar Sittard gestart.' });
    await phone.screenshot({ path: `${SHOTS}/first-minute-report-phone.png`, fullPage: true });
    for (const y of [0, 600, 1200, 1800]) {
      await phone.evaluate((top) => document.querySelector('.content')?.scrollTo(0, top), y);
      expect(await smallTapTargets(phone), `report form scrolled to ${y}`).toEqual([]);
    }

    // Back on the list the search still holds the place; a word that matches nothing says so.
    await phone.getByRole('button', { name: /Terug naar de lijst/ }).click();
    expect(await listed.count()).toBe(atPlace.length);
    // The hit location reported: the rest can now be said to be fine at once.
    expect(await phone.getByTestId('rest-none').textContent()).toContain(`(${own - 1})`);
    await phone.fill('[data-testid=own-search]', 'Atlantis');
    expect(await phone.getByTestId('own-search-none').textContent()).toBe('Geen eigen locatie gevonden voor "Atlantis".');
    await phone.fill('[data-testid=own-search]', '');
    // Two more locations picked together get the same impact in one go.
    await phone.getByTestId('pick-toggle').click();
    const picks = phone.locator('[data-pick]');
    const pickedIds = [await picks.nth(1).getAttribute('data-pick'), await picks.nth(2).getAttribute('data-pick')];
    await picks.nth(1).check();
    await picks.nth(2).check();
    await phone.getByTestId('bulk').getByRole('button', { name: 'Groot' }).click();
    await expect
      .poll(async () => {
        const reports = (await api.get(`/api/incidents/${incident.id}/state?format=json`)).body.data.reports as Record<string, { impact?: string }>;
        return pickedIds.map((id) => reports[id!]?.impact);
      }, { timeout: 5000 })
      .toEqual(['major', 'major']);

    // The other locations are fine: one tap and the confirmation.
    phone.once('dialog', (dialog) => void dialog.accept());
    const restStart = taps.taps;
    await taps.click('[data-testid=rest-none]');
    const restTaps = taps.taps - restStart + 1; // the dialog's OK
    expect(restTaps).toBeLessThanOrEqual(3);
    await expect.poll(async () => Object.values((await api.get(`/api/incidents/${incident.id}/state?format=json`)).body.data.reports as Record<string, { impact?: string }>).filter((r) => r.impact === 'none').length, { timeout: 5000 }).toBe(own - 3);
    expect(await phone.getByTestId('rest-none').count()).toBe(0);
    // Own locations first; the others behind a separator.
    expect(await phone.getByTestId('location-list').locator('button.location').count()).toBe(own);
    expect(await phone.locator('details.others summary').textContent()).toContain('andere organisaties');
    // Each own row can be told from the others at a glance: its own name, and its street.
    const rows = phone.getByTestId('location-list').locator('button.location');
    const first = network.locations.find((l) => l.id === locationId)!;
    expect(await phone.locator(`[data-testid=location-list] button.location[data-location="${first.id}"] small`).first().textContent()).toBe(`${first.address} · ${first.municipality}`);
    const names = await rows.locator('.name').evaluateAll((spans) => spans.map((span) => span.firstChild?.textContent ?? ''));
    expect(new Set(names).size).toBe(own);
    await phone.screenshot({ path: `${SHOTS}/first-minute-locations-phone.png` });
    expect(await smallTapTargets(phone), 'own locations').toEqual([]);
    await phone.getByRole('button', { name: 'Overzicht', exact: true }).click();
    expect(await smallTapTargets(phone), 'overview').toEqual([]);
  });

  it('an alert to an area: after "hit", the own locations inside it head the list under a line of their own', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const organisationId = (await (await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD)).get('/api/me')).body.data.organisationId as string;
    const incident = (await api.post('/api/incidents', { title: 'Brand Industrieterrein', grip: 2 })).body.data;
    const network = (await api.get(`/api/incidents/${incident.id}`)).body.data.network as { locations: { id: string; organisationId: string; lat: number; lon: number }[] };
    const own = network.locations.filter((l) => l.organisationId === organisationId);
    // A square of about 400 m around the last of the organisation's locations.
    const centre = own.at(-1)!;
    const d = 0.002;
    const ring = [[centre.lon - d, centre.lat - d], [centre.lon + d, centre.lat - d], [centre.lon + d, centre.lat + d], [centre.lon - d, centre.lat + d], [centre.lon - d, centre.lat - d]];
    const inside = own.filter((l) => Math.abs(l.lat - centre.lat) < d && Math.abs(l.lon - centre.lon) < d).map((l) => l.id);
    expect((await api.post(`/api/incidents/${incident.id}/alerts`, { message: 'Brand: ramen en deuren dicht.', grip: 2, target: { area: { type: 'Polygon', coordinates: [ring] } } })).status).toBe(201);
    const phone = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    await expect.poll(() => phone.getByTestId('alert-banner').count(), { timeout: 10000 }).toBe(1);
    // Every state of the own list the page shows, from its first: a list that reordered when the
    // area came in would move a row from under a finger on its way to it.
    await phone.evaluate(() => {
      const seen: boolean[] = ((window as unknown as { listShown: boolean[] }).listShown = []);
      new MutationObserver(() => {
        if (document.querySelector('[data-testid=location-list] button.location')) seen.push(document.querySelector('[data-testid=in-area-label]') !== null);
      }).observe(document.body, { childList: true, subtree: true });
    });
    await phone.click('[data-testid=alert-banner] button.answer-yes');
    const label = phone.getByTestId('in-area-label');
    await expect.poll(() => label.textContent(), { timeout: 15000 }).toBe(`In het getroffen gebied (${inside.length})`);
    expect(await phone.evaluate(() => (window as unknown as { listShown: boolean[] }).listShown.filter((area) => !area).length), 'list states without the area on top').toBe(0);
    const rows = phone.getByTestId('location-list').locator('button.location');
    const listed = await rows.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-location')));
    expect(listed.slice(0, inside.length).sort()).toEqual([...inside].sort());
    expect(listed).toHaveLength(own.length);
    expect(await phone.getByTestId('location-list').locator('li.group-label').allTextContents()).toEqual([`In het getroffen gebied (${inside.length})`, `Overige locaties (${own.length - inside.length})`]);
    await phone.screenshot({ path: `${SHOTS}/first-minute-area-list-phone.png` });
    expect(await seriousViolations(phone)).toEqual([]);
  });

  it('"hit" at an organisation with one location opens its report form at once: no list to choose from', async () => {
    // A GP post with one location (the demo region has none that small), its coordinator connected.
    const admin = await new HttpClient(suite.server.url).signIn('admin', ADMIN_PASSWORD);
    expect((await admin.post('/api/organisations', { id: 'org-hap-een', name: 'Huisartsenpost Valkenburg', sector: 'gp-post' })).status).toBe(201);
    const location = { id: 'loc-hap-een', organisationId: 'org-hap-een', name: 'Huisartsenpost Valkenburg', address: 'Grotestraat 1', postcode: '6301 AA', municipality: 'Valkenburg aan de Geul', lat: 50.865, lon: 5.83, kind: 'huisartsenpost', capacity: 0 };
    expect((await admin.post('/api/locations', location)).status).toBe(201);
    expect((await admin.post('/api/coordinators', { id: 'coo-hap-een', organisationId: 'org-hap-een', name: 'Els Hap', phone: '+31 6 12345679', introCompletedAt: '2026-02-01' })).status).toBe(201);
    expect((await admin.post('/api/users', { username: 'een-locatie', password: 'een-locatie-wachtwoord', role: 'coordinator', organisationId: 'org-hap-een', coordinatorId: 'coo-hap-een' })).status).toBe(201);
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Hitte Valkenburg', grip: 1 })).body.data;
    await api.post(`/api/incidents/${incident.id}/alerts`, { message: 'Hitte: meld of u getroffen bent.', grip: 1, target: { organisationIds: ['org-hap-een'] } });
    const phone = await signedInPage(suite.browser, suite.server.url, 'een-locatie', 'een-locatie-wachtwoord', PHONE);
    await expect.poll(() => phone.getByTestId('alert-banner').count(), { timeout: 10000 }).toBe(1);
    await phone.click('[data-testid=alert-banner] button.answer-yes');
    const form = phone.getByTestId('report-form');
    await expect.poll(() => form.count(), { timeout: 15000 }).toBe(1);
    expect(await form.getAttribute('data-location')).toBe(location.id);
    expect(await phone.getByTestId('own-search').count()).toBe(0);
  });

  it('shows the map on a phone, and announces GRIP changes and closure live, keeping what was typed as a draft', async () => {
    const { api, incident, own } = await incidentWithAlert('Overstroming Maasdal');
    const phone = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    await phone.getByTestId('alert-banner').locator('button.answer-unknown').click();
    await openBoard(phone, incident.id);
    await phone.getByRole('button', { name: 'Kaart', exact: true }).click();
    const map = phone.getByTestId('location-map');
    await expect.poll(() => map.getAttribute('data-markers')).not.toBe('0');
    // The organisation's own locations, edged, among the region's aggregates: every one of them
    // alone or in an aggregate of its own, none folded in with other organisations'; where they
    // lie on one town they fold together rather than cover each other.
    await expect.poll(async () => JSON.parse((await map.getAttribute('data-families')) ?? '{}').own).toMatchObject({ grouped: expect.any(Number) });
    const families = JSON.parse((await map.getAttribute('data-families'))!) as { own: { alone: number; grouped: number } };
    expect(families.own.alone + families.own.grouped).toBe(own);
    expect(families.own.grouped).toBeGreaterThan(0);
    expect(Number(await map.getAttribute('data-groups'))).toBeGreaterThan(0);
    expect(await phone.getByTestId('legend-own').textContent()).toBe('Eigen locatie');
    const box = await phone.locator('[data-testid=location-map] canvas').first().boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(box?.height).toBeGreaterThan(200);
    // No tiles here: the notice that says so stands clear of Leaflet's attribution, both readable.
    const notice = await phone.locator('.map-wrap .notice').boundingBox();
    const attribution = await phone.locator('.leaflet-control-attribution').boundingBox();
    expect(notice && attribution && (notice.y + notice.height <= attribution.y || attribution.x + attribution.width <= notice.x), `notice ${JSON.stringify(notice)}, attribution ${JSON.stringify(attribution)}`).toBe(true);
    await phone.screenshot({ path: `${SHOTS}/first-minute-map-phone.png` });
    expect(await smallTapTargets(phone), 'map tab').toEqual([]);

    await api.patch(`/api/incidents/${incident.id}`, { grip: 3 });
    await expect.poll(() => phone.getByTestId('notice').textContent()).toContain('GRIP 2 → GRIP 3');
    expect(await phone.getByTestId('grip-badge').textContent()).toBe('GRIP 3');

    // A need half written, then a remark typed; GHOR closes the incident before either is sent.
    await phone.getByRole('button', { name: 'Hulpvragen', exact: true }).click();
    await phone.getByTestId('need-form').locator('textarea').fill('Zandzakken voor de ingang');
    await phone.getByRole('button', { name: 'Mijn locaties', exact: true }).click();
    await phone.getByTestId('location-list').locator('button.location').first().click();
    await phone.fill('textarea[name=remarks]', 'Kelder loopt onder, twee bewoners verplaatst');
    await api.post(`/api/incidents/${incident.id}/close`);
    await expect.poll(() => phone.getByTestId('notice').textContent()).toContain('zojuist gesloten');
    await expect.poll(() => phone.getByTestId('draft').locator('textarea').inputValue()).toBe('Kelder loopt onder, twee bewoners verplaatst');
    expect(await phone.locator('[data-testid=report-form] button:has-text("Kritiek")').isDisabled()).toBe(true);
    expect(await phone.locator('textarea[name=remarks]').isDisabled()).toBe(true);
    await phone.screenshot({ path: `${SHOTS}/first-minute-closed-phone.png`, fullPage: true });
    await phone.getByRole('button', { name: 'Hulpvragen', exact: true }).click();
    expect(await phone.getByTestId('need-draft').locator('textarea').inputValue()).toBe('Zandzakken voor de ingang');
    expect(await phone.getByTestId('need-form').count()).toBe(0);
  });

  it('a wrong tap of "not hit" is put right with one more tap: the green leaves GHOR’s map, and GHOR can correct an answer after a call', async () => {
    const { api, incident, own } = await incidentWithAlert('Brand Kerkrade');
    // Earlier tests left alerts unanswered: answered here, so the banner holds this one alone.
    const coordinator = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
    for (const notice of (await coordinator.get('/api/alerts/pending')).body.data as { alert: { id: string; incidentId: string } }[]) {
      if (notice.alert.incidentId !== incident.id) expect((await coordinator.post(`/api/alerts/${notice.alert.id}/ack`, { answer: 'unknown' })).status).toBe(200);
    }
    const organisationId = (await coordinator.get('/api/me')).body.data.organisationId as string;
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE);
    await openBoard(ghor, incident.id);
    const phone = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    const banner = phone.getByTestId('alert-banner');
    await expect.poll(() => banner.textContent(), { timeout: 10000 }).toContain('Brand Kerkrade');
    const taps = tapper(phone);
    await taps.click('[data-testid=alert-banner] button.answer-no');
    await expect.poll(() => ghor.getByTestId('impact-none').textContent(), { timeout: 5000 }).toBe(String(own));
    // The confirmation offers the other answers, large enough to hit.
    const correct = phone.getByTestId('correct-own-answer');
    await expect.poll(() => correct.textContent()).toContain('Verkeerd gekozen?');
    expect(await smallTapTargets(phone).then((small) => small.filter((s) => /Ja, getroffen|Weet ik nog niet|Sluiten/.test(s)))).toEqual([]);
    await phone.screenshot({ path: `${SHOTS}/answer-correct-offer-phone.png` });
    expect(await seriousViolations(phone)).toEqual([]);
    await taps.click('[data-testid=correct-own-answer] >> text=Ja, getroffen');
    expect(taps.taps).toBe(2);
    // Hit after all: straight to the own locations, as the first answer "hit" would have gone,
    // and the "not hit" the wrong tap wrote leaves GHOR's map.
    await phone.waitForURL((url) => url.pathname === `/incidents/${incident.id}`);
    await expect.poll(() => ghor.getByTestId('impact-none').textContent(), { timeout: 5000 }).toBe('0');

    // GHOR's card says what happened; after a call GHOR corrects it once more, in two taps.
    await ghor.getByRole('button', { name: /^Alarmering/ }).click();
    const card = ghor.locator(`[data-testid=alert-status]`).filter({ hasText: 'Brand Kerkrade' });
    const name = ((await api.get('/api/organisations')).body.data as { id: string; name: string }[]).find((o) => o.id === organisationId)!.name;
    const hitRow = card.getByTestId('answered-yes').locator('li').filter({ hasText: name });
    await expect.poll(() => hitRow.textContent(), { timeout: 10000 }).toContain('gecorrigeerd, eerst niet getroffen');
    await hitRow.getByText('Antwoord corrigeren').click();
    await ghor.screenshot({ path: `${SHOTS}/answer-correct-ghor-wide.png`, fullPage: true });
    expect(await seriousViolations(ghor)).toEqual([]);
    await hitRow.getByRole('button', { name: 'Weet nog niet' }).click();
    await expect.poll(() => card.getByTestId('answered-unknown').textContent(), { timeout: 10000 }).toContain(name);
    const status = ((await api.get(`/api/incidents/${incident.id}/alerts`)).body.data as { acknowledgements: { organisationId: string; answer: string; corrected?: { from: string } }[] }[])[0];
    expect(status.acknowledgements.find((a) => a.organisationId === organisationId)).toMatchObject({ answer: 'unknown', corrected: { from: 'no' } });

    // Later, on the own locations, the coordinator sees the answer GHOR counts and changes it when
    // the situation does: two taps, and "not hit" is on GHOR's map again.
    await openBoard(phone, incident.id);
    const strip = phone.getByTestId('own-answers');
    await expect.poll(() => strip.textContent(), { timeout: 10000 }).toMatch(/Uw antwoord op het alarm van \d\d:\d\d: weet nog niet\s*\(gecorrigeerd, eerst niet getroffen\)/);
    await phone.screenshot({ path: `${SHOTS}/own-answers-phone.png` });
    expect(await seriousViolations(phone)).toEqual([]);
    await strip.getByText('Antwoord wijzigen').click();
    await strip.getByRole('button', { name: 'Niet getroffen' }).click();
    await expect.poll(() => strip.textContent(), { timeout: 10000 }).toMatch(/: niet getroffen/);
    await ghor.getByRole('button', { name: 'Overzicht', exact: true }).click();
    await expect.poll(() => ghor.getByTestId('impact-none').textContent(), { timeout: 5000 }).toBe(String(own));
    await phone.context().close();
    await ghor.context().close();
  }, 60000);
});

describe('a board that is still loading', () => {
  it('keeps the form closed and says so until the board is there, so that no tap is lost', async () => {
    const { api, incident } = await incidentWithAlert('Brand Kerkrade');
    const phone = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    // A slow network: what the server sends on the board's socket is held until released.
    const held: (string | Buffer)[] = [];
    let passing = false;
    let flush: (() => void) | undefined;
    await phone.routeWebSocket(/\/yjs/, (page) => {
      const server = page.connectToServer();
      server.onMessage((message) => (passing ? page.send(message) : held.push(message)));
      flush = () => {
        passing = true;
        for (const message of held.splice(0)) page.send(message);
      };
    });
    await phone.goto(`${suite.server.url}/incidents/${incident.id}`);
    // The alarm's banner comes in over its own socket and pushes the page down: tapped while it
    // came, the list's first row was no longer under the tap (seen once under the full suite).
    await expect.poll(() => phone.getByTestId('alert-banner').filter({ hasText: 'Brand Kerkrade' }).count(), { timeout: 10000 }).toBe(1);
    await phone.locator('[data-testid=location-list] button.location').first().click();
    const form = phone.getByTestId('report-form');
    await expect.poll(() => form.count(), { timeout: 15000 }).toBe(1);
    const critical = phone.locator('[data-testid=report-form] button:has-text("Kritiek")');
    // The server has answered the board's socket; the page has not had it yet.
    await expect.poll(() => held.length, { timeout: 10000 }).toBeGreaterThan(0);
    expect(await phone.getByTestId('save-state').textContent()).toContain('Even wachten: het bord wordt geladen');
    expect(await critical.isDisabled()).toBe(true);
    expect(await phone.locator('textarea[name=remarks]').isDisabled()).toBe(true);
    await phone.screenshot({ path: `${SHOTS}/board-loading-phone.png` });
    flush!();
    await expect.poll(() => critical.isDisabled(), { timeout: 10000 }).toBe(false);
    expect(await phone.getByTestId('save-state').textContent()).toContain('Eén tik slaat direct op');
    await critical.click();
    const locationId = await form.getAttribute('data-location');
    await expect.poll(async () => (await api.get(`/api/incidents/${incident.id}/state?format=json`)).body.data.reports[locationId!]?.impact, { timeout: 5000 }).toBe('critical');
  });
});

describe('a phone set to another time zone', () => {
  it('shows the alert and the incident’s start in the region’s time, as the review and the reports do', async () => {
    // Earlier tests left alerts unanswered; the banner shows the oldest first.
    const answering = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
    for (const notice of (await answering.get('/api/alerts/pending')).body.data as { alert: { id: string } }[]) {
      expect((await answering.post(`/api/alerts/${notice.alert.id}/ack`, { answer: 'unknown' })).status).toBe(200);
    }
    const { api, incident } = await incidentWithAlert('Storing met tijdverschil');
    const sentAt = (await api.get(`/api/incidents/${incident.id}/events?type=alert-sent`)).body.data.events[0].at as string;
    const clock = (iso: string, timeZone: string) => new Date(iso).toLocaleTimeString('nl-NL', { timeZone, hour: '2-digit', minute: '2-digit' });
    const phone = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE, { timezoneId: 'America/Sao_Paulo' });
    const banner = phone.getByTestId('alert-banner').filter({ hasText: 'Storing met tijdverschil' });
    await expect.poll(() => banner.count(), { timeout: 10000 }).toBe(1);
    expect(await banner.textContent()).toContain(`GRIP 2 · ${clock(sentAt, 'Europe/Amsterdam')}`);
    expect(await banner.textContent()).not.toContain(clock(sentAt, 'America/Sao_Paulo'));
    await phone.goto(`${suite.server.url}/incidents`);
    const row = phone.locator('ul.list > li', { hasText: 'Storing met tijdverschil' });
    await expect.poll(() => row.count(), { timeout: 10000 }).toBe(1);
    expect(await row.textContent()).toContain(clock(incident.startedAt, 'Europe/Amsterdam'));
    expect(await row.textContent()).not.toContain(clock(incident.startedAt, 'America/Sao_Paulo'));
  });
});

describe('GHOR on a phone', () => {
  it('every tap target of the board’s tabs is at least 44×44', async () => {
    const { incident } = await incidentWithAlert('Telefoon GHOR');
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, PHONE);
    await openBoard(ghor, incident.id);
    // The tabs that lie beyond the row's right edge: the row fades out there until it is scrolled to its end.
    const nav = ghor.getByTestId('tabs');
    await expect.poll(() => nav.getAttribute('class')).toMatch(/\bmore\b/);
    expect(await nav.evaluate((el) => getComputedStyle(el).maskImage)).toContain('linear-gradient');
    await nav.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await expect.poll(() => nav.getAttribute('class')).not.toMatch(/\bmore\b/);
    await nav.evaluate((el) => el.scrollTo({ left: 0 }));
    await expect.poll(() => nav.getAttribute('class')).toMatch(/\bmore\b/);
    const small: string[] = [];
    for (const tab of ['Overzicht', 'Alarmering', 'Locaties', 'Hulpvragen', 'Beeld', 'Logboek', 'Gebieden', 'Kaart']) {
      await ghor.getByRole('button', { name: tab, exact: true }).click();
      for (const y of [0, 700, 1400]) {
        await ghor.evaluate((top) => document.querySelector('.content')?.scrollTo(0, top), y);
        small.push(...(await smallTapTargets(ghor)).map((t) => `${tab}: ${t}`));
      }
    }
    await ghor.screenshot({ path: `${SHOTS}/ghor-phone-map.png` });
    expect([...new Set(small)]).toEqual([]);
    // Scrolled to its end, the row widens when a count appears on Hulpvragen (a need of urgency
    // Direct): it can scroll further now, and fades again.
    const coordinator = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
    const organisationId = (await coordinator.get('/api/me')).body.data.organisationId;
    const board = connectBoard(suite.server.url, incident.id, coordinator.cookie);
    await board.synced();
    await ghor.getByRole('button', { name: 'Overzicht', exact: true }).click();
    await nav.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await expect.poll(() => nav.getAttribute('class')).not.toMatch(/\bmore\b/);
    addNeed(board.doc, { id: 'need-water', organisationId, kind: 'water', urgency: 'immediate', status: 'open', createdBy: 'coordinator', createdAt: new Date().toISOString() });
    await expect.poll(() => ghor.locator('.tab-needs .count').textContent()).toBe('1');
    // Read out as what it counts, not as "Hulpvragen1".
    expect(await ghor.getByRole('button', { name: 'Hulpvragen (1 Direct)', exact: true }).count()).toBe(1);
    await expect.poll(() => nav.getAttribute('class')).toMatch(/\bmore\b/);
    board.destroy();
  });

  it('folds overlapping markers at region zoom into aggregates with a count; a tap on one zooms in until they stand apart', async () => {
    const { api, incident } = await incidentWithAlert('Kaart van de regio');
    const total = (await api.get(`/api/incidents/${incident.id}`)).body.data.network.locations.length as number;
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, PHONE);
    await openBoard(ghor, incident.id);
    await ghor.getByRole('button', { name: 'Kaart', exact: true }).click();
    const map = ghor.getByTestId('location-map');
    const figure = async (name: string) => Number(await map.getAttribute(`data-${name}`));
    await expect.poll(() => figure('markers')).toBe(total);
    await expect.poll(() => figure('groups')).toBeGreaterThan(0);
    // Every location is on the map, alone or inside an aggregate; far fewer shapes than locations.
    const [drawn, grouped, groups, zoom] = [await figure('drawn'), await figure('grouped'), await figure('groups'), await figure('zoom')];
    expect(drawn + grouped).toBe(total);
    expect(drawn + groups).toBeLessThan(total / 2);
    await ghor.screenshot({ path: `${SHOTS}/map-groups-phone.png` });

    // The largest aggregate not covered by the legend.
    const points = JSON.parse((await map.getAttribute('data-group-points'))!) as [number, number, number][];
    const box = (await map.boundingBox())!;
    const target = await ghor.evaluate(
      (candidates) => candidates.map(([x, y, n]) => ({ x, y, n })).filter(({ x, y }) => document.elementFromPoint(x, y)?.tagName === 'CANVAS').sort((a, b) => b.n - a.n)[0],
      points.map(([x, y, n]) => [x + box.x, y + box.y, n] as [number, number, number]),
    );
    expect(target.n).toBeGreaterThan(1);
    await ghor.mouse.click(target.x, target.y);
    await expect.poll(() => figure('zoom')).toBeGreaterThan(zoom);
    await expect.poll(() => figure('drawn')).toBeGreaterThan(drawn);
    expect((await figure('drawn')) + (await figure('grouped'))).toBe(total);
    await ghor.screenshot({ path: `${SHOTS}/map-groups-opened-phone.png` });
  });

  it('at street zoom draws the locations in view wherever the map is dragged, though only those near the view are on it', async () => {
    const { api, incident } = await incidentWithAlert('Kaart op straatniveau');
    const locations = (await api.get(`/api/incidents/${incident.id}`)).body.data.network.locations as { lat: number; lon: number }[];
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE);
    await openBoard(ghor, incident.id);
    const map = ghor.getByTestId('location-map');
    await expect.poll(() => map.getAttribute('data-markers')).toBe(String(locations.length));
    await expect.poll(() => map.getAttribute('data-zoom')).not.toBe('10');
    // To street zoom, where every location stands alone (the map's grouping ends at 16).
    while (Number(await map.getAttribute('data-zoom')) < 16) {
      const was = await map.getAttribute('data-zoom');
      await ghor.getByRole('button', { name: 'Zoom in' }).click();
      await expect.poll(() => map.getAttribute('data-zoom')).not.toBe(was);
    }
    await expect.poll(() => map.getAttribute('data-groups')).toBe('0');
    // What the view should show, from the network itself: every location inside its bounds.
    const expected = (view: string) => {
      const [south, west, north, east] = JSON.parse(view) as number[];
      return locations.filter((l) => l.lat >= south && l.lat <= north && l.lon >= west && l.lon <= east).length;
    };
    const box = (await map.boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    let seen = 0;
    // Three drags of 0.4 screen each way, so the view goes well past the screen of markers kept
    // around it: after each, the locations in view are drawn, no more and no fewer.
    for (const [dx, dy] of [[1, 0], [0, 1], [-1, 0], [-1, 0], [0, -1], [0, -1], [1, 0]]) {
      for (let i = 0; i < 3; i++) {
        const was = await map.getAttribute('data-view');
        await ghor.mouse.move(cx, cy);
        await ghor.mouse.down();
        await ghor.mouse.move(cx + dx * 0.4 * box.width, cy + dy * 0.4 * box.height, { steps: 5 });
        await ghor.mouse.up();
        await expect.poll(() => map.getAttribute('data-view')).not.toBe(was);
        const view = (await map.getAttribute('data-view'))!;
        await expect.poll(() => map.getAttribute('data-alone-in-view'), { message: view }).toBe(String(expected(view)));
        seen += expected(view);
      }
    }
    // The views passed held locations (else the figures above said nothing).
    expect(seen).toBeGreaterThan(0);
    await ghor.screenshot({ path: `${SHOTS}/map-street-zoom-wide.png` });
  });

  it('groups the map after live changes exactly as a board opened afresh on the same reports does', async () => {
    const { api, incident } = await incidentWithAlert('Kaart na wijzigingen');
    const locations = ((await api.get(`/api/incidents/${incident.id}`)).body.data.network.locations as { id: string }[]).map((l) => l.id);
    const live = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE);
    await openBoard(live, incident.id);
    const figures = (page: Page) => page.getByTestId('location-map').evaluate((map: HTMLElement) => ({ ...map.dataset }));
    await expect.poll(async () => (await figures(live)).markers).toBe(String(locations.length));
    await expect.poll(async () => Number((await figures(live)).groups)).toBeGreaterThan(0);
    // Fitted to the region once its box has a size (the map starts at zoom 10; fitting animates,
    // and the zoom is read when the animation ends), as the fresh pages below will be.
    await expect.poll(async () => (await figures(live)).zoom).not.toBe('10');
    const { zoom } = await figures(live);
    const writer = connectBoard(suite.server.url, incident.id, api.cookie);
    await writer.synced();
    const reports = writer.doc.getMap<import('yjs').Map<unknown>>('reports');
    // Critical locations stand alone, so each change takes one out of its aggregate or puts it
    // back: among them the region's first locations, whose points began the aggregates others
    // joined, and one location changed twice.
    const steps: [string, string][] = [
      [locations[0], 'critical'],
      [locations[1], 'major'],
      [locations[40], 'critical'],
      [locations[0], 'minor'],
      [locations[2], 'critical'],
      [locations[1], 'none'],
    ];
    const now = new Map<string, string>();
    for (const [n, [id, impact]] of steps.entries()) {
      reports.get(id)!.set('impact', impact);
      now.set(id, impact);
      const critical = [...now.values()].filter((v) => v === 'critical').length;
      await expect.poll(() => live.getByTestId('impact-critical').textContent()).toBe(String(critical));
      // A page opened afresh half-way and at the end (each costs a board's opening).
      if (n !== 2 && n !== steps.length - 1) continue;
      const fresh = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE);
      await openBoard(fresh, incident.id);
      await expect.poll(async () => (await figures(fresh)).markers).toBe(String(locations.length));
      await expect.poll(async () => (await figures(fresh)).zoom).toBe(zoom);
      await expect.poll(() => fresh.getByTestId('impact-critical').textContent()).toBe(String(critical));
      const expected = await figures(fresh);
      await expect.poll(() => figures(live), { message: `after step ${n + 1}` }).toEqual(expected);
      await fresh.close();
    }
    writer.destroy();
    // In and out again with the zoom buttons (about the centre): the points moved to each zoom
    // and back group as the fresh page's.
    const before = await figures(live);
    for (const button of ['Zoom in', 'Zoom in', 'Zoom out', 'Zoom out']) {
      const was = (await figures(live)).zoom;
      await live.getByRole('button', { name: button }).click();
      await expect.poll(async () => (await figures(live)).zoom).not.toBe(was);
      if (button === 'Zoom in') expect(Number((await figures(live)).drawn)).toBeGreaterThan(Number(before.drawn));
    }
    await expect.poll(() => figures(live)).toEqual(before);
  });
});

describe('map tiles', () => {
  // Its own server and four signed-in pages, each waiting for a tile: about 15 s alone, and more
  // than the default 30 s under the full suite on two cores (it failed there twice this session).
  it('every map asks for tiles when TILE_URL is set: board (phone and wide), review and registry', async () => {
    const server = await startProcessServer({ env: { TILE_URL: 'https://tiles.example/{z}/{x}/{y}.png', TILE_ATTRIBUTION: 'Testkaart' } });
    try {
      const api = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
      const incident = (await api.post('/api/incidents', { title: 'Met kaart', grip: 1 })).body.data;
      const tile = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
      for (const [user, viewport, path, tab] of [
        ['coordinator', PHONE, `/incidents/${incident.id}`, 'Kaart'],
        ['ghor', WIDE, `/incidents/${incident.id}`, null],
        ['ghor', WIDE, `/incidents/${incident.id}/review`, null],
        ['admin', WIDE, '/registry', null],
      ] as const) {
        const page = await signedInPage(suite.browser, server.url, user, user === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD, viewport);
        let tiles = 0;
        await page.route('https://tiles.example/**', (route) => {
          tiles++;
          return route.fulfill({ status: 200, contentType: 'image/png', body: tile });
        });
        await page.goto(`${server.url}${path}`);
        if (tab) await page.getByRole('button', { name: tab, exact: true }).click();
        await expect.poll(() => tiles, { timeout: 10000 }).toBeGreaterThan(0);
        expect(await page.locator('.leaflet-control-attribution').textContent(), path).toContain('Testkaart');
        expect(await page.getByText('Kaartachtergrond niet beschikbaar').count(), path).toBe(0);
        await page.context().close();
      }
    } finally {
      await server.stop();
    }
  }, 90000);
});
