import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Router } from 'express';
import { escapeMarkup } from '../../shared/markup';
import { regionDateTime, text } from '../../shared/text';
import { FieldReader, isValidId } from '../../shared/validation';
import { generatePassword, hashPassword } from '../auth/passwords';
import { publicUser, requireRole, type Sessions } from '../auth/sessions';
import type { Mailer } from '../network/mailer';
import type { Store, StoredUser } from '../store/store';
import { HttpError, invalidInput } from './http-error';

/** How long an invitation link can be used. */
export const INVITATION_DAYS = 14;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** A username from an e-mail address: its local part, in the characters an id may have. */
function usernameFor(email: string, name: string, taken: ReadonlySet<string>): string {
  const base = (email.split('@')[0] || name).toLowerCase().normalize('NFD').replace(/[^a-z0-9._-]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 40) || 'coordinator';
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}${n}`;
  return candidate;
}

/**
 * Inviting a coordinator: an account (made on the first invitation) and a one-time link to set
 * its password, by e-mail where a relay is configured and always shown to the admin to pass on.
 * Setting the password signs the coordinator in and leads to the introduction. The invitation's
 * time is kept on the coordinator (`invitedAt`), so "Wat vraagt aandacht" can say for how long.
 */
export function invitationRoutes({ store, sessions, mailer, publicUrl, now }: { store: Store; sessions: Sessions; mailer: Mailer; publicUrl: () => string; now: () => Date }): Router {
  const router = Router();
  const admin = requireRole('admin');

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
    const token = randomBytes(24).toString('base64url');
    // Earlier links of this account stop working: only the newest invitation counts.
    const earlier = (await store.list('invitations')).filter((i) => i.userId === user.id && i.usedAt === null).map((i) => ({ ...i, usedAt: at.toISOString() }));
    const invitation = { id: hashOf(token), userId: user.id, coordinatorId: coordinator.id, createdAt: at.toISOString(), expiresAt: new Date(at.getTime() + INVITATION_DAYS * 86400000).toISOString(), usedAt: null };
    await store.put({ users: [user], invitations: [...earlier, invitation], coordinators: [{ ...coordinator, invitedAt: at.toISOString() }] });
    const link = `${publicUrl()}/welcome#${token}`;
    const organisation = await store.get('organisations', coordinator.organisationId);
    let mailed: { ok: boolean; error?: string } = { ok: false, error: 'no-address' };
    if (mailer.configured && coordinator.email) {
      const until = regionDateTime(invitation.expiresAt, 'nl');
      const lines = [`Beste ${coordinator.name},`, '', `De GHOR nodigt u uit voor Zorgbeeld, het crisisbord van de zorg in de regio, als ${coordinator.kind === 'information' ? 'informatiecoördinator' : 'crisiscoördinator'} van ${organisation?.name ?? coordinator.organisationId}.`, '', `Stel hier uw wachtwoord in (de link werkt één keer, tot ${until}):`, link, '', `Uw gebruikersnaam is: ${user.username}`, '', 'Daarna volgt u de digitale introductie van ongeveer een kwartier. Pas als die af is, bent u aangesloten op de alarmering.', '', 'Dit bericht is verstuurd door Zorgbeeld namens de GHOR.'];
      const result = await mailer.send({
        to: coordinator.email,
        subject: 'Uitnodiging voor Zorgbeeld en de digitale introductie',
        text: lines.join('\n'),
        html: `<!doctype html><html lang="nl"><body style="font-family:system-ui,sans-serif;font-size:16px">${lines.map((l) => (l === link ? `<p><a href="${escapeMarkup(link)}" style="display:inline-block;background:#1d3a6e;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:700">Wachtwoord instellen</a></p>` : l ? `<p>${escapeMarkup(l)}</p>` : '')).join('')}</body></html>`,
      });
      mailed = result.ok ? { ok: true } : { ok: false, error: result.error };
    }
    res.status(201).json({ data: { username: user.username, link, expiresAt: invitation.expiresAt, mailed: mailed.ok, mailError: mailed.ok ? null : mailed.error, invitedAt: at.toISOString() } });
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
    res.json({ data: { username: user.username, displayName: user.displayName, organisationName: organisation?.name ?? '', expiresAt: invitation.expiresAt } });
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
