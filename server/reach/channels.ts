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
 * as its own outcome is known. `done` resolves once that outcome is on disk; a client hands the
 * next message over only after that, so a crash can repeat only what was in flight.
 */
export interface ChannelSender {
  readonly channel: Channel;
  /** How many messages one call takes (SMS: one gateway request; so also how many a crash may repeat). */
  readonly batchSize: number;
  send(batch: readonly Envelope[], done: (id: string, result: SendResult) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** Runs `work` on every item with at most `lanes` at a time, each lane taking the next item when it is done. */
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** The question an alert's message asks; an all clear asks it once more, as a last roll call: hit still? */
export function hitQuestion(alert: Pick<Alert, 'msgType'>, english: boolean): string {
  if (alert.msgType === 'Cancel') return english ? 'still hit?' : 'nog getroffen?';
  return english ? 'are you hit?' : 'bent u getroffen?';
}

/** Wording shared by the channels: the alert's title line, in the coordinator's language. */
export function alertTitle(envelope: Pick<Envelope, 'alert' | 'incidentTitle' | 'english' | 'message'>): string {
  const { alert, incidentTitle, english } = envelope;
  const exercise = alert.exercise ? (english ? 'EXERCISE ' : 'OEFENING ') : '';
  // The escalation's second send says it is the second: nobody answered the first.
  const again = envelope.message.round > 0 ? (english ? 'REMINDER ' : 'HERINNERING ') : '';
  const kind = alert.msgType === 'Cancel' ? (english ? 'all clear' : 'einde') : alert.msgType === 'Update' ? 'update' : english ? 'alert' : 'alarm';
  return `${again}${exercise}GHOR ${kind} GRIP ${alert.grip}: ${incidentTitle}`;
}
