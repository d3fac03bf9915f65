import { statSync } from 'node:fs';
import type * as Y from 'yjs';
import { IMPACTS, NEED_FIELD_CHECKS, REPORT_FIELD_CHECKS } from '../../shared/board-schema';
import { computeFigures } from '../../shared/board-view';
import type { Incident, IncidentNetwork } from '../../shared/incident';
import { Replay, type ReplayRecord } from '../../shared/replay';
import { ReplayIndex, toPlainAnswer, type PlainState, type PlainStateAnswer } from '../../shared/replay-index';
import { TIMELINE_TYPES, computeMetrics, type ReviewMetrics, type SeriesPoint, type TimelineEvent, type TimelineType } from '../../shared/review';
import { RecordType, decodeCheckpoint, readLogFile, incidentLogFile } from '../recorder/incident-log';
import type { Store } from '../store/store';
import type pg from 'pg';
import { PgRecorder } from '../recorder/pg-recorder';

interface Loaded {
  /** File size when last read; where reading stopped (bytes, record index): a running incident's log is read on from there. */
  size: number;
  /** The file's inode: a log rewritten on open (damaged bytes moved aside) is read again from the start. */
  inode: number;
  offset: number;
  nextIndex: number;
  replay: Replay;
  index: ReplayIndex;
  events: TimelineEvent[];
}

/** Incidents whose replay is kept in memory (about 100 MB for 100,000 updates); the least recently reviewed goes first. */
const CACHED_INCIDENTS = 4;

const decoder = new TextDecoder();

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const idOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const TIMELINE_TYPE_SET = new Set<string>(TIMELINE_TYPES);

/**
 * Only the fields a report or need can have, with plain values. A log may hold anything the gate
 * once let through (fields named `constructor` or `toString`, objects as values): the review
 * shows those as unknown instead of failing on them.
 */
function plainFields(fields: unknown, known: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(fields)) return out;
  for (const [key, value] of Object.entries(fields)) {
    if (!known.has(key)) continue;
    out[key] = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
  }
  return out;
}

/** Splits one recorded event into timeline events (a `changed` event names several things); ignores what it cannot read. */
function toTimeline(raw: Record<string, unknown>, base: Omit<TimelineEvent, 'seq' | 'type' | 'organisationId' | 'detail'>): Omit<TimelineEvent, 'seq'>[] {
  const type = raw.type;
  const own = idOrNull(raw.organisationId);
  if (type !== 'changed') {
    if (typeof type !== 'string' || !TIMELINE_TYPE_SET.has(type)) return [];
    const { type: _type, ...detail } = raw;
    return [{ ...base, type: type as TimelineType, organisationId: own, detail }];
  }
  const out: Omit<TimelineEvent, 'seq'>[] = [];
  for (const r of Array.isArray(raw.reports) ? raw.reports : []) {
    if (!isObject(r)) continue;
    out.push({ ...base, type: 'report', organisationId: idOrNull(r.organisationId), detail: { locationId: idOrNull(r.locationId), fields: plainFields(r.fields, REPORT_FIELD_CHECKS), onBehalf: raw.role === 'ghor' || raw.role === 'admin' } });
  }
  for (const n of Array.isArray(raw.needs) ? raw.needs : []) {
    if (!isObject(n)) continue;
    out.push({ ...base, type: 'need', organisationId: idOrNull(n.organisationId), detail: { needId: idOrNull(n.needId), fields: plainFields(n.fields, NEED_FIELD_CHECKS) } });
  }
  if (Array.isArray(raw.picture) && raw.picture.length > 0) out.push({ ...base, type: 'picture', organisationId: own, detail: { keys: raw.picture } });
  if (Array.isArray(raw.areas) && raw.areas.length > 0) out.push({ ...base, type: 'area', organisationId: own, detail: { areaIds: raw.areas } });
  if (typeof raw.logbook === 'number' && raw.logbook > 0) out.push({ ...base, type: 'logbook', organisationId: own, detail: { entries: raw.logbook } });
  return out;
}

/**
 * The after-action review of incidents: replay, timeline and metrics, read from the incident's
 * log. A log is read once and kept until it grows (a running incident).
 */
export class ReviewService {
  private readonly cache = new Map<string, Loaded>();

  /** `pool`: the incident logs are in PostgreSQL (read on from the last sequence number read); otherwise the files in `dataDir`. */
  constructor(private readonly deps: { store: Store; dataDir: string; log: (m: string) => void; pool?: pg.Pool }) {}

  private readonly loading = new Map<string, Promise<Loaded>>();

  /**
   * The incident's replay, read on from where the last read stopped. One read in flight per
   * incident, shared by every caller: two reads from the same offset would append the same
   * records twice.
   */
  private load(incidentId: string): Promise<Loaded> {
    let pending = this.loading.get(incidentId);
    if (!pending) {
      pending = this.read(incidentId).finally(() => this.loading.delete(incidentId));
      this.loading.set(incidentId, pending);
    }
    return pending;
  }

