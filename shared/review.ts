import type { RecordedEventType } from './recorded-event';
import type { Impact, NeedKind, Urgency } from './board-schema';
import type { Incident } from './incident';
import type { Organisation } from './domain';

/** Kinds of timeline events. */
export const TIMELINE_TYPES = [
  'incident-opened',
  'grip-changed',
  'incident-closed',
  'joined',
  'left',
  'alert-sent',
  'alert-delivered',
  'alert-acked',
  'not-hit',
  'answer-corrected',
  'link-sign-in',
  'alert-outreach',
  'message-state',
  'alert-escalated',
  'escalation-set',
  'report',
  'need',
  'picture',
  'area',
  'logbook',
] as const;

/** One kind of timeline event. */
export type TimelineType = (typeof TIMELINE_TYPES)[number];

// Every recorded event but `changed` is a timeline type of its own (`changed` becomes report,
// need, picture, area and logbook rows): the compiler keeps the two lists together.
const EVERY_RECORDED_TYPE_ON_THE_TIMELINE: Exclude<RecordedEventType, 'changed'> extends TimelineType ? true : never = true;
void EVERY_RECORDED_TYPE_ON_THE_TIMELINE;

/** One event of a recorded session, with server time and author. */
export interface TimelineEvent {
  /** Position in the session, stable across requests. */
  seq: number;
  at: string;
  type: TimelineType;
  userId: string;
  userName: string;
  /** The organisation the event concerns (the report's, the need's, the acknowledging one's). */
  organisationId: string | null;
  /** Type-specific details: locationId and fields for reports, alertId for alerts, etc. */
  detail: Record<string, unknown>;
}

/** A point of the counts-over-time series. */
export interface SeriesPoint {
  at: string;
  byImpact: Record<Impact, number>;
  openNeeds: number;
  bedsFree: number;
  canReceive: number;
}

/** Per-organisation response times. */
export interface OrganisationMetrics {
  organisationId: string;
  name: string;
  firstAlertAt: string | null;
  acknowledgedAt: string | null;
  timeToAcknowledgeMs: number | null;
  answer: string | null;
  firstReportAt: string | null;
  /**
   * From the organisation's first alert to its first report, like the time to acknowledge; null
   * when it reported before any alert reached it (or without one): then there is no response time.
   */
  timeToFirstReportMs: number | null;
}

/** How long a need took from being filed to being met. */
export interface NeedMetrics {
  needId: string;
  organisationId: string | null;
  kind: NeedKind | null;
  urgency: Urgency | null;
  openedAt: string;
  metAt: string | null;
  durationMs: number | null;
  finalStatus: string | null;
}

/** The metrics of an after-action review. */
export interface ReviewMetrics {
  startedAt: string;
  endedAt: string | null;
  timeToFirstAlertMs: number | null;
  organisations: OrganisationMetrics[];
  needs: NeedMetrics[];
  gripChanges: { at: string; from: number | null; to: number }[];
}

/** A duration as h:mm:ss; a dash when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * What the review shows for an organisation's first report: the time since its first alert, or
 * in words that it reported before that alert or without any (GHOR on its behalf, say).
 */
export function firstReportAfter(o: OrganisationMetrics, words: { beforeAlert: string; withoutAlert: string }): string {
  if (o.firstReportAt === null || o.timeToFirstReportMs !== null) return formatDuration(o.timeToFirstReportMs);
  return o.firstAlertAt === null ? words.withoutAlert : words.beforeAlert;
}

const ms = (from: string, to: string | null) => (to === null ? null : Date.parse(to) - Date.parse(from));

