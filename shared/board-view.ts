import { IMPACTS, OPERATIONS, URGENCIES, isInsideRing, type Impact, type Need, type Operation, type Report, type Urgency } from './board-schema';
import type { Location, Organisation, Sector } from './domain';

/** A report counts as stale when its last change is older than this. */
export const STALE_AFTER_MS = 60 * 60 * 1000;

/** Filters of the board: every set field narrows the list. */
export interface BoardFilter {
  q?: string;
  sector?: Sector | '';
  impact?: Impact | '';
  organisationId?: string;
  municipality?: string;
  notReported?: boolean;
  stale?: boolean;
}

/** Whether a location has been reported on in this incident (the server stamped a change). */
export function isReported(report: Report | undefined): boolean {
  return report?.stamp !== undefined;
}

/** Whether a reported location's last change is older than {@link STALE_AFTER_MS}. */
export function isStale(report: Report | undefined, now: number): boolean {
  return report?.stamp !== undefined && now - Date.parse(report.stamp.at) > STALE_AFTER_MS;
}

/** The impact of a location, `unknown` when not reported. */
export function impactOf(report: Report | undefined): Impact {
  return report?.impact ?? 'unknown';
}

/** Applies the board filters to the locations of an incident. */
export function filterLocations({
  locations,
  organisations,
  reports,
  filter,
  now,
}: {
  locations: readonly Location[];
  organisations: ReadonlyMap<string, Organisation>;
  reports: ReadonlyMap<string, Report>;
  filter: BoardFilter;
  now: number;
}): Location[] {
  // Each filter read once, not once per location: a page's filter is reactive state, every read
  // of which goes through its proxy (70,000 reads for 10,000 locations on every report).
  const { sector, organisationId, municipality, impact, notReported, stale } = filter;
  const q = filter.q?.trim().toLowerCase();
  return locations.filter((l) => {
    const report = reports.get(l.id);
    const organisation = organisations.get(l.organisationId);
    if (sector && organisation?.sector !== sector) return false;
    if (organisationId && l.organisationId !== organisationId) return false;
    if (municipality && l.municipality !== municipality) return false;
    if (impact && impactOf(report) !== impact) return false;
    if (notReported && isReported(report)) return false;
    if (stale && !isStale(report, now)) return false;
    if (q && !`${l.name} ${l.address} ${l.municipality} ${organisation?.name ?? ''}`.toLowerCase().includes(q)) return false;
    return true;
  });
}

