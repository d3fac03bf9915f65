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

/** The outcome of checking one transaction. */
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

/** A touched place in the document: root, then map keys or `#` for array/text positions. */
interface Touch {
  path: string[];
  item: Y.Item;
  deleted: boolean;
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

/** The current clock of every client in a document's store. */
function stateOf(doc: Y.Doc): Map<number, number> {
  const state = new Map<number, number>();
  doc.store.clients.forEach((structs, client) => {
    const last = structs[structs.length - 1];
    state.set(client, last.id.clock + last.length);
  });
  return state;
}

/** Every item a transaction inserted or deleted so far, with its path (also while it is still open). */
function touches(doc: Y.Doc, transaction: Y.Transaction): Touch[] | null {
  const roots = rootNames(doc);
  const result: Touch[] = [];
  let broken = false;
  stateOf(doc).forEach((after, client) => {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) return;
    const structs = doc.store.clients.get(client) ?? [];
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i];
      if (struct.id.clock >= after) break;
      if (!(struct instanceof Y.Item)) continue;
      const path = pathOf(struct, roots);
      if (!path) broken = true;
      else result.push({ path, item: struct, deleted: false });
    }
  });
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (!(struct instanceof Y.Item)) return;
    const path = pathOf(struct, roots);
    if (!path) broken = true;
    else result.push({ path, item: struct, deleted: true });
  });
  return broken ? null : result;
}

/** The values an item carries: those of plain JSON content, none for deleted content. */
function valuesOf(item: Y.Item): { kind: 'any' | 'deleted' | 'string' | 'format' | 'type' | 'other'; values: unknown[] } {
  const content = item.content;
  if (content instanceof Y.ContentAny) return { kind: 'any', values: content.getContent() };
  if (content instanceof Y.ContentDeleted) return { kind: 'deleted', values: [] };
  if (content instanceof Y.ContentString) return { kind: 'string', values: [] };
  if (content instanceof Y.ContentFormat) return { kind: 'format', values: [] };
  if (content instanceof Y.ContentType) return { kind: 'type', values: [content.type] };
  return { kind: 'other', values: [] };
}

const refuse = (close: CloseCode, reason: string): GateResult => ({ ok: false, close, reason });

/**
 * Whether an item holds no value any more: deleted, or sent already garbage-collected (a
 * reconnecting client re-sends overwritten values as ContentDeleted, which Yjs always integrates
 * as deleted). Its path is still checked; there is no value to check.
 */
function gone(item: Y.Item, kind: string): boolean {
  return item.deleted || kind === 'deleted';
}

/**
 * Decides whether a transaction that came from `author` may stand: every touched path must be in
 * the author's rights (DESIGN.md's table), every new value must fit the schema, and the reports
 * and needs it leaves behind must be whole. Returns the reports and needs to stamp.
 */
