import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { attention, checkContact, checkMeeting, partnerTalkStatus, type ContactMoment, type Meeting } from '../../shared/network';
import { isValidId } from '../../shared/validation';
import { regionDay, text } from '../../shared/text';
import { requireRole } from '../auth/sessions';
import type { Store } from '../store/store';
import { HttpError, invalidInput } from './http-error';

/**
 * Network management between crises: contact moments per organisation (the GHOR's own notes, so
 * GHOR and admin only), the partner-talk status, and what needs attention.
 */
export function networkRoutes({ store, now }: { store: Store; now: () => Date }): Router {
  const router = Router();
  const ghor = requireRole('ghor', 'admin');

  const organisationOf = async (id: unknown) => {
    const organisation = typeof id === 'string' && isValidId(id) ? await store.get('organisations', id) : undefined;
    if (!organisation) throw new HttpError(404, 'not-found', text('Deze organisatie bestaat niet.', 'This organisation does not exist.'));
    return organisation;
  };

  router.get('/organisations/:id/contacts', ghor, async (req, res) => {
    const organisation = await organisationOf(req.params.id);
    const contacts = (await store.list('contacts')).filter((c) => c.organisationId === organisation.id).sort((a, b) => b.date.localeCompare(a.date));
    res.json({ data: { contacts, partnerTalk: partnerTalkStatus(contacts, regionDay(now())) } });
  });

  router.post('/organisations/:id/contacts', ghor, async (req, res) => {
    const organisation = await organisationOf(req.params.id);
    const checked = checkContact(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const at = now().toISOString();
    // Optional texts are '' and the follow-ups [] after the check.
    const contact: ContactMoment = {
      ...(checked.value as Omit<ContactMoment, 'id' | 'organisationId' | 'createdBy' | 'createdAt' | 'updatedAt'>),
      id: `contact-${randomBytes(6).toString('hex')}`,
      organisationId: organisation.id,
      createdBy: req.user!.username,
      createdAt: at,
      updatedAt: at,
    };
    await store.put({ contacts: [contact] });
    res.status(201).json({ data: contact });
  });

  router.patch('/contacts/:id', ghor, async (req, res) => {
    const id = String(req.params.id);
    const current = isValidId(id) ? await store.get('contacts', id) : undefined;
    if (!current) throw new HttpError(404, 'not-found', text('Dit contactmoment bestaat niet.', 'This contact moment does not exist.'));
    const checked = checkContact(req.body, true);
    if (!checked.ok) throw invalidInput(checked.issues);
    const next: ContactMoment = { ...current, ...checked.value, id: current.id, organisationId: current.organisationId, updatedAt: now().toISOString() };
    await store.put({ contacts: [next] });
    res.json({ data: next });
  });

  router.get('/network/attention', ghor, async (_req, res) => {
    const [organisations, coordinators, contacts, meetings] = await Promise.all([store.list('organisations'), store.list('coordinators'), store.list('contacts'), store.list('meetings')]);
    res.json({ data: attention({ organisations, coordinators, contacts, meetings, today: regionDay(now()) }) });
  });

  // Information sessions and theme meetings: whom they invited and who came.
  const knownCoordinators = async () => new Set((await store.list('coordinators')).map((c) => c.id));
  const attendedOnlyInvited = (meeting: Pick<Meeting, 'invited' | 'attended'>) => {
    const strangers = meeting.attended.filter((id) => !meeting.invited.includes(id));
    if (strangers.length > 0) throw invalidInput([{ path: 'attended', text: text(`alleen genodigden kunnen aanwezig zijn (${strangers.slice(0, 3).join(', ')})`, `only the invited can have attended (${strangers.slice(0, 3).join(', ')})`) }]);
  };

  router.get('/meetings', ghor, async (_req, res) => {
    res.json({ data: (await store.list('meetings')).sort((a, b) => b.date.localeCompare(a.date)) });
  });

  router.post('/meetings', ghor, async (req, res) => {
    const checked = checkMeeting(req.body, await knownCoordinators());
    if (!checked.ok) throw invalidInput(checked.issues);
    const at = now().toISOString();
    const meeting: Meeting = { place: '', theme: '', invited: [], attended: [], ...(checked.value as Pick<Meeting, 'kind' | 'title' | 'date'>), id: `meeting-${randomBytes(6).toString('hex')}`, createdBy: req.user!.username, createdAt: at, updatedAt: at };
    attendedOnlyInvited(meeting);
    await store.put({ meetings: [meeting] });
    res.status(201).json({ data: meeting });
  });

  router.patch('/meetings/:id', ghor, async (req, res) => {
    const id = String(req.params.id);
    const current = isValidId(id) ? await store.get('meetings', id) : undefined;
    if (!current) throw new HttpError(404, 'not-found', text('Deze bijeenkomst bestaat niet.', 'This meeting does not exist.'));
    const checked = checkMeeting(req.body, await knownCoordinators(), true);
    if (!checked.ok) throw invalidInput(checked.issues);
    const next: Meeting = { ...current, ...checked.value, id: current.id, updatedAt: now().toISOString() };
    attendedOnlyInvited(next);
    await store.put({ meetings: [next] });
    res.json({ data: next });
  });

  return router;
}
