import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { INTRO_CHAPTERS } from '../../shared/introduction';
import { seriousViolations } from '../helpers/axe';
import { PHONE, SHOTS, WIDE, browserSuite, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../helpers/server';

const suite = browserSuite();

/** No critical or serious axe-core violation; the message names them when there are. */
async function accessible(page: Page): Promise<void> {
  const found = await seriousViolations(page);
  expect(found, JSON.stringify(found)).toEqual([]);
}

describe('the digital introduction in Chromium', () => {
  it('a new coordinator on a phone goes from the home page through every chapter, the practice alert and report, and is connected; the next alert reaches the open page', async () => {
    const phone = await signedInPage(suite.browser, suite.server.url, 'nieuw', DEMO_PASSWORD, PHONE);
    let taps = 0;
    const tap = async (locator: ReturnType<typeof phone.getByTestId>) => {
      await locator.click();
      taps++;
    };
    const card = phone.getByTestId('intake-card');
    await expect.poll(() => card.isVisible(), { timeout: 15000 }).toBe(true);
    expect(await card.textContent()).toMatch(/nog niet aangesloten op de alarmering/);
    await accessible(phone);
    await phone.screenshot({ path: `${SHOTS}/intro-home-phone.png` });
    await tap(phone.getByTestId('start-introduction'));

    const step = phone.getByTestId('intro-step');
    for (const [i] of INTRO_CHAPTERS.entries()) {
      await expect.poll(() => phone.getByTestId('intro-progress').textContent(), { timeout: 10000 }).toContain(`${i} /`);
      expect((await step.getByTestId('chapter-text').textContent())!.length).toBeGreaterThan(300);
      if (i === 0) {
        await accessible(phone);
        await phone.screenshot({ path: `${SHOTS}/intro-chapter-phone.png`, fullPage: true });
      }
      await tap(step.getByTestId('chapter-read'));
    }
    expect(phone.url()).toContain('/introduction');
    // No page is wider than the phone.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    await tap(step.getByTestId('send-practice-alert'));
    const alarm = step.getByTestId('practice-alert');
    await expect.poll(() => alarm.isVisible()).toBe(true);
    expect(await alarm.textContent()).toMatch(/Oefening · GRIP 2/);
    await accessible(phone);
    await phone.screenshot({ path: `${SHOTS}/intro-practice-alert-phone.png` });
    await tap(alarm.getByRole('button', { name: 'Ja, getroffen' }));
    await expect.poll(() => step.getByTestId('practice-answered').textContent()).toMatch(/getroffen/);
    await tap(step.getByTestId('to-practice-report'));

    await expect.poll(() => step.getByTestId('training-board').textContent()).toMatch(/geen incident/);
    await tap(step.getByRole('button', { name: 'Gering', exact: true }));
    await tap(step.getByRole('button', { name: 'Beperkt', exact: true }));
    await accessible(phone);
    await phone.screenshot({ path: `${SHOTS}/intro-practice-report-phone.png`, fullPage: true });
    await tap(step.getByTestId('send-practice-report'));

    await tap(step.getByTestId('complete-intro'));
    await expect.poll(() => step.getByTestId('intro-connected').isVisible(), { timeout: 10000 }).toBe(true);
    expect(await phone.getByTestId('intro-progress').textContent()).toContain(`${INTRO_CHAPTERS.length + 3} / ${INTRO_CHAPTERS.length + 3}`);
    await phone.screenshot({ path: `${SHOTS}/intro-done-phone.png` });
    // One tap to start, one per chapter, and seven for the practice and completion.
    expect(taps).toBe(1 + INTRO_CHAPTERS.length + 7);

    // Connected now: the GHOR's next alert to the organisation shows on this open page.
    const ghor = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const me = (await phone.evaluate(() => fetch('/api/me').then((r) => r.json()))).data;
    const incidentId = (await ghor.post('/api/incidents', { title: 'Stroomstoring Maastricht', grip: 2 })).body.data.id;
    expect((await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Stroomstoring: bent u getroffen?', grip: 2, target: { organisationIds: [me.organisationId] } })).status).toBe(201);
    await expect.poll(() => phone.getByTestId('alert-banner').isVisible(), { timeout: 15000 }).toBe(true);
    expect(await phone.getByTestId('alert-banner').textContent()).toContain('Stroomstoring Maastricht');
  }, 120000);

  it('an admin invites a coordinator; the link sets a password on a phone and opens the introduction', async () => {
    const admin = await signedInPage(suite.browser, suite.server.url, 'admin', ADMIN_PASSWORD, WIDE, { path: `/registry/coordinators` });
    const invite = admin.getByTestId('invite').first();
    await expect.poll(() => invite.isVisible(), { timeout: 15000 }).toBe(true);
    // Kind, day course, information session and invitation date beside every coordinator.
    for (const column of ['Soort', 'Dagcursus', 'Informatiesessie', 'Uitgenodigd']) await expect.poll(() => admin.locator('th', { hasText: column }).count()).toBe(1);
    expect(await admin.locator('td', { hasText: 'Informatiecoördinator (ICO)' }).count()).toBeGreaterThan(0);
    await invite.click();
    const link = await admin.getByTestId('invitation-link').inputValue();
    expect(link).toMatch(/\/welcome#/);
    expect(await admin.getByTestId('invitation').textContent()).toMatch(/geen e-mail verstuurd/);
    await accessible(admin);
    await admin.screenshot({ path: `${SHOTS}/registry-invitation-wide.png` });

    const context = await suite.browser.newContext({ viewport: PHONE, locale: 'nl-NL' });
    const phone = await context.newPage();
    await phone.goto(link);
    const welcome = phone.getByTestId('welcome');
    await expect.poll(() => welcome.locator('input[name=password]').isVisible(), { timeout: 15000 }).toBe(true);
    await accessible(phone);
    await phone.screenshot({ path: `${SHOTS}/welcome-phone.png` });
    await welcome.locator('input[name=password]').fill('mijn-eigen-wachtwoord');
    await welcome.locator('input[name=again]').fill('mijn-eigen-wachtwoord!');
    await welcome.getByRole('button').click();
    expect(await welcome.getByRole('alert').textContent()).toMatch(/niet gelijk/);
    await welcome.locator('input[name=again]').fill('mijn-eigen-wachtwoord');
    await welcome.getByRole('button').click();
    await phone.waitForURL((url) => url.pathname === '/introduction');
    await expect.poll(() => phone.getByTestId('intro-progress').textContent(), { timeout: 10000 }).toContain('0 /');
    // The link is spent.
    await phone.goto(link);
    await expect.poll(() => phone.getByTestId('welcome').textContent(), { timeout: 10000 }).toMatch(/al gebruikt/);
  });

  it('an admin edits a chapter in Markdown with a preview, and the introduction shows the new text', async () => {
    const admin = await signedInPage(suite.browser, suite.server.url, 'admin', ADMIN_PASSWORD, WIDE, { path: `/registry/introduction` });
    const editor = admin.getByTestId('intro-editor');
    await expect.poll(() => editor.locator('textarea[name=bodyNl]').inputValue(), { timeout: 15000 }).toContain('GHOR');
    await editor.locator('input[name=titleNl]').fill('De GHOR in onze regio');
    await editor.locator('textarea[name=bodyNl]').fill('## Onze regio\nDe GHOR Zuid-Limburg werkt met **42 organisaties**.\n\n- ziekenhuizen\n- verpleeghuizen');
    await expect.poll(() => admin.getByTestId('intro-preview').innerHTML()).toContain('<strong>42 organisaties</strong>');
    await accessible(admin);
    await admin.screenshot({ path: `${SHOTS}/intro-editor-wide.png`, fullPage: true });
    await editor.getByRole('button', { name: 'Opslaan' }).click();
    await expect.poll(() => editor.getByRole('status').textContent()).toMatch(/Opgeslagen/);

    const reader = await signedInPage(suite.browser, suite.server.url, 'coordinator', DEMO_PASSWORD, PHONE, { path: `/introduction` });
    await expect.poll(() => reader.getByTestId('chapter-text').innerHTML(), { timeout: 10000 }).toContain('<li>verpleeghuizen</li>');
    expect(await reader.getByTestId('intro-step').locator('h2').textContent()).toBe('De GHOR in onze regio');
  });

  it('GHOR presents "Zorgnetwerk in beeld" for a month, wide and on a phone, with a printable version', async () => {
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/registry/attention` });
    await ghor.getByRole('link', { name: 'Zorgnetwerk in beeld' }).click();
    const overview = ghor.getByTestId('overview');
    await expect.poll(() => overview.getByTestId('standing-connected').textContent(), { timeout: 15000 }).toMatch(/^\d+$/);
    expect(Number(await overview.getByTestId('standing-connected').textContent())).toBeGreaterThan(100);
    // The introduction done above is this month's.
    expect(await overview.getByTestId('overview-introductions').textContent()).toMatch(/Introductie afgerond \([1-9]/);
    expect(await overview.getByTestId('overview-incidents').textContent()).toContain('Stroomstoring Maastricht');
    // Each incident of the month opens its review.
    expect(await overview.getByTestId('overview-incidents').getByRole('link', { name: 'Stroomstoring Maastricht' }).getAttribute('href')).toMatch(/^\/incidents\/inc-[\w-]+\/review$/);
    await accessible(ghor);
    await ghor.screenshot({ path: `${SHOTS}/network-overview-wide.png`, fullPage: true });
    // The month to show is picked by its Dutch name.
    const picker = overview.getByTestId('month');
    expect(await picker.locator('option:checked').textContent()).toBe(new Date().toLocaleDateString('nl-NL', { month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' }));
    expect(await picker.locator('option').count()).toBe(48);
    await overview.getByRole('button', { name: 'Vorige maand' }).click();
    await ghor.waitForURL((url) => /month=\d{4}-\d{2}/.test(url.search));
    // The other month is loaded after the address changes: on a busy machine that took longer than expect.poll's default second.
    await expect.poll(() => overview.getByTestId('overview-incidents').textContent(), { timeout: 15000 }).not.toContain('Stroomstoring Maastricht');
    const [year, month] = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Amsterdam' }).split('-').map(Number);
    const previous = new Date(Date.UTC(year, month - 2, 15)).toLocaleDateString('nl-NL', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(await picker.locator('option:checked').textContent()).toBe(previous);
    expect(await overview.locator('h1').textContent()).toBe(`Zorgnetwerk in beeld: ${previous}`);
    const href = await overview.getByTestId('overview-print').getAttribute('href');
    const print = await ghor.context().newPage();
    await print.goto(`${suite.server.url}${href}`);
    expect(await print.locator('h1').textContent()).toMatch(/^Zorgnetwerk in beeld: /);
    await print.screenshot({ path: `${SHOTS}/network-overview-print.png`, fullPage: true });
    await print.emulateMedia({ media: 'print' });
    expect((await print.pdf({ format: 'A4' })).length).toBeGreaterThan(5000);

    const phone = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, PHONE, { path: `/network/overview` });
    await expect.poll(() => phone.getByTestId('standing-connected').isVisible(), { timeout: 15000 }).toBe(true);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await accessible(phone);
    await phone.screenshot({ path: `${SHOTS}/network-overview-phone.png`, fullPage: true });
  });
});
