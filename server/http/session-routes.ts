import { Router } from 'express';
import { text } from '../../shared/text';
import { checkLogin } from '../../shared/validation';
import { verifyPassword } from '../auth/passwords';
import type { FailureLimiter } from '../auth/rate-limit';
import { publicUser, requireRole, type Sessions } from '../auth/sessions';
import type { Store } from '../store/store';
import { HttpError, invalidInput } from './http-error';

// Checked when the username is unknown, so that a wrong name takes as long as a wrong password.
const DUMMY_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Sign-in, sign-out and "who am I". */
export function sessionRoutes({ store, sessions, limiter, log }: { store: Store; sessions: Sessions; limiter: FailureLimiter; log: (m: string) => void }): Router {
  const router = Router();

  router.post('/session', async (req, res) => {
    const checked = checkLogin(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const { username, password } = checked.value;
    // Limited per account and per address, so that neither guessing one account nor spraying many works.
    const keys = [`user:${username.toLowerCase()}`, `ip:${req.socket.remoteAddress ?? ''}`];
    const wait = Math.max(...keys.map((k) => limiter.retryAfter(k)));
    if (wait > 0) {
      res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      throw new HttpError(
        429,
        'rate-limited',
        text(
          `Te veel mislukte pogingen. Probeer het over ${Math.ceil(wait / 60000)} minuten opnieuw.`,
          `Too many failed attempts. Try again in ${Math.ceil(wait / 60000)} minutes.`,
        ),
      );
    }
    const users = await store.list('users');
    const user = users.find((u) => u.username.toLowerCase() === username.toLowerCase());
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || !user.active) {
      keys.forEach((k) => limiter.fail(k));
      log(`sign-in failed for '${username.slice(0, 64)}'`);
      throw new HttpError(401, 'unauthenticated', text('Gebruikersnaam of wachtwoord klopt niet.', 'Username or password is wrong.'));
    }
    limiter.reset(keys[0]);
    res.setHeader('Set-Cookie', await sessions.create(user));
    log(`signed in: ${user.username} (${user.role})`);
    res.json({ data: publicUser(user) });
  });

  router.delete('/session', async (req, res) => {
    if (req.sessionId) await sessions.end(req.sessionId);
    res.setHeader('Set-Cookie', sessions.clearCookie());
    res.json({ data: { signedOut: true } });
  });

  // Sign out on every device, e.g. after a lost phone.
  router.delete('/sessions', requireRole(), async (req, res) => {
    await sessions.endAllOf(req.user!.id);
    res.setHeader('Set-Cookie', sessions.clearCookie());
    res.json({ data: { signedOut: true } });
  });

  router.get('/me', requireRole(), (req, res) => {
    res.json({ data: publicUser(req.user!) });
  });

  return router;
}
