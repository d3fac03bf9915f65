import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { RecordType, encodeCheckpoint, type NewRecord } from '../server/recorder/incident-log';
import { PgRecorder } from '../server/recorder/pg-recorder';
import { FileRecorder, HeadMoved, type IncidentRecorder } from '../server/recorder/recorder';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateFromRecorder } from '../server/recorder/replay-state';
import { migrate } from '../server/store/migrate';
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from './helpers/test-store';

/** A migrated database with a random name, dropped when the test ends, and a pool on it. */
async function database(): Promise<pg.Pool> {
  const name = `zorgbeeld_test_${randomBytes(6).toString('hex')}`;
  await createTestDatabase(name);
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(name), max: 4 });
  // Dropping the database ends connections the pool may still be closing; that is not a failure.
  pool.on('error', () => {});
  onTestFinished(async () => {
    await pool.end();
    await dropTestDatabase(name);
  });
  await migrate(pool, () => {});
  return pool;
}

const event = (time: number, what: string): NewRecord => ({ type: RecordType.event, time, user: 'u1', payload: new TextEncoder().encode(JSON.stringify({ type: what })) });

/** The records of `n` changes of one document, a checkpoint after every `every`. */
function scripted(n: number, every: number): { records: NewRecord[]; doc: Y.Doc } {
  const doc = new Y.Doc();
  const records: NewRecord[] = [];
  doc.on('update', (update: Uint8Array) => records.push({ type: RecordType.update, time: records.length, user: 'u1', payload: update }));
  for (let i = 0; i < n; i++) {
    doc.getMap('reports').set(`k${i % 5}`, i);
    if ((i + 1) % every === 0) records.push({ type: RecordType.checkpoint, time: records.length, user: 'server', payload: encodeCheckpoint(new Map([[doc.clientID, 'u1']]), Y.encodeStateAsUpdateV2(doc)) });
  }
  return { records, doc };
}

/** A recorder of each kind, empty, closed and removed when the test ends. */
const RECORDERS = [
  [
    'file',
    async (): Promise<IncidentRecorder> => {
      const dir = await mkdtemp(join(tmpdir(), 'zorgbeeld-recorder-'));
      const recorder = FileRecorder.open(join(dir, 'log.zbl'), () => {});
      onTestFinished(async () => {
        await recorder.close();
        await rm(dir, { recursive: true, force: true });
      });
      return recorder;
    },
  ],
  ['PostgreSQL', async (): Promise<IncidentRecorder> => PgRecorder.open(await database(), 'inc-1')],
] as const;

// The contract both implementations keep.
describe.each(RECORDERS)('an incident log in a %s recorder', (_kind, open) => {
  it('keeps records in one order, and reads them after any record or from a checkpoint', async () => {
    const recorder = await open();
    expect(recorder.head).toBe(0);
    const { records, doc } = scripted(25, 10);
    expect(await recorder.append(records, 0)).toBe(records.length);
    const all = await recorder.after(0);
    expect(all.map((r) => r.index)).toEqual(records.map((_, i) => i + 1));
    expect(all.map((r) => [r.type, r.time, r.user, [...r.payload]])).toEqual(records.map((r) => [r.type, r.time, r.user, [...r.payload]]));
    expect(records).toHaveLength(27);
    expect((await recorder.after(20)).map((r) => r.index)).toEqual([21, 22, 23, 24, 25, 26, 27]);
    const last = await recorder.fromCheckpoint(0);
    expect(last.complete).toBe(false);
    expect(last.records[0].type).toBe(RecordType.checkpoint);
    expect(last.records).toHaveLength(6);
    expect((await recorder.fromCheckpoint(1)).records[0].index).toBe(11);
    expect((await recorder.fromCheckpoint(2)).complete).toBe(true);
    expect((await stateFromRecorder(recorder, () => {})).doc.getMap('reports').toJSON()).toEqual(doc.getMap('reports').toJSON());
  });

  it('refuses an append that would leave a gap or name an old record', async () => {
    const recorder = await open();
    await recorder.append([event(1, 'a'), event(2, 'b')], 0);
    await expect(recorder.append([event(3, 'gap')], 5)).rejects.toEqual(new HeadMoved(2));
    await expect(recorder.append([event(3, 'old')], 1)).rejects.toBeInstanceOf(HeadMoved);
    expect((await recorder.after(0)).map((r) => r.index)).toEqual([1, 2]);
  });

  it('falls back to the checkpoint before when the last one cannot be read, and loses nothing', async () => {
    const recorder = await open();
    const { records, doc } = scripted(35, 10);
    const last = records.findLastIndex((r) => r.type === RecordType.checkpoint);
    await recorder.append(
      records.map((r, i) => (i === last ? { ...r, payload: new Uint8Array([0xff, 0xff, 0xff, 0x01]) } : r)),
      0,
    );
    const warnings: string[] = [];
    const state = await stateFromRecorder(recorder, (m) => warnings.push(m));
    expect(state.doc.getMap('reports').toJSON()).toEqual(doc.getMap('reports').toJSON());
    expect(state.updatesSinceCheckpoint).toBe(15);
    expect(warnings).toEqual([expect.stringContaining('falling back to the one before')]);
  });
});

