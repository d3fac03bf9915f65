import { isConnected, isAcute, type Coordinator, type Location, type Network, type Organisation } from './domain';
import { decodeUtf8, parseCsvSteps, runSteps, toCsv, type CsvRow } from './csv';
import { text, type Text } from './text';
import { checkCoordinator, checkLocation, checkOrganisation, type Checked } from './validation';

/** The kinds of registry rows that can be imported and exported. */
export const REGISTRY_KINDS = ['organisations', 'locations', 'coordinators'] as const;

/** One kind of registry row. */
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

/** File formats of import and export. */
export const REGISTRY_FORMATS = ['csv', 'geojson'] as const;

/** One file format. */
export type RegistryFormat = (typeof REGISTRY_FORMATS)[number];

/** Columns of each kind, in file order; the same names as the API fields. */
export const REGISTRY_COLUMNS = {
  organisations: ['id', 'name', 'sector', 'phone', 'email', 'active'],
  locations: ['id', 'organisationId', 'name', 'address', 'postcode', 'municipality', 'lat', 'lon', 'kind', 'capacity', 'active'],
  coordinators: ['id', 'organisationId', 'name', 'phone', 'email', 'channels', 'introCompletedAt', 'active', 'kind', 'dayCourseOn', 'invitedAt'],
} as const satisfies Record<RegistryKind, readonly string[]>;

/** Columns an import file must have; the others may be left out. */
const REQUIRED_COLUMNS: Record<RegistryKind, readonly string[]> = {
  organisations: ['id', 'name', 'sector'],
  locations: ['id', 'organisationId', 'name', 'municipality', 'lat', 'lon', 'capacity'],
  coordinators: ['id', 'organisationId', 'name'],
};

type RowOf<K extends RegistryKind> = K extends 'organisations' ? Organisation : K extends 'locations' ? Location : Coordinator;

/** One problem of an imported row: its line (CSV) or feature number (GeoJSON), field and reason. */
export interface ImportProblem {
  line: number;
  path: string;
  text: Text;
  /** The cell as the file has it (shortened), so that it can be found in the file; '' when empty. */
  value?: string;
}

/** Longest cell value a problem repeats. */
const PROBLEM_VALUE_CHARS = 60;

/**
 * The problems a row check found, each with the cell it is about: a field's path may go into
 * it (`channels.1`), the cell is the path's first part.
 */
export function rowProblems(line: number, values: Record<string, unknown>, issues: readonly { path: string; text: Text }[]): ImportProblem[] {
  return issues.map((issue) => {
    const cell = issue.path === '' ? undefined : values[issue.path.split('.')[0]];
    const raw = cell === undefined || cell === null ? '' : typeof cell === 'string' ? cell : JSON.stringify(cell);
    const value = raw.length > PROBLEM_VALUE_CHARS ? `${raw.slice(0, PROBLEM_VALUE_CHARS - 1)}…` : raw;
    return issue.path === '' ? { line, path: '', text: issue.text } : { line, path: issue.path, text: issue.text, value };
  });
}

/** The problem of a row naming an organisation the network does not have. */
export function unknownOrganisation(line: number, values: Record<string, unknown>, organisationId: string): ImportProblem[] {
  const id = organisationId.slice(0, 64);
  return rowProblems(line, values, [{ path: 'organisationId', text: text(`organisatie '${id}' bestaat niet`, `organisation '${id}' does not exist`) }]);
}

/** The problem of a row whose id an earlier line of the file already has. */
export function duplicateId(line: number, values: Record<string, unknown>, id: string, earlier: number): ImportProblem[] {
  return rowProblems(line, values, [{ path: 'id', text: text(`id '${id}' staat al op regel ${earlier}`, `id '${id}' already occurs on line ${earlier}`) }]);
}

/** The checked content of an import file. */
export interface ImportPlan<K extends RegistryKind> {
  kind: K;
  rows: number;
  valid: { line: number; row: RowOf<K> }[];
  problems: ImportProblem[];
  /** Existing rows the file gives to another organisation: imported only when confirmed. */
  moves: ImportMove[];
}

/** A row that exists under one organisation and that the file gives to another. */
export interface ImportMove {
  line: number;
  id: string;
  name: string;
  from: string;
  to: string;
}

/** Whether the format is offered for the kind: GeoJSON only for locations, which have a place. */
export function supportsFormat(kind: RegistryKind, format: RegistryFormat): boolean {
  return format === 'csv' || kind === 'locations';
}

