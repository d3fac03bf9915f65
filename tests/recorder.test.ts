import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { readReport, setReport } from '../shared/incident-doc';
import { IncidentLog, RecordType, decodeRecords, encodeCheckpoint, encodeRecord, readLogFile, readLogTail, incidentLogFile } from '../server/recorder/incident-log';
import { LOG_TAIL_BYTES, replayRecords, stateFromLogEnd } from '../server/recorder/replay-state';
import { HttpClient } from './helpers/http-client';
import { startProcessServer } from './helpers/process-server';
import { DEMO_PASSWORD, startServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { TEST_STORE } from './helpers/test-store';
import { connectBoard } from './helpers/yjs-client';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A log of `n` updates of one map, with a checkpoint after every `every` updates. */
function scriptedLog(n: number, every: number): { bytes: Uint8Array; doc: Y.Doc; checkpointOffsets: number[] } {
  const { bytes, doc, checkpoints } = longLog(n, 0, 0, every);
  return { bytes, doc, checkpointOffsets: checkpoints };
}

describe('incident log', () => {
  it('drops a torn last record and keeps everything before it', () => {
    const { bytes } = scriptedLog(10, 100);
    const whole = decodeRecords(bytes);
    expect(whole.records).toHaveLength(10);
    expect(whole.report.tornBytes).toBe(0);
    for (const cut of [1, 5, 20]) {
      const torn = decodeRecords(bytes.subarray(0, bytes.length - cut));
      expect(torn.records).toHaveLength(9);
      expect(torn.report.tornBytes).toBeGreaterThan(0);
      expect(torn.validLength + torn.report.tornBytes).toBe(bytes.length - cut);
    }
    const flipped = bytes.slice();
    flipped[flipped.length - 6] ^= 0xff;
    expect(decodeRecords(flipped).records).toHaveLength(9);
  });

  it('finds the next record after a flipped bit in a length field instead of cutting everything behind it', () => {
    const frames = Array.from({ length: 60 }, (_, i) => encodeRecord(RecordType.event, 1000 + i, 'u1', new TextEncoder().encode(JSON.stringify({ type: 'joined', i }))));
    const bytes = concat(frames);
    const offsetOf = (i: number) => frames.slice(0, i).reduce((n, f) => n + f.length, 0);
    for (const bit of [0, 3, 7, 20, 30]) {
      const damaged = bytes.slice();
      // The length field follows the 4-byte marker; a high bit makes the record reach past the end.
      damaged[offsetOf(20) + 4 + (bit >> 3)] ^= 1 << (bit & 7);
      const { records, report } = decodeRecords(damaged);
      expect(records, `bit ${bit}`).toHaveLength(59);
      expect(records.map((r) => r.time)).toEqual(frames.map((_, i) => 1000 + i).filter((t) => t !== 1020));
      expect(report.damaged).toEqual([{ offset: offsetOf(20), length: frames[20].length }]);
      expect(report.tornBytes).toBe(0);
    }
  });

  it('moves unreadable bytes to a file beside the log on open, never dropping them unseen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zorgbeeld-log-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'log.zbl');
    const frames = Array.from({ length: 30 }, (_, i) => encodeRecord(RecordType.event, i, 'u1', new Uint8Array([i])));
    const damaged = concat(frames);
    const at = frames.slice(0, 10).reduce((n, f) => n + f.length, 0);
    damaged[at + 5] ^= 0x80;
    const torn = encodeRecord(RecordType.event, 99, 'u1', new Uint8Array(40)).subarray(0, 25);
    await writeFile(file, concat([damaged, torn]));
    const warnings: string[] = [];
    const { log, records } = IncidentLog.open(file, (m) => warnings.push(m));
    log.append(RecordType.event, 100, 'u1', new Uint8Array([100]));
    log.close();
    expect(records).toHaveLength(29);
    // The bytes as they were found, flipped bit included, and the torn tail from where it started.
    expect(new Uint8Array(await readFile(`${file}.${at}.damaged`))).toEqual(damaged.subarray(at, at + frames[10].length));
    expect(new Uint8Array(await readFile(`${file}.${damaged.length}.damaged`))).toEqual(torn);
    expect(warnings.join(' ')).toMatch(/unreadable bytes at/);
    const after = readLogFile(file);
    expect(after.report).toEqual({ tornBytes: 0, damaged: [] });
    expect(after.records.map((r) => r.time)).toEqual([...frames.map((_, i) => i).filter((i) => i !== 10), 100]);
  });

  it('still reads logs written before the marker', () => {
    const legacy = (time: number) => {
      const marked = encodeRecord(RecordType.event, time, 'u1', new Uint8Array([1, 2, 3]));
      return marked.subarray(4);
    };
    const { records, report } = decodeRecords(concat([legacy(1), legacy(2), encodeRecord(RecordType.event, 3, 'u1', new Uint8Array([4]))]));
    expect(records.map((r) => r.time)).toEqual([1, 2, 3]);
    expect(report).toEqual({ tornBytes: 0, damaged: [] });
  });

  it('falls back to the previous checkpoint when the last one is damaged, and loses nothing', () => {
    const { bytes, doc, checkpointOffsets } = scriptedLog(250, 100);
    const damaged = bytes.slice();
    damaged[checkpointOffsets[1] + 40] ^= 0xff;
    const { records, report } = decodeRecords(damaged);
    expect(report.damaged).toHaveLength(1);
    const warnings: string[] = [];
    const rebuilt = replayRecords(records, (m) => warnings.push(m));
    expect(rebuilt.doc.getMap('reports').toJSON()).toEqual(doc.getMap('reports').toJSON());
    expect(rebuilt.updatesSinceCheckpoint).toBe(150);
    expect(replayRecords(decodeRecords(bytes).records, () => {}).updatesSinceCheckpoint).toBe(50);
  });

  it('falls back as well when the last checkpoint has a good checksum but cannot be decoded', () => {
    const { bytes, doc } = scriptedLog(250, 100);
    const records = decodeRecords(bytes).records;
    const last = records.findLastIndex((r) => r.type === RecordType.checkpoint);
    // Written whole (the CRC matches) but holding something no decoder accepts: a bug, not a crash.
    const bad = records.map((r, i) => (i === last ? { ...r, payload: new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]) } : r));
    const warnings: string[] = [];
    const rebuilt = replayRecords(bad, (m) => warnings.push(m));
    expect(rebuilt.doc.getMap('reports').toJSON()).toEqual(doc.getMap('reports').toJSON());
    expect(rebuilt.updatesSinceCheckpoint).toBe(150);
    expect(warnings).toEqual([expect.stringContaining('falling back to the one before')]);
  });
});

