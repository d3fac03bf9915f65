import { withdrawals, type AckAnswer, type Acknowledgement, type Alert, type AlertNotice, type AlertStatus, type AlertsWithdrawn } from '../../shared/alert';
import { CHANNELS, channelsOf, isEmail, isMobile, toE164, type Channel } from '../../shared/contact';
import { isConnected, type Coordinator } from '../../shared/domain';
import { settledTag, type OutboxMessage, type PushPayload, type PushSubscriptionRow } from '../../shared/reach';
import type { RecordedEvent } from '../../shared/recorded-event';
import { text } from '../../shared/text';
import { vocabName } from '../../shared/vocab';
import type { AlertListener, AlertService } from '../alerts/alert-service';
import { HttpError } from '../http/http-error';
import type { Store, StoredUser } from '../store/store';
import type { Rooms } from '../yjs/rooms';
import { AnswerLinks, newMessageId } from './answer-link';
import { forgetDevices, subscriptionId } from './devices';
import { inLanes, type ChannelSender, type Envelope } from './channels';
import { Outbox, type RetryPolicy } from './outbox';
import type { PushChannel } from './push-channel';
import { readSmsStatus } from './sms-channel';
import { DEFAULTS } from '../defaults';

/** A message and what its link leads to, as the answer page shows it. */
export interface LinkView {
  message: OutboxMessage;
  alert: Alert;
  incidentTitle: string;
  incidentOpen: boolean;
  /** GHOR has sent an all clear or withdrawal (a Cancel) for this alert. */
  withdrawn: boolean;
  organisationName: string;
  coordinatorName: string;
  /** The organisation's answer that stands, if any. */
  answered: Acknowledgement | null;
  /**
   * The account the link signs in to the board ({@link ReachService.accountOf}): none once the
   * incident is closed. Read by the answer page on the server, never sent as it is.
   */
  account: StoredUser | null;
}

/**
 * How long after its message a link signs in to the board: the first hours of a crisis, when a
 * forgotten password costs most; a mail read or passed on days later only answers.
 */
export const LINK_SIGN_IN_MS = 24 * 3600_000;

const linkGone = () => new HttpError(404, 'not-found', text('Deze antwoordlink is onbekend of gewijzigd. Gebruik de link uit het bericht zelf, of meld u aan op het bord.', 'This answer link is unknown or altered. Use the link from the message itself, or sign in to the board.'));

/**
 * Reach outside the app (docs/architecture.md, "Reach"): turns each alert into messages per
 * connected coordinator and channel in the persisted outbox, answers its links, reads delivery
 * reports, and climbs the escalation ladder. Every step is an event in the incident's log.
 */
export class ReachService implements AlertListener {
  readonly links: AnswerLinks;
  private readonly outbox: Outbox;
  private readonly push?: PushChannel;
  private escalationTimer?: NodeJS.Timeout;
  private escalating = false;
  private readonly pendingStatus = new Set<string>();
  private statusTimer?: NodeJS.Timeout;
  /** Set by {@link stop}: screens are no longer told (the sockets and the servers' bus are closing). */
  private stopped = false;
  /** Messages being queued for an alert just sent: stopping waits for them, so none is lost on a clean stop. */
  private readonly queuing = new Set<Promise<void>>();
  /** Where answer links point; set at start, or from the listening address when not configured. */
  publicUrl: string;

  constructor(
    private readonly deps: {
      store: Store;
      alerts: AlertService;
      rooms: Rooms;
      senders: readonly ChannelSender[];
      publicUrl: string;
      answerSecret: Buffer;
      now: () => Date;
      log: (message: string) => void;
      retry?: RetryPolicy;
      outboxTickMs?: number;
      escalationTickMs?: number;
      /** Minutes before escalating when an alert does not say (ESCALATE_AFTER_MIN). */
      escalateAfterMin: number;
      /** One of several servers: only the one on duty sends and escalates (see cluster.ts). */
      duty?: { held(): boolean; elsewhere(): void };
    },
  ) {
    this.links = new AnswerLinks(deps.answerSecret);
    this.publicUrl = deps.publicUrl;
    this.push = deps.senders.find((s): s is PushChannel => s.channel === 'push');
    this.outbox = new Outbox({
      store: deps.store,
      senders: new Map(deps.senders.map((s) => [s.channel, s])),
      compose: (message) => this.compose(message),
      changed: (messages) => this.onChanged(messages),
      now: deps.now,
      log: deps.log,
      retry: deps.retry,
      tickMs: deps.outboxTickMs,
      duty: deps.duty,
    });
    deps.alerts.listen(this);
  }

