import * as Y from 'yjs';
import { mayGiveNeedStatus, mayWrite, mayWriteNeedField } from '../../shared/board-rights';
import {
  NEED_FIELD_CHECKS,
  REPORT_FIELD_CHECKS,
  ROOTS,
  areaProblem,
  isPictureText,
  logbookProblem,
  needProblem,
} from '../../shared/board-schema';
import type { Role } from '../../shared/domain';
import type { IncidentNetwork } from '../../shared/incident';
import { CloseCodes, type CloseCode } from '../../shared/wire';

/** The author of an update as the gate sees it. */
export interface Author {
  id: string;
  username: string;
  role: Role;
  organisationId: string | null;
}

/** What an accepted transaction changed: the fields per report and need, and the other roots. */
export interface Touched {
  reports: Map<string, Set<string>>;
  needs: Map<string, Set<string>>;
  picture: Set<string>;
  areas: Set<string>;
  logbook: number;
}

export type GateResult = ({ ok: true } & Touched) | { ok: false; close: CloseCode; reason: string };

function add(map: Map<string, Set<string>>, key: string, field: string | undefined): void {
  const fields = map.get(key) ?? new Set<string>();
  if (field !== undefined) fields.add(field);
  map.set(key, fields);
}

/**
 * A touched place in the document: root, then map keys or `#` for array/text positions; the
 * content the item carries; `deleted` when the change deletes it, `gone` when it holds no value
 * to check (deleted, or sent garbage-collected: a reconnecting client re-sends overwritten
 * values as ContentDeleted, which Yjs always integrates as deleted). Its path is still checked.
 */
interface Touch {
  path: string[];
  content: Y.Item['content'];
  deleted: boolean;
  gone: boolean;
  /** The new item, for an item an update brings (read before applying). */
  item?: Y.Item;
}

const NEED_IMMUTABLE = new Set(['id', 'organisationId', 'createdBy', 'createdAt']);

/** Names the root types of a document by identity (a client may have created new ones). */
function rootNames(doc: Y.Doc): Map<Y.AbstractType<any>, string> {
  const names = new Map<Y.AbstractType<any>, string>();
  doc.share.forEach((type, name) => names.set(type, name));
  return names;
}

/**
 * The path of an item from the root: its parent chain walked up through `parent._item`, with the
 * `parentSub` key at every map level. Null when the parent chain is broken.
 */
function pathOf(item: Y.Item, roots: Map<Y.AbstractType<any>, string>): string[] | null {
  const path: string[] = [];
  let current: Y.Item | null = item;
  while (current) {
    path.unshift(current.parentSub ?? '#');
    const parent: unknown = current.parent;
    if (!(parent instanceof Y.AbstractType)) return null;
    if (parent._item === null) {
      const root = roots.get(parent);
      if (root === undefined) return null;
      path.unshift(root);
      return path;
    }
    current = parent._item;
  }
  return null;
}

/**
 * The part of a transaction one update made: the clocks of its clients before it and the
 * deletions it added. A transaction of its own: {@link wholeTransaction}; one of several updates
 * applied in one transaction: `startPart` and `deletionsOf` of shared/transaction-update.ts.
 */
export interface TransactionPart {
  before: ReadonlyMap<number, number>;
  deletions: Y.Transaction['deleteSet'];
}

/** The whole of a transaction as the part one update made. */
export function wholeTransaction(transaction: Y.Transaction): TransactionPart {
  return { before: transaction.beforeState, deletions: transaction.deleteSet };
}

/**
 * Every item a transaction (or one update's part of it) inserted or deleted so far, with its path (also while it is still
 * open). Only the clients the update names are looked at: walking every client the document
 * ever saw would make each update cost more the longer the incident runs.
 */
