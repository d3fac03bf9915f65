import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { ROLES } from '../../shared/domain';
import { text } from '../../shared/text';
import { FieldReader, checkNewUser } from '../../shared/validation';
import { hashPassword } from '../auth/passwords';
import { publicUser, requireRole, type Sessions } from '../auth/sessions';
import type { Store } from '../store/store';
import { HttpError, invalidInput } from './http-error';

/** User accounts, for the admin. */
export function userRoutes({ store, sessions, now }: { store: Store; sessions: Sessions; now: () => Date }): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/users', admin, async (_req, res) => {
    res.json({ data: (await store.list('users')).map(publicUser) });
  });

  router.post('/users', admin, async (req, res) => {
    const checked = checkNewUser(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const input = checked.value;
    const users = await store.list('users');
    if (users.some((u) => u.username.toLowerCase() === input.username.toLowerCase())) {
      throw new HttpError(409, 'conflict', text(`De gebruikersnaam '${input.username}' bestaat al.`, `The username '${input.username}' already exists.`));
    }
    if (input.organisationId && !(await store.get('organisations', input.organisationId))) {
      throw invalidInput([{ path: 'organisationId', text: text('deze organisatie bestaat niet', 'this organisation does not exist') }]);
    }
    if (input.coordinatorId) {
      const coordinator = await store.get('coordinators', input.coordinatorId);
      if (!coordinator || coordinator.organisationId !== input.organisationId) {
        throw invalidInput([{ path: 'coordinatorId', text: text('deze crisiscoördinator hoort niet bij de organisatie', 'this crisis coordinator does not belong to the organisation') }]);
      }
    }
    const user = {
      id: randomUUID(),
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      organisationId: input.organisationId,
      coordinatorId: input.coordinatorId,
      active: true,
      passwordHash: await hashPassword(input.password),
      createdAt: now().toISOString(),
    };
    await store.put({ users: [user] });
    res.status(201).json({ data: publicUser(user) });
  });

  // Deactivating an account or changing its password or role ends its sessions.
  router.patch('/users/:id', admin, async (req, res) => {
    const user = await store.get('users', String(req.params.id));
    if (!user) throw new HttpError(404, 'not-found', text('Deze gebruiker bestaat niet.', 'This user does not exist.'));
    const r = new FieldReader(req.body, true);
    const active = r.boolean('active', user.active);
    const role = r.oneOf('role', ROLES);
    const displayName = r.string('displayName', { max: 120 });
    const password = r.string('password', { max: 200, trim: false });
    if (password !== undefined && password.length < 10) {
      r.issues.push({ path: 'password', text: text('moet minstens 10 tekens hebben', 'must have at least 10 characters') });
    }
    if (role !== undefined && role !== user.role && (role === 'coordinator') !== (user.organisationId !== null)) {
      r.issues.push({ path: 'role', text: text('deze rol past niet bij de organisatie van het account', 'this role does not fit the account’s organisation') });
    }
    if (r.issues.length > 0) throw invalidInput(r.issues);
    const next = {
      ...user,
      active: active ?? user.active,
      role: role ?? user.role,
      displayName: displayName ?? user.displayName,
      passwordHash: password !== undefined ? await hashPassword(password) : user.passwordHash,
    };
    await store.put({ users: [next] });
    if (!next.active || password !== undefined || next.role !== user.role) await sessions.endAllOf(user.id);
    res.json({ data: publicUser(next) });
  });

  return router;
}
