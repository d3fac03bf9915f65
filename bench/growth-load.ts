// A cold load of one incident in a process of its own, as after a restart: no warm code, no
// other document in memory. Run by growth.ts: `node --expose-gc --import tsx bench/growth-load.ts
// <dataDir> <incidentId> <seeks> <first ms> <last ms>`; prints its figures as one line of JSON.
import { generateDemoRegion } from '../shared/demo-region';
import { SeededRandom } from '../shared/random';
import { loadRoom, reviewSeeks } from './long-log';
import { percentile } from './peers';

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
  const { room, loadMs } = loadRoom(dataDir, incidentId, network);
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  room.close();
  const { indexMs, durations } = await reviewSeeks({ dataDir, incidentId, seeks: Number(seeksArg), first: Number(firstArg), last: Number(lastArg), random: new SeededRandom(5) });
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
