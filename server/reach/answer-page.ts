import express, { Router, type Request, type Response } from 'express';
import { ACK_ANSWERS, type AckAnswer } from '../../shared/alert';
import { escapeMarkup as escape } from '../../shared/markup';
import { regionDateTime, regionTime } from '../../shared/text';
import { memoryCounters, recentCount, type Counters } from '../auth/counters';
import type { Sessions } from '../auth/sessions';
import { HttpError } from '../http/http-error';
import { clientAddress } from '../http/session-routes';
import type { LinkView, ReachService } from './reach-service';

/** Wrong tokens one address may try in a window before every link answers "wait" to it. */
export interface LinkGuardLimits {
  badTokens: number;
  windowMs: number;
}

export const DEFAULT_LINK_GUARD: LinkGuardLimits = { badTokens: 20, windowMs: 10 * 60000 };

/**
 * Counts wrong tokens per address: guessing links costs the guesser, never the coordinators.
 * The counters are shared by the servers of a database, so guessing through several servers is
 * stopped as through one.
 */
class LinkGuard {
  constructor(
    private readonly limits: LinkGuardLimits,
    private readonly now: () => number,
    private readonly counters: Counters,
  ) {}
  async blocked(address: string): Promise<boolean> {
    return (await recentCount(this.counters, address, this.now(), this.limits.windowMs)) >= this.limits.badTokens;
  }
  async failed(address: string): Promise<void> {
    await this.counters.add([address], this.now(), this.limits.windowMs);
  }
}

const WORDS = {
  nl: {
    title: 'Antwoord op GHOR-alarm',
    for: 'Voor',
    sent: 'Verstuurd',
    question: 'Is uw organisatie getroffen?',
    stillHit: 'Is uw organisatie nog getroffen?',
    no: 'Nee, niet getroffen',
    yes: 'Ja, getroffen',
    unknown: 'Weet ik nog niet',
    noHint: 'Al uw locaties zonder melding worden "geen impact, normaal in bedrijf".',
    thanks: 'Dank u. Uw antwoord is ontvangen:',
    already: 'Uw organisatie heeft al geantwoord:',
    by: 'door',
    closed: 'Dit incident is gesloten; antwoorden is niet meer nodig.',
    withdrawn: 'GHOR heeft dit alarm ingetrokken of alles veilig gegeven; antwoorden is niet meer nodig.',
    board: 'Naar het bord (inloggen) voor details',
    boardHit: 'Meld nu per locatie wat er aan de hand is (inloggen)',
    boardSignedIn: 'Naar het bord voor details',
    boardHitSignedIn: 'Meld nu per locatie wat er aan de hand is',
    asAccount: 'Deze link logt u op dit toestel in als {name}; geen wachtwoord nodig.',
    bad: 'Deze antwoordlink werkt niet',
    badHint: 'Gebruik de link uit het bericht zelf, of meld u aan op het bord en antwoord daar.',
    wait: 'Te veel ongeldige links vanaf dit adres. Probeer het over enkele minuten opnieuw, of meld u aan op het bord.',
    login: 'Inloggen op Zorgbeeld',
    answers: { yes: 'Getroffen', no: 'Niet getroffen', unknown: 'Weet nog niet' },
    change: 'Verkeerd gekozen, of is de situatie veranderd? Wijzig het antwoord in:',
    changed: 'Het antwoord is gewijzigd in:',
    changedNo: 'Uw locaties zonder melding staan nu op "geen impact, normaal in bedrijf".',
    changedFromNo: 'De "geen impact"-meldingen van het eerdere antwoord zijn teruggenomen, behalve waar iemand sindsdien iets meldde.',
  },
  en: {
    title: 'Answer to a GHOR alert',
    for: 'For',
    sent: 'Sent',
    question: 'Is your organisation hit?',
    stillHit: 'Is your organisation still hit?',
    no: 'No, not hit',
    yes: 'Yes, hit',
    unknown: 'Don’t know yet',
    noHint: 'All your locations without a report become "no impact, operating normally".',
    thanks: 'Thank you. Your answer was received:',
    already: 'Your organisation has answered already:',
    by: 'by',
    closed: 'This incident is closed; no answer is needed any more.',
    withdrawn: 'GHOR has withdrawn this alert or given the all clear; no answer is needed any more.',
    board: 'To the board (sign in) for details',
    boardHit: 'Now report per location what is going on (sign in)',
    boardSignedIn: 'To the board for details',
    boardHitSignedIn: 'Now report per location what is going on',
    asAccount: 'This link signs you in on this device as {name}; no password needed.',
    bad: 'This answer link does not work',
    badHint: 'Use the link from the message itself, or sign in to the board and answer there.',
    wait: 'Too many invalid links from this address. Try again in a few minutes, or sign in to the board.',
    login: 'Sign in to Zorgbeeld',
    answers: { yes: 'Hit', no: 'Not hit', unknown: 'Don’t know yet' },
    change: 'Wrong choice, or has the situation changed? Change the answer to:',
    changed: 'The answer was changed to:',
    changedNo: 'Your locations without a report are now "no impact, operating normally".',
    changedFromNo: 'The "no impact" reports of the earlier answer were taken back, except where someone has reported since.',
  },
};
type Words = (typeof WORDS)['nl'];

