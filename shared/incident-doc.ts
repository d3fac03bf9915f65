import * as Y from 'yjs';
import {
  PICTURE_TEXTS,
  ROOTS,
  type AreaFeature,
  type LogbookEntry,
  type Need,
  type PictureText,
  type Report,
  type ReportPatch,
  type Stamp,
} from './board-schema';

/** The report maps of all locations: locationId → Y.Map of report fields. */
export function reportsRoot(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(ROOTS.reports);
}

/** The needs: needId → Y.Map of need fields. */
export function needsRoot(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(ROOTS.needs);
}

/** The situation picture: three collaborative texts. */
export function pictureRoot(doc: Y.Doc): Y.Map<Y.Text> {
  return doc.getMap(ROOTS.picture);
}

/** Drawn areas: areaId → GeoJSON feature. */
export function areasRoot(doc: Y.Doc): Y.Map<AreaFeature> {
  return doc.getMap(ROOTS.areas);
}

/** The logbook, oldest first. */
export function logbookRoot(doc: Y.Doc): Y.Array<LogbookEntry> {
  return doc.getArray(ROOTS.logbook);
}

/**
 * Creates the fixed structure of a new incident: one empty report map per location and the
 * three picture texts. Only the server does this, once, so that no two clients ever create the
 * same map concurrently (one of them would silently lose its content).
 */
export function initIncidentDoc(doc: Y.Doc, locationIds: readonly string[]): void {
  doc.transact(() => {
    const reports = reportsRoot(doc);
    for (const id of locationIds) if (!reports.has(id)) reports.set(id, new Y.Map());
    const picture = pictureRoot(doc);
    for (const key of PICTURE_TEXTS) if (!picture.has(key)) picture.set(key, new Y.Text());
    needsRoot(doc);
    areasRoot(doc);
    logbookRoot(doc);
  }, 'server');
}

/** The report of one location as plain data (empty when nothing was reported). */
export function readReport(doc: Y.Doc, locationId: string): Report {
  return (reportsRoot(doc).get(locationId)?.toJSON() as Report | undefined) ?? {};
}

/** Every report that holds at least one field, by location. */
export function readReports(doc: Y.Doc): Map<string, Report> {
  const result = new Map<string, Report>();
  reportsRoot(doc).forEach((map, id) => {
    if (map instanceof Y.Map && map.size > 0) result.set(id, map.toJSON() as Report);
  });
  return result;
}

/** A change of report fields: a value sets it, null clears it. */
export type ReportChange = { [K in keyof ReportPatch]?: ReportPatch[K] | null };

/**
 * An organisation answered an alert "not hit": every one of its locations without a report yet
 * gets impact `none` and operation `normal`, stamped as coming from that answer, in one
 * transaction. Returns the ids it reported.
 */
export function reportNotHit(doc: Y.Doc, locationIds: readonly string[], stamp: Stamp, origin: unknown = null): string[] {
  const reported: string[] = [];
  doc.transact(() => {
    for (const id of locationIds) {
      const map = reportsRoot(doc).get(id);
      if (!map || map.get('stamp') !== undefined) continue;
      map.set('impact', 'none');
      map.set('operation', 'normal');
      map.set('stamp', stamp);
      reported.push(id);
    }
  }, origin);
  return reported;
}

/**
 * Takes back the "not hit" reports an answer wrote (stamped `via: 'alert-answer'` by that
 * organisation at that time) that nobody has changed since: they are again without a report.
 * Returns the locations taken back.
 */
export function withdrawNotHit(doc: Y.Doc, locationIds: readonly string[], answer: { organisationId: string; at: string }, origin: unknown = null): string[] {
  const cleared: string[] = [];
  doc.transact(() => {
    for (const id of locationIds) {
      const map = reportsRoot(doc).get(id);
      const stamp = map?.get('stamp') as Stamp | undefined;
      if (!map || stamp?.via !== 'alert-answer' || stamp.organisationId !== answer.organisationId || stamp.at !== answer.at) continue;
      if (map.get('impact') !== 'none' || map.get('operation') !== 'normal') continue;
      for (const key of ['impact', 'operation', 'stamp']) map.delete(key);
      cleared.push(id);
    }
  }, origin);
  return cleared;
}

/** Writes report fields of one location in one transaction; throws when the location has no report map. */
export function setReport(doc: Y.Doc, locationId: string, change: ReportChange, origin: unknown = null): void {
  const map = reportsRoot(doc).get(locationId);
  if (!map) throw new Error(`no report map for location ${locationId}`);
  doc.transact(() => {
    for (const [key, value] of Object.entries(change)) {
      if (value === null || value === undefined || value === '') map.delete(key);
      else if (map.get(key) !== value) map.set(key, value);
    }
  }, origin);
}