/** Computes the review metrics from the timeline; pure. */
export function computeMetrics({ incident, organisations, events }: { incident: Incident; organisations: readonly Organisation[]; events: readonly TimelineEvent[] }): ReviewMetrics {
  const firstAlert = events.find((e) => e.type === 'alert-sent');
  const perOrganisation = new Map<string, OrganisationMetrics>(
    organisations.map((o) => [o.id, { organisationId: o.id, name: o.name, firstAlertAt: null, acknowledgedAt: null, timeToAcknowledgeMs: null, answer: null, firstReportAt: null, timeToFirstReportMs: null }]),
  );
  const alertSentAt = new Map<string, string>();
  const needs = new Map<string, NeedMetrics>();
  const gripChanges: ReviewMetrics['gripChanges'] = [{ at: incident.startedAt, from: null, to: events.find((e) => e.type === 'incident-opened')?.detail.grip as number ?? incident.grip }];
  for (const event of events) {
    switch (event.type) {
      case 'alert-sent': {
        alertSentAt.set(String(event.detail.alertId), event.at);
        for (const id of (event.detail.organisationIds as string[] | undefined) ?? []) {
          const m = perOrganisation.get(id);
          if (m && m.firstAlertAt === null) m.firstAlertAt = event.at;
        }
        break;
      }
      case 'alert-acked': {
        const m = event.organisationId ? perOrganisation.get(event.organisationId) : undefined;
        const sent = alertSentAt.get(String(event.detail.alertId));
        if (m && m.acknowledgedAt === null && sent) {
          m.acknowledgedAt = event.at;
          m.timeToAcknowledgeMs = ms(sent, event.at);
          m.answer = String(event.detail.answer ?? '');
        }
        break;
      }
      case 'answer-corrected': {
        // The response time stays the first answer's; what the organisation answered is the correction.
        const m = event.organisationId ? perOrganisation.get(event.organisationId) : undefined;
        if (m && m.acknowledgedAt !== null) m.answer = String(event.detail.answer ?? '');
        break;
      }
      case 'report':
      case 'not-hit': {
        const m = event.organisationId ? perOrganisation.get(event.organisationId) : undefined;
        if (m && m.firstReportAt === null) {
          m.firstReportAt = event.at;
          m.timeToFirstReportMs = m.firstAlertAt === null ? null : ms(m.firstAlertAt, event.at);
        }
        break;
      }
      case 'need': {
        const id = String(event.detail.needId);
        const fields = (event.detail.fields ?? {}) as Record<string, unknown>;
        let need = needs.get(id);
        if (!need) {
          need = { needId: id, organisationId: event.organisationId, kind: (fields.kind as NeedKind) ?? null, urgency: (fields.urgency as Urgency) ?? null, openedAt: event.at, metAt: null, durationMs: null, finalStatus: (fields.status as string) ?? null };
          needs.set(id, need);
        }
        if (typeof fields.status === 'string') need.finalStatus = fields.status;
        if (fields.status === 'met' && need.metAt === null) {
          need.metAt = event.at;
          need.durationMs = ms(need.openedAt, event.at);
        }
        break;
      }
      case 'grip-changed':
        gripChanges.push({ at: event.at, from: event.detail.from as number, to: event.detail.to as number });
        break;
      default:
        break;
    }
  }
  return {
    startedAt: incident.startedAt,
    endedAt: incident.endedAt,
    timeToFirstAlertMs: firstAlert ? ms(incident.startedAt, firstAlert.at) : null,
    organisations: [...perOrganisation.values()],
    needs: [...needs.values()],
    gripChanges,
  };
}

/** One row of the review's timeline: a happening, possibly made of several recorded events. */
export interface TimelineRow extends TimelineEvent {
  /** How many recorded events the row stands for (a report typed field by field is one row). */
  count: number;
  /** The first event's time; `at` is the last one's, when the happening was complete. */
  from: string;
}

/** One organisation's course through an alert, as the alert's timeline row carries it. */
export interface AlertCourse {
  deliveredAt?: string;
  answer?: string;
  answeredAt?: string;
  via?: string;
  /** Set when the answer was corrected: the first answer, and when the last correction came. */
  correctedFrom?: string;
  correctedAt?: string;
}

/** Taps of one report by one person closer together than this are one report. */
const REPORT_GAP_MS = 10 * 60000;

