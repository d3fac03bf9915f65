import { randomBytes } from 'node:crypto';
import type * as Y from 'yjs';
import { isConnected } from '../../shared/domain';
import { answeredAt, resolveTargets, withdrawals, type AckAnswer, type AlertsWithdrawn, type Acknowledgement, type Alert, type AlertInput, type AlertNotice, type AlertStatus, type AnswerVia } from '../../shared/alert';
import type { OutboxMessage } from '../../shared/reach';
import type { Incident } from '../../shared/incident';
import type { RecordedEvent } from '../../shared/recorded-event';
import { reportNotHit, withdrawNotHit } from '../../shared/incident-doc';
import { text } from '../../shared/text';
import { HttpError } from '../http/http-error';
import type { Store, StoredUser } from '../store/store';
import type { Rooms } from '../yjs/rooms';
import { deliveryLines } from '../../shared/reach';
import { DEFAULTS } from '../defaults';

/** Who hears about alert changes: the socket layer registers here. */
export interface AlertListener {
  sent(status: AlertStatus, notice: AlertNotice): void;
  changed(status: AlertStatus): void;
  /** An organisation answered; `from` is the message whose link it answered by, if it did. */
  acked(ack: Acknowledgement, status: AlertStatus, from?: OutboxMessage): void;
  /** An organisation's answer was corrected (`ack.corrected` says by whom). */
  corrected?(ack: Acknowledgement, status: AlertStatus): void;
  /** A coordinator was connected to the alerting (its introduction completed): its open sockets join in. */
  connected?(coordinatorId: string): void;
  /** Alerts ask nothing any more of the organisations they went to (their incident closed, or a Cancel for them). */
  withdrawn?(withdrawn: AlertsWithdrawn, organisationIds: readonly string[]): void;
}

const forbidden = (nl: string, en: string) => new HttpError(403, 'forbidden', text(nl, en));
const notFound = () => new HttpError(404, 'not-found', text('Dit alarm bestaat niet.', 'This alert does not exist.'));
/** Whether a stored acknowledgement is this one (and not another server's for the same organisation). */
const sameAnswer = (a: Acknowledgement, b: Acknowledgement) => a.userId === b.userId && a.at === b.at && a.answer === b.answer && a.via === b.via;
const notAddressed = () => new HttpError(400, 'bad-request', text('Dit alarm is niet aan deze organisatie gericht; kies een organisatie uit de lijst van het alarm.', 'This alert is not addressed to this organisation; choose an organisation from the alert’s list.'));
const closedIncident = () => new HttpError(409, 'conflict', text('Dit incident is gesloten; antwoorden kan niet meer.', 'This incident is closed; answering is no longer possible.'));

/**
 * Alerts and acknowledgements: stored in the store, recorded in the incident's log with server
 * time. Every change runs in one queue, so that a request id sends once and an organisation
 * acknowledges once even when requests arrive at the same moment.
 */