/**
 * A log larger than the window a room reads first: `before` updates with checkpoints, then
 * `padding` bytes of events (no checkpoint among them), then `after` updates with checkpoints.
 */
function longLog(before: number, padding: number, after: number, every: number): { bytes: Uint8Array; doc: Y.Doc; checkpoints: number[] } {
  const doc = new Y.Doc();
  const parts: Uint8Array[] = [];
  const checkpoints: number[] = [];
  let size = 0;
  const push = (frame: Uint8Array) => {
    parts.push(frame);
    size += frame.length;
  };
  doc.on('update', (update: Uint8Array) => push(encodeRecord(RecordType.update, 1000 + size, 'u1', update)));
  const write = (from: number, n: number) => {
    for (let i = from; i < from + n; i++) {
      doc.getMap('reports').set(`k${i % 11}`, i);
      if ((i + 1) % every === 0) {
        checkpoints.push(size);
        push(encodeRecord(RecordType.checkpoint, 1000 + size, 'server', encodeCheckpoint(new Map([[doc.clientID, 'u1']]), Y.encodeStateAsUpdateV2(doc))));
      }
    }
  };
  write(0, before);
  for (let left = padding; left > 0; left -= 64 * 1024) push(encodeRecord(RecordType.event, 1000 + size, 'u1', new Uint8Array(Math.min(left, 64 * 1024)).fill(0x20)));
  write(before, after);
  return { bytes: concat(parts), doc, checkpoints };
}

