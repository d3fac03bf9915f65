import { chromium, type Browser, type Page } from 'playwright-core';

/** Viewports of the people using Zorgbeeld: a coordinator's phone and a GHOR desk screen. */
export const PHONE = { width: 390, height: 844 };
export const WIDE = { width: 1600, height: 1000 };

/** Launches Debian's Chromium headless with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
  });
}

/** Opens a page at a viewport and signs in through the login form. */
export async function signedInPage(browser: Browser, baseUrl: string, username: string, password: string, viewport = WIDE): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'nl-NL' });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}