/** What reading an uploaded file gives: its rows, or the one reason it cannot be read at all. */
export type ImportRows = { ok: true; rows: CsvRow[] } | { ok: false; problem: ImportProblem };

/** Reads the rows of an uploaded file, or the one reason the whole file cannot be read. */
export function readImportRows(kind: RegistryKind, format: RegistryFormat, bytes: Uint8Array): ImportRows {
  return runSteps(readImportRowsSteps(kind, format, bytes));
}

/** {@link readImportRows} in steps, so that a large file does not hold up the server. */
export function* readImportRowsSteps(kind: RegistryKind, format: RegistryFormat, bytes: Uint8Array): Generator<void, ImportRows> {
  const source = decodeUtf8(bytes);
  if (source === null) {
    return {
      ok: false,
      problem: { line: 0, path: '', text: text('Het bestand is geen UTF-8; sla het op als "CSV UTF-8".', 'The file is not UTF-8; save it as "CSV UTF-8".') },
    };
  }
  if (format === 'csv') {
    const parsed = yield* parseCsvSteps(source);
    if (!parsed.ok) return { ok: false, problem: { line: parsed.line, path: '', text: parsed.text } };
    const missing = REQUIRED_COLUMNS[kind].filter((c) => !parsed.header.includes(c));
    if (missing.length > 0) {
      return {
        ok: false,
        problem: {
          line: 1,
          path: '',
          text: text(`Kolommen ontbreken in de kopregel: ${missing.join(', ')}`, `Columns missing from the header: ${missing.join(', ')}`),
        },
      };
    }
    return { ok: true, rows: parsed.rows };
  }
  return readGeoJsonRows(source);
}

function readGeoJsonRows(source: string): { ok: true; rows: CsvRow[] } | { ok: false; problem: ImportProblem } {
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch {
    return { ok: false, problem: { line: 0, path: '', text: text('Het bestand is geen geldige JSON.', 'The file is not valid JSON.') } };
  }
  const features = (doc as { type?: unknown; features?: unknown })?.features;
  if ((doc as { type?: unknown })?.type !== 'FeatureCollection' || !Array.isArray(features)) {
    return { ok: false, problem: { line: 0, path: '', text: text('Verwacht een GeoJSON FeatureCollection.', 'Expected a GeoJSON FeatureCollection.') } };
  }
  const rows: CsvRow[] = features.map((feature: unknown, i) => {
    const f = feature as { properties?: unknown; geometry?: { type?: unknown; coordinates?: unknown } } | null;
    const properties = typeof f?.properties === 'object' && f.properties !== null ? (f.properties as Record<string, unknown>) : {};
    const values: Record<string, unknown> = { ...properties };
    const coordinates = f?.geometry?.type === 'Point' && Array.isArray(f.geometry.coordinates) ? f.geometry.coordinates : undefined;
    values.lon = coordinates?.[0];
    values.lat = coordinates?.[1];
    return { line: i + 1, values: values as Record<string, string> };
  });
  return { ok: true, rows };
}

/**
 * Checks every row of an import against the schema and the network: duplicate ids in the file,
 * unknown organisations (known = already in the network or in this same file), and existing
 * rows that the file moves to another organisation.
 */
export function planImport<K extends RegistryKind>(kind: K, rows: CsvRow[], network: Network): ImportPlan<K> {
  return runSteps(planImportSteps(kind, rows, network));
}

/** Rows checked between two pauses of {@link planImportSteps}. */
const ROWS_PER_STEP = 2000;

