import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { PHONE, SHOTS, WIDE, browserSuite, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../helpers/server';

const suite = browserSuite();

describe('network management in Chromium', () => {
  it('GHOR sees what needs attention, logs a partner talk with a follow-up, and the organisation leaves the list', async () => {
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/registry/attention` });
    const talks = ghor.getByTestId('attention-talks');
    // The demo history leaves some organisations without a partner talk, others overdue.
    await expect.poll(() => talks.locator('li').count(), { timeout: 15000 }).toBeGreaterThan(0);
    expect(await talks.textContent()).toMatch(/Nog nooit een partnergesprek|Partnergesprek te laat/);
    expect(await seriousViolations(ghor)).toEqual([]);
    await ghor.screenshot({ path: `${SHOTS}/network-attention-wide.png` });
    const first = talks.locator('li a').first();
    const name = (await first.textContent())!.trim();
    await first.click();

    const log = ghor.getByTestId('contact-log');
    await expect.poll(() => log.getByTestId('partner-talk').getAttribute('data-state')).toMatch(/^(never|overdue|soon)$/);
    const form = log.getByTestId('contact-form');
    await form.locator('input[name=ghorPeople]').fill('Informatiecoördinator GHOR');
    await form.locator('input[name=organisationPeople]').fill('Crisiscoördinator');
    await form.locator('textarea[name=notes]').fill('Noodstroomplan doorgenomen.');
    await form.locator('input[name=followUp]').fill('Tweede coördinator aanmelden');
    await form.locator('input[name=followUpDue]').fill('2027-01-15');
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await expect.poll(() => log.getByTestId('partner-talk').getAttribute('data-state')).toBe('ok');
    expect(await log.getByTestId('contacts').textContent()).toContain('Partnergesprek');
    expect(await log.getByTestId('contacts').textContent()).toContain('Tweede coördinator aanmelden');
    expect(await seriousViolations(ghor)).toEqual([]);
    await ghor.screenshot({ path: `${SHOTS}/network-contacts-wide.png`, fullPage: true });

    await ghor.goto(`${suite.server.url}/registry/attention`);
    await expect.poll(async () => (await talks.count()) === 0 || !(await talks.textContent())!.includes(name)).toBe(true);

    // Off the attention list, the organisation is still one tap away: its name in the registry opens its contact log.
    await ghor.getByRole('link', { name: 'Organisaties', exact: true }).click();
    const row = ghor.locator('tbody tr', { hasText: name });
    expect(await row.getByRole('link', { name: /^\+31/ }).getAttribute('href')).toMatch(/^tel:\+31\d{9}$/);
    expect(await row.getByRole('link', { name: /@/ }).getAttribute('href')).toMatch(/^mailto:crisis@.+\.example$/);
    await row.getByRole('link', { name, exact: true }).click();
    await expect.poll(() => log.locator('h1').textContent()).toContain(name);
    await expect.poll(() => log.getByTestId('partner-talk').getAttribute('data-state')).toBe('ok');
    expect(await log.getByTestId('contacts').textContent()).toContain('Noodstroomplan doorgenomen.');
    // Whom the talk is about: the organisation's active coordinators, each with how to reach them.
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const organisationId = new URL(ghor.url()).pathname.split('/').pop();
    const theirs = ((await api.get('/api/coordinators')).body.data as { organisationId: string; active: boolean; name: string }[]).filter((c) => c.organisationId === organisationId && c.active);
    expect(theirs.length).toBeGreaterThan(0);
    const people = log.getByTestId('organisation-coordinators');
    await expect.poll(() => people.locator('li').count()).toBe(theirs.length);
    for (const c of theirs) expect(await people.textContent()).toContain(c.name);
    expect(await people.locator('a[href^="tel:"]').count()).toBeGreaterThan(0);
    expect(await seriousViolations(ghor)).toEqual([]);

    const phone = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, PHONE, { path: `/registry/attention` });
    await expect.poll(() => phone.getByTestId('attention-talks').locator('li').count(), { timeout: 15000 }).toBeGreaterThan(0);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // The registry's tabs scroll sideways on a phone; none is squeezed under its own text.
    const squeezed = await phone.evaluate(() => [...document.querySelectorAll<HTMLElement>('nav.tabs a')].filter((a) => a.scrollWidth > a.clientWidth + 1).map((a) => a.textContent));
    expect(squeezed).toEqual([]);
    await phone.screenshot({ path: `${SHOTS}/network-attention-phone.png` });
  });

  it('GHOR holds a meeting, invites the connected coordinators and marks who came', async () => {
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/registry/meetings` });
    const form = ghor.getByTestId('meeting-form');
    await expect.poll(() => form.isVisible(), { timeout: 15000 }).toBe(true);
    await form.locator('input[name=title]').fill('Informatiesessie december');
    await form.locator('input[name=place]').fill('Geleen');
    // Invitations per sector: only the hospitals' connected coordinators.
    const count = async () => Number((await form.getByTestId('invitee-count').textContent())!.split(' ')[0]);
    const everyone = await count();
    await form.getByLabel('Aangesloten coördinatoren van gekozen sectoren').check();
    expect(await count()).toBe(0);
    await form.getByLabel('Ziekenhuis', { exact: true }).check();
    const hospitals = await count();
    expect(hospitals).toBeGreaterThan(0);
    expect(hospitals).toBeLessThan(everyone / 3);
    await form.getByLabel('Alle aangesloten coördinatoren uitnodigen').check();
    expect(await count()).toBe(everyone);
    await form.getByRole('button', { name: 'Opslaan' }).click();
    const attendance = ghor.getByTestId('attendance');
    await expect.poll(() => attendance.locator('input[type=checkbox]').count(), { timeout: 10000 }).toBeGreaterThan(100);
    const row = ghor.getByTestId('meeting-list').locator('li', { hasText: 'Informatiesessie december' });
    expect(await row.textContent()).toMatch(/0 \/ \d+ aanwezig/);
    await attendance.locator('input[type=checkbox]').first().check();
    await expect.poll(() => row.textContent()).toMatch(/1 \/ \d+ aanwezig/);
    expect(await seriousViolations(ghor)).toEqual([]);
    await ghor.screenshot({ path: `${SHOTS}/network-meetings-wide.png` });
  });

  it('GHOR sees two locations of one organisation with one name, and the link shows both in the registry', async () => {
    const admin = await new HttpClient(suite.server.url).signIn('admin', ADMIN_PASSWORD);
    const locations = ((await admin.get('/api/locations')).body.data as { id: string; name: string; address: string; organisationId: string }[]).filter((l) => l.organisationId === 'org-012');
    const [a, b] = locations;
    // A name no other location has, so that the registry's search finds these two only.
    a.name = 'Woonlocatie Bosrand Gulpen';
    for (const l of [a, b]) expect((await admin.patch(`/api/locations/${l.id}`, { name: a.name })).status).toBe(200);
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/registry/attention` });
    const group = ghor.getByTestId('attention-same-name');
    await expect.poll(() => group.locator('li').count(), { timeout: 15000 }).toBe(1);
    expect(await group.locator('h2').textContent()).toBe('Locaties met dezelfde naam (1)');
    const line = (await group.locator('li').textContent())!;
    expect(line).toContain(`2× '${a.name}'`);
    for (const l of [a, b]) expect(line).toContain(l.address);
    expect(line).toContain('Geef elke locatie een eigen naam');
    expect(await seriousViolations(ghor)).toEqual([]);
    await group.screenshot({ path: `${SHOTS}/network-attention-same-name-wide.png` });
    await group.locator('li a').click();
    await ghor.waitForURL((url) => url.pathname === '/registry/locations');
    await expect.poll(() => ghor.locator('tbody tr').count(), { timeout: 15000 }).toBe(2);
    expect(await ghor.locator('input[type=search]').inputValue()).toBe(a.name);
  });
});
