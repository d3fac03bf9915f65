import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Router } from 'express';
import { escapeMarkup } from '../../shared/markup';
import { regionDateTime, text } from '../../shared/text';
import { FieldReader, isValidId } from '../../shared/validation';
import { generatePassword, hashPassword } from '../auth/passwords';
import { memoryCounters, recentCount, type Counters } from '../auth/counters';
import { publicUser, requireRole, type Sessions } from '../auth/sessions';
import type { Mailer } from '../network/mailer';
import type { Store, StoredUser } from '../store/store';
import { HttpError, invalidInput } from './http-error';
import { clientAddress } from './session-routes';

/** How long an invitation link can be used. */
export const INVITATION_DAYS = 14;
/** How long a link asked for with "Wachtwoord vergeten?" can be used. */
export const RESET_LINK_MS = 3600_000;
/** Links one address may ask for in {@link RESET_WINDOW_MS}; one account gets one mail per that window. */
export const RESETS_PER_ADDRESS = 5;
export const RESET_WINDOW_MS = 10 * 60_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** A username from an e-mail address: its local part, in the characters an id may have. */
function usernameFor(email: string, name: string, taken: ReadonlySet<string>): string {
  const base = (email.split('@')[0] || name).toLowerCase().normalize('NFD').replace(/[^a-z0-9._-]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 40) || 'coordinator';
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}${n}`;
  return candidate;
}

/** A mail with a link to set a password: its lines as text, and as HTML with the link as a button. */
function passwordMail(lines: readonly string[], link: string, button: string, lang: 'nl' | 'en'): { text: string; html: string } {
  const html = lines.map((l) => (l === link ? `<p><a href="${escapeMarkup(link)}" style="display:inline-block;background:#1d3a6e;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:700">${escapeMarkup(button)}</a></p>` : l ? `<p>${escapeMarkup(l)}</p>` : '')).join('');
  return { text: lines.join('\n'), html: `<!doctype html><html lang="${lang}"><body style="font-family:system-ui,sans-serif;font-size:16px">${html}</body></html>` };
}

/**
 * Inviting a coordinator: an account (made on the first invitation) and a one-time link to set
 * its password, by e-mail where a relay is configured and always shown to the admin to pass on.
 * Setting the password signs the coordinator in and leads to the introduction. The invitation's
 * time is kept on the coordinator (`invitedAt`), so "Wat vraagt aandacht" can say for how long.
 */
export function invitationRoutes({ store, sessions, mailer, publicUrl, now, counters = memoryCounters(), log = () => {} }: { store: Store; sessions: Sessions; mailer: Mailer; publicUrl: () => string; now: () => Date; counters?: Counters; log?: (message: string) => void }): Router {
  const router = Router();
  const admin = requireRole('admin');

  /** A one-time link to set the account's password: only the newest of the account's links counts. */
  const issueLink = async (user: StoredUser, coordinatorId: string, validMs: number, kind?: 'reset') => {
    const at = now();
    const token = randomBytes(24).toString('base64url');
    const earlier = (await store.list('invitations')).filter((i) => i.userId === user.id && i.usedAt === null).map((i) => ({ ...i, usedAt: at.toISOString() }));
    const invitation = { id: hashOf(token), userId: user.id, coordinatorId, createdAt: at.toISOString(), expiresAt: new Date(at.getTime() + validMs).toISOString(), usedAt: null, ...(kind ? { kind } : {}) };
    return { invitation, earlier, link: `${publicUrl()}/welcome#${token}` };
  };

  router.post('/coordinators/:id/invitation', admin, async (req, res) => {
    const id = String(req.params.id);
    const coordinator = isValidId(id) ? await store.get('coordinators', id) : undefined;
    if (!coordinator) throw new HttpError(404, 'not-found', text('Deze coördinator bestaat niet.', 'This coordinator does not exist.'));
    if (!coordinator.active) throw new HttpError(409, 'conflict', text('Deze coördinator is niet actief; zet hem eerst weer actief.', 'This coordinator is not active; reactivate it first.'));
    const users = await store.list('users');
    const at = now();
    let user = users.find((u) => u.coordinatorId === coordinator.id);
    if (user && !user.active) throw new HttpError(409, 'conflict', text(`Het account '${user.username}' van deze coördinator is uitgezet; zet het eerst weer aan.`, `The account '${user.username}' of this coordinator is deactivated; reactivate it first.`));
    if (!user) {
      const taken = new Set(users.map((u) => u.username.toLowerCase()));
      // A password nobody knows until the link sets one.
      user = { id: randomUUID(), username: usernameFor(coordinator.email, coordinator.name, taken), displayName: coordinator.name, role: 'coordinator', organisationId: coordinator.organisationId, coordinatorId: coordinator.id, active: true, passwordHash: await hashPassword(generatePassword(24)), createdAt: at.toISOString() } satisfies StoredUser;
    }
    // Earlier links of this account stop working: only the newest invitation counts.
    const { invitation, earlier, link } = await issueLink(user, coordinator.id, INVITATION_DAYS * 86400000);
    await store.put({ users: [user], invitations: [...earlier, invitation], coordinators: [{ ...coordinator, invitedAt: at.toISOString() }] });
    const organisation = await store.get('organisations', coordinator.organisationId);
    let mailed: { ok: boolean; error?: string } = { ok: false, error: 'no-address' };
    if (mailer.configured && coordinator.email) {
      const until = regionDateTime(invitation.expiresAt, 'nl');
      const lines = [`Beste ${coordinator.name},`, '', `De GHOR nodigt u uit voor Zorgbeeld, het crisisbord van de zorg in de regio, als ${coordinator.kind === 'information' ? 'informatiecoördinator' : 'crisiscoördinator'} van ${organisation?.name ?? coordinator.organisationId}.`, '', `Stel hier uw wachtwoord in (de link werkt één keer, tot ${until}):`, link, '', `Uw gebruikersnaam is: ${user.username}`, '', 'Daarna volgt u de digitale introductie van ongeveer een kwartier. Pas als die af is, bent u aangesloten op de alarmering.', '', 'Dit bericht is verstuurd door Zorgbeeld namens de GHOR.'];
      const result = await mailer.send({
        to: coordinator.email,
        subject: 'Uitnodiging voor Zorgbeeld en de digitale introductie',
        ...passwordMail(lines, link, 'Wachtwoord instellen', 'nl'),
      });
      mailed = result.ok ? { ok: true } : { ok: false, error: result.error };
    }
    res.status(201).json({ data: { username: user.username, link, expiresAt: invitation.expiresAt, mailed: mailed.ok, mailError: mailed.ok ? null : mailed.error, invitedAt: at.toISOString() } });
  });

  // "Wachtwoord vergeten?" on the sign-in page: a coordinator's account gets a one-time link, valid
  // an hour, at the e-mail address the registry has for it. The answer is the same whether an
  // account was found or not (nobody learns who has one); GHOR and admin accounts have no address
  // here and ask the admin, as the page says.
  router.post('/password-reset', async (req, res) => {
    const given = (req.body as { login?: unknown } | undefined)?.login;
    const login = typeof given === 'string' ? given.trim() : '';
    if (!login || login.length > 200) throw new HttpError(400, 'bad-request', text('Vul uw gebruikersnaam of e-mailadres in (hoogstens 200 tekens).', 'Fill in your username or e-mail address (at most 200 characters).'));
    const address = clientAddress(req);
    const at = now().getTime();
    if ((await recentCount(counters, `address:${address}`, at, RESET_WINDOW_MS)) >= RESETS_PER_ADDRESS) {
      res.setHeader('Retry-After', String(RESET_WINDOW_MS / 1000));
      throw new HttpError(429, 'rate-limited', text('U heeft net al enkele links gevraagd. Kijk in uw e-mail (ook bij spam), of probeer het over tien minuten opnieuw.', 'You have just asked for several links. Look in your e-mail (spam too), or try again in ten minutes.'));
    }
    await counters.add([`address:${address}`], at, RESET_WINDOW_MS);
    const wanted = login.toLowerCase();
    const [users, coordinators] = await Promise.all([store.list('users'), store.list('coordinators')]);
    const byEmail = coordinators.find((c) => c.active && c.email.toLowerCase() === wanted);
    const user = users.find((u) => u.active && u.role === 'coordinator' && u.coordinatorId !== null && (u.username.toLowerCase() === wanted || u.coordinatorId === byEmail?.id));
    const coordinator = user ? coordinators.find((c) => c.id === user.coordinatorId && c.active && c.email) : undefined;
    if (user && coordinator && mailer.configured && (await recentCount(counters, `account:${user.id}`, at, RESET_WINDOW_MS)) === 0) {
      await counters.add([`account:${user.id}`], at, RESET_WINDOW_MS);
      const { invitation, earlier, link } = await issueLink(user, coordinator.id, RESET_LINK_MS, 'reset');
      await store.put({ invitations: [...earlier, invitation] });
      const english = user.language === 'en';
      const until = regionDateTime(invitation.expiresAt, english ? 'en' : 'nl');
      const lines = english
        ? [`Dear ${coordinator.name},`, '', 'Someone (you, we hope) asked on the sign-in page of Zorgbeeld for a new password for your account.', '', `Set a new password here (the link works once, until ${until}):`, link, '', `Your username is: ${user.username}`, '', 'Did you not ask for this? Then ignore this message: your password stays as it is.', '', 'This message was sent by Zorgbeeld on behalf of the GHOR.']
        : [`Beste ${coordinator.name},`, '', 'Iemand (u, hopen we) vroeg op de inlogpagina van Zorgbeeld om een nieuw wachtwoord voor uw account.', '', `Stel hier een nieuw wachtwoord in (de link werkt één keer, tot ${until}):`, link, '', `Uw gebruikersnaam is: ${user.username}`, '', 'Heeft u dit niet gevraagd? Dan kunt u dit bericht negeren: uw wachtwoord blijft zoals het is.', '', 'Dit bericht is verstuurd door Zorgbeeld namens de GHOR.'];
      const sent = await mailer.send({
        to: coordinator.email,
        subject: english ? 'A new password for Zorgbeeld' : 'Een nieuw wachtwoord voor Zorgbeeld',
        ...passwordMail(lines, link, english ? 'Set a new password' : 'Nieuw wachtwoord instellen', english ? 'en' : 'nl'),
      });
      log(sent.ok ? `password link mailed: ${user.username}` : `password link for ${user.username} not mailed: ${sent.error}`);
    }
    res.status(202).json({ data: { requested: true } });
  });

  const openInvitation = async (token: unknown) => {
    const found = typeof token === 'string' && /^[A-Za-z0-9_-]{20,64}$/.test(token) ? await store.get('invitations', hashOf(token)) : undefined;
    if (!found) throw new HttpError(404, 'not-found', text('Deze uitnodigingslink klopt niet. Kopieer de hele link uit de e-mail, of vraag de GHOR om een nieuwe.', 'This invitation link is not right. Copy the whole link from the e-mail, or ask the GHOR for a new one.'));
    if (found.usedAt !== null) throw new HttpError(410, 'gone', text('Deze uitnodigingslink is al gebruikt of vervangen door een nieuwere. Log in met uw wachtwoord, of vraag de GHOR om een nieuwe link.', 'This invitation link has been used or replaced by a newer one. Sign in with your password, or ask the GHOR for a new link.'));
    if (Date.parse(found.expiresAt) < now().getTime()) throw new HttpError(410, 'gone', text('Deze uitnodigingslink is verlopen. Vraag de GHOR om een nieuwe.', 'This invitation link has expired. Ask the GHOR for a new one.'));
    const user = await store.get('users', found.userId);
    if (!user || !user.active) throw new HttpError(410, 'gone', text('Het account van deze uitnodiging bestaat niet meer.', 'The account of this invitation no longer exists.'));
    return { invitation: found, user };
  };

  router.get('/invitations/:token', async (req, res) => {
    const { invitation, user } = await openInvitation(req.params.token);
    const organisation = user.organisationId ? await store.get('organisations', user.organisationId) : undefined;
    res.json({ data: { username: user.username, displayName: user.displayName, organisationName: organisation?.name ?? '', expiresAt: invitation.expiresAt, kind: invitation.kind ?? 'invitation' } });
  });

  router.post('/invitations/:token', async (req, res) => {
    const { invitation, user } = await openInvitation(req.params.token);
    const r = new FieldReader(req.body);
    const password = r.string('password', { max: 200, trim: false });
    if (password !== undefined && password.length < 10) r.issues.push({ path: 'password', text: text('moet minstens 10 tekens hebben', 'must have at least 10 characters') });
    if (r.issues.length > 0) throw invalidInput(r.issues);
    const next = { ...user, passwordHash: await hashPassword(password!) };
    await store.put({ users: [next], invitations: [{ ...invitation, usedAt: now().toISOString() }] });
    await sessions.endAllOf(user.id);
    res.append('Set-Cookie', await sessions.create(next));
    res.json({ data: publicUser(next) });
  });

  return router;
}