function wordsFor(req: Request): { lang: 'nl' | 'en'; w: Words } {
  const lang = req.acceptsLanguages('nl', 'en') === 'en' ? 'en' : 'nl';
  return { lang, w: WORDS[lang] };
}

const STYLE = `body{margin:0;font:17px/1.45 system-ui,sans-serif;color:#1b1b1b;background:#f4f6f9}
main{max-width:34rem;margin:0 auto;padding:1rem}
h1{font-size:1.3rem;color:#8c1d18;margin:.2rem 0 .6rem}
.message{background:#fff;border-left:5px solid #b3261e;padding:.7rem .9rem;border-radius:6px;white-space:pre-wrap}
.meta{color:#4a5563;font-size:.92rem;margin:.5rem 0}
form{margin:.7rem 0}
button{width:100%;min-height:3.6rem;font:700 1.15rem system-ui,sans-serif;border:0;border-radius:10px;color:#fff;cursor:pointer}
.no{background:#1e6b3f}.yes{background:#a3201a}.unknown{background:#4a5563}
.hint{font-size:.88rem;color:#4a5563;margin:.2rem 0 0}
.done{background:#e6f4ea;border:1px solid #9fd3ae;padding:.7rem .9rem;border-radius:8px;font-weight:600}
.problem{background:#fdecea;border:1px solid #f0b5b0;padding:.7rem .9rem;border-radius:8px}
.change{margin-top:1.2rem}.change p{margin:.2rem 0}.change form{margin:.4rem 0}.change button{min-height:3rem;background:#fff;color:#1d3a6e;border:2px solid #1d3a6e;font-size:1.05rem}
.board{display:block;text-align:center;margin:1rem 0;padding:1rem;border-radius:10px;background:#1d3a6e;color:#fff;font-weight:700;text-decoration:none}`;

function page(lang: string, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escape(title)} · Zorgbeeld</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** Where the board opens after an answer: on the own locations, a lone one's form open after "hit". */
function boardPath(view: LinkView): string {
  return `/incidents/${view.alert.incidentId}?open=own`;
}

/**
 * The way on to the board. A coordinator with an account is signed in by the link itself (a
 * POST, as an answer is: link previews and mail scanners only GET), so that at night, in the first
 * minute, no password stands between "hit" and the report; without an account, the sign-in page.
 */
function boardAccess(token: string, view: LinkView, w: Words, hit: boolean): string {
  if (view.account) {
    return `<form method="post" action="/a/${encodeURIComponent(token)}/board" data-board><button type="submit" class="board">${escape(hit ? w.boardHitSignedIn : w.boardSignedIn)}</button><p class="hint">${escape(w.asAccount.replace('{name}', view.account.displayName))}</p></form>`;
  }
  return `<a class="board" href="/login?next=${encodeURIComponent(boardPath(view))}">${escape(hit ? w.boardHit : w.board)}</a>`;
}

function header(view: LinkView, w: Words, lang: string): string {
  const sent = regionDateTime(view.alert.sentAt, lang === 'en' ? 'en' : 'nl');
  return `<h1>${view.alert.exercise ? (lang === 'en' ? 'EXERCISE · ' : 'OEFENING · ') : ''}GRIP ${view.alert.grip} · ${escape(view.incidentTitle)}</h1>
<p class="message">${escape(view.alert.message)}</p>
<p class="meta">${w.for}: <strong>${escape(view.organisationName)}</strong> (${escape(view.coordinatorName)}) · ${w.sent} ${escape(sent)}</p>`;
}

