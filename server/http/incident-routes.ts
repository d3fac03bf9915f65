import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { checkGripChange, checkNewIncident, type Incident } from '../../shared/incident';
import { text } from '../../shared/text';
import { isValidId } from '../../shared/validation';
import { requireRole } from '../auth/sessions';
import type { AlertService } from '../alerts/alert-service';
import type { Store } from '../store/store';
import type { Rooms } from '../yjs/rooms';
import { HttpError, invalidInput } from './http-error';

/** The incident a route's `:id` names, or a 404 with a sentence. */
export async function findIncident(store: Store, id: unknown): Promise<Incident> {
  const incident = isValidId(id) ? await store.get('incidents', id) : undefined;
  if (!incident) throw new HttpError(404, 'not-found', text('Dit incident bestaat niet.', 'This incident does not exist.'));
  return incident;
}

/** Incidents: list and read for every signed-in user; open, GRIP change and close for GHOR. */
export function incidentRoutes({ store, rooms, alerts, now }: { store: Store; rooms: Rooms; alerts: AlertService; now: () => Date }): Router {
  const router = Router();
  const ghor = requireRole('ghor', 'admin');

  const incidentOf = (req: Request) => findIncident(store, req.params.id);
  const requireOpen = (incident: Incident) => {
    if (incident.status !== 'open') throw new HttpError(409, 'conflict', text('Dit incident is al gesloten.', 'This incident is already closed.'));
  };

  router.get('/incidents', requireRole(), async (_req, res) => {
    const incidents = await store.list('incidents');
    res.json({ data: incidents.sort((a, b) => b.startedAt.localeCompare(a.startedAt)) });
  });

  router.post('/incidents', ghor, async (req, res) => {
    const checked = checkNewIncident(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const startedAt = now();
    const incident: Incident = {
      id: `inc-${startedAt.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`,
      title: checked.value.title,
      grip: checked.value.grip,
      status: 'open',
      startedAt: startedAt.toISOString(),
      endedAt: null,
      createdBy: req.user!.id,
    };
    // Opening freezes the network: the record shows organisations and locations as they were.
    const [organisations, locations] = await Promise.all([store.list('organisations'), store.list('locations')]);
    await rooms.create(incident, { organisations: organisations.filter((o) => o.active), locations: locations.filter((l) => l.active) });
    await store.put({ incidents: [incident] });
    res.status(201).json({ data: incident });
  });

  router.get('/incidents/:id', requireRole(), async (req, res) => {
    const incident = await incidentOf(req);
    res.json({ data: { incident, network: await rooms.network(incident.id) } });
  });

  // How each incident's log grows, and who writes most: for the administrator who keeps the disk.
  router.get('/storage', requireRole('admin'), async (_req, res) => {
    const [incidents, users] = await Promise.all([store.list('incidents'), store.list('users')]);
    const names = new Map(users.map((u) => [u.id, u.username]));
    res.json({
      data: {
        writeBudget: rooms.budget.settings,
        incidents: await Promise.all(
          incidents.map(async (incident) => {
            const status = await rooms.storage(incident.id);
            return { ...status, title: incident.title, writers: status.writers.map((w) => ({ ...w, username: names.get(w.userId) ?? w.userId })) };
          }),
        ),
      },
    });
  });

  router.patch('/incidents/:id', ghor, async (req, res) => {
    const incident = await incidentOf(req);
    requireOpen(incident);
    const checked = checkGripChange(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const next = { ...incident, grip: checked.value.grip };
    await rooms.recordEvent(incident.id, req.user!.id, { type: 'grip-changed', from: incident.grip, to: next.grip });
    await store.put({ incidents: [next] });
    // Only a loaded room has people on the board to tell; nobody else needs the document now.
    rooms.announce(incident.id, { grip: next.grip });
    res.json({ data: next });
  });

  router.post('/incidents/:id/close', ghor, async (req, res) => {
    // With the alerts' changes, one at a time: an answer either comes before the closure or is refused.
    const next = await alerts.closeIncident(async () => {
      const incident = await incidentOf(req);
      requireOpen(incident);
      const closed: Incident = { ...incident, status: 'closed', endedAt: now().toISOString() };
      await rooms.recordEvent(incident.id, req.user!.id, { type: 'incident-closed' });
      rooms.markClosed(incident.id);
      await store.put({ incidents: [closed] });
      return closed;
    });
    res.json({ data: next });
  });

  return router;
}
