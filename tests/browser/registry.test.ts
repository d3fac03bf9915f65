import { describe, expect, it } from 'vitest';
import { PHONE, WIDE, SHOTS, browserSuite, signInByForm, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../helpers/server';

const suite = browserSuite();

describe('registry pages in Chromium', () => {
  it('admin signs in and sees every demo location on the registry map, without tiles', async () => {
    const api = await new HttpClient(suite.server.url).signIn('admin', ADMIN_PASSWORD);
    const locations = (await api.get('/api/locations')).body.data.filter((l: { active: boolean }) => l.active);
    const page = await signInByForm(suite.browser, suite.server.url, 'admin', ADMIN_PASSWORD, WIDE);
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) violations.push(message.text());
    });
    const response = await page.goto(`${suite.server.url}/registry`);
    expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-/);
    const map = page.getByTestId('location-map');
    await expect.poll(() => map.getAttribute('data-markers'), { timeout: 15000 }).toBe(String(locations.length));
    await expect.poll(() => page.getByTestId('map-count').textContent()).toContain(String(locations.length));
    // Municipality labels orient the reader when there are no tiles.
    expect(await page.locator('.municipality-label', { hasText: 'Maastricht' }).count()).toBe(1);
    expect(await page.getByText('Kaartachtergrond niet beschikbaar').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/registry-map-wide.png` });
    expect(violations).toEqual([]);

    await page.selectOption('select >> nth=0', 'hospital');
    const hospitals = (await api.get('/api/locations?sector=hospital')).body.data.length;
    await expect.poll(() => map.getAttribute('data-markers')).toBe(String(hospitals));
  });

  it('switches to English and back, and shows a wrong login as a sentence', async () => {
    const context = await suite.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${suite.server.url}/`);
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Gebruikersnaam of wachtwoord klopt niet.');
    await page.getByTestId('language').click();
    await expect.poll(() => page.locator('button[type=submit]').first().textContent()).toBe('Sign in');
    await page.screenshot({ path: `${SHOTS}/login-phone-en.png` });
    await page.getByTestId('language').click();
    await context.close();
  });

  it('admin edits an organisation and imports a file with a bad row, seeing its line number', async () => {
    const page = await signedInPage(suite.browser, suite.server.url, 'admin', ADMIN_PASSWORD, WIDE, { path: `/registry/organisations` });
    await page.fill('input[type=search]', 'Thuisbeademing');
    await expect.poll(() => page.getByTestId('row-count').textContent()).toMatch(/^1 getoond/);
    await page.getByRole('button', { name: 'Wijzigen' }).click();
    await page.fill('input[name=phone]', '+31 43 000 1111');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Opgeslagen.');
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const organisation = (await api.get('/api/organisations?sector=home-ventilation')).body.data[0];
    expect(organisation.phone).toBe('+31 43 000 1111');

    await page.goto(`${suite.server.url}/registry/import`);
    await page.setInputFiles('input[type=file]', {
      name: 'locaties.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('id;organisationId;name;municipality;lat;lon;capacity\nnew-1;org-006;Nieuw huis;Gulpen;50.81;5.89;20\nnew-2;org-006;Fout huis;Gulpen;5.89;50.81;20\n'),
    });
    await page.getByRole('button', { name: 'Controleren' }).click();
    await expect.poll(() => page.getByTestId('import-problems').textContent()).toContain('buiten Nederland');
    // Line, field and the cell as the file has it, before the reason.
    expect(await page.getByTestId('import-problems').locator('tbody tr').first().locator('td').allTextContents()).toEqual(['3', 'lat', '5.89', expect.stringMatching(/buiten Nederland/)]);
    expect(await page.getByRole('button', { name: 'Alles importeren' }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/registry-import-wide.png`, fullPage: true });
    await page.getByRole('button', { name: /Alleen geldige regels importeren/ }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Geïmporteerd. 1 nieuw');
    expect((await api.get('/api/locations/new-1')).body.data.municipality).toBe('Gulpen');
    expect((await api.get('/api/locations/new-2')).status).toBe(404);

    // A GeoJSON file has numbered features, not lines: the table says which.
    await page.getByLabel('Formaat').selectOption('geojson');
    const feature = (capacity: number) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [5.89, 50.81] }, properties: { id: `geo-${capacity}`, organisationId: 'org-006', name: 'Geo huis', municipality: 'Gulpen', capacity } });
    await page.setInputFiles('input[type=file]', { name: 'locaties.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [feature(5), feature(-2)] })) });
    await page.getByRole('button', { name: 'Controleren' }).click();
    await expect.poll(() => page.getByTestId('import-problems').locator('thead th').allTextContents()).toEqual(['Object nr.', 'Veld', 'In het bestand', 'Reden']);
    expect(await page.getByTestId('import-problems').locator('tbody tr').first().locator('td').allTextContents()).toEqual(['2', 'capacity', '-2', 'moet minstens 0 zijn']);
  });

  it('shows the coordinators list with connection status on a phone', async () => {
    const page = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, PHONE, { path: `/registry/coordinators` });
    await expect.poll(() => page.getByTestId('connected-summary').textContent()).toMatch(/\d+ aangesloten/);
    await page.screenshot({ path: `${SHOTS}/registry-coordinators-phone.png` });
    expect(await page.getByRole('button', { name: 'Wijzigen' }).count()).toBe(0);
  });
});
