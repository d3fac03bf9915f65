import { randomBytes } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { attendanceProblem, attention, checkMeeting, checkContact, partnerTalkStatus, type ContactMoment, type Meeting } from '../../shared/network';
import { NETWORK_FILES, exportNetworkCsv, planNetworkImport, type NetworkFile } from '../../shared/network-io';
import { isMonth, medianOf, networkOverview, type IncidentFigures } from '../../shared/network-overview';
import { summariseProblems } from '../../shared/registry-io';
import { isValidId } from '../../shared/validation';
import { regionDay, text } from '../../shared/text';
import { requireRole } from '../auth/sessions';
import type { Mailer } from '../network/mailer';
import { meetingMail } from '../network/meeting-mail';
import { overviewHtml } from '../network/overview-html';
import type { ReviewService } from '../review/review-service';
import type { Store } from '../store/store';
import type { Rooms } from '../yjs/rooms';
import { HttpError, invalidInput, requestLanguage } from './http-error';

/**
 * Network management between crises: contact moments per organisation (the GHOR's own notes, so
 * GHOR and admin only), the partner-talk status, what needs attention, meetings with their
 * invitations by e-mail, "Zorgnetwerk in beeld", and the contact log and meetings as CSV.
 */
export function networkRoutes({ store, now, rooms, review, mailer }: { store: Store; now: () => Date; rooms: Rooms; review: ReviewService; mailer: Mailer }): Router {
  const router = Router();
  const ghor = requireRole('ghor', 'admin');

  const organisationOf = async (id: unknown) => {
    const organisation = typeof id === 'string' && isValidId(id) ? await store.get('organisations', id) : undefined;
    if (!organisation) throw new HttpError(404, 'not-found', text('Deze organisatie bestaat niet.', 'This organisation does not exist.'));
    return organisation;
  };
  const meetingOf = async (id: unknown) => {
    const meeting = typeof id === 'string' && isValidId(id) ? await store.get('meetings', id) : undefined;
    if (!meeting) throw new HttpError(404, 'not-found', text('Deze bijeenkomst bestaat niet.', 'This meeting does not exist.'));
    return meeting;
  };

  router.get('/organisations/:id/contacts', ghor, async (req, res) => {
    const organisation = await organisationOf(req.params.id);
    const contacts = (await store.list('contacts')).filter((c) => c.organisationId === organisation.id).sort((a, b) => b.date.localeCompare(a.date));
    res.json({ data: { contacts, partnerTalk: partnerTalkStatus(contacts, regionDay(now())) } });
  });

  router.post('/organisations/:id/contacts', ghor, async (req, res) => {
    const organisation = await organisationOf(req.params.id);
    const checked = checkContact(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const at = now().toISOString();
    // Optional texts are '' and the follow-ups [] after the check.
    const contact: ContactMoment = {
      ...(checked.value as Omit<ContactMoment, 'id' | 'organisationId' | 'createdBy' | 'createdAt' | 'updatedAt'>),
      id: `contact-${randomBytes(6).toString('hex')}`,
      organisationId: organisation.id,
      createdBy: req.user!.username,
      createdAt: at,
      updatedAt: at,
    };
    await store.put({ contacts: [contact] });
    res.status(201).json({ data: contact });
  });

  router.patch('/contacts/:id', ghor, async (req, res) => {
    const id = String(req.params.id);
    const current = isValidId(id) ? await store.get('contacts', id) : undefined;
    if (!current) throw new HttpError(404, 'not-found', text('Dit contactmoment bestaat niet.', 'This contact moment does not exist.'));
    const checked = checkContact(req.body, true);
    if (!checked.ok) throw invalidInput(checked.issues);
    const next: ContactMoment = { ...current, ...checked.value, id: current.id, organisationId: current.organisationId, updatedAt: now().toISOString() };
    await store.put({ contacts: [next] });
    res.json({ data: next });
  });

  router.get('/network/attention', ghor, async (_req, res) => {
    const [organisations, coordinators, contacts, meetings, progress, locations] = await Promise.all([store.list('organisations'), store.list('coordinators'), store.list('contacts'), store.list('meetings'), store.list('introProgress'), store.list('locations')]);
    const read = new Map(progress.map((p) => [p.id, p.chaptersRead.length]));
    res.json({ data: attention({ organisations, coordinators, contacts, meetings, locations, today: regionDay(now()), progress: read }) });
  });

  // "Zorgnetwerk in beeld": the month asked for, or the current one.
  const overviewOf = async (req: Request) => {
    const asked = req.query.month;
    const today = regionDay(now());
    const month = asked === undefined || asked === '' ? today.slice(0, 7) : asked;
    if (!isMonth(month)) throw invalidInput([{ path: 'month', text: text(`'${String(month).slice(0, 20)}' is geen maand; schrijf JJJJ-MM, bijvoorbeeld 2026-11`, `'${String(month).slice(0, 20)}' is not a month; write YYYY-MM, e.g. 2026-11`) }]);
    const [organisations, locations, coordinators, changes, contacts, meetings, incidents, alerts] = await Promise.all([
      store.list('organisations'),
      store.list('locations'),
      store.list('coordinators'),
      store.list('registryChanges'),
      store.list('contacts'),
      store.list('meetings'),
      store.list('incidents'),
      store.list('alerts'),
    ]);
    // Response figures only for the month's incidents: each needs its recorded events.
    const figures: IncidentFigures[] = [];
    for (const incident of incidents.filter((i) => regionDay(i.startedAt).slice(0, 7) === month)) {
      const metrics = await review.metrics(incident, await rooms.network(incident.id));
      const alerted = metrics.organisations.filter((o) => o.firstAlertAt !== null);
      const own = alerts.filter((a) => a.incidentId === incident.id);
      figures.push({
        id: incident.id,
        title: incident.title,
        grip: incident.grip,
        exercise: own.length > 0 && own.every((a) => a.exercise),
        startedAt: incident.startedAt,
        alerted: alerted.length,
        acknowledged: alerted.filter((o) => o.acknowledgedAt !== null).length,
        medianAckMs: medianOf(alerted.flatMap((o) => (o.timeToAcknowledgeMs === null ? [] : [o.timeToAcknowledgeMs]))),
        reported: metrics.organisations.filter((o) => o.firstReportAt !== null).length,
      });
    }
    return networkOverview({ month, today, organisations, locations, coordinators, changes, contacts, meetings, incidents: figures });
  };

  router.get('/network/overview', ghor, async (req, res) => {
    res.json({ data: await overviewOf(req) });
  });

  // The printable version: a page of its own, A4, for the team meeting.
  router.get('/network/overview/print', ghor, async (req, res) => {
    const overview = await overviewOf(req);
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
    res.type('text/html; charset=utf-8').send(overviewHtml(overview, requestLanguage(req)));
  });

  // The contact log and the meetings as CSV, like the registry's files.
  const fileParam = (value: unknown): NetworkFile => {
    if (!NETWORK_FILES.includes(value as NetworkFile)) throw new HttpError(404, 'not-found', text('Onbekend bestand; kies contacts of meetings.', 'Unknown file; choose contacts or meetings.'));
    return value as NetworkFile;
  };

  router.get('/network/export/:file', ghor, async (req, res) => {
    const file = fileParam(/^(contacts|meetings)\.csv$/.exec(String(req.params.file))?.[1]);
    const rows = file === 'contacts' ? (await store.list('contacts')).sort((a, b) => a.organisationId.localeCompare(b.organisationId) || a.date.localeCompare(b.date)) : (await store.list('meetings')).sort((a, b) => a.date.localeCompare(b.date));
    res.setHeader('Content-Disposition', `attachment; filename="zorgbeeld-${file}-${regionDay(now())}.csv"`);
    res.type('text/csv; charset=utf-8').send(exportNetworkCsv(file, rows, { excel: req.query.excel === '1' }));
  });

  // As the registry's import: checked whole first; committing writes every valid row at once,
  // and with problems only when the invalid rows are to be skipped.
  router.post('/network/import/:file', ghor, express.raw({ type: () => true, limit: '10mb' }), async (req, res) => {
    const file = fileParam(req.params.file);
    const commit = req.query.commit === 'true';
    const skipInvalid = req.query.skipInvalid === 'true';
    const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
    const lang = requestLanguage(req);
    const at = now().toISOString();
    const by = req.user!.username;
    let created = 0;
    let updated = 0;
    // A row with a known id replaces that row and keeps who made it; one without id is new.
    const stamped = <R extends { id: string; createdBy: string; createdAt: string }, V>(valid: readonly { id: string; value: V }[], existing: ReadonlyMap<string, R>, prefix: string): R[] =>
      valid.map(({ id, value }) => {
        const before = existing.get(id);
        if (before) updated++;
        else created++;
        return { ...before, ...value, id: id || `${prefix}-${randomBytes(6).toString('hex')}`, createdBy: before?.createdBy ?? by, createdAt: before?.createdAt ?? at, updatedAt: at } as unknown as R;
      });
    const planned = file === 'contacts'
      ? planNetworkImport('contacts', bytes, { organisations: new Set((await store.list('organisations')).map((o) => o.id)) })
      : planNetworkImport('meetings', bytes, { coordinators: new Set((await store.list('coordinators')).map((c) => c.id)) });
    if (!planned.ok) throw new HttpError(400, 'invalid-import', planned.problem.text);
    const rows = planned.plan.rows;
    const problems = summariseProblems(planned.plan.problems);
    let write: () => Promise<void>;
    if (file === 'contacts') {
      const next = stamped<ContactMoment, unknown>(planned.plan.valid, new Map((await store.list('contacts')).map((c) => [c.id, c])), 'contact');
      write = () => store.put({ contacts: next });
    } else {
      const next = stamped<Meeting, unknown>(planned.plan.valid, new Map((await store.list('meetings')).map((m) => [m.id, m])), 'meeting');
      write = () => store.put({ meetings: next });
    }
    if (commit && problems.total > 0 && !skipInvalid) {
      throw new HttpError(422, 'invalid-import', text(`${problems.total} fout(en) gevonden; er is niets geïmporteerd. Verbeter het bestand of kies "alleen geldige regels".`, `${problems.total} problem(s) found; nothing was imported. Fix the file or choose "valid rows only".`), problems.shown.map((p) => ({ path: `line ${p.line}${p.path ? ` ${p.path}` : ''}`, text: p.text })));
    }
    if (commit) await write();
    res.json({ data: { file, rows, valid: created + updated, created, updated, problemCount: problems.total, problemKinds: problems.kinds.map((k) => ({ path: k.path, message: k.text[lang], count: k.count })), problems: problems.shown.map((p) => ({ line: p.line, path: p.path, value: p.value, message: p.text[lang] })), committed: commit } });
  });

  // Information sessions and theme meetings: whom they invited and who came.
  const knownCoordinators = async () => new Set((await store.list('coordinators')).map((c) => c.id));
  const attendedOnlyInvited = (meeting: Pick<Meeting, 'invited' | 'attended'>) => {
    const problem = attendanceProblem(meeting);
    if (problem) throw invalidInput([problem]);
  };

  router.get('/meetings', ghor, async (_req, res) => {
    res.json({ data: (await store.list('meetings')).sort((a, b) => b.date.localeCompare(a.date)) });
  });

  router.post('/meetings', ghor, async (req, res) => {
    const checked = checkMeeting(req.body, await knownCoordinators());
    if (!checked.ok) throw invalidInput(checked.issues);
    const at = now().toISOString();
    const meeting: Meeting = { place: '', theme: '', invited: [], attended: [], ...(checked.value as Pick<Meeting, 'kind' | 'title' | 'date'>), id: `meeting-${randomBytes(6).toString('hex')}`, createdBy: req.user!.username, createdAt: at, updatedAt: at };
    attendedOnlyInvited(meeting);
    await store.put({ meetings: [meeting] });
    res.status(201).json({ data: meeting });
  });

  router.patch('/meetings/:id', ghor, async (req, res) => {
    const current = await meetingOf(req.params.id);
    const checked = checkMeeting(req.body, await knownCoordinators(), true);
    if (!checked.ok) throw invalidInput(checked.issues);
    const next: Meeting = { ...current, ...checked.value, id: current.id, updatedAt: now().toISOString() };
    attendedOnlyInvited(next);
    await store.put({ meetings: [next] });
    res.json({ data: next });
  });

  // Invitations by e-mail to the invited who have an address and were not mailed yet (`again`:
  // everybody invited). What each relay answered is kept on the meeting and shown.
  router.post('/meetings/:id/invitations', ghor, async (req, res) => {
    const meeting = await meetingOf(req.params.id);
    if (!mailer.configured) throw new HttpError(409, 'conflict', text('Er is geen e-mailserver ingesteld (SMTP_URL); nodig de deelnemers op een andere manier uit.', 'No mail server is configured (SMTP_URL); invite the participants another way.'));
    const again = (req.body as { again?: unknown } | undefined)?.again === true;
    const coordinators = new Map((await store.list('coordinators')).map((c) => [c.id, c]));
    const organisations = new Map((await store.list('organisations')).map((o) => [o.id, o.name]));
    const mailed = new Map((meeting.mailed ?? []).map((m) => [m.coordinatorId, m]));
    let sent = 0;
    let failed = 0;
    let noAddress = 0;
    for (const coordinatorId of meeting.invited) {
      const coordinator = coordinators.get(coordinatorId);
      if (!again && mailed.get(coordinatorId)?.error === null) continue;
      if (!coordinator?.email) {
        noAddress++;
        continue;
      }
      const result = await mailer.send({ to: coordinator.email, ...meetingMail(meeting, coordinator.name, organisations.get(coordinator.organisationId) ?? '') });
      mailed.set(coordinatorId, { coordinatorId, at: now().toISOString(), error: result.ok ? null : result.error });
      if (result.ok) sent++;
      else failed++;
    }
    const next: Meeting = { ...meeting, mailed: [...mailed.values()], updatedAt: now().toISOString() };
    await store.put({ meetings: [next] });
    res.json({ data: { meeting: next, sent, failed, noAddress } });
  });

  return router;
}
