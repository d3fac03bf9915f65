import { Router, type Request } from 'express';
import { ACK_ANSWERS } from '../../shared/alert';
import { REPORT_FIELD_CHECKS } from '../../shared/board-schema';
import { intakeStage, type Coordinator } from '../../shared/domain';
import { DEFAULT_CHAPTERS, INTRO_CHAPTERS, PRACTICE_MESSAGE, TRAINING_TITLE, introMinutes, nextIntroStep, type IntroChapter, type IntroChapterId, type IntroProgress } from '../../shared/introduction';
import { text } from '../../shared/text';
import { FieldReader, isValidId } from '../../shared/validation';
import { requireRole } from '../auth/sessions';
import type { AlertService } from '../alerts/alert-service';
import type { Store } from '../store/store';
import { HttpError, invalidInput } from './http-error';

/** The chapters as they stand: an admin's edited text, else the shipped one. */
export async function introChapters(store: Store): Promise<IntroChapter[]> {
  const edited = new Map((await store.list('introTexts')).map((t) => [t.id, t]));
  return DEFAULT_CHAPTERS.map((c) => edited.get(c.id) ?? c);
}

/**
 * The digital introduction (docs/architecture.md, "Network"): its texts for everybody signed in,
 * progress and practice for the coordinator doing it, the texts' editing for admins. Completing
 * it sets the coordinator's `introCompletedAt`, which connects it to the alerting: the next
 * alert reaches it. The practice alert and report stay in the progress row: the training board
 * is not an incident, nothing is recorded in an incident log and nobody is alerted.
 */
