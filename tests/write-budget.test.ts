import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { editPictureText, readReport, setReport } from '../shared/incident-doc';
import { CloseCodes } from '../shared/wire';
import { incidentLogFile } from '../server/recorder/incident-log';
import { DEFAULT_WRITE_BUDGET } from '../server/yjs/write-budget';
import { HttpClient } from './helpers/http-client';
import { incidentWithOwnLocations } from './helpers/incident';
import { ADMIN_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';
import { connectBoard } from './helpers/yjs-client';

let server: TestServer;
afterEach(async () => server?.close());

const incidentWithCoordinator = () => incidentWithOwnLocations(server.url, 'Schrijfbudget');

describe('write budget per user', () => {
  it('takes a realistic burst: 50 locations reported in full within a minute, and GHOR typing the picture', async () => {
    server = await startServer();
    const { ghor, coordinator, id, own } = await incidentWithCoordinator();
    const writer = connectBoard(server.url, id, coordinator.cookie);
    const picture = connectBoard(server.url, id, ghor.cookie);
    await Promise.all([writer.synced(), picture.synced()]);
    const locations = own.slice(0, 50);
    expect(locations.length).toBeGreaterThanOrEqual(20);
    // One transaction per tap, as the report form writes: every field, then the longest remarks.
    for (const [i, location] of locations.entries()) {
      for (const change of [{ impact: 'major' }, { operation: 'limited' }, { bedsFree: i }, { canReceive: 2 }, { clientsPresent: 30 }, { toEvacuate: 4 }, { dependentOnPower: 1 }, { power: 'backup' }, { water: 'ok' }, { heating: 'degraded' }, { telecom: 'ok' }, { remarks: `${i} ${'m'.repeat(1990)}` }] as const) {
        setReport(writer.doc, location, change);
      }
    }
    let typed = '';
    for (const word of 'Stroomuitval in Heuvelland; drie verpleeghuizen op noodstroom, één evacueert naar Maastricht. '.repeat(10).split(/(?<= )/)) {
      typed += word;
      editPictureText(picture.doc, 'picture', typed);
    }
    await waitFor(() => locations.every((l, i) => readReport(picture.doc, l).remarks?.startsWith(`${i} `)), { what: 'every report at GHOR' });
    await waitFor(() => picture.doc.getMap('picture').get('picture')?.toString() === typed, { what: 'the picture' });
    expect(writer.closes).toEqual([]);
    expect(picture.closes).toEqual([]);
    writer.destroy();
    picture.destroy();
  });

  it('refuses a user who floods the log with a retryable code and a sentence, others go on, and takes writes again after the refill', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    server = await startServer({ now: () => new Date(now) });
    const { ghor, coordinator, id, own } = await incidentWithCoordinator();
    const flooder = connectBoard(server.url, id, coordinator.cookie);
    const reader = connectBoard(server.url, id, ghor.cookie);
    await Promise.all([flooder.synced(), reader.synced()]);
    const file = incidentLogFile(server.dataDir, id);
    const start = statSync(file).size;
    let sent = 0;
    while (!flooder.closes.some((c) => c.code === CloseCodes.WriteBudget.code) && sent < 5000) {
      setReport(flooder.doc, own[0], { remarks: `${sent++} ${'x'.repeat(1990)}` });
      if (sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const refused = await waitFor(() => flooder.closes.find((c) => c.code === CloseCodes.WriteBudget.code), { what: 'the budget refusal' });
    expect(refused?.reason).toBe(CloseCodes.WriteBudget.reason);
    expect(CloseCodes.WriteBudget.text.nl).toMatch(/opnieuw verstuurd/);
    // The log grew by about the burst (each update is recorded with its stamp and change event), not by what was sent.
    const grown = statSync(file).size - start;
    expect(grown).toBeLessThan(4 * DEFAULT_WRITE_BUDGET.burstBytes);
    expect(sent * 2000).toBeGreaterThan(DEFAULT_WRITE_BUDGET.burstBytes);
    // Another user writes on meanwhile.
    setReport(reader.doc, own[1], { remarks: 'GHOR schrijft door' });
    await waitFor(() => readReport(reader.doc, own[1]).stamp, { what: 'the other user’s write' });

    // The admin sees who makes the log grow.
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    const storage = (await admin.get('/api/storage')).body.data;
    const status = storage.incidents.find((s: { incidentId: string }) => s.incidentId === id);
    expect(status.lastHourBytes).toBeGreaterThan(DEFAULT_WRITE_BUDGET.burstBytes / 2);
    expect(status.writers[0].username).toBe('coordinator');
    expect((await ghor.get('/api/storage')).status).toBe(403);

    // After the refill the provider's kept change goes through.
    now += (2 * DEFAULT_WRITE_BUDGET.burstBytes / DEFAULT_WRITE_BUDGET.bytesPerSecond) * 1000;
    const last = readReport(flooder.doc, own[0]).remarks;
    await waitFor(() => readReport(reader.doc, own[0]).remarks === last, { timeoutMs: 20000, what: 'the last remarks after the refill' });
    flooder.destroy();
    reader.destroy();
  });
});