/** The question of an alert; an all clear asks it once more, as a last roll call: hit still? */
function answerForms(view: LinkView, w: Words): string {
  const form = (answer: AckAnswer, label: string, hint = '') => `<form method="post"><input type="hidden" name="answer" value="${answer}"><button type="submit" class="${answer}">${escape(label)}</button>${hint ? `<p class="hint">${escape(hint)}</p>` : ''}</form>`;
  return `<h2 style="font-size:1.1rem">${view.alert.msgType === 'Cancel' ? w.stillHit : w.question}</h2>${form('no', w.no, w.noHint)}${form('yes', w.yes)}${form('unknown', w.unknown)}`;
}

/** The other answers, for a wrong tap or a changed situation: a form each, posting `correct=1`. */
function changeForms(current: AckAnswer, w: Words): string {
  const form = (answer: AckAnswer) => `<form method="post"><input type="hidden" name="answer" value="${answer}"><input type="hidden" name="correct" value="1"><button type="submit">${escape(w.answers[answer])}</button></form>`;
  return `<div class="change" data-change><p>${escape(w.change)}</p>${ACK_ANSWERS.filter((a) => a !== current).map(form).join('')}</div>`;
}

function standing(view: LinkView, w: Words, lang: string): string {
  const ack = view.answered!;
  const at = regionTime(ack.at, lang === 'en' ? 'en' : 'nl');
  return `${w.answers[ack.answer]} (${w.by} ${escape(ack.displayName)}, ${at})`;
}

/**
 * The answer link's page, `/a/<token>`, without signing in. A GET only shows the alert and
 * three buttons: mail scanners and link previews follow every GET, so only a POST of the form
 * (`answer=yes|no|unknown`) answers. The page needs no script and works on any phone.
 */