export class AlertService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: AlertListener[] = [];

  constructor(private readonly deps: { store: Store; rooms: Rooms; now: () => Date; log: (message: string) => void; escalateAfterMin?: number }) {}

  /** Registers a listener. */
  listen(listener: AlertListener): void {
    this.listeners.push(listener);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    // One at a time on this server, and, on several servers sharing a database, across them.
    const exclusive = () => this.deps.store.exclusive('alerts', work);
    const next = this.queue.then(exclusive, exclusive);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Whether a user is a connected crisis coordinator, and so receives alerts. */
  async receivesAlerts(user: StoredUser): Promise<boolean> {
    if (user.role !== 'coordinator' || !user.organisationId || !user.coordinatorId) return false;
    const coordinator = await this.deps.store.get('coordinators', user.coordinatorId);
    return coordinator !== undefined && coordinator.organisationId === user.organisationId && isConnected(coordinator);
  }

  private async status(alert: Alert): Promise<AlertStatus> {
    const acknowledgements = (await this.deps.store.list('acknowledgements')).filter((a) => a.alertId === alert.id);
    const messages = (await this.deps.store.list('outbox')).filter((m) => m.alertId === alert.id);
    if (messages.length === 0) return { alert, acknowledgements, deliveries: [] };
    const coordinators = new Map((await this.deps.store.list('coordinators')).map((c) => [c.id, c]));
    return { alert, acknowledgements, deliveries: deliveryLines(messages, coordinators, acknowledgements) };
  }

  /** Tells the listeners a coordinator is connected now, so its open pages receive the next alert. */
  coordinatorConnected(coordinatorId: string): void {
    for (const l of this.listeners) l.connected?.(coordinatorId);
  }

  /** Tells the listeners an alert's status changed (its messages moved on). */
  async notifyChanged(alertId: string): Promise<void> {
    const alert = await this.deps.store.get('alerts', alertId);
    if (!alert) return;
    const status = await this.status(alert);
    for (const l of this.listeners) l.changed(status);
  }

  // The alert is in the store already; a log that cannot be opened must not undo or hide it.
  private async record(incidentId: string, user: string, event: RecordedEvent): Promise<void> {
    try {
      await this.deps.rooms.recordEvent(incidentId, user, event);
    } catch (error) {
      this.deps.log(`LOG FAILURE: incident ${incidentId}: event ${event.type} not recorded: ${(error as Error).message}`);
    }
  }

  /** Sends an alert for an incident (GHOR). Sending again with the same request id returns the first. */
  send(user: StoredUser, incidentId: string, input: AlertInput): Promise<AlertStatus> {
    return this.serial(async () => {
      if (user.role !== 'ghor' && user.role !== 'admin') throw forbidden('Alleen de GHOR verstuurt alarmen.', 'Only GHOR sends alerts.');
      const incident = await this.deps.store.get('incidents', incidentId);
      if (!incident) throw new HttpError(404, 'not-found', text('Dit incident bestaat niet.', 'This incident does not exist.'));
      if (incident.status !== 'open') throw new HttpError(409, 'conflict', text('Dit incident is gesloten.', 'This incident is closed.'));
      const alerts = await this.deps.store.list('alerts');
      if (input.requestId) {
        const earlier = alerts.find((a) => a.incidentId === incidentId && a.requestId === input.requestId);
        if (earlier) return this.status(earlier);
      }
      if (input.references && !alerts.some((a) => a.id === input.references && a.incidentId === incidentId)) {
        throw new HttpError(400, 'bad-request', text('Het alarm waarnaar verwezen wordt bestaat niet in dit incident.', 'The referenced alert does not exist in this incident.'));
      }
      const network = await this.deps.rooms.network(incidentId);
      const organisationIds = resolveTargets({ target: input.target, organisations: network.organisations, locations: network.locations });
      if (organisationIds.length === 0) {
        throw new HttpError(400, 'bad-request', text('Deze doelgroep bevat geen enkele organisatie; er is niets verstuurd.', 'This target holds no organisation; nothing was sent.'));
      }
      const sentAt = this.deps.now().toISOString();
      const alert: Alert = {
        id: `alert-${sentAt.slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`,
        incidentId,
        requestId: input.requestId,
        msgType: input.msgType,
        references: input.references,
        message: input.message,
        grip: input.grip,
        exercise: input.exercise,
        target: input.target,
        organisationIds,
        sentAt,
        sentBy: user.id,
        sentByName: user.displayName,
        deliveredAt: {},
        escalateAfterMin: input.escalateAfterMin ?? this.deps.escalateAfterMin ?? DEFAULTS.escalateAfterMin,
        escalation: {},
      };
      await this.deps.store.put({ alerts: [alert] });
      await this.record(incidentId, user.id, { type: 'alert-sent', alertId: alert.id, msgType: alert.msgType, references: alert.references, grip: alert.grip, exercise: alert.exercise, message: alert.message, organisationIds, escalateAfterMin: alert.escalateAfterMin });
      const status = await this.status(alert);
      for (const l of this.listeners) l.sent(status, { alert, incidentTitle: incident.title });
      // An all clear or withdrawal: the alert it references asks nothing more of anyone it went to.
      const withdrawn = alert.msgType === 'Cancel' ? alerts.find((a) => a.id === alert.references) : undefined;
      if (withdrawn) {
        for (const l of this.listeners) l.withdrawn?.({ incidentId, incidentTitle: incident.title, alertIds: [withdrawn.id], why: 'cancelled' }, withdrawn.organisationIds);
      }
      return status;
    });
  }

  /** Marks an alert delivered to organisations (one of their coordinators has it on screen). */
  markDelivered(alertId: string, organisationIds: readonly string[]): Promise<void> {
    return this.serial(async () => {
      const alert = await this.deps.store.get('alerts', alertId);
      if (!alert) return;
      const fresh = organisationIds.filter((id) => alert.organisationIds.includes(id) && !alert.deliveredAt[id]);
      if (fresh.length === 0) return;
      const at = this.deps.now().toISOString();
      const next = { ...alert, deliveredAt: { ...alert.deliveredAt, ...Object.fromEntries(fresh.map((id) => [id, at])) } };
      await this.deps.store.put({ alerts: [next] });
      for (const organisationId of fresh) await this.record(alert.incidentId, 'server', { type: 'alert-delivered', alertId, organisationId });
      const status = await this.status(next);
      for (const l of this.listeners) l.changed(status);
    });
  }

  /**
   * Closes an incident (`close` writes the closure and returns the closed incident) in the queue
   * of alert changes, so that no answer is taken halfway through it; then tells the listeners,
   * who take its alerts off the coordinators' screens.
   */
  closeIncident(close: () => Promise<Incident>): Promise<Incident> {
    return this.serial(async () => {
      const incident = await close();
      const alerts = (await this.deps.store.list('alerts')).filter((a) => a.incidentId === incident.id);
      const withdrawn: AlertsWithdrawn = { incidentId: incident.id, incidentTitle: incident.title, alertIds: alerts.map((a) => a.id), why: 'closed' };
      for (const l of this.listeners) l.withdrawn?.(withdrawn, [...new Set(alerts.flatMap((a) => a.organisationIds))]);
      return incident;
    });
  }

  /** Acknowledges an alert for the user's organisation; the first acknowledgement of an organisation stands. */
  ack(user: StoredUser, alertId: string, answer: AckAnswer): Promise<Acknowledgement> {
    return this.serial(async () => {
      if (user.role !== 'coordinator' || !user.organisationId) {
        throw forbidden('Alleen een crisiscoördinator bevestigt een alarm, voor de eigen organisatie.', 'Only a crisis coordinator acknowledges an alert, for their own organisation.');
      }
      const alert = await this.deps.store.get('alerts', alertId);
      if (!alert) throw notFound();
      if (!alert.organisationIds.includes(user.organisationId)) {
        throw forbidden('Dit alarm is niet aan uw organisatie gericht; u kunt het niet voor een andere organisatie bevestigen.', 'This alert is not addressed to your organisation; you cannot acknowledge it for another organisation.');
      }
      // A closed incident's record is final: an answer from a banner still open, or kept on a
      // device without a connection, would otherwise write "not hit" reports after its end.
      if ((await this.deps.store.get('incidents', alert.incidentId))?.status !== 'open') throw closedIncident();
      return (await this.acknowledge({ userId: user.id, username: user.username, displayName: user.displayName, organisationId: user.organisationId, coordinatorId: user.coordinatorId ?? null }, alert, answer, 'app')).ack;
    });
  }

  /**
   * An answer GHOR took down by phone for an organisation that had not answered (the escalation's
   * "Nu bellen"): it counts as the organisation's, recorded as GHOR's (via `phone`); its "not
   * hit" reports say they were written on the organisation's behalf. An earlier answer stands.
   */
  answerByPhone(user: StoredUser, alertId: string, organisationId: string, answer: AckAnswer): Promise<{ ack: Acknowledgement; first: boolean }> {
    return this.serial(async () => {
      if (user.role !== 'ghor' && user.role !== 'admin') throw forbidden('Alleen de GHOR legt een telefonisch antwoord vast.', 'Only GHOR takes down an answer by phone.');
      const alert = await this.openAlertFor(alertId, organisationId);
      return this.acknowledge({ userId: user.id, username: user.username, displayName: user.displayName, organisationId, coordinatorId: null }, alert, answer, 'phone');
    });
  }

  /**
   * An answer from the link in a message (e-mail, SMS, push): it counts exactly like one from
   * the banner, for the organisation and coordinator the link names. Refused once the incident
   * is closed. Returns the acknowledgement that stands (an earlier one of the organisation wins).
   */
  answerByLink(message: OutboxMessage, answer: AckAnswer): Promise<{ ack: Acknowledgement; first: boolean }> {
    return this.serial(async () => {
      const alert = await this.deps.store.get('alerts', message.alertId);
      const incident = alert ? await this.deps.store.get('incidents', alert.incidentId) : undefined;
      if (!alert || !incident) throw notFound();
      if (incident.status !== 'open') throw closedIncident();
      return this.acknowledge(await this.linkAuthor(message), alert, answer, message.channel, message);
    });
  }

  /** Who answers through a message's link: the coordinator it went to, by its account when it has one. */
  private async linkAuthor(message: OutboxMessage): Promise<{ userId: string; username: string; displayName: string; organisationId: string; coordinatorId: string }> {
    const coordinator = await this.deps.store.get('coordinators', message.coordinatorId);
    const account = (await this.deps.store.list('users')).find((u) => u.coordinatorId === message.coordinatorId && u.active);
    return {
      userId: account?.id ?? `coordinator:${message.coordinatorId}`,
      username: account?.username ?? message.coordinatorId,
      displayName: coordinator?.name ?? account?.displayName ?? message.coordinatorId,
      organisationId: message.organisationId,
      coordinatorId: message.coordinatorId,
    };
  }

  // Inside the queue: the first acknowledgement of an organisation stands.
  private async acknowledge(who: { userId: string; username: string; displayName: string; organisationId: string; coordinatorId: string | null }, alert: Alert, answer: AckAnswer, via: AnswerVia, from?: OutboxMessage): Promise<{ ack: Acknowledgement; first: boolean }> {
    const id = `${alert.id}:${who.organisationId}`;
    const existing = await this.deps.store.get('acknowledgements', id);
    if (existing) return { ack: existing, first: false };
    const ack: Acknowledgement = { id, alertId: alert.id, organisationId: who.organisationId, userId: who.userId, username: who.username, displayName: who.displayName, answer, at: this.deps.now().toISOString(), via, coordinatorId: who.coordinatorId };
    // The queue orders the answers of this server; another server's, taken in the same instant,
    // is ordered by the store: whichever row stands is the first, and the other is not recorded.
    const stored = await this.deps.store.putIfAbsent('acknowledgements', ack);
    if (!sameAnswer(stored, ack)) return { ack: stored, first: false };
    await this.record(alert.incidentId, who.userId, { type: 'alert-acked', alertId: alert.id, organisationId: ack.organisationId, answer, via });
    if (answer === 'no') await this.reportNotHit(who, alert, ack.at, via === 'phone');
    const status = await this.status(alert);
    for (const l of this.listeners) l.acked(ack, status, from);
    return { ack, first: true };
  }

  /**
   * Corrects an organisation's answer: a wrong tap under stress, or a situation that changed.
   * Its own coordinator may, and GHOR (after a call) for any organisation the alert went to. The
   * first answer's time and name stay (its response time); the correction is recorded beside
   * it. "Not hit" reports the earlier answer wrote and nobody changed since are taken back, and a
   * correction to "not hit" writes them, as an answer would.
   */
  correctAnswer(user: StoredUser, alertId: string, organisationId: string, answer: AckAnswer): Promise<Acknowledgement> {
    const ghor = user.role === 'ghor' || user.role === 'admin';
    if (!ghor && !(user.role === 'coordinator' && user.organisationId === organisationId)) {
      throw forbidden('Alleen de crisiscoördinator van de organisatie of de GHOR corrigeert een antwoord.', 'Only the organisation’s crisis coordinator or GHOR corrects an answer.');
    }
    return this.correct({ userId: user.id, username: user.username, displayName: user.displayName, ghor }, alertId, organisationId, answer);
  }

  /** A correction through the link of a message (the coordinator's phone): for the organisation the link names. */
  correctByLink(message: OutboxMessage, answer: AckAnswer): Promise<Acknowledgement> {
    return this.linkAuthor(message).then((who) => this.correct({ ...who, ghor: false }, message.alertId, message.organisationId, answer));
  }

  private correct(who: { userId: string; username: string; displayName: string; ghor: boolean }, alertId: string, organisationId: string, answer: AckAnswer): Promise<Acknowledgement> {
    return this.serial(async () => {
      const alert = await this.openAlertFor(alertId, organisationId);
      const existing = await this.deps.store.get('acknowledgements', `${alertId}:${organisationId}`);
      if (!existing) throw new HttpError(409, 'conflict', text('Deze organisatie heeft dit alarm nog niet beantwoord; er is niets te corrigeren.', 'This organisation has not answered this alert yet; there is nothing to correct.'));
      if (existing.answer === answer) return existing;
      const at = this.deps.now().toISOString();
      let cleared = 0;
      if (existing.answer === 'no') cleared = await this.withdrawNotHit(alert, organisationId, answeredAt(existing));
      const next: Acknowledgement = { ...existing, answer, corrected: { from: existing.corrected?.from ?? existing.answer, at, userId: who.userId, displayName: who.displayName } };
      await this.deps.store.put({ acknowledgements: [next] });
      await this.record(alert.incidentId, who.userId, { type: 'answer-corrected', alertId, organisationId, from: existing.answer, answer, cleared });
      if (answer === 'no') await this.reportNotHit({ userId: who.userId, username: who.username, displayName: who.displayName, organisationId }, alert, at, who.ghor);
      const status = await this.status(alert);
      for (const l of this.listeners) {
        l.changed(status);
        l.corrected?.(next, status);
      }
      return next;
    });
  }

  /**
   * The alert, for an answer on an organisation's behalf (by phone, or a correction): it must
   * have gone to that organisation, and its incident must still be open.
   */
  private async openAlertFor(alertId: string, organisationId: string): Promise<Alert> {
    const alert = await this.deps.store.get('alerts', alertId);
    if (!alert) throw notFound();
    if (!alert.organisationIds.includes(organisationId)) throw notAddressed();
    const incident = await this.deps.store.get('incidents', alert.incidentId);
    if (incident?.status !== 'open') throw closedIncident();
    return alert;
  }

  /** Changes how long an alert waits for answers before escalating (GHOR). */
  setEscalation(user: StoredUser, alertId: string, escalateAfterMin: number): Promise<AlertStatus> {
    return this.serial(async () => {
      if (user.role !== 'ghor' && user.role !== 'admin') throw forbidden('Alleen de GHOR stelt de escalatie in.', 'Only GHOR sets the escalation.');
      const alert = await this.deps.store.get('alerts', alertId);
      if (!alert) throw notFound();
      const next = { ...alert, escalateAfterMin };
      await this.deps.store.put({ alerts: [next] });
      await this.record(alert.incidentId, user.id, { type: 'escalation-set', alertId, escalateAfterMin });
      const status = await this.status(next);
      for (const l of this.listeners) l.changed(status);
      return status;
    });
  }

  /** Records an escalation step for an organisation; a step already taken is not taken again. Returns whether it was new. */
  escalate(alertId: string, organisationId: string, step: 1 | 2): Promise<boolean> {
    return this.serial(async () => {
      const alert = await this.deps.store.get('alerts', alertId);
      if (!alert || (alert.escalation?.[organisationId]?.step ?? 0) >= step) return false;
      if (await this.deps.store.get('acknowledgements', `${alertId}:${organisationId}`)) return false;
      const at = this.deps.now().toISOString();
      const next = { ...alert, escalation: { ...alert.escalation, [organisationId]: { step, at } } };
      await this.deps.store.put({ alerts: [next] });
      await this.record(alert.incidentId, 'server', { type: 'alert-escalated', alertId, organisationId, step });
      const status = await this.status(next);
      for (const l of this.listeners) l.changed(status);
      return true;
    });
  }

  /**
   * "Not hit" is a report: the organisation's locations that have none yet become impact none,
   * operation normal, stamped as the answer's. The acknowledgement stands even when the log
   * cannot take this (the failure is logged).
   */
  private async reportNotHit(user: { userId: string; username: string; displayName: string; organisationId: string }, alert: Alert, at: string, onBehalf: boolean): Promise<void> {
    try {
      const organisationId = user.organisationId;
      const reported = await this.changeOwnReports(alert, organisationId, (doc, own) => reportNotHit(doc, own, { by: user.username, byName: user.displayName, organisationId, onBehalf, at, via: 'alert-answer' }));
      if (!reported) return;
      await this.deps.rooms.recordEvent(alert.incidentId, user.userId, { type: 'not-hit', alertId: alert.id, organisationId, locations: reported.length });
    } catch (error) {
      this.deps.log(`LOG FAILURE: incident ${alert.incidentId}: the "not hit" answer of ${user.organisationId} could not be written as reports: ${(error as Error).message}`);
    }
  }

  /** Takes back an answer's "not hit" reports that are still as it wrote them; returns how many. */
  private async withdrawNotHit(alert: Alert, organisationId: string, at: string): Promise<number> {
    try {
      return (await this.changeOwnReports(alert, organisationId, (doc, own) => withdrawNotHit(doc, own, { organisationId, at })))?.length ?? 0;
    } catch (error) {
      this.deps.log(`LOG FAILURE: incident ${alert.incidentId}: the "not hit" reports of ${organisationId} could not be taken back: ${(error as Error).message}`);
      return 0;
    }
  }

  /**
   * Changes the reports of an organisation's locations in the alert's incident as one server
   * change; returns the locations `change` says it changed, or null when the incident has no room.
   */
  private async changeOwnReports(alert: Alert, organisationId: string, change: (doc: Y.Doc, own: string[]) => string[]): Promise<string[] | null> {
    const room = await this.deps.rooms.get(alert.incidentId);
    if (!room) return null;
    const own = (await this.deps.rooms.network(alert.incidentId)).locations.filter((l) => l.organisationId === organisationId).map((l) => l.id);
    let changed: string[] = [];
    await room.serverChange((doc) => {
      changed = change(doc, own);
    });
    return changed;
  }

  /** Alerts of an incident with their acknowledgements, oldest first; a coordinator sees its organisation's only. */
  async list(user: StoredUser, incidentId: string): Promise<AlertStatus[]> {
    const alerts = (await this.deps.store.list('alerts'))
      .filter((a) => a.incidentId === incidentId)
      .filter((a) => user.role !== 'coordinator' || a.organisationIds.includes(user.organisationId ?? ''))
      .sort((a, b) => a.sentAt.localeCompare(b.sentAt));
    const acknowledgements = await this.deps.store.list('acknowledgements');
    const messages = user.role === 'coordinator' ? [] : await this.deps.store.list('outbox');
    const coordinators = new Map((await this.deps.store.list('coordinators')).map((c) => [c.id, c]));
    return alerts.map((alert) => ({
      alert,
      acknowledgements: acknowledgements.filter((a) => a.alertId === alert.id && (user.role !== 'coordinator' || a.organisationId === user.organisationId)),
      ...(user.role === 'coordinator' ? {} : { deliveries: deliveryLines(messages.filter((m) => m.alertId === alert.id), coordinators, acknowledgements.filter((a) => a.alertId === alert.id)) }),
    }));
  }

  /** One alert, for GHOR, observers and the organisations it addresses. */
  async get(user: StoredUser, alertId: string): Promise<AlertStatus> {
    const alert = await this.deps.store.get('alerts', alertId);
    if (!alert || (user.role === 'coordinator' && !alert.organisationIds.includes(user.organisationId ?? ''))) throw notFound();
    return this.status(alert);
  }

  /** Alerts of open incidents addressed to the user's organisation that it has not acknowledged, oldest first. */
  async pendingFor(user: StoredUser): Promise<AlertNotice[]> {
    if (user.role !== 'coordinator' || !user.organisationId) return [];
    const [alerts, acks, incidents] = await Promise.all([
      this.deps.store.list('alerts'),
      this.deps.store.list('acknowledgements'),
      this.deps.store.list('incidents'),
    ]);
    const acked = new Set(acks.filter((a) => a.organisationId === user.organisationId).map((a) => a.alertId));
    const open = new Map(incidents.filter((i) => i.status === 'open').map((i) => [i.id, i]));
    const withdrawn = withdrawals(alerts);
    return alerts
      .filter((a) => open.has(a.incidentId) && a.organisationIds.includes(user.organisationId!) && !acked.has(a.id) && !withdrawn.has(a.id))
      .sort((a, b) => a.sentAt.localeCompare(b.sentAt))
      .map((alert) => ({ alert, incidentTitle: open.get(alert.incidentId)!.title }));
  }
}
