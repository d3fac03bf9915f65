import { Router } from 'express';
import { checkAckInput, checkAlertInput, checkPhonedAnswerInput } from '../../shared/alert';
import { invalidInput } from './http-error';
import { requireRole } from '../auth/sessions';
import type { Store } from '../store/store';
import type { AlertService } from '../alerts/alert-service';
import { toCap } from '../alerts/cap';
import type { Rooms } from '../yjs/rooms';

/** Alerts over REST, for integrations: the same service as the socket events. */
export function alertRoutes({ alerts, store, rooms, sender }: { alerts: AlertService; store: Store; rooms: Rooms; sender: string }): Router {
  const router = Router();

  router.post('/incidents/:id/alerts', requireRole('ghor', 'admin'), async (req, res) => {
    const checked = checkAlertInput(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const status = await alerts.send(req.user!, String(req.params.id), checked.value);
    res.status(201).json({ data: status });
  });

  router.get('/incidents/:id/alerts', requireRole(), async (req, res) => {
    res.json({ data: await alerts.list(req.user!, String(req.params.id)) });
  });

  router.get('/alerts/pending', requireRole(), async (req, res) => {
    res.json({ data: await alerts.pendingFor(req.user!) });
  });

  // Only coordinators acknowledge: any other role is refused before its body is even read.
  router.post('/alerts/:id/ack', requireRole('coordinator'), async (req, res) => {
    const checked = checkAckInput(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    res.json({ data: await alerts.ack(req.user!, String(req.params.id), checked.value.answer) });
  });

  // GHOR phoned an organisation that did not answer, and takes its answer down.
  router.post('/alerts/:id/answers', requireRole('ghor', 'admin'), async (req, res) => {
    const checked = checkPhonedAnswerInput(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const { ack, first } = await alerts.answerByPhone(req.user!, String(req.params.id), checked.value.organisationId, checked.value.answer);
    res.status(first ? 201 : 200).json({ data: { ack, first } });
  });

  // A correction of an organisation's answer: by its own coordinator, or by GHOR.
  router.put('/alerts/:id/answers/:organisationId', requireRole('coordinator', 'ghor', 'admin'), async (req, res) => {
    const body = (req.body ?? {}) as { answer?: unknown };
    const checked = checkPhonedAnswerInput({ organisationId: String(req.params.organisationId), answer: typeof body === 'object' ? body.answer : undefined });
    if (!checked.ok) throw invalidInput(checked.issues);
    res.json({ data: await alerts.correctAnswer(req.user!, String(req.params.id), checked.value.organisationId, checked.value.answer) });
  });

  router.get('/alerts/:id/cap.xml', requireRole('ghor', 'admin', 'observer'), async (req, res) => {
    const { alert } = await alerts.get(req.user!, String(req.params.id));
    const first = alert.references ? ((await store.get('alerts', alert.references)) ?? null) : null;
    const incident = await store.get('incidents', alert.incidentId);
    const names = new Map((await rooms.network(alert.incidentId)).organisations.map((o) => [o.id, o.name]));
    res.type('application/cap+xml; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${alert.id}.cap.xml"`);
    res.send(toCap({ alert, first, incidentTitle: incident?.title ?? alert.incidentId, sender, organisationNames: alert.organisationIds.map((id) => names.get(id) ?? id) }));
  });

  return router;
}
