/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

// Zorgbeeld's service worker (docs/architecture.md, "Reach" and "The board without a network"):
// it shows an alert pushed by the server as a notification with the actions "Niet getroffen" and
// "Getroffen", which answer through the alert's answer link without opening the app, and tells
// the server the push arrived. It also keeps the app and the last answers the board opens with,
// so that a board opened before opens again without a network, on its browser copy.

import { build, files, version } from '$service-worker';
import { closeAlarmNotifications } from '$lib/alarm-notifications';
import { DATA_CACHE, KEPT_DATA, putInCache, type KeepMessage } from '$lib/offline-copy';
import { settledTag, type PushPayload } from '$shared/reach';

const worker = self as unknown as ServiceWorkerGlobalScope;

/**
 * The app's files of this version as the pages used them, and its page (the same for every route:
 * it renders in the browser). Kept as they are fetched, not all at install: taking every file at
 * once made a first visit, the coordinator's first minute, more than a second slower.
 */
const APP_CACHE = `app-${version}`;
const APP_FILES = new Set([...build, ...files]);
const APP_PAGE = '/';
/** Requests that sign in (with a password, or by setting one from an invitation) or out. */
const SESSION_CHANGES = /^\/api\/(session|sessions|invitations\/[^/]+)$/;
/** Pages the server renders itself (an alert's answer link): never answered with the app. */
const SERVER_PAGES = /^\/(a|api)\//;

worker.addEventListener('install', () => void worker.skipWaiting());

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== APP_CACHE && name !== DATA_CACHE) await caches.delete(name);
      // A page's request starts while the worker is still starting, not after.
      await worker.registration.navigationPreload?.enable().catch(() => undefined);
      await worker.clients.claim();
    })(),
  );
});

/**
 * Keeps a good answer under `key` beside the page's use of it, not before: an incident's network
 * is large, and the board waits for it. A failure to keep (storage full) only costs the offline use.
 */
function keep(event: FetchEvent, cacheName: string, key: RequestInfo, response: Response): void {
  if (keepable(key, response)) event.waitUntil(putInCache(cacheName, key, response.clone()));
}

/** Whether an answer may be kept under `key`: a good one of this origin, and for the app's page a page. */
function keepable(key: RequestInfo, response: Response): boolean {
  if (!response.ok || response.type !== 'basic') return false;
  // Only a page can stand for the app's page (a file opened as a page, the manifest say, cannot).
  return key !== APP_PAGE || response.headers.get('content-type')?.startsWith('text/html') === true;
}

/**
 * From the network while there is one, keeping a good answer; the kept one only when the network
 * fails (an answer such as 401 is passed on as it is: the page sends the user to sign in).
 */
async function networkFirst(event: FetchEvent, cacheName: string, key: RequestInfo = event.request): Promise<Response> {
  try {
    const response = ((await event.preloadResponse.catch(() => undefined)) as Response | undefined) ?? (await fetch(event.request));
    keep(event, cacheName, key, response);
    return response;
  } catch (error) {
    const kept = await caches.match(key, { cacheName });
    if (kept) return kept;
    throw error;
  }
}

/** The app's files never change within a version: the kept one, else the network's, kept. */
async function keptFirst(event: FetchEvent): Promise<Response> {
  const kept = await caches.match(event.request, { cacheName: APP_CACHE });
  if (kept) return kept;
  const response = await fetch(event.request);
  keep(event, APP_CACHE, event.request, response);
  return response;
}

/**
 * Signing in or out: the kept answers were someone's session, and go before the answer reaches the
 * page (which then loads the new session's). Who signed in is kept at once: after signing in, the
 * app goes on without asking `/api/me` again, and a board reloaded without a network needs it.
 */
async function signingInOrOut(event: FetchEvent): Promise<Response> {
  await caches.delete(DATA_CACHE).catch(() => undefined);
  const response = await fetch(event.request);
  if (event.request.method === 'POST' && response.ok) event.waitUntil(keepWhoIsSignedIn());
  return response;
}

async function keepWhoIsSignedIn(): Promise<void> {
  const response = await fetch('/api/me').catch(() => null);
  if (response?.ok) await putInCache(DATA_CACHE, '/api/me', response);
}

/**
 * A page loaded before this worker controlled it (a browser new to Zorgbeeld) names the app's files
 * and the page it fetched: they are kept as if they had passed through here. Mostly from the
 * browser's own cache, so not fetched again; who is signed in is asked anew.
 */
