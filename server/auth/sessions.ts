import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { PublicUser, Role } from '../../shared/domain';
import { text } from '../../shared/text';
import { HttpError } from '../http/http-error';
import type { Store, StoredUser } from '../store/store';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'zb_session';

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in user, decoded once per request by {@link sessionMiddleware}. */
    user?: StoredUser;
    sessionId?: string;
  }
}

/** Hash under which a session token is stored. */
export function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Longest Cookie header that is read at all; browsers send at most a few KiB. */
const MAX_COOKIE_HEADER = 8192;

/**
 * Reads one cookie from a Cookie header; never throws. A value that does not decode (a broken
 * %-escape) or an oversized header counts as no cookie: the caller answers "not signed in".
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string' || header.length > MAX_COOKIE_HEADER) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The user as the API shows it. */
export function publicUser(user: StoredUser): PublicUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    organisationId: user.organisationId,
    coordinatorId: user.coordinatorId ?? null,
    active: user.active,
    ...(user.language ? { language: user.language } : {}),
  };
}

/**
 * How long an ended session is remembered for {@link Sessions.hasEnded}: far longer than a
 * socket's set-up (a session look-up and a room's load), short enough to hold few ids.
 */
const ENDED_REMEMBERED_MS = 10 * 60_000;

/** Sessions: created at login, looked up from the cookie, expired after `ttlMs`. */
export class Sessions {
  private readonly endListeners: ((sessionIds: readonly string[]) => void)[] = [];
  /** Sessions that ended lately (here or on another server), with when: see {@link hasEnded}. */
  private readonly endedLately = new Map<string, number>();

  constructor(
    private readonly deps: { store: Store; now: () => Date; ttlMs: number; secureCookies: boolean },
  ) {}

  /** Creates a session and returns the cookie header value. */
  async create(user: StoredUser): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.deps.now();
    await this.deps.store.put({
      sessions: [
        {
          id: sessionId(token),
          userId: user.id,
          createdAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + this.deps.ttlMs).toISOString(),
        },
      ],
    });
    return this.cookie(token, Math.floor(this.deps.ttlMs / 1000));
  }

  /** The cookie header value that removes the session cookie. */
  clearCookie(): string {
    return this.cookie('', 0);
  }

  private cookie(value: string, maxAge: number): string {
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${this.deps.secureCookies ? '; Secure' : ''}`;
  }

  /** The active user of a Cookie header, or undefined when there is no valid session. */
  async resolve(cookieHeader: string | undefined): Promise<{ user: StoredUser; sessionId: string; expiresAt: number } | undefined> {
    const token = readCookie(cookieHeader, SESSION_COOKIE);
    if (!token || token.length > 100) return undefined;
    const id = sessionId(token);
    const session = await this.deps.store.get('sessions', id);
    if (!session) return undefined;
    if (Date.parse(session.expiresAt) <= this.deps.now().getTime()) {
      await this.endMany([id]);
      return undefined;
    }
    const user = await this.deps.store.get('users', session.userId);
    if (!user || !user.active) return undefined;
    return { user, sessionId: id, expiresAt: Date.parse(session.expiresAt) };
  }

  /** Calls `listener` with the ids of sessions that ended, so open websockets of them can be closed. */
  onEnd(listener: (sessionIds: readonly string[]) => void): void {
    this.endListeners.push(listener);
  }

  private async endMany(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.deps.store.remove('sessions', ids);
    this.announce(ids);
    this.tellOthers?.(ids);
  }

  private announce(ids: readonly string[]): void {
    const now = Date.now();
    for (const [id, at] of this.endedLately) if (now - at > ENDED_REMEMBERED_MS) this.endedLately.delete(id);
    for (const id of ids) this.endedLately.set(id, now);
    for (const listener of this.endListeners) listener(ids);
  }

  /**
   * Whether a session ended while a socket of it was being set up. A socket found its session
   * valid, then (after awaiting) registers where {@link onEnd} will find it; an end in between
   * told nobody about that socket. Asked right after registering, with no await between, this
   * closes the gap: an end before it is remembered here, an end after it finds the socket.
   */
  hasEnded(sessionId: string): boolean {
    return this.endedLately.has(sessionId);
  }

  /** Where sessions ended here are told to the other servers of the database (their sockets close too). */
  tellOthers?: (sessionIds: readonly string[]) => void;

  /** Sessions another server ended: their sockets here close as well. */
  endedElsewhere(ids: readonly string[]): void {
    this.announce(ids);
  }

  /** Ends one session. */
  async end(id: string): Promise<void> {
    await this.endMany([id]);
  }

  /** Ends every session of a user (logout everywhere, deactivated account). */
  async endAllOf(userId: string): Promise<void> {
    const sessions = await this.deps.store.list('sessions');
    await this.endMany(sessions.filter((s) => s.userId === userId).map((s) => s.id));
  }

  /**
   * For a websocket of a session: ends the session the moment its time is up, which closes its
   * websockets through {@link onEnd}, instead of at the next sweep. Returns the disposer.
   */
  endAtExpiry(session: { expiresAt: number }): () => void {
    const delay = Math.max(0, session.expiresAt - this.deps.now().getTime());
    // setTimeout takes at most 2^31 - 1 ms (about 24 days); the sweep covers anything longer,
    // and logs a store failure that this early try would meet as well.
    const timer = setTimeout(() => void this.expire().catch(() => {}), Math.min(delay + 10, 2 ** 31 - 1));
    timer.unref();
    return () => clearTimeout(timer);
  }

  /** Ends the sessions whose time is up; returns how many. */
  async expire(): Promise<number> {
    const now = this.deps.now().getTime();
    const expired = (await this.deps.store.list('sessions')).filter((s) => Date.parse(s.expiresAt) <= now).map((s) => s.id);
    await this.endMany(expired);
    return expired.length;
  }

  /** Express middleware that decodes the session once into `req.user`. */
  middleware() {
    return async (req: Request, _res: Response, next: NextFunction) => {
      const found = await this.resolve(req.headers.cookie);
      if (found) {
        req.user = found.user;
        req.sessionId = found.sessionId;
      }
      next();
    };
  }
}

/** Middleware that requires a signed-in user with one of the roles. */
export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) {
      throw new HttpError(401, 'unauthenticated', text('Log eerst in.', 'Please sign in first.'));
    }
    if (roles.length > 0 && !roles.includes(req.user.role)) {
      throw new HttpError(403, 'forbidden', text('Uw rol mag dit niet.', 'Your role may not do this.'));
    }
    next();
  };
}
