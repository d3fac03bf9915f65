import type * as Y from 'yjs';
import type { Stamp } from '../../shared/board-schema';
import { writeStamps } from '../../shared/incident-doc';
import type { RecordedEvent } from '../../shared/recorded-event';
import type { Author, Touched } from './gate';

// What the server adds to an accepted change: its stamps in the document, and the `changed` event
// in the log that says what the change was (the review's timeline reads these instead of decoding
// every update again).

/** A `changed` event of the log. */
export type ChangedEvent = Extract<RecordedEvent, { type: 'changed' }>;

/** A need as one accepted change left it: the fields changed, with their new values. */
export interface ChangedNeed {
  needId: string;
  organisationId: string | null;
  fields: Record<string, unknown>;
  /** The whole need after the change. */
  now?: Record<string, unknown>;
}

/** Which organisation each location of the incident's network belongs to. */
export type LocationOwners = ReadonlyMap<string, { organisationId: string }>;

/** The server's stamp for a change by `author` at `now`: who, for which organisation, when. */
export function stampOf(author: Author & { displayName?: string }, now: Date): Stamp {
  return {
    by: author.username,
    byName: author.displayName ?? author.username,
    organisationId: author.organisationId,
    onBehalf: author.role === 'ghor' || author.role === 'admin',
    at: now.toISOString(),
  };
}

/**
 * Writes `author`'s stamp at `now()` on the reports, needs and areas a change touched (inside its
 * transaction); the time is taken only when there is something to stamp.
 */
export function writeChangeStamps(doc: Y.Doc, author: Author & { displayName?: string }, now: () => Date, touched: Touched, origin: unknown): void {
  const reports = [...touched.reports.keys()];
  const needs = [...touched.needs.keys()];
  const areas = [...touched.areas];
  if (reports.length === 0 && needs.length === 0 && areas.length === 0) return;
  const stamp = stampOf(author, now());
  writeStamps(doc, { reports: new Map(reports.map((id) => [id, stamp])), needs: new Map(needs.map((id) => [id, stamp])), areas: new Map(areas.map((id) => [id, stamp])) }, origin);
}

/** A `changed` event of `author` with the new values of report fields (each report named with its organisation), and of the rest. */
export function changedEvent(author: Author, reports: { locationId: string; fields: Record<string, unknown> }[], owners: LocationOwners, rest: Pick<ChangedEvent, 'needs' | 'picture' | 'areas' | 'logbook'> = { needs: [], picture: [], areas: [], logbook: 0 }): ChangedEvent {
  return {
    type: 'changed',
    username: author.username,
    role: author.role,
    organisationId: author.organisationId,
    reports: reports.map(({ locationId, fields }) => ({ locationId, organisationId: owners.get(locationId)?.organisationId ?? null, fields })),
    ...rest,
  };
}

/**
 * What an accepted update changed, with the new values read from `doc`, as a `changed` event
 * for the log; with `wholeNeeds`, also the needs it touched as they now are in whole (for the
 * need listener). Null when it changed nothing of the board.
 */
export function changeOf(doc: Y.Doc, author: Author, touched: Touched, owners: LocationOwners, wholeNeeds: boolean): { event: ChangedEvent; needs: ChangedNeed[] } | null {
  const values = (map: Y.Map<unknown> | undefined, fields: Set<string>) => Object.fromEntries([...fields].map((f) => [f, map?.get(f) ?? null]));
  const reports = [...touched.reports].map(([locationId, fields]) => ({ locationId, fields: values(doc.getMap<Y.Map<unknown>>('reports').get(locationId), fields) }));
  const root = doc.getMap<Y.Map<unknown>>('needs');
  const needs = [...touched.needs].map(([needId, fields]) => {
    const map = root.get(needId);
    return { needId, organisationId: (map?.get('organisationId') as string | undefined) ?? null, fields: values(map, fields.size > 0 ? fields : new Set(map?.keys() ?? [])) };
  });
  if (reports.length + needs.length + touched.picture.size + touched.areas.size + touched.logbook === 0) return null;
  const event = changedEvent(author, reports, owners, { needs, picture: [...touched.picture], areas: [...touched.areas], logbook: touched.logbook });
  return { event, needs: wholeNeeds ? needs.map((n) => ({ ...n, now: root.get(n.needId)?.toJSON() })) : [] };
}
