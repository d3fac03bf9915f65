import type { PublicUser } from '$shared/domain';
import { api, ApiFailure } from './api';

/** Who is signed in on this tab; loaded once from `/api/me`. */
class Session {
  user = $state<PublicUser | null>(null);
  loaded = $state(false);

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
    this.user = await api<PublicUser>('/session', { method: 'POST', body: { username, password } });
  }

  async signOut(): Promise<void> {
    await api('/session', { method: 'DELETE' });
    this.user = null;
  }
}

/** The one session state. */
export const session = new Session();