function touches(doc: Y.Doc, transaction: Y.Transaction, part: TransactionPart, clients: Iterable<number>): Touch[] | null {
  const roots = rootNames(doc);
  const result: Touch[] = [];
  let broken = false;
  for (const client of clients) {
    const after = Y.getState(doc.store, client);
    const before = part.before.get(client) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(client) ?? [];
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i];
      if (struct.id.clock >= after) break;
      if (!(struct instanceof Y.Item)) continue;
      const path = pathOf(struct, roots);
      if (!path) broken = true;
      else result.push({ path, content: struct.content, deleted: false, gone: struct.deleted || struct.content instanceof Y.ContentDeleted });
    }
  }
  Y.iterateDeletedStructs(transaction, part.deletions, (struct) => {
    if (!(struct instanceof Y.Item)) return;
    const path = pathOf(struct, roots);
    if (!path) broken = true;
    else result.push({ path, content: struct.content, deleted: true, gone: true });
  });
  return broken ? null : result;
}

/** The item of the document that holds `id`; undefined when the document has none there. */
function itemAt(doc: Y.Doc, id: Y.ID): Y.Item | undefined {
  if (Y.getState(doc.store, id.client) <= id.clock) return undefined;
  const structs = doc.store.clients.get(id.client)!;
  const struct = structs[Y.findIndexSS(structs, id.clock)];
  return struct instanceof Y.Item ? struct : undefined;
}

/** An update read once: its structs and deletions, and per client where its structs start (`from`) and end (`to`). */
export interface ReadUpdate {
  structs: (Y.Item | Y.GC | Y.Skip)[];
  ds: ReturnType<typeof Y.decodeUpdate>['ds'];
  from: Map<number, number>;
  to: Map<number, number>;
}

/**
 * Decodes an update once, for everything judged before applying it (the room's clock checks and
 * {@link precheckUpdate}). `from` and `to` are what `Y.parseUpdateMeta` gives, without reading
 * the update a second time. Throws on bytes that are not an update.
 */
export function readUpdate(update: Uint8Array): ReadUpdate {
  const { structs, ds } = Y.decodeUpdate(update);
  const from = new Map<number, number>();
  const to = new Map<number, number>();
  for (const struct of structs) {
    const client = struct.id.client;
    if (!from.has(client)) from.set(client, struct.id.clock);
    to.set(client, struct.id.clock + struct.length);
  }
  return { structs, ds, from, to };
}

/**
 * The touches of an update read from the update itself, before anything is applied: each new
 * item's place (its parent from the update or the document, or the neighbour it is inserted
 * beside when the update names no parent) and each deleted item. Null when a place cannot be
 * told without integrating (an unknown neighbour, a garbage-collected parent): the update is
 * then judged after applying only. `incomplete` when it builds on or deletes items the
 * document lacks.
 */
