import { isInsideRing } from './board-schema';
import { SECTORS, type Location, type Organisation, type Sector } from './domain';
import type { Channel } from './contact';
import type { DeliveryLine, EscalationStep } from './reach';
import { text } from './text';
import { FieldReader, isValidId, type Checked, type Issue } from './validation';

/** Whom an alert goes to. */
export type AlertTarget =
  | { all: true }
  | { sectors: Sector[] }
  | { organisationIds: string[] }
  | { area: { type: 'Polygon'; coordinates: number[][][] } };

/** CAP message types: the first alert, a follow-up, or the all clear / withdrawal. */
export const ALERT_MSG_TYPES = ['Alert', 'Update', 'Cancel'] as const;
export type AlertMsgType = (typeof ALERT_MSG_TYPES)[number];

/** The answer to "are you hit?". */
export const ACK_ANSWERS = ['yes', 'no', 'unknown'] as const;
export type AckAnswer = (typeof ACK_ANSWERS)[number];

/** An alert as stored and shown. */
export interface Alert {
  id: string;
  incidentId: string;
  /** The sender's request id: sending twice with the same id sends once. */
  requestId: string | null;
  msgType: AlertMsgType;
  /** The first alert this one follows up. */
  references: string | null;
  message: string;
  grip: number;
  exercise: boolean;
  target: AlertTarget;
  /** The organisations the target resolved to when sending. */
  organisationIds: string[];
  sentAt: string;
  sentBy: string;
  sentByName: string;
  /** Per organisation: when the alert first reached one of its coordinators' screens. */
  deliveredAt: Record<string, string>;
  /** Minutes without an answer before an organisation is escalated (sent again, then "nu bellen"). */
  escalateAfterMin?: number;
  /** Per organisation that did not answer in time: how far its escalation went. */
  escalation?: Record<string, EscalationStep>;
}

/**
 * How an answer came in: the app (banner, board, REST), the link of a message on a channel, or
 * by phone, taken down by GHOR for the organisation (the escalation's "Nu bellen").
 */
export type AnswerVia = 'app' | 'phone' | Channel;

/** One organisation's acknowledgement; the first coordinator's counts. */
export interface Acknowledgement {
  id: string;
  alertId: string;
  organisationId: string;
  userId: string;
  username: string;
  displayName: string;
  answer: AckAnswer;
  at: string;
  /** Absent in records of earlier versions: the app. */
  via?: AnswerVia;
  /** The registry's coordinator who answered, when known. */
  coordinatorId?: string | null;
  /**
   * The latest correction of the answer (a wrong tap, or a situation that changed): `answer` is
   * then the corrected one, while `at` and the name stay the first answer's (its response time).
   */
  corrected?: AnswerCorrection;
}

/** Who corrected an answer last, and when; `from` is the organisation's first answer. */
export interface AnswerCorrection {
  from: AckAnswer;
  at: string;
  userId: string;
  displayName: string;
}

/** When the current answer of an acknowledgement was given: its "not hit" reports carry this time. */
export function answeredAt(ack: Pick<Acknowledgement, 'at' | 'corrected'>): string {
  return ack.corrected?.at ?? ack.at;
}

/** An alert with its acknowledgements, as GHOR's response board needs it. */
export interface AlertStatus {
  alert: Alert;
  acknowledgements: Acknowledgement[];
  /** Messages outside the app per coordinator and channel; for GHOR, admins and observers only. */
  deliveries?: DeliveryLine[];
}

/** What a coordinator's screen gets: the alert and the incident it belongs to. */
export interface AlertNotice {
  alert: Alert;
  incidentTitle: string;
}

/** The body of a new alert. */
export interface AlertInput {
  message: string;
  grip: number;
  exercise: boolean;
  target: AlertTarget;
  msgType: AlertMsgType;
  references: string | null;
  requestId: string | null;
  /** Absent: the server's default (ESCALATE_AFTER_MIN). */
  escalateAfterMin?: number;
}

function checkTarget(value: unknown, issues: Issue[]): AlertTarget | undefined {
  const fail = (nl: string, en: string) => {
    issues.push({ path: 'target', text: text(nl, en) });
    return undefined;
  };
  const t = value as Record<string, unknown> | null;
  if (typeof t !== 'object' || t === null || Array.isArray(t)) {
    return fail('kies een doelgroep: iedereen, sectoren, organisaties of een gebied', 'choose a target: all, sectors, organisations or an area');
  }
  if (t.all === true) return { all: true };
  if (Array.isArray(t.sectors)) {
    if (t.sectors.length === 0 || !t.sectors.every((s) => (SECTORS as readonly unknown[]).includes(s))) return fail('onbekende of geen sector', 'unknown or no sector');
    return { sectors: [...new Set(t.sectors as Sector[])] };
  }
  if (Array.isArray(t.organisationIds)) {
    if (t.organisationIds.length === 0 || t.organisationIds.length > 500 || !t.organisationIds.every(isValidId)) return fail('kies minstens één geldige organisatie', 'choose at least one valid organisation');
    return { organisationIds: [...new Set(t.organisationIds as string[])] };
  }
  if (t.area !== undefined) {
    const area = t.area as { type?: unknown; coordinates?: unknown };
    const ring = area?.type === 'Polygon' && Array.isArray(area.coordinates) ? (area.coordinates[0] as unknown) : undefined;
    const ok =
      Array.isArray(ring) &&
      ring.length >= 4 &&
      ring.length <= 1000 &&
      ring.every((p) => Array.isArray(p) && p.length >= 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n)));
    if (!ok) return fail('het gebied moet een GeoJSON Polygon zijn met minstens 4 punten', 'the area must be a GeoJSON Polygon with at least 4 points');
    return { area: { type: 'Polygon', coordinates: [ring as number[][]] } };
  }
  return fail('kies een doelgroep: iedereen, sectoren, organisaties of een gebied', 'choose a target: all, sectors, organisations or an area');
}