async function keepLoad({ page, files }: KeepMessage['keep']): Promise<void> {
  const keepOne = async (path: string, key: string = path) => {
    if (await caches.match(key, { cacheName: APP_CACHE })) return;
    const response = await fetch(path).catch(() => null);
    if (response && keepable(key, response)) await putInCache(APP_CACHE, key, response);
  };
  const kept = files.filter((path) => APP_FILES.has(path)).map((path) => keepOne(path));
  if (page !== null && !SERVER_PAGES.test(page)) kept.push(keepOne(page, APP_PAGE), keepWhoIsSignedIn());
  await Promise.all(kept);
}

worker.addEventListener('message', (event) => {
  const keep = (event.data as Partial<KeepMessage> | null)?.keep;
  if (!keep || !(keep.page === null || (typeof keep.page === 'string' && keep.page.startsWith('/'))) || !Array.isArray(keep.files)) return;
  event.waitUntil(keepLoad({ page: keep.page, files: keep.files.filter((f): f is string => typeof f === 'string').slice(0, 1000) }));
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  if (request.method !== 'GET') {
    if (SESSION_CHANGES.test(url.pathname)) event.respondWith(signingInOrOut(event));
    return;
  }
  // Any route's page is the app's page: the last one fetched serves every route without a network.
  if (request.mode === 'navigate') {
    if (!SERVER_PAGES.test(url.pathname)) event.respondWith(networkFirst(event, APP_CACHE, APP_PAGE));
    return;
  }
  if (APP_FILES.has(url.pathname)) return event.respondWith(keptFirst(event));
  if (KEPT_DATA.test(url.pathname) && url.search === '') event.respondWith(networkFirst(event, DATA_CACHE));
});

function payloadOf(event: PushEvent): PushPayload | null {
  try {
    const data = event.data?.json() as PushPayload | undefined;
    return data && typeof data.title === 'string' && typeof data.url === 'string' && data.url.startsWith('/') ? data : null;
  } catch {
    return null;
  }
}

worker.addEventListener('push', (event) => {
  const payload = payloadOf(event);
  if (!payload) return;
  event.waitUntil(
    (async () => {
      // Delivered: the push reached this device. Never an answer.
      if (payload.token) await fetch(`/a/${payload.token}/received`, { method: 'POST' }).catch(() => undefined);
      const en = payload.english === true;
      // An all clear, an answer or a closure takes the place of the alarms it ends (shown with requireInteraction, they would stay).
      await closeAlarmNotifications(worker.registration, Array.isArray(payload.withdraws) ? payload.withdraws : []);
      const settled = payload.kind === 'settled';
      await worker.registration.showNotification(payload.title, {
        body: payload.body,
        tag: payload.tag ?? payload.token ?? payload.url,
        // Word that an alarm asks nothing any more: seen when the phone is next looked at, without a sound.
        requireInteraction: !settled,
        silent: settled,
        icon: '/icon-192.png',
        data: payload,
        actions: payload.kind === 'alert' && payload.token ? [{ action: 'no', title: en ? 'Not hit' : 'Niet getroffen' }, { action: 'yes', title: en ? 'Hit' : 'Getroffen' }] : [],
      } as NotificationOptions);
    })(),
  );
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const payload = event.notification.data as PushPayload;
  event.waitUntil(
    (async () => {
      const answer = event.action === 'no' || event.action === 'yes' ? event.action : null;
      if (!payload.token || !answer) {
        await worker.clients.openWindow(payload.url);
        return;
      }
      // The same form the answer page posts; the page shows the outcome, or the problem, after it.
      const response = await fetch(`/a/${payload.token}`, { method: 'POST', headers: { accept: 'application/json' }, body: new URLSearchParams({ answer }) }).catch(() => null);
      const outcome = response?.ok ? ((await response.json().catch(() => null)) as { data?: { first?: boolean } } | null) : null;
      // A colleague's earlier answer stands: the page says whose, rather than a "received" that is not so.
      if (answer === 'yes' || outcome?.data?.first !== true) {
        await worker.clients.openWindow(`/a/${payload.token}`);
        return;
      }
      // The same alarm may be on the device twice (the alert and its reminder): the answer ends both.
      await closeAlarmNotifications(worker.registration, payload.alertId ? [payload.alertId] : []);
      // Not an alarm: whatever ends the alert (the open page learns of this very answer at once)
      // closes the alarms, and must leave this word standing. So its data names no `alertId`, and
      // its tag is not the alarm's: Chromium names a tagged notification by its tag, so the page's
      // close of the alarm, seen a moment before, would close this word in its place. The tag is
      // the one the server's word about this alert uses (a changed answer replaces it).
      const tag = payload.alertId ? settledTag(payload.alertId) : `answered-${payload.token}`;
      await worker.registration.showNotification(payload.english ? 'Answer received: not hit' : 'Antwoord ontvangen: niet getroffen', { body: payload.title, tag, icon: '/icon-192.png', data: { answered: payload.alertId } });
    })(),
  );
});