/** Lower case, without accents: "Coördinatie" and "coordinatie" match alike. */
function plain(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * An organisation's own locations as its coordinator's list shows them: by place, then name, so
 * that one of fifty is found where one expects it; with `query`, only those whose name, street or
 * place holds every word of it.
 */
export function ownLocationsListed(locations: readonly Location[], query = ''): Location[] {
  const words = plain(query).split(/\s+/).filter(Boolean);
  return locations
    .filter((l) => {
      const text = plain(`${l.name} ${l.address} ${l.municipality}`);
      return words.every((word) => text.includes(word));
    })
    .sort((a, b) => a.municipality.localeCompare(b.municipality, 'nl') || a.name.localeCompare(b.name, 'nl'));
}

/**
 * The ids of the locations inside any of the rings ([lon, lat] points, as GeoJSON has them): the
 * incident's areas on the board and the areas its alerts went to. A coordinator's list puts
 * these first, so that after "hit" the locations the crisis is about are the ones on top.
 */
export function locationsInAreas(locations: readonly Location[], rings: readonly (readonly (readonly number[])[])[]): Set<string> {
  return new Set(locations.filter((l) => rings.some((ring) => isInsideRing(l, ring))).map((l) => l.id));
}

/** Capacity totals of one group (municipality or sector). */
export interface CapacityTotals {
  bedsFree: number;
  canReceive: number;
  toEvacuate: number;
}

/** The key figures of the situation picture. */
export interface BoardFigures {
  locations: number;
  reported: number;
  byImpact: Record<Impact, number>;
  byOperation: Record<Operation, number>;
  toEvacuate: number;
  clientsPresent: number;
  dependentOnPower: number;
  bedsFree: number;
  canReceive: number;
  byMunicipality: Map<string, CapacityTotals>;
  bySector: Map<Sector, CapacityTotals>;
  openNeeds: Record<Urgency, number>;
  /** Organisations none of whose locations has been reported on. */
  organisationsNotReported: Organisation[];
}

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function addTo<K>(map: Map<K, CapacityTotals>, key: K, report: Report): void {
  const totals = map.get(key) ?? { bedsFree: 0, canReceive: 0, toEvacuate: 0 };
  totals.bedsFree += report.bedsFree ?? 0;
  totals.canReceive += report.canReceive ?? 0;
  totals.toEvacuate += report.toEvacuate ?? 0;
  map.set(key, totals);
}

/** Computes the key figures from the locations, reports and needs; pure. */
export function computeFigures({
  locations,
  organisations,
  reports,
  needs,
}: {
  locations: readonly Location[];
  organisations: readonly Organisation[];
  reports: ReadonlyMap<string, Report>;
  needs: readonly Need[];
}): BoardFigures {
  const organisationById = new Map(organisations.map((o) => [o.id, o]));
  const figures: BoardFigures = {
    locations: locations.length,
    reported: 0,
    byImpact: zeros(IMPACTS),
    byOperation: zeros(OPERATIONS),
    toEvacuate: 0,
    clientsPresent: 0,
    dependentOnPower: 0,
    bedsFree: 0,
    canReceive: 0,
    byMunicipality: new Map(),
    bySector: new Map(),
    openNeeds: zeros(URGENCIES),
    organisationsNotReported: [],
  };
  const reportedOrganisations = new Set<string>();
  for (const location of locations) {
    const report = reports.get(location.id);
    figures.byImpact[impactOf(report)]++;
    if (!report) continue;
    if (isReported(report)) {
      figures.reported++;
      reportedOrganisations.add(location.organisationId);
    }
    if (report.operation) figures.byOperation[report.operation]++;
    figures.toEvacuate += report.toEvacuate ?? 0;
    figures.clientsPresent += report.clientsPresent ?? 0;
    figures.dependentOnPower += report.dependentOnPower ?? 0;
    figures.bedsFree += report.bedsFree ?? 0;
    figures.canReceive += report.canReceive ?? 0;
    if (report.bedsFree !== undefined || report.canReceive !== undefined || report.toEvacuate !== undefined) {
      addTo(figures.byMunicipality, location.municipality, report);
      const sector = organisationById.get(location.organisationId)?.sector;
      if (sector) addTo(figures.bySector, sector, report);
    }
  }
  for (const need of needs) {
    if (need.status === 'open' || need.status === 'acknowledged' || need.status === 'in-progress') figures.openNeeds[need.urgency]++;
  }
  figures.organisationsNotReported = organisations.filter((o) => !reportedOrganisations.has(o.id));
  return figures;
}

/** Reports that came in together: one person's changes of one organisation's locations to the same impact within a minute. */
export interface RecentReports {
  locationIds: string[];
  organisationId: string;
  impact: Impact;
  operation?: Operation;
  /** The latest change's stamp: who (username and name) and when. */
  at: string;
  by: string;
  byName: string;
  onBehalf: boolean;
  /** Set when they came from the organisation's answer to an alert ("niet getroffen"). */
  fromAnswer: boolean;
}

/**
 * The latest reports, newest first, for GHOR's "what just came in": changes that one person made
 * to one organisation's locations with the same impact within a minute are one entry (an answer
 * "niet getroffen" turns 50 locations green at once; that is one thing that happened).
 */
export function recentReports({ locations, reports, limit }: { locations: readonly Location[]; reports: ReadonlyMap<string, Report>; limit: number }): RecentReports[] {
  const stamped = locations
    .map((l) => ({ location: l, report: reports.get(l.id) }))
    .filter((x): x is { location: Location; report: Report & { stamp: NonNullable<Report['stamp']> } } => x.report?.stamp !== undefined)
    .sort((x, y) => y.report.stamp.at.localeCompare(x.report.stamp.at));
  const entries: RecentReports[] = [];
  for (const { location, report } of stamped) {
    const impact = impactOf(report);
    const last = entries.at(-1);
    const together =
      last &&
      last.organisationId === location.organisationId &&
      last.impact === impact &&
      last.by === report.stamp.by &&
      Date.parse(last.at) - Date.parse(report.stamp.at) < 60000;
    if (together) {
      last.locationIds.push(location.id);
      continue;
    }
    if (entries.length === limit) break;
    entries.push({
      locationIds: [location.id],
      organisationId: location.organisationId,
      impact,
      operation: report.operation,
      at: report.stamp.at,
      by: report.stamp.by,
      byName: report.stamp.byName,
      onBehalf: report.stamp.onBehalf,
      fromAnswer: report.stamp.via === 'alert-answer',
    });
  }
  return entries;
}