export function introductionRoutes({ store, alerts, now }: { store: Store; alerts: AlertService; now: () => Date }): Router {
  const router = Router();
  const signedIn = requireRole();
  const coordinatorOnly = requireRole('coordinator');
  const admin = requireRole('admin');

  /** The registry coordinator behind the signed-in account, or a sentence why there is none. */
  const ownCoordinator = async (req: Request): Promise<Coordinator> => {
    const user = req.user!;
    const coordinator = user.coordinatorId ? await store.get('coordinators', user.coordinatorId) : undefined;
    if (!coordinator || coordinator.organisationId !== user.organisationId || !coordinator.active) {
      throw new HttpError(409, 'conflict', text('Uw account is niet gekoppeld aan een coördinator in het register. Vraag de GHOR dit te doen; daarna kunt u de introductie volgen.', 'Your account is not linked to a coordinator in the registry. Ask the GHOR to do so; then you can take the introduction.'));
    }
    return coordinator;
  };
  const progressOf = async (req: Request, coordinator: Coordinator): Promise<IntroProgress> =>
    (await store.get('introProgress', coordinator.id)) ?? { id: coordinator.id, userId: req.user!.id, startedAt: now().toISOString(), chaptersRead: [], practiceAlert: null, practiceReport: null, completedAt: coordinator.introCompletedAt };
  /** An ICO starts the introduction after the day course. */
  const mayStart = (coordinator: Coordinator) => {
    if (intakeStage(coordinator) === 'day-course') {
      throw new HttpError(409, 'conflict', text('U volgt de introductie na de dagcursus voor informatiecoördinatoren. De GHOR zet de datum van uw dagcursus in het register; daarna kunt u beginnen.', 'You take the introduction after the day course for information coordinators. The GHOR enters the date of your day course in the registry; then you can begin.'));
    }
  };
  const answer = (coordinator: Coordinator, progress: IntroProgress) => ({
    stage: intakeStage(coordinator),
    kind: coordinator.kind ?? 'crisis',
    dayCourseOn: coordinator.dayCourseOn ?? null,
    progress,
    next: nextIntroStep(progress),
  });

  router.get('/introduction', signedIn, async (req, res) => {
    const chapters = await introChapters(store);
    const own = req.user!.role === 'coordinator' && req.user!.coordinatorId ? await store.get('coordinators', req.user!.coordinatorId) : undefined;
    const mine = own && own.organisationId === req.user!.organisationId ? answer(own, await progressOf(req, own)) : null;
    res.json({ data: { chapters, minutes: introMinutes(chapters), trainingTitle: TRAINING_TITLE, practiceMessage: PRACTICE_MESSAGE, mine } });
  });

  const chapterParam = (req: Request): IntroChapterId => {
    const id = String(req.params.id);
    if (!(INTRO_CHAPTERS as readonly string[]).includes(id)) throw new HttpError(404, 'not-found', text('Dit hoofdstuk bestaat niet.', 'This chapter does not exist.'));
    return id as IntroChapterId;
  };

  router.post('/introduction/chapters/:id/read', coordinatorOnly, async (req, res) => {
    const chapter = chapterParam(req);
    const coordinator = await ownCoordinator(req);
    mayStart(coordinator);
    const progress = await progressOf(req, coordinator);
    const next = { ...progress, chaptersRead: INTRO_CHAPTERS.filter((c) => c === chapter || progress.chaptersRead.includes(c)) };
    await store.put({ introProgress: [next] });
    res.json({ data: answer(coordinator, next) });
  });

  /** The practice alert goes out once the chapters are read; sending it again keeps the first. */
  router.post('/introduction/practice-alert', coordinatorOnly, async (req, res) => {
    const coordinator = await ownCoordinator(req);
    mayStart(coordinator);
    const progress = await progressOf(req, coordinator);
    if (progress.chaptersRead.length < INTRO_CHAPTERS.length) {
      throw new HttpError(409, 'conflict', text('Lees eerst alle hoofdstukken; daarna komt het oefenalarm.', 'Read every chapter first; the practice alert comes after them.'));
    }
    const next = progress.practiceAlert ? progress : { ...progress, practiceAlert: { sentAt: now().toISOString(), answeredAt: null, answer: null } };
    if (next !== progress) await store.put({ introProgress: [next] });
    res.json({ data: answer(coordinator, next) });
  });

  router.post('/introduction/practice-alert/answer', coordinatorOnly, async (req, res) => {
    const coordinator = await ownCoordinator(req);
    const r = new FieldReader(req.body);
    const given = r.oneOf('answer', ACK_ANSWERS);
    if (r.issues.length > 0) throw invalidInput(r.issues);
    const progress = await progressOf(req, coordinator);
    if (!progress.practiceAlert) throw new HttpError(409, 'conflict', text('Er is nog geen oefenalarm verstuurd.', 'No practice alert has been sent yet.'));
    const next = { ...progress, practiceAlert: { ...progress.practiceAlert, answeredAt: now().toISOString(), answer: given! } };
    await store.put({ introProgress: [next] });
    res.json({ data: answer(coordinator, next) });
  });

  // The practice report is checked with the board's own field rules, so practice and crisis agree.
  router.post('/introduction/practice-report', coordinatorOnly, async (req, res) => {
    const coordinator = await ownCoordinator(req);
    const progress = await progressOf(req, coordinator);
    if (!progress.practiceAlert?.answeredAt) throw new HttpError(409, 'conflict', text('Beantwoord eerst het oefenalarm.', 'Answer the practice alert first.'));
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { locationId?: unknown; report?: unknown };
    const location = typeof body.locationId === 'string' && isValidId(body.locationId) ? await store.get('locations', body.locationId) : undefined;
    if (!location || location.organisationId !== coordinator.organisationId || !location.active) {
      throw invalidInput([{ path: 'locationId', text: text('kies een locatie van uw eigen organisatie', 'choose a location of your own organisation') }]);
    }
    const report = (typeof body.report === 'object' && body.report !== null ? body.report : {}) as Record<string, unknown>;
    const issues = Object.entries(report).flatMap(([field, value]) => {
      const check = REPORT_FIELD_CHECKS.get(field);
      if (!check) return [{ path: `report.${field.slice(0, 40)}`, text: text('dit veld bestaat niet in een melding', 'this field does not exist in a report') }];
      return value === null || check(value) ? [] : [{ path: `report.${field}`, text: text('deze waarde kan niet; kies een van de knoppen of vul een geldig getal in', 'this value is not possible; choose one of the buttons or enter a valid number') }];
    });
    if (typeof report.impact !== 'string' || report.impact === 'unknown') issues.push({ path: 'report.impact', text: text('kies de impact op deze locatie (geen, gering, groot of kritiek)', 'choose the impact on this location (none, minor, major or critical)') });
    if (issues.length > 0) throw invalidInput(issues);
    const next = { ...progress, practiceReport: { at: now().toISOString(), locationId: location.id, impact: String(report.impact) } };
    await store.put({ introProgress: [next] });
    res.json({ data: answer(coordinator, next) });
  });

  router.post('/introduction/complete', coordinatorOnly, async (req, res) => {
    const coordinator = await ownCoordinator(req);
    mayStart(coordinator);
    const progress = await progressOf(req, coordinator);
    const step = nextIntroStep(progress);
    if (step.kind !== 'complete' && step.kind !== 'done') {
      throw new HttpError(409, 'conflict', text('De introductie is nog niet af: lees alle hoofdstukken en doe het oefenalarm en de oefenmelding.', 'The introduction is not finished: read every chapter and do the practice alert and the practice report.'));
    }
    const at = now().toISOString();
    const done = { ...progress, completedAt: progress.completedAt ?? at };
    // Connected from now on: the alerting reads the registry's coordinators at every alert.
    const connected = { ...coordinator, introCompletedAt: coordinator.introCompletedAt ?? at };
    await store.put({ introProgress: [done], coordinators: [connected] });
    alerts.coordinatorConnected(connected.id);
    res.json({ data: answer(connected, done) });
  });

  // Editing the texts: Markdown per language; deleting an edit brings the shipped text back.
  router.put('/introduction/chapters/:id', admin, async (req, res) => {
    const id = chapterParam(req);
    const r = new FieldReader(req.body);
    const title = { nl: r.string('titleNl', { max: 200 }), en: r.string('titleEn', { max: 200 }) };
    const body = { nl: r.string('bodyNl', { max: 20000, trim: false }), en: r.string('bodyEn', { max: 20000, trim: false }) };
    const minutes = r.number('minutes', { min: 1, max: 30, integer: true });
    if (r.issues.length > 0) throw invalidInput(r.issues);
    const chapter: IntroChapter = { id, title: title as IntroChapter['title'], body: body as IntroChapter['body'], minutes: minutes!, updatedBy: req.user!.username, updatedAt: now().toISOString() };
    await store.put({ introTexts: [chapter] });
    res.json({ data: chapter });
  });

  router.delete('/introduction/chapters/:id', admin, async (req, res) => {
    const id = chapterParam(req);
    await store.remove('introTexts', [id]);
    res.json({ data: DEFAULT_CHAPTERS.find((c) => c.id === id) });
  });

  return router;
}
