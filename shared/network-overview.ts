/**
 * "Zorgnetwerk in beeld": what changed in the care network in one month, for the GHOR's team
 * meeting (docs/architecture.md, "Network"). The registry's own change log, and the pure
 * function that turns a month of it, the contact log, the meetings and the incidents into
 * figures. Pure.
 */
import { isConnected, type Coordinator, type Organisation } from './domain';
import { CONTACT_KINDS, addMonths, partnerTalkStatus, type ContactKind, type ContactMoment, type Meeting, type MeetingKind } from './network';
import { regionDay } from './text';

/** The registry rows whose coming and going the overview counts. */
export type ChangedCollection = 'organisations' | 'locations' | 'coordinators';

/** One row added to the registry, deactivated or reactivated: written with the row itself. */
export interface RegistryChange {
  id: string;
  at: string;
  collection: ChangedCollection;
  rowId: string;
  name: string;
  /** The row's organisation (the organisation itself for an organisation). */
  organisationId: string;
  change: 'added' | 'deactivated' | 'reactivated';
  by: string;
}

type Row = { id: string; name: string; active: boolean; organisationId?: string };

/**
 * The change-log rows of one registry write: a row that did not exist is added, a row whose
 * `active` flipped is deactivated or reactivated; any other edit is not a change of the network.
 */
export function registryChanges({ collection, before, after, at, by, newId }: { collection: ChangedCollection; before: ReadonlyMap<string, Row>; after: readonly Row[]; at: string; by: string; newId: () => string }): RegistryChange[] {
  const changes: RegistryChange[] = [];
  for (const row of after) {
    const was = before.get(row.id);
    const change = !was ? 'added' : was.active && !row.active ? 'deactivated' : !was.active && row.active ? 'reactivated' : null;
    if (change) changes.push({ id: newId(), at, collection, rowId: row.id, name: row.name, organisationId: row.organisationId ?? row.id, change, by });
  }
  return changes;
}

/** Whether a text is a month as YYYY-MM. */
export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

/** The month before or after, as YYYY-MM. */
export function shiftMonth(month: string, by: number): string {
  return addMonths(`${month}-01`, by).slice(0, 7);
}

/** One row named in the overview, with its organisation. */
export interface NamedRow {
  id: string;
  name: string;
  organisationName: string;
}

/** An incident of the month and how the network answered its alerts. */
export interface IncidentFigures {
  id: string;
  title: string;
  grip: number;
  exercise: boolean;
  startedAt: string;
  alerted: number;
  acknowledged: number;
  /** Median time from the first alert to the organisation's answer; null when nobody answered. */
  medianAckMs: number | null;
  reported: number;
}

/** The month's overview. */
export interface NetworkOverview {
  month: string;
  /** The month's last day, or today when the month is not over. */
  asOf: string;
  registry: Record<'organisationsAdded' | 'organisationsDeactivated' | 'locationsAdded' | 'locationsDeactivated' | 'coordinatorsAdded' | 'coordinatorsLeft', NamedRow[]>;
  introductions: (NamedRow & { ico: boolean; at: string })[];
  contacts: { total: number; byKind: Record<ContactKind, number>; partnerTalks: NamedRow[] };
  meetings: { id: string; kind: MeetingKind; title: string; date: string; invited: number; attended: number }[];
  incidents: IncidentFigures[];
  /** How the network stands today (the registry keeps no earlier states of its rows). */
  standing: { organisations: number; locations: number; connected: number; ico: number; inIntake: number; partnerTalksOverdue: number };
  /** The twelve months up to this one: contact moments, introductions and meetings' attendance. */
  trend: { month: string; contacts: number; introductions: number; attended: number }[];
}

