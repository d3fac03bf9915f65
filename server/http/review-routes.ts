import { Router, type Request } from 'express';
import * as Y from 'yjs';
import { exportLocationsGeoJson } from '../../shared/registry-io';
import { toCsv } from '../../shared/csv';
import { TIMELINE_TYPES, type TimelineType } from '../../shared/review';
import { text, type Text } from '../../shared/text';
import { requireRole } from '../auth/sessions';
import { toHave } from '../review/have';
import { pictureVersions, reportHtml } from '../review/report-html';
import type { ReviewService } from '../review/review-service';
import type { Store } from '../store/store';
import type { Rooms } from '../yjs/rooms';
import { HttpError, requestLanguage } from './http-error';
import { findIncident } from './incident-routes';

/** The most events one page of the timeline holds. */
const MAX_EVENTS_PAGE = 5000;

/**
 * A query parameter that must be a whole number within bounds; absent or empty gives `fallback`.
 * Anything else is refused with `message`, not bent into range: a reader paging with a mistyped
 * offset would otherwise be shown the first page again as if it were the next.
 */
function wholeNumber(value: unknown, fallback: number, { min, max }: { min: number; max: number }, message: Text): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new HttpError(400, 'bad-request', message);
  return n;
}

/** The after-action review: events, state at T, metrics and the exports (GHOR, admin, observers). */
export function reviewRoutes({ store, rooms, review, now }: { store: Store; rooms: Rooms; review: ReviewService; now: () => Date }): Router {
  const router = Router();
  const reviewers = requireRole('ghor', 'admin', 'observer');

  const incidentOf = async (req: Request) => {
    const incident = await findIncident(store, req.params.id);
    return { incident, network: await rooms.network(incident.id) };
  };

  /** The moment asked for: `at` as ISO 8601; absent means now. */
  const momentOf = (req: Request): number => {
    const at = req.query.at;
    if (at === undefined || at === '') return now().getTime();
    const t = typeof at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(at) ? Date.parse(at) : NaN;
    if (Number.isNaN(t)) {
      throw new HttpError(400, 'bad-request', text('Geef het tijdstip als ISO 8601, bijvoorbeeld 2026-03-01T14:32:00Z.', 'Give the time as ISO 8601, e.g. 2026-03-01T14:32:00Z.'));
    }
    return t;
  };

  router.get('/incidents/:id/events', reviewers, async (req, res) => {
    const { incident } = await incidentOf(req);
    const types = typeof req.query.type === 'string' && req.query.type !== '' ? req.query.type.split(',') : [];
    if (types.some((t) => !TIMELINE_TYPES.includes(t as TimelineType))) {
      throw new HttpError(400, 'bad-request', text(`Onbekend type; kies uit ${TIMELINE_TYPES.join(', ')}.`, `Unknown type; choose from ${TIMELINE_TYPES.join(', ')}.`));
    }
    const organisationId = typeof req.query.organisationId === 'string' && req.query.organisationId !== '' ? req.query.organisationId : undefined;
    const offset = wholeNumber(req.query.offset, 0, { min: 0, max: Number.MAX_SAFE_INTEGER }, text('offset: geef een heel getal vanaf 0, bijvoorbeeld offset=500.', 'offset: give a whole number from 0, e.g. offset=500.'));
    const limit = wholeNumber(req.query.limit, 500, { min: 1, max: MAX_EVENTS_PAGE }, text(`limit: geef een heel getal van 1 tot en met ${MAX_EVENTS_PAGE}, bijvoorbeeld limit=500.`, `limit: give a whole number from 1 to ${MAX_EVENTS_PAGE}, e.g. limit=500.`));
    const events = (await review.events(incident.id)).filter((e) => (types.length === 0 || types.includes(e.type)) && (!organisationId || e.organisationId === organisationId));
    res.json({ data: { total: events.length, offset, limit, events: events.slice(offset, offset + limit) } });
  });

  router.get('/incidents/:id/state', reviewers, async (req, res) => {
    const { incident } = await incidentOf(req);
    const t = momentOf(req);
    if (req.query.format === 'json') {
      res.json({ data: await review.plainStateAt(incident.id, t) });
      return;
    }
    const doc = await review.stateAt(incident.id, t);
    res.type('application/octet-stream').send(Buffer.from(Y.encodeStateAsUpdate(doc)));
    doc.destroy();
  });

  router.get('/incidents/:id/metrics', reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const [metrics, series] = await Promise.all([review.metrics(incident, network), review.series(incident, network)]);
    res.json({ data: { metrics, series } });
  });

  router.get('/incidents/:id/timeline.csv', reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const organisations = new Map(network.organisations.map((o) => [o.id, o.name]));
    const locations = new Map(network.locations.map((l) => [l.id, l.name]));
    const rows = (await review.events(incident.id)).map((e) => ({
      at: e.at,
      type: e.type,
      user: e.userName,
      organisation: e.organisationId ? (organisations.get(e.organisationId) ?? e.organisationId) : '',
      location: typeof e.detail.locationId === 'string' ? (locations.get(e.detail.locationId) ?? e.detail.locationId) : '',
      detail: JSON.stringify(e.detail),
    }));
    res.setHeader('Content-Disposition', `attachment; filename="${incident.id}-timeline.csv"`);
    res.type('text/csv; charset=utf-8').send(toCsv(['at', 'type', 'user', 'organisation', 'location', 'detail'], rows, { excel: req.query.excel === '1' }));
  });

  router.get('/incidents/:id/reports.geojson', reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const { reports } = await review.plainAt(incident.id, momentOf(req));
    const collection = exportLocationsGeoJson(network) as { features: { id: string; properties: Record<string, unknown> }[] };
    for (const feature of collection.features) Object.assign(feature.properties, { report: reports.get(feature.id) ?? {} });
    res.type('application/geo+json').send(JSON.stringify(collection));
  });

  router.get('/incidents/:id/have.xml', reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const { reports } = await review.plainAt(incident.id, momentOf(req));
    const xml = toHave({ network, reports });
    if (xml === undefined) {
      throw new HttpError(404, 'not-found', text('Op dit tijdstip had nog geen locatie gemeld; kies een later tijdstip voor EDXL-HAVE.', 'No location had reported yet at this time; choose a later time for EDXL-HAVE.'));
    }
    res.type('application/xml; charset=utf-8').send(xml);
  });

  router.get('/incidents/:id/report.html', reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const [metrics, series, events] = await Promise.all([review.metrics(incident, network), review.series(incident, network), review.events(incident.id)]);
    const versions = await Promise.all(
      pictureVersions(events).map(async (at) => ({ at, picture: (await review.plainStateAt(incident.id, Date.parse(at))).picture })),
    );
    // The final state: at the end of a closed incident, now for a running one.
    const final = await review.plainStateAt(incident.id, incident.endedAt ? Date.parse(incident.endedAt) : now().getTime());
    res.type('text/html; charset=utf-8').send(reportHtml({ incident, organisations: network.organisations, locations: network.locations, metrics, series, events, final, versions, lang: requestLanguage(req), now: now() }));
  });

  return router;
}
