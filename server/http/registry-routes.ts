import { randomBytes } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { isAcute, type Coordinator, type Location, type Network, type Organisation } from '../../shared/domain';
import {
  REGISTRY_FORMATS,
  REGISTRY_KINDS,
  exportCsv,
  exportLocationsGeoJson,
  readImportRowsSteps,
  planImportSteps,
  summariseProblems,
  supportsFormat,
  withConnected,
  type RegistryFormat,
  type RegistryKind,
} from '../../shared/registry-io';
import { runStepsPausing } from '../../shared/csv';
import { registryChanges as changesOf } from '../../shared/network-overview';
import { text } from '../../shared/text';
import { checkCoordinator, checkLocation, checkOrganisation, isValidId, type Checked } from '../../shared/validation';
import { requireRole } from '../auth/sessions';
import type { Store } from '../store/store';
import { HttpError, invalidInput, requestLanguage } from './http-error';

/** Lets other work run between two steps of a long computation. */
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reads the whole network from the store. */
export async function readNetwork(store: Store): Promise<Network> {
  const [organisations, locations, coordinators] = await Promise.all([
    store.list('organisations'),
    store.list('locations'),
    store.list('coordinators'),
  ]);
  return { organisations, locations, coordinators };
}

const CHECKS: Record<RegistryKind, (input: unknown, partial: boolean) => Checked<Partial<{ id: string; organisationId?: string }>>> = {
  organisations: checkOrganisation,
  locations: checkLocation,
  coordinators: checkCoordinator,
};

function notFound(kind: RegistryKind, id: string): HttpError {
  return new HttpError(404, 'not-found', text(`Niet gevonden in ${kind}: ${id}`, `Not found in ${kind}: ${id}`));
}

function paramId(req: Request): string {
  const id = req.params.id;
  if (typeof id !== 'string' || !isValidId(id)) {
    throw new HttpError(400, 'bad-request', text('Dit id is ongeldig.', 'This id is not valid.'));
  }
  return id;
}