describe('an incident log in PostgreSQL, written by several servers', () => {
  it('keeps each incident apart', async () => {
    const pool = await database();
    await (await PgRecorder.open(pool, 'inc-1')).append([event(1, 'a')], 0);
    expect((await PgRecorder.open(pool, 'inc-2')).head).toBe(0);
    expect((await PgRecorder.open(pool, 'inc-1')).head).toBe(1);
  });

  it('lets one of two servers appending after the same record win; the other reads what it missed and goes after it', async () => {
    const pool = await database();
    const a = await PgRecorder.open(pool, 'inc-1');
    const b = await PgRecorder.open(pool, 'inc-1');
    await a.append([event(1, 'opened')], 0);
    // Both think the log ends at record 1.
    const results = await Promise.allSettled([a.append([event(2, 'from A'), event(3, 'from A')], 1), b.append([event(2, 'from B')], 1)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(HeadMoved);
    const loser = won[0] === results[0] ? b : a;
    const head = (lost[0].reason as HeadMoved).head;
    const missed = await loser.after(1);
    expect(missed.at(-1)?.index).toBe(head);
    await loser.append([event(9, 'after catching up')], head);
    const order = (await a.after(0)).map((r) => r.index);
    expect(order).toEqual(order.map((_, i) => i + 1));
  });

  it('writes a turn’s records with their values written into the statement exactly as given', async () => {
    const pool = await database();
    const a = await PgRecorder.open(pool, 'inc-1');
    const b = await PgRecorder.open(pool, 'inc-1');
    const every = new Uint8Array(256).map((_, i) => i);
    const awkward: NewRecord[] = [
      { type: RecordType.update, time: 1764700000123.5, user: "o'neill \\ \"quoted\" é", payload: every },
      { type: RecordType.event, time: 2, user: 'u1', payload: new Uint8Array() },
    ];
    await a.append([event(1, 'opened')], 0);
    // B appends behind A's back: A's turn reads it first, then writes after it.
    await b.append([event(5, 'from B')], 1);
    let missed: number[] = [];
    const head = await a.turn((records) => {
      missed = records.map((r) => r.index);
      return awkward;
    });
    expect(missed).toEqual([2]);
    expect(head).toBe(4);
    const read = await b.after(2);
    expect(read.map((r) => ({ type: r.type, time: r.time, user: r.user, payload: [...r.payload] }))).toEqual(awkward.map((r) => ({ type: r.type, time: r.time, user: r.user, payload: [...r.payload] })));
    // A turn that writes nothing leaves the head where it was.
    expect(await a.turn(() => [])).toBe(4);
  });
});
