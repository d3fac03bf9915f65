import * as Y from 'yjs';
import { PICTURE_TEXTS, isPictureText, type AreaFeature, type LogbookEntry, type Need, type PictureText, type Report } from './board-schema';
import { areasRoot, logbookRoot, needsRoot, pictureRoot, reportsRoot, sortNeeds } from './incident-doc';
import { lastAtOrBefore, type ReplayRecord } from './replay';

/** The board's content at one moment as plain values: what the review shows and exports. */
export interface PlainState {
  /** Reports that hold at least one field, by location. */
  reports: Map<string, Report>;
  needs: Map<string, Need>;
  picture: Record<PictureText, string>;
  areas: Map<string, AreaFeature>;
  logbook: readonly LogbookEntry[];
}

/** The board at one moment as the state API answers it (`format=json`). */
export interface PlainStateAnswer {
  at: string;
  reports: Record<string, Report>;
  /** Newest first. */
  needs: Need[];
  picture: Record<PictureText, string>;
  areas: Record<string, AreaFeature>;
  logbook: readonly LogbookEntry[];
}

/** The API's form of a plain state at time `t` (ms). */
export function toPlainAnswer(state: PlainState, t: number): PlainStateAnswer {
  return {
    at: new Date(t).toISOString(),
    reports: Object.fromEntries(state.reports),
    needs: sortNeeds([...state.needs.values()]),
    picture: state.picture,
    areas: Object.fromEntries(state.areas),
    logbook: state.logbook,
  };
}

/** One step of a text: Yjs's delta format, reduced to what the picture uses (strings only). */
type TextStep = { retain: number } | { delete: number } | { insert: string };

/** What one record changed, with the new plain values (undefined: the item is gone). */
type Change =
  | { root: 'reports'; key: string; value: Report | undefined }
  | { root: 'needs'; key: string; value: Need | undefined }
  | { root: 'areas'; key: string; value: AreaFeature | undefined }
  | { root: 'picture'; key: PictureText; text: string }
  | { root: 'picture'; key: PictureText; steps: TextStep[] }
  | { root: 'logbook'; entries: readonly LogbookEntry[] };

/** A full copy of the state is kept after every this many records; a seek folds at most as many changes. */
const SNAPSHOT_EVERY = 500;

function emptyState(): PlainState {
  return {
    reports: new Map(),
    needs: new Map(),
    picture: Object.fromEntries(PICTURE_TEXTS.map((k) => [k, ''])) as Record<PictureText, string>,
    areas: new Map(),
    logbook: [],
  };
}

/** Copies the containers; the values inside are never changed in place, so they are shared. */
function copyState(state: PlainState): PlainState {
  return { reports: new Map(state.reports), needs: new Map(state.needs), picture: { ...state.picture }, areas: new Map(state.areas), logbook: state.logbook };
}

function applySteps(text: string, steps: readonly TextStep[]): string {
  let out = '';
  let at = 0;
  for (const step of steps) {
    if ('retain' in step) {
      out += text.slice(at, at + step.retain);
      at += step.retain;
    } else if ('delete' in step) {
      at += step.delete;
    } else {
      out += step.insert;
    }
  }
  return out + text.slice(at);
}

function fold(state: PlainState, change: Change): void {
  switch (change.root) {
    case 'reports':
    case 'needs':
    case 'areas': {
      const map = state[change.root] as Map<string, unknown>;
      if (change.value === undefined) map.delete(change.key);
      else map.set(change.key, change.value);
      return;
    }
    case 'picture':
      state.picture[change.key] = 'text' in change ? change.text : applySteps(state.picture[change.key], change.steps);
      return;
    case 'logbook':
      state.logbook = change.entries;
      return;
    default: {
      const never: never = change;
      throw new Error(`unknown change ${JSON.stringify(never)}`);
    }
  }
}

/** The first-level key an event under a root map concerns, or the keys it changed on the root itself. */
function touchedKeys(event: Y.YEvent<any>, root: unknown): string[] {
  if (event.target === root) return [...event.keys.keys()];
  const first = event.path[0];
  return typeof first === 'string' ? [first] : [];
}

/**
 * The plain state of a recorded session at any moment, for seeking in the review. The log is
 * walked once (and extended as it grows); each record's changes are kept as new plain values,
 * with a full copy every few hundred records. A seek copies the nearest copy and folds the
 * changes after it: no Yjs work, so its cost does not grow with the session's length. Applying
 * a Yjs checkpoint instead costs time in proportion to every value ever overwritten.
 * Pure: it only reads the records it is given.
 */
