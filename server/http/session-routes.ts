import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import type { FailedSignIns } from '../../shared/domain';
import { text } from '../../shared/text';
import { FieldReader, checkLogin } from '../../shared/validation';
import { verifyPassword } from '../auth/passwords';
import { readCookie, publicUser, requireRole, sessionId, type Sessions } from '../auth/sessions';
import type { SignInAttempt, SignInGuard } from '../auth/sign-in-guard';
import { forgetDevices } from '../reach/devices';
import type { Store, StoredSignIns } from '../store/store';
import { HttpError, invalidInput } from './http-error';

// Checked when the username is unknown, so that a wrong name takes as long as a wrong password.
const DUMMY_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** The cookie that makes a browser a known device of the users who signed in on it. */
export const DEVICE_COOKIE = 'zb_device';
const DEVICE_MAX_AGE = 365 * 24 * 3600;
/** Devices and addresses remembered per user, most recent first. */
const REMEMBERED = 10;

/** Sign-in, sign-out and "who am I". */
export function sessionRoutes({ store, sessions, guard, log, now, secureCookies }: { store: Store; sessions: Sessions; guard: SignInGuard; log: (m: string) => void; now: () => Date; secureCookies: boolean }): Router {
  const router = Router();

  const deviceCookie = (token: string) => `${DEVICE_COOKIE}=${token}; Path=/api/session; HttpOnly; SameSite=Lax; Max-Age=${DEVICE_MAX_AGE}${secureCookies ? '; Secure' : ''}`;

  router.post('/session', async (req, res) => {
    const checked = checkLogin(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const { username, password } = checked.value;
    const address = clientAddress(req);
    const users = await store.list('users');
    const user = users.find((u) => u.username.toLowerCase() === username.toLowerCase());
    const known = user ? await store.get('signIns', user.id) : undefined;
    const deviceToken = readCookie(req.headers.cookie, DEVICE_COOKIE);
    const deviceHash = deviceToken && deviceToken.length <= 100 ? sessionId(deviceToken) : undefined;
    const attempt: SignInAttempt = {
      account: username.toLowerCase().slice(0, 64),
      address,
      knownDevice: deviceHash !== undefined && known?.devices.includes(deviceHash) ? deviceHash : undefined,
      knownAddress: known?.addresses.includes(address) ?? false,
    };
    const wait = await guard.wait(attempt);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      res.setHeader('Retry-After', String(seconds));
      throw new HttpError(
        429,
        'rate-limited',
        text(
          `Te veel mislukte pogingen. Probeer het over ${seconds < 120 ? `${seconds} seconden` : `${Math.ceil(seconds / 60)} minuten`} opnieuw.`,
          `Too many failed attempts. Try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`,
        ),
      );
    }
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || !user.active) {
      await guard.fail(attempt);
      if (user) await store.put({ signIns: [withFailure(known, user.id, now().toISOString(), address)] });
      log(`sign-in failed for '${username.slice(0, 64)}'`);
      throw new HttpError(401, 'unauthenticated', text('Gebruikersnaam of wachtwoord klopt niet.', 'Username or password is wrong.'));
    }
    await guard.succeeded(attempt);
    const token = attempt.knownDevice ? deviceToken! : randomBytes(24).toString('base64url');
    const failedAttempts: FailedSignIns | null = known?.failed ?? null;
    await store.put({ signIns: [{ id: user.id, devices: remember(known?.devices, sessionId(token)), addresses: remember(known?.addresses, address), failed: null }] });
    res.append('Set-Cookie', await sessions.create(user));
    res.append('Set-Cookie', deviceCookie(token));
    log(`signed in: ${user.username} (${user.role})${failedAttempts ? `; ${failedAttempts.count} failed attempt(s) since the last sign-in` : ''}`);
    res.json({ data: { ...publicUser(user), failedAttempts } });
  });

  // Signing out of a device also stops this account's alerts on it (`pushEndpoint`: the device's
  // subscription): a shared desk's browser would otherwise keep ringing, with notifications that
  // answer for the organisation without signing in.
  router.delete('/session', async (req, res) => {
    const r = new FieldReader(req.body ?? {}, true);
    const pushEndpoint = r.string('pushEndpoint', { max: 1000, trim: false });
    const checked = r.done({ pushEndpoint });
    if (!checked.ok) throw invalidInput(checked.issues);
    const devicesOff = req.user && checked.value.pushEndpoint ? await forgetDevices(store, req.user.id, checked.value.pushEndpoint) : 0;
    if (req.sessionId) await sessions.end(req.sessionId);
    res.setHeader('Set-Cookie', sessions.clearCookie());
    res.json({ data: { signedOut: true, devicesOff } });
  });

  // Sign out on every device, e.g. after a lost phone: its alerts stop as well.
  router.delete('/sessions', requireRole(), async (req, res) => {
    const devicesOff = await forgetDevices(store, req.user!.id);
    await sessions.endAllOf(req.user!.id);
    res.setHeader('Set-Cookie', sessions.clearCookie());
    log(`signed out everywhere: ${req.user!.username}; alerts stopped on ${devicesOff} device(s)`);
    res.json({ data: { signedOut: true, devicesOff } });
  });

  router.get('/me', requireRole(), (req, res) => {
    res.json({ data: publicUser(req.user!) });
  });

  // The language of the app, kept so that mails, SMS and pushes speak it too.
  router.patch('/me', requireRole(), async (req, res) => {
    const r = new FieldReader(req.body, true);
    const language = r.oneOf('language', ['nl', 'en'] as const);
    const checked = r.done({ language });
    if (!checked.ok) throw invalidInput(checked.issues);
    const user = { ...req.user!, ...(checked.value.language ? { language: checked.value.language } : {}) };
    await store.put({ users: [user] });
    res.json({ data: publicUser(user) });
  });

  return router;
}

/** The address a request came from: behind a trusted proxy its X-Forwarded-For, else the socket's. */
export function clientAddress(req: Request): string {
  return (req.ip ?? req.socket.remoteAddress ?? '').slice(0, 64);
}

/** A list with `item` first, without an earlier copy of it, at most {@link REMEMBERED} long. */
function remember(list: readonly string[] | undefined, item: string): string[] {
  return [item, ...(list ?? []).filter((other) => other !== item)].slice(0, REMEMBERED);
}

function withFailure(known: StoredSignIns | undefined, userId: string, at: string, address: string): StoredSignIns {
  return {
    id: userId,
    devices: known?.devices ?? [],
    addresses: known?.addresses ?? [],
    failed: { count: (known?.failed?.count ?? 0) + 1, lastAt: at, lastAddress: address },
  };
}
