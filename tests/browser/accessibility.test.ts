import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { PHONE, SHOTS, WIDE, browserSuite, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../helpers/server';

const suite = browserSuite();

/** Every page state checked, with what axe found there; all states are checked before the test fails. */
const found: { state: string; violations: Awaited<ReturnType<typeof seriousViolations>> }[] = [];
async function check(page: Page, state: string): Promise<void> {
  found.push({ state, violations: await seriousViolations(page) });
}

describe('accessibility (axe-core): no critical or serious violation', () => {
  it('login, registry, board on a phone and wide, and the review', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Toegankelijkheid', grip: 2 })).body.data;
    await api.post(`/api/incidents/${incident.id}/alerts`, { message: 'Controle', grip: 2, target: { all: true } });
    // A closed incident in the list: set apart from the open ones, and still readable.
    const closed = (await api.post('/api/incidents', { title: 'Oefening vorige week', grip: 1 })).body.data;
    expect((await api.post(`/api/incidents/${closed.id}/close`, {})).status).toBe(200);

    const context = await suite.browser.newContext({ viewport: PHONE, locale: 'nl-NL' });
    const login = await context.newPage();
    await login.goto(`${suite.server.url}/login`);
    await check(login, 'login (phone)');
    // A forgotten password: the way out, one tap away, named where it is needed.
    await login.getByText('Wachtwoord vergeten?').click();
    expect(await login.getByTestId('forgot-password').textContent()).toContain('de link in uw sms of e-mail brengt u na uw antwoord zonder wachtwoord naar het bord');
    await check(login, 'login, password forgotten (phone)');
    await login.screenshot({ path: `${SHOTS}/login-forgot-phone.png` });

    const admin = await signedInPage(suite.browser, suite.server.url, 'admin', ADMIN_PASSWORD, WIDE);
    const headings: Record<string, string[]> = {};
    for (const path of ['/registry', '/registry/organisations', '/registry/locations', '/registry/coordinators', '/registry/import', '/registry/attention', '/registry/meetings', '/registry/introduction', '/registry/users', '/incidents']) {
      await admin.goto(`${suite.server.url}${path}`);
      await admin.waitForLoadState('networkidle');
      await check(admin, `${path} (admin, wide)`);
      // One page heading each, which a screen reader announces and jumps to.
      headings[path] = (await admin.locator('h1').allTextContents()).map((text) => text.trim());
    }
    expect(headings).toMatchObject({ '/registry': ['Netwerk: Kaart'], '/registry/organisations': ['Netwerk: Organisaties'], '/registry/users': ['Netwerk: Gebruikers'], '/incidents': ['Incidenten'] });
    for (const [path, texts] of Object.entries(headings)) expect(texts, path).toEqual([expect.stringMatching(/\S/)]);
    // The running incident stands above the closed one opened after it.
    expect(await admin.locator('ul.list > li').allTextContents()).toEqual([expect.stringContaining('Toegankelijkheid'), expect.stringContaining('Oefening vorige week')]);

    const phone = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    await check(phone, 'home with the alert banner (coordinator, phone)');
    await phone.goto(`${suite.server.url}/incidents/${incident.id}`);
    await expect.poll(() => phone.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    await check(phone, 'board, own locations (phone)');
    await phone.getByTestId('location-list').locator('button.location').first().click();
    await phone.getByRole('button', { name: 'Kritiek' }).click();
    await check(phone, 'report form (phone)');
    // The keyboard: arrows move within a choice group, Space picks.
    await phone.getByRole('button', { name: 'Onbekend' }).focus();
    await phone.keyboard.press('ArrowRight');
    await phone.keyboard.press('ArrowRight');
    await phone.keyboard.press('Space');
    await expect.poll(() => phone.getByRole('button', { name: 'Gering' }).getAttribute('aria-pressed')).toBe('true');
    await phone.keyboard.press('ArrowLeft');
    expect(await phone.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Geen');
    // A need filed from the location and withdrawn: a need that is over stays readable.
    await phone.getByTestId('need-for-location').click();
    await phone.getByTestId('need-form').locator('textarea').fill('Aggregaat');
    await phone.getByTestId('need-form').getByRole('button', { name: 'Indienen' }).click();
    await phone.getByTestId('need').getByRole('button', { name: 'Intrekken' }).click();
    await expect.poll(() => phone.getByTestId('need').getAttribute('class')).toContain('status-cancelled');
    for (const tab of ['Kaart', 'Overzicht', 'Hulpvragen', 'Beeld']) {
      await phone.getByRole('button', { name: tab, exact: true }).click();
      await check(phone, `board, ${tab} (phone)`);
    }

    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE);
    // GHOR reads the registry without the admin's buttons: a table wider than the screen is still reachable by keyboard.
    for (const path of ['/registry/organisations', '/registry/locations', '/registry/attention']) {
      await ghor.goto(`${suite.server.url}${path}`);
      await ghor.waitForLoadState('networkidle');
      await check(ghor, `${path} (GHOR, wide)`);
    }
    await ghor.goto(`${suite.server.url}/incidents/${incident.id}`);
    await expect.poll(() => ghor.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    await check(ghor, 'board, overview (GHOR, wide)');
    for (const tab of ['Alarmering', 'Locaties', 'Hulpvragen', 'Logboek', 'Gebieden']) {
      await ghor.getByRole('button', { name: tab, exact: true }).click();
      await check(ghor, `board, ${tab} (GHOR, wide)`);
    }
    await ghor.goto(`${suite.server.url}/incidents/${incident.id}/review`);
    await ghor.waitForLoadState('networkidle');
    await check(ghor, 'review (GHOR, wide)');
    // Moved back to the start: the events still to come are shown set apart, and still readable.
    const slider = ghor.locator('.player input[type=range]');
    await slider.fill((await slider.getAttribute('min'))!);
    await expect.poll(() => ghor.locator('.timeline ol > li:not(.past)').count()).toBeGreaterThan(0);
    await check(ghor, 'review at the start, later events set apart (GHOR, wide)');
    await context.close();
    expect(found.length).toBeGreaterThanOrEqual(24);
    expect(found.filter((f) => f.violations.length > 0)).toEqual([]);
  }, 180000);
});