function touchesOfUpdate(doc: Y.Doc, { structs, ds }: ReadUpdate, beyond?: Beyond): Touch[] | 'incomplete' | null {
  const roots = rootNames(doc);
  const state = (client: number) => beyond?.clocks.get(client) ?? Y.getState(doc.store, client);
  // Each client's structs must follow on from what the document has, without gaps (a Skip is one).
  const reached = new Map<number, number>();
  for (const struct of structs) {
    const client = struct.id.client;
    const from = reached.get(client) ?? state(client);
    if (struct.id.clock > from || (struct instanceof Y.Skip && struct.id.clock + struct.length > state(client))) return 'incomplete';
    reached.set(client, Math.max(from, struct.id.clock + struct.length));
  }
  const own = new Map<number, Y.Item[]>();
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const list = own.get(struct.id.client);
    if (list) list.push(struct);
    else own.set(struct.id.client, [struct]);
  }
  // A client's structs come in clock order: found by halving, as a full diff may hold thousands.
  const ownAt = (id: Y.ID): Y.Item | undefined => {
    const list = own.get(id.client);
    if (!list) return undefined;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const struct = list[mid];
      if (id.clock < struct.id.clock) high = mid - 1;
      else if (id.clock >= struct.id.clock + struct.length) low = mid + 1;
      else return struct;
    }
    return undefined;
  };
  const deletedHere = (id: Y.ID, length: number) => (ds.clients.get(id.client) ?? []).some((d) => d.clock < id.clock + length && id.clock < d.clock + d.len);
  const places = new Map<Y.Item, string[] | null>();
  // Built on something neither the update nor the document has: Yjs would keep it pending.
  const lacking = (id: Y.ID | null) => id !== null && !ownAt(id) && state(id.client) <= id.clock;
  // The path of an item of this update: where its parent is, and its own key.
  const placeOf = (item: Y.Item, depth: number): string[] | null => {
    if (places.has(item)) return places.get(item)!;
    if (depth > 32) return null;
    const at = (id: Y.ID): string[] | null => {
      const mine = ownAt(id);
      if (mine) return placeOf(mine, depth + 1);
      const theirs = itemAt(doc, id);
      if (theirs) return pathOf(theirs, roots);
      return beyond?.items.get(idKey(id))?.path ?? null;
    };
    let path: string[] | null = null;
    const parent = item.parent as unknown;
    if (typeof parent === 'string') path = [parent, item.parentSub ?? '#'];
    else if (parent instanceof Y.ID) {
      const above = at(parent);
      path = above && [...above, item.parentSub ?? '#'];
    } else {
      // Inserted beside a neighbour: the same parent and, for a map value, the same key.
      const neighbour = item.origin ?? item.rightOrigin;
      const beside = neighbour ? at(neighbour) : null;
      path = beside && [...beside];
    }
    places.set(item, path);
    return path;
  };
  for (const [client, deletions] of ds.clients) {
    for (const { clock, len } of deletions) if (lacking(Y.createID(client, clock + len - 1))) return 'incomplete';
  }
  for (const struct of structs) {
    if (struct instanceof Y.Item && (lacking(struct.origin) || lacking(struct.rightOrigin) || (struct.parent instanceof Y.ID && lacking(struct.parent)))) return 'incomplete';
  }
  const result: Touch[] = [];
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    // What the document has already is no change (a reconnecting client re-sends it).
    if (struct.id.clock + struct.length <= state(struct.id.client)) continue;
    const path = placeOf(struct, 0);
    if (!path) return null;
    result.push({ path, content: struct.content, deleted: false, gone: struct.content instanceof Y.ContentDeleted || deletedHere(struct.id, struct.length), item: struct });
  }
  for (const [client, deletions] of ds.clients) {
    for (const { clock, len } of deletions) {
      let at = clock;
      while (at < clock + len) {
        const id = Y.createID(client, at);
        const mine = ownAt(id);
        if (mine) {
          at = mine.id.clock + mine.length;
          continue;
        }
        const held = itemAt(doc, id) ? undefined : beyond?.items.get(idKey(id));
        const item = held?.item ?? itemAt(doc, id);
        // A deletion of something the document does not have yet: it would stay pending.
        if (!item) return state(client) <= at ? 'incomplete' : null;
        if (!item.deleted) {
          const path = held ? held.path : pathOf(item, roots);
          if (!path) return null;
          result.push({ path, content: item.content, deleted: true, gone: true });
        }
        at = item.id.clock + item.length;
      }
    }
  }
  return result;
}

/** The values an item carries: those of plain JSON content, none for deleted content. */
function valuesOf(content: Y.Item['content']): { kind: 'any' | 'deleted' | 'string' | 'format' | 'type' | 'other'; values: unknown[] } {
  if (content instanceof Y.ContentAny) return { kind: 'any', values: content.getContent() };
  if (content instanceof Y.ContentDeleted) return { kind: 'deleted', values: [] };
  if (content instanceof Y.ContentString) return { kind: 'string', values: [] };
  if (content instanceof Y.ContentFormat) return { kind: 'format', values: [] };
  if (content instanceof Y.ContentType) return { kind: 'type', values: [content.type] };
  return { kind: 'other', values: [] };
}

