import { closeAlarmNotifications } from './alarm-notifications';
import { io, type Socket } from 'socket.io-client';
import { ACK_ANSWERS, type AckAnswer, type AlertNotice, type AlertStatus, type AlertsWithdrawn } from '$shared/alert';
import type { PublicUser } from '$shared/domain';
import type { Result } from '$shared/result';
import type { ClientToServerEvents, OnlineUser, ServerToClientEvents } from '$shared/wire';
import { api } from './api';
import { beep } from './beep';
import { i18n } from './i18n.svelte';

/** The socket could not carry a call (no connection, or no answer in time): worth trying again. */
class NoConnection extends Error {}

/** Where a user's answers given without a connection wait on this device, across reloads. */
const unsentKey = (userId: string) => `zorgbeeld:unsent-answers:${userId}`;

/**
 * The socket.io connection of this tab: alerts for a coordinator (a banner until acknowledged),
 * alert statuses and presence for GHOR. One instance, connected once a user is signed in.
 */
class Alerts {
  /** Unacknowledged alerts for the coordinator's organisation, oldest first. */
  pending = $state<AlertNotice[]>([]);
  /** Statuses of alerts, by id (GHOR and observers). */
  statuses = $state.raw<Map<string, AlertStatus>>(new Map());
  online = $state.raw<OnlineUser[]>([]);
  /**
   * Answers to alerts given without a connection (a basement, a lift), by alert: kept on this
   * device and sent as soon as the socket connects, so an answer tapped once is not lost.
   */
  unsent = $state.raw<Map<string, KeptAnswer>>(new Map());
  /** The last kept answer that went once the connection was back, for the banner to say so. */
  sentLater = $state.raw<{ answer: AckAnswer; incidentId: string | null } | null>(null);
  /** The last alerts that went from the banner because they ask nothing any more, for the banner to say why. */
  withdrawn = $state.raw<Pick<AlertsWithdrawn, 'incidentTitle' | 'why'> | null>(null);
  connected = $state(false);
  /**
   * The session ended (expired after its hours, or signed out on another device): the server
   * turns the socket away, so no alert reaches this tab, and kept answers wait, until the user
   * signs in again. Told apart from a lost network by asking `/api/me`.
   */
  signedOut = $state(false);
  private checkedSessionAt = 0;
  /** Statuses pushed over the socket so far, and the count at each alert's last push. */
  private pushes = 0;
  private pushedAt = new Map<string, number>();
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private userId: string | null = null;
  private repeat: ReturnType<typeof setInterval> | undefined;

  /** Connects for a user (again after a change of user); disconnects when null. */
  connectFor(user: PublicUser | null): void {
    // The same user, signed in again after the session ended (the server had ended the socket): a
    // new socket with the new session.
    if (user?.id === this.userId && (!user || this.socket?.active) && !this.signedOut) return;
    this.disconnect();
    this.signedOut = false;
    this.userId = user?.id ?? null;
    if (!user) return;
    this.unsent = readUnsent(user.id);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket', 'polling'] });
    this.socket = socket;
    socket.on('connect', () => {
      this.connected = true;
      void this.resync().then(() => this.sendUnsent());
    });
    socket.on('disconnect', (reason) => {
      this.connected = false;
      // The server ends the sockets of a session that ends; socket.io then does not try again.
      if (reason === 'io server disconnect') void this.checkSession(true);
    });
    // Turned away at the handshake: no network, or no session any more.
    socket.on('connect_error', () => void this.checkSession(false));
    socket.on('alert', (notice) => this.receive(notice));
    socket.on('alert:acked', (ack) => this.drop([ack.alertId]));
    socket.on('alerts:withdrawn', (withdrawn) => this.withdraw(withdrawn));
    socket.on('alert:status', (status) => {
      this.pushes += 1;
      this.pushedAt.set(status.alert.id, this.pushes);
      this.put([status]);
    });
    socket.on('presence', (online) => (this.online = online));
    // While an alert waits for acknowledgement, the sound repeats.
    this.repeat = setInterval(() => {
      if (this.pending.length > 0) beep();
    }, 30000);
  }

