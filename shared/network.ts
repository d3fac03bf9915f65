/**
 * The GHOR's work with the care network between crises (docs/architecture.md, "Network"):
 * contact moments per organisation, the partner-talk rule and what needs attention. Pure.
 */
import { intakeStage, isConnected, type Coordinator, type CoordinatorKind, type Location, type Organisation } from './domain';
import { text } from './text';
import { FieldReader, defined, type Checked, type Issue } from './validation';

/** Kinds of contact moment. */
export const CONTACT_KINDS = ['partner-talk', 'theme-meeting', 'information-session', 'phone', 'email', 'visit', 'other'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** Something agreed in a contact moment, to be done by a date. */
export interface FollowUp {
  id: string;
  text: string;
  /** YYYY-MM-DD. */
  due: string;
  done: boolean;
}

/** One contact of the GHOR with an organisation: the GHOR's own notes. */
export interface ContactMoment {
  id: string;
  organisationId: string;
  kind: ContactKind;
  /** YYYY-MM-DD. */
  date: string;
  /** Who of the GHOR took part. */
  ghorPeople: string;
  /** Who of the organisation took part. */
  organisationPeople: string;
  notes: string;
  followUps: FollowUp[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A partner talk is due every 24 months; within 3 months of that it is due soon. */
export const PARTNER_TALK_MONTHS = 24;
export const SOON_MONTHS = 3;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a text is a real calendar date as YYYY-MM-DD. */
export function isDate(value: unknown): value is string {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** A date plus whole months; the 31st of a shorter month becomes its last day (as people count). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

/** Where an organisation stands with its partner talk on a day. */
export interface PartnerTalkStatus {
  state: 'never' | 'overdue' | 'soon' | 'ok';
  last: string | null;
  /** The day the next talk is due; null when there never was one (it is due now). */
  due: string | null;
}

/**
 * The 24-month rule: overdue the day after the last talk's 24-month anniversary (23 months and
 * 29 days after it is not overdue; 24 months and a day is), soon from 3 months before that day.
 */
export function partnerTalkStatus(contacts: readonly Pick<ContactMoment, 'kind' | 'date'>[], today: string): PartnerTalkStatus {
  const last = contacts.filter((c) => c.kind === 'partner-talk' && c.date <= today).map((c) => c.date).sort().at(-1) ?? null;
  if (!last) return { state: 'never', last: null, due: null };
  const due = addMonths(last, PARTNER_TALK_MONTHS);
  if (today > due) return { state: 'overdue', last, due };
  if (today >= addMonths(due, -SOON_MONTHS)) return { state: 'soon', last, due };
  return { state: 'ok', last, due };
}

/** Checks a new contact moment, or (partial) a change of one. */
export function checkContact(input: unknown, partial = false): Checked<Partial<Omit<ContactMoment, 'id' | 'organisationId' | 'createdBy' | 'createdAt' | 'updatedAt'>>> {
  const r = new FieldReader(input, partial);
  const kind = r.oneOf('kind', CONTACT_KINDS);
  const date = r.string('date', { max: 10 });
  if (date !== undefined && !isDate(date)) r.issues.push({ path: 'date', text: text(`'${date}' is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2026-03-15`, `'${date}' is not a date; write YYYY-MM-DD, e.g. 2026-03-15`) });
  const ghorPeople = r.string('ghorPeople', { optional: true, max: 200 });
  const organisationPeople = r.string('organisationPeople', { optional: true, max: 200 });
  const notes = r.string('notes', { optional: true, max: 4000 });
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  let followUps: FollowUp[] | undefined;
  if (!partial || Object.hasOwn(raw, 'followUps')) {
    const list = raw.followUps ?? [];
    if (!Array.isArray(list) || list.length > 50) {
      r.issues.push({ path: 'followUps', text: text('afspraken zijn een lijst van hoogstens 50', 'follow-ups are a list of at most 50') });
    } else {
      followUps = [];
      list.forEach((item, i) => {
        const f = new FieldReader(item);
        const id = (item as { id?: unknown })?.id === undefined ? `f${i + 1}` : f.id('id');
        const what = f.string('text', { max: 500 });
        const due = f.string('due', { max: 10 });
        if (due !== undefined && !isDate(due)) f.issues.push({ path: 'due', text: text('is geen datum (JJJJ-MM-DD)', 'is not a date (YYYY-MM-DD)') });
        const done = f.boolean('done', false);
        for (const issue of f.issues) r.issues.push({ path: `followUps.${i}.${issue.path}`, text: issue.text });
        if (f.issues.length === 0) followUps!.push({ id: id!, text: what!, due: due!, done: done! });
      });
    }
  }
  return r.done(defined({ kind, date, ghorPeople, organisationPeople, notes, followUps }));
}

/** Kinds of meeting the GHOR holds for the network. */
export const MEETING_KINDS = ['information-session', 'theme-meeting'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** An information session or theme meeting, with whom it invited and who came. */
export interface Meeting {
  id: string;
  kind: MeetingKind;
  title: string;
  /** YYYY-MM-DD. */
  date: string;
  place: string;
  theme: string;
  /** Coordinator ids. */
  invited: string[];
  /** Coordinator ids; only the invited can have attended. */
  attended: string[];
  /** The invitations sent by e-mail: when, and what the relay answered (null: accepted). */
  mailed?: { coordinatorId: string; at: string; error: string | null }[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** Checks a new meeting, or (partial) a change of one; `known` tells which coordinator ids exist. */
export function checkMeeting(input: unknown, known: ReadonlySet<string>, partial = false): Checked<Partial<Pick<Meeting, 'kind' | 'title' | 'date' | 'place' | 'theme' | 'invited' | 'attended'>>> {
  const r = new FieldReader(input, partial);
  const kind = r.oneOf('kind', MEETING_KINDS);
  const title = r.string('title', { max: 200 });
  const date = r.string('date', { max: 10 });
  if (date !== undefined && !isDate(date)) r.issues.push({ path: 'date', text: text(`'${date}' is geen datum; schrijf JJJJ-MM-DD`, `'${date}' is not a date; write YYYY-MM-DD`) });
  const place = r.string('place', { optional: true, max: 200 });
  const theme = r.string('theme', { optional: true, max: 500 });
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const ids = (key: 'invited' | 'attended'): string[] | undefined => {
    if (partial && !Object.hasOwn(raw, key)) return undefined;
    const list = raw[key] ?? [];
    if (!Array.isArray(list) || list.length > 2000 || !list.every((id) => typeof id === 'string' && known.has(id))) {
      r.issues.push({ path: key, text: text('noem alleen bestaande coördinatoren', 'name existing coordinators only') });
      return undefined;
    }
    return [...new Set(list as string[])];
  };
  const invited = ids('invited');
  const attended = ids('attended');
  return r.done(defined({ kind, title, date, place, theme, invited, attended }));
}

/** The problem of a meeting whose attendees were not all invited: only the invited can have attended. */
export function attendanceProblem(meeting: Pick<Meeting, 'invited' | 'attended'>): Issue | null {
  const strangers = meeting.attended.filter((id) => !meeting.invited.includes(id));
  if (strangers.length === 0) return null;
  return { path: 'attended', text: text(`alleen genodigden kunnen aanwezig zijn (${strangers.slice(0, 3).join(', ')})`, `only the invited can have attended (${strangers.slice(0, 3).join(', ')})`) };
}

/** One line of "Wat vraagt aandacht", with what it is about. */
export type AttentionItem =
  | { kind: 'partner-talk'; organisationId: string; name: string; state: 'never' | 'overdue' | 'soon'; last: string | null; due: string | null }
  | { kind: 'few-connected'; organisationId: string; name: string; connected: number }
  | { kind: 'follow-up-late'; organisationId: string; name: string; contactId: string; text: string; due: string }
  /** In the intake: waiting for the day course (ICO) or the introduction; invited since, if invited. */
  | { kind: 'not-introduced'; organisationId: string; name: string; coordinatorId: string; coordinatorName: string; coordinatorKind: CoordinatorKind; stage: 'day-course' | 'introduction'; invitedAt: string | null; waitingDays: number | null; chaptersRead?: number }
  | { kind: 'contact-missing'; organisationId: string; name: string; coordinatorId: string; coordinatorName: string; missing: ('email' | 'phone')[] }
  | { kind: 'no-session'; organisationId: string; name: string; coordinatorId: string; coordinatorName: string }
  /** Locations of one organisation with one name: alike in a coordinator's list, and on the phone with GHOR. */
  | { kind: 'same-name'; organisationId: string; name: string; locationName: string; locations: { id: string; address: string; municipality: string }[] };

/**
 * What in the network needs the GHOR's attention on a day, most pressing first: partner talks
 * overdue or never held, then soon due; organisations with fewer than two connected coordinators;
 * follow-ups past their date; coordinators in their intake (the ICO's day course, the digital
 * introduction), longest invited first; coordinators
 * without an e-mail address or phone number; connected coordinators who never attended an
 * information session; locations of one organisation that share a name (letter case and spaces
 * aside). Active organisations, coordinators and locations only.
 */
export function attention({ organisations, coordinators, contacts, meetings = [], locations = [], today, progress }: { organisations: readonly Organisation[]; coordinators: readonly Coordinator[]; contacts: readonly ContactMoment[]; meetings?: readonly Meeting[]; locations?: readonly Location[]; today: string; /** Chapters read per coordinator in the introduction. */ progress?: ReadonlyMap<string, number> }): AttentionItem[] {
  const active = organisations.filter((o) => o.active).sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  const byOrganisation = new Map<string, ContactMoment[]>();
  for (const c of contacts) byOrganisation.set(c.organisationId, [...(byOrganisation.get(c.organisationId) ?? []), c]);
  const items: AttentionItem[] = [];
  const talks = active.map((o) => ({ o, status: partnerTalkStatus(byOrganisation.get(o.id) ?? [], today) }));
  for (const state of ['never', 'overdue', 'soon'] as const) {
    for (const { o, status } of talks.filter((t) => t.status.state === state)) items.push({ kind: 'partner-talk', organisationId: o.id, name: o.name, state, last: status.last, due: status.due });
  }
  const people = coordinators.filter((c) => c.active);
  for (const o of active) {
    const connected = people.filter((c) => c.organisationId === o.id && isConnected(c)).length;
    if (connected < 2) items.push({ kind: 'few-connected', organisationId: o.id, name: o.name, connected });
  }
  const names = new Map(active.map((o) => [o.id, o.name]));
  for (const c of [...contacts].sort((a, b) => a.date.localeCompare(b.date))) {
    if (!names.has(c.organisationId)) continue;
    for (const f of c.followUps) if (!f.done && f.due < today) items.push({ kind: 'follow-up-late', organisationId: c.organisationId, name: names.get(c.organisationId)!, contactId: c.id, text: f.text, due: f.due });
  }
  // Longest invited first; not yet invited (an ICO before the day course) after them.
  const intake = [...people].sort((a, b) => (a.invitedAt ?? '\uffff').localeCompare(b.invitedAt ?? '\uffff'));
  for (const c of intake) {
    if (!names.has(c.organisationId)) continue;
    const stage = intakeStage(c);
    if (stage === 'connected') continue;
    const invitedAt = c.invitedAt ?? null;
    const waitingDays = invitedAt === null ? null : Math.max(0, Math.round((Date.parse(`${today}T12:00:00Z`) - Date.parse(invitedAt)) / 86400000));
    items.push({ kind: 'not-introduced', organisationId: c.organisationId, name: names.get(c.organisationId)!, coordinatorId: c.id, coordinatorName: c.name, coordinatorKind: c.kind ?? 'crisis', stage, invitedAt, waitingDays, ...(progress?.has(c.id) ? { chaptersRead: progress.get(c.id) } : {}) });
  }
  for (const c of people) {
    if (!names.has(c.organisationId)) continue;
    const missing = [...(c.email ? [] : (['email'] as const)), ...(c.phone ? [] : (['phone'] as const))];
    if (missing.length > 0) items.push({ kind: 'contact-missing', organisationId: c.organisationId, name: names.get(c.organisationId)!, coordinatorId: c.id, coordinatorName: c.name, missing });
  }
  // Recommended, not mandatory: connected coordinators who never attended an information session.
  const attendedSession = new Set(meetings.filter((m) => m.kind === 'information-session' && m.date <= today).flatMap((m) => m.attended));
  for (const c of people) {
    if (!names.has(c.organisationId) || !isConnected(c) || attendedSession.has(c.id)) continue;
    items.push({ kind: 'no-session', organisationId: c.organisationId, name: names.get(c.organisationId)!, coordinatorId: c.id, coordinatorName: c.name });
  }
  const alike = new Map<string, Location[]>();
  for (const l of locations) {
    if (!l.active || !names.has(l.organisationId)) continue;
    const key = `${l.organisationId}\u0000${l.name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('nl')}`;
    alike.set(key, [...(alike.get(key) ?? []), l]);
  }
  const twice = [...alike.values()].filter((group) => group.length > 1);
  twice.sort((a, b) => names.get(a[0].organisationId)!.localeCompare(names.get(b[0].organisationId)!, 'nl') || a[0].name.localeCompare(b[0].name, 'nl'));
  for (const group of twice) {
    const { organisationId, name } = group[0];
    items.push({ kind: 'same-name', organisationId, name: names.get(organisationId)!, locationName: name, locations: group.map(({ id, address, municipality }) => ({ id, address, municipality })) });
  }
  return items;
}
