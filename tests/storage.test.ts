import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { addNeed, readNeeds, readReport, setReport } from '../shared/incident-doc';
import { CloseCodes, YMessage, YSyncMessage } from '../shared/wire';
import { IncidentLog, RecordType, StorageError, readLogFile, incidentLogFile } from '../server/recorder/incident-log';
import { HttpClient } from './helpers/http-client';
import { incidentWithOwnLocations } from './helpers/incident';
import { syncFrame } from './helpers/raw-board';
import { DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { connectBoard } from './helpers/yjs-client';

// A real small file system (the tests run as root): a full disk and a read-only mount, not a fake.
const mounts: string[] = [];
function mountTmpfs(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'zorgbeeld-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}
const remount = (dir: string, mode: 'ro' | 'rw') => execFileSync('mount', ['-o', `remount,${mode}`, dir]);

/** Fills the file system until not even one more page fits; returns the filler's path. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  for (const size of [1024 * 1024, 64 * 1024, 4096]) {
    const chunk = Buffer.alloc(size, 1);
    try {
      for (;;) writeFileSync(file, chunk, { flag: 'a' });
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
  }
  return file;
}

/** Long remarks: with several locations at once, more than a page of the full file system. */
const DURING = `tijdens de volle schijf ${'x'.repeat(1900)}`;

/** Collects Zorgbeeld's own board-status messages on a raw Yjs connection. */
function statusWatcher(url: string, incidentId: string, cookie: string): { statuses: string[]; ws: WebSocket; synced: () => boolean } {
  const statuses: string[] = [];
  let synced = false;
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${incidentId}?boardStatus=1`, { headers: { cookie, origin: url } });
  ws.on('message', (data: Buffer) => {
    if (data[0] === YMessage.sync && data[1] === YSyncMessage.step2) synced = true;
    if (data[0] !== YMessage.boardStatus) return;
    // varUint type (one byte), varUint length, then the JSON string.
    let at = 1;
    while (data[at] & 0x80) at++;
    statuses.push((JSON.parse(data.subarray(at + 1).toString()) as { storage: string }).storage);
  });
  ws.on('error', () => {});
  // Like every client, it asks for the state; the status comes with the answer.
  ws.on('open', () => ws.send(syncFrame(YSyncMessage.step1, Y.encodeStateVector(new Y.Doc()))));
  return { statuses, ws, synced: () => synced };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close({ keepData: true });
  server = undefined;
  for (const dir of mounts.splice(0)) {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

async function openIncident(url: string) {
  const { ghor, coordinator, id, own } = await incidentWithOwnLocations(url, 'Schijf vol');
  return { ghor, coordinator, id, location: own[0], others: own.slice(1, 4) };
}

describe('storage faults degrade, never crash', () => {
  it('a full disk refuses writes with a retryable code, says so to everyone and in health, and resumes by itself', async () => {
    const dir = mountTmpfs('8m');
    server = await startServer({ dataDir: dir, storageRetryMs: 100 });
    const { ghor, coordinator, id, location, others } = await openIncident(server.url);
    const writer = connectBoard(server.url, id, coordinator.cookie);
    const reader = connectBoard(server.url, id, ghor.cookie);
    await Promise.all([writer.synced(), reader.synced()]);
    setReport(writer.doc, location, { impact: 'major', remarks: 'voor de volle schijf' });
    await waitFor(() => readReport(reader.doc, location).remarks === 'voor de volle schijf', { what: 'the first report' });
    // Synced before the disk fills: only the server's broadcast can tell it what happens next.
    const watcher = statusWatcher(server.url, id, ghor.cookie);
    await waitFor(() => watcher.synced(), { what: 'the watcher synced' });

    const filler = fill(dir);
    // More than the last page of the log file can still take.
    writer.doc.transact(() => {
      setReport(writer.doc, location, { impact: 'critical', remarks: DURING });
      for (const other of others) setReport(writer.doc, other, { remarks: DURING });
    });
    const refused = await waitFor(() => writer.closes.find((c) => c.code === CloseCodes.StorageUnavailable.code), { what: 'the retryable refusal' });
    expect(refused?.reason).toBe(CloseCodes.StorageUnavailable.reason);
    await waitFor(() => watcher.statuses.includes('unavailable'), { what: 'the read-only notice to the other board' });
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(503);
    const faults = (await health.json()).data.logs;
    expect(faults).toEqual([expect.objectContaining({ incidentId: id, error: 'ENOSPC' })]);
    const faultSince = Date.parse(faults[0].since);
    // A disconnect records an event (the log is full): the server stays up.
    watcher.ws.close();
    await waitFor(async () => (await fetch(`${server!.url}/api/health`)).status === 503, { what: 'the server answering' });
    expect(readReport(reader.doc, location).remarks).toBe('voor de volle schijf');

    unlinkSync(filler);
    // The provider keeps the change and sends it again once the server takes writes.
    await waitFor(() => readReport(reader.doc, location).remarks === DURING, { timeoutMs: 20000, what: 'the kept report after space returned' });
    await waitFor(async () => (await fetch(`${server!.url}/api/health`)).status === 200, { what: 'health again' });
    const faultEnded = Date.now();
    expect(server.logs.some((l) => l.includes('takes writes again'))).toBe(true);
    writer.destroy();
    reader.destroy();

    // Nothing accepted before, during or after the fault is lost across a restart.
    await server.close({ keepData: true });
    server = await startServer({ dataDir: dir, seed: false });
    const again = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const events = (await again.get(`/api/incidents/${id}/events?type=report,left`)).body.data.events;
    const ofLocation = events.filter((e: { type: string; detail: { locationId?: string } }) => e.type === 'report' && e.detail.locationId === location);
    expect(ofLocation.map((e: { detail: { fields: { remarks?: string } } }) => e.detail.fields.remarks)).toEqual(['voor de volle schijf', DURING]);
    // Disconnects during the fault waited in memory and were written, with their own time, once space returned.
    expect(events.some((e: { type: string; at: string }) => e.type === 'left' && Date.parse(e.at) >= faultSince && Date.parse(e.at) <= faultEnded)).toBe(true);
    // A write cut short by the full disk was cut back: nothing unreadable is found in the log.
    expect(server.logs.filter((l) => l.includes('unreadable') || l.includes('torn'))).toEqual([]);
    const late = connectBoard(server.url, id, again.cookie);
    await late.synced();
    expect(readReport(late.doc, location)).toMatchObject({ impact: 'critical', remarks: DURING });
    late.destroy();
  });

  // A need is judged on the document after applying it (a change of report fields is judged
  // before): here the append fails with the change already in the document.
  it('refuses needs filed on a full disk with the same retryable code; nobody gets them and the board forgets them', async () => {
    const dir = mountTmpfs('8m');
    server = await startServer({ dataDir: dir, storageRetryMs: 100 });
    const { ghor, coordinator, id, ownOrg, own } = await incidentWithOwnLocations(server.url, 'Schijf vol, hulpvragen');
    const writer = connectBoard(server.url, id, coordinator.cookie);
    const reader = connectBoard(server.url, id, ghor.cookie);
    await Promise.all([writer.synced(), reader.synced()]);
    fill(dir);
    // More than the last page of the log file can still take.
    writer.doc.transact(() => {
      for (const [i, locationId] of own.slice(0, 5).entries()) {
        addNeed(writer.doc, { id: `need-vol-${i}`, organisationId: ownOrg, locationId, kind: 'oxygen', urgency: 'immediate', status: 'open', description: 'x'.repeat(1000), createdBy: 'coordinator', createdAt: new Date().toISOString() });
      }
    });
    const refused = await waitFor(() => writer.closes.find((c) => c.code === CloseCodes.StorageUnavailable.code), { what: 'the retryable refusal' });
    expect(refused?.reason).toBe(CloseCodes.StorageUnavailable.reason);
    writer.destroy();
    // A joiner that already holds the board is answered from the server's document itself (one
    // with nothing gets the whole state encoded before).
    const held = new Y.Doc();
    Y.applyUpdate(held, Y.encodeStateAsUpdate(reader.doc));
    const late = connectBoard(server.url, id, ghor.cookie, { doc: held });
    await late.synced();
    expect(readNeeds(late.doc)).toEqual([]);
    expect(readNeeds(reader.doc)).toEqual([]);
    late.destroy();
    reader.destroy();
  });

  it('cuts a write that the full disk cut short back to the last whole record', () => {
    const dir = mountTmpfs('256k');
    const file = join(dir, 'log.zbl');
    const { log } = IncidentLog.open(file, () => {});
    // Records of an odd size, so that the last page always has room for part of the next one.
    const payload = new Uint8Array(3001).fill(7);
    let appended = 0;
    let failure: unknown;
    try {
      for (;;) {
        log.append(RecordType.update, Date.now(), 'u1', payload);
        appended++;
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as StorageError).code).toBe('ENOSPC');
    log.close();
    expect(statSync(file).size).toBe(log.size());
    const read = readLogFile(file);
    expect(read.records).toHaveLength(appended);
    expect(read.report).toEqual({ tornBytes: 0, damaged: [] });
  });

  it('a read-only data directory opens boards for reading, refuses writes, and takes them again after remount', async () => {
    const dir = mountTmpfs('16m');
    server = await startServer({ dataDir: dir, storageRetryMs: 100 });
    const { id, location } = await openIncident(server.url);
    await server.close({ keepData: true });
    remount(dir, 'ro');
    const readOnlySince = Date.now();
    server = await startServer({ dataDir: dir, seed: false, storageRetryMs: 100 });
    // The session is kept in memory (the store says so in health); signing in still works.
    const coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    const board = connectBoard(server.url, id, coordinator.cookie);
    await board.synced();
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health.data.logs).toEqual([expect.objectContaining({ incidentId: id })]);
    setReport(board.doc, location, { remarks: 'op een alleen-lezen schijf' });
    // Refused twice: the first connection joined and left, the second joined, all while the log
    // could not be written (the server may note a leave after the client saw its close).
    await waitFor(() => board.closes.filter((c) => c.code === CloseCodes.StorageUnavailable.code).length >= 2 || undefined, { what: 'the retryable refusal, twice' });
    const writableAgain = Date.now();
    remount(dir, 'rw');
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const reader = connectBoard(server.url, id, ghor.cookie);
    await waitFor(() => readReport(reader.doc, location).remarks === 'op een alleen-lezen schijf', { timeoutMs: 20000, what: 'the kept report after remount' });
    // Joins and leaves while nothing could be written waited in memory and are in the log now, with their own time.
    const joined = (await ghor.get(`/api/incidents/${id}/events?type=joined,left`)).body.data.events as { at: string }[];
    expect(joined.filter((e) => Date.parse(e.at) >= readOnlySince && Date.parse(e.at) < writableAgain).length).toBeGreaterThanOrEqual(2);
    board.destroy();
    reader.destroy();
  });

  it('an unreadable log or a missing network gives a sentence, on the board and in the API', async () => {
    server = await startServer();
    const { ghor, id } = await openIncident(server.url);
    const second = (await ghor.post('/api/incidents', { title: 'Zonder netwerk', grip: 1 })).body.data.id;
    await server.close({ keepData: true });
    const file = incidentLogFile(server.dataDir, id);
    rmSync(file);
    mkdirSync(file); // reading a directory fails like an unreadable file (root ignores chmod)
    unlinkSync(join(server.dataDir, 'incidents', second, 'network.json'));
    server = await startServer({ dataDir: server.dataDir, seed: false });
    const again = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const board = connectBoard(server.url, id, again.cookie);
    await waitFor(() => board.closes.find((c) => c.code === CloseCodes.StorageUnavailable.code), { what: 'the board refused with a reason' });
    board.destroy();
    const events = await again.get(`/api/incidents/${id}/events`);
    expect(events.status).toBe(503);
    expect(events.body.error.message).toMatch(/opslag/);
    const missing = await again.get(`/api/incidents/${second}`);
    expect(missing.status).toBe(503);
    expect(missing.body.error).toMatchObject({ code: 'incident-data-missing', message: expect.stringMatching(/ontbreken/) });
    const closed = connectBoard(server.url, second, again.cookie);
    await waitFor(() => closed.closes.find((c) => c.code === CloseCodes.IncidentDataMissing.code), { what: 'the board refused for the missing network' });
    closed.destroy();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});
