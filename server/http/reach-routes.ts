import { createHmac, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { checkEscalationInput } from '../../shared/alert';
import { FieldReader, checkCoordinator } from '../../shared/validation';
import { text } from '../../shared/text';
import { requireRole } from '../auth/sessions';
import type { AlertService } from '../alerts/alert-service';
import { devicesOf } from '../reach/devices';
import type { ReachService } from '../reach/reach-service';
import type { Store } from '../store/store';
import { HttpError, invalidInput } from './http-error';

/** The secret part of the SMS status webhook's address: configure `${PUBLIC_URL}/api/reach/sms-status/<key>` at the gateway. */
export function smsStatusKey(secret: Buffer): string {
  return createHmac('sha256', secret).update('sms-status').digest().subarray(0, 16).toString('base64url');
}

/**
 * The API of reach outside the app: push subscriptions, the SMS gateway's status reports, the
 * coordinator's own contact details and channels, and an alert's escalation interval.
 */
export function reachRoutes({ reach, alerts, store, answerSecret, vapidPublicKey }: { reach?: ReachService; alerts: AlertService; store: Store; answerSecret: Buffer; vapidPublicKey: string | null }): Router {
  const router = Router();
  const statusKey = Buffer.from(smsStatusKey(answerSecret));

  router.get('/reach', requireRole(), (_req, res) => {
    res.json({ data: { channels: reach?.channels ?? [], vapidPublicKey: reach?.channels.includes('push') ? vapidPublicKey : null } });
  });

  router.post('/push/subscriptions', requireRole(), async (req, res) => {
    if (!reach?.channels.includes('push')) throw new HttpError(409, 'conflict', text('Meldingen op toestellen staan op deze server uit.', 'Device notifications are switched off on this server.'));
    const r = new FieldReader(req.body);
    const endpoint = r.string('endpoint', { max: 1000 });
    const keys = (req.body as { keys?: { p256dh?: unknown; auth?: unknown } })?.keys;
    const p256dh = typeof keys?.p256dh === 'string' && /^[A-Za-z0-9_-]{80,100}$/.test(keys.p256dh) ? keys.p256dh : undefined;
    const auth = typeof keys?.auth === 'string' && /^[A-Za-z0-9_-]{16,30}$/.test(keys.auth) ? keys.auth : undefined;
    if (!p256dh || !auth) r.issues.push({ path: 'keys', text: text('de sleutels van het abonnement ontbreken of kloppen niet', 'the subscription keys are missing or wrong') });
    if (endpoint && !/^https?:\/\//.test(endpoint)) r.issues.push({ path: 'endpoint', text: text('het adres van de pushdienst moet met https:// beginnen', 'the push service address must start with https://') });
    const checked = r.done({ endpoint: endpoint ?? '' });
    if (!checked.ok) throw invalidInput(checked.issues);
    const row = await reach.subscribe(req.user!, { endpoint: checked.value.endpoint, keys: { p256dh: p256dh!, auth: auth! } });
    res.status(201).json({ data: { id: row.id } });
  });

  // The devices this account receives alerts on: a device subscribed in the browser but not
  // here (another account's since, or gone at the push service) is not one of them.
  router.get('/push/subscriptions', requireRole(), async (req, res) => {
    res.json({ data: (await devicesOf(store, req.user!.id)).map(({ id, endpoint, createdAt, goneAt }) => ({ id, endpoint, createdAt, gone: goneAt !== null })) });
  });

  router.delete('/push/subscriptions', requireRole(), async (req, res) => {
    const endpoint = (req.body as { endpoint?: unknown })?.endpoint;
    if (typeof endpoint !== 'string') throw invalidInput([{ path: 'endpoint', text: text('is verplicht', 'is required') }]);
    res.json({ data: { removed: (await reach?.unsubscribe(req.user!, endpoint)) ?? false } });
  });

  // CM.com posts its status reports here; the key in the path is the only credential it can carry.
  router.post('/reach/sms-status/:key', async (req, res) => {
    const given = Buffer.from(String(req.params.key));
    if (given.length !== statusKey.length || !timingSafeEqual(given, statusKey)) throw new HttpError(404, 'not-found', text('Onbekend adres.', 'Unknown address.'));
    const named = (await reach?.smsStatus(req.body)) ?? 0;
    res.json({ data: { updated: named } });
  });

  // A coordinator keeps its own e-mail, mobile number and channel choices.
  router.get('/me/contact', requireRole('coordinator'), async (req, res) => {
    const coordinator = req.user!.coordinatorId ? await store.get('coordinators', req.user!.coordinatorId) : undefined;
    if (!coordinator) throw new HttpError(404, 'not-found', text('Aan dit account hangt geen crisiscoördinator uit het register.', 'No crisis coordinator of the registry belongs to this account.'));
    res.json({ data: coordinator });
  });

  router.patch('/me/contact', requireRole('coordinator'), async (req, res) => {
    const coordinator = req.user!.coordinatorId ? await store.get('coordinators', req.user!.coordinatorId) : undefined;
    if (!coordinator) throw new HttpError(404, 'not-found', text('Aan dit account hangt geen crisiscoördinator uit het register.', 'No crisis coordinator of the registry belongs to this account.'));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const own = Object.fromEntries(['phone', 'email', 'channels'].filter((k) => Object.hasOwn(body, k)).map((k) => [k, body[k]]));
    const whole = checkCoordinator({ ...coordinator, ...own }, false);
    if (!whole.ok) throw invalidInput(whole.issues);
    const next = { ...coordinator, ...whole.value, id: coordinator.id, organisationId: coordinator.organisationId };
    await store.put({ coordinators: [next] });
    res.json({ data: next });
  });

  router.patch('/alerts/:id', requireRole('ghor', 'admin'), async (req, res) => {
    const checked = checkEscalationInput(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    res.json({ data: await alerts.setEscalation(req.user!, String(req.params.id), checked.value.escalateAfterMin) });
  });

  return router;
}