function query(req: Request, key: string): string | undefined {
  const value = req.query[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function matches(q: string | undefined, ...fields: string[]): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return fields.some((f) => f.toLowerCase().includes(needle));
}

/** Filters of the registry lists: search text, sector, municipality, organisation, active. */
function filterNetwork(req: Request, network: Network): Network {
  const q = query(req, 'q');
  const sector = query(req, 'sector');
  const municipality = query(req, 'municipality');
  const organisationId = query(req, 'organisationId');
  const active = query(req, 'active');
  const organisations = new Map(network.organisations.map((o) => [o.id, o]));
  const activeOk = (row: { active: boolean }) => active === undefined || String(row.active) === active;
  const orgOk = (id: string) =>
    (organisationId === undefined || id === organisationId) && (sector === undefined || organisations.get(id)?.sector === sector);
  return {
    organisations: network.organisations.filter(
      (o) => activeOk(o) && orgOk(o.id) && matches(q, o.name, o.id, o.email) && (municipality === undefined ||
        network.locations.some((l) => l.organisationId === o.id && l.municipality === municipality)),
    ),
    locations: network.locations.filter(
      (l) =>
        activeOk(l) &&
        orgOk(l.organisationId) &&
        (municipality === undefined || l.municipality === municipality) &&
        matches(q, l.name, l.id, l.address, l.municipality, organisations.get(l.organisationId)?.name ?? ''),
    ),
    coordinators: network.coordinators.filter(
      (c) => activeOk(c) && orgOk(c.organisationId) && matches(q, c.name, c.email, c.phone, organisations.get(c.organisationId)?.name ?? ''),
    ),
  };
}

/** Coordinators' contact details are for admin and GHOR; a coordinator sees those of its own organisation. */
function visibleCoordinators(req: Request, coordinators: Coordinator[]): Coordinator[] {
  const user = req.user!;
  if (user.role === 'admin' || user.role === 'ghor') return coordinators;
  if (user.role === 'coordinator') return coordinators.filter((c) => c.organisationId === user.organisationId);
  return [];
}

function present(kind: RegistryKind, rows: readonly object[]): object[] {
  if (kind === 'organisations') return (rows as Organisation[]).map((o) => ({ ...o, acute: isAcute(o.sector) }));
  if (kind === 'coordinators') return withConnected(rows as Coordinator[]);
  return rows as object[];
}

function kindParam(value: unknown): RegistryKind {
  if (!REGISTRY_KINDS.includes(value as RegistryKind)) {
    throw new HttpError(404, 'not-found', text('Onbekende soort gegevens.', 'Unknown kind of data.'));
  }
  return value as RegistryKind;
}

/** The registry API: lists for every signed-in user, changes, import and export for the admin. */
export function registryRoutes({ store, now, log }: { store: Store; now: () => Date; log: (message: string) => void }): Router {
  const router = Router();
  const signedIn = requireRole();
  const admin = requireRole('admin');

  // Every write of rows carries its change-log rows in the same store write ("Zorgnetwerk in beeld").
  const withChanges = async (req: Request, kind: RegistryKind, rows: readonly (Organisation | Location | Coordinator)[]) => {
    const before = new Map((await store.list(kind)).map((r: Organisation | Location | Coordinator) => [r.id, r]));
    const registryChanges = changesOf({ collection: kind, before, after: rows, at: now().toISOString(), by: req.user!.username, newId: () => `change-${randomBytes(6).toString('hex')}` });
    return { [kind]: rows, registryChanges };
  };

  const listOf = async (req: Request, kind: RegistryKind) => {
    const network = filterNetwork(req, await readNetwork(store));
    return kind === 'coordinators' ? visibleCoordinators(req, network.coordinators) : network[kind];
  };

  router.get('/locations', signedIn, async (req, res) => {
    const network = filterNetwork(req, await readNetwork(store));
    if (query(req, 'format') === 'geojson') {
      res.type('application/geo+json').json(exportLocationsGeoJson(network));
    } else {
      res.json({ data: network.locations });
    }
  });

  for (const kind of REGISTRY_KINDS) {
    if (kind !== 'locations') {
      router.get(`/${kind}`, signedIn, async (req, res) => {
        res.json({ data: present(kind, await listOf(req, kind)) });
      });
    }

    router.get(`/${kind}/:id`, signedIn, async (req, res) => {
      const id = paramId(req);
      const rows = kind === 'coordinators' ? visibleCoordinators(req, await store.list(kind)) : await store.list(kind);
      const row = rows.find((r) => r.id === id);
      if (!row) throw notFound(kind, id);
      res.json({ data: present(kind, [row])[0] });
    });

    router.post(`/${kind}`, admin, async (req, res) => {
      const checked = CHECKS[kind](req.body, false);
      if (!checked.ok) throw invalidInput(checked.issues);
      const row = checked.value as Organisation & Location & Coordinator;
      if (await store.get(kind, row.id)) {
        throw new HttpError(409, 'conflict', text(`Het id '${row.id}' bestaat al.`, `The id '${row.id}' already exists.`));
      }
      await requireOrganisation(row.organisationId);
      await store.put(await withChanges(req, kind, [row]));
      res.status(201).json({ data: present(kind, [row])[0] });
    });

    router.patch(`/${kind}/:id`, admin, async (req, res) => {
      const id = paramId(req);
      const current = await store.get(kind, id);
      if (!current) throw notFound(kind, id);
      const checked = CHECKS[kind](req.body, true);
      if (!checked.ok) throw invalidInput(checked.issues);
      const next = { ...current, ...checked.value, id };
      // Coordinates are checked together, so a patch of one of them is checked against the other.
      if (kind === 'locations' || kind === 'coordinators') {
        const whole = CHECKS[kind](next, false);
        if (!whole.ok) throw invalidInput(whole.issues);
      }
      await requireOrganisation((next as { organisationId?: string }).organisationId);
      await store.put(await withChanges(req, kind, [next]));
      res.json({ data: present(kind, [next])[0] });
    });

    // Deactivate, never delete: incidents and their records may refer to the row.
    router.delete(`/${kind}/:id`, admin, async (req, res) => {
      const id = paramId(req);
      const current = await store.get(kind, id);
      if (!current) throw notFound(kind, id);
      const next = { ...current, active: false };
      await store.put(await withChanges(req, kind, [next]));
      res.json({ data: present(kind, [next])[0] });
    });
  }

  const requireOrganisation = async (organisationId: string | undefined) => {
    if (organisationId === undefined) return;
    if (!(await store.get('organisations', organisationId))) {
      throw invalidInput([
        { path: 'organisationId', text: text(`organisatie '${organisationId}' bestaat niet`, `organisation '${organisationId}' does not exist`) },
      ]);
    }
  };

  router.get('/export/:file', requireRole('admin', 'ghor'), async (req, res) => {
    const match = /^(organisations|locations|coordinators)\.(csv|geojson)$/.exec(String(req.params.file));
    const kind = kindParam(match?.[1]);
    const format = match?.[2] as RegistryFormat;
    if (!supportsFormat(kind, format)) throw notFound(kind, String(req.params.file));
    const network = filterNetwork(req, await readNetwork(store));
    const stamp = now().toISOString().slice(0, 10);
    res.setHeader('Content-Disposition', `attachment; filename="zorgbeeld-${kind}-${stamp}.${format}"`);
    if (format === 'geojson') {
      res.type('application/geo+json').send(JSON.stringify(exportLocationsGeoJson(network), null, 1));
    } else {
      res.type('text/csv; charset=utf-8').send(exportCsv(kind, network[kind], { excel: req.query.excel === '1' }));
    }
  });

  // An import is checked as a whole first (dry run). Committing applies every valid row in one
  // store write; with problems it is refused unless the admin chose to skip the invalid rows.
  router.post(
    '/import/:kind',
    admin,
    express.raw({ type: () => true, limit: '20mb' }),
    async (req, res) => {
      const kind = kindParam(req.params.kind);
      const format = (query(req, 'format') ?? 'csv') as RegistryFormat;
      if (!REGISTRY_FORMATS.includes(format) || !supportsFormat(kind, format)) {
        throw new HttpError(400, 'bad-request', text(`Dit formaat kan niet voor ${kind}.`, `This format is not offered for ${kind}.`));
      }
      const commit = query(req, 'commit') === 'true';
      const skipInvalid = query(req, 'skipInvalid') === 'true';
      const confirmMoves = query(req, 'confirmMoves') === 'true';
      const body = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      log(`import of ${kind}: checking ${body.length} bytes${commit ? ' to commit' : ''}`);
      // A file of 200,000 rows takes seconds to read and check: in steps, so that the board,
      // the alerts and every other request go on meanwhile.
      const read = await runStepsPausing(readImportRowsSteps(kind, format, body), pause);
      const lang = requestLanguage(req);
      if (!read.ok) {
        throw new HttpError(400, 'invalid-import', read.problem.text);
      }
      const network = await readNetwork(store);
      const plan = await runStepsPausing(planImportSteps(kind, read.rows, network), pause);
      const existing = new Set(network[kind].map((r) => r.id));
      const updated = plan.valid.filter((v) => existing.has(v.row.id)).length;
      const problems = summariseProblems(plan.problems);
      const report = {
        kind,
        format,
        rows: plan.rows,
        valid: plan.valid.length,
        created: plan.valid.length - updated,
        updated,
        moved: plan.moves.length,
        moves: plan.moves.slice(0, 200),
        problemCount: problems.total,
        problemKinds: problems.kinds.map((k) => ({ path: k.path, message: k.text[lang], count: k.count })),
        problems: problems.shown.map((p) => ({ line: p.line, path: p.path, value: p.value, message: p.text[lang] })),
        committed: false,
      };
      if (commit) {
        if (plan.moves.length > 0 && !confirmMoves) {
          throw new HttpError(
            409,
            'conflict',
            text(
              `${plan.moves.length} ${plan.moves.length === 1 ? 'regel verhuist' : 'regels verhuizen'} naar een andere organisatie (bijvoorbeeld '${plan.moves[0].id}' van ${plan.moves[0].from} naar ${plan.moves[0].to}). Er is niets geïmporteerd; bevestig de verhuizingen als ze kloppen.`,
              `${plan.moves.length} ${plan.moves.length === 1 ? 'row moves' : 'rows move'} to another organisation (for instance '${plan.moves[0].id}' from ${plan.moves[0].from} to ${plan.moves[0].to}). Nothing was imported; confirm the moves if they are right.`,
            ),
          );
        }
        if (plan.problems.length > 0 && !skipInvalid) {
          throw new HttpError(
            422,
            'invalid-import',
            text(
              `${plan.problems.length} fout(en) gevonden; er is niets geïmporteerd. Verbeter het bestand of kies "alleen geldige regels".`,
              `${plan.problems.length} problem(s) found; nothing was imported. Fix the file or choose "valid rows only".`,
            ),
            plan.problems.slice(0, 200).map((p) => ({ path: `line ${p.line}${p.path ? ` ${p.path}` : ''}`, text: p.text })),
          );
        }
        await store.put(await withChanges(req, kind, plan.valid.map((v) => v.row)));
        report.committed = true;
      }
      res.json({ data: report });
    },
  );

  return router;
}
