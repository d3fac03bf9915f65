import type { Alert } from '../../shared/alert';
import type { Channel } from '../../shared/contact';
import type { OutboxMessage } from '../../shared/reach';

/** Everything a channel needs to write one message. */
export interface Envelope {
  message: OutboxMessage;
  /** The answer link, whole: `${PUBLIC_URL}/a/<token>`. */
  link: string;
  token: string;
  alert: Alert;
  incidentTitle: string;
  organisationName: string;
  coordinatorName: string;
  english: boolean;
}

/** The outcome of handing one message to its channel's server. */
export type SendResult = { ok: true } | { ok: false; error: string; permanent: boolean };

/**
 * One channel's client: hands a batch of messages over and tells `done` of each message as soon
 * as its own outcome is known (so the outbox can write it down at once, not after the batch).
 */
export interface ChannelSender {
  readonly channel: Channel;
  /** How many messages one call takes (SMS: one gateway request; so also how many a crash may repeat). */
  readonly batchSize: number;
  send(batch: readonly Envelope[], done: (id: string, result: SendResult) => void): Promise<void>;
  close(): Promise<void>;
}

/** Wording shared by the channels: the alert's title line, in the coordinator's language. */
export function alertTitle(envelope: Pick<Envelope, 'alert' | 'incidentTitle' | 'english'>): string {
  const { alert, incidentTitle, english } = envelope;
  const exercise = alert.exercise ? (english ? 'EXERCISE ' : 'OEFENING ') : '';
  const kind = alert.msgType === 'Cancel' ? (english ? 'all clear' : 'einde') : alert.msgType === 'Update' ? 'update' : english ? 'alert' : 'alarm';
  return `${exercise}GHOR ${kind} GRIP ${alert.grip}: ${incidentTitle}`;
}