/** Checks the body of an alert to send. */
export function checkAlertInput(input: unknown): Checked<AlertInput> {
  const r = new FieldReader(input);
  const message = r.string('message', { max: 2000 });
  const grip = r.number('grip', { min: 0, max: 5, integer: true });
  const exercise = r.boolean('exercise', false);
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const msgType = raw.msgType === undefined ? 'Alert' : r.oneOf('msgType', ALERT_MSG_TYPES);
  const references = raw.references === undefined || raw.references === null ? null : r.id('references');
  const requestId = raw.requestId === undefined || raw.requestId === null ? null : r.id('requestId');
  const escalateAfterMin = raw.escalateAfterMin === undefined || raw.escalateAfterMin === null ? undefined : r.number('escalateAfterMin', { min: 1, max: 1440, integer: true });
  const target = checkTarget(raw.target, r.issues);
  if (msgType !== undefined && msgType !== 'Alert' && references === null) {
    r.issues.push({ path: 'references', text: text('een vervolgbericht verwijst naar het eerste alarm', 'a follow-up references the first alert') });
  }
  return r.done({
    message: message ?? '',
    grip: grip ?? 0,
    exercise: exercise ?? false,
    target: target ?? { all: true },
    msgType: msgType ?? 'Alert',
    references: references ?? null,
    requestId: requestId ?? null,
    ...(escalateAfterMin !== undefined ? { escalateAfterMin } : {}),
  });
}

/** Checks a change of an alert's escalation interval (minutes, 1 to 1440). */
export function checkEscalationInput(input: unknown): Checked<{ escalateAfterMin: number }> {
  const r = new FieldReader(input);
  const escalateAfterMin = r.number('escalateAfterMin', { min: 1, max: 1440, integer: true });
  return r.done({ escalateAfterMin: escalateAfterMin ?? 5 });
}

/** Checks an acknowledgement body. */
export function checkAckInput(input: unknown): Checked<{ answer: AckAnswer }> {
  const r = new FieldReader(input);
  const answer = r.oneOf('answer', ACK_ANSWERS);
  return r.done({ answer: answer ?? 'unknown' });
}

/** Checks the body of an answer GHOR takes down by phone for an organisation. */
export function checkPhonedAnswerInput(input: unknown): Checked<{ organisationId: string; answer: AckAnswer }> {
  const r = new FieldReader(input);
  const organisationId = r.id('organisationId');
  const answer = r.oneOf('answer', ACK_ANSWERS);
  return r.done({ organisationId: organisationId ?? '', answer: answer ?? 'unknown' });
}

/**
 * The alerts a later "all clear / withdraw" (a Cancel) references, each with that Cancel: they
 * ask nothing any more.
 */
export function withdrawals(alerts: readonly Alert[]): Map<string, Alert> {
  return new Map(alerts.flatMap((a) => (a.msgType === 'Cancel' && a.references ? [[a.references, a] as const] : [])));
}

/**
 * The organisations GHOR is to phone about an alert now: those that reached the escalation's
 * second step without answering, while the alert is not withdrawn and its incident is open.
 */
export function organisationsToPhone(status: Pick<AlertStatus, 'alert' | 'acknowledgements'>, withdrawn: ReadonlyMap<string, Alert>, incidentOpen: boolean): string[] {
  if (!incidentOpen || withdrawn.has(status.alert.id)) return [];
  const answered = new Set(status.acknowledgements.map((a) => a.organisationId));
  return status.alert.organisationIds.filter((id) => !answered.has(id) && (status.alert.escalation?.[id]?.step ?? 0) >= 2);
}

/** Alerts that ask no answer any more, told to the organisations they went to. */
export interface AlertsWithdrawn {
  incidentId: string;
  incidentTitle: string;
  alertIds: string[];
  /** The incident was closed, or GHOR sent an all clear / withdrawal (a Cancel) for the alert. */
  why: 'closed' | 'cancelled';
}

/** The organisations an alert target reaches, among the active organisations of an incident's network. */
export function resolveTargets({ target, organisations, locations }: { target: AlertTarget; organisations: readonly Organisation[]; locations: readonly Location[] }): string[] {
  const active = organisations.filter((o) => o.active);
  if ('all' in target) return active.map((o) => o.id);
  if ('sectors' in target) return active.filter((o) => target.sectors.includes(o.sector)).map((o) => o.id);
  if ('organisationIds' in target) {
    const wanted = new Set(target.organisationIds);
    return active.filter((o) => wanted.has(o.id)).map((o) => o.id);
  }
  const ring = target.area.coordinates[0];
  const hit = new Set(locations.filter((l) => l.active && isInsideRing(l, ring)).map((l) => l.organisationId));
  return active.filter((o) => hit.has(o.id)).map((o) => o.id);
}
