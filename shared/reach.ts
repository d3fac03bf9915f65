/**
 * Alerts outside the app: the persisted outbox of messages per coordinator and channel, its
 * delivery states, and the short texts that go out (docs/architecture.md, "Reach").
 */
import type { Channel } from './contact';
import type { Coordinator } from './domain';

/**
 * Where one message is: waiting its turn, handed to the channel's server now, accepted by it,
 * confirmed on the phone (when the channel reports that), failed with a reason (tried again
 * while attempts remain), or not needed any more because the organisation answered.
 */
export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * One message to one coordinator on one channel. Its id is also the key of its answer link
 * (`/a/<id><signature>`), so every message carries its own link and the channel it came by.
 */
export interface OutboxMessage {
  id: string;
  alertId: string;
  incidentId: string;
  organisationId: string;
  coordinatorId: string;
  channel: Channel;
  /** 0 for the alert itself, 1 for the escalation's second send. */
  round: number;
  /** Address on the channel: e-mail address, E.164 number, or the push subscription's id. */
  to: string;
  state: DeliveryState;
  attempts: number;
  /** When the next attempt is due (queued, or a retry after a failure). */
  nextAt: string;
  /** Why the last attempt failed, as the channel said it. */
  error: string | null;
  createdAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
}

/** One browser or phone that asked for push notifications. */
export interface PushSubscriptionRow {
  /** SHA-256 of the endpoint: the same device subscribing twice is one row. */
  id: string;
  userId: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  createdAt: string;
  /** Set when the push service said the subscription is gone (404/410). */
  goneAt: string | null;
}

/**
 * What the service worker gets in a push: enough to show the alert and answer it. `settled` says,
 * quietly, that alarms on the device ask nothing any more (answered, or their incident closed).
 */
export interface PushPayload {
  kind: 'alert' | 'need' | 'settled';
  title: string;
  body: string;
  /** Opened on a tap on the notification itself. */
  url: string;
  /** For an alert: the answer link's token, for the "Niet getroffen" / "Getroffen" actions. */
  token?: string;
  english?: boolean;
  /** For an alert: its id. */
  alertId?: string;
  /** Alerts whose notifications the device closes first: an all clear's, or those a `settled` ends. */
  withdraws?: string[];
  /** The notification's tag, when not the token's or the url's: a later one with the same tag replaces it. */
  tag?: string;
}

/**
 * The tag of the quiet word that an alert (by its id), or an incident (by its id), asks nothing
 * any more: the server's settling push and the service worker's own word after an answer from
 * the notification use the same one, so that the later replaces the earlier on the device.
 */
export const settledTag = (id: string): string => `settled-${id}`;

/** What GHOR's response board shows per coordinator of an addressed organisation. */
export interface DeliveryLine {
  coordinatorId: string;
  organisationId: string;
  name: string;
  phone: string;
  channel: Channel;
  state: DeliveryState;
  error: string | null;
  at: string;
  round: number;
  /** When a failed message is tried again; null when it is not. */
  retryAt: string | null;
  /** This coordinator answered for its organisation, and how (app, or this channel's link). */
  answered: string | null;
}

/** The escalation of one alert for one organisation that has not answered. */
export interface EscalationStep {
  /** 1: sent again on every channel; 2: on GHOR's "nu bellen" list. */
  step: 1 | 2;
  at: string;
}

// GSM 03.38: the basic set (one septet each) and the extension set (escape + one septet).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

/** A text in the GSM 7-bit alphabet: accents the alphabet lacks are dropped (ë → e), other signs become '?'. */
export function toGsm7(value: string): string {
  let out = '';
  for (const char of value) {
    if (GSM_BASIC.has(char) || GSM_EXTENDED.has(char)) out += char;
    else if (char === '’' || char === '‘') out += "'";
    else if (char === '“' || char === '”') out += '"';
    else if (char === '–' || char === '—') out += '-';
    else if (/\s/.test(char)) out += ' ';
    else {
      const bare = char.normalize('NFD').replace(/\p{M}/gu, '');
      out += [...bare].every((c) => GSM_BASIC.has(c)) && bare !== '' ? bare : '?';
    }
  }
  return out;
}

/** Septets a GSM-7 text takes: extension characters count twice. */
export function gsm7Length(value: string): number {
  let n = 0;
  for (const char of value) n += GSM_EXTENDED.has(char) ? 2 : 1;
  return n;
}

/**
 * The SMS of an alert: at most 160 GSM-7 septets, one message part, with the answer link whole
 * at the end. The incident and the message are cut (on whole characters, marked …) to fit.
 */
export function smsText({ grip, title, message, link, english }: { grip: number; title: string; message: string; link: string; english: boolean }): string {
  const tail = english ? ` Hit? Answer: ${link}` : ` Getroffen? Antwoord: ${link}`;
  const head = toGsm7(`GHOR GRIP ${grip}: ${title}. ${message}`.replace(/\s+/g, ' ').trim());
  const room = 160 - gsm7Length(tail);
  if (gsm7Length(head) <= room) return head + tail;
  // Whole characters up to the room left for the '...': counted once, not re-joined per character.
  let kept = '';
  let septets = 0;
  for (const char of head) {
    septets += GSM_EXTENDED.has(char) ? 2 : 1;
    if (septets > room - 3) break;
    kept += char;
  }
  return `${kept.trimEnd()}...${tail}`;
}

/** The delivery lines of an alert for GHOR: per coordinator and channel, the latest round's message. */
export function deliveryLines(messages: readonly OutboxMessage[], coordinators: ReadonlyMap<string, Coordinator>, acknowledgements: readonly { coordinatorId?: string | null; via?: string }[] = []): DeliveryLine[] {
  const answeredBy = new Map(acknowledgements.filter((a) => a.coordinatorId).map((a) => [a.coordinatorId!, a.via ?? 'app']));
  const latest = new Map<string, OutboxMessage>();
  for (const m of messages) {
    const key = `${m.coordinatorId}:${m.channel}:${m.to}`;
    const seen = latest.get(key);
    if (!seen || m.round > seen.round) latest.set(key, m);
  }
  return [...latest.values()].map((m) => ({
    coordinatorId: m.coordinatorId,
    organisationId: m.organisationId,
    name: coordinators.get(m.coordinatorId)?.name ?? m.coordinatorId,
    phone: coordinators.get(m.coordinatorId)?.phone ?? '',
    channel: m.channel,
    state: m.state,
    error: m.error,
    at: m.deliveredAt ?? m.sentAt ?? m.createdAt,
    round: m.round,
    retryAt: m.state === 'failed' && m.nextAt ? m.nextAt : null,
    answered: answeredBy.get(m.coordinatorId) ?? null,
  }));
}
