import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateDemoRegion } from '../shared/demo-region';
import { initIncidentDoc, readReport, setReport } from '../shared/incident-doc';
import { Replay } from '../shared/replay';
import { updateFrame } from '../shared/y-frames';
import { RecordType, checkpointReplayStart, decodeCheckpoint, encodeCheckpoint, readLogFile, incidentLogFile, type LogRecord } from '../server/recorder/incident-log';
import { AwayCheckpoints, checkpointTag, checkpointWorker, type CheckpointJob } from '../server/yjs/checkpoint-worker';
import { IncidentRoom, type RoomSocket } from '../server/yjs/incident-room';
import { replayFromCheckpoint, replayRecords, storedState } from '../server/recorder/replay-state';
import { WriteBudget } from '../server/yjs/write-budget';
import { waitFor } from './helpers/wait-for';

// Checkpoints of the embedded mode are built on a thread of their own and written when ready,
// after the updates recorded meanwhile (docs/architecture.md, "Checkpoints"). Every reader of a
// log must then apply those updates too.

const json = (doc: Y.Doc) => doc.getMap('reports').toJSON();

/** Updates of one document as the log holds them, and the state after each. */
function history(n: number): { updates: Uint8Array[]; states: Uint8Array[]; docs: unknown[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const states: Uint8Array[] = [];
  const docs: unknown[] = [];
  initIncidentDoc(doc, ['a', 'b', 'c']);
  for (let i = 0; i < n; i++) {
    // Other devices now and then, as in a long incident.
    if (i % 3 === 0) doc.clientID = 1000 + i;
    setReport(doc, ['a', 'b', 'c'][i % 3], { remarks: `melding ${i}`, bedsFree: i });
    states.push(Y.encodeStateAsUpdateV2(doc));
    docs.push(json(doc));
  }
  return { updates, states, docs };
}

const record = (type: number, time: number, payload: Uint8Array): LogRecord => ({ type, time, user: 'u1', payload, index: time }) as LogRecord;
const event = (time: number) => record(RecordType.event, time, new TextEncoder().encode('{"type":"joined"}'));

describe('a checkpoint written after the updates it does not hold', () => {
  // updates[0] is the board's start; updates[i] the i-th change. The checkpoint holds the state
  // after change 6 and is written after change 10, with events between: it lacks 4 updates.
  const { updates, states, docs } = history(12);
  const records: LogRecord[] = [];
  let time = 1;
  for (let i = 0; i <= 10; i++) {
    records.push(record(RecordType.update, time++, updates[i]));
    if (i % 4 === 0) records.push(event(time++));
  }
  const checkpointTime = time++;
  records.push(record(RecordType.checkpoint, checkpointTime, encodeCheckpoint(new Map([[1000, 'u1']]), states[5], 4)));
  records.push(record(RecordType.update, time++, updates[11]));
  records.push(record(RecordType.update, time++, updates[12]));
  const whole = docs[11];

  it('says how many it lacks, and a replay starts at the first of them', () => {
    const at = records.findIndex((r) => r.type === RecordType.checkpoint);
    expect(decodeCheckpoint(records[at].payload).after).toBe(4);
    const start = checkpointReplayStart(records, at, 4);
    expect(records.slice(start, at).filter((r) => r.type === RecordType.update)).toHaveLength(4);
    expect(records[start].payload).toBe(updates[7]);
    expect(checkpointReplayStart(records, at, 0)).toBe(at + 1);
    // Fewer records than it names: no start.
    expect(checkpointReplayStart(records.slice(at - 3), 3, 4)).toBe(-1);
  });

  it('loading, the stored state for a joining client and the review all give the whole board', () => {
    const replayed = replayRecords(records, () => {});
    expect(json(replayed.doc)).toEqual(whole);
    expect(replayed.updatesSinceCheckpoint).toBe(6);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, storedState(records)!.update);
    expect(json(stored)).toEqual(whole);
    const replay = new Replay(records.filter((r) => r.type !== RecordType.event).map((r) => (r.type === RecordType.update ? { time: r.time, kind: 'update' as const, payload: r.payload } : { time: r.time, kind: 'checkpoint' as const, payload: decodeCheckpoint(r.payload).stateV2, after: decodeCheckpoint(r.payload).after })));
    expect(json(replay.stateAt(checkpointTime))).toEqual(docs[9]);
    expect(json(replay.stateAt(time))).toEqual(whole);
    // Before the checkpoint was written, the review cannot use it, and needs not.
    expect(json(replay.stateAt(checkpointTime - 1))).toEqual(docs[9]);
  });

  it('the end of a log that does not reach back to those updates is read further, not trusted', () => {
    const at = records.findIndex((r) => r.type === RecordType.checkpoint);
    expect(replayFromCheckpoint(records.slice(at - 2), () => {}, false)).toBeNull();
    expect(json(replayFromCheckpoint(records.slice(at - 8), () => {}, false)!.doc)).toEqual(whole);
  });

  it('one that names more updates than the whole log holds counts as damaged: the log before it serves', () => {
    const broken = records.map((r) => (r.type === RecordType.checkpoint ? { ...r, payload: encodeCheckpoint(new Map(), states[5], 400) } : r));
    const warnings: string[] = [];
    expect(json(replayRecords(broken, (m) => warnings.push(m)).doc)).toEqual(whole);
    expect(warnings.join()).toMatch(/cannot be read/);
  });
});