describe('reading a log from its end', () => {
  async function written(bytes: Uint8Array): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'zorgbeeld-tail-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'log.zbl');
    await writeFile(file, bytes);
    return file;
  }

  it('reads only the end of a long log, starting at a whole record, and gives the same document', async () => {
    const { bytes, doc } = longLog(300, 2 * LOG_TAIL_BYTES, 250, 100);
    const file = await written(bytes);
    const tail = readLogTail(file, LOG_TAIL_BYTES);
    expect(tail.fromStart).toBe(false);
    expect(tail.records.length).toBeLessThan(decodeRecords(bytes).records.length / 2);
    expect(tail.report).toEqual({ tornBytes: 0, damaged: [] });
    expect(tail.validLength).toBe(bytes.length);
    const warnings: string[] = [];
    const state = stateFromLogEnd(file, (m) => warnings.push(m));
    expect(state.doc.getMap('reports').toJSON()).toEqual(doc.getMap('reports').toJSON());
    expect(state.updatesSinceCheckpoint).toBe(50);
    expect(warnings).toEqual([]);
  });

  it('reads further back when the end holds no checkpoint, up to the whole file', async () => {
    // The only checkpoints are before 9 MiB of events: the first window and the next one miss them.
    const { bytes, doc } = longLog(200, 2 * LOG_TAIL_BYTES + 1000, 70, 100);
    const file = await written(bytes);
    expect(readLogTail(file, LOG_TAIL_BYTES).records.some((r) => r.type === RecordType.checkpoint)).toBe(false);
    const state = stateFromLogEnd(file, () => {});
    expect(state.doc.getMap('reports').toJSON()).toEqual(doc.getMap('reports').toJSON());
    expect(state.updatesSinceCheckpoint).toBe(70);
    // A log of updates only, no checkpoint anywhere, is replayed from its start.
    const bare = longLog(0, LOG_TAIL_BYTES + 10, 120, 1000);
    expect(stateFromLogEnd(await written(bare.bytes), () => {}).doc.getMap('reports').toJSON()).toEqual(bare.doc.getMap('reports').toJSON());
  });

  it('falls back to an earlier checkpoint when the last one is damaged, with one warning', async () => {
    const { bytes, doc, checkpoints } = longLog(300, 2 * LOG_TAIL_BYTES, 250, 100);
    // The last checkpoint's payload holds a good checksum over bytes no decoder accepts.
    const records = decodeRecords(bytes).records;
    const last = records.findLastIndex((r) => r.type === RecordType.checkpoint);
    const rewritten = concat(records.map((r, i) => encodeRecord(r.type, r.time, r.user, i === last ? new Uint8Array([0xff, 0xff, 0xff, 0x01]) : r.payload)));
    const warnings: string[] = [];
    const state = stateFromLogEnd(await written(rewritten), (m) => warnings.push(m));
    expect(state.doc.getMap('reports').toJSON()).toEqual(doc.getMap('reports').toJSON());
    expect(state.updatesSinceCheckpoint).toBe(150);
    expect(warnings).toEqual([expect.stringContaining('falling back to the one before')]);
    // A flipped bit in the last checkpoint: the window's reader skips it, the one before serves.
    const flipped = bytes.slice();
    flipped[checkpoints.at(-1)! + 30] ^= 0xff;
    expect(stateFromLogEnd(await written(flipped), () => {}).doc.getMap('reports').toJSON()).toEqual(doc.getMap('reports').toJSON());
  });

  it('moves a torn last record aside and cuts it off when a room opens a long log', async () => {
    const { bytes, doc } = longLog(300, 2 * LOG_TAIL_BYTES, 250, 100);
    const torn = encodeRecord(RecordType.update, 5, 'u1', new Uint8Array(300)).subarray(0, 120);
    const file = await written(concat([bytes, torn]));
    const warnings: string[] = [];
    const { log, records, fromStart } = IncidentLog.open(file, (m) => warnings.push(m), { tailBytes: LOG_TAIL_BYTES });
    expect(fromStart).toBe(false);
    expect(log.size()).toBe(bytes.length);
    log.append(RecordType.event, 7, 'u1', new Uint8Array([1]));
    log.close();
    expect(warnings.join(' ')).toMatch(/torn last record/);
    expect(new Uint8Array(await readFile(`${file}.${bytes.length}.damaged`))).toEqual(torn);
    const after = readLogFile(file);
    expect(after.report).toEqual({ tornBytes: 0, damaged: [] });
    expect(after.records.at(-1)?.time).toBe(7);
    expect(stateFromLogEnd(file, () => {}, { records, fromStart }).doc.getMap('reports').toJSON()).toEqual(doc.getMap('reports').toJSON());
  });
});