/** Every need as plain data, newest first. */
export function readNeeds(doc: Y.Doc): Need[] {
  const needs: Need[] = [];
  needsRoot(doc).forEach((map) => {
    if (map instanceof Y.Map) needs.push(map.toJSON() as Need);
  });
  return sortNeeds(needs);
}

/** Orders needs newest first (ties by id, so every reader lists them the same way). */
export function sortNeeds(needs: Need[]): Need[] {
  return needs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

/** Files a new need. */
export function addNeed(doc: Y.Doc, need: Omit<Need, 'stamp'>, origin: unknown = null): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(need)) if (value !== undefined && value !== '') map.set(key, value);
    needsRoot(doc).set(need.id, map);
  }, origin);
}

/** Changes fields of a need: a value sets it, null clears it. */
export function updateNeed(doc: Y.Doc, id: string, change: Partial<Record<keyof Need, unknown>>, origin: unknown = null): void {
  const map = needsRoot(doc).get(id);
  if (!map) throw new Error(`no need ${id}`);
  doc.transact(() => {
    for (const [key, value] of Object.entries(change)) {
      if (value === null || value === undefined || value === '') map.delete(key);
      else if (map.get(key) !== value) map.set(key, value);
    }
  }, origin);
}

/** One text of the situation picture. */
export function pictureText(doc: Y.Doc, key: PictureText): Y.Text | undefined {
  return pictureRoot(doc).get(key);
}

/** The three picture texts as plain strings. */
export function readPicture(doc: Y.Doc): Record<PictureText, string> {
  return Object.fromEntries(PICTURE_TEXTS.map((key) => [key, pictureText(doc, key)?.toString() ?? ''])) as Record<PictureText, string>;
}

/**
 * Replaces a picture text by `next` with the smallest edit (common prefix and suffix kept), so that
 * concurrent edits elsewhere in the text survive.
 */
export function editPictureText(doc: Y.Doc, key: PictureText, next: string, origin: unknown = null): void {
  const text = pictureText(doc, key);
  if (!text) throw new Error(`no picture text ${key}`);
  const current = text.toString();
  if (current === next) return;
  let start = 0;
  while (start < current.length && start < next.length && current[start] === next[start]) start++;
  let end = 0;
  while (end < current.length - start && end < next.length - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end++;
  doc.transact(() => {
    const removed = current.length - start - end;
    if (removed > 0) text.delete(start, removed);
    const inserted = next.slice(start, next.length - end);
    if (inserted) text.insert(start, inserted);
  }, origin);
}

/** Adds a logbook line. */
export function addLogbookEntry(doc: Y.Doc, entry: LogbookEntry, origin: unknown = null): void {
  doc.transact(() => logbookRoot(doc).push([entry]), origin);
}

/** Draws or replaces an area. */
export function setArea(doc: Y.Doc, id: string, feature: AreaFeature, origin: unknown = null): void {
  doc.transact(() => areasRoot(doc).set(id, feature), origin);
}

/** Removes an area. */
export function removeArea(doc: Y.Doc, id: string, origin: unknown = null): void {
  doc.transact(() => areasRoot(doc).delete(id), origin);
}

/** Every area with its id. */
export function readAreas(doc: Y.Doc): { id: string; feature: AreaFeature }[] {
  const areas: { id: string; feature: AreaFeature }[] = [];
  areasRoot(doc).forEach((feature, id) => areas.push({ id, feature }));
  return areas;
}

/** Writes the server's stamps on changed reports and needs (server only). */
export function writeStamps(doc: Y.Doc, stamps: { reports: Map<string, Stamp>; needs: Map<string, Stamp>; areas?: Map<string, Stamp> }, origin: unknown): void {
  doc.transact(() => {
    for (const [id, stamp] of stamps.reports) reportsRoot(doc).get(id)?.set('stamp', stamp);
    for (const [id, stamp] of stamps.needs) needsRoot(doc).get(id)?.set('stamp', stamp);
    // An area is one plain value: it is written again with the server's author and time.
    for (const [id, stamp] of stamps.areas ?? []) {
      const area = areasRoot(doc).get(id);
      if (area) areasRoot(doc).set(id, { ...area, properties: { name: area.properties.name, createdBy: stamp.by, createdAt: stamp.at } });
    }
  }, origin);
}
