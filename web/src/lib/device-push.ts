import { api, errorMessage } from './api';
import { i18n } from './i18n.svelte';

/** Where this device stands with alert notifications. */
export type DevicePushState = 'unsupported' | 'server-off' | 'denied' | 'off' | 'on';

interface ReachInfo {
  channels: string[];
  vapidPublicKey: string | null;
}

/** The VAPID public key (base64url) as the bytes PushManager.subscribe wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function supported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';
}

async function registration(): Promise<ServiceWorkerRegistration> {
  // SvelteKit registers /service-worker.js on start; wait for it to be active.
  return navigator.serviceWorker.ready;
}

/**
 * This device's state: supported at all, switched on at the server, allowed, subscribed for this
 * account. The browser keeps its subscription across accounts; only the server knows whose it is.
 */
export async function devicePushState(): Promise<DevicePushState> {
  if (!supported()) return 'unsupported';
  const info = await api<ReachInfo>('/reach');
  if (!info.vapidPublicKey) return 'server-off';
  if (Notification.permission === 'denied') return 'denied';
  const existing = await (await registration()).pushManager.getSubscription();
  if (!existing) return 'off';
  const mine = await api<{ endpoint: string; gone: boolean }[]>('/push/subscriptions');
  return mine.some((device) => device.endpoint === existing.endpoint && !device.gone) ? 'on' : 'off';
}

/** This browser's push endpoint, if it has one; asks nothing and waits for no service worker. */
export async function thisDeviceEndpoint(): Promise<string | undefined> {
  if (!supported()) return undefined;
  const reg = await navigator.serviceWorker.getRegistration();
  return (await reg?.pushManager.getSubscription())?.endpoint;
}

/** Asks for permission, subscribes this device at its push service and tells the server. */
export async function enableDevicePush(): Promise<DevicePushState> {
  if (!supported()) return 'unsupported';
  const info = await api<ReachInfo>('/reach');
  if (!info.vapidPublicKey) return 'server-off';
  if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  const reg = await registration();
  const subscription = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(info.vapidPublicKey) }));
  const json = subscription.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
  await api('/push/subscriptions', { method: 'POST', body: { endpoint: json.endpoint, keys: json.keys } });
  return 'on';
}

/** The sentence for a failure to turn notifications on: the browser's own reason, or the server's sentence. */
export function devicePushFailure(error: unknown): string {
  return `${i18n.t('notificationsFailed')} ${error instanceof Error && error.name !== 'ApiFailure' ? error.message : errorMessage(error)}`;
}

/** Unsubscribes this device, at the push service and at the server. */
export async function disableDevicePush(): Promise<DevicePushState> {
  if (!supported()) return 'unsupported';
  const subscription = await (await registration()).pushManager.getSubscription();
  if (subscription) {
    await api('/push/subscriptions', { method: 'DELETE', body: { endpoint: subscription.endpoint } });
    await subscription.unsubscribe();
  }
  return 'off';
}
