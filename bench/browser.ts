import { chromium } from 'playwright-core';
import { WriterPeer, percentile, until } from './peers';
import { openIncident, signIn, DEMO_PASSWORD, type BenchServer } from './servers';
import type * as Y from 'yjs';

/** Result of the browser benchmark at one network size. */
export interface BrowserResult {
  locations: number;
  readyMs: number;
  repaintMs: number;
  /** From the update's arrival in the page to the frame that shows it: median and largest. */
  inPageMs: number;
  inPageMaxMs: number;
  longTasks: number;
  longestTaskMs: number;
  /** Whether the long-task observer saw a deliberate 120 ms task (else its counts mean nothing). */
  calibrated: boolean;
}

/**
 * The GHOR board in Debian's Chromium: time from navigation to a map with every location
 * coloured (median of 3), time from a status change on the server to the repainted frame, and
 * long tasks (> 50 ms) while panning and zooming.
 */
export async function browserBench(server: BenchServer): Promise<BrowserResult> {
  const ghor = await signIn(server.url, 'ghor', DEMO_PASSWORD);
  const { id, locations } = await openIncident(server.url, ghor);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const [name, value] = ghor.split('=');
    await context.addCookies([{ name, value, url: server.url }]);
    // The page notes when a message of the board's document arrives (before its own handler runs).
    await context.addInitScript(() => {
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          if (String(args[0]).includes('/yjs/')) this.addEventListener('message', () => ((window as unknown as { __arrived: number }).__arrived = performance.now()));
        }
      };
    });
    const page = await context.newPage();
    const ready: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${server.url}/incidents/${id}`);
      await page.waitForSelector(`[data-testid=location-map][data-markers="${locations.length}"]`, { timeout: 60000 });
      await page.waitForSelector('[data-testid=board][data-synced=true]', { timeout: 60000 });
      // Navigation start to now, measured by the page itself, after the next painted frame.
      ready.push(await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())))));
    }

    // One status change: from the write leaving a client to the frame that shows it.
    const writer = new WriterPeer(`${server.url.replace('http', 'ws')}/yjs/${id}`, { cookie: ghor });
    await until(() => writer.synced, 30000, 'writer synced');
    const repaints: number[] = [];
    const inPage: number[] = [];
    for (let i = 0; i < 8; i++) {
      const expected = String(i + 1);
      // The frame after the figures changed: the map's own work for the change (a grouping
      // asked for the next frame) runs in it before this callback.
      const painted = page.evaluate(
        (want) =>
          new Promise<{ at: number; inPage: number }>((resolve) => {
            const target = document.querySelector('[data-testid=impact-critical]')!;
            const observer = new MutationObserver(() => {
              if (target.textContent === want) {
                observer.disconnect();
                requestAnimationFrame(() => resolve({ at: performance.timeOrigin + performance.now(), inPage: performance.now() - (window as unknown as { __arrived: number }).__arrived }));
              }
            });
            observer.observe(target, { childList: true, characterData: true, subtree: true });
          }),
        expected,
      );
      await page.waitForTimeout(200);
      const sentAt = Date.now();
      (writer.doc.getMap('reports').get(locations[i * 7]) as Y.Map<unknown>).set('impact', 'critical');
      const { at, inPage: ms } = await painted;
      repaints.push(at - sentAt);
      inPage.push(ms);
    }
    writer.close();

    // Pan and zoom with the mouse while a PerformanceObserver collects long tasks.
    await page.evaluate(() => {
      (window as unknown as { __long: number[] }).__long = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => (window as unknown as { __long: number[] }).__long.push(e.duration))).observe({ type: 'longtask', buffered: false });
    });
    // Calibration: a deliberate 120 ms task must show up, or the observer measures nothing.
    await page.evaluate(() => setTimeout(() => {
      const end = performance.now() + 120;
      while (performance.now() < end);
    }, 0));
    await page.waitForTimeout(400);
    const calibrated = await page.evaluate(() => {
      const long = (window as unknown as { __long: number[] }).__long;
      const seen = long.some((d) => d >= 100);
      long.length = 0;
      return seen;
    });
    const box = (await page.locator('[data-testid=location-map]').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 4; i++) {
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(300);
    }
    for (let i = 0; i < 4; i++) {
      await page.mouse.down();
      await page.mouse.move(cx + 200, cy + 120, { steps: 10 });
      await page.mouse.up();
      await page.mouse.move(cx, cy);
    }
    for (let i = 0; i < 4; i++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(300);
    }
    const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    return {
      locations: locations.length,
      readyMs: percentile(ready, 50),
      repaintMs: percentile(repaints, 50),
      inPageMs: percentile(inPage, 50),
      inPageMaxMs: Math.max(...inPage),
      longTasks: long.length,
      longestTaskMs: long.length ? Math.max(...long) : 0,
      calibrated,
    };
  } finally {
    await browser.close();
  }
}