export function checkTransaction({ doc, transaction, author, network }: { doc: Y.Doc; transaction: Y.Transaction; author: Author; network: IncidentNetwork & { locationById: Map<string, { organisationId: string }> } }): GateResult {
  const list = touches(doc, transaction);
  if (!list) return refuse(CloseCodes.Invalid, 'an item has no parent in the document');
  const reports = new Map<string, Set<string>>();
  const needs = new Map<string, Set<string>>();
  const picture = new Set<string>();
  const areas = new Set<string>();
  let logbook = 0;
  const createdNeeds = new Set<string>();
  const isGhor = author.role === 'ghor' || author.role === 'admin';
  if (list.length > 0 && author.role === 'observer') return refuse(CloseCodes.Forbidden, 'an observer writes nothing');

  for (const touch of list) {
    if (touch.path[0] === ROOTS.needs && touch.path.length === 2 && !touch.deleted) createdNeeds.add(touch.path[1]);
  }

  for (const { path, item, deleted } of list) {
    const [root, key, field] = path;
    const content = valuesOf(item);
    switch (root) {
      case ROOTS.reports: {
        if (path.length === 2) return refuse(CloseCodes.Forbidden, 'report maps are created by the server only');
        if (path.length > 3) return refuse(CloseCodes.Invalid, 'report fields hold plain values');
        if (field === 'stamp') return refuse(CloseCodes.Forbidden, 'stamps are written by the server only');
        const check = REPORT_FIELD_CHECKS.get(field);
        if (!check) return refuse(CloseCodes.Invalid, `unknown report field ${field}`);
        const location = network.locationById.get(key);
        if (!location) return refuse(CloseCodes.Invalid, `unknown location ${key}`);
        if (!mayWrite({ root: ROOTS.reports, writer: author, owner: location.organisationId })) return refuse(CloseCodes.Forbidden, `location ${key} belongs to another organisation`);
        if (!gone(item, content.kind)) {
          if (content.kind !== 'any' || content.values.length !== 1) return refuse(CloseCodes.Invalid, `report field ${field} holds a plain value`);
          if (!check(content.values[0])) {
            return refuse(CloseCodes.Invalid, `invalid value of report field ${field}`);
          }
        }
        add(reports, key, field);
        break;
      }
      case ROOTS.needs: {
        if (path.length === 2) {
          if (deleted) return refuse(CloseCodes.Forbidden, 'needs are cancelled, never deleted');
          if (content.kind !== 'type' || !(content.values[0] instanceof Y.Map)) return refuse(CloseCodes.Invalid, 'a need is a map');
          add(needs, key, undefined);
          break;
        }
        if (path.length > 3) return refuse(CloseCodes.Invalid, 'need fields hold plain values');
        if (field === 'stamp') return refuse(CloseCodes.Forbidden, 'stamps are written by the server only');
        const check = NEED_FIELD_CHECKS.get(field);
        if (!check) return refuse(CloseCodes.Invalid, `unknown need field ${field}`);
        if (NEED_IMMUTABLE.has(field) && !createdNeeds.has(key)) return refuse(CloseCodes.Forbidden, `need field ${field} cannot change`);
        if (!mayWriteNeedField({ writer: author, field })) return refuse(CloseCodes.Forbidden, `need field ${field} is GHOR's handling`);
        if (!gone(item, content.kind)) {
          if (content.kind !== 'any' || content.values.length !== 1) return refuse(CloseCodes.Invalid, `need field ${field} holds a plain value`);
          const value = content.values[0];
          if (!check(value)) return refuse(CloseCodes.Invalid, `invalid value of need field ${field}`);
          if (field === 'status' && !mayGiveNeedStatus({ writer: author, status: value })) {
            return refuse(CloseCodes.Forbidden, 'a coordinator may only file or cancel a need');
          }
        }
        add(needs, key, field);
        break;
      }
      case ROOTS.picture: {
        if (!mayWrite({ root: ROOTS.picture, writer: author })) return refuse(CloseCodes.Forbidden, 'the situation picture is written by GHOR');
        if (path.length === 2) return refuse(CloseCodes.Forbidden, 'the picture texts are created by the server only');
        if (!isPictureText(key) || path.length !== 3) return refuse(CloseCodes.Invalid, 'unknown part of the picture');
        if (!['string', 'format', 'deleted'].includes(content.kind)) return refuse(CloseCodes.Invalid, 'the picture holds text only');
        picture.add(key);
        break;
      }
      case ROOTS.areas: {
        if (!mayWrite({ root: ROOTS.areas, writer: author })) return refuse(CloseCodes.Forbidden, 'areas are drawn by GHOR');
        if (path.length !== 2 || !/^[A-Za-z0-9_.-]{1,64}$/.test(key)) return refuse(CloseCodes.Invalid, 'an area is one GeoJSON value under an id');
        if (!gone(item, content.kind)) {
          if (content.kind !== 'any' || content.values.length !== 1) return refuse(CloseCodes.Invalid, 'an area is one GeoJSON value');
          const problem = areaProblem(content.values[0]);
          if (problem) return refuse(CloseCodes.Invalid, problem);
        }
        areas.add(key);
        break;
      }
      case ROOTS.logbook: {
        if (!mayWrite({ root: ROOTS.logbook, writer: author })) return refuse(CloseCodes.Forbidden, 'the logbook is kept by GHOR');
        if (deleted) return refuse(CloseCodes.Forbidden, 'the logbook is append-only');
        if (path.length !== 2 || content.kind !== 'any') return refuse(CloseCodes.Invalid, 'logbook entries are plain values');
        for (const entry of content.values) {
          const problem = logbookProblem(entry);
          if (problem) return refuse(CloseCodes.Invalid, problem);
          if ((entry as { by: string }).by !== author.username) return refuse(CloseCodes.Forbidden, 'a logbook entry names its own author');
        }
        logbook += content.values.length;
        break;
      }
      default:
        return refuse(CloseCodes.Invalid, `unknown root ${root}`);
    }
  }

  // Whole-need checks on what the transaction leaves behind.
  for (const id of needs.keys()) {
    const map = doc.getMap<Y.Map<unknown>>(ROOTS.needs).get(id);
    if (!(map instanceof Y.Map)) return refuse(CloseCodes.Invalid, `need ${id} is not a map`);
    const need = map.toJSON() as Record<string, unknown>;
    const problem = needProblem(need);
    if (problem) return refuse(CloseCodes.Invalid, problem);
    if (need.id !== id) return refuse(CloseCodes.Invalid, 'need id differs from its key');
    if (!network.organisations.some((o) => o.id === need.organisationId)) return refuse(CloseCodes.Invalid, 'need names an unknown organisation');
    if (need.locationId !== undefined && network.locationById.get(need.locationId as string)?.organisationId !== need.organisationId) {
      return refuse(CloseCodes.Invalid, 'need names a location of another organisation');
    }
    if (!mayWrite({ root: ROOTS.needs, writer: author, owner: need.organisationId as string })) return refuse(CloseCodes.Forbidden, 'need of another organisation');
    if (createdNeeds.has(id) && need.createdBy !== author.username) return refuse(CloseCodes.Forbidden, 'a need names its own author');
    if (createdNeeds.has(id) && !isGhor && need.status !== 'open') return refuse(CloseCodes.Forbidden, 'a new need is open');
  }
  return { ok: true, reports, needs, picture, areas, logbook };
}
