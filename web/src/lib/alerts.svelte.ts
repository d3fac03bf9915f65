import { io, type Socket } from 'socket.io-client';
import type { AckAnswer, Acknowledgement, AlertNotice, AlertStatus } from '$shared/alert';
import type { PublicUser } from '$shared/domain';
import type { Result } from '$shared/result';
import type { ClientToServerEvents, OnlineUser, ServerToClientEvents } from '$shared/wire';
import { beep } from './beep';
import { i18n } from './i18n.svelte';

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
  connected = $state(false);
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private userId: string | null = null;
  private repeat: ReturnType<typeof setInterval> | undefined;

  /** Connects for a user (again after a change of user); disconnects when null. */
  connectFor(user: PublicUser | null): void {
    if (user?.id === this.userId) return;
    this.disconnect();
    this.userId = user?.id ?? null;
    if (!user) return;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket', 'polling'] });
    this.socket = socket;
    socket.on('connect', () => (this.connected = true));
    socket.on('disconnect', () => (this.connected = false));
    socket.on('alert', (notice) => this.receive(notice));
    socket.on('alert:acked', (ack) => (this.pending = this.pending.filter((n) => n.alert.id !== ack.alertId)));
    socket.on('alert:status', (status) => this.setStatus(status));
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

  /** Sets the status of one alert (from the server or a list load). */
  setStatus(status: AlertStatus): void {
    const next = new Map(this.statuses);
    next.set(status.alert.id, status);
    this.statuses = next;
  }

  /** Acknowledges an alert with the answer to "are you hit?". */
  async acknowledge(alertId: string, answer: AckAnswer): Promise<Acknowledgement> {
    const result = await this.call((socket) => socket.emitWithAck('alert:ack', { alertId, answer }));
    this.pending = this.pending.filter((n) => n.alert.id !== alertId);
    return result;
  }

  /** Sends an alert (GHOR). */
  send(input: { incidentId: string } & Record<string, unknown>): Promise<AlertStatus> {
    return this.call((socket) => socket.emitWithAck('alert:send', input));
  }

  private async call<T>(emit: (socket: Socket<ServerToClientEvents, ClientToServerEvents>) => Promise<Result<T>>): Promise<T> {
    if (!this.socket?.connected) throw new Error(i18n.t('offlineError'));
    const result = await emit(this.socket.timeout(10000) as unknown as Socket<ServerToClientEvents, ClientToServerEvents>).catch(() => {
      throw new Error(i18n.t('offlineError'));
    });
    if ('error' in result) throw new Error(result.error.message);
    return result.data;
  }

  disconnect(): void {
    clearInterval(this.repeat);
    this.socket?.disconnect();
    this.socket = null;
    this.pending = [];
    this.connected = false;
  }
}

/** The one alerts connection. */
export const alerts = new Alerts();
