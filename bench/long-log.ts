import * as Y from 'yjs';
import type { IncidentNetwork } from '../shared/incident';
import { generateDemoRegion } from '../shared/demo-region';
import { initIncidentDoc, setReport } from '../shared/incident-doc';
import { IMPACTS } from '../shared/board-schema';
import { SeededRandom } from '../shared/random';
import { IncidentLog, RecordType, encodeCheckpoint, incidentLogFile } from '../server/recorder/incident-log';
import { ReviewService } from '../server/review/review-service';
import { openLowdbStore } from '../server/store/lowdb-store';
import { DEFAULT_WRITE_BUDGET, WriteBudget } from '../server/yjs/write-budget';
import { IncidentRoom } from '../server/yjs/incident-room';
import { now } from './peers';

/**
 * A generated incident log, as the server writes one: report changes over the demo region's
 * 1,061 locations, one every `gapMs` of incident time, each an update record, with checkpoints
 * where `write` is told to put them. Used by the cold-load and the growth benchmarks.
 */
export class LongLog {
  readonly network: IncidentNetwork = generateDemoRegion();
  readonly first: number;
  time: number;
  written = 0;
  private readonly log: IncidentLog;
  private readonly doc = new Y.Doc();
  private readonly random: SeededRandom;
  private readonly bindings: Map<number, string>;
  private readonly gap: [number, number];

  constructor(
    readonly dataDir: string,
    readonly incidentId: string,
    { seed, gapMs, start }: { seed: number; gapMs: [number, number]; start: string },
  ) {
    this.random = new SeededRandom(seed);
    this.first = this.time = Date.parse(start);
    this.gap = gapMs;
    this.log = IncidentLog.open(incidentLogFile(dataDir, incidentId), () => {}).log;
    this.doc.on('update', (update: Uint8Array) => this.log.append(RecordType.update, this.time, 'u1', update));
    initIncidentDoc(this.doc, this.network.locations.map((l) => l.id));
    this.bindings = new Map([[this.doc.clientID, 'u1']]);
  }

  /** Writes changes until `until` have been written; a checkpoint after change n where `checkpointAfter(n)`. */
  write(until: number, checkpointAfter: (n: number) => boolean): void {
    const locations = this.network.locations;
    for (; this.written < until; this.written++) {
      this.time += this.random.int(this.gap[0], this.gap[1]);
      const location = locations[this.random.int(0, locations.length - 1)].id;
      setReport(this.doc, location, { impact: this.random.pick(IMPACTS), bedsFree: this.random.int(0, 40), remarks: `melding ${this.written + 1}` });
      if (checkpointAfter(this.written + 1)) this.log.append(RecordType.checkpoint, this.time, 'server', encodeCheckpoint(this.bindings, Y.encodeStateAsUpdateV2(this.doc)));
    }
  }

  /** Size of the log in MiB. */
  get mb(): number {
    return this.log.size() / 1024 / 1024;
  }

  close(): void {
    this.log.close();
    this.doc.destroy();
  }
}

/** Opens the incident's room as the server does after a restart, and how long that took. */
export function loadRoom(dataDir: string, incidentId: string, network: IncidentNetwork): { room: IncidentRoom; loadMs: number } {
  const t0 = now();
  const room = new IncidentRoom({ incidentId, dataDir, network, now: () => new Date(), log: () => {}, readOnly: () => true, budget: new WriteBudget(DEFAULT_WRITE_BUDGET, Date.now) });
  return { room, loadMs: now() - t0 };
}

/**
 * The review of the incident: building its index once (`indexMs`), then `seeks` seeks to random
 * moments between `first` and `last` as the review page makes them (the plain state at T, as
 * JSON). `more` runs on the same review before it is closed.
 */
export async function reviewSeeks(
  { dataDir, incidentId, seeks, first, last, random }: { dataDir: string; incidentId: string; seeks: number; first: number; last: number; random: SeededRandom },
  more?: (review: ReviewService) => Promise<void>,
): Promise<{ indexMs: number; durations: number[] }> {
  const store = await openLowdbStore({ dataDir, log: () => {} });
  try {
    const review = new ReviewService({ store, dataDir, log: () => {} });
    const t1 = now();
    await review.events(incidentId);
    const indexMs = now() - t1;
    const durations: number[] = [];
    for (let i = 0; i < seeks; i++) {
      const at = first + random.next() * (last - first);
      const s = now();
      JSON.stringify({ data: await review.plainStateAt(incidentId, at) });
      durations.push(now() - s);
    }
    await more?.(review);
    return { indexMs, durations };
  } finally {
    await store.close();
  }
}
