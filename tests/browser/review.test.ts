import { constants, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { addNeed, readReport, setReport } from '../../shared/incident-doc';
import { PHONE, WIDE, SHOTS, browserSuite, labelsOutsideMap, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { DEMO_PASSWORD } from '../helpers/server';
import { waitFor } from '../helpers/wait-for';
import { connectBoard } from '../helpers/yjs-client';

const suite = browserSuite();

/** Whether the first page of a PDF (as Chromium writes it) has text-showing operators in its content stream. */
function firstPageDrawsText(pdf: Buffer): boolean {
  const text = pdf.toString('latin1');
  const page = /\/Type\s*\/Page[^s][\s\S]*?\/Contents\s+(\d+)\s+0\s+R/.exec(text);
  if (!page) return false;
  const object = new RegExp(`(?:^|\\s)${page[1]}\\s+0\\s+obj[\\s\\S]*?stream\\r?\\n`).exec(text);
  if (!object) return false;
  const start = object.index + object[0].length;
  const end = text.indexOf('endstream', start);
  // Tolerant of the stream's trailing line end, which is not part of the deflated data.
  const content = inflateSync(pdf.subarray(start, end), { finishFlush: constants.Z_SYNC_FLUSH }).toString('latin1');
  return /\bT[jJ]\b/.test(content);
}

describe('review in Chromium', () => {
  it('the slider moves the board back in time; the timeline and the report render', async () => {
    const ghor = await new HttpClient(suite.server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await ghor.post('/api/incidents', { title: 'Evaluatie oefening', grip: 2 })).body.data;
    const first = (await ghor.get(`/api/incidents/${incident.id}`)).body.data.network.locations[0];
    const location = first.id;
    const board = connectBoard(suite.server.url, incident.id, ghor.cookie);
    await board.synced();
    setReport(board.doc, location, { impact: 'critical', operation: 'evacuating', remarks: 'Kelder onder water' });
    // A second location reported tap by tap: three change sets, one happening in the timeline.
    const second = (await ghor.get(`/api/incidents/${incident.id}`)).body.data.network.locations[1];
    for (const change of [{ impact: 'minor' }, { power: 'backup' }, { bedsFree: 4 }] as const) {
      setReport(board.doc, second.id, change);
      await waitFor(() => Object.keys(change).every((k) => (readReport(board.doc, second.id) as Record<string, unknown>)[k] !== undefined) && readReport(board.doc, second.id).stamp, { what: 'each tap stamped' });
    }
    addNeed(board.doc, { id: 'need-vervoer', organisationId: first.organisationId, locationId: location, kind: 'transport', urgency: 'immediate', status: 'open', createdBy: 'ghor', createdAt: new Date().toISOString() });
    await waitFor(() => readReport(board.doc, location).stamp && board.doc.getMap<Y.Map<unknown>>('needs').get('need-vervoer')?.get('stamp'), { what: 'stamps' });
    // An alert to two organisations; one answers "hit".
    const coordinator = await new HttpClient(suite.server.url).signIn('coordinator', DEMO_PASSWORD);
    const ownOrg = (await coordinator.get('/api/me')).body.data.organisationId as string;
    const otherOrg = ((await ghor.get('/api/organisations')).body.data as { id: string }[]).find((o) => o.id !== ownOrg)!.id;
    const alertId = (await ghor.post(`/api/incidents/${incident.id}/alerts`, { message: 'Evacuatie oefening', grip: 2, target: { organisationIds: [ownOrg, otherOrg] } })).body.data.alert.id;
    expect((await coordinator.post(`/api/alerts/${alertId}/ack`, { answer: 'yes' })).status).toBe(200);
    await ghor.post(`/api/incidents/${incident.id}/close`);
    // GHOR's board was still open at the closure: its leaving is recorded after the end.
    board.destroy();
    await waitFor(async () => ((await ghor.get(`/api/incidents/${incident.id}/events?type=left`)).body.data.events as unknown[]).length > 0, { what: 'the leaving recorded' });

    const observer = await signedInPage(suite.browser, suite.server.url, 'observer', DEMO_PASSWORD, WIDE, { path: `/incidents/${incident.id}/review` });
    await expect.poll(() => observer.getByTestId('impact-critical').textContent(), { timeout: 15000 }).toBe('1');
    expect(await observer.getByTestId('timeline').textContent()).toContain('impact: Kritiek, bedrijfsvoering: Evacueert');
    // At the slider's end the whole record is behind it, the leaving after the closure too.
    expect(await observer.getByTestId('timeline').textContent()).toContain('verliet het bord');
    expect(await observer.getByTestId('timeline').locator(':scope > li:not(.past)').count()).toBe(0);
    const tapped = observer.getByTestId('timeline').locator('button', { hasText: second.name });
    expect(await tapped.count()).toBe(1);
    expect(await tapped.getAttribute('data-count')).toBe('3');
    expect(await tapped.textContent()).toMatch(/impact: Gering.*stroom: Noodstroom.*bedden vrij: 4/);
    // Search and municipality narrow the timeline down.
    await observer.getByTestId('timeline-search').fill('noodstroom');
    await expect.poll(() => observer.getByTestId('timeline').locator('li').count()).toBe(1);
    await observer.getByTestId('timeline-search').fill('');
    await observer.getByTestId('municipality-filter').selectOption(second.municipality);
    expect(await observer.getByTestId('timeline').textContent()).toContain(second.name);
    await observer.getByTestId('municipality-filter').selectOption('');
    // Dutch by default, the event types too; the need as it stood at the end.
    expect(await observer.getByTestId('timeline').textContent()).toContain('Melding');
    // The alert's row tells its course per organisation, hit ones first.
    const course = observer.getByTestId('alert-course');
    expect(await course.locator('summary').textContent()).toMatch(/2 organisaties · \d bezorgd · 1 geantwoord \(1 getroffen\)/);
    await course.locator('summary').click();
    expect(await course.locator('li').first().textContent()).toMatch(/getroffen \d\d:\d\d/);
    expect(await course.locator('li').nth(1).textContent()).toContain('geen antwoord');
    expect(await observer.getByTestId('review-needs').textContent()).toMatch(/Vervoer · Direct · Open/);
    await observer.screenshot({ path: `${SHOTS}/review-wide.png` });

    // Back to just after the opening: nothing was reported then.
    await observer.getByTestId('slider').fill('0');
    await expect.poll(() => observer.getByTestId('impact-critical').textContent()).toBe('0');
    expect(await observer.getByTestId('review-needs-none').isVisible()).toBe(true);
    // A moment worth jumping to: the peak of critical locations.
    await observer.getByTestId('moments').getByRole('button', { name: /Meeste kritieke locaties \(1\)/ }).click();
    await expect.poll(() => observer.getByTestId('impact-critical').textContent()).toBe('1');
    await observer.getByTestId('slider').fill('0');
    await expect.poll(() => observer.getByTestId('impact-critical').textContent()).toBe('0');
    // No report yet, so no EDXL-HAVE to give: the export says why instead of downloading an error.
    expect(await observer.getByTestId('have-disabled').getAttribute('title')).toMatch(/nog geen locatie gemeld/);
    // Clicking the report in the timeline jumps to its moment.
    await observer.getByTestId('timeline').getByText(/impact: Kritiek/).click();
    await expect.poll(() => observer.getByTestId('impact-critical').textContent()).toBe('1');
    expect(await observer.getByTestId('have-disabled').count()).toBe(0);
    // The need was filed just after the report: clicking it shows it open at its moment.
    await observer.getByTestId('timeline').getByText(/Vervoer · Direct · Open/).click();
    await expect.poll(() => observer.getByTestId('review-needs').count()).toBe(1);
    const have = await observer.request.get(await observer.getByRole('link', { name: 'Ziekenhuisstatus op dit moment (EDXL-HAVE)' }).getAttribute('href').then((h) => `${suite.server.url}${h}`));
    expect(have.status()).toBe(200);
    expect(await have.text()).toContain('<HospitalStatus');

    // The review screen printed as it stands (Ctrl+P): the moment it shows, the map drawn again
    // for the paper's width, no controls, and only what happened up to the moment.
    expect(await observer.getByTestId('timeline').locator('li:not(.past)').count()).toBeGreaterThan(0);
    const printedView = () =>
      observer.evaluate(() => {
        const shown = (e: Element | null) => !!e && e.checkVisibility();
        const map = document.querySelector<HTMLElement>('.map-box .leaflet-container')!;
        const canvas = map.querySelector<HTMLCanvasElement>('canvas')!;
        return {
          moment: shown(document.querySelector('[data-testid=print-moment]')) ? document.querySelector('[data-testid=print-moment]')!.textContent : null,
          player: shown(document.querySelector('[data-testid=play]')),
          zoom: shown(map.querySelector('.leaflet-control-zoom')),
          // The line that no map tiles came (this closed network has none): on screen only.
          noTiles: shown(document.querySelector('.map-box .notice')),
          chartsWhole: [...document.querySelectorAll('.side figure')].every((f) => getComputedStyle(f).breakInside === 'avoid'),
          later: [...document.querySelectorAll('[data-testid=timeline] > li:not(.past)')].filter(shown).length,
          earlier: [...document.querySelectorAll('[data-testid=timeline] > li.past')].filter(shown).length,
          // Leaflet's canvas is the map's size with 30 % on each side (padding 0.3).
          canvasToMap: parseFloat(canvas.style.width) / map.clientWidth,
        };
      });
    await observer.emulateMedia({ media: 'print' });
    await expect.poll(async () => (await printedView()).canvasToMap).toBeCloseTo(1.6, 2);
    const printed = await printedView();
    expect(printed.moment).toMatch(/^Toestand op \d\d-\d\d, \d\d:\d\d:\d\d, met de gebeurtenissen tot dat moment/);
    expect(printed).toMatchObject({ player: false, zoom: false, later: 0, noTiles: false, chartsWhole: true });
    // The whole region on paper: every municipality's name inside the map.
    expect(await labelsOutsideMap(observer, '.map-box .leaflet-container')).toBe(0);
    expect(printed.earlier).toBeGreaterThan(0);
    await observer.emulateMedia({ media: 'screen' });
    await expect.poll(async () => (await printedView()).canvasToMap).toBeCloseTo(1.6, 2);
    expect(await printedView()).toMatchObject({ moment: null, player: true, zoom: true, noTiles: true });

    const report = await observer.context().newPage();
    await report.goto(`${suite.server.url}/api/incidents/${incident.id}/report.html`);
    expect(await report.locator('h1').textContent()).toBe('Evaluatierapport: Evaluatie oefening');
    expect(await report.locator('svg').count()).toBe(3);
    await report.screenshot({ path: `${SHOTS}/review-report.png`, fullPage: true });
    // Printed on A4: long tables may break (a table that may not break left page 1 blank),
    // their headers repeat, and nothing that must stay whole is taller than a page.
    await report.emulateMedia({ media: 'print' });
    // As wide as A4's text between the margins (210 mm less 28, at 96 dpi).
    await report.setViewportSize({ width: 688, height: 990 });
    const print = await report.evaluate(() => ({
      unbreakableTables: [...document.querySelectorAll('table')].filter((t) => getComputedStyle(t).breakInside === 'avoid').length,
      headersRepeat: [...document.querySelectorAll('thead')].every((h) => getComputedStyle(h).display === 'table-header-group'),
      tallest: Math.max(0, ...[...document.querySelectorAll<HTMLElement>('.alert, figure, tr')].map((e) => e.getBoundingClientRect().height)),
      firstSection: document.querySelector('[data-section=summary]')!.getBoundingClientRect().top,
      // The location's name has room on paper (it was squeezed to a word a line by empty columns).
      placeColumn: (() => {
        const table = document.querySelector('[data-section=final-status]')!;
        return table.querySelector('thead th')!.getBoundingClientRect().width / table.getBoundingClientRect().width;
      })(),
    }));
    expect(print.unbreakableTables).toBe(0);
    expect(print.headersRepeat).toBe(true);
    // A4 at 96 dpi is 1123 px high; the content box within the margins about 990.
    expect(print.tallest).toBeLessThan(990);
    expect(print.firstSection).toBeLessThan(300);
    expect(print.placeColumn).toBeGreaterThanOrEqual(0.25);
    // The organisations' response times, both from the alert: answered and no report yet.
    expect(await report.locator('[data-section=organisations] thead').textContent()).toBe('OrganisatieAntwoord na alarmAntwoordEerste melding na alarm');
    const pdf = await report.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBeGreaterThan(1);
    // The first page draws text (a blank first page draws none): its content stream, inflated, shows text.
    expect(firstPageDrawsText(pdf)).toBe(true);
    // The incidents list tells an evaluator when the session started and closed.
    await observer.goto(`${suite.server.url}/incidents`);
    const row = observer.locator('ul.list > li', { hasText: 'Evaluatie oefening' });
    await expect.poll(() => row.count(), { timeout: 10000 }).toBe(1);
    expect(await row.getByTestId('incident-times').textContent()).toMatch(/^Gestart \d\d-\d\d-\d{4},? \d\d:\d\d, gesloten \d\d-\d\d-\d{4},? \d\d:\d\d$/);
    await observer.goto(`${suite.server.url}/incidents/${incident.id}/review`);
    await expect.poll(() => observer.getByTestId('impact-critical').textContent(), { timeout: 15000 }).toBe('1');
    await observer.setViewportSize(PHONE);
    await observer.screenshot({ path: `${SHOTS}/review-phone.png`, fullPage: true });
    expect(await observer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await report.setViewportSize(PHONE);
    await report.emulateMedia({ media: 'screen' });
    await report.screenshot({ path: `${SHOTS}/review-report-phone.png`, fullPage: true });
  });
});