/** {@link planImport} in steps of a few thousand rows. */
export function* planImportSteps<K extends RegistryKind>(kind: K, rows: CsvRow[], network: Network): Generator<void, ImportPlan<K>> {
  const problems: ImportProblem[] = [];
  const valid: { line: number; row: RowOf<K> }[] = [];
  const moves: ImportMove[] = [];
  const seen = new Map<string, number>();
  const organisationIds = new Set(network.organisations.map((o) => o.id));
  const existing = new Map<string, { organisationId?: string }>((network[kind] as { id: string; organisationId?: string }[]).map((r) => [r.id, r]));
  for (const [n, { line, values, extra }] of rows.entries()) {
    if (n % ROWS_PER_STEP === 0 && n > 0) yield;
    if (extra !== undefined) {
      problems.push({ line, path: '', text: text('de regel heeft meer cellen dan de kopregel', 'the row has more cells than the header') });
      continue;
    }
    const checked = checkRow(kind, values) as Checked<RowOf<K>>;
    // A row's id counts also when the row has other problems: once it is fixed, a later row with
    // the same id would be a duplicate.
    const id = checked.ok ? checked.value.id : typeof values.id === 'string' && !checked.issues.some((issue) => issue.path === 'id') ? values.id.trim() : '';
    const earlier = id === '' ? undefined : seen.get(id);
    if (id !== '' && earlier === undefined) seen.set(id, line);
    if (!checked.ok) {
      problems.push(...rowProblems(line, values, checked.issues));
      // All of a row's problems at once: an unknown organisation too, so that a fixed row does not come back with a new one.
      const organisationId = kind === 'organisations' || typeof values.organisationId !== 'string' ? '' : values.organisationId.trim();
      if (organisationId !== '' && !organisationIds.has(organisationId) && !checked.issues.some((issue) => issue.path === 'organisationId')) problems.push(...unknownOrganisation(line, values, organisationId));
      if (earlier !== undefined) problems.push(...duplicateId(line, values, id, earlier));
      continue;
    }
    const row = checked.value;
    if (earlier !== undefined) {
      problems.push(...duplicateId(line, values, row.id, earlier));
      continue;
    }
    if ('organisationId' in row && !organisationIds.has(row.organisationId)) {
      problems.push(...unknownOrganisation(line, values, row.organisationId));
      continue;
    }
    const before = existing.get(row.id);
    if ('organisationId' in row && before?.organisationId !== undefined && before.organisationId !== row.organisationId) {
      moves.push({ line, id: row.id, name: String((row as { name?: string }).name ?? ''), from: before.organisationId, to: row.organisationId });
    }
    valid.push({ line, row });
  }
  return { kind, rows: rows.length, valid, problems, moves };
}

/** A problem list an answer can carry: the first problems, and how often each kind occurred. */
export function summariseProblems(problems: readonly ImportProblem[], shown = 200): { shown: ImportProblem[]; total: number; kinds: { path: string; text: Text; count: number }[] } {
  const kinds = new Map<string, { path: string; text: Text; count: number }>();
  for (const problem of problems) {
    // Problems of one kind differ in the value they name; the field and the sentence's start group them.
    const key = `${problem.path}|${problem.text.en.replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'N')}`;
    const kind = kinds.get(key);
    if (kind) kind.count++;
    else kinds.set(key, { path: problem.path, text: problem.text, count: 1 });
  }
  return { shown: problems.slice(0, shown), total: problems.length, kinds: [...kinds.values()].sort((a, b) => b.count - a.count) };
}

function checkRow(kind: RegistryKind, values: Record<string, unknown>): Checked<unknown> {
  switch (kind) {
    case 'organisations':
      return checkOrganisation(values);
    case 'locations':
      return checkLocation(values);
    case 'coordinators':
      return checkCoordinator(values);
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}

/** Writes rows of one kind as CSV with the registry columns. */
export function exportCsv(kind: RegistryKind, rows: readonly object[], options: { excel?: boolean } = {}): string {
  // Channel choices as a text (`email sms`), as an import reads them back.
  const flat = (rows as Record<string, unknown>[]).map((row) => (Array.isArray(row.channels) ? { ...row, channels: row.channels.join(' ') } : row));
  return toCsv(REGISTRY_COLUMNS[kind], flat, options);
}

/** Writes locations as a GeoJSON FeatureCollection, with the organisation's name and sector for map tools. */
export function exportLocationsGeoJson(network: Pick<Network, 'organisations' | 'locations'>): object {
  const organisations = new Map(network.organisations.map((o) => [o.id, o]));
  return {
    type: 'FeatureCollection',
    features: network.locations.map((location) => {
      const { lat, lon, ...properties } = location;
      const organisation = organisations.get(location.organisationId);
      return {
        type: 'Feature',
        id: location.id,
        geometry: { type: 'Point', coordinates: [lon, lat] },
        properties: {
          ...properties,
          organisationName: organisation?.name ?? '',
          sector: organisation?.sector ?? '',
          acute: organisation ? isAcute(organisation.sector) : false,
        },
      };
    }),
  };
}

/** Adds the derived `connected` flag to coordinators. */
export function withConnected(coordinators: readonly Coordinator[]): (Coordinator & { connected: boolean })[] {
  return coordinators.map((c) => ({ ...c, connected: isConnected(c) }));
}