  private async read(incidentId: string): Promise<Loaded> {
    const file = incidentLogFile(this.deps.dataDir, incidentId);
    const pool = this.deps.pool;
    // On PostgreSQL a log only grows, record by record: its head stands for size and offset.
    const stat = pool ? undefined : statSync(file, { throwIfNoEntry: false });
    const size = pool ? (await PgRecorder.open(pool, incidentId)).head : (stat?.size ?? 0);
    const inode = stat?.ino ?? 0;
    let loaded = this.cache.get(incidentId);
    if (loaded) {
      // Most recently used last, so that the first entry is the one to evict.
      this.cache.delete(incidentId);
      this.cache.set(incidentId, loaded);
      if (loaded.size === size && loaded.inode === inode) return loaded;
    }
    if (!loaded || size < loaded.offset || inode !== loaded.inode) {
      loaded?.index.destroy();
      loaded = { size: 0, inode, offset: 0, nextIndex: 0, replay: new Replay(), index: new ReplayIndex(), events: [] };
      this.cache.set(incidentId, loaded);
      for (const [id, old] of this.cache) {
        if (this.cache.size <= CACHED_INCIDENTS) break;
        old.index.destroy();
        this.cache.delete(id);
      }
    }
    const { records, validLength, nextIndex } = pool ? await this.readShared(pool, incidentId, loaded.nextIndex) : readLogFile(file, { offset: loaded.offset, index: loaded.nextIndex });
    const users = new Map((await this.deps.store.list('users')).map((u) => [u.id, u]));
    const fresh: ReplayRecord[] = [];
    for (const record of records) {
      if (record.type === RecordType.update) {
        fresh.push({ time: record.time, kind: 'update', payload: record.payload });
      } else if (record.type === RecordType.checkpoint) {
        try {
          const { stateV2, after } = decodeCheckpoint(record.payload);
          fresh.push({ time: record.time, kind: 'checkpoint', payload: stateV2, after });
        } catch {
          this.deps.log(`review ${incidentId}: checkpoint ${record.index} cannot be read; replay uses the log around it`);
        }
      } else {
        let raw: unknown;
        try {
          raw = JSON.parse(decoder.decode(record.payload));
        } catch {
          continue;
        }
        if (!isObject(raw)) continue;
        const user = users.get(record.user);
        // Deliveries and other server events are recorded as user 'server'; name it as the system.
        const userName = user?.displayName ?? (record.user === 'server' ? 'Zorgbeeld' : record.user);
        const base = { at: new Date(record.time).toISOString(), userId: record.user, userName };
        for (const event of toTimeline(raw, base)) loaded.events.push({ ...event, seq: loaded.events.length });
      }
    }
    loaded.index.append(fresh);
    loaded.replay.append(fresh);
    loaded.offset = validLength;
    loaded.nextIndex = nextIndex;
    loaded.size = size;
    loaded.inode = inode;
    return loaded;
  }

  /** The records of a log in PostgreSQL after sequence number `after`, as {@link readLogFile} gives a file's. */
  private async readShared(pool: pg.Pool, incidentId: string, after: number): Promise<{ records: Awaited<ReturnType<PgRecorder['after']>>; validLength: number; nextIndex: number }> {
    const records = await PgRecorder.atEnd(pool, incidentId).after(after);
    const next = records.length > 0 ? records[records.length - 1].index : after;
    return { records, validLength: next, nextIndex: next };
  }

  /** Every timeline event of an incident, in order. */
  async events(incidentId: string): Promise<TimelineEvent[]> {
    return (await this.load(incidentId)).events;
  }

  /** The incident document as it was at time `t`. */
  async stateAt(incidentId: string, t: number): Promise<Y.Doc> {
    return (await this.load(incidentId)).replay.stateAt(t);
  }

  /** The board's content at T as plain values, without Yjs work. */
  async plainAt(incidentId: string, t: number): Promise<PlainState> {
    return (await this.load(incidentId)).index.plainAt(t);
  }

  /** The board at T as the API gives it: a seek in the review. */
  async plainStateAt(incidentId: string, t: number): Promise<PlainStateAnswer> {
    return toPlainAnswer(await this.plainAt(incidentId, t), t);
  }

  /** Counts over time at `points` evenly spread moments between start and end. */
  async series(incident: Incident, network: IncidentNetwork, points = 48): Promise<SeriesPoint[]> {
    const { replay, index } = await this.load(incident.id);
    const start = Date.parse(incident.startedAt);
    const end = incident.endedAt ? Date.parse(incident.endedAt) : Math.max(replay.span.end, start + 1);
    return Array.from({ length: points }, (_, i) => {
      const t = start + ((end - start) * i) / (points - 1);
      const state = index.plainAt(t);
      const figures = computeFigures({ locations: network.locations, organisations: network.organisations, reports: state.reports, needs: [...state.needs.values()] });
      const byImpact = Object.fromEntries(IMPACTS.map((i) => [i, figures.byImpact[i]])) as SeriesPoint['byImpact'];
      return {
        at: new Date(t).toISOString(),
        byImpact,
        openNeeds: figures.openNeeds.low + figures.openNeeds.high + figures.openNeeds.immediate,
        bedsFree: figures.bedsFree,
        canReceive: figures.canReceive,
      };
    });
  }

  /** The review metrics of an incident. */
  async metrics(incident: Incident, network: IncidentNetwork): Promise<ReviewMetrics> {
    return computeMetrics({ incident, organisations: network.organisations, events: await this.events(incident.id) });
  }
}
