import { describe, expect, it } from 'vitest';
import type { Need, Report } from './board-schema';
import { computeFigures, filterLocations, isStale } from './board-view';
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