export class ReplayIndex {
  private readonly doc = new Y.Doc();
  private readonly times: number[] = [];
  private readonly changes: (Change[] | null)[] = [];
  private readonly snapshots: PlainState[] = [];
  /** Record index after which each snapshot was taken. */
  private readonly snapshotAt: number[] = [];
  private readonly current = emptyState();
  private collected: Change[] = [];

  constructor(records: readonly ReplayRecord[] = []) {
    const reports = reportsRoot(this.doc);
    const needs = needsRoot(this.doc);
    const areas = areasRoot(this.doc);
    const picture = pictureRoot(this.doc);
    const logbook = logbookRoot(this.doc);

    // Values are read after the whole transaction (observeDeep runs at its end), once per key.
    reports.observeDeep((events) => {
      for (const key of new Set(events.flatMap((e) => touchedKeys(e, reports)))) {
        const map = reports.get(key);
        this.collected.push({ root: 'reports', key, value: map instanceof Y.Map && map.size > 0 ? (map.toJSON() as Report) : undefined });
      }
    });
    needs.observeDeep((events) => {
      for (const key of new Set(events.flatMap((e) => touchedKeys(e, needs)))) {
        const map = needs.get(key);
        this.collected.push({ root: 'needs', key, value: map instanceof Y.Map ? (map.toJSON() as Need) : undefined });
      }
    });
    areas.observeDeep((events) => {
      for (const key of new Set(events.flatMap((e) => touchedKeys(e, areas)))) this.collected.push({ root: 'areas', key, value: areas.get(key) });
    });
    picture.observeDeep((events) => {
      const replaced = new Set(events.filter((e) => e.target === picture).flatMap((e) => touchedKeys(e, picture)));
      for (const key of replaced) if (isPictureText(key)) this.collected.push({ root: 'picture', key, text: picture.get(key)?.toString() ?? '' });
      for (const event of events) {
        const key = event.path[0];
        if (event.target === picture || !isPictureText(key) || replaced.has(key)) continue;
        const steps: TextStep[] = [];
        let plain = true;
        for (const op of event.delta) {
          if (op.retain !== undefined) steps.push({ retain: op.retain });
          else if (op.delete !== undefined) steps.push({ delete: op.delete });
          else if (typeof op.insert === 'string') steps.push({ insert: op.insert });
          else plain = false;
        }
        // The gate lets only strings into the picture; anything else is kept as the whole text.
        this.collected.push(plain ? { root: 'picture', key, steps } : { root: 'picture', key, text: String(event.target) });
      }
    });
    logbook.observeDeep(() => {
      this.collected.push({ root: 'logbook', entries: logbook.toArray() });
    });
    this.append(records);
  }

  /** Number of records read so far. */
  get length(): number {
    return this.times.length;
  }

  /** Reads further records of the same session (a running incident's log grows). */
  append(records: readonly ReplayRecord[]): void {
    for (const record of records) {
      if (record.time < (this.times[this.times.length - 1] ?? -Infinity)) throw new Error('records must be in time order');
      this.collected = [];
      // Checkpoints repeat what the updates before them did; walking every update is enough.
      if (record.kind === 'update') Y.applyUpdate(this.doc, record.payload);
      for (const change of this.collected) fold(this.current, change);
      this.times.push(record.time);
      this.changes.push(this.collected.length > 0 ? this.collected : null);
      if (this.times.length % SNAPSHOT_EVERY === 0) {
        this.snapshots.push(copyState(this.current));
        this.snapshotAt.push(this.times.length - 1);
      }
    }
    this.collected = [];
  }

  /** The board's content as it was at time `t` (ms). The caller owns the returned containers. */
  plainAt(t: number): PlainState {
    const last = lastAtOrBefore(this.times, t);
    const nearest = lastAtOrBefore(this.snapshotAt, last);
    const state = nearest >= 0 ? copyState(this.snapshots[nearest]) : emptyState();
    for (let i = nearest >= 0 ? this.snapshotAt[nearest] + 1 : 0; i <= last; i++) for (const change of this.changes[i] ?? []) fold(state, change);
    return state;
  }

  /** Frees the Yjs document behind the index. */
  destroy(): void {
    this.doc.destroy();
  }
}