const refuse = (close: CloseCode, reason: string): GateResult => ({ ok: false, close, reason });

type GateNetwork = IncidentNetwork & { locationById: Map<string, { organisationId: string }> };

/**
 * The rules every touched place must keep on its own (shared/board-rights.ts): the author's rights
 * on the path and the schema of each new value. Collects what was touched, for stamps and the
 * record. The same rules judge an update before it is applied and a transaction after.
 */
function checkTouches(list: readonly Touch[], author: Author, network: GateNetwork): { ok: true; touched: Touched; createdNeeds: Set<string> } | { ok: false; close: CloseCode; reason: string } {
  const reports = new Map<string, Set<string>>();
  const needs = new Map<string, Set<string>>();
  const picture = new Set<string>();
  const areas = new Set<string>();
  let logbook = 0;
  const createdNeeds = new Set<string>();
  if (list.length > 0 && author.role === 'observer') return refuse(CloseCodes.Forbidden, 'an observer writes nothing') as { ok: false; close: CloseCode; reason: string };
  for (const touch of list) {
    if (touch.path[0] === ROOTS.needs && touch.path.length === 2 && !touch.deleted) createdNeeds.add(touch.path[1]);
  }
  const no = (close: CloseCode, reason: string) => ({ ok: false as const, close, reason });

  for (const { path, content: raw, deleted, gone } of list) {
    const [root, key, field] = path;
    const content = valuesOf(raw);
    switch (root) {
      case ROOTS.reports: {
        if (path.length === 2) return no(CloseCodes.Forbidden, 'report maps are created by the server only');
        if (path.length > 3) return no(CloseCodes.Invalid, 'report fields hold plain values');
        if (field === 'stamp') return no(CloseCodes.Forbidden, 'stamps are written by the server only');
        const check = REPORT_FIELD_CHECKS.get(field);
        if (!check) return no(CloseCodes.Invalid, `unknown report field ${field}`);
        const location = network.locationById.get(key);
        if (!location) return no(CloseCodes.Invalid, `unknown location ${key}`);
        if (!mayWrite({ root: ROOTS.reports, writer: author, owner: location.organisationId })) return no(CloseCodes.Forbidden, `location ${key} belongs to another organisation`);
        if (!gone) {
          if (content.kind !== 'any' || content.values.length !== 1) return no(CloseCodes.Invalid, `report field ${field} holds a plain value`);
          if (!check(content.values[0])) return no(CloseCodes.Invalid, `invalid value of report field ${field}`);
        }
        add(reports, key, field);
        break;
      }
      case ROOTS.needs: {
        if (path.length === 2) {
          if (deleted) return no(CloseCodes.Forbidden, 'needs are cancelled, never deleted');
          if (content.kind !== 'type' || !(content.values[0] instanceof Y.Map)) return no(CloseCodes.Invalid, 'a need is a map');
          add(needs, key, undefined);
          break;
        }
        if (path.length > 3) return no(CloseCodes.Invalid, 'need fields hold plain values');
        if (field === 'stamp') return no(CloseCodes.Forbidden, 'stamps are written by the server only');
        const check = NEED_FIELD_CHECKS.get(field);
        if (!check) return no(CloseCodes.Invalid, `unknown need field ${field}`);
        if (NEED_IMMUTABLE.has(field) && !createdNeeds.has(key)) return no(CloseCodes.Forbidden, `need field ${field} cannot change`);
        if (!mayWriteNeedField({ writer: author, field })) return no(CloseCodes.Forbidden, `need field ${field} is GHOR's handling`);
        if (!gone) {
          if (content.kind !== 'any' || content.values.length !== 1) return no(CloseCodes.Invalid, `need field ${field} holds a plain value`);
          const value = content.values[0];
          if (!check(value)) return no(CloseCodes.Invalid, `invalid value of need field ${field}`);
          if (field === 'status' && !mayGiveNeedStatus({ writer: author, status: value })) return no(CloseCodes.Forbidden, 'a coordinator may only file or cancel a need');
        }
        add(needs, key, field);
        break;
      }
      case ROOTS.picture: {
        if (!mayWrite({ root: ROOTS.picture, writer: author })) return no(CloseCodes.Forbidden, 'the situation picture is written by GHOR');
        if (path.length === 2) return no(CloseCodes.Forbidden, 'the picture texts are created by the server only');
        if (!isPictureText(key) || path.length !== 3) return no(CloseCodes.Invalid, 'unknown part of the picture');
        if (!['string', 'format', 'deleted'].includes(content.kind)) return no(CloseCodes.Invalid, 'the picture holds text only');
        picture.add(key);
        break;
      }
      case ROOTS.areas: {
        if (!mayWrite({ root: ROOTS.areas, writer: author })) return no(CloseCodes.Forbidden, 'areas are drawn by GHOR');
        if (path.length !== 2 || !/^[A-Za-z0-9_.-]{1,64}$/.test(key)) return no(CloseCodes.Invalid, 'an area is one GeoJSON value under an id');
        if (!gone) {
          if (content.kind !== 'any' || content.values.length !== 1) return no(CloseCodes.Invalid, 'an area is one GeoJSON value');
          const problem = areaProblem(content.values[0]);
          if (problem) return no(CloseCodes.Invalid, problem);
        }
        areas.add(key);
        break;
      }
      case ROOTS.logbook: {
        if (!mayWrite({ root: ROOTS.logbook, writer: author })) return no(CloseCodes.Forbidden, 'the logbook is kept by GHOR');
        if (deleted) return no(CloseCodes.Forbidden, 'the logbook is append-only');
        if (path.length !== 2 || content.kind !== 'any') return no(CloseCodes.Invalid, 'logbook entries are plain values');
        for (const entry of content.values) {
          const problem = logbookProblem(entry);
          if (problem) return no(CloseCodes.Invalid, problem);
          if ((entry as { by: string }).by !== author.username) return no(CloseCodes.Forbidden, 'a logbook entry names its own author');
        }
        logbook += content.values.length;
        break;
      }
      default:
        return no(CloseCodes.Invalid, `unknown root ${root}`);
    }
  }
  return { ok: true, touched: { reports, needs, picture, areas, logbook }, createdNeeds };
}

