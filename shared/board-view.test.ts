import { describe, expect, it } from 'vitest';
import type { Need, Report } from './board-schema';
import { computeFigures, filterLocations, isStale, locationsInAreas, ownLocationsListed, recentReports } from './board-view';
import { generateDemoRegion } from './demo-region';

const network = generateDemoRegion();
const organisations = new Map(network.organisations.map((o) => [o.id, o]));
const stamp = (at: string) => ({ by: 'c', byName: 'C', organisationId: null, onBehalf: false, at });
const [a, b, c] = network.locations;

describe('board figures', () => {
  const reports = new Map<string, Report>([
    [a.id, { impact: 'critical', operation: 'evacuating', toEvacuate: 30, bedsFree: 0, stamp: stamp('2026-03-01T10:00:00Z') }],
    [b.id, { impact: 'minor', bedsFree: 5, canReceive: 3, stamp: stamp('2026-03-01T11:30:00Z') }],
    [c.id, {}],
  ]);
  const needs = [
    { urgency: 'immediate', status: 'open' },
    { urgency: 'immediate', status: 'in-progress' },
    { urgency: 'low', status: 'met' },
  ] as Need[];
  const figures = computeFigures({ locations: network.locations, organisations: network.organisations, reports, needs });

  it('counts locations per impact, unreported ones as unknown', () => {
    expect(figures.byImpact.critical).toBe(1);
    expect(figures.byImpact.minor).toBe(1);
    expect(figures.byImpact.unknown).toBe(network.locations.length - 2);
    expect(figures.reported).toBe(2);
    expect(figures.byOperation.evacuating).toBe(1);
  });

  it('sums capacity per municipality and sector, and open needs by urgency', () => {
    expect(figures.toEvacuate).toBe(30);
    expect(figures.bedsFree).toBe(5);
    expect(figures.canReceive).toBe(3);
    const municipalityTotal = [...figures.byMunicipality.values()].reduce((n, t) => n + t.bedsFree, 0);
    expect(municipalityTotal).toBe(5);
    expect(figures.byMunicipality.get(b.municipality)?.canReceive).toBeGreaterThanOrEqual(3);
    expect(figures.openNeeds).toEqual({ low: 0, high: 0, immediate: 2 });
  });

  it('lists organisations without any reported location', () => {
    const reportedOrgs = new Set([a.organisationId, b.organisationId]);
    expect(figures.organisationsNotReported.map((o) => o.id).sort()).toEqual(network.organisations.filter((o) => !reportedOrgs.has(o.id)).map((o) => o.id).sort());
  });

  it('filters by impact, not reported, stale and search', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const base = { locations: network.locations, organisations, reports, now };
    expect(filterLocations({ ...base, filter: { impact: 'critical' } }).map((l) => l.id)).toEqual([a.id]);
    expect(filterLocations({ ...base, filter: { stale: true } }).map((l) => l.id)).toEqual([a.id]);
    expect(isStale(reports.get(b.id), now)).toBe(false);
    expect(filterLocations({ ...base, filter: { notReported: true } })).toHaveLength(network.locations.length - 2);
    expect(filterLocations({ ...base, filter: { q: a.name } }).map((l) => l.id)).toContain(a.id);
    expect(filterLocations({ ...base, filter: { sector: 'hospital' } }).every((l) => organisations.get(l.organisationId)?.sector === 'hospital')).toBe(true);
  });
});