describe('restart', () => {
  // A torn tail is the log file's: a record half written when the process died. PostgreSQL
  // commits whole records or none (tests/recorders.test.ts).
  it.runIf(TEST_STORE === 'embedded')('loads a log with a torn tail after a restart, with the same document', async () => {
    const first = await startServer();
    const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Herstart', grip: 1 })).body.data.id;
    const location = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network.locations[3].id;
    const client = connectBoard(first.url, incidentId, ghor.cookie);
    await client.synced();
    setReport(client.doc, location, { impact: 'critical', bedsFree: 0, remarks: 'voor de herstart' });
    await waitFor(() => readReport(client.doc, location).stamp, { what: 'stamp' });
    const expected = client.doc.getMap('reports').toJSON();
    client.destroy();
    await first.close({ keepData: true });

    const file = incidentLogFile(first.dataDir, incidentId);
    const intact = await readFile(file);
    await appendFile(file, encodeRecord(RecordType.update, Date.now(), 'x', new Uint8Array(50)).subarray(0, 30));

    const second = await startServer({ dataDir: first.dataDir, seed: false });
    const again = await new HttpClient(second.url).signIn('ghor', DEMO_PASSWORD);
    const late = connectBoard(second.url, incidentId, again.cookie);
    await late.synced();
    expect(late.doc.getMap('reports').toJSON()).toEqual(expected);
    expect(second.logs.some((l) => l.includes('dropped a torn last record'))).toBe(true);
    // The torn bytes were cut off, so new records follow the last good one.
    expect((await readFile(file)).subarray(0, intact.length)).toEqual(intact);
    setReport(late.doc, location, { remarks: 'na de herstart' });
    await waitFor(() => readReport(late.doc, location).stamp?.at !== (expected[location] as { stamp: { at: string } }).stamp.at);
    late.destroy();
    await second.close({ keepData: true });

    // A second restart reads what was written after the first: nothing hides behind the torn bytes.
    const after = readLogFile(file);
    expect(after.report).toEqual({ tornBytes: 0, damaged: [] });
    const third = await startServer({ dataDir: first.dataDir, seed: false });
    try {
      const ghorThird = await new HttpClient(third.url).signIn('ghor', DEMO_PASSWORD);
      const reader = connectBoard(third.url, incidentId, ghorThird.cookie);
      await reader.synced();
      expect(readReport(reader.doc, location).remarks).toBe('na de herstart');
      reader.destroy();
    } finally {
      await third.close();
    }
  });

  it('writes a checkpoint after every so many updates, and a restart from it gives the same document', async () => {
    const first = await startServer({ checkpointEvery: 5 });
    const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Checkpoints', grip: 1 })).body.data.id;
    const locations = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network.locations.slice(0, 15).map((l: { id: string }) => l.id);
    const client = connectBoard(first.url, incidentId, ghor.cookie);
    await client.synced();
    const write = async (location: string, i: number) => {
      setReport(client.doc, location, { bedsFree: i });
      await waitFor(() => readReport(client.doc, location).stamp, { what: `stamp ${i}` });
    };
    for (const [i, location] of locations.slice(0, 12).entries()) await write(location, i);
    // In the embedded mode the checkpoint is built on its own thread and written when it is
    // ready, which on a busy machine can be after the last of these: wait for it, then write on.
    const checkpoints = async () => (await first.records(incidentId)).filter((r) => r.type === RecordType.checkpoint).length;
    await waitFor(async () => (await checkpoints()) >= 2 || undefined, { what: 'the checkpoint after the first five updates' });
    for (const [i, location] of locations.slice(12).entries()) await write(location, 12 + i);
    const expected = client.doc.getMap('reports').toJSON();
    client.destroy();
    await first.close({ keepData: true });
    const second = await startServer({ dataDir: first.dataDir, seed: false });
    try {
      const records = await second.records(incidentId);
      // Checkpoints with updates after them: the one at creation, then at least one after five
      // updates (the one written at close comes last and does not count).
      const midSession = records.filter((r, i) => r.type === RecordType.checkpoint && records.slice(i + 1).some((later) => later.type === RecordType.update));
      expect(midSession.length).toBeGreaterThanOrEqual(2);
      const again = await new HttpClient(second.url).signIn('ghor', DEMO_PASSWORD);
      const late = connectBoard(second.url, incidentId, again.cookie);
      await late.synced();
      expect(late.doc.getMap('reports').toJSON()).toEqual(expected);
      late.destroy();
    } finally {
      await second.close();
    }
  });

  // Also the bundle `npm start` runs (server/bundle.ts), which the benchmarks measure.
  it.each([
    ['from the sources', false],
    ['as built for npm start', true],
  ])('kill -9 and restart: every accepted update is there (%s)', async (_, built) => {
    // Checkpoints every 7 updates: built on the server's checkpoint thread, which has to start
    // from the bundle as well, and written behind updates they may not hold.
    const first = await startProcessServer({ built, env: { CHECKPOINT_EVERY: '7' } });
    onTestFinished(() => first.stop({ signal: 'SIGKILL' }));
    const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Kill', grip: 3 })).body.data.id;
    const locations = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network.locations.slice(0, 40);
    const client = connectBoard(first.url, incidentId, ghor.cookie);
    await client.synced();
    locations.forEach((l: { id: string }, i: number) => setReport(client.doc, l.id, { clientsPresent: i, impact: 'minor' }));
    await waitFor(() => locations.every((l: { id: string }) => readReport(client.doc, l.id).stamp), { what: 'all stamps back' });
    const expected = client.doc.getMap('reports').toJSON();
    client.destroy();
    if (TEST_STORE === 'embedded') {
      const checkpoints = () => readLogFile(incidentLogFile(first.dataDir, incidentId)).records.filter((r) => r.type === RecordType.checkpoint).length;
      // The one at creation, and at least one of the thread's.
      await waitFor(() => checkpoints() >= 2 || undefined, { what: 'a checkpoint from the thread' });
      expect(first.output.join('')).not.toMatch(/checkpoint thread failed/);
    }
    await first.stop({ signal: 'SIGKILL', keepData: true });

    const second = await startProcessServer({ dataDir: first.dataDir, built });
    onTestFinished(() => second.stop());
    const again = await new HttpClient(second.url).signIn('ghor', DEMO_PASSWORD);
    const late = connectBoard(second.url, incidentId, again.cookie);
    onTestFinished(() => late.destroy());
    await late.synced();
    // Compared per location and key-order-free: a late joiner integrates structs client by client.
    const actual = late.doc.getMap('reports').toJSON();
    const differing = Object.keys(expected).filter((id) => !isDeepStrictEqual(actual[id], expected[id]));
    expect(differing).toEqual([]);
    expect(Object.keys(actual).length).toBe(Object.keys(expected).length);
  });
});