  /** The channels switched on by configuration. */
  get channels(): Channel[] {
    return this.deps.senders.map((s) => s.channel);
  }

  start(): void {
    this.outbox.start();
    this.escalationTimer = setInterval(() => void this.escalateDue(), this.deps.escalationTickMs ?? DEFAULTS.escalationTickMs);
    this.escalationTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.escalationTimer);
    clearTimeout(this.statusTimer);
    await Promise.allSettled([...this.queuing]);
    await this.outbox.stop();
    await Promise.all(this.deps.senders.map((s) => s.close()));
  }

  /**
   * Sends what is due now: new messages queued on another server, or, for the server that just
   * took the duty over, what the one before left (`sending` messages go again with their ids).
   */
  kick(): void {
    this.outbox.kick();
    void this.escalateDue();
  }

  /** Waits until the outbox has handed over everything due now (tests and the benchmark). */
  idle(): Promise<void> {
    return this.outbox.idle();
  }

  // ---- AlertListener: a new alert goes out; an answer cancels what has not gone yet.
  sent(status: AlertStatus, _notice: AlertNotice): void {
    const queued = this.queue(status.alert, status.alert.organisationIds, 0)
      .catch((error: Error) => this.deps.log(`OUTBOX FAILURE: alert ${status.alert.id} not queued: ${error.message}`))
      .finally(() => this.queuing.delete(queued));
    this.queuing.add(queued);
  }
  changed(): void {}

  /** The organisation answered: its coordinators' devices stop showing the alarm as a question. */
  acked(ack: Acknowledgement, _status: AlertStatus, from?: OutboxMessage): void {
    // The device whose notification answered already says so ("Antwoord ontvangen").
    const answeredOn = from?.channel === 'push' ? from.to : null;
    this.settling(async () => {
      const alert = await this.deps.store.get('alerts', ack.alertId);
      if (!alert) return;
      await this.settle(alert.incidentId, (m) => m.alertId === ack.alertId && m.organisationId === ack.organisationId && m.to !== answeredOn, settledTag(ack.alertId), (english, incidentTitle, organisationName) =>
        english
          ? { title: `Alert answered · ${incidentTitle}`, body: `${ack.via === 'phone' ? `GHOR (${ack.displayName}) took down by phone` : `${ack.displayName} answered`} for ${organisationName}: ${vocabName('en', 'answer', ack.answer)}. No further answer is needed.` }
          : { title: `Alarm beantwoord · ${incidentTitle}`, body: `${ack.via === 'phone' ? `De GHOR (${ack.displayName}) noteerde telefonisch` : `${ack.displayName} antwoordde`} voor ${organisationName}: ${vocabName('nl', 'answer', ack.answer)}. U hoeft niet meer te antwoorden.` },
      );
    });
  }

  /** An answer was corrected: the devices that were told the earlier answer get the new one, in its place (the same tag). */
  corrected(ack: Acknowledgement): void {
    const by = ack.corrected?.displayName ?? ack.displayName;
    this.settling(async () => {
      const alert = await this.deps.store.get('alerts', ack.alertId);
      if (!alert) return;
      await this.settle(alert.incidentId, (m) => m.alertId === ack.alertId && m.organisationId === ack.organisationId, settledTag(ack.alertId), (english, incidentTitle, organisationName) =>
        english
          ? { title: `Answer changed · ${incidentTitle}`, body: `${by} changed the answer for ${organisationName} to: ${vocabName('en', 'answer', ack.answer)}.` }
          : { title: `Antwoord gewijzigd · ${incidentTitle}`, body: `${by} wijzigde het antwoord voor ${organisationName} in: ${vocabName('nl', 'answer', ack.answer)}.` },
      );
    });
  }

  /** An incident closed: its unanswered alarms on devices make way for one quiet word that it is over. */
  withdrawn(withdrawn: AlertsWithdrawn): void {
    // An all clear goes out as an alert of its own, whose push already takes the alarm's place.
    if (withdrawn.why !== 'closed') return;
    this.settling(async () => {
      // Answered alarms were settled when the answer came.
      const answered = new Set((await this.deps.store.list('acknowledgements')).map((a) => `${a.alertId}:${a.organisationId}`));
      await this.settle(withdrawn.incidentId, (m) => !answered.has(`${m.alertId}:${m.organisationId}`), settledTag(withdrawn.incidentId), (english, incidentTitle) =>
        english
          ? { title: `Incident closed · ${incidentTitle}`, body: 'GHOR has closed the incident. No answer to its alert is needed any more.' }
          : { title: `Incident gesloten · ${incidentTitle}`, body: 'De GHOR heeft het incident gesloten. Een antwoord op het alarm is niet meer nodig.' },
      );
    });
  }

  // Pushes that settle alarms run beside the request that caused them; a clean stop waits for them.
  private settling(work: () => Promise<void>): void {
    if (!this.push || this.stopped) return;
    const done = work()
      .catch((error: Error) => this.deps.log(`PUSH FAILURE: alarms on devices not settled: ${error.message}`))
      .finally(() => this.queuing.delete(done));
    this.queuing.add(done);
  }

  /**
   * Pushes `say` to every device that was pushed an alarm of the incident that `which` names,
   * closing those alarms' notifications. An alarm's notification asks to be dealt with, so on a
   * phone in a pocket it would stay, offering answers that ask nothing any more. One push per
   * device, in its account's language, with a tag of its own: a second one replaces the first.
   */
  private async settle(incidentId: string, which: (m: OutboxMessage) => boolean, tag: string, say: (english: boolean, incidentTitle: string, organisationName: string) => { title: string; body: string }): Promise<void> {
    const [messages, incident] = await Promise.all([this.deps.store.list('outbox'), this.deps.store.get('incidents', incidentId)]);
    if (!incident) return;
    const devices = new Map<string, { alertIds: Set<string>; organisationId: string }>();
    for (const m of messages) {
      // A message still being handed over may arrive after the answer: its device is told too.
      if (m.incidentId !== incidentId || m.channel !== 'push' || !['sending', 'sent', 'delivered'].includes(m.state) || !which(m)) continue;
      const device = devices.get(m.to) ?? { alertIds: new Set<string>(), organisationId: m.organisationId };
      device.alertIds.add(m.alertId);
      devices.set(m.to, device);
    }
    if (devices.size === 0) return;
    const [subscriptions, users] = await Promise.all([this.deps.store.list('pushSubscriptions'), this.deps.store.list('users')]);
    const languages = new Map(users.map((u) => [u.id, u.language]));
    // A closure may reach every coordinator's devices: several pushes at a time, as the channel sends alerts.
    await inLanes(
      subscriptions.filter((row) => devices.has(row.id) && !row.goneAt),
      8,
      async (row) => {
        const device = devices.get(row.id)!;
        const organisation = await this.deps.store.get('organisations', device.organisationId);
        const english = languages.get(row.userId) === 'en';
        const result = await this.push!.notify(row, { kind: 'settled', ...say(english, incident.title, organisation?.name ?? device.organisationId), url: `/incidents/${incidentId}`, english, withdraws: [...device.alertIds], tag });
        if (!result.ok) this.deps.log(`a settling push to device ${row.id} not sent: ${result.error}`);
      },
    );
  }

  /** Messages for the connected coordinators of the given organisations: round 0 on their chosen channels, round 1 on every channel they have. */
  private async queue(alert: Alert, organisationIds: readonly string[], round: number): Promise<void> {
    const wanted = new Set(organisationIds);
    const [coordinators, users, subscriptions] = await Promise.all([this.deps.store.list('coordinators'), this.deps.store.list('users'), this.deps.store.list('pushSubscriptions')]);
    const at = this.deps.now().toISOString();
    const messages: OutboxMessage[] = [];
    for (const coordinator of coordinators) {
      if (!wanted.has(coordinator.organisationId) || !isConnected(coordinator)) continue;
      for (const channel of round === 0 ? channelsOf(coordinator) : CHANNELS) {
        if (!this.channels.includes(channel)) continue;
        for (const to of this.addresses(coordinator, channel, users, subscriptions)) {
          messages.push({ id: newMessageId(), alertId: alert.id, incidentId: alert.incidentId, organisationId: coordinator.organisationId, coordinatorId: coordinator.id, channel, round, to, state: 'queued', attempts: 0, nextAt: at, error: null, createdAt: at, sentAt: null, deliveredAt: null });
        }
      }
    }
    await this.outbox.enqueue(messages);
    // Nothing to send (no channel on, or nobody with an address): no event either.
    if (messages.length === 0) return;
    const counts = Object.fromEntries(this.channels.map((c) => [c, messages.filter((m) => m.channel === c).length]).filter(([, n]) => Number(n) > 0));
    await this.record(alert.incidentId, { type: 'alert-outreach', alertId: alert.id, round, organisations: organisationIds.length, messages: counts });
  }

  /** Where a coordinator is reached on a channel: its address, or every device it subscribed. */
  private addresses(coordinator: Coordinator, channel: Channel, users: readonly StoredUser[], subscriptions: readonly PushSubscriptionRow[]): string[] {
    if (channel === 'email') return coordinator.email && isEmail(coordinator.email) ? [coordinator.email] : [];
    if (channel === 'sms') {
      const number = toE164(coordinator.phone ?? '');
      return number && isMobile(number) ? [number] : [];
    }
    const accounts = new Set(users.filter((u) => u.coordinatorId === coordinator.id && u.active).map((u) => u.id));
    return subscriptions.filter((s) => accounts.has(s.userId) && !s.goneAt).map((s) => s.id);
  }

  /** The envelope of a message; null when its organisation has answered meanwhile (nothing left to ask). */
  private async compose(message: OutboxMessage): Promise<Envelope | null> {
    const alert = await this.deps.store.get('alerts', message.alertId);
    const incident = alert ? await this.deps.store.get('incidents', alert.incidentId) : undefined;
    if (!alert || !incident || incident.status !== 'open') return null;
    if (message.state === 'queued' && (await this.deps.store.get('acknowledgements', `${alert.id}:${message.organisationId}`))) return null;
    // Not handed over before GHOR withdrew the alert: it would announce what is over.
    if (message.state === 'queued' && withdrawals(await this.deps.store.list('alerts')).has(alert.id)) return null;
    const coordinator = await this.deps.store.get('coordinators', message.coordinatorId);
    const organisation = await this.deps.store.get('organisations', message.organisationId);
    const account = (await this.deps.store.list('users')).find((u) => u.coordinatorId === message.coordinatorId);
    const token = this.links.token(message);
    return {
      message,
      token,
      link: `${this.publicUrl}/a/${token}`,
      alert,
      incidentTitle: incident.title,
      organisationName: organisation?.name ?? message.organisationId,
      coordinatorName: coordinator?.name ?? message.coordinatorId,
      english: account?.language === 'en',
    };
  }

  // State changes go into the incident log (sent, delivered, failed) and, coalesced, to GHOR's screens.
  private onChanged(messages: readonly OutboxMessage[]): void {
    for (const m of messages) {
      if (m.state === 'sent' || m.state === 'delivered' || m.state === 'failed') {
        // The name goes into the log: the review reads who it was even after the registry changed.
        void this.deps.store.get('coordinators', m.coordinatorId).then((c) =>
          this.record(m.incidentId, { type: 'message-state', alertId: m.alertId, organisationId: m.organisationId, coordinatorId: m.coordinatorId, coordinatorName: c?.name ?? m.coordinatorId, channel: m.channel, round: m.round, state: m.state, ...(m.error && m.state === 'failed' ? { error: m.error } : {}) }),
        ).catch((error: Error) => this.deps.log(`message state of ${m.id} not recorded: ${error.message}`));
      }
      this.pendingStatus.add(m.alertId);
    }
    // Sends that end while stopping are still recorded (above), but not told to screens: the
    // timer would fire after the sockets and the bus they go through are closed.
    if (this.stopped) return;
    this.statusTimer ??= setTimeout(() => {
      this.statusTimer = undefined;
      const ids = [...this.pendingStatus];
      this.pendingStatus.clear();
      // A store that cannot be read now (a database restarting) only delays the statuses: the next change sends them.
      for (const id of ids) void this.deps.alerts.notifyChanged(id).catch((error: Error) => this.deps.log(`alert status ${id} not sent: ${error.message}`));
    }, 250);
  }

  private async record(incidentId: string, event: RecordedEvent, user = 'server'): Promise<void> {
    try {
      await this.deps.rooms.recordEvent(incidentId, user, event);
    } catch (error) {
      this.deps.log(`LOG FAILURE: incident ${incidentId}: ${event.type} not recorded: ${(error as Error).message}`);
    }
  }

  // ---- Answer links.

  /** The message behind a token; an unknown, altered or foreign token is refused. */
  async messageOf(token: string): Promise<OutboxMessage> {
    const id = this.links.idOf(token);
    const message = id ? await this.deps.store.get('outbox', id) : undefined;
    if (!message || !this.links.verify(token, message)) throw linkGone();
    return message;
  }

  /** What the answer page shows for a token. */
  async view(token: string): Promise<LinkView> {
    const message = await this.messageOf(token);
    const alert = await this.deps.store.get('alerts', message.alertId);
    const incident = alert ? await this.deps.store.get('incidents', alert.incidentId) : undefined;
    if (!alert || !incident) throw linkGone();
    const [organisation, coordinator, answered, alerts, account] = await Promise.all([
      this.deps.store.get('organisations', message.organisationId),
      this.deps.store.get('coordinators', message.coordinatorId),
      this.deps.store.get('acknowledgements', `${alert.id}:${message.organisationId}`),
      this.deps.store.list('alerts'),
      incident.status === 'open' ? this.accountOf(message) : undefined,
    ]);
    return {
      message,
      alert,
      incidentTitle: incident.title,
      incidentOpen: incident.status === 'open',
      withdrawn: withdrawals(alerts).has(alert.id),
      organisationName: organisation?.name ?? message.organisationId,
      coordinatorName: coordinator?.name ?? message.coordinatorId,
      answered: answered ?? null,
      account: account ?? null,
    };
  }

  /**
   * The account a link signs in to the board, in the first minute of a crisis, without a
   * password to remember: the active coordinator account of the coordinator the message went
   * to, of the message's organisation, for {@link LINK_SIGN_IN_MS} after the message was made.
   * None for a coordinator without an account.
   */
  private async accountOf(message: OutboxMessage): Promise<StoredUser | undefined> {
    if (this.deps.now().getTime() - Date.parse(message.createdAt) > LINK_SIGN_IN_MS) return undefined;
    return (await this.deps.store.list('users')).find((u) => u.active && u.role === 'coordinator' && u.coordinatorId === message.coordinatorId && u.organisationId === message.organisationId);
  }

  /**
   * Writes in the incident log that a link signed its account in on a device: an evaluator reads
   * who came to the board without a password, and by which message.
   */
  async signedInByLink(view: LinkView, account: StoredUser): Promise<void> {
    const { message, alert } = view;
    await this.record(alert.incidentId, { type: 'link-sign-in', alertId: alert.id, organisationId: message.organisationId, username: account.username, channel: message.channel }, account.id);
  }

  /** Answers through a link; the first answer of the organisation stands. */
  async answer(token: string, answer: AckAnswer): Promise<{ ack: Acknowledgement; first: boolean }> {
    const message = await this.messageOf(token);
    return this.deps.alerts.answerByLink(message, answer);
  }

  /** Corrects the organisation's answer through a link (a wrong tap on the phone). */
  async correct(token: string, answer: AckAnswer): Promise<Acknowledgement> {
    const message = await this.messageOf(token);
    return this.deps.alerts.correctByLink(message, answer);
  }

  /** The service worker got the push on the device: the message is delivered. */
  async received(token: string): Promise<void> {
    const message = await this.messageOf(token);
    if (message.state === 'delivered') return;
    await this.outbox.update([{ ...message, state: 'delivered', deliveredAt: this.deps.now().toISOString() }]);
  }

  /** A status report of the SMS gateway (CM.com's JSON webhook). Returns how many messages it named. */
  async smsStatus(body: unknown): Promise<number> {
    const updates: OutboxMessage[] = [];
    for (const status of readSmsStatus(body)) {
      const message = await this.deps.store.get('outbox', status.messageId);
      if (!message || message.channel !== 'sms' || message.state === 'delivered') continue;
      const at = this.deps.now().toISOString();
      if (status.state === 'delivered') updates.push({ ...message, state: 'delivered', deliveredAt: at });
      else if (status.state === 'failed') updates.push({ ...message, state: 'failed', error: status.error, nextAt: '' });
    }
    await this.outbox.update(updates);
    return updates.length;
  }

  // ---- Push subscriptions.

  /** Stores a device's push subscription for a user (the same endpoint again replaces it). */
  async subscribe(user: StoredUser, subscription: { endpoint: string; keys: { p256dh: string; auth: string } }): Promise<PushSubscriptionRow> {
    const row: PushSubscriptionRow = { id: subscriptionId(subscription.endpoint), userId: user.id, endpoint: subscription.endpoint, keys: subscription.keys, createdAt: this.deps.now().toISOString(), goneAt: null };
    await this.deps.store.put({ pushSubscriptions: [row] });
    return row;
  }

  /** Removes a device's subscription of this user. */
  async unsubscribe(user: StoredUser, endpoint: string): Promise<boolean> {
    return (await forgetDevices(this.deps.store, user.id, endpoint)) > 0;
  }

  /** One-off pushes (no outbox): an urgent need to the GHOR's and admins' devices. */
  async notifyRoles(roles: readonly string[], payload: PushPayload): Promise<void> {
    if (!this.push) return;
    const users = new Map((await this.deps.store.list('users')).filter((u) => u.active && roles.includes(u.role)).map((u) => [u.id, u]));
    const rows = (await this.deps.store.list('pushSubscriptions')).filter((s) => users.has(s.userId) && !s.goneAt);
    await Promise.all(rows.map((row) => this.push!.notify(row, payload)));
  }

  /**
   * A need that became urgency "immediate" (new, or raised) goes to the GHOR's and admins'
   * devices at once: the board's sound and toast reach only who has it open.
   */
  async urgentNeeds(incidentId: string, needs: readonly { needId: string; organisationId: string | null; fields: Record<string, unknown>; now?: Record<string, unknown> }[]): Promise<void> {
    const urgent = needs.filter((n) => n.fields.urgency === 'immediate');
    if (urgent.length === 0 || !this.push) return;
    const incident = await this.deps.store.get('incidents', incidentId);
    if (!incident || incident.status !== 'open') return;
    for (const need of urgent) {
      const organisation = need.organisationId ? await this.deps.store.get('organisations', need.organisationId) : undefined;
      const whole = need.now ?? need.fields;
      const kind = typeof whole.kind === 'string' ? vocabName('nl', 'needKind', whole.kind) : '';
      const what = [kind, whole.description].filter((v) => typeof v === 'string' && v).join(': ');
      await this.notifyRoles(['ghor', 'admin'], { kind: 'need', title: `Directe hulpvraag · ${incident.title}`, body: `${organisation?.name ?? ''}${what ? ` — ${what}` : ''}`.slice(0, 300), url: `/incidents/${incidentId}` });
    }
  }

  // ---- Escalation.

  /**
   * One pass of the ladder over the alerts of open incidents. The steps taken are kept on the
   * alert, so a restart resumes where it was: nothing is sent twice, nothing is skipped.
   */
  async escalateDue(): Promise<void> {
    if (this.escalating || (this.deps.duty && !this.deps.duty.held())) return;
    this.escalating = true;
    try {
      const [alerts, acks, incidents] = await Promise.all([this.deps.store.list('alerts'), this.deps.store.list('acknowledgements'), this.deps.store.list('incidents')]);
      const open = new Set(incidents.filter((i) => i.status === 'open').map((i) => i.id));
      const answered = new Set(acks.map((a) => `${a.alertId}:${a.organisationId}`));
      // Withdrawn by an all clear: nobody is reminded of it or called about it.
      const withdrawn = withdrawals(alerts);
      const now = this.deps.now().getTime();
      for (const alert of alerts) {
        if (!open.has(alert.incidentId) || alert.msgType === 'Cancel' || withdrawn.has(alert.id)) continue;
        const after = (alert.escalateAfterMin ?? this.deps.escalateAfterMin) * 60000;
        const waited = now - Date.parse(alert.sentAt);
        if (waited < after) continue;
        const again: string[] = [];
        for (const organisationId of alert.organisationIds) {
          if (answered.has(`${alert.id}:${organisationId}`)) continue;
          const step = alert.escalation?.[organisationId]?.step ?? 0;
          if (step < 1 && (await this.deps.alerts.escalate(alert.id, organisationId, 1))) again.push(organisationId);
          if (step < 2 && waited >= 2 * after) await this.deps.alerts.escalate(alert.id, organisationId, 2);
        }
        if (again.length > 0) await this.queue(alert, again, 1);
      }
    } catch (error) {
      this.deps.log(`ESCALATION FAILURE: ${(error as Error).message}`);
    } finally {
      this.escalating = false;
    }
  }
}
