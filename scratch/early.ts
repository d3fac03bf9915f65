import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { LongLog } from '../bench/long-log';
import { RecordType, decodeCheckpoint, readLogTail } from '../server/recorder/incident-log';
import { incidentLogFile } from '../server/yjs/incident-room';
const dir = await mkdtemp(join(tmpdir(), 'early-'));
const long = new LongLog(dir, 'inc-x', { seed: 7, gapMs: [20, 400], start: '2026-03-01T10:00:00Z' });
long.write(100000, (n) => n % 1000 === 0);
long.close();
const t = (label: string, f: () => unknown) => { const s = performance.now(); const r = f(); console.log(label, (performance.now() - s).toFixed(0), 'ms'); return r; };
for (let k = 0; k < 3; k++) {
  const tail = t('read tail', () => readLogTail(incidentLogFile(dir, 'inc-x'), 4 * 1024 * 1024)) as ReturnType<typeof readLogTail>;
  const cpAt = tail.records.findLastIndex((r) => r.type === RecordType.checkpoint);
  const { stateV2 } = decodeCheckpoint(tail.records[cpAt].payload);
  const after = tail.records.slice(cpAt + 1).filter((r) => r.type === RecordType.update).map((r) => r.payload);
  console.log('checkpoint bytes', stateV2.length, 'updates after', after.length);
  const v1 = t('v2->v1', () => Y.convertUpdateFormatV2ToV1(stateV2)) as Uint8Array;
  const merged = t('merge v1 + after', () => Y.mergeUpdates([v1, ...after])) as Uint8Array;
  console.log('merged bytes', merged.length);
  t('apply v2 to doc', () => { const d = new Y.Doc(); Y.applyUpdateV2(d, stateV2); for (const u of after) Y.applyUpdate(d, u); });
  t('client applies merged', () => { const d = new Y.Doc(); Y.applyUpdate(d, merged); });
}