/**
 * Judges an update before it is applied, from the update and the current document alone: a
 * refusal found here costs nothing to undo, because nothing was done. `null`: the update may
 * stand as far as can be told without applying it (its whole needs are judged after), or its
 * places cannot be told; {@link checkTransaction} decides then. `incomplete`: it deletes what
 * the document does not have yet (the client is to send everything it has).
 */
export function precheckUpdate({ doc, update, author, network }: { doc: Y.Doc; update: Uint8Array | ReadUpdate; author: Author; network: GateNetwork }): { close: CloseCode; reason: string } | 'incomplete' | null {
  let list: ReturnType<typeof touchesOfUpdate>;
  try {
    list = touchesOfUpdate(doc, update instanceof Uint8Array ? readUpdate(update) : update);
  } catch (error) {
    // Bytes that do not decode as an update are refused here, before Yjs could half-apply them.
    return { close: CloseCodes.BadMessage, reason: `update cannot be read: ${(error as Error).message}` };
  }
  if (list === null || list === 'incomplete') return list;
  const verdict = checkTouches(list, author, network);
  if (!verdict.ok) return { close: verdict.close, reason: verdict.reason };
  // A need this update files is whole in the update itself: judged here like after applying.
  // (A change of an existing need is judged after: concurrent values decide what stands.)
  const needs = doc.getMap<Y.Map<unknown>>(ROOTS.needs);
  for (const id of verdict.createdNeeds) {
    if (needs.has(id)) continue;
    const fields = list.filter((t) => t.path[0] === ROOTS.needs && t.path[1] === id && t.path.length === 3 && !t.gone);
    const need = Object.fromEntries(fields.map((t) => [t.path[2], valuesOf(t.content).values[0]]));
    const issue = wholeNeedIssue({ id, need, created: true, author, network });
    if (issue) return issue;
  }
  // Whose need it is can be told before applying too: the value the update gives a new need,
  // else the need as the document has it (the field never changes afterwards).
  for (const id of verdict.touched.needs.keys()) {
    const given = list.find((t) => t.path[0] === ROOTS.needs && t.path[1] === id && t.path[2] === 'organisationId' && !t.gone);
    const owner = given ? valuesOf(given.content).values[0] : doc.getMap<Y.Map<unknown>>(ROOTS.needs).get(id)?.get('organisationId');
    if (typeof owner === 'string' && !mayWrite({ root: ROOTS.needs, writer: author, owner })) return { close: CloseCodes.Forbidden, reason: 'need of another organisation' };
  }
  return null;
}

