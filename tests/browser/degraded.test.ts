import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { PHONE, SHOTS, WIDE, expectNoPageErrors, launchBrowser, signInByForm, signedInPage } from '../helpers/browser';
import { HttpClient } from '../helpers/http-client';
import { startProcessServer, type ProcessServer } from '../helpers/process-server';
import { DEMO_PASSWORD } from '../helpers/server';

// The server's data directory is a small real file system that the test fills up.
let mount: string;
let server: ProcessServer;
let browser: Browser;
beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  mount = mkdtempSync(join(tmpdir(), 'zorgbeeld-browser-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]);
  [server, browser] = await Promise.all([startProcessServer({ dataDir: mount }), launchBrowser()]);
});
afterEach(expectNoPageErrors);
afterAll(async () => {
  await browser?.close();
  await server?.stop({ keepData: true });
  execFileSync('umount', ['-l', mount]);
  rmSync(mount, { recursive: true, force: true });
});

describe('a board whose storage fails, in Chromium', () => {
  it('tells the coordinator and GHOR the board is read-only for now, keeps the report, and sends it once space returns', async () => {
    const api = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const incident = (await api.post('/api/incidents', { title: 'Schijf vol', grip: 2 })).body.data;
    const ghor = await signedInPage(browser, server.url, 'ghor', DEMO_PASSWORD, WIDE, { path: `/incidents/${incident.id}` });
    await expect.poll(() => ghor.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');
    const coordinator = await signedInPage(browser, server.url, 'coordinator', DEMO_PASSWORD, PHONE, { path: `/incidents/${incident.id}` });
    await expect.poll(() => coordinator.getByTestId('board').getAttribute('data-synced'), { timeout: 15000 }).toBe('true');

    const filler = join(mount, 'filler');
    for (const size of [1024 * 1024, 64 * 1024, 4096]) {
      try {
        for (;;) writeFileSync(filler, Buffer.alloc(size, 1), { flag: 'a' });
      } catch {
        // ENOSPC: the next, smaller chunk fills what is left.
      }
    }
    await coordinator.getByTestId('location-list').locator('button.location').first().click();
    // Where "Evacueert" is before anything was sent: a banner that arrives while a finger is on
    // its way must not move it (docs/architecture.md, "The board on a phone").
    // Measured where the board scrolls: the test's own typing scrolls the form, a banner must not.
    const evacuate = coordinator.getByRole('button', { name: 'Evacueert' });
    const placeOf = () => evacuate.evaluate((button) => Math.round(button.getBoundingClientRect().top + button.closest('.content')!.scrollTop));
    const tabs = coordinator.locator('nav.tabs');
    const before = { button: await placeOf(), tabs: await tabs.boundingBox() };
    await coordinator.getByRole('button', { name: 'Kritiek' }).click();
    await coordinator.fill('textarea[name=remarks]', `Stroom uit, aggregaat draait. ${'Toelichting. '.repeat(150)}`);
    await evacuate.click();
    await expect.poll(() => evacuate.getAttribute('aria-pressed')).toBe('true');
    const waiting = coordinator.getByTestId('waiting');
    await expect.poll(() => waiting.textContent(), { timeout: 15000 }).toContain('alleen te bekijken');
    await expect.poll(() => ghor.getByTestId('waiting').textContent(), { timeout: 15000 }).toContain('opslag van de server is vol');
    await coordinator.screenshot({ path: `${SHOTS}/board-storage-full-phone.png` });
    // The messages laid over the board are read like the rest of it.
    expect(await seriousViolations(coordinator)).toEqual([]);
    expect({ button: await placeOf(), tabs: await tabs.boundingBox() }).toEqual(before);
    await expect.poll(() => coordinator.getByTestId('status-stack').boundingBox().then((box) => box && Math.round(box.y + box.height))).toBe(PHONE.height);
    await ghor.screenshot({ path: `${SHOTS}/board-storage-full-wide.png` });
    // The long remarks and what came after them wait on the phone (a first small tap may still have fitted).
    expect(await ghor.getByTestId('evacuating').textContent()).toBe('0');

    rmSync(filler);
    await expect.poll(() => ghor.getByTestId('impact-critical').textContent(), { timeout: 20000 }).toBe('1');
    await expect.poll(() => ghor.getByTestId('waiting').count(), { timeout: 10000 }).toBe(0);
    await expect.poll(() => coordinator.getByTestId('waiting').count(), { timeout: 10000 }).toBe(0);
    // The kept changes go out one after the other once space returns: the last one arrives too.
    try {
      // Generous: under a full suite the phone's reconnect after repeated refusals can take a while.
      await expect.poll(() => ghor.getByTestId('evacuating').textContent(), { timeout: 30000 }).toBe('1');
    } catch (error) {
      // What the server and the phone knew, to tell a lost change from a late one.
      console.error('server log:', server.output.join('').split('\n').filter((l) => /yjs|refus|storage|log/i.test(l)).slice(-30).join('\n'));
      console.error('coordinator sees:', await coordinator.evaluate(() => document.body.innerText.slice(0, 1500)));
      throw error;
    }
  }, 90000);

  it('shows failed sign-in attempts on the account after signing in', async () => {
    for (let i = 0; i < 3; i++) await new HttpClient(server.url).post('/api/session', { username: 'observer', password: `fout-${i}-wachtwoord` });
    const page = await signInByForm(browser, server.url, 'observer', DEMO_PASSWORD, PHONE);
    const notice = page.getByTestId('failed-attempts');
    await expect.poll(() => notice.textContent()).toContain('zijn er 3 mislukte aanmeldpogingen');
    await page.screenshot({ path: `${SHOTS}/failed-attempts-phone.png` });
    await notice.getByRole('button').click();
    expect(await notice.count()).toBe(0);
  });
});
