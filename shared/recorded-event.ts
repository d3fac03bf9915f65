/**
 * Every event an incident log holds besides the document updates (docs/architecture.md,
 * "Recording"): one union, so the recorder takes nothing else and readers switch over all of it.
 * Logs are read back as untrusted data: the review checks each field before it uses it.
 */
import type { AckAnswer, AlertMsgType, AnswerVia } from './alert';
import type { Channel } from './contact';
import type { Role } from './domain';
import type { DeliveryState } from './reach';

/** What an accepted update changed, with the new values (the review reads these, not the updates). */
export interface ChangedEvent {
  type: 'changed';
  username: string;
  role: Role;
  organisationId: string | null;
  reports: { locationId: string; organisationId: string | null; fields: Record<string, unknown> }[];
  needs: { needId: string; organisationId: string | null; fields: Record<string, unknown> }[];
  picture: string[];
  areas: string[];
  logbook: number;
}

export type RecordedEvent =
  | { type: 'incident-opened'; title: string; grip: number }
  | { type: 'grip-changed'; from: number; to: number }
  | { type: 'incident-closed' }
  | { type: 'joined'; username: string; role: Role; organisationId: string | null }
  | { type: 'left'; username: string; organisationId: string | null }
  | { type: 'alert-sent'; alertId: string; msgType: AlertMsgType; references: string | null; grip: number; exercise: boolean; message: string; organisationIds: string[]; escalateAfterMin?: number }
  | { type: 'alert-delivered'; alertId: string; organisationId: string }
  | { type: 'alert-acked'; alertId: string; organisationId: string; answer: AckAnswer; via: AnswerVia }
  | { type: 'not-hit'; alertId: string; organisationId: string; locations: number }
  /** An organisation's answer corrected (by its coordinator, or GHOR after a call); `cleared`: "not hit" reports taken back. */
  | { type: 'answer-corrected'; alertId: string; organisationId: string; from: AckAnswer; answer: AckAnswer; cleared: number }
  /** A coordinator's account signed in on a device by the link of an alert's message (the answer page's offer). */
  | { type: 'link-sign-in'; alertId: string; organisationId: string; username: string; channel: Channel }
  | { type: 'alert-outreach'; alertId: string; round: number; organisations: number; messages: Partial<Record<Channel, number>> }
  | { type: 'message-state'; alertId: string; organisationId: string; coordinatorId: string; coordinatorName: string; channel: Channel; round: number; state: DeliveryState; error?: string }
  | { type: 'alert-escalated'; alertId: string; organisationId: string; step: 1 | 2 }
  | { type: 'escalation-set'; alertId: string; escalateAfterMin: number }
  | ChangedEvent;

/** The kinds of recorded events. */
export type RecordedEventType = RecordedEvent['type'];
