import { describe, expect, it } from 'vitest';
import { PHONE, WIDE, SHOTS, browserSuite, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { DEMO_PASSWORD } from '../helpers/server';

const suite = browserSuite();

describe('alerting in Chromium', () => {
  it('GHOR sends an alert, the coordinator’s banner shows it, the acknowledgement reaches GHOR without reload', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Brand chemische opslag Geleen', grip: 2 })).body.data;

    const coordinator = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE);
    await coordinator.goto(`${suite.server.url}/incidents`);

    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE);
    await ghor.goto(`${suite.server.url}/incidents/${incident.id}`);
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
    await banner.getByRole('button', { name: 'Ja, getroffen' }).click();
    await expect.poll(() => banner.count()).toBe(0);

    await expect.poll(() => status.getByTestId('alert-totals').textContent()).toMatch(/1 bevestigd\s*\(1 getroffen\)/);
    // Grouped for action: who is hit first, then who has not answered, with a phone number to tap.
    expect(await status.getByTestId('answered-yes').textContent()).toContain('Crisiscoördinator (demo)');
    expect(await status.getByTestId('waiting').locator('li').count()).toBe(41);
    expect(await status.getByTestId('waiting').locator('a[href^="tel:+31"]').count()).toBeGreaterThan(30);
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
});
