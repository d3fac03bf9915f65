import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './helpers/http-client';
import { ADMIN_PASSWORD, DEMO_PASSWORD, startServer, type TestServer } from './helpers/server';

let server: TestServer;
afterEach(async () => server?.close());

const newLocation = {
  id: 'loc-new-1',
  organisationId: 'org-006',
  name: 'Woonzorgcentrum De Proef',
  address: 'Proefstraat 1',
  postcode: '6211 AA',
  municipality: 'Maastricht',
  lat: 50.85,
  lon: 5.69,
  kind: 'verpleeghuis',
  capacity: 40,
};

describe('registry', () => {
  it('lists the seeded demo region to every signed-in role, and nothing without a session', async () => {
    server = await startServer();
    expect((await new HttpClient(server.url).get('/api/locations')).status).toBe(401);
    const observer = await new HttpClient(server.url).signIn('observer', DEMO_PASSWORD);
    const organisations = (await observer.get('/api/organisations')).body.data;
    const locations = (await observer.get('/api/locations')).body.data;
    expect(organisations).toHaveLength(42);
    expect(locations.length).toBeGreaterThan(1000);
    expect(new Set(organisations.map((o: { sector: string }) => o.sector)).size).toBe(12);
    expect(organisations.find((o: { sector: string }) => o.sector === 'hospital').acute).toBe(true);
    expect(organisations.find((o: { sector: string }) => o.sector === 'home-care').acute).toBe(false);
    const geojson = await observer.get('/api/locations?format=geojson&municipality=Vaals');
    expect(geojson.headers.get('content-type')).toContain('application/geo+json');
    expect(geojson.body.type).toBe('FeatureCollection');
    expect(geojson.body.features.length).toBeGreaterThan(0);
    expect(geojson.body.features.every((f: { properties: { municipality: string } }) => f.properties.municipality === 'Vaals')).toBe(true);
  });

  it('filters by sector, municipality and search text', async () => {
    server = await startServer();
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const hospitals = (await ghor.get('/api/organisations?sector=hospital')).body.data;
    expect(hospitals).toHaveLength(3);
    const heerlen = (await ghor.get('/api/locations?municipality=Heerlen')).body.data;
    expect(heerlen.length).toBeGreaterThan(10);
    expect(heerlen.every((l: { municipality: string }) => l.municipality === 'Heerlen')).toBe(true);
    const search = (await ghor.get('/api/organisations?q=thuisbeademing')).body.data;
    expect(search.map((o: { sector: string }) => o.sector)).toEqual(['home-ventilation']);
  });

  it('lets the admin create, edit and deactivate, never hard-delete', async () => {
    server = await startServer();
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    const created = await admin.post('/api/locations', newLocation);
    expect(created.status).toBe(201);
    const edited = await admin.patch('/api/locations/loc-new-1', { capacity: 44, name: 'De Proef' });
    expect(edited.body.data).toMatchObject({ capacity: 44, name: 'De Proef', lat: 50.85 });
    const removed = await admin.delete('/api/locations/loc-new-1');
    expect(removed.status).toBe(200);
    const after = await admin.get('/api/locations/loc-new-1');
    expect(after.body.data).toMatchObject({ id: 'loc-new-1', active: false });
    const inactive = (await admin.get('/api/locations?active=false')).body.data;
    expect(inactive.map((l: { id: string }) => l.id)).toContain('loc-new-1');
    const coordinator = await admin.post('/api/coordinators', {
      id: 'coo-new',
      organisationId: 'org-006',
      name: 'Test Persoon',
      phone: '+31 6 12345678',
      introCompletedAt: '2026-02-01',
    });
    expect(coordinator.body.data).toMatchObject({ connected: true, introCompletedAt: '2026-02-01T00:00:00.000Z' });
    const pending = await admin.patch('/api/coordinators/coo-new', { introCompletedAt: null });
    expect(pending.body.data.connected).toBe(false);
  });

  it('refuses registry changes from every role but admin', async () => {
    server = await startServer();
    for (const username of ['ghor', 'coordinator', 'observer']) {
      const client = await new HttpClient(server.url).signIn(username, DEMO_PASSWORD);
      expect((await client.post('/api/locations', newLocation)).status).toBe(403);
      expect((await client.patch('/api/organisations/org-001', { name: 'Hacked' })).status).toBe(403);
      expect((await client.delete('/api/locations/loc-00001')).status).toBe(403);
      expect((await client.post('/api/import/locations', 'id\n')).status).toBe(403);
    }
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    expect((await admin.get('/api/organisations/org-001')).body.data.name).not.toBe('Hacked');
    expect((await admin.get('/api/locations/loc-00001')).body.data.active).toBe(true);
  });

  it('shows coordinators’ contact details to admin and GHOR, to a coordinator only its own organisation’s', async () => {
    server = await startServer();
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const coordinator = await new HttpClient(server.url).signIn('coordinator', DEMO_PASSWORD);
    const observer = await new HttpClient(server.url).signIn('observer', DEMO_PASSWORD);
    const all = (await ghor.get('/api/coordinators')).body.data;
    expect(all.length).toBeGreaterThanOrEqual(170);
    expect(all.some((c: { connected: boolean }) => !c.connected)).toBe(true);
    const own = (await coordinator.get('/api/coordinators')).body.data;
    const me = (await coordinator.get('/api/me')).body.data;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((c: { organisationId: string }) => c.organisationId === me.organisationId)).toBe(true);
    expect((await observer.get('/api/coordinators')).body.data).toEqual([]);
    const foreign = all.find((c: { organisationId: string }) => c.organisationId !== me.organisationId);
    expect((await coordinator.get(`/api/coordinators/${foreign.id}`)).status).toBe(404);
    expect((await coordinator.get('/api/export/coordinators.csv')).status).toBe(403);
  });

  it('answers invalid input with every problem, in Dutch, and changes nothing', async () => {
    server = await startServer();
    const admin = await new HttpClient(server.url).signIn('admin', ADMIN_PASSWORD);
    const bad = await admin.post('/api/locations', { ...newLocation, capacity: -3, lat: 5.69, lon: 50.85, organisationId: 'org-999' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad-request');
    expect(bad.body.error.message).toMatch(/^De invoer klopt niet\./);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['capacity', 'lat']));
    const unknownOrg = await admin.post('/api/locations', { ...newLocation, organisationId: 'org-999' });
    expect(unknownOrg.status).toBe(400);
    expect(unknownOrg.body.error.details[0]).toEqual({ path: 'organisationId', message: "organisatie 'org-999' bestaat niet" });
    const sector = await admin.patch('/api/organisations/org-001', { sector: 'ziekenhuis' });
    expect(sector.status).toBe(400);
    expect(sector.body.error.details[0].message).toMatch(/'ziekenhuis' is onbekend/);
    const swapped = await admin.patch('/api/locations/loc-00001', { lat: 5.7 });
    expect(swapped.status).toBe(400);
    const trick = await admin.get('/api/locations/..%2F..%2Fregistry.json');
    expect(trick.status).toBe(400);
    expect((await admin.post('/api/locations', newLocation)).status).toBe(201);
    expect((await admin.post('/api/locations', newLocation)).status).toBe(409);
    const original = (await admin.get('/api/organisations/org-001')).body.data;
    expect(original.sector).toBe('hospital');
    expect((await admin.get('/api/locations/loc-00001')).body.data.lat).toBeGreaterThan(50);
  });
});