/**
 * The timeline as happenings, not fields: a person's successive changes to one location's report
 * (each tap is its own change set) become one row with the fields merged, the last value of each;
 * a need is one row where it was filed, carrying its course from filed to met; an alert's row
 * carries each organisation's delivery and answer (the answers stay rows of their own too, the
 * deliveries fold into it). Pure; the rows keep the order and `seq` of their first event.
 */
export function groupTimeline(events: readonly TimelineEvent[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const openReport = new Map<string, TimelineRow>();
  const needRows = new Map<string, TimelineRow>();
  const alertRows = new Map<string, TimelineRow>();
  for (const e of events) {
    if (e.type === 'alert-sent' && typeof e.detail.alertId === 'string') {
      const row: TimelineRow = { ...e, detail: { ...e.detail, perOrganisation: {} }, count: 1, from: e.at };
      alertRows.set(e.detail.alertId, row);
      rows.push(row);
      continue;
    }
    // A need is one row where it was filed, with its course: each status it went through, and when.
    if (e.type === 'need' && typeof e.detail.needId === 'string') {
      const fields = (e.detail.fields ?? {}) as Record<string, unknown>;
      const row = needRows.get(e.detail.needId);
      const step = typeof fields.status === 'string' ? [{ at: e.at, status: fields.status }] : [];
      if (row) {
        row.detail = { ...row.detail, fields: { ...(row.detail.fields as object), ...fields }, course: [...((row.detail.course as object[]) ?? []), ...step] };
        row.count += 1;
        continue;
      }
      const fresh: TimelineRow = { ...e, detail: { ...e.detail, course: step }, count: 1, from: e.at };
      needRows.set(e.detail.needId, fresh);
      rows.push(fresh);
      continue;
    }
    if (e.type === 'report') {
      const key = `${e.userId}|${String(e.detail.locationId)}`;
      const row = openReport.get(key);
      if (row && Date.parse(e.at) - Date.parse(row.at) <= REPORT_GAP_MS && row.detail.onBehalf === e.detail.onBehalf) {
        row.detail = { ...row.detail, fields: { ...(row.detail.fields as object), ...(e.detail.fields as object) } };
        row.at = e.at;
        row.count += 1;
        continue;
      }
      const fresh: TimelineRow = { ...e, detail: { ...e.detail }, count: 1, from: e.at };
      openReport.set(key, fresh);
      rows.push(fresh);
      continue;
    }
    // An alert's row carries its course per organisation: delivered, answered (and how); the
    // answers keep rows of their own as well, in time order.
    const alertRow = typeof e.detail.alertId === 'string' ? alertRows.get(e.detail.alertId) : undefined;
    if (alertRow && e.organisationId && (e.type === 'alert-delivered' || e.type === 'alert-acked' || e.type === 'answer-corrected')) {
      const course = { ...(alertRow.detail.perOrganisation as Record<string, AlertCourse>) };
      const own = { ...(course[e.organisationId] ?? {}) };
      if (e.type === 'alert-delivered') own.deliveredAt ??= e.at;
      else if (e.type === 'answer-corrected') Object.assign(own, { answer: String(e.detail.answer), correctedFrom: own.correctedFrom ?? String(e.detail.from), correctedAt: e.at });
      else if (!own.answer) Object.assign(own, { answer: String(e.detail.answer), answeredAt: e.at, via: typeof e.detail.via === 'string' ? e.detail.via : 'app' });
      course[e.organisationId] = own;
      alertRow.detail = { ...alertRow.detail, perOrganisation: course };
      alertRow.count += 1;
      if (e.type === 'alert-delivered') continue;
    }
    const last = rows[rows.length - 1];
    if (e.type === 'alert-delivered' && last?.type === 'alert-delivered' && last.detail.alertId === e.detail.alertId) {
      last.detail = { ...last.detail, organisations: [...((last.detail.organisations as string[]) ?? []), e.organisationId ?? ''] };
      last.organisationId = null;
      last.at = e.at;
      last.count += 1;
      continue;
    }
    rows.push({ ...e, detail: e.type === 'alert-delivered' ? { ...e.detail, organisations: [e.organisationId ?? ''] } : e.detail, count: 1, from: e.at });
  }
  return rows;
}