/**
 * What the document is to hold beyond what it holds now: the room's held updates (see
 * {@link reportWritesOf}), each client's clock after them and the place of each item they bring.
 */
export interface Beyond {
  /** Each client's clock after them. */
  clocks: ReadonlyMap<number, number>;
  /** The report field values they bring, by {@link idKey} (each one struct long), with their places. */
  items: ReadonlyMap<string, { item: Y.Item; path: string[] }>;
  /** The last held value per report field ({@link fieldKey}): the present value once applied. */
  fields: ReadonlyMap<string, Y.ID>;
}

/** A struct id as one string, for maps of them. */
export const idKey = (id: Y.ID) => `${id.client}:${id.clock}`;

/** A report field (location and field) as one string, for maps and sets of them. */
export const fieldKey = (locationId: string, field: string) => `${locationId}\u0000${field}`;

/** One report field an update sets, judged before it is applied (see {@link reportWritesOf}). */
export interface ReportWrite {
  /** {@link fieldKey} of the two below. */
  key: string;
  locationId: string;
  field: string;
  value: unknown;
  /** The item that carries the value (one struct long). */
  item: Y.Item;
}

/** The item a map holds under `key` now (deleted or not), as Yjs keeps it. */
function currentItem(map: Y.Map<unknown>, key: string): Y.Item | undefined {
  return (map as unknown as { _map: Map<string, Y.Item> })._map.get(key);
}

/**
 * The report fields an update sets, when all it does is set report fields that will hold its
 * values once applied, and every rule is kept: it then needs no applying to be judged, stamped
 * and recorded (the room's held updates, docs/architecture.md, "Per-update work"). Each new value
 * follows the field's present value (its left neighbour is that value, nothing on its right), so
 * no concurrent value can win over it; the present value is the last held one where `held` has
 * one, and an update may build on held items as on the document's. A place the author may not write or a value that breaks
 * the schema is a refusal, the same as {@link precheckUpdate}'s (what the document has not been
 * given changes no place of what it has). Null for everything else: that goes the way of every
 * update.
 */
export function reportWritesOf({ doc, update, author, network, held }: { doc: Y.Doc; update: ReadUpdate; author: Author; network: GateNetwork; held?: Beyond }): ReportWrite[] | { close: CloseCode; reason: string } | null {
  if (update.structs.some((s) => !(s instanceof Y.Item))) return null;
  const list = touchesOfUpdate(doc, update, held);
  if (list === null || list === 'incomplete' || list.length === 0) return null;
  const verdict = checkTouches(list, author, network);
  if (!verdict.ok) return { close: verdict.close, reason: verdict.reason };
  const reports = doc.getMap<Y.Map<unknown>>(ROOTS.reports);
  const writes = new Map<string, ReportWrite>();
  for (const touch of list) {
    if (touch.path[0] !== ROOTS.reports || touch.path.length !== 3 || touch.deleted) continue;
    if (touch.gone) return null;
    const [, locationId, field] = touch.path;
    const key = fieldKey(locationId, field);
    if (writes.has(key)) return null;
    const item = touch.item!;
    const map = reports.get(locationId);
    if (!(map instanceof Y.Map) || item.rightOrigin !== null) return null;
    const present = held?.fields.get(key) ?? currentItem(map, field)?.lastId;
    const follows = present ? item.origin !== null && Y.compareIDs(item.origin, present) : item.origin === null;
    if (!follows) return null;
    writes.set(key, { key, locationId, field, value: valuesOf(touch.content).values[0], item });
  }
  // Only report fields, and a deletion only of a value the same update replaces.
  for (const touch of list) {
    if (touch.path[0] !== ROOTS.reports || touch.path.length !== 3) return null;
    if (touch.deleted && !writes.has(fieldKey(touch.path[1], touch.path[2]))) return null;
  }
  return [...writes.values()];
}

