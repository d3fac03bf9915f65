import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startProcessServer, type ProcessServer } from './process-server';

/** Viewports of the people using Zorgbeeld: a coordinator's phone and a GHOR desk screen. */
export const PHONE = { width: 390, height: 844 };
export const WIDE = { width: 1600, height: 1000 };

/**
 * Errors thrown in a page and not caught there (also unhandled rejections), in every context of
 * a browser from {@link launchBrowser}. A click whose handler throws does nothing the user can
 * see: that is how a tap went missing before the board was loaded, so a browser test fails on any.
 */
const pageErrors: string[] = [];

/** Fails the test that has just run if a page threw an error it did not catch (see {@link pageErrors}). */
export function expectNoPageErrors(): void {
  expect(pageErrors.splice(0), 'errors thrown in the pages and not caught').toEqual([]);
}

/** Launches Debian's Chromium headless with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('weberror', (error) => pageErrors.push(`${error.page()?.url() ?? '?'}: ${error.error().message}`));
    return context;
  };
  return browser;
}

/**
 * Opens a page at a viewport (and the device's time zone, if given), signed in, at `path`. The
 * session is asked for as the sign-in form asks for it, by the context's own requests, so that the
 * cookies are the browser's; the form's page is not loaded first. That page is what
 * {@link signInByForm} is for: loading it for every user of every test cost the suite minutes.
 */
export async function signedInPage(browser: Browser, baseUrl: string, username: string, password: string, viewport = WIDE, { path = '/', timezoneId }: { path?: string; timezoneId?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'nl-NL', timezoneId });
  const answer = await context.request.post(`${baseUrl}/api/session`, { data: { username, password }, headers: { origin: baseUrl } });
  if (!answer.ok()) throw new Error(`sign-in of ${username} failed: ${answer.status()} ${await answer.text()}`);
  const page = await context.newPage();
  await page.goto(`${baseUrl}${path}`);
  return page;
}

/** Opens a page at a viewport and signs in through the sign-in page's form, as a user does. */
export async function signInByForm(browser: Browser, baseUrl: string, username: string, password: string, viewport = WIDE): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'nl-NL' });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.locator('button[type=submit]').first().click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

/**
 * How many municipality names of the map at `mapSelector` have their centre outside the map's
 * box: 0 when the map shows the whole region (each name stands at the centre of its locations).
 */
export async function labelsOutsideMap(page: Page, mapSelector: string): Promise<number> {
  return page.evaluate((selector) => {
    const map = document.querySelector(selector)!;
    const m = map.getBoundingClientRect();
    return [...map.querySelectorAll('.municipality-label')].filter((label) => {
      const l = label.getBoundingClientRect();
      const [x, y] = [l.left + l.width / 2, l.top + l.height / 2];
      return x < m.left || x > m.right || y < m.top || y > m.bottom;
    }).length;
  }, mapSelector);
}

/**
 * The municipality names of the map at `mapSelector`, each with whether a marker or an aggregate
 * is drawn over its text: read from the canvas' own pixels under the name's box (less its halo),
 * not from the placement the map computed.
 */
export async function municipalityLabels(page: Page, mapSelector: string): Promise<{ name: string; underMarker: boolean }[]> {
  return page.evaluate((selector) => {
    const map = document.querySelector(selector)!;
    const canvases = [...map.querySelectorAll<HTMLCanvasElement>('.leaflet-overlay-pane canvas')];
    return [...map.querySelectorAll<HTMLElement>('.municipality-label')].map((label) => {
      const l = label.getBoundingClientRect();
      const underMarker = canvases.some((canvas) => {
        const c = canvas.getBoundingClientRect();
        const scale = canvas.width / c.width;
        const x = Math.round((l.left + 3 - c.left) * scale);
        const y = Math.round((l.top + 2 - c.top) * scale);
        const width = Math.round((l.width - 6) * scale);
        const height = Math.round((l.height - 4) * scale);
        if (x + width <= 0 || y + height <= 0 || x >= canvas.width || y >= canvas.height) return false;
        const pixels = canvas.getContext('2d')!.getImageData(Math.max(0, x), Math.max(0, y), Math.min(width, canvas.width - Math.max(0, x)), Math.min(height, canvas.height - Math.max(0, y))).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;
        return false;
      });
      return { name: label.textContent ?? '', underMarker };
    });
  }, mapSelector);
}

