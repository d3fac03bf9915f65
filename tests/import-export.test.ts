import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, startServer, type TestServer } from './helpers/server';
import { waitFor } from './helpers/wait-for';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function adminOn(options: { seed?: boolean } = {}) {
  const server = await startServer(options);
  servers.push(server);
  if (options.seed === false) {
    // An empty store still needs an admin account to import into.
    const { hashPassword } = await import('../server/auth/passwords');
    await server.store.put({
      users: [{ id: 'u-admin', username: 'admin', displayName: 'Admin', role: 'admin', organisationId: null, coordinatorId: null, active: true, passwordHash: await hashPassword(ADMIN_PASSWORD), createdAt: new Date().toISOString() }],
    });
  }
  return { server, admin: await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD) };
}

const HEADER = 'id;organisationId;name;address;postcode;municipality;lat;lon;kind;capacity';

describe('import', () => {
  it('checks every row first, reports each bad row with its line and reason, and imports nothing', async () => {
    const { server, admin } = await adminOn();
    const before = await readFile(join(server.dataDir, 'registry.json'), 'utf8');
    const csv = [
      HEADER,
      'imp-1;org-006;Goede locatie;Straat 1;6211 AA;Maastricht;50,85;5,69;verpleeghuis;30',
      'imp-2;org-999;Zonder organisatie;Straat 2;6211 AB;Maastricht;50.85;5.69;verpleeghuis;30',
      'imp-3;org-006;Buiten Nederland;Straat 3;;Parijs;48.85;2.35;verpleeghuis;30',
      'imp-1;org-006;Dubbel id;Straat 4;;Maastricht;50.85;5.69;verpleeghuis;30',
      'imp-5;org-006;Negatief;Straat 5;;Maastricht;50.85;5.69;verpleeghuis;-4',
      'imp-6;org-006;;Straat 6;;Maastricht;50.85;5.69;verpleeghuis;8',
      'imp-7;org-998;Twee fouten;Straat 7;;Maastricht;50.85;5.69;verpleeghuis;veel',
      'imp-5;org-006;Zelfde id als een foute regel;Straat 9;;Maastricht;50.85;5.69;verpleeghuis;10',
    ].join('\n');
    const check = await admin.post('/api/import/locations?format=csv', csv, { 'content-type': 'text/csv' });
    expect(check.status).toBe(200);
    expect(check.body.data).toMatchObject({ rows: 8, valid: 1, created: 1, committed: false });
    // Each problem repeats the cell as the file has it, so that the admin finds it there.
    expect(check.body.data.problems).toEqual([
      { line: 3, path: 'organisationId', value: 'org-999', message: "organisatie 'org-999' bestaat niet" },
      { line: 4, path: 'lat', value: '48.85', message: expect.stringMatching(/buiten Nederland/) },
      { line: 5, path: 'id', value: 'imp-1', message: "id 'imp-1' staat al op regel 2" },
      { line: 6, path: 'capacity', value: '-4', message: 'moet minstens 0 zijn' },
      { line: 7, path: 'name', value: '', message: expect.any(String) },
      // A row's problems all at once, the unknown organisation with its bad fields.
      { line: 8, path: 'capacity', value: 'veel', message: expect.any(String) },
      { line: 8, path: 'organisationId', value: 'org-998', message: "organisatie 'org-998' bestaat niet" },
      // A bad row's id counts too: fixing line 6 would otherwise make line 9 a new problem.
      { line: 9, path: 'id', value: 'imp-5', message: "id 'imp-5' staat al op regel 6" },
    ]);
    const commit = await admin.post('/api/import/locations?format=csv&commit=true', csv);
    expect(commit.status).toBe(422);
    expect(commit.body.error.code).toBe('invalid-import');
    expect(commit.body.error.message).toMatch(/er is niets geïmporteerd/);
    expect((await admin.get('/api/locations/imp-1')).status).toBe(404);
    expect(await readFile(join(server.dataDir, 'registry.json'), 'utf8')).toBe(before);
  });

  it('imports only the valid rows when the admin chooses so, and updates existing ids', async () => {
    const { admin } = await adminOn();
    const csv = [
      HEADER,
      'loc-00001;org-001;Hernoemd ziekenhuis;Straat 1;6211 AA;Maastricht;50.85;5.69;ziekenhuis;300',
      'imp-2;org-999;Zonder organisatie;Straat 2;;Maastricht;50.85;5.69;verpleeghuis;30',
      'imp-3;org-006;Nieuw;Straat 3;;Heerlen;50.88;5.97;verpleeghuis;12',
    ].join('\r\n');
    const commit = await admin.post('/api/import/locations?commit=true&skipInvalid=true', csv);
    expect(commit.body.data).toMatchObject({ rows: 3, valid: 2, created: 1, updated: 1, committed: true });
    expect((await admin.get('/api/locations/loc-00001')).body.data.name).toBe('Hernoemd ziekenhuis');
    expect((await admin.get('/api/locations/imp-3')).body.data.capacity).toBe(12);
    expect((await admin.get('/api/locations/imp-2')).status).toBe(404);
  });

  it('refuses files that cannot be read as a whole, with the reason', async () => {
    const { admin } = await adminOn();
    const latin1 = new Uint8Array([...Buffer.from(`${HEADER}\nimp-1;org-006;Caf`), 0xe9, ...Buffer.from(';x;;Maastricht;50.85;5.69;;1\n')]);
    const encoding = await admin.post('/api/import/locations', latin1);
    expect(encoding.status).toBe(400);
    expect(encoding.body.error.message).toMatch(/geen UTF-8/);
    const columns = await admin.post('/api/import/locations', 'id,name\nx,y\n');
    expect(columns.body.error.message).toMatch(/Kolommen ontbreken in de kopregel: organisationId/);
    const json = await admin.post('/api/import/locations?format=geojson', '{"type": "Feature"');
    expect(json.body.error.message).toBe('Het bestand is geen geldige JSON.');
    const unknownSector = await admin.post('/api/import/organisations', 'id,name,sector\norg-x,Nieuwe zorg,ziekenhuis\n');
    expect(unknownSector.body.data.problems[0]).toMatchObject({ line: 2, path: 'sector' });
    const format = await admin.post('/api/import/organisations?format=geojson', '{}');
    expect(format.status).toBe(400);
  });

  it('round-trips: export → import into an empty store → the same network', async () => {
    const { admin: source } = await adminOn();
    const organisations = (await source.get('/api/export/organisations.csv')).text;
    const locationsGeoJson = (await source.get('/api/export/locations.geojson')).text;
    const locationsCsv = (await source.get('/api/export/locations.csv')).text;
    const coordinators = (await source.get('/api/export/coordinators.csv')).text;
    expect(organisations.split('\r\n')[0]).toBe('id,name,sector,phone,email,active');
    // Phone numbers start with '+': guarded against spreadsheet formulas by an invisible word joiner, not a visible quote.
    expect(organisations).toContain(',\u2060+31 ');
    expect(organisations).not.toContain(`'+31`);

    // The form Dutch Excel opens as columns: a byte-order mark and ';' between cells; it imports back the same.
    const bytes = Buffer.from(await (await fetch(`${source.baseUrl}/api/export/coordinators.csv?excel=1`, { headers: { cookie: source.cookie } })).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const excel = bytes.toString('utf8');
    expect(excel.startsWith('\uFEFFid;organisationId;name;phone;email;channels;introCompletedAt;active;kind;dayCourseOn;invitedAt\r\n')).toBe(true);
    {
      const { admin: target } = await adminOn({ seed: false });
      expect((await target.post('/api/import/organisations?format=csv&commit=true', organisations)).body.data.committed).toBe(true);
      const answer = await target.post('/api/import/coordinators?format=csv&commit=true', excel);
      expect(answer.body.data?.problems ?? answer.body.error).toEqual([]);
      expect((await target.get('/api/coordinators')).body.data).toEqual((await source.get('/api/coordinators')).body.data);
    }

    for (const locations of [{ format: 'geojson', body: locationsGeoJson }, { format: 'csv', body: locationsCsv }]) {
      const { admin: target } = await adminOn({ seed: false });
      expect((await target.post(`/api/import/locations?format=${locations.format}&commit=true`, locations.body)).status).toBe(422);
      for (const [kind, format, body] of [
        ['organisations', 'csv', organisations],
        ['locations', locations.format, locations.body],
        ['coordinators', 'csv', coordinators],
      ]) {
        const answer = await target.post(`/api/import/${kind}?format=${format}&commit=true`, body);
        expect(answer.body.data?.problems ?? answer.body.error).toEqual([]);
        expect(answer.body.data.committed).toBe(true);
      }
      for (const kind of ['organisations', 'locations', 'coordinators']) {
        expect((await target.get(`/api/${kind}`)).body.data).toEqual((await source.get(`/api/${kind}`)).body.data);
      }
    }
  });
});

describe('import at scale and across organisations', () => {
  it('lists moves to another organisation separately and imports them only when confirmed', async () => {
    const { server, admin } = await adminOn();
    const [location] = await server.store.list('locations');
    const other = (await server.store.list('organisations')).find((o) => o.id !== location.organisationId)!;
    const csv = `${HEADER}\n${location.id};${other.id};${location.name};${location.address};${location.postcode};${location.municipality};${location.lat};${location.lon};${location.kind};${location.capacity}\n`;
    const check = await admin.post('/api/import/locations', csv);
    expect(check.status).toBe(200);
    expect(check.body.data).toMatchObject({ updated: 1, moved: 1, moves: [{ line: 2, id: location.id, from: location.organisationId, to: other.id }] });
    const unconfirmed = await admin.post('/api/import/locations?commit=true', csv);
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.error.message).toMatch(/verhuist naar een andere organisatie.*bevestig/);
    expect((await server.store.get('locations', location.id))!.organisationId).toBe(location.organisationId);
    const confirmed = await admin.post('/api/import/locations?commit=true&confirmMoves=true', csv);
    expect(confirmed.status).toBe(200);
    expect((await server.store.get('locations', location.id))!.organisationId).toBe(other.id);
  });

  it('checks 200,000 rows while other requests are answered, and caps the problem list with counts per kind', async () => {
    const { server, admin } = await adminOn();
    const rows = Array.from({ length: 200000 }, (_, i) => `loc-big-${i};org-bestaat-niet;Locatie ${i};Straat ${i};6211AB;Maastricht;50.85;5.69;verpleeghuis;${i % 90}`);
    const importing = admin.post('/api/import/locations', `${HEADER}\n${rows.join('\n')}\n`);
    const order: string[] = [];
    void importing.then(() => order.push('import'));
    // The server and this test share one event loop: if checking blocked it, the health answer could only come after the import's.
    await waitFor(() => server.logs.some((l) => l.startsWith('import of locations: checking')), { timeoutMs: 20000, what: 'the import to start' });
    await fetch(`${server.url}/api/health`).then(() => order.push('health'));
    const answer = await importing;
    expect(order).toEqual(['health', 'import']);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({ rows: 200000, valid: 0, problemCount: 200000 });
    expect(answer.body.data.problems).toHaveLength(200);
    expect(answer.body.data.problemKinds).toEqual([{ path: 'organisationId', message: expect.stringContaining('bestaat niet'), count: 200000 }]);
    expect(answer.text.length).toBeLessThan(100000);
  }, 60000);
});
