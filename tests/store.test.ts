import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../server/store/lowdb-store';
import { StoreCorruptError } from '../server/store/store';
import { generateDemoRegion } from '../shared/demo-region';

let dir: string;
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('lowdb store', () => {
  it('keeps what was written across a reopen', async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgbeeld-store-'));
    const network = generateDemoRegion();
    const store = await openLowdbStore({ dataDir: dir, log: () => {} });
    await store.put(network);
    await store.close();
    const reopened = await openLowdbStore({ dataDir: dir, log: () => {} });
    expect(await reopened.list('locations')).toEqual(network.locations);
    expect(await reopened.get('organisations', 'org-042')).toEqual(network.organisations[41]);
  });

  it('writes a row only if its id is absent: of two calls at once, the first stands for both, and on disk', async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgbeeld-store-'));
    const store = await openLowdbStore({ dataDir: dir, log: () => {} });
    const ack = (answer: 'yes' | 'no') => ({ id: 'alert-1:org-001', alertId: 'alert-1', organisationId: 'org-001', userId: `u-${answer}`, username: answer, displayName: answer, answer, at: '2026-12-07T05:00:00.000Z', via: 'app' as const, coordinatorId: null });
    const [first, second] = await Promise.all([store.putIfAbsent('acknowledgements', ack('yes')), store.putIfAbsent('acknowledgements', ack('no'))]);
    expect(first).toEqual(ack('yes'));
    expect(second).toEqual(ack('yes'));
    await store.close();
    const reopened = await openLowdbStore({ dataDir: dir, log: () => {} });
    expect(await reopened.list('acknowledgements')).toEqual([ack('yes')]);
  });

  it('refuses to open a file cut in half, names it, and leaves it untouched', async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgbeeld-store-'));
    const store = await openLowdbStore({ dataDir: dir, log: () => {} });
    await store.put(generateDemoRegion());
    await store.close();
    const file = join(dir, 'registry.json');
    const whole = await readFile(file, 'utf8');
    const half = whole.slice(0, Math.floor(whole.length / 2));
    await writeFile(file, half);
    const opening = openLowdbStore({ dataDir: dir, log: () => {} });
    await expect(opening).rejects.toThrow(StoreCorruptError);
    await expect(opening).rejects.toThrow(file);
    expect(await readFile(file, 'utf8')).toBe(half);
  });

  it('keeps data in memory and says so when the disk refuses a write', async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgbeeld-store-'));
    const logs: string[] = [];
    const store = await openLowdbStore({ dataDir: dir, log: (m) => logs.push(m), retryMs: 60000 });
    // Removing the directory makes the atomic write (temp file + rename) fail.
    await rm(dir, { recursive: true, force: true });
    await store.put({ organisations: [{ id: 'org-x', name: 'X', sector: 'ggd', phone: '', email: '', active: true }] });
    expect(store.health().ok).toBe(false);
    expect(logs.some((l) => l.startsWith('STORE FAILURE'))).toBe(true);
    expect(await store.get('organisations', 'org-x')).toMatchObject({ name: 'X' });
    await store.close();
  });
});
