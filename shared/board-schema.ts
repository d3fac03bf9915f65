import { isInNetherlands } from './domain';

/** Root names of the incident document (docs/architecture.md, "The incident document and its gate"). No other root may exist. */
export const ROOTS = {
  reports: 'reports',
  needs: 'needs',
  picture: 'picture',
  areas: 'areas',
  logbook: 'logbook',
} as const;

/** One root name. */
export type RootName = (typeof ROOTS)[keyof typeof ROOTS];

/** Every root name. */
export const ROOT_NAMES: readonly RootName[] = Object.values(ROOTS);

export const IMPACTS = ['unknown', 'none', 'minor', 'major', 'critical'] as const;
export const OPERATIONS = ['normal', 'limited', 'shelter-in-place', 'evacuating', 'evacuated', 'closed'] as const;
export const UTILITY_STATES = ['ok', 'degraded', 'out'] as const;
export const POWER_STATES = ['ok', 'degraded', 'out', 'backup'] as const;
export const NEED_KINDS = ['power', 'water', 'transport', 'staff', 'medication', 'oxygen', 'beds', 'food', 'shelter', 'security', 'other'] as const;
export const URGENCIES = ['low', 'high', 'immediate'] as const;
export const NEED_STATUSES = ['open', 'acknowledged', 'in-progress', 'met', 'cancelled'] as const;
/** Keys of the situation picture's three texts. */
export const PICTURE_TEXTS = ['picture', 'assessment', 'decisions'] as const;

export type Impact = (typeof IMPACTS)[number];
export type Operation = (typeof OPERATIONS)[number];
export type UtilityState = (typeof UTILITY_STATES)[number];
export type PowerState = (typeof POWER_STATES)[number];
export type NeedKind = (typeof NEED_KINDS)[number];
export type Urgency = (typeof URGENCIES)[number];
export type NeedStatus = (typeof NEED_STATUSES)[number];
export type PictureText = (typeof PICTURE_TEXTS)[number];

/** Whether a key names one of the picture's texts. */
export function isPictureText(key: unknown): key is PictureText {
  return (PICTURE_TEXTS as readonly unknown[]).includes(key);
}

/** Capacity figures of a report: non-negative integers, each optional. */
export const CAPACITY_FIELDS = ['bedsFree', 'canReceive', 'clientsPresent', 'toEvacuate', 'dependentOnPower'] as const;
export type CapacityField = (typeof CAPACITY_FIELDS)[number];

/** Who changed a report or need last, and when: written by the server only. */
export interface Stamp {
  by: string;
  byName: string;
  organisationId: string | null;
  /** True when GHOR (or admin) reported on behalf of the organisation. */
  onBehalf: boolean;
  at: string;
  /** Set when the report came from the organisation's answer to an alert ("niet getroffen"), not from the form. */
  via?: 'alert-answer';
}

/** The live status of one location in one incident. */
export interface Report {
  impact?: Impact;
  operation?: Operation;
  bedsFree?: number;
  canReceive?: number;
  clientsPresent?: number;
  toEvacuate?: number;
  dependentOnPower?: number;
  power?: PowerState;
  water?: UtilityState;
  heating?: UtilityState;
  telecom?: UtilityState;
  remarks?: string;
  stamp?: Stamp;
}

/** Report fields a person may write (everything but the stamp). */
export type ReportPatch = Omit<Report, 'stamp'>;

/** A request for help, handled by GHOR. */
export interface Need {
  id: string;
  organisationId: string;
  locationId?: string;
  kind: NeedKind;
  quantity?: number;
  urgency: Urgency;
  status: NeedStatus;
  description?: string;
  createdBy: string;
  createdAt: string;
  /** GHOR handling. */
  handledBy?: string;
  ghorNotes?: string;
  stamp?: Stamp;
}

/** A drawn area: a GeoJSON Polygon feature. */
export interface AreaFeature {
  type: 'Feature';
  geometry: { type: 'Polygon'; coordinates: [number, number][][] };
  properties: { name: string; createdBy: string; createdAt: string };
}

/** One logbook line. */
export interface LogbookEntry {
  id: string;
  at: string;
  by: string;
  text: string;
}

const MAX_FIGURE = 100000;

const enumCheck = (allowed: readonly string[]) => (value: unknown) => typeof value === 'string' && allowed.includes(value);
const figureCheck = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_FIGURE;
const textCheck = (max: number) => (value: unknown) => typeof value === 'string' && value.length <= max;
const isoCheck = (value: unknown) => typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));
const idCheck = (value: unknown) => typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value);

/** A check of one field's value. */
export type FieldCheck = (value: unknown) => boolean;

/**
 * Value checks of the report fields a person may write. A `Map`, not an object: a field named
 * after an `Object.prototype` member (`constructor`, `toString`) must be unknown, not found.
 */
export const REPORT_FIELD_CHECKS: ReadonlyMap<string, FieldCheck> = new Map<keyof ReportPatch, FieldCheck>([
  ['impact', enumCheck(IMPACTS)],
  ['operation', enumCheck(OPERATIONS)],
  ['bedsFree', figureCheck],
  ['canReceive', figureCheck],
  ['clientsPresent', figureCheck],
  ['toEvacuate', figureCheck],
  ['dependentOnPower', figureCheck],
  ['power', enumCheck(POWER_STATES)],
  ['water', enumCheck(UTILITY_STATES)],
  ['heating', enumCheck(UTILITY_STATES)],
  ['telecom', enumCheck(UTILITY_STATES)],
  ['remarks', textCheck(2000)],
]);

