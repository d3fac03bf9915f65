import { createHash } from 'node:crypto';
import type { PushSubscriptionRow } from '../../shared/reach';
import type { Store } from '../store/store';

/** A subscription's row id: SHA-256 of its endpoint, so the same device subscribing twice is one row. */
export function subscriptionId(endpoint: string): string {
  return createHash('sha256').update(endpoint).digest('base64url').slice(0, 22);
}

/** The devices a user receives alerts on. */
export async function devicesOf(store: Store, userId: string): Promise<PushSubscriptionRow[]> {
  return (await store.list('pushSubscriptions')).filter((row) => row.userId === userId);
}

/**
 * Stops a user's alerts on one device (its endpoint), or on every device of the user (no
 * endpoint: signed out everywhere, e.g. after a lost phone, whose notifications answer without
 * signing in). A device that another user subscribed since is left alone. Returns how many went.
 */
export async function forgetDevices(store: Store, userId: string, endpoint?: string): Promise<number> {
  const rows = endpoint === undefined ? await devicesOf(store, userId) : [await store.get('pushSubscriptions', subscriptionId(endpoint))];
  const gone = rows.filter((row) => row?.userId === userId).map((row) => row!.id);
  if (gone.length > 0) await store.remove('pushSubscriptions', gone);
  return gone.length;
}