/**
 * How many of the aggregates of the map at `mapSelector` show `colour` (`#rrggbb`) somewhere in
 * their circle: read from the canvas' pixels around each aggregate the map lists in
 * `data-group-points`.
 */
export async function aggregatesShowing(page: Page, mapSelector: string, colour: string): Promise<number> {
  return page.evaluate(
    ({ selector, colour }) => {
      const map = document.querySelector<HTMLElement>(selector)!;
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
      const points = JSON.parse(map.dataset.groupPoints ?? '[]') as [number, number, number][];
      const m = map.getBoundingClientRect();
      const canvas = map.querySelector<HTMLCanvasElement>('.leaflet-overlay-pane canvas')!;
      const c = canvas.getBoundingClientRect();
      const scale = canvas.width / c.width;
      const context = canvas.getContext('2d')!;
      return points.filter(([x, y]) => {
        const left = Math.round((m.left + x - 16 - c.left) * scale);
        const top = Math.round((m.top + y - 16 - c.top) * scale);
        const size = Math.round(32 * scale);
        if (left < 0 || top < 0 || left + size > canvas.width || top + size > canvas.height) return false;
        const pixels = context.getImageData(left, top, size, size).data;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3] > 200 && Math.abs(pixels[i] - r) < 12 && Math.abs(pixels[i + 1] - g) < 12 && Math.abs(pixels[i + 2] - b) < 12) return true;
        }
        return false;
      }).length;
    },
    { selector: mapSelector, colour },
  );
}

/**
 * The tooltip texts of the aggregates of the map at `mapSelector` (at most `limit`), read by
 * pointing the mouse at each one `data-group-points` lists.
 */
export async function groupTooltips(page: Page, mapSelector: string, limit = 3): Promise<string[]> {
  const map = page.locator(mapSelector);
  const box = (await map.boundingBox())!;
  const points = (JSON.parse((await map.getAttribute('data-group-points')) ?? '[]') as [number, number, number][]).filter(([x, y]) => x > 20 && y > 20 && x < box.width - 20 && y < box.height - 20);
  const tips: string[] = [];
  for (const [x, y, count] of points.slice(0, limit)) {
    // In steps, as a hand moves it: Leaflet's canvas decides what is under the pointer on its
    // mousemove events, and one jump from an aggregate onto its neighbour was missed now and then.
    await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
    const tip = page.locator(`${mapSelector} .leaflet-tooltip`).filter({ hasText: new RegExp(`^${count} `) });
    // A single marker drawn over the aggregate's centre takes the pointer: then no tooltip comes.
    if (!(await tip.waitFor({ timeout: 3000 }).then(() => true, () => false))) continue;
    tips.push((await tip.first().textContent()) ?? '');
  }
  return tips;
}

/** Where browser tests put their screenshots. */
export const SHOTS = 'test-results/screenshots';

/**
 * One real server process and one Chromium for a browser test file, started before its tests
 * and stopped after them. Read `server` and `browser` inside the tests.
 */
export function browserSuite({ env }: { env?: () => Promise<Record<string, string>> } = {}): { readonly server: ProcessServer; readonly browser: Browser } {
  let server: ProcessServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    // `env` runs first, so a test can start its protocol peers and point the server at them.
    const extra = env ? await env() : {};
    [server, browser] = await Promise.all([startProcessServer({ env: extra }), launchBrowser()]);
  });
  afterEach(expectNoPageErrors);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
  };
}