/** Value checks of need fields (a `Map`, like {@link REPORT_FIELD_CHECKS}). */
export const NEED_FIELD_CHECKS: ReadonlyMap<string, FieldCheck> = new Map<Exclude<keyof Need, 'stamp'>, FieldCheck>([
  ['id', idCheck],
  ['organisationId', idCheck],
  ['locationId', idCheck],
  ['kind', enumCheck(NEED_KINDS)],
  ['quantity', figureCheck],
  ['urgency', enumCheck(URGENCIES)],
  ['status', enumCheck(NEED_STATUSES)],
  ['description', textCheck(1000)],
  ['createdBy', textCheck(64)],
  ['createdAt', isoCheck],
  ['handledBy', textCheck(120)],
  ['ghorNotes', textCheck(2000)],
]);

/** Need fields that make up GHOR's handling; a coordinator may not write them (status: see {@link COORDINATOR_NEED_STATUSES}). */
export const GHOR_NEED_FIELDS: readonly string[] = ['handledBy', 'ghorNotes'];

/** The statuses a coordinator may give its own need: file it, or withdraw it. */
export const COORDINATOR_NEED_STATUSES: readonly NeedStatus[] = ['open', 'cancelled'];

/** Required need fields. */
export const NEED_REQUIRED: readonly (keyof Need)[] = ['id', 'organisationId', 'kind', 'urgency', 'status', 'createdBy', 'createdAt'];

/** Whether a value is a valid report field value. */
export function isValidReportValue(field: string, value: unknown): boolean {
  const check = REPORT_FIELD_CHECKS.get(field);
  return check !== undefined && check(value);
}

/** Checks a whole need as plain data; returns the reason or null. */
export function needProblem(need: Record<string, unknown>): string | null {
  for (const key of NEED_REQUIRED) if (!Object.hasOwn(need, key) || need[key] === undefined) return `need field ${key} is missing`;
  for (const [key, value] of Object.entries(need)) {
    if (key === 'stamp') continue;
    const check = NEED_FIELD_CHECKS.get(key);
    if (!check) return `unknown need field ${key}`;
    if (!check(value)) return `invalid value of need field ${key}`;
  }
  return null;
}

const AREA_PROPERTIES = new Set(['name', 'createdBy', 'createdAt']);

/** An own property of an object, never one inherited from `Object.prototype`. */
function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** Checks a drawn area; returns the reason or null. */
export function areaProblem(value: unknown): string | null {
  const f = value as AreaFeature | null;
  if (typeof f !== 'object' || f === null || f.type !== 'Feature') return 'area is not a GeoJSON Feature';
  const ring = f.geometry?.type === 'Polygon' && Array.isArray(f.geometry.coordinates) ? f.geometry.coordinates[0] : undefined;
  if (!Array.isArray(ring) || ring.length < 4 || ring.length > 1000 || f.geometry.coordinates.length !== 1) return 'area needs one ring of 4 to 1000 points';
  for (const point of ring) {
    if (!Array.isArray(point) || point.length !== 2 || !point.every((n) => typeof n === 'number' && Number.isFinite(n))) return 'area point is not [lon, lat]';
    if (!isInNetherlands({ lon: point[0], lat: point[1] })) return 'area point lies outside the Netherlands';
  }
  const [first, last] = [ring[0], ring[ring.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) return 'area ring is not closed';
  const p = f.properties as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null || Array.isArray(p) || !textCheck(120)(own(p, 'name'))) return 'area properties need a name';
  // createdBy and createdAt are the server's stamp (it overwrites whatever a client sent); nothing else may ride along.
  if (Object.keys(p).some((k) => !AREA_PROPERTIES.has(k))) return 'area properties hold name, createdBy and createdAt only';
  if (own(p, 'createdBy') !== undefined && !textCheck(64)(p.createdBy)) return 'area createdBy is a username';
  if (own(p, 'createdAt') !== undefined && !isoCheck(p.createdAt)) return 'area createdAt is a time';
  if (Object.keys(f).some((k) => !['type', 'geometry', 'properties'].includes(k))) return 'area has unknown members';
  if (Object.keys(f.geometry).some((k) => k !== 'type' && k !== 'coordinates')) return 'area geometry has unknown members';
  return null;
}

/** Checks a logbook entry; returns the reason or null. */
export function logbookProblem(value: unknown): string | null {
  const e = value as LogbookEntry | null;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'logbook entry is not an object';
  if (!idCheck(e.id) || !isoCheck(e.at) || !textCheck(64)(e.by) || !textCheck(4000)(e.text) || e.text.trim() === '') return 'logbook entry needs id, at, by and text';
  if (Object.keys(e).length !== 4) return 'logbook entry has unknown members';
  return null;
}

/** Whether a point lies inside a polygon ring of [lon, lat] points (ray casting). */
export function isInsideRing(point: { lat: number; lon: number }, ring: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > point.lat !== yj > point.lat && point.lon < ((xj - xi) * (point.lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