export function answerPage({
  reach,
  sessions,
  now,
  log,
  limits = DEFAULT_LINK_GUARD,
  isAllowedOrigin,
  counters = memoryCounters(),
}: {
  reach: ReachService;
  sessions: Sessions;
  now: () => Date;
  log: (message: string) => void;
  limits?: LinkGuardLimits;
  isAllowedOrigin: (origin: string | undefined, host: string | undefined) => boolean;
  counters?: Counters;
}): Router {
  const router = Router();
  const guard = new LinkGuard(limits, () => now().getTime(), counters);
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    // Not no-referrer: with it Chromium sends `Origin: null` on the form's POST. The token never
    // leaves this origin either way.
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }));

  const refuse = (req: Request, res: Response, status: number, message: string) => {
    const { lang, w } = wordsFor(req);
    res.status(status).type('html').send(page(lang, w.bad, `<h1>${w.bad}</h1><p class="problem">${escape(message)}</p><p>${w.badHint}</p><a class="board" href="/login">${w.login}</a>`));
  };

  // Every link request: a blocked address is told to wait; a wrong token counts against it.
  const viewOf = async (req: Request, res: Response): Promise<LinkView | null> => {
    const address = clientAddress(req);
    const { w } = wordsFor(req);
    if (await guard.blocked(address)) {
      res.setHeader('Retry-After', String(Math.ceil(limits.windowMs / 1000)));
      refuse(req, res, 429, w.wait);
      return null;
    }
    try {
      return await reach.view(String(req.params.token));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      await guard.failed(address);
      refuse(req, res, error.status, wordsFor(req).lang === 'en' ? error.text.en : error.text.nl);
      return null;
    }
  };

  router.get('/:token', async (req, res) => {
    const view = await viewOf(req, res);
    if (!view) return;
    const { lang, w } = wordsFor(req);
    let body = header(view, w, lang);
    const token = String(req.params.token);
    if (!view.incidentOpen) body += `<p class="done">${w.closed}</p>`;
    else if (view.withdrawn && !view.answered) body += `<p class="done" data-withdrawn>${w.withdrawn}</p>${boardAccess(token, view, w, false)}`;
    else if (view.answered) body += `<p class="done">${w.already} ${standing(view, w, lang)}</p>${boardAccess(token, view, w, view.answered.answer === 'yes')}${changeForms(view.answered.answer, w)}`;
    else body += answerForms(view, w);
    res.type('html').send(page(lang, w.title, body));
  });

  // A form of this page only: another site's form may neither answer nor sign in.
  const sameOrigin = (req: Request, _res: Response, next: (error?: unknown) => void) => {
    if (isAllowedOrigin(req.headers.origin, req.headers.host)) return next();
    next(new HttpError(403, 'forbidden', { nl: 'Dit verzoek komt van een andere website en is geweigerd.', en: 'This request comes from another website and was refused.' }));
  };

  router.post('/:token', sameOrigin, async (req, res) => {
    const view = await viewOf(req, res);
    if (!view) return;
    const token = String(req.params.token);
    const { lang, w } = wordsFor(req);
    const answer = (req.body as Record<string, unknown> | undefined)?.answer;
    if (typeof answer !== 'string' || !(ACK_ANSWERS as readonly string[]).includes(answer)) {
      res.status(400).type('html').send(page(lang, w.title, `${header(view, w, lang)}<p class="problem">${lang === 'en' ? 'Choose one of the three answers.' : 'Kies een van de drie antwoorden.'}</p>${answerForms(view, w)}`));
      return;
    }
    if (!view.incidentOpen) {
      res.status(409).type('html').send(page(lang, w.title, `${header(view, w, lang)}<p class="done">${w.closed}</p>`));
      return;
    }
    // A correction (the page's second row of buttons): the organisation's answer becomes this one.
    if ((req.body as Record<string, unknown>).correct === '1') {
      const from = view.answered?.answer;
      const ack = await reach.correct(token, answer as AckAnswer);
      const extra = ack.answer === 'no' ? `<p>${w.changedNo}</p>` : from === 'no' ? `<p>${w.changedFromNo}</p>` : '';
      res.type('html').send(page(lang, w.title, `${header(view, w, lang)}<p class="done" data-answer="${ack.answer}" data-corrected>${w.changed} <strong>${w.answers[ack.answer]}</strong></p>${extra}${boardAccess(token, view, w, ack.answer === 'yes')}${changeForms(ack.answer, w)}`));
      return;
    }
    const { ack, first } = await reach.answer(token, answer as AckAnswer);
    // The notification's action asks for the outcome alone: whether this answer is the one that stands.
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ data: { answer: ack.answer, first, by: ack.displayName } });
      return;
    }
    const after = { ...view, answered: ack };
    const lead = first ? `${w.thanks} <strong>${w.answers[ack.answer]}</strong>` : `${w.already} ${standing(after, w, lang)}`;
    const extra = first && ack.answer === 'no' ? `<p>${w.noHint}</p>` : '';
    res.type('html').send(page(lang, w.title, `${header(view, w, lang)}<p class="done" data-answer="${ack.answer}">${lead}</p>${extra}${boardAccess(token, after, w, ack.answer === 'yes')}${changeForms(ack.answer, w)}`));
  });

  // The board, signed in by the link (see boardAccess): an answer's link is trusted with the
  // organisation's answer, and the account it signs in to writes for that organisation alone.
  // Only while the incident is open (the view has no account then); a device already signed in to
  // this account keeps its session.
  router.post('/:token/board', sameOrigin, async (req, res) => {
    const view = await viewOf(req, res);
    if (!view) return;
    const account = view.account;
    if (!account) {
      res.redirect(303, `/login?next=${encodeURIComponent(boardPath(view))}`);
      return;
    }
    const current = await sessions.resolve(req.headers.cookie);
    if (current?.user.id !== account.id) {
      res.append('Set-Cookie', await sessions.create(account));
      log(`signed in by an answer link: ${account.username} (alert ${view.alert.id}, ${view.message.channel})`);
      await reach.signedInByLink(view, account);
    }
    res.redirect(303, boardPath(view));
  });

  // The service worker says the push arrived on the device: delivered. Never an answer.
  router.post('/:token/received', async (req, res) => {
    const address = clientAddress(req);
    if (await guard.blocked(address)) {
      res.status(429).end();
      return;
    }
    try {
      await reach.received(String(req.params.token));
      res.status(204).end();
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      await guard.failed(address);
      res.status(error.status).end();
    }
  });

  // Errors on these pages are pages too: a sentence, never a stack or a JSON body.
  router.use((error: unknown, req: Request, res: Response, next: (error?: unknown) => void) => {
    if (res.headersSent) return next(error);
    if (error instanceof HttpError) return refuse(req, res, error.status, wordsFor(req).lang === 'en' ? error.text.en : error.text.nl);
    if ((error as { type?: string }).type?.startsWith('entity.')) return refuse(req, res, 400, wordsFor(req).lang === 'en' ? 'The form could not be read.' : 'Het formulier kon niet gelezen worden.');
    log(`answer page failure on ${req.method} ${req.path}: ${(error as Error)?.stack ?? String(error)}`);
    refuse(req, res, 500, wordsFor(req).lang === 'en' ? 'Something went wrong on our side; your answer may not have been saved. Try again, or phone the GHOR.' : 'Er ging bij ons iets mis; uw antwoord is mogelijk niet opgeslagen. Probeer het opnieuw, of bel de GHOR.');
  });

  return router;
}
