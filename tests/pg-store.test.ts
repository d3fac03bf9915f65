import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate, migrations } from '../server/store/migrate';
import { openLowdbStore } from '../server/store/lowdb-store';
import { openPgStore } from '../server/store/pg-store';
import { COLLECTION_NAMES, type Store } from '../server/store/store';
import { StorageError, readLogFile, incidentLogFile } from '../server/recorder/incident-log';
import { createTestDatabase, dropTestDatabase, testDatabaseUrl, withAdmin } from './helpers/test-store';
import { DEMO_PASSWORD, startServer } from './helpers/server';
import { HttpClient } from './helpers/http-client';
import { waitFor } from './helpers/wait-for';
import { connectBoard } from './helpers/yjs-client';
import { readReport, setReport } from '../shared/incident-doc';
import { PgRecorder } from '../server/recorder/pg-recorder';
import { stateFromRecorder } from '../server/recorder/replay-state';
import type { Organisation } from '../shared/domain';

const ROOT = resolve(import.meta.dirname, '..');

/** A fresh database with a random name, dropped when the test ends. */
async function freshDatabase(): Promise<{ name: string; url: string }> {
  const name = `zorgbeeld_test_${randomBytes(6).toString('hex')}`;
  await createTestDatabase(name);
  onTestFinished(() => dropTestDatabase(name));
  return { name, url: testDatabaseUrl(name) };
}

const organisation = (id: string, name: string): Organisation => ({ id, name, sector: 'hospital', phone: '', email: '', active: true });

// The contract every store keeps, run on both: the embedded files and PostgreSQL.
describe.each([
  ['embedded', async () => openLowdbStore({ dataDir: await mkdtemp(join(tmpdir(), 'zorgbeeld-store-')), log: () => {} })],
  ['postgres', async () => openPgStore({ url: (await freshDatabase()).url, log: () => {} })],
] as const)('the %s store', (_kind, open: () => Promise<Store>) => {
  it('inserts, replaces, lists in first-written order, removes; one put spans collections', async () => {
    const store = await open();
    onTestFinished(() => store.close());
    await store.put({ organisations: [organisation('org-b', 'B'), organisation('org-a', 'A')], contacts: [{ id: 'c1' } as never] });
    await store.put({ organisations: [organisation('org-b', 'B, hernoemd'), organisation('org-c', 'C')] });
    expect((await store.list('organisations')).map((o) => [o.id, o.name])).toEqual([
      ['org-b', 'B, hernoemd'],
      ['org-a', 'A'],
      ['org-c', 'C'],
    ]);
    expect((await store.get('organisations', 'org-a'))?.name).toBe('A');
    expect(await store.get('organisations', 'nope')).toBeUndefined();
    expect(await store.list('contacts')).toHaveLength(1);
    // Text as users type it, control characters and all, comes back as it went in.
    await store.put({ organisations: [organisation('org-d', 'Zorg \u0000 & "Co" \u2028 — 🏥')] });
    expect((await store.get('organisations', 'org-d'))?.name).toBe('Zorg \u0000 & "Co" \u2028 — 🏥');
    await store.remove('organisations', ['org-d']);
    await store.remove('organisations', ['org-b', 'nope']);
    expect((await store.list('organisations')).map((o) => o.id)).toEqual(['org-a', 'org-c']);
    expect(store.health().ok).toBe(true);
  });
});

