import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { generateDemoRegion } from '../shared/demo-region';
import { initIncidentDoc, setReport } from '../shared/incident-doc';
import { updateFrame } from '../shared/y-frames';
import { IncidentRoom, type RoomSocket } from '../server/yjs/incident-room';
import { DEFAULT_WRITE_BUDGET, WriteBudget } from '../server/yjs/write-budget';
const dir = await mkdtemp(join(tmpdir(), 'micro-'));
const network = generateDemoRegion();
const room = new IncidentRoom({ incidentId: 'inc-micro', dataDir: dir, network, now: () => new Date(), log: () => {}, readOnly: () => false, budget: new WriteBudget({ ...DEFAULT_WRITE_BUDGET, bytesPerSecond: 1e9 } as never, Date.now) });
await room.serverChange((doc) => initIncidentDoc(doc, network.locations.map((l) => l.id)));
const roomDoc = (room as unknown as { doc: Y.Doc }).doc;
let firstSend = 0;
const author = { id: 'u-ghor', username: 'ghor', role: 'ghor' as const, organisationId: null, displayName: 'GHOR' };
const sockets: RoomSocket[] = Array.from({ length: 200 }, (_, i) => ({ author: { ...author, id: `u-obs${i}`, role: 'observer' as never }, send: () => { if (!firstSend) firstSend = performance.now(); }, close: (c) => console.log('closed', c) }));
const writer: RoomSocket = { author, send: () => {}, close: (c) => console.log('writer closed', c) };
for (const s of [writer, ...sockets]) room.join(s);
const client = new Y.Doc();
Y.applyUpdate(client, Y.encodeStateAsUpdate(roomDoc));
let pending: Uint8Array | null = null;
client.on('update', (u: Uint8Array, origin: unknown) => { if (origin !== 'remote') pending = u; });
const pre: number[] = []; const whole: number[] = [];
for (let i = 0; i < 6000; i++) {
  setReport(client, network.locations[i % 50].id, { remarks: `r ${i}` });
  const frame = updateFrame(pending!);
  firstSend = 0;
  const t0 = performance.now();
  room.receive(writer, frame);
  const t1 = performance.now();
  if (i >= 1000) { pre.push(firstSend - t0); whole.push(t1 - t0); }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] * 1000;
console.log('pre-broadcast µs p50', med(pre).toFixed(0), 'whole receive µs p50', med(whole).toFixed(0));
room.close();
