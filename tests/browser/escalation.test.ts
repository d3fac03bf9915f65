import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { PHONE, SHOTS, browserSuite, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { DEMO_PASSWORD } from '../helpers/server';

// An interval of 1.2 s (0.02 minutes): the ladder climbs within the test.
const suite = browserSuite({ env: async () => ({ ESCALATE_AFTER_MIN: '0.02', ESCALATION_TICK_MS: '100' }) });

describe('escalation on GHOR’s response board', () => {
  // A timeout longer than the polls it waits in: once, in a CI run, the 30 s default ran out first
  // and hid which step had waited; a stall now fails on its own line.
  it('puts organisations without an answer under "Nu bellen" with their phone numbers to tap, on a phone', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const coordinator = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
    const own = (await coordinator.get('/api/me')).body.data.organisationId as string;
    const others = ((await api.get('/api/organisations')).body.data as { id: string }[]).map((o) => o.id).filter((id) => id !== own).slice(0, 2);
    const incidentId = (await api.post('/api/incidents', { title: 'Gaslek Brunssum', grip: 2 })).body.data.id as string;
    const alertId = (await api.post(`/api/incidents/${incidentId}/alerts`, { message: 'Gaslek: meld of u getroffen bent.', grip: 2, target: { organisationIds: [own, ...others] } })).body.data.alert.id as string;
    expect((await coordinator.post(`/api/alerts/${alertId}/ack`, { answer: 'no' })).status).toBe(200);

    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, PHONE, { path: `/incidents/${incidentId}` });
    await expect.poll(() => ghor.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    // Whatever tab GHOR is on, "Alarmering" counts the organisations to phone, and says so to a screen reader.
    const alerting = ghor.getByRole('button', { name: /^Alarmering( \(\d+ nu bellen\))?$/ });
    await expect.poll(() => ghor.getByTestId('to-phone-count').textContent(), { timeout: 15000 }).toBe('2');
    expect(await alerting.getAttribute('aria-pressed')).toBe('false');
    expect(await ghor.getByRole('button', { name: 'Alarmering (2 nu bellen)' }).count()).toBe(1);
    await alerting.click();
    const callNow = ghor.getByTestId('call-now');
    await expect.poll(() => callNow.locator('li').count(), { timeout: 15000 }).toBe(2);
    // Answered organisations are never on the list; each listed one has numbers to tap.
    const names = await callNow.locator('li strong').allTextContents();
    expect(names).toHaveLength(2);
    for (const row of await callNow.locator('li').all()) {
      const links = row.locator('a[href^="tel:"]');
      expect(await links.count()).toBeGreaterThan(0);
      const box = (await links.first().boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
    }
    // The same organisations head the tab, above the send form: the first thing GHOR sees.
    const top = ghor.getByTestId('call-now-top');
    expect((await top.locator('li strong').allTextContents()).sort()).toEqual([...names].sort());
    const form = (await ghor.getByTestId('alert-form').boundingBox())!;
    expect((await top.boundingBox())!.y).toBeLessThan(form.y);
    // The minutes of "Escaleren na", in the send form and on the alert, are short fields beside
    // their label, inside the panel (a page-wide rule once stretched them past its edge).
    const panel = (await ghor.getByTestId('alert-status').first().boundingBox())!;
    const minutes = await ghor.locator('input.minutes').all();
    expect(minutes).toHaveLength(2);
    for (const field of minutes) {
      const box = (await field.boundingBox())!;
      expect(box.width).toBeLessThan(100);
      expect(box.x + box.width).toBeLessThanOrEqual(panel.x + panel.width);
    }
    await ghor.screenshot({ path: `${SHOTS}/call-now-phone.png` });
    expect(await seriousViolations(ghor)).toEqual([]);

    // GHOR phones the first one and takes its answer down: two taps, and it leaves the list.
    const phonedRow = top.locator('li').filter({ hasText: names[0] });
    await phonedRow.getByText('Gebeld? Antwoord vastleggen').click();
    const notHit = phonedRow.getByRole('button', { name: 'Niet getroffen' });
    expect((await notHit.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await ghor.screenshot({ path: `${SHOTS}/call-now-phoned-phone.png` });
    expect(await seriousViolations(ghor)).toEqual([]);
    await notHit.click();
    await expect.poll(() => top.locator('li strong').allTextContents(), { timeout: 10000 }).toEqual([names[1]]);
    expect(await ghor.getByTestId('to-phone-count').textContent()).toBe('1');
    const answeredNo = ghor.locator(`[data-testid=alert-status][data-alert="${alertId}"]`).getByTestId('answered-no');
    const phonedLine = answeredNo.locator('li').filter({ hasText: names[0] });
    await expect.poll(() => phonedLine.count()).toBe(1);
    expect(await phonedLine.textContent()).toMatch(/Informatiecoördinator GHOR · \d\d:\d\d:\d\d · niet getroffen \(via telefoon\)/);
    // The two that did not answer reached the ladder's second step; the one that answered was not
    // escalated after its answer. Its answer is sent right after the alert, but a loaded machine
    // may take longer than an interval (1.2 s) over it: escalations before the answer are right.
    const events = (await api.get(`/api/incidents/${incidentId}/events?type=alert-escalated,alert-acked`)).body.data.events as { seq: number; type: string; organisationId: string; detail: { step?: number } }[];
    const answered = events.find((e) => e.type === 'alert-acked' && e.organisationId === own)!;
    const escalated = events.filter((e) => e.type === 'alert-escalated');
    expect(escalated.filter((e) => e.detail.step === 2 && e.organisationId !== own).map((e) => e.organisationId).sort()).toEqual([...others].sort());
    expect(escalated.filter((e) => e.organisationId === own && e.seq > answered.seq)).toEqual([]);

    // GHOR gives the all clear from the send form, as a follow-up of the alert: nobody is to be
    // phoned about the alert any more, and its card says why.
    const send = ghor.getByTestId('alert-form');
    await send.locator('textarea[name=message]').fill('Alles veilig: het lek is gedicht.');
    await send.getByLabel('Vervolg op').selectOption(alertId);
    await send.getByLabel('Soort vervolg').selectOption('Cancel');
    expect(await seriousViolations(ghor)).toEqual([]);
    await send.getByRole('button', { name: /Versturen/ }).click();
    await expect.poll(() => top.count(), { timeout: 10000 }).toBe(0);
    expect(await ghor.getByTestId('to-phone-count').count()).toBe(0);
    const card = ghor.locator(`[data-testid=alert-status][data-alert="${alertId}"]`);
    expect(await card.getByTestId('call-now').count()).toBe(0);
    expect(await card.getByTestId('alert-withdrawn-at').textContent()).toMatch(/^alles veilig \/ ingetrokken om \d\d:\d\d/);
    expect(await card.getByTestId('escalate-after').count()).toBe(0);
  }, 90000);

  it('a closure, also from another GHOR screen, ends the waiting: nobody is to be phoned, and the minutes stop at the closure', async () => {
    const api = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const organisationIds = ((await api.get('/api/organisations')).body.data as { id: string }[]).map((o) => o.id).slice(5, 7);
    const incidentId = (await api.post('/api/incidents', { title: 'Stroomstoring Kerkrade', grip: 2 })).body.data.id as string;
    const alertId = (await api.post(`/api/incidents/${incidentId}/alerts`, { message: 'Stroomstoring: meld of u getroffen bent.', grip: 2, target: { organisationIds } })).body.data.alert.id as string;
    const ghor = await signedInPage(suite.browser, suite.server.url, 'ghor', DEMO_PASSWORD, PHONE, { path: `/incidents/${incidentId}` });
    await expect.poll(() => ghor.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    await ghor.getByRole('button', { name: /^Alarmering/ }).click();
    await expect.poll(() => ghor.getByTestId('call-now-top').locator('li').count(), { timeout: 15000 }).toBe(2);
    expect(await ghor.getByTestId('to-phone-count').textContent()).toBe('2');

    // A colleague closes the incident from another screen.
    expect((await api.post(`/api/incidents/${incidentId}/close`, {})).status).toBe(200);
    await expect.poll(() => ghor.getByTestId('call-now-top').count(), { timeout: 10000 }).toBe(0);
    expect(await ghor.getByRole('button', { name: 'Incident sluiten' }).count()).toBe(0);
    expect(await ghor.getByTestId('to-phone-count').count()).toBe(0);
    const card = ghor.locator(`[data-testid=alert-status][data-alert="${alertId}"]`);
    expect(await card.getByTestId('call-now').count()).toBe(0);
    const waiting = card.getByTestId('waiting').locator('li');
    expect(await waiting.count()).toBe(2);
    expect(await card.getByText('Geen antwoord voor het sluiten (2)').count()).toBe(1);
    // The wait shown is from the alert to the closure, whenever the card is looked at.
    const { incident } = (await api.get(`/api/incidents/${incidentId}`)).body.data as { incident: { endedAt: string } };
    const sentAt = ((await api.get(`/api/incidents/${incidentId}/alerts`)).body.data as { alert: { sentAt: string } }[])[0].alert.sentAt;
    const seconds = Math.round((Date.parse(incident.endedAt) - Date.parse(sentAt)) / 1000);
    for (const row of await waiting.allTextContents()) expect(row).toContain(`wacht ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`);
    await ghor.screenshot({ path: `${SHOTS}/alerts-closed-phone.png`, fullPage: true });
    expect(await seriousViolations(ghor)).toEqual([]);
  });
});
