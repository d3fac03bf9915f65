import type { FailedSignIns, PublicUser, SignedIn } from '$shared/domain';
import { api, ApiFailure } from './api';
import { thisDeviceEndpoint } from './device-push';
import { signingIn } from './offline-copy';

/** Who is signed in on this tab; loaded once from `/api/me`. */
class Session {
  user = $state<PublicUser | null>(null);
  loaded = $state(false);
  /** Failed attempts on the account since its previous sign-in, shown once after signing in. */
  failedAttempts = $state<FailedSignIns | null>(null);

  /** Loads the signed-in user; null when there is no session. */
  async load(): Promise<PublicUser | null> {
    try {
      this.user = await api<PublicUser>('/me');
    } catch (error) {
      if (!(error instanceof ApiFailure) || error.status !== 401) throw error;
      this.user = null;
    } finally {
      this.loaded = true;
    }
    return this.user;
  }

  async signIn(username: string, password: string): Promise<void> {
    const { failedAttempts, ...user } = await signingIn(() => api<SignedIn>('/session', { method: 'POST', body: { username, password } }));
    this.user = user;
    this.failedAttempts = failedAttempts;
  }

  /** Signs this device out, and stops the account's alerts on it; says whether they were on. */
  async signOut(): Promise<{ devicesOff: number }> {
    const pushEndpoint = await thisDeviceEndpoint().catch(() => undefined);
    const result = await api<{ devicesOff: number }>('/session', { method: 'DELETE', body: pushEndpoint ? { pushEndpoint } : {} });
    this.user = null;
    return result;
  }

  /** Signs out on every device (a lost phone), and stops the account's alerts on all of them. */
  async signOutEverywhere(): Promise<{ devicesOff: number }> {
    const result = await api<{ devicesOff: number }>('/sessions', { method: 'DELETE' });
    this.user = null;
    return result;
  }
}

/** The one session state. */
export const session = new Session();
