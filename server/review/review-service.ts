import { statSync } from 'node:fs';
import type * as Y from 'yjs';
import { IMPACTS, type Need, type Report } from '../../shared/board-schema';
import { computeFigures } from '../../shared/board-view';
import type { Incident, IncidentNetwork } from '../../shared/incident';
import { readNeeds, readPicture, readReports } from '../../shared/incident-doc';
import { Replay, type ReplayRecord } from '../../shared/replay';
import { computeMetrics, type ReviewMetrics, type SeriesPoint, type TimelineEvent, type TimelineType } from '../../shared/review';
import { RecordType, decodeCheckpoint, readLogFile } from '../recorder/incident-log';
import type { Store } from '../store/store';
import { incidentLogFile } from '../yjs/incident-room';
import type { Rooms } from '../yjs/rooms';

interface Loaded {
  size: number;
  replay: Replay;
  events: TimelineEvent[];
}

const decoder = new TextDecoder();

/** Splits one recorded event into timeline events (a `changed` event names several things). */
function toTimeline(raw: Record<string, unknown>, base: Omit<TimelineEvent, 'seq' | 'type' | 'organisationId' | 'detail'>): Omit<TimelineEvent, 'seq'>[] {
  const type = raw.type as string;
  const own = (raw.organisationId as string | null | undefined) ?? null;
  if (type !== 'changed') {
    const { type: _type, ...detail } = raw;
    return [{ ...base, type: type as TimelineType, organisationId: own, detail }];
  }
  const out: Omit<TimelineEvent, 'seq'>[] = [];
  for (const r of (raw.reports as { locationId: string; organisationId: string | null; fields: object }[]) ?? []) {
    out.push({ ...base, type: 'report', organisationId: r.organisationId, detail: { locationId: r.locationId, fields: r.fields, onBehalf: raw.role === 'ghor' || raw.role === 'admin' } });
  }
  for (const n of (raw.needs as { needId: string; organisationId: string | null; fields: object }[]) ?? []) {
    out.push({ ...base, type: 'need', organisationId: n.organisationId, detail: { needId: n.needId, fields: n.fields } });
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

  constructor(private readonly deps: { store: Store; rooms: Rooms; dataDir: string; log: (m: string) => void }) {}

  private async load(incidentId: string): Promise<Loaded> {
    const file = incidentLogFile(this.deps.dataDir, incidentId);
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    const cached = this.cache.get(incidentId);
    if (cached && cached.size === size) return cached;
    const { records } = readLogFile(file);
    const users = new Map((await this.deps.store.list('users')).map((u) => [u.id, u]));
    const replayRecords: ReplayRecord[] = [];
    const events: TimelineEvent[] = [];
    for (const record of records) {
      if (record.type === RecordType.update) {
        replayRecords.push({ time: record.time, kind: 'update', payload: record.payload });
      } else if (record.type === RecordType.checkpoint) {
        try {
          replayRecords.push({ time: record.time, kind: 'checkpoint', payload: decodeCheckpoint(record.payload).stateV2 });
        } catch {
          this.deps.log(`review ${incidentId}: checkpoint ${record.index} cannot be read; replay uses the log around it`);
        }
      } else {
        let raw: Record<string, unknown>;
        try {
          raw = JSON.parse(decoder.decode(record.payload)) as Record<string, unknown>;
        } catch {
          continue;
        }
        const user = users.get(record.user);
        const base = { at: new Date(record.time).toISOString(), userId: record.user, userName: user?.displayName ?? record.user };
        for (const event of toTimeline(raw, base)) events.push({ ...event, seq: events.length });
      }
    }
    const loaded = { size, replay: new Replay(replayRecords), events };
    this.cache.set(incidentId, loaded);
    return loaded;
  }

  /** Every timeline event of an incident, in order. */
  async events(incidentId: string): Promise<TimelineEvent[]> {
    return (await this.load(incidentId)).events;
  }

  /** The incident document as it was at time `t`. */
  async stateAt(incidentId: string, t: number): Promise<Y.Doc> {
    return (await this.load(incidentId)).replay.stateAt(t);
  }

  /** The document at T as plain data. */
  async plainStateAt(incidentId: string, t: number): Promise<{ at: string; reports: Record<string, Report>; needs: Need[]; picture: Record<string, string>; areas: unknown; logbook: unknown[] }> {
    const doc = await this.stateAt(incidentId, t);
    const state = {
      at: new Date(t).toISOString(),
      reports: Object.fromEntries(readReports(doc)),
      needs: readNeeds(doc),
      picture: readPicture(doc),
      areas: doc.getMap('areas').toJSON(),
      logbook: doc.getArray('logbook').toJSON(),
    };
    doc.destroy();
    return state;
  }

  /** Counts over time at `points` evenly spread moments between start and end. */
  async series(incident: Incident, network: IncidentNetwork, points = 48): Promise<SeriesPoint[]> {
    const { replay } = await this.load(incident.id);
    const start = Date.parse(incident.startedAt);
    const end = incident.endedAt ? Date.parse(incident.endedAt) : Math.max(replay.span.end, start + 1);
    const times = Array.from({ length: points }, (_, i) => start + ((end - start) * i) / (points - 1));
    return replay.sample(times, (doc, t) => {
      const figures = computeFigures({ locations: network.locations, organisations: network.organisations, reports: readReports(doc), needs: readNeeds(doc) });
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
