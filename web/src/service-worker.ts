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
import type { PushPayload } from '$shared/reach';

const worker = self as unknown as ServiceWorkerGlobalScope;

/** The app's files of this version, and its page (the same for every route: rendered in the browser). */
const APP_CACHE = `app-${version}`;
const APP_FILES = new Set([...build, ...files]);
const APP_PAGE = '/';
/** The last answers of the API the board needs to open: who is signed in, the incidents, one incident. */
const DATA_CACHE = 'data';
const KEPT_DATA = /^\/api\/(me|incidents|incidents\/[^/]+)$/;
/** Pages the server renders itself (an alert's answer link): never answered with the app. */
const SERVER_PAGES = /^\/(a|api)\//;

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      // Notifications matter more than the offline app: a failure to keep the files (storage
      // full, say) does not stop the worker; the app then simply needs the network.
      const cache = await caches.open(APP_CACHE);
      await cache.addAll([...APP_FILES, APP_PAGE]).catch(() => caches.delete(APP_CACHE));
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== APP_CACHE && name !== DATA_CACHE) await caches.delete(name);
      await worker.clients.claim();
    })(),
  );
});

/**
 * From the network while there is one, keeping a good answer; the kept one only when the network
 * fails (an answer such as 401 is passed on as it is: the page sends the user to sign in).
 */
async function networkFirst(request: Request, cacheName: string): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await (await caches.open(cacheName)).put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await caches.match(request, { cacheName });
    if (kept) return kept;
    throw error;
  }
}

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  if (request.method !== 'GET') {
    // Signing in or out: the kept answers were someone's session, and go.
    if (url.pathname === '/api/session' || url.pathname === '/api/sessions') event.waitUntil(caches.delete(DATA_CACHE));
    return;
  }
  if (request.mode === 'navigate') {
    // Without a network, the app's page (kept at install); it opens the route itself.
    if (!SERVER_PAGES.test(url.pathname)) event.respondWith(fetch(request).catch(async (error: unknown) => (await caches.match(APP_PAGE, { cacheName: APP_CACHE })) ?? Promise.reject(error)));
    return;
  }
  if (APP_FILES.has(url.pathname)) {
    event.respondWith(caches.match(request, { cacheName: APP_CACHE }).then((kept) => kept ?? fetch(request)));
    return;
  }
  if (KEPT_DATA.test(url.pathname) && url.search === '') event.respondWith(networkFirst(request, DATA_CACHE));
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
      await worker.registration.showNotification(payload.title, {
        body: payload.body,
        tag: payload.token ?? payload.url,
        requireInteraction: true,
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
      const response = await fetch(`/a/${payload.token}`, { method: 'POST', body: new URLSearchParams({ answer }) }).catch(() => null);
      if (answer === 'yes' || !response?.ok) {
        await worker.clients.openWindow(`/a/${payload.token}`);
        return;
      }
      await worker.registration.showNotification(payload.english ? 'Answer received: not hit' : 'Antwoord ontvangen: niet getroffen', { body: payload.title, tag: payload.token, icon: '/icon-192.png' });
    })(),
  );
});
