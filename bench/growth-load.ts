// A cold load of one incident in a process of its own, as after a restart: no warm code, no
// other document in memory. Run by growth.ts: `node --expose-gc --import tsx bench/growth-load.ts
// <dataDir> <incidentId> <seeks> <first ms> <last ms>`; prints its figures as one line of JSON.
import { generateDemoRegion } from '../shared/demo-region';
import { SeededRandom } from '../shared/random';
import { ReviewService } from '../server/review/review-service';
import { openLowdbStore } from '../server/store/lowdb-store';
import { DEFAULT_WRITE_BUDGET, WriteBudget } from '../server/yjs/write-budget';
import { IncidentRoom } from '../server/yjs/incident-room';
import { now, percentile } from './peers';

/** What loading and reviewing one long incident cost. */
export interface LongIncidentFigures {
  loadMs: number;
  /** Heap taken by the open room (its document), after a full collection. */
  heapMb: number;
  rssMb: number;
  indexMs: number;
  seekP50: number;
  seekMax: number;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function main(): Promise<void> {
  const [dataDir, incidentId, seeksArg, firstArg, lastArg] = process.argv.slice(2);
  const network = generateDemoRegion();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = now();
  const room = new IncidentRoom({ incidentId, dataDir, network, now: () => new Date(), log: () => {}, readOnly: () => true, budget: new WriteBudget(DEFAULT_WRITE_BUDGET, Date.now) });
  const loadMs = now() - t0;
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  room.close();

  const store = await openLowdbStore({ dataDir, log: () => {} });
  const review = new ReviewService({ store, dataDir, log: () => {} });
  const t1 = now();
  await review.events(incidentId);
  const indexMs = now() - t1;
  const random = new SeededRandom(5);
  const durations: number[] = [];
  for (let i = 0; i < Number(seeksArg); i++) {
    const at = Number(firstArg) + random.next() * (Number(lastArg) - Number(firstArg));
    const s = now();
    JSON.stringify({ data: await review.plainStateAt(incidentId, at) });
    durations.push(now() - s);
  }
  await store.close();
  const figures: LongIncidentFigures = { loadMs, heapMb, rssMb, indexMs, seekP50: percentile(durations, 50), seekMax: Math.max(...durations) };
  console.log(JSON.stringify(figures));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