// The embedded store's own file; on PostgreSQL the tests of tests/pg-store.test.ts stand for these.
describe.runIf(TEST_STORE === 'embedded')('store file of the registry', () => {
  it('a cut registry file stops the server with a message naming it', async () => {
    const first = await startProcessServer();
    await first.stop({ keepData: true });
    const file = `${first.dataDir}/registry.json`;
    const whole = await readFile(file, 'utf8');
    await writeFile(file, whole.slice(0, whole.length / 2));
    await expect(startProcessServer({ dataDir: first.dataDir })).rejects.toThrow(/cannot start: The store file .*registry\.json cannot be read/);
    expect((await readFile(file, 'utf8')).length).toBe(Math.floor(whole.length / 2));
  });
});

describe('reading on', () => {
  it('reads only what follows an earlier read, with the same records as a whole read', async () => {
    const { bytes } = scriptedLog(40, 100);
    const whole = decodeRecords(bytes);
    // Where record 17 ends: the encoded lengths of records 0 to 17.
    const offset = whole.records.slice(0, 18).reduce((n, r) => n + encodeRecord(r.type, r.time, r.user, r.payload).length, 0);
    const dir = await mkdtemp(join(tmpdir(), 'zorgbeeld-log-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'log.zbl');
    await writeFile(file, bytes);
    const rest = readLogFile(file, { offset, index: 18 });
    expect(rest.records.map((r) => r.index)).toEqual(whole.records.slice(18).map((r) => r.index));
    expect(rest.records.map((r) => r.payload)).toEqual(whole.records.slice(18).map((r) => r.payload));
    expect(rest.validLength).toBe(bytes.length);
    expect(rest.nextIndex).toBe(whole.nextIndex);
    // Nothing new: an empty read that stays where it was.
    expect(readLogFile(file, { offset: bytes.length, index: whole.nextIndex })).toMatchObject({ records: [], validLength: bytes.length, nextIndex: whole.nextIndex });
  });
});