describe('the checkpoint thread', () => {
  const job = (room: number, base: number, stateV2: Uint8Array | null, updates: Uint8Array[]): CheckpointJob => ({ room, base, tag: checkpointTag(), stateV2, updates });
  const garbage = new Uint8Array([255, 255, 255, 255, 1]);
  const same = (state: Uint8Array, expectedV2: Uint8Array) => {
    const built = new Y.Doc();
    Y.applyUpdateV2(built, state);
    const expected = new Y.Doc();
    Y.applyUpdateV2(expected, expectedV2);
    expect(json(built)).toEqual(json(expected));
    expect(Y.encodeStateVector(built)).toEqual(Y.encodeStateVector(expected));
  };

  it('builds the same state the document holds, and keeps its copy for the room’s next one', async () => {
    const { updates, states } = history(40);
    const room = checkpointTag();
    const first = job(room, checkpointTag(), states[19], updates.slice(21, 31));
    same(await checkpointWorker.encode(first), states[29]);
    // Built on the copy it kept: the state it is given is not read.
    const next = job(room, first.tag, garbage, updates.slice(31));
    same(await checkpointWorker.encode(next), states[39]);
    // Another base than the copy's: built from the state given, which here cannot be read.
    await expect(checkpointWorker.encode(job(room, checkpointTag(), garbage, []))).rejects.toThrow();
    // Once the room is gone, so is its copy.
    const again = job(room, checkpointTag(), states[19], updates.slice(21));
    same(await checkpointWorker.encode(again), states[39]);
    checkpointWorker.forget(room);
    await expect(checkpointWorker.encode(job(room, again.tag, garbage, []))).rejects.toThrow();
  });

  it('runs behind the event loop: its thread has the lowest priority, the thread that serves the board does not', async () => {
    await checkpointWorker.encode(job(checkpointTag(), checkpointTag(), null, history(2).updates));
    // Field 19 of a thread's stat (the 17th after the name) is its nice value (proc(5)).
    const nice = (stat: string) => Number(stat.split(') ')[1].split(' ')[16]);
    const threads = readdirSync('/proc/self/task').map((tid) => nice(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
    expect(threads).toContain(19);
    expect(nice(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(0);
  });

  it('keeps a process alive while it builds a checkpoint, and not after', () => {
    // A process of its own whose only work is one checkpoint: it must wait for the answer (the
    // awaited promise would otherwise be left unsettled, exit code 13) and then end by itself.
    const dir = mkdtempSync(join(tmpdir(), 'zorgbeeld-thread-'));
    const script = join(dir, 'one-checkpoint.mts');
    writeFileSync(script, `
      import * as Y from ${JSON.stringify(createRequire(import.meta.url).resolve('yjs'))};
      import { checkpointWorker } from ${JSON.stringify(new URL('../server/yjs/checkpoint-worker.ts', import.meta.url).href)};
      const doc = new Y.Doc();
      doc.getMap('m').set('a', 1);
      const state = await checkpointWorker.encode({ room: 1, base: 0, tag: 1, stateV2: null, updates: [Y.encodeStateAsUpdate(doc)] });
      checkpointWorker.forget(1);
      console.log('built', state.length > 0);
    `);
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30000 });
    rmSync(dir, { recursive: true, force: true });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('built true');
    expect(child.status).toBe(0);
  });

  it('rejects what it cannot read, and builds the next one after', async () => {
    await expect(checkpointWorker.encode(job(checkpointTag(), checkpointTag(), garbage, []))).rejects.toThrow();
    const { updates } = history(3);
    const built = new Y.Doc();
    Y.applyUpdateV2(built, await checkpointWorker.encode(job(checkpointTag(), checkpointTag(), null, updates)));
    expect(readReport(built, 'c').remarks).toBe('melding 2');
  });
});

describe('a room with its checkpoints built elsewhere', () => {
  const network = generateDemoRegion();
  const locations = network.locations.slice(0, 20).map((l) => l.id);
  let dataDir = '';
  let room: IncidentRoom | null = null;
  afterEach(() => {
    room?.close();
    room = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A room with a GHOR writer; `encode` stands between the room and the real thread. */
  async function open(encode: (basis: CheckpointJob) => Promise<Uint8Array>, logged: string[] = [], forgotten: number[] = []) {
    dataDir = mkdtempSync(join(tmpdir(), 'zorgbeeld-checkpoint-'));
    const opened = new IncidentRoom({ incidentId: 'inc-cp', dataDir, network, now: () => new Date(), log: (m) => logged.push(m), readOnly: () => false, checkpointEvery: 3, checkpoints: { encode, forget: (r) => forgotten.push(r) }, budget: new WriteBudget({ bytesPerSecond: 1e9, burstBytes: 1e9 }, Date.now) });
    room = opened;
    await opened.serverChange((doc) => initIncidentDoc(doc, network.locations.map((l) => l.id)));
    const writer: RoomSocket = { author: { id: 'u-ghor', username: 'ghor', displayName: 'GHOR', role: 'ghor', organisationId: null }, send: () => {}, close: (code) => closes.push(code) };
    const closes: unknown[] = [];
    opened.join(writer);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(opened.doc));
    let frame: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (frame = updateFrame(u)));
    let n = 0;
    /** One change, received and handled as a frame from a socket. */
    const write = async () => {
      setReport(doc, locations[n % locations.length], { remarks: `melding ${n++}` });
      opened.receive(writer, frame!);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(closes).toEqual([]);
    };
    const records = () => readLogFile(incidentLogFile(dataDir, 'inc-cp')).records;
    return { room: opened, write, records, doc };
  }

  it('goes on while the checkpoint is built, writes it after, and a restart from it loses nothing', async () => {
    const held: { basis: CheckpointJob; release: () => void }[] = [];
    const forgotten: number[] = [];
    const { room, write, records, doc } = await open(
      (basis) =>
        new Promise((resolve, reject) => {
          held.push({ basis, release: () => checkpointWorker.encode(basis).then(resolve, reject) });
        }),
      [],
      forgotten,
    );
    // The start was the first update; two more reach the third since a checkpoint.
    await write();
    await write();
    expect(held).toHaveLength(1);
    // Updates go on while the thread works; none asks for a second checkpoint meanwhile.
    for (let i = 0; i < 4; i++) await write();
    expect(held).toHaveLength(1);
    expect(records().some((r) => r.type === RecordType.checkpoint)).toBe(false);
    held[0].release();
    const checkpoint = await waitFor(() => records().find((r) => r.type === RecordType.checkpoint), { what: 'the checkpoint in the log' });
    expect(decodeCheckpoint(checkpoint.payload).after).toBe(4);
    await write();
    // From the log alone, as a restart reads it: the whole board, with the checkpoint in use.
    const log = records();
    const replayed = replayRecords(log, () => {});
    expect(json(replayed.doc)).toEqual(json(room.doc));
    for (const location of locations.slice(0, 7)) expect(readReport(replayed.doc, location).remarks).toBe(readReport(doc, location).remarks);
    expect(replayed.updatesSinceCheckpoint).toBe(5);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, storedState(log)!.update);
    expect(json(stored)).toEqual(json(room.doc));
    // Four updates after it, the next one is asked for, built from that checkpoint and those updates.
    await waitFor(() => held.length === 2 || undefined, { what: 'the next checkpoint asked for' });
    expect(held[1].basis.stateV2).not.toBeNull();
    expect(held[1].basis.updates).toHaveLength(5);
    // On the thread's copy of what the first one built.
    expect(held[1].basis.base).toBe(held[0].basis.tag);
    expect(held[1].basis.room).toBe(held[0].basis.room);
    // Unloaded, the room has the thread drop its copy.
    room.close();
    expect(forgotten).toEqual([held[0].basis.room]);
  });

  it('one overtaken by a checkpoint written here is dropped', async () => {
    const held: { basis: CheckpointJob; release: () => Promise<void> }[] = [];
    const { write, records } = await open((basis) => new Promise((resolve, reject) => held.push({ basis, release: () => checkpointWorker.encode(basis).then(resolve, reject) })));
    await write();
    await write();
    expect(held).toHaveLength(1);
    // A checkpoint written here in between (as when the room closes) holds more.
    room!.checkpoint();
    await held[0].release();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await write();
    await write();
    await write();
    await waitFor(() => held.length === 2 || undefined, { what: 'the next one asked for' });
    // Not on the thread's copy of the dropped one: from the checkpoint written here.
    expect(held[1].basis.base).not.toBe(held[0].basis.tag);
    const checkpoints = records().filter((r) => r.type === RecordType.checkpoint);
    expect(checkpoints).toHaveLength(1);
    expect(decodeCheckpoint(checkpoints[0].payload).after).toBe(0);
  });

  it('when the thread fails, the checkpoint is written here', async () => {
    const logged: string[] = [];
    const { write, records, room } = await open(() => Promise.reject(new Error('thread gone')), logged);
    await write();
    await write();
    const checkpoint = await waitFor(() => records().find((r) => r.type === RecordType.checkpoint), { what: 'the checkpoint written here' });
    expect(decodeCheckpoint(checkpoint.payload).after).toBe(0);
    expect(logged.join('\n')).toMatch(/checkpoint thread failed \(thread gone\)/);
    expect(json(replayRecords(records(), () => {}).doc)).toEqual(json(room.doc));
  });
});

describe('a room’s bookkeeping for the thread', () => {
  /** A stand-in for the thread, whose answers the test gives. */
  function thread() {
    const jobs: { job: CheckpointJob; resolve: (state: Uint8Array) => void; reject: (error: Error) => void }[] = [];
    const forgotten: number[] = [];
    return { jobs, forgotten, encode: (job: CheckpointJob) => new Promise<Uint8Array>((resolve, reject) => jobs.push({ job, resolve, reject })), forget: (room: number) => forgotten.push(room) };
  }
  /** Lets the answer's callbacks run. */
  const answered = () => new Promise((resolve) => setImmediate(resolve));
  const update = (n: number) => new Uint8Array([n, n, n]);

  function build(checkpoints: AwayCheckpoints, open = () => true) {
    const written: number[] = [];
    const failed: string[] = [];
    checkpoints.build({ open, write: (_state, after) => (written.push(after), true), failed: (error) => failed.push(error.message) });
    return { written, failed };
  }

  it('builds one at a time from the last checkpoint and the updates since, says how many came meanwhile, and builds the next on it', async () => {
    const fake = thread();
    const checkpoints = new AwayCheckpoints(fake);
    checkpoints.restart({ stateV2: null, updates: [update(1)] });
    checkpoints.recorded(update(2));
    const first = build(checkpoints);
    build(checkpoints);
    expect(fake.jobs).toHaveLength(1);
    expect(fake.jobs[0].job).toMatchObject({ stateV2: null, updates: [update(1), update(2)] });
    checkpoints.recorded(update(3));
    const state = new Uint8Array([9]);
    fake.jobs[0].resolve(state);
    await answered();
    expect(first.written).toEqual([1]);
    build(checkpoints);
    // On the state the thread now holds (its tag), with only the update it lacks.
    expect(fake.jobs[1].job).toMatchObject({ base: fake.jobs[0].job.tag, stateV2: state, updates: [update(3)] });
    checkpoints.forget();
    expect(fake.forgotten).toEqual([fake.jobs[0].job.room]);
  });

  it('drops one that a rebuild of the room or a checkpoint written here overtook, and one of a room closed meanwhile', async () => {
    const fake = thread();
    const checkpoints = new AwayCheckpoints(fake);
    checkpoints.restart({ stateV2: null, updates: [update(1)] });
    const rebuilt = build(checkpoints);
    checkpoints.restart({ stateV2: null, updates: [update(1), update(2)] });
    fake.jobs[0].resolve(new Uint8Array([9]));
    await answered();
    expect(rebuilt.written).toEqual([]);
    const overtaken = build(checkpoints);
    checkpoints.written(new Uint8Array([8]));
    fake.jobs[1].resolve(new Uint8Array([9]));
    await answered();
    expect(overtaken.written).toEqual([]);
    let open = true;
    const closed = build(checkpoints, () => open);
    open = false;
    fake.jobs[2].resolve(new Uint8Array([9]));
    await answered();
    expect(closed.written).toEqual([]);
    // Each drop let the next build start.
    expect(fake.jobs).toHaveLength(3);
  });

  it('tells the room when the thread failed, so that it writes the checkpoint itself, unless it was overtaken', async () => {
    const fake = thread();
    const checkpoints = new AwayCheckpoints(fake);
    const failing = build(checkpoints);
    fake.jobs[0].reject(new Error('thread gone'));
    await answered();
    expect(failing.failed).toEqual(['thread gone']);
    const overtaken = build(checkpoints);
    checkpoints.restart();
    fake.jobs[1].reject(new Error('thread gone'));
    await answered();
    expect(overtaken.failed).toEqual([]);
  });
});
