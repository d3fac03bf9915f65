import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { generateDemoRegion } from '../shared/demo-region';
import { initIncidentDoc, setReport } from '../shared/incident-doc';
import { IMPACTS } from '../shared/board-schema';
import { SeededRandom } from '../shared/random';
import { DEFAULT_WRITE_BUDGET, WriteBudget } from '../server/yjs/write-budget';
import { IncidentLog, RecordType, encodeCheckpoint } from '../server/recorder/incident-log';
import { ReviewService } from '../server/review/review-service';
import { openLowdbStore } from '../server/store/lowdb-store';
import { IncidentRoom, incidentLogFile } from '../server/yjs/incident-room';
import { now, percentile } from './peers';

/** Result of loading and seeking a long session. */
export interface ColdLoadResult {
  updates: number;
  logMb: number;
  loadMs: number;
  indexMs: number;
  seekP50: number;
  seekP99: number;
  seekMax: number;
  /** Seeks that build the Yjs document at T (the binary state API). */
  yjsSeekP50: number;
  yjsSeekMax: number;
}

/**
 * Writes a log of `updates` report changes over 1061 locations (checkpoints every 1000, as the
 * server does), then measures a cold room load and replay seeks to random moments.
 */
export async function coldLoad({ updates = 100000, seeks = 50 }: { updates?: number; seeks?: number } = {}): Promise<ColdLoadResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'zorgbeeld-cold-'));
  try {
    const network = generateDemoRegion();
    const incidentId = 'inc-bench';
    const file = incidentLogFile(dataDir, incidentId);
    const { log } = IncidentLog.open(file, () => {});
    const doc = new Y.Doc();
    const random = new SeededRandom(7);
    let time = Date.parse('2026-03-01T10:00:00Z');
    doc.on('update', (update: Uint8Array) => log.append(RecordType.update, time, 'u1', update));
    initIncidentDoc(doc, network.locations.map((l) => l.id));
    const bindings = new Map([[doc.clientID, 'u1']]);
    for (let i = 1; i <= updates; i++) {
      time += random.int(20, 400);
      const location = network.locations[random.int(0, network.locations.length - 1)].id;
      setReport(doc, location, { impact: random.pick(IMPACTS), bedsFree: random.int(0, 40), remarks: `melding ${i}` });
      if (i % 1000 === 0) log.append(RecordType.checkpoint, time, 'server', encodeCheckpoint(bindings, Y.encodeStateAsUpdateV2(doc)));
    }
    const logMb = log.size() / 1024 / 1024;
    log.close();

    const t0 = now();
    const room = new IncidentRoom({ incidentId, dataDir, network, now: () => new Date(), log: () => {}, readOnly: () => true, budget: new WriteBudget(DEFAULT_WRITE_BUDGET, Date.now) });
    const loadMs = now() - t0;
    room.close();

    // The review reads the log once into its index; a seek is then what the state API does for the
    // review page: the plain state at T, serialised as JSON.
    const store = await openLowdbStore({ dataDir, log: () => {} });
    const review = new ReviewService({ store, dataDir, log: () => {} });
    const t1 = now();
    await review.events(incidentId);
    const indexMs = now() - t1;
    const end = time;
    const start = Date.parse('2026-03-01T10:00:00Z');
    const durations: number[] = [];
    for (let i = 0; i < seeks; i++) {
      const at = start + random.next() * (end - start);
      const s = now();
      JSON.stringify({ data: await review.plainStateAt(incidentId, at) });
      durations.push(now() - s);
    }
    // The Yjs state at T (the binary form of the same API): the nearest checkpoint plus the updates after it.
    const yjsDurations: number[] = [];
    for (let i = 0; i < Math.ceil(seeks / 3); i++) {
      const at = start + random.next() * (end - start);
      const s = now();
      const state = await review.stateAt(incidentId, at);
      Y.encodeStateAsUpdate(state);
      yjsDurations.push(now() - s);
      state.destroy();
    }
    await store.close();
    return {
      updates,
      logMb,
      loadMs,
      indexMs,
      seekP50: percentile(durations, 50),
      seekP99: percentile(durations, 99),
      seekMax: Math.max(...durations),
      yjsSeekP50: percentile(yjsDurations, 50),
      yjsSeekMax: Math.max(...yjsDurations),
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
