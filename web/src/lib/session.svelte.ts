import type { FailedSignIns, PublicUser, SignedIn } from '$shared/domain';
import { api, ApiFailure } from './api';
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

  async signOut(): Promise<void> {
    await api('/session', { method: 'DELETE' });
    this.user = null;
  }
}

/** The one session state. */
export const session = new Session();