describe('PostgreSQL store', () => {
  it('applies the migrations once, however many instances start at the same time', async () => {
    const { url } = await freshDatabase();
    const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: url, max: 1 }));
    // Dropping the database ends connections a pool may still be closing; that is not a failure.
    for (const pool of pools) pool.on('error', () => {});
    onTestFinished(async () => {
      await Promise.all(pools.map((p) => p.end()));
    });
    const applied = await Promise.all(pools.map((p) => migrate(p, () => {})));
    expect(applied.flat().sort()).toEqual(migrations().map((m) => m.version));
    const rows = (await pools[0].query('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
    expect(rows).toEqual(migrations().map((m) => ({ version: m.version, name: m.name })));
    expect(await migrate(pools[0], () => {})).toEqual([]);
  });

  it('keeps rows across a reopen, and a second instance sees what the first wrote', async () => {
    const { url } = await freshDatabase();
    const first = await openPgStore({ url, log: () => {} });
    const second = await openPgStore({ url, log: () => {} });
    onTestFinished(() => second.close());
    await first.put({ organisations: [organisation('org-1', 'Eerste')] });
    expect((await second.get('organisations', 'org-1'))?.name).toBe('Eerste');
    await first.close();
    const again = await openPgStore({ url, log: () => {} });
    onTestFinished(() => again.close());
    expect((await again.list('organisations')).map((o) => o.id)).toEqual(['org-1']);
  });

  it('refuses a write it cannot make with a storage error, says so in health, and recovers', async () => {
    const { name, url } = await freshDatabase();
    const logs: string[] = [];
    const store = await openPgStore({ url, log: (m) => logs.push(m) });
    onTestFinished(() => store.close());
    await store.put({ organisations: [organisation('org-1', 'Voor')] });
    // The database stops taking connections and every open one is ended, as when it goes down.
    await withAdmin(async (admin) => {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    });
    const failed = await store.put({ organisations: [organisation('org-2', 'Tijdens')] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StorageError);
    expect(store.health().ok).toBe(false);
    expect(logs.join('\n')).toMatch(/STORE FAILURE/);
    await withAdmin((admin) => admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`));
    await store.put({ organisations: [organisation('org-3', 'Na')] });
    expect(store.health().ok).toBe(true);
    // Nothing of the refused write is there, everything before and after is.
    expect((await store.list('organisations')).map((o) => o.id)).toEqual(['org-1', 'org-3']);
  });

  it('lets a server without Redis use a database alone, and several with Redis side by side, never both kinds', async () => {
    const { url } = await freshDatabase();
    const alone = await openPgStore({ url, log: () => {}, exclusive: true });
    const second = await openPgStore({ url, log: () => {}, exclusive: true }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(StorageError);
    expect((second as Error).message).toMatch(/another Zorgbeeld server is using the database .*without REDIS_URL one server runs alone.*Set REDIS_URL on every server/);
    const shared = await openPgStore({ url, log: () => {}, exclusive: false }).catch((e: unknown) => e);
    expect((shared as Error).message).toMatch(/a Zorgbeeld server without REDIS_URL is using the database .* alone/);
    await alone.close();
    // Once it has stopped, several may start side by side, and then none alone beside them.
    const one = await openPgStore({ url, log: () => {}, exclusive: false });
    const two = await openPgStore({ url, log: () => {}, exclusive: false });
    expect(await openPgStore({ url, log: () => {}, exclusive: true }).catch((e: unknown) => e)).toBeInstanceOf(StorageError);
    await Promise.all([one.close(), two.close()]);
    const again = await openPgStore({ url, log: () => {}, exclusive: true });
    await again.close();
  });

  it('does not start over a database it cannot reach, and says where', async () => {
    const failed = await openPgStore({ url: 'postgres://postgres@127.0.0.1:1/zorgbeeld', log: () => {} }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StorageError);
    expect((failed as Error).message).toMatch(/127\.0\.0\.1:1\/zorgbeeld/);
  });

  it('copies an embedded data directory into an empty database with `npm run copy-to-postgres`, and refuses a second copy', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'zorgbeeld-copy-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    // A try-out with history: an incident whose board was written on, by the real server.
    // (With reach configured it keeps its keys in keys.json, as `npm start` does.)
    const tryout = await startServer({ dataDir, reach: {} });
    const ghor = await new HttpClient(tryout.url).signIn('ghor', DEMO_PASSWORD);
    const incidentId = (await ghor.post('/api/incidents', { title: 'Verhuizing', grip: 2 })).body.data.id as string;
    const location = (await ghor.get(`/api/incidents/${incidentId}`)).body.data.network.locations[0].id as string;
    const board = connectBoard(tryout.url, incidentId, ghor.cookie);
    await board.synced();
    setReport(board.doc, location, { impact: 'critical', bedsFree: 2, remarks: 'voor de verhuizing' });
    await waitFor(() => readReport(board.doc, location).stamp, { what: 'stamp' });
    board.destroy();
    await tryout.close({ keepData: true });
    const fileRecords = readLogFile(incidentLogFile(dataDir, incidentId)).records;
    const embedded = await openLowdbStore({ dataDir, log: () => {} });
    const expected = Object.fromEntries(await Promise.all(COLLECTION_NAMES.map(async (n) => [n, await embedded.list(n)] as const)));
    await embedded.close();
    // The frozen network and the keys, which the embedded mode keeps as files, become rows.
    expected.networks = [{ id: incidentId, network: JSON.parse(await readFile(join(dataDir, 'incidents', incidentId, 'network.json'), 'utf8')) }];
    const keys = JSON.parse(await readFile(join(dataDir, 'keys.json'), 'utf8'));
    expected.keys = [{ id: 'reach-keys', ...keys }];
    const { name, url } = await freshDatabase();
    const copy = () => spawnSync('npm', ['run', '--silent', 'copy-to-postgres'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir }, encoding: 'utf8' });
    const first = copy();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`copied from .* 42 organisations, 1061 locations.*; ${fileRecords.length} records of 1 incident logs`));
    const store = await openPgStore({ url, log: () => {} });
    onTestFinished(() => store.close());
    for (const name of COLLECTION_NAMES) expect(await store.list(name), name).toEqual(expected[name]);
    // The history came along, record for record, and replays to the same board.
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => {});
    onTestFinished(async () => {
      await pool.end();
    });
    const recorder = await PgRecorder.open(pool, incidentId);
    const copied = await recorder.after(0);
    expect(copied.map((r) => [r.type, r.time, r.user, Buffer.from(r.payload).toString('base64')])).toEqual(fileRecords.map((r) => [r.type, r.time, r.user, Buffer.from(r.payload).toString('base64')]));
    const replayed = await stateFromRecorder(recorder, () => {});
    expect(readReport(replayed.doc, location)).toMatchObject({ impact: 'critical', bedsFree: 2, remarks: 'voor de verhuizing' });
    const second = copy();
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/already holds organisations; copy into an empty database \(nothing was changed\)/);
    // A server on the database alone, without the data directory, opens the board as it was.
    const moved = await startServer({ database: name, seed: false });
    onTestFinished(() => moved.close({ keepData: true }));
    const again = await new HttpClient(moved.url).signIn('ghor', DEMO_PASSWORD);
    expect((await again.get(`/api/incidents/${incidentId}`)).body.data.network.locations[0].id).toBe(location);
    const reader = connectBoard(moved.url, incidentId, again.cookie);
    onTestFinished(() => reader.destroy());
    await reader.synced();
    expect(readReport(reader.doc, location)).toMatchObject({ impact: 'critical', bedsFree: 2, remarks: 'voor de verhuizing' });
  });
});