  private receive(notice: AlertNotice): void {
    if (this.pending.some((n) => n.alert.id === notice.alert.id)) return;
    this.pending = [...this.pending, notice];
    beep();
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      new Notification(`GRIP ${notice.alert.grip} · ${notice.incidentTitle}`, { body: notice.alert.message, requireInteraction: true, tag: notice.alert.id });
    }
  }

  /**
   * Alerts that ask nothing any more leave the banner, which says why if one was waiting. Once
   * their incident is closed, answers to them kept on this device go too (the server refuses
   * them); an answer to a withdrawn alert of a running incident still goes.
   */
  private withdraw({ alertIds, incidentTitle, why }: AlertsWithdrawn): void {
    const ids = new Set(alertIds);
    if (!this.pending.some((n) => ids.has(n.alert.id))) return;
    this.drop(alertIds);
    if (why === 'closed' && alertIds.some((id) => this.unsent.has(id))) this.setUnsent(new Map([...this.unsent].filter(([alertId]) => !ids.has(alertId))));
    this.withdrawn = { incidentTitle, why };
  }

  /** Reads the statuses of an incident's alerts (a coordinator's own organisation's only). */
  async loadStatuses(incidentId: string): Promise<void> {
    await this.read(api<AlertStatus[]>(`/incidents/${incidentId}/alerts`));
  }

  /**
   * Takes in statuses read over HTTP, begun now. A status the socket pushes while the read is
   * under way is kept: it is as new as the read's or newer, and every later change is pushed too,
   * where the read's could put back what an escalation step or an answer had just changed.
   * Returns what was read.
   */
  async read<T extends AlertStatus | AlertStatus[]>(request: Promise<T>): Promise<T> {
    const mark = this.pushes;
    const read = await request;
    const fresh = (Array.isArray(read) ? read : [read as AlertStatus]).filter((status) => (this.pushedAt.get(status.alert.id) ?? 0) <= mark);
    this.put(fresh);
    return read;
  }

  /**
   * Corrects an organisation's answer to an alert, then reads the incident's statuses again:
   * GHOR's come over the socket too, a coordinator's screen has only this read.
   */
  async correct(incidentId: string, alertId: string, organisationId: string, answer: AckAnswer): Promise<void> {
    await api(`/alerts/${alertId}/answers/${organisationId}`, { method: 'PUT', body: { answer } });
    await this.loadStatuses(incidentId);
  }

  /** Sets the statuses of these alerts (pushed, or read: see {@link read}). */
  private put(statuses: readonly AlertStatus[]): void {
    if (statuses.length === 0) return;
    const next = new Map(this.statuses);
    for (const status of statuses) next.set(status.alert.id, status);
    this.statuses = next;
  }

  /**
   * Acknowledges an alert with the answer to "are you hit?". Without a connection the answer is
   * kept and sent when there is one ('kept'); a refusal by the server throws its sentence.
   */
  async acknowledge(alertId: string, answer: AckAnswer): Promise<'sent' | 'kept'> {
    try {
      await this.sendAnswer(alertId, answer);
      return 'sent';
    } catch (error) {
      if (!(error instanceof NoConnection)) throw error;
      // With its incident, so that the line saying it went can lead to the board after a reload.
      const incidentId = this.pending.find((n) => n.alert.id === alertId)?.alert.incidentId ?? null;
      this.setUnsent(new Map(this.unsent).set(alertId, { answer, incidentId }));
      return 'kept';
    }
  }

  /** Sends one answer; once the server has it, its alert leaves the banner. */
  private async sendAnswer(alertId: string, answer: AckAnswer): Promise<void> {
    await this.call((socket) => socket.emitWithAck('alert:ack', { alertId, answer }));
    this.drop([alertId]);
  }

  /**
   * Alerts that ask nothing any more (answered, withdrawn, their incident closed) leave the
   * banner, and their notifications on this device close: a pushed alarm asks to be dealt with
   * and would otherwise stay. The notifications are best effort: without a service worker there
   * is nothing to close.
   */
  private drop(alertIds: readonly string[]): void {
    if (alertIds.length === 0) return;
    const ids = new Set(alertIds);
    this.pending = this.pending.filter((n) => !ids.has(n.alert.id));
    if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    void navigator.serviceWorker
      .getRegistration()
      .then((registration) => registration && closeAlarmNotifications(registration, alertIds))
      .catch(() => undefined);
  }

  /**
   * Asks whether the session still stands, at most every 10 s while the socket keeps failing. A
   * 401 stops the socket until the user signs in again; with a session, a socket the server ended
   * connects again (`reconnect`).
   */
  private async checkSession(reconnect: boolean): Promise<void> {
    const now = Date.now();
    if (this.signedOut || (!reconnect && now - this.checkedSessionAt < 10000)) return;
    this.checkedSessionAt = now;
    const socket = this.socket;
    const answer = await fetch('/api/me', { credentials: 'same-origin' }).catch(() => null);
    if (socket !== this.socket) return;
    // No network: a socket the server ended tries again, and socket.io keeps trying from there.
    if (!answer) {
      if (reconnect) socket?.connect();
      return;
    }
    if (answer.status === 401) {
      this.signedOut = true;
      socket?.disconnect();
    } else if (reconnect && answer.ok) {
      socket?.connect();
    }
  }

  /**
   * Takes the server's list of alerts waiting for an answer as it is now: without a connection
   * this tab missed the answers of colleagues and the closing of incidents, whose alerts would
   * otherwise stay in the banner until a reload.
   */
  private async resync(): Promise<void> {
    // Only what was here before asking can be gone: an alert sent meanwhile may come before the answer.
    const before = new Set(this.pending.map((n) => n.alert.id));
    let waiting: AlertNotice[];
    try {
      waiting = await this.call((socket) => socket.emitWithAck('alerts:pending'));
    } catch {
      // No answer: the alerts the server sends on connecting still come in one by one.
      return;
    }
    const ids = new Set(waiting.map((n) => n.alert.id));
    this.drop([...before].filter((id) => !ids.has(id)));
    for (const notice of waiting) this.receive(notice);
  }

  /** Sends the answers kept without a connection, one by one; stops at the first that cannot go yet. */
  private async sendUnsent(): Promise<void> {
    for (const [alertId, { answer, incidentId }] of this.unsent) {
      try {
        await this.sendAnswer(alertId, answer);
        this.sentLater = { answer, incidentId };
      } catch (error) {
        if (error instanceof NoConnection) return;
        // Refused (the alert is gone, say): trying again would not help; the banner asks anew.
      }
      const next = new Map(this.unsent);
      next.delete(alertId);
      this.setUnsent(next);
    }
  }

  private setUnsent(next: Map<string, KeptAnswer>): void {
    this.unsent = next;
    if (!this.userId) return;
    try {
      if (next.size === 0) localStorage.removeItem(unsentKey(this.userId));
      else localStorage.setItem(unsentKey(this.userId), JSON.stringify([...next].map(([alertId, { answer, incidentId }]) => [alertId, answer, incidentId])));
    } catch {
      // No storage (private mode, full): the answer still waits in this tab.
    }
  }

  /** Sends an alert (GHOR). */
  send(input: { incidentId: string } & Record<string, unknown>): Promise<AlertStatus> {
    return this.call((socket) => socket.emitWithAck('alert:send', input));
  }

  private async call<T>(emit: (socket: Socket<ServerToClientEvents, ClientToServerEvents>) => Promise<Result<T>>): Promise<T> {
    if (!this.socket?.connected) throw new NoConnection(i18n.t('offlineError'));
    const result = await emit(this.socket.timeout(10000) as unknown as Socket<ServerToClientEvents, ClientToServerEvents>).catch(() => {
      throw new NoConnection(i18n.t('offlineError'));
    });
    if ('error' in result) throw new Error(result.error.message);
    return result.data;
  }

  disconnect(): void {
    clearInterval(this.repeat);
    this.socket?.disconnect();
    this.socket = null;
    this.pending = [];
    this.sentLater = null;
    this.withdrawn = null;
    this.connected = false;
  }
}

/** An answer given without a connection, and the incident of its alert (null when not known). */
export interface KeptAnswer {
  answer: AckAnswer;
  incidentId: string | null;
}

/**
 * The answers a user gave on this device without a connection, as kept by {@link Alerts.setUnsent}:
 * `[alertId, answer, incidentId]` (kept before the incident was: `[alertId, answer]`).
 */
function readUnsent(userId: string): Map<string, KeptAnswer> {
  try {
    const kept = JSON.parse(localStorage.getItem(unsentKey(userId)) ?? '[]') as unknown;
    if (!Array.isArray(kept)) return new Map();
    return new Map(
      kept
        .filter((e): e is [string, AckAnswer, unknown] => Array.isArray(e) && typeof e[0] === 'string' && (ACK_ANSWERS as readonly unknown[]).includes(e[1]))
        .map(([alertId, answer, incidentId]) => [alertId, { answer, incidentId: typeof incidentId === 'string' ? incidentId : null }]),
    );
  } catch {
    return new Map();
  }
}

/** The one alerts connection. */
export const alerts = new Alerts();