/** The last struct id of the value a map holds under `key`, or null when it never held one. */
export function lastIdOf(map: Y.Map<unknown>, key: string): Y.ID | null {
  return currentItem(map, key)?.lastId ?? null;
}

/**
 * Decides whether a transaction that came from `author`, or one update's `part` of it, may stand:
 * every touched path must be in the author's rights (`shared/board-rights.ts`), every new value
 * must fit the schema, and the reports and needs it leaves behind must be whole. `clients` are the clients the update wrote for.
 * Returns the reports and needs to stamp.
 */
export function checkTransaction({ doc, transaction, part = wholeTransaction(transaction), author, network, clients }: { doc: Y.Doc; transaction: Y.Transaction; part?: TransactionPart; author: Author; network: GateNetwork; clients: Iterable<number> }): GateResult {
  const list = touches(doc, transaction, part, clients);
  if (!list) return refuse(CloseCodes.Invalid, 'an item has no parent in the document');
  const verdict = checkTouches(list, author, network);
  if (!verdict.ok) return verdict;
  const { touched, createdNeeds } = verdict;
  // Whole-need checks on what the transaction leaves behind.
  for (const id of touched.needs.keys()) {
    const map = doc.getMap<Y.Map<unknown>>(ROOTS.needs).get(id);
    if (!(map instanceof Y.Map)) return refuse(CloseCodes.Invalid, `need ${id} is not a map`);
    const issue = wholeNeedIssue({ id, need: map.toJSON() as Record<string, unknown>, created: createdNeeds.has(id), author, network });
    if (issue) return refuse(issue.close, issue.reason);
  }
  return { ok: true, ...touched };
}

/** The rules a need must keep as a whole: its schema, its key, its organisation and location, who filed it. */
function wholeNeedIssue({ id, need, created, author, network }: { id: string; need: Record<string, unknown>; created: boolean; author: Author; network: GateNetwork }): { close: CloseCode; reason: string } | null {
  const isGhor = author.role === 'ghor' || author.role === 'admin';
  const problem = needProblem(need);
  if (problem) return { close: CloseCodes.Invalid, reason: problem };
  if (need.id !== id) return { close: CloseCodes.Invalid, reason: 'need id differs from its key' };
  if (!network.organisations.some((o) => o.id === need.organisationId)) return { close: CloseCodes.Invalid, reason: 'need names an unknown organisation' };
  if (need.locationId !== undefined && network.locationById.get(need.locationId as string)?.organisationId !== need.organisationId) {
    return { close: CloseCodes.Invalid, reason: 'need names a location of another organisation' };
  }
  if (!mayWrite({ root: ROOTS.needs, writer: author, owner: need.organisationId as string })) return { close: CloseCodes.Forbidden, reason: 'need of another organisation' };
  if (created && need.createdBy !== author.username) return { close: CloseCodes.Forbidden, reason: 'a need names its own author' };
  if (created && !isGhor && need.status !== 'open') return { close: CloseCodes.Forbidden, reason: 'a new need is open' };
  return null;
}
