// The server's own work on one update, without the network, the load generator or the other
// servers of a run: a room in this process, a GHOR writer and 200 sockets that only note when
// they were sent to. It times each update from `receive` to the first and the last send, with
// the updates back to back ("busy") and with the room idle between them ("idle", as in the
// propagation rounds, where Zorgbeeld waits while the peers take their turn).
//
//   node --import tsx bench/room-work.ts [--rounds=N] [--pause=MS]
//
// Not a target in docs/benchmarks.md: a tool to see where the time before the first byte goes
// (docs/benchmark-notes.md, "The server's own work").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { generateDemoRegion } from '../shared/demo-region';
import { initIncidentDoc, setReport } from '../shared/incident-doc';
import { updateFrame } from '../shared/y-frames';
import { IncidentRoom, type RoomSocket } from '../server/yjs/incident-room';
import { WriteBudget } from '../server/yjs/write-budget';
import type { Author } from '../server/yjs/gate';
import { percentile } from './peers';

const option = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const rounds = option('rounds', 2000);
const pause = option('pause', 5);

const network = generateDemoRegion();
const location = network.locations[0].id;
const turnEnd = () => new Promise<void>((resolve) => setImmediate(resolve));

async function measure(idleMs: number): Promise<{ first: number[]; last: number[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zorgbeeld-room-work-'));
  const room = new IncidentRoom({ incidentId: 'inc-work', dataDir, network, now: () => new Date(), log: () => {}, readOnly: () => false, budget: new WriteBudget({ bytesPerSecond: 1e12, burstBytes: 1e12 }, Date.now) });
  await room.serverChange((doc) => initIncidentDoc(doc, network.locations.map((l) => l.id)));
  await turnEnd();
  let first = 0n;
  let last = 0n;
  const socket = (author: Author & { displayName: string }, onSend: () => void = () => {}): RoomSocket => ({ author, send: onSend, close: () => {} });
  const writer = socket({ id: 'u-ghor', username: 'ghor', displayName: 'GHOR', role: 'ghor', organisationId: null });
  room.join(writer);
  for (let i = 0; i < 200; i++) {
    room.join(socket({ id: `u-obs-${i}`, username: `observer-${i}`, displayName: 'Evaluator', role: 'observer', organisationId: null }, () => {
      last = process.hrtime.bigint();
      if (first === 0n) first = last;
    }));
  }
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
  let frame: Uint8Array | null = null;
  doc.on('update', (update: Uint8Array) => (frame = updateFrame(update)));
  const times = { first: [] as number[], last: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    setReport(doc, location, { remarks: `ronde ${i}` });
    first = 0n;
    const start = process.hrtime.bigint();
    room.receive(writer, frame!);
    await turnEnd();
    await turnEnd();
    if (first === 0n) throw new Error(`round ${i} was not sent`);
    // The first third warms the code up, as the propagation rounds do.
    if (i >= rounds / 3) {
      times.first.push(Number(first - start) / 1000);
      times.last.push(Number(last - start) / 1000);
    }
    if (idleMs > 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
  }
  room.close();
  rmSync(dataDir, { recursive: true, force: true });
  return times;
}

for (const [name, idle] of [['busy', 0], [`idle ${pause} ms between updates`, pause]] as const) {
  const { first, last } = await measure(idle);
  const f = (values: number[], p: number) => percentile(values, p).toFixed(0).padStart(5);
  console.log(`${name.padEnd(32)} receive → first send p50 ${f(first, 50)} µs, p90 ${f(first, 90)} µs · → last of 200 p50 ${f(last, 50)} µs`);
}
