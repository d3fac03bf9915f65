/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

// Zorgbeeld's service worker (docs/architecture.md, "Reach"): it shows an alert pushed by the
// server as a notification with the actions "Niet getroffen" and "Getroffen", which answer through
// the alert's answer link without opening the app, and tells the server the push arrived.

import type { PushPayload } from '$shared/reach';

const worker = self as unknown as ServiceWorkerGlobalScope;

worker.addEventListener('install', () => void worker.skipWaiting());
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));

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