describe('a coordinator’s own locations', () => {
  const own = network.locations.filter((l) => l.organisationId === network.locations[0].organisationId);
  const at = (name: string, municipality: string, address = 'Markt 1') => ({ ...own[0], id: name, name, municipality, address });

  it('lists them by place, then name, whatever order the network has', () => {
    const listed = ownLocationsListed([at('Het Anker', 'Sittard'), at('De Beuk', 'Kerkrade'), at('Avondrood', 'Sittard'), at('Zonnehof', 'Beek')]);
    expect(listed.map((l) => `${l.municipality} ${l.name}`)).toEqual(['Beek Zonnehof', 'Kerkrade De Beuk', 'Sittard Avondrood', 'Sittard Het Anker']);
    expect(ownLocationsListed(own)).toHaveLength(own.length);
  });

  it('keeps those whose name, street or place holds every word searched, without regard to case or accents', () => {
    const list = [at('Het Anker', 'Sittard', 'Geulstraat 3'), at('Het Anker', 'Brunssum', 'Mergelweg 172'), at('Café Coördinatie', 'Heerlen')];
    expect(ownLocationsListed(list, 'anker').map((l) => l.municipality)).toEqual(['Brunssum', 'Sittard']);
    expect(ownLocationsListed(list, '  ANKER  brunssum ').map((l) => l.address)).toEqual(['Mergelweg 172']);
    expect(ownLocationsListed(list, 'geulstraat').map((l) => l.municipality)).toEqual(['Sittard']);
    expect(ownLocationsListed(list, 'coordinatie').map((l) => l.name)).toEqual(['Café Coördinatie']);
    expect(ownLocationsListed(list, 'Maastricht')).toEqual([]);
    expect(ownLocationsListed(list, '')).toHaveLength(3);
  });

  it('finds those inside any of the areas, given as GeoJSON rings of [lon, lat]', () => {
    const square = (lat: number, lon: number, d: number) => [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]];
    const [first, second, ...rest] = own;
    const inside = locationsInAreas(own, [square(first.lat, first.lon, 0.0005), square(second.lat, second.lon, 0.0005)]);
    expect(inside.has(first.id) && inside.has(second.id)).toBe(true);
    expect(rest.filter((l) => inside.has(l.id)).every((l) => Math.abs(l.lat - first.lat) < 0.001 || Math.abs(l.lat - second.lat) < 0.001)).toBe(true);
    expect(locationsInAreas(own, [])).toEqual(new Set());
    expect(locationsInAreas(own, [square(0, 0, 1)])).toEqual(new Set());
  });
});

describe('recent reports', () => {
  // The organisation with the most locations (a nursing-home group of about 50).
  const counts = new Map<string, number>();
  for (const l of network.locations) counts.set(l.organisationId, (counts.get(l.organisationId) ?? 0) + 1);
  const big = [...counts].sort((x, y) => y[1] - x[1])[0][0];
  const own = network.locations.filter((l) => l.organisationId === big);
  const other = network.locations.find((l) => l.organisationId !== big)!;
  const by = (byName: string, at: string, via?: 'alert-answer') => ({ by: byName, byName, organisationId: big, onBehalf: false, at, ...(via ? { via } : {}) });

  it('lists the newest first, a burst of one person on one organisation as one entry', () => {
    const reports = new Map<string, Report>([
      // 10:00 the organisation answers "niet getroffen": its locations turn green together.
      ...own.slice(1).map((l, i) => [l.id, { impact: 'none', operation: 'normal', stamp: by('Coördinator', `2026-03-01T10:00:${String(i % 60).padStart(2, '0')}Z`, 'alert-answer') }] as [string, Report]),
      // 10:05 one location of it critical after all; 10:07 another organisation, minor.
      [own[0].id, { impact: 'critical', operation: 'evacuating', stamp: by('Coördinator', '2026-03-01T10:05:00Z') }],
      [other.id, { impact: 'minor', stamp: { ...by('Andere', '2026-03-01T10:07:00Z'), organisationId: other.organisationId } }],
    ]);
    const entries = recentReports({ locations: network.locations, reports, limit: 5 });
    expect(entries.map((e) => [e.impact, e.locationIds.length, e.at])).toEqual([
      ['minor', 1, '2026-03-01T10:07:00Z'],
      ['critical', 1, '2026-03-01T10:05:00Z'],
      ['none', own.length - 1, `2026-03-01T10:00:${String(Math.min(own.length - 2, 59)).padStart(2, '0')}Z`],
    ]);
    expect(entries[1]).toMatchObject({ locationIds: [own[0].id], operation: 'evacuating', fromAnswer: false });
    expect(entries[2].fromAnswer).toBe(true);
    // At most `limit` entries; a location never reported is not in them.
    expect(recentReports({ locations: network.locations, reports, limit: 2 })).toHaveLength(2);
    expect(recentReports({ locations: network.locations, reports: new Map(), limit: 5 })).toEqual([]);
  });

  it('keeps changes a minute or more apart, or to another impact, as entries of their own', () => {
    const reports = new Map<string, Report>([
      [own[0].id, { impact: 'major', stamp: by('C', '2026-03-01T10:00:00Z') }],
      [own[1].id, { impact: 'major', stamp: by('C', '2026-03-01T10:01:00Z') }],
      [own[2].id, { impact: 'minor', stamp: by('C', '2026-03-01T10:01:10Z') }],
    ]);
    expect(recentReports({ locations: network.locations, reports, limit: 5 }).map((e) => e.locationIds)).toEqual([[own[2].id], [own[1].id], [own[0].id]]);
  });
});