/** Everything the overview is made of. */
export interface OverviewInput {
  month: string;
  today: string;
  organisations: readonly Organisation[];
  locations: readonly { id: string; active: boolean }[];
  coordinators: readonly Coordinator[];
  changes: readonly RegistryChange[];
  contacts: readonly ContactMoment[];
  meetings: readonly Meeting[];
  incidents: readonly IncidentFigures[];
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The median of answer times, for {@link IncidentFigures}. */
export { median as medianOf };

/** "Zorgnetwerk in beeld" for one month; days and months are the region's (Europe/Amsterdam). */
export function networkOverview(input: OverviewInput): NetworkOverview {
  const { month, today } = input;
  const inMonth = (day: string) => day.slice(0, 7) === month;
  const monthEnd = new Date(Date.parse(`${shiftMonth(month, 1)}-01T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
  const asOf = monthEnd < today ? monthEnd : today;
  const organisationName = new Map(input.organisations.map((o) => [o.id, o.name]));
  const named = (c: RegistryChange): NamedRow => ({ id: c.rowId, name: c.name, organisationName: organisationName.get(c.organisationId) ?? c.organisationId });
  const changed = (collection: ChangedCollection, change: RegistryChange['change']) =>
    input.changes.filter((c) => c.collection === collection && c.change === change && inMonth(regionDay(c.at))).sort((a, b) => a.at.localeCompare(b.at)).map(named);

  const introductions = input.coordinators
    .filter((c) => c.introCompletedAt !== null && inMonth(regionDay(c.introCompletedAt)))
    .sort((a, b) => a.introCompletedAt!.localeCompare(b.introCompletedAt!))
    .map((c) => ({ id: c.id, name: c.name, organisationName: organisationName.get(c.organisationId) ?? c.organisationId, ico: c.kind === 'information', at: c.introCompletedAt! }));

  const monthContacts = input.contacts.filter((c) => inMonth(c.date));
  const byKind = Object.fromEntries(CONTACT_KINDS.map((k) => [k, monthContacts.filter((c) => c.kind === k).length])) as Record<ContactKind, number>;
  const partnerTalks = monthContacts
    .filter((c) => c.kind === 'partner-talk')
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((c) => ({ id: c.id, name: c.date, organisationName: organisationName.get(c.organisationId) ?? c.organisationId }));

  const meetings = input.meetings
    .filter((m) => inMonth(m.date))
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((m) => ({ id: m.id, kind: m.kind, title: m.title, date: m.date, invited: m.invited.length, attended: m.attended.length }));

  const activeOrganisations = input.organisations.filter((o) => o.active);
  const people = input.coordinators.filter((c) => c.active);
  const contactsOf = new Map<string, ContactMoment[]>();
  for (const c of input.contacts) contactsOf.set(c.organisationId, [...(contactsOf.get(c.organisationId) ?? []), c]);
  const overdue = activeOrganisations.filter((o) => ['never', 'overdue'].includes(partnerTalkStatus(contactsOf.get(o.id) ?? [], today).state)).length;

  const trend = Array.from({ length: 12 }, (_, i) => shiftMonth(month, i - 11)).map((m) => ({
    month: m,
    contacts: input.contacts.filter((c) => c.date.slice(0, 7) === m).length,
    introductions: input.coordinators.filter((c) => c.introCompletedAt !== null && regionDay(c.introCompletedAt).slice(0, 7) === m).length,
    attended: input.meetings.filter((x) => x.date.slice(0, 7) === m).reduce((sum, x) => sum + x.attended.length, 0),
  }));

  return {
    month,
    asOf,
    registry: {
      organisationsAdded: changed('organisations', 'added'),
      organisationsDeactivated: changed('organisations', 'deactivated'),
      locationsAdded: changed('locations', 'added'),
      locationsDeactivated: changed('locations', 'deactivated'),
      coordinatorsAdded: changed('coordinators', 'added'),
      coordinatorsLeft: changed('coordinators', 'deactivated'),
    },
    introductions,
    contacts: { total: monthContacts.length, byKind, partnerTalks },
    meetings,
    incidents: input.incidents.filter((i) => inMonth(regionDay(i.startedAt))).sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    standing: {
      organisations: activeOrganisations.length,
      locations: input.locations.filter((l) => l.active).length,
      connected: people.filter(isConnected).length,
      ico: people.filter((c) => c.kind === 'information' && isConnected(c)).length,
      inIntake: people.filter((c) => !isConnected(c)).length,
      partnerTalksOverdue: overdue,
    },
    trend,
  };
}
