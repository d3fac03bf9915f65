import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** One text replaced in one source file. */
interface Edit {
  file: string;
  find: string;
  replace: string;
}

/** One protection switched off: one or more edits, and the test that must then fail. */
interface Mutation extends Edit {
  protection: string;
  /** Further edits, for a protection that sits in more than one place. */
  also?: Edit[];
  test: string;
  /** Only the tests whose name matches (vitest -t). */
  name?: string;
}

const ROOT = join(import.meta.dirname, '..');

// Every protection of issues #7, #11 and #13 (and a few more) with the smallest change that removes it.
const MUTATIONS: Mutation[] = [
  {
    protection: 'CSRF: foreign Origin on state-changing requests refused',
    file: 'server/app.ts',
    find: "if (req.method !== 'GET' && req.method !== 'HEAD' && !originAllowed(req.headers.origin, req.headers.host)) {",
    replace: 'if (false) {',
    test: 'tests/session.test.ts',
    name: 'foreign Origin',
  },
  {
    protection: 'Origin checked on the Yjs websocket',
    file: 'server/yjs/yjs-endpoint.ts',
    find: "if (!options.isAllowedOrigin(req)) return rejectUpgrade(socket, '403 Forbidden');",
    replace: '',
    test: 'tests/board-gate.test.ts',
    name: 'Origin at the upgrade',
  },
  {
    protection: 'Origin checked on the socket.io websocket',
    file: 'server/alerts/alert-socket.ts',
    find: "if (!isAllowedOrigin(req)) return 'origin not allowed';",
    replace: '',
    test: 'tests/alerts.test.ts',
    name: 'foreign Origin',
  },
  {
    protection: 'A board socket whose session ended while it was set up is closed',
    file: 'server/yjs/yjs-endpoint.ts',
    find: 'if (sessions.hasEnded(found.sessionId)) return closeWith(ws, CloseCodes.Unauthenticated);',
    replace: '',
    test: 'tests/hardening.test.ts',
    name: 'being set up',
  },
  {
    protection: 'An alert socket whose session ended while it was set up is disconnected',
    file: 'server/alerts/alert-socket.ts',
    find: 'if (sessions.hasEnded(socket.data.sessionId)) {',
    replace: 'if (false) {',
    test: 'tests/hardening.test.ts',
    name: 'being set up',
  },
  {
    protection: 'A coordinator’s own locations listed by place, then name',
    file: 'shared/board-view.ts',
    find: ".sort((a, b) => a.municipality.localeCompare(b.municipality, 'nl') || a.name.localeCompare(b.name, 'nl'));",
    replace: ';',
    test: 'shared/board-view.test.ts',
    name: 'by place',
  },
  {
    protection: 'The own-location search needs every word searched',
    file: 'shared/board-view.ts',
    find: 'return words.every((word) => text.includes(word));',
    replace: 'return words.length === 0 || words.some((word) => text.includes(word));',
    test: 'shared/board-view.test.ts',
    name: 'every word',
  },
  {
    protection: 'Answer link: signs in only the account of the coordinator it went to',
    file: 'server/reach/reach-service.ts',
    find: "u.active && u.role === 'coordinator' && u.coordinatorId === message.coordinatorId && u.organisationId === message.organisationId",
    replace: "u.active && u.role === 'coordinator' && u.organisationId === message.organisationId",
    test: 'tests/reach.test.ts',
    name: 'signs the link',
  },
  {
    protection: 'Answer link: signs nobody in once the incident is closed',
    file: 'server/reach/reach-service.ts',
    find: "incident.status === 'open' ? this.accountOf(message) : undefined,",
    replace: 'this.accountOf(message),',
    test: 'tests/reach.test.ts',
    name: 'signs the link',
  },
  {
    protection: 'Answer link: another site’s form can neither answer nor sign in',
    file: 'server/reach/answer-page.ts',
    find: "router.post('/:token/board', sameOrigin,",
    replace: "router.post('/:token/board',",
    test: 'tests/reach.test.ts',
    name: 'signs the link',
  },
  {
    protection: 'Answer link: signs in only in the first day after its message',
    file: 'server/reach/reach-service.ts',
    find: 'if (this.deps.now().getTime() - Date.parse(message.createdAt) > LINK_SIGN_IN_MS) return undefined;',
    replace: '',
    test: 'tests/reach.test.ts',
    name: 'signs the link',
  },
  {
    protection: 'A coordinator’s own locations inside the incident’s areas are found',
    file: 'shared/board-view.ts',
    find: 'return new Set(locations.filter((l) => rings.some((ring) => isInsideRing(l, ring))).map((l) => l.id));',
    replace: 'return new Set(locations.filter((l) => rings.every((ring) => isInsideRing(l, ring))).map((l) => l.id));',
    test: 'shared/board-view.test.ts',
    name: 'inside any of the areas',
  },
  {
    protection: 'Password link: one mail per account in ten minutes',
    file: 'server/http/invitation-routes.ts',
    find: "mailer.configured && (await recentCount(counters, `account:${user.id}`, at, RESET_WINDOW_MS)) === 0",
    replace: 'mailer.configured',
    test: 'tests/password-reset.test.ts',
    name: 'answers the same',
  },
  {
    protection: 'Password link: an address asks at most five times in ten minutes',
    file: 'server/http/invitation-routes.ts',
    find: 'if ((await recentCount(counters, `address:${address}`, at, RESET_WINDOW_MS)) >= RESETS_PER_ADDRESS) {',
    replace: 'if (false) {',
    test: 'tests/password-reset.test.ts',
    name: 'five asks',
  },
  {
    protection: 'Password link: works for an hour only',
    file: 'server/http/invitation-routes.ts',
    find: 'export const RESET_LINK_MS = 3600_000;',
    replace: 'export const RESET_LINK_MS = 14 * 86400_000;',
    test: 'tests/password-reset.test.ts',
    name: 'works once',
  },
  {
    protection: 'Link sign-in: written in the incident log',
    file: 'server/reach/answer-page.ts',
    find: '      await reach.signedInByLink(view, account);',
    replace: '',
    test: 'tests/reach.test.ts',
    name: 'signs the link',
  },
  { protection: 'Session cookie HttpOnly', file: 'server/auth/sessions.ts', find: 'HttpOnly; ', replace: '', test: 'tests/session.test.ts', name: 'signs in' },
  { protection: 'Session cookie SameSite', file: 'server/auth/sessions.ts', find: 'SameSite=Lax; ', replace: '', test: 'tests/session.test.ts', name: 'signs in' },
  {
    protection: 'Session cookie Secure behind TLS',
    file: 'server/auth/sessions.ts',
    find: "this.deps.secureCookies ? '; Secure' : ''",
    replace: "''",
    test: 'tests/session.test.ts',
    name: 'Secure',
  },
  {
    protection: 'Sign-in throttling',
    file: 'server/http/session-routes.ts',
    find: 'if (wait > 0) {',
    replace: 'if (false) {',
    test: 'tests/session.test.ts',
    name: 'slows down guessing',
  },
  {
    protection: 'Session expiry',
    file: 'server/auth/sessions.ts',
    find: 'if (Date.parse(session.expiresAt) <= this.deps.now().getTime()) {',
    replace: 'if (false) {',
    test: 'tests/session.test.ts',
    name: 'expires',
  },
  {
    protection: 'Sign-out everywhere ends every session of the user',
    file: 'server/auth/sessions.ts',
    find: 'await this.endMany(sessions.filter((s) => s.userId === userId).map((s) => s.id));',
    replace: 'await this.endMany(sessions.filter((s) => s.userId === userId).map((s) => s.id).slice(-1));',
    test: 'tests/hardening.test.ts',
    name: 'sign-out everywhere',
  },
  {
    protection: 'An ended session closes its Yjs websockets',
    file: 'server/yjs/yjs-endpoint.ts',
    find: 'for (const id of ids) for (const ws of bySession.get(id) ?? []) closeWith(ws, CloseCodes.Unauthenticated);',
    replace: '',
    test: 'tests/hardening.test.ts',
    name: 'ending a session',
  },
  {
    protection: 'An expiring session closes its websockets at once, not at the next sweep',
    file: 'server/auth/sessions.ts',
    find: 'const timer = setTimeout(() => void this.expire().catch(() => {}), Math.min(delay + 10, 2 ** 31 - 1));',
    replace: 'const timer = setTimeout(() => {}, 0);',
    test: 'tests/hardening.test.ts',
    name: 'expiring session',
  },
  {
    protection: 'Role checked on every route (users list for admin only)',
    file: 'server/http/user-routes.ts',
    find: "const admin = requireRole('admin');",
    replace: 'const admin = requireRole();',
    test: 'tests/access.test.ts',
    name: 'every route',
  },
  {
    protection: 'API security headers (CSP, no-store)',
    file: 'server/app.ts',
    find: "res.setHeader('Content-Security-Policy', \"default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'\");",
    replace: '',
    test: 'tests/access.test.ts',
    name: 'security headers',
  },
  {
    protection: 'Ids: no path tricks',
    file: 'shared/validation.ts',
    find: "return typeof value === 'string' && ID_PATTERN.test(value) && !value.includes('..');",
    replace: "return typeof value === 'string' && value.length > 0;",
    test: 'tests/access.test.ts',
    name: 'path trick',
  },
  {
    protection: 'Broken %-escapes answered 400, not 500',
    file: 'server/http/http-error.ts',
    find: 'if (error instanceof URIError) {',
    replace: 'if (false) {',
    test: 'tests/hardening.test.ts',
    name: 'path tricks',
  },
  {
    protection: 'Bodies over 1 MB refused (413)',
    file: 'server/app.ts',
    find: "api.use(express.json({ limit: '1mb' }));",
    replace: "api.use(express.json({ limit: '100mb' }));",
    test: 'tests/fuzz.test.ts',
    name: 'over the limit',
  },
  {
    protection: 'Yjs frames over 2 MiB closed (1009)',
    file: 'server/yjs/yjs-endpoint.ts',
    find: 'maxPayload: YJS_MAX_PAYLOAD',
    replace: 'maxPayload: 1024 * 1024 * 1024',
    test: 'tests/fuzz.test.ts',
    name: 'over the limit \\(1009\\)',
  },
  {
    protection: 'socket.io packets over 64 KiB disconnected',
    file: 'server/alerts/alert-socket.ts',
    find: 'maxHttpBufferSize: 64 * 1024,',
    replace: 'maxHttpBufferSize: 64 * 1024 * 1024,',
    test: 'tests/fuzz.test.ts',
    name: 'packet over the limit',
  },
  {
    protection: 'CSV export: cells starting with = + - @ defused',
    file: 'shared/csv.ts',
    find: "if (typeof value === 'string' && FORMULA_START.test(s)) s = PHONE.test(s) ? `\\u2060${s}` : `'${s}`;",
    replace: '',
    test: 'tests/import-export.test.ts',
  },
  {
    protection: 'Torn last log record cut off before appending',
    file: 'server/recorder/incident-log.ts',
    find: 'length = rewriteWithout(file, bytes, cut);',
    replace: 'length = bytes.length;',
    test: 'tests/recorder.test.ts',
  },
  {
    protection: 'Damaged checkpoint: fall back to the one before',
    file: 'server/recorder/replay-state.ts',
    find: "warn(`the checkpoint of ${new Date(records[i].time).toISOString()} cannot be read; falling back to the one before`);",
    replace: 'throw new Error("damaged checkpoint");',
    test: 'tests/recorder.test.ts',
  },
  {
    protection: 'Checkpoint after every so many updates (fast, bounded loading)',
    file: 'server/yjs/incident-room.ts',
    find: 'if (!this.fault && this.updatesSinceCheckpoint >= (this.options.checkpointEvery ?? DEFAULTS.checkpointEvery)) {',
    replace: 'if (false) {',
    test: 'tests/recorder.test.ts',
    name: 'checkpoint after',
  },
  {
    protection: 'Store file cut in half: refuse to start, never overwrite',
    file: 'server/store/lowdb-store.ts',
    find: 'await db.read();',
    replace: 'await db.read().catch(() => undefined);',
    // The file's content is checked too (a version and a users list): both guards go.
    also: [{ file: 'server/store/lowdb-store.ts', find: "if (exists && (typeof db.data !== 'object'", replace: "if (false && (typeof db.data !== 'object'" }],
    test: 'tests/store.test.ts',
  },
  {
    protection: 'Board: an observer writes nothing (new items refused before applying, deletions in the gate)',
    file: 'server/yjs/gate.ts',
    find: "if (list.length > 0 && author.role === 'observer') return refuse(CloseCodes.Forbidden, 'an observer writes nothing') as { ok: false; close: CloseCode; reason: string };",
    replace: '',
    also: [{ file: 'server/yjs/incident-room.ts', find: "if (newClients.length > 0 && (author.role === 'observer' || this.options.readOnly())) {", replace: 'if (newClients.length > 0 && this.options.readOnly()) {' }],
    test: 'tests/board-gate.test.ts',
  },
  {
    protection: "Gate: a coordinator cannot write another organisation's report",
    file: 'shared/board-rights.ts',
    find: "['reports', ownOrStaff],",
    replace: "['reports', () => true],",
    test: 'tests/board-gate.test.ts',
  },
  {
    protection: "Gate: a coordinator cannot file another organisation's need",
    file: 'shared/board-rights.ts',
    find: "['needs', ownOrStaff],",
    replace: "['needs', () => true],",
    test: 'tests/board-gate.test.ts',
  },
  { protection: 'Gate: the situation picture is written by GHOR', file: 'shared/board-rights.ts', find: "['picture', isStaff],", replace: "['picture', () => true],", test: 'tests/board-gate.test.ts', name: 'write the situation picture' },
  { protection: 'Gate: areas are drawn by GHOR', file: 'shared/board-rights.ts', find: "['areas', isStaff],", replace: "['areas', () => true],", test: 'tests/board-gate.test.ts', name: 'write an area' },
  { protection: 'Gate: the logbook is kept by GHOR', file: 'shared/board-rights.ts', find: "['logbook', isStaff],", replace: "['logbook', () => true],", test: 'tests/board-gate.test.ts', name: 'write a logbook entry' },
  {
    protection: "Gate: a need's handling fields are GHOR's",
    file: 'shared/board-rights.ts',
    find: 'return isStaff(writer) || !GHOR_NEED_FIELDS.includes(field);',
    replace: 'return true;',
    test: 'tests/board-gate.test.ts',
    name: 'GHOR handling fields',
  },
  {
    protection: 'Gate: a coordinator only files (open) or withdraws (cancelled) a need',
    file: 'shared/board-rights.ts',
    find: 'return isStaff(writer) || COORDINATOR_NEED_STATUSES.includes(status as NeedStatus);',
    replace: 'return true;',
    test: 'tests/board-gate.test.ts',
    name: 'marked met',
  },
  {
    protection: 'Gate: stamps are written by the server only',
    file: 'server/yjs/gate.ts',
    find: "        if (field === 'stamp') return no(CloseCodes.Forbidden, 'stamps are written by the server only');\n        const check = REPORT_FIELD_CHECKS.get(field);",
    replace: "        if (field === 'stamp') {\n          add(reports, key, field);\n          break;\n        }\n        const check = REPORT_FIELD_CHECKS.get(field);",
    test: 'tests/board-gate.test.ts',
    name: 'write a stamp',
  },
  {
    protection: 'Gate: report maps are created by the server only',
    file: 'server/yjs/gate.ts',
    find: "if (path.length === 2) return no(CloseCodes.Forbidden, 'report maps are created by the server only');",
    replace: 'if (path.length === 2) break;',
    test: 'tests/board-gate.test.ts',
    name: 'write a new report map',
  },
  {
    protection: 'Gate: needs are cancelled, never deleted',
    file: 'server/yjs/gate.ts',
    find: "if (deleted) return no(CloseCodes.Forbidden, 'needs are cancelled, never deleted');",
    replace: '',
    test: 'tests/board-gate.test.ts',
    name: 'deleting a need',
  },
  {
    protection: 'Gate: a root key outside the schema is refused',
    file: 'server/yjs/gate.ts',
    find: 'return no(CloseCodes.Invalid, `unknown root ${root}`);',
    replace: 'break;',
    test: 'tests/board-gate.test.ts',
    name: 'write a new root key',
  },
  {
    protection: 'Gate: report values are checked (figures, the lists of impact and operation)',
    file: 'server/yjs/gate.ts',
    find: 'if (!check(content.values[0])) return no(CloseCodes.Invalid, `invalid value of report field ${field}`);',
    replace: '',
    test: 'tests/board-gate.test.ts',
    name: 'negative beds',
  },
  {
    protection: 'Gate: an unknown report field is refused',
    file: 'server/yjs/gate.ts',
    find: "        const check = REPORT_FIELD_CHECKS.get(field);\n        if (!check) return no(CloseCodes.Invalid, `unknown report field ${field}`);",
    replace: "        const check = REPORT_FIELD_CHECKS.get(field) ?? (() => true);",
    test: 'tests/board-gate.test.ts',
    name: 'unknown report field',
  },
  {
    protection: 'Gate: the logbook is append-only',
    file: 'server/yjs/gate.ts',
    find: "if (deleted) return no(CloseCodes.Forbidden, 'the logbook is append-only');",
    replace: '',
    test: 'tests/board-gate.test.ts',
    name: 'deleting a logbook entry',
  },
  {
    protection: 'Gate: a logbook entry names its own author',
    file: 'server/yjs/gate.ts',
    find: "if ((entry as { by: string }).by !== author.username) return no(CloseCodes.Forbidden, 'a logbook entry names its own author');",
    replace: '',
    test: 'tests/board-gate.test.ts',
    name: 'in someone else',
  },
  {
    protection: 'Only GHOR sends alerts',
    file: 'server/alerts/alert-service.ts',
    find: "if (user.role !== 'ghor' && user.role !== 'admin') throw forbidden('Alleen de GHOR verstuurt alarmen.'",
    replace: "if (false) throw forbidden('Alleen de GHOR verstuurt alarmen.'",
    test: 'tests/alerts.test.ts',
  },
  {
    protection: 'The first acknowledgement of an organisation stands (no duplicates)',
    file: 'server/alerts/alert-service.ts',
    find: 'if (existing) return { ack: existing, first: false };',
    replace: '',
    also: [{ file: 'server/alerts/alert-service.ts', find: "const stored = await this.deps.store.putIfAbsent('acknowledgements', ack);", replace: 'await this.deps.store.put({ acknowledgements: [ack] }); const stored = ack;' }],
    test: 'tests/alerts.test.ts',
  },
  {
    protection: "The update recorded and broadcast holds the server's stamps (encoded from the clients the transaction touched)",
    file: 'server/yjs/incident-room.ts',
    find: 'const part = startPart(transaction, [...to.keys(), this.doc.clientID]);',
    replace: 'const part = startPart(transaction, [...to.keys()]);',
    test: 'tests/board-sync.test.ts',
    name: 'stamp',
  },
  {
    protection: 'Updates that arrive together are each recorded from their own part of the shared transaction (every struct once)',
    file: 'server/yjs/incident-room.ts',
    find: 'const accepted = encodePart(transaction, part);',
    replace: 'const accepted = encodePart(transaction, { before: new Map([...part.before.keys()].map((c) => [c, 0])), deletionsBefore: new Map() });',
    test: 'tests/updates-together.test.ts',
    name: 'one transaction',
  },
  {
    protection: "An accepted update is recorded with what it changed, in the same write (the review's timeline reads the changed events)",
    file: 'server/yjs/incident-room.ts',
    find: 'this.commit([{ update: accepted, user: author.id }], change ? [change.event] : []);',
    replace: 'this.commit([{ update: accepted, user: author.id }], []);',
    test: 'tests/updates-together.test.ts',
    name: 'one transaction',
  },
  {
    protection: "A change is recorded at its update's moment: the review's seek to a change finds the update applied",
    file: 'server/yjs/incident-room.ts',
    find: 'const record = eventRecord(time, updates[0].user, event);',
    replace: 'const record = eventRecord(time - 1, updates[0].user, event);',
    test: 'tests/updates-together.test.ts',
    name: 'same moment',
  },
  {
    protection: "On a shared log a turn that fails drops a change's event with its update: the review shows no change that is not in the log",
    file: 'server/yjs/incident-room.ts',
    find: 'r.type === RecordType.event && !this.changeEvents.has(r)',
    replace: 'r.type === RecordType.event',
    test: 'tests/shared-turn.test.ts',
    name: "drops a change's event",
  },
  {
    protection: 'An update goes out only once it is in the log (recorded before broadcast)',
    file: 'server/yjs/incident-room.ts',
    find: "    if (this.closed || updates.length === 0) return;\n    const time = this.options.now().getTime();",
    replace: "    if (this.closed || updates.length === 0) return;\n    if (!this.shared) this.outbox.push(...updates.map((u) => u.update));\n    const time = this.options.now().getTime();",
    also: [{ file: 'server/yjs/incident-room.ts', find: '(this.shared ? this.unrecorded.updates : this.outbox).push(update);', replace: 'if (this.shared) this.unrecorded.updates.push(update);' }],
    test: 'tests/storage.test.ts',
    name: 'full disk',
  },
  {
    protection: "On a shared log a turn's own updates go out only after its commit",
    file: 'server/yjs/incident-room.ts',
    find: '(this.shared ? this.unrecorded.updates : this.outbox).push(update);',
    replace: 'this.outbox.push(update);',
    test: 'tests/shared-turn.test.ts',
    name: 'also when its own commit fails',
  },
  {
    protection: "Nothing is sent while a turn holds the incident's order: what others committed goes out with the turn's own updates",
    file: 'server/yjs/incident-room.ts',
    find: 'this.applyRemote(missed, false);',
    replace: 'this.applyRemote(missed, true);',
    test: 'tests/shared-turn.test.ts',
    name: 'as one message',
  },
  {
    protection: 'Records carried on the bus are applied only when every record before them came too; else the log is read',
    file: 'server/yjs/incident-room.ts',
    find: '      if (!next) return null;',
    replace: '      if (!next) {\n        at++;\n        continue;\n      }',
    test: 'tests/shared-turn.test.ts',
    name: 'a message of the bus is missing',
  },
  {
    protection: "After applying carried records the room's head moves on, so its next turn does not get them again",
    file: 'server/yjs/incident-room.ts',
    find: '        recorder.passed(recorder.head + carried.length);',
    replace: '',
    test: 'tests/shared-turn.test.ts',
    name: 'as the bus carried it',
  },
  {
    protection: "A report change is held (judged without applying) only when its clientIDs are the author's own",
    file: 'server/yjs/incident-room.ts',
    find: ' || (owner !== undefined && owner !== author.id)) return false;',
    replace: ') return false;',
    test: 'tests/board-gate.test.ts',
    name: 'clientID another user wrote with',
  },
  {
    protection: "A held report change carries the server's stamp",
    file: 'server/yjs/incident-room.ts',
    find: 'encodeStructs([...(read.structs as Y.Item[]), ...stamps.values()], read.ds.clients)',
    replace: 'encodeStructs([...(read.structs as Y.Item[])], read.ds.clients)',
    test: 'tests/board-sync.test.ts',
    name: 'stamp',
  },
  {
    protection: 'A closed incident takes no report change, also where report changes are judged without applying them',
    file: 'server/yjs/incident-room.ts',
    find: ' || this.options.readOnly() || !this.options.budget.allows(author.id)) return false;',
    replace: ' || !this.options.budget.allows(author.id)) return false;',
    test: 'tests/board-sync.test.ts',
    name: 'closed',
  },
  {
    protection: 'Held updates are applied before anything reads the document',
    file: 'server/yjs/incident-room.ts',
    find: '  get doc(): Y.Doc {\n    this.integrate();',
    replace: '  get doc(): Y.Doc {',
    // Reads the document right after the turn, before the held updates' own timer has run.
    test: 'tests/updates-together.test.ts',
    name: 'one transaction',
  },
  {
    protection: 'A lone update in its turn goes out once recorded, before Yjs ends its transaction',
    file: 'server/yjs/incident-room.ts',
    find: 'if (this.alone && !this.shared) this.sendQueued();',
    replace: 'if (false) this.sendQueued();',
    test: 'tests/updates-together.test.ts',
    name: 'one transaction',
  },
  {
    protection: "The update is read once before applying: where each client's new structs end decides whose clientIDs it writes with (and so an observer's write is refused before applying)",
    file: 'server/yjs/gate.ts',
    find: 'to.set(client, struct.id.clock + struct.length);',
    replace: 'to.set(client, struct.id.clock);',
    test: 'tests/board-gate.test.ts',
  },
  {
    protection: 'A refusal inside a batch undoes only that update: the document is rebuilt before the rest go on',
    file: 'server/yjs/incident-room.ts',
    find: 'else if (failed) this.refuse(failed.socket, failed.close, failed.reason, true);',
    replace: 'else if (failed) this.refuse(failed.socket, failed.close, failed.reason, false);',
    test: 'tests/updates-together.test.ts',
    name: 'only applying can refuse',
  },
  {
    protection: "A refused socket's later frames in the same turn are not handled",
    file: 'server/yjs/incident-room.ts',
    find: 'if (!this.sockets.has(socket) || this.refused.has(socket)) continue;',
    replace: 'if (!this.sockets.has(socket)) continue;',
    test: 'tests/updates-together.test.ts',
    name: 'only applying can refuse',
  },
  {
    protection: 'Awareness: identity written by the server',
    file: 'server/yjs/room-awareness.ts',
    find: 'user: { id: socket.author.id, name: socket.author.displayName, role: socket.author.role, organisationId: socket.author.organisationId },',
    replace: '',
    test: 'tests/fuzz-socket.test.ts',
    name: 'true identity',
  },
  {
    protection: 'Awareness: burst limit',
    file: 'server/yjs/room-awareness.ts',
    find: 'if (entry.times.length >= AWARENESS_BURST) return;',
    replace: '',
    test: 'tests/fuzz-socket.test.ts',
    name: 'true identity',
  },
  {
    protection: 'Awareness: a clientID stays with the socket that used it first',
    file: 'server/yjs/room-awareness.ts',
    find: 'if (other !== socket && otherEntry.clients.has(client)) return;',
    replace: '',
    test: 'tests/room-awareness.test.ts',
    name: 'used it first',
  },
  {
    protection: 'Awareness: a socket that leaves takes its states along',
    file: 'server/yjs/room-awareness.ts',
    find: 'awarenessProtocol.removeAwarenessStates(this.states, removed, socket);',
    replace: '',
    test: 'tests/room-awareness.test.ts',
    name: 'leaving',
  },
  {
    protection: 'Awareness: the sender hears its own presence back (a board alone is not taken for a dead connection)',
    file: 'server/yjs/room-awareness.ts',
    find: 'const message = awarenessFrame(rewritten);\n    this.out.broadcast(message, null);',
    replace: 'const message = awarenessFrame(rewritten);\n    this.out.broadcast(message, socket);',
    test: 'tests/board-status.test.ts',
    name: 'nobody else',
  },
  {
    protection: 'Awareness: more states at once than anyone has closes the socket',
    file: 'server/yjs/room-awareness.ts',
    find: 'if (count > MAX_STATES) return socket.close(CloseCodes.BadMessage);',
    replace: '',
    test: 'tests/room-awareness.test.ts',
    name: 'too large',
  },
  {
    protection: 'Back-pressure: a client that stops reading is cut off',
    file: 'server/yjs/yjs-endpoint.ts',
    find: 'if (ws.bufferedAmount > maxBuffered) {',
    replace: 'if (false) {',
    test: 'tests/hardening.test.ts',
    name: 'stops reading',
  },
  // Issue #11, hardening round 2.
  {
    protection: 'A cookie that does not decode counts as no cookie (never throws)',
    file: 'server/auth/sessions.ts',
    find: `      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }`,
    replace: '      return decodeURIComponent(part.slice(eq + 1).trim());',
    test: 'tests/edges.test.ts',
    name: 'walks every entry point',
  },
  {
    protection: 'The Yjs connect step catches and closes with a code',
    file: 'server/yjs/yjs-endpoint.ts',
    find: 'connect(ws, socket, req, decodedId(path.slice(YJS_PATH.length))).catch((error: unknown) => {',
    replace: 'connect(ws, socket, req, decodedId(path.slice(YJS_PATH.length))).then((error: unknown) => {',
    test: 'tests/storage.test.ts',
    name: 'missing network',
  },
  {
    protection: 'Sessions before sockets: no engine.io session without a signed-in user',
    file: 'server/alerts/alert-socket.ts',
    find: "if (!(await sessions.resolve(req.headers.cookie))) return 'unauthenticated';",
    replace: '',
    test: 'tests/edges.test.ts',
    name: 'opens no engine.io session',
  },
  {
    protection: 'Connections per address capped (Yjs)',
    file: 'server/yjs/yjs-endpoint.ts',
    find: "if (perAddress.full(address)) return rejectUpgrade(socket, '429 Too Many Requests');",
    replace: '',
    test: 'tests/edges.test.ts',
    name: 'caps the connections',
  },
  {
    protection: 'Connections per address capped (socket.io)',
    file: 'server/alerts/alert-socket.ts',
    find: "if (perAddress.full(req.socket.remoteAddress ?? '')) return 'too many connections from this address';",
    replace: '',
    test: 'tests/edges.test.ts',
    name: 'caps the connections',
  },
  {
    protection: 'Gate: report fields looked up by own keys (a Map)',
    file: 'server/yjs/gate.ts',
    find: 'const check = REPORT_FIELD_CHECKS.get(field);',
    replace: 'const check = (Object.fromEntries(REPORT_FIELD_CHECKS) as Record<string, (v: unknown) => boolean>)[field];',
    test: 'tests/own-keys.test.ts',
    name: 'refuses every',
  },
  {
    protection: 'Gate: need fields looked up by own keys (a Map)',
    file: 'server/yjs/gate.ts',
    find: 'const check = NEED_FIELD_CHECKS.get(field);',
    replace: 'const check = (Object.fromEntries(NEED_FIELD_CHECKS) as Record<string, (v: unknown) => boolean>)[field];',
    test: 'tests/own-keys.test.ts',
    name: 'refuses every',
  },
  {
    protection: 'JSON bodies read by own keys',
    file: 'shared/validation.ts',
    find: 'return Object.hasOwn(this.input, key) ? this.input[key] : undefined;',
    replace: 'return this.input[key];',
    test: 'tests/own-keys.test.ts',
    name: 'JSON bodies',
  },
  {
    protection: 'Review: a recorded event that is no object is skipped',
    file: 'server/review/review-service.ts',
    find: 'if (!isObject(raw)) continue;',
    replace: '',
    test: 'tests/own-keys.test.ts',
    name: 'written before the fix',
  },
  {
    protection: 'Review: only known report and need fields are shown',
    file: 'server/review/review-service.ts',
    find: 'if (!known.has(key)) continue;',
    replace: '',
    test: 'tests/own-keys.test.ts',
    name: 'written before the fix',
  },
  {
    protection: 'Areas carry name, createdBy and createdAt only',
    file: 'shared/board-schema.ts',
    find: "if (Object.keys(p).some((k) => !AREA_PROPERTIES.has(k))) return 'area properties hold name, createdBy and createdAt only';",
    replace: '',
    test: 'tests/own-keys.test.ts',
    name: 'beyond its name',
  },
  {
    protection: 'Areas stamped by the server (createdBy, createdAt)',
    file: 'shared/incident-doc.ts',
    find: 'for (const [id, stamp] of stamps.areas ?? []) {',
    replace: 'for (const [id, stamp] of new Map<string, Stamp>()) {',
    test: 'tests/own-keys.test.ts',
    name: 'area ids',
  },
  {
    protection: 'A failed append refuses the write with the retryable storage code',
    file: 'server/yjs/incident-room.ts',
    find: 'return { close: CloseCodes.StorageUnavailable, reason: error.message };',
    replace: 'return { close: CloseCodes.Invalid, reason: error.message };',
    test: 'tests/storage.test.ts',
    name: 'full disk',
  },
  {
    protection: 'Everyone on the board is told it is read-only for now',
    file: 'server/yjs/incident-room.ts',
    find: `the board is read-only until writing works again\`);
    this.broadcastStatus(this.statusMessage());`,
    replace: 'the board is read-only until writing works again`);',
    test: 'tests/storage.test.ts',
    name: 'full disk',
  },
  {
    protection: 'Writing resumes by itself when space returns',
    file: 'server/yjs/incident-room.ts',
    find: 'this.retryTimer = setInterval(() => this.retryWriting(), this.options.storageRetryMs ?? DEFAULTS.storageRetryMs);',
    replace: 'this.retryTimer = setInterval(() => {}, this.options.storageRetryMs ?? DEFAULTS.storageRetryMs);',
    test: 'tests/storage.test.ts',
    name: 'full disk',
  },
  {
    protection: 'Health reports log-write failures',
    file: 'server/app.ts',
    find: 'const ok = health.ok && logs.length === 0;',
    replace: 'const ok = health.ok;',
    test: 'tests/storage.test.ts',
    name: 'full disk',
  },
  {
    protection: 'A partial append is cut back to the last whole record',
    file: 'server/recorder/incident-log.ts',
    find: 'ftruncateSync(this.fd, this.length);',
    replace: '',
    test: 'tests/storage.test.ts',
    name: 'cut short',
  },
  {
    protection: 'Events wait in memory while the log is not writable',
    file: 'server/yjs/incident-room.ts',
    find: 'if (this.backlog.length < MAX_BACKLOG) this.backlog.push(record);',
    replace: 'if (false) this.backlog.push(record);',
    test: 'tests/storage.test.ts',
    name: 'read-only data directory',
  },
  {
    protection: 'A missing network or unreadable log answers with a sentence',
    file: 'server/yjs/rooms.ts',
    find: `      source = readFileSync(file, 'utf8');
    } catch (error) {`,
    replace: `      source = readFileSync(file, 'utf8');
    } catch (error) {
      throw error;`,
    test: 'tests/storage.test.ts',
    name: 'missing network',
  },
  {
    protection: 'Log framing resynchronises at the next marker',
    file: 'server/recorder/incident-log.ts',
    find: 'const next = nextRecordAt(bytes, view, offset + 1);',
    replace: 'const next = -1 as number;',
    test: 'tests/recorder.test.ts',
    name: 'flipped bit',
  },
  {
    protection: 'Unreadable bytes are moved beside the log, never dropped unseen',
    file: 'server/recorder/incident-log.ts',
    find: 'for (const range of cut) writeFileSync(`${file}.${range.offset}.damaged`, bytes.subarray(range.offset, range.offset + range.length));',
    replace: '',
    test: 'tests/recorder.test.ts',
    name: 'moves unreadable bytes',
  },
  {
    protection: 'Write budget per user',
    file: 'server/yjs/incident-room.ts',
    find: "if (newClients.length > 0 && !this.options.budget.allows(author.id)) return this.refuse(socket, CloseCodes.WriteBudget, 'write budget used up', false), null;",
    replace: '',
    test: 'tests/write-budget.test.ts',
    name: 'floods',
  },
  {
    protection: 'Cold join: answered from the stored state while the room loads',
    file: 'server/yjs/rooms.ts',
    find: 'for (const waiter of waiting!) waiter.stored(stored);',
    replace: '',
    test: 'tests/early-state.test.ts',
    name: 'gets the stored state before the room is built',
  },
  {
    protection: 'Joins with nothing: the whole state encoded once, and the updates since',
    file: 'server/yjs/join-answers.ts',
    find: 'this.whole?.since.push(...updates);',
    replace: '',
    test: 'tests/early-state.test.ts',
    name: 'get the whole board',
  },
  {
    protection: 'Joins with nothing: the whole state is kept only when nothing accepted still waits to go out',
    file: 'server/yjs/join-answers.ts',
    find: 'whole.since.length >= WHOLE_STATE_REFRESH) && settled)',
    replace: 'whole.since.length >= WHOLE_STATE_REFRESH))',
    test: 'tests/join-answers.test.ts',
    name: 'wait to go out',
  },
  {
    protection: 'Refused writes counted across servers',
    file: 'server/yjs/yjs-endpoint.ts',
    find: 'const refusals = options.refusals ?? memoryCounters();',
    replace: 'const refusals = memoryCounters();',
    test: 'tests/cluster.test.ts',
    name: 'writes refused on one server',
  },
  {
    protection: 'Wrong answer links counted across servers',
    file: 'server/app.ts',
    find: "counters: counters('answer-links')",
    replace: '',
    test: 'tests/cluster.test.ts',
    name: 'wrong answer links',
  },
  {
    protection: 'Sign-in: a known device is not slowed by failures elsewhere',
    file: 'server/auth/sign-in-guard.ts',
    find: 'if (attempt.knownDevice) return [pair];',
    replace: '',
    test: 'tests/sign-in.test.ts',
    name: 'attack from elsewhere',
  },
  {
    protection: 'Sign-in: a known address is not slowed by failures elsewhere',
    file: 'server/auth/sign-in-guard.ts',
    find: 'if (attempt.knownAddress) return [pair, address];',
    replace: '',
    test: 'tests/sign-in.test.ts',
    name: 'attack from elsewhere',
  },
  {
    protection: 'Sign-in: delays grow with every failure',
    file: 'server/auth/sign-in-guard.ts',
    find: 'const delay = Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** (entry.count - free));',
    replace: 'const delay = this.limits.baseDelayMs;',
    test: 'tests/session.test.ts',
    name: 'slows down guessing',
  },
  {
    protection: 'Sign-in: failed attempts shown after signing in',
    file: 'server/http/session-routes.ts',
    find: 'const failedAttempts: FailedSignIns | null = known?.failed ?? null;',
    replace: 'const failedAttempts: FailedSignIns | null = null;',
    test: 'tests/sign-in.test.ts',
    name: 'attack from elsewhere',
  },
  {
    protection: 'Signing in writes the sessions file, not the registry',
    file: 'server/store/lowdb-store.ts',
    find: "  sessions: 'sessions',",
    replace: "  sessions: 'registry',",
    test: 'tests/sign-in.test.ts',
    name: 'never the registry',
  },
  {
    protection: 'Import: moves to another organisation need confirmation',
    file: 'server/http/registry-routes.ts',
    find: 'if (plan.moves.length > 0 && !confirmMoves) {',
    replace: 'if (false) {',
    test: 'tests/import-export.test.ts',
    name: 'moves to another organisation',
  },
  {
    protection: 'Import: checked in steps that keep the event loop free',
    file: 'server/http/registry-routes.ts',
    find: 'const pause = () => new Promise<void>((resolve) => setImmediate(resolve));',
    replace: 'const pause = () => Promise.resolve();',
    test: 'tests/import-export.test.ts',
    name: '200,000 rows',
  },
  {
    protection: 'Import: problem list capped',
    file: 'shared/registry-io.ts',
    find: 'return { shown: problems.slice(0, shown),',
    replace: 'return { shown: problems.slice(0),',
    test: 'tests/import-export.test.ts',
    name: '200,000 rows',
  },
  // Reach outside the app (#13).
  {
    protection: 'Answer link: a GET never answers',
    file: 'server/reach/answer-page.ts',
    find: "    const view = await viewOf(req, res);\n    if (!view) return;\n    const { lang, w } = wordsFor(req);\n    let body",
    replace: "    const view = await viewOf(req, res);\n    if (!view) return;\n    await reach.answer(String(req.params.token), 'no').catch(() => undefined);\n    const { lang, w } = wordsFor(req);\n    let body",
    test: 'tests/reach.test.ts',
    name: 'a GET of the link only shows',
  },
  {
    protection: 'Answer link: the signature is checked',
    file: 'server/reach/reach-service.ts',
    find: 'if (!message || !this.links.verify(token, message)) throw linkGone();',
    replace: 'if (!message) throw linkGone();',
    test: 'tests/reach.test.ts',
    name: 'altered token',
  },
  {
    protection: 'Answer link: wrong tokens cut off per address',
    file: 'server/reach/answer-page.ts',
    find: "    if (await guard.blocked(address)) {\n      res.setHeader('Retry-After'",
    replace: "    if (false) {\n      res.setHeader('Retry-After'",
    test: 'tests/reach.test.ts',
    name: '1,000 wrong tokens',
  },
  {
    protection: 'Answer link: stops when the incident closes',
    file: 'server/alerts/alert-service.ts',
    find: "      if (incident.status !== 'open') throw closedIncident();",
    replace: '',
    also: [{ file: 'server/reach/answer-page.ts', find: '    if (!view.incidentOpen) {\n      res.status(409)', replace: '    if (false) {\n      res.status(409)' }],
    test: 'tests/reach.test.ts',
    name: 'stops its links',
  },
  {
    protection: 'Banner: an answer after the incident closed is refused, nothing recorded',
    file: 'server/alerts/alert-service.ts',
    find: "      if ((await this.deps.store.get('incidents', alert.incidentId))?.status !== 'open') throw closedIncident();",
    replace: '',
    test: 'tests/alerts.test.ts',
    name: 'closing an incident takes its alerts',
  },
  {
    protection: 'Banner: a coordinator not yet connected gets no pending alerts on its socket',
    file: 'server/alerts/alert-socket.ts',
    find: 'ack({ data: socket.data.receivesAlerts ? await alerts.pendingFor(user) : [] });',
    replace: 'ack({ data: await alerts.pendingFor(user) });',
    test: 'tests/alerts.test.ts',
    name: 'digital introduction',
  },
  {
    protection: 'Closing an incident takes its alerts off the banners',
    file: 'server/alerts/alert-socket.ts',
    find: "      io.to(organisationIds.map(orgRoom)).emit('alerts:withdrawn', withdrawn);",
    replace: '',
    test: 'tests/alerts.test.ts',
    name: 'closing an incident takes its alerts',
  },
  {
    protection: 'All clear: the withdrawn alert is not escalated',
    file: 'server/reach/reach-service.ts',
    find: "alert.msgType === 'Cancel' || withdrawn.has(alert.id)) continue;",
    replace: "alert.msgType === 'Cancel') continue;",
    test: 'tests/escalation.test.ts',
    name: 'withdrew',
  },
  {
    protection: 'All clear: the withdrawn alert’s messages not handed over are cancelled',
    file: 'server/reach/reach-service.ts',
    find: "    if (message.state === 'queued' && withdrawals(await this.deps.store.list('alerts')).has(alert.id)) return null;",
    replace: '',
    test: 'tests/escalation.test.ts',
    name: 'withdrew',
  },
  {
    protection: 'All clear: the withdrawn alert is no longer pending',
    file: 'server/alerts/alert-service.ts',
    find: ' && !acked.has(a.id) && !withdrawn.has(a.id))',
    replace: ' && !acked.has(a.id))',
    test: 'tests/escalation.test.ts',
    name: 'withdrew',
  },
  {
    protection: 'All clear: the banners of the withdrawn alert are told',
    file: 'server/alerts/alert-service.ts',
    find: "      const withdrawn = alert.msgType === 'Cancel' ? alerts.find((a) => a.id === alert.references) : undefined;",
    replace: '      const withdrawn = undefined as Alert | undefined;',
    test: 'tests/escalation.test.ts',
    name: 'withdrew',
  },
  {
    protection: 'Answer link: an alert GHOR withdrew says so instead of asking',
    file: 'server/reach/answer-page.ts',
    find: '    else if (view.withdrawn && !view.answered)',
    replace: '    else if (false)',
    test: 'tests/reach.test.ts',
    name: 'withdrew',
  },
  {
    protection: 'SMS: one part, at most 160 GSM-7 characters with the link',
    file: 'shared/reach.ts',
    find: 'const room = 160 - gsm7Length(tail);',
    replace: 'const room = 400 - gsm7Length(tail);',
    test: 'tests/reach.test.ts',
    name: 'within one part',
  },
  {
    protection: 'SMS status webhook: the key in its address is checked',
    file: 'server/http/reach-routes.ts',
    find: 'if (given.length !== statusKey.length || !timingSafeEqual(given, statusKey)) throw',
    replace: 'if (false) throw',
    test: 'tests/reach.test.ts',
    name: 'status reports',
  },
  {
    protection: 'Registry: e-mail addresses are checked',
    file: 'shared/validation.ts',
    find: 'if (value && !isEmail(value)) {',
    replace: 'if (false) {',
    test: 'tests/reach.test.ts',
    name: 'refuses an invalid e-mail',
  },
  {
    protection: 'A coordinator edits only its own e-mail, mobile and channels',
    file: 'server/http/reach-routes.ts',
    find: "const own = Object.fromEntries(['phone', 'email', 'channels'].filter((k) => Object.hasOwn(body, k)).map((k) => [k, body[k]]));",
    replace: 'const own = body;',
    also: [{ file: 'server/http/reach-routes.ts', find: 'const next = { ...coordinator, ...whole.value, id: coordinator.id, organisationId: coordinator.organisationId };', replace: 'const next = { ...coordinator, ...whole.value };' }],
    test: 'tests/reach.test.ts',
    name: 'its own e-mail',
  },
  {
    protection: 'Escalation: a step taken is not taken again (restart)',
    file: 'server/alerts/alert-service.ts',
    find: 'if (!alert || (alert.escalation?.[organisationId]?.step ?? 0) >= step) return false;',
    replace: 'if (!alert) return false;',
    also: [{ file: 'server/reach/reach-service.ts', find: 'if (step < 1 && (await this.deps.alerts.escalate(', replace: 'if ((await this.deps.alerts.escalate(' }],
    test: 'tests/escalation.test.ts',
    name: 'across a restart',
  },
  {
    protection: 'Escalation: organisations that answered are left alone',
    file: 'server/reach/reach-service.ts',
    find: 'if (answered.has(`${alert.id}:${organisationId}`)) continue;',
    replace: '',
    also: [{ file: 'server/alerts/alert-service.ts', find: "if (await this.deps.store.get('acknowledgements', `${alertId}:${organisationId}`)) return false;", replace: '' }],
    test: 'tests/escalation.test.ts',
    name: 'answered ones are left alone',
  },
  {
    protection: 'Web Push: payload encrypted as aes128gcm (RFC 8291)',
    file: 'server/reach/push-channel.ts',
    find: "contentEncoding: 'aes128gcm',",
    replace: "contentEncoding: 'aesgcm',",
    test: 'tests/push.test.ts',
    name: 'encrypts each alert',
  },
  {
    protection: 'Web Push: an answer settles the alarm on the organisation’s devices',
    file: 'server/reach/reach-service.ts',
    find: '(m) => m.alertId === ack.alertId && m.organisationId === ack.organisationId && m.to !== answeredOn,',
    replace: '() => false,',
    test: 'tests/push.test.ts',
    name: 'once the organisation has answered',
  },
  {
    protection: 'Web Push: a closure settles only the alarms still unanswered',
    file: 'server/reach/reach-service.ts',
    find: "(m) => !answered.has(`${m.alertId}:${m.organisationId}`), settledTag(withdrawn.incidentId)",
    replace: "() => true, settledTag(withdrawn.incidentId)",
    test: 'tests/push.test.ts',
    name: 'once the organisation has answered',
  },
  {
    protection: 'A corrected answer takes back only the "not hit" reports nobody changed since',
    file: 'shared/incident-doc.ts',
    find: "if (!map || stamp?.via !== 'alert-answer' || stamp.organisationId !== answer.organisationId || stamp.at !== answer.at) continue;",
    replace: 'if (!map) continue;',
    also: [{ file: 'shared/incident-doc.ts', find: "if (map.get('impact') !== 'none' || map.get('operation') !== 'normal') continue;", replace: '' }],
    test: 'tests/answer-report.test.ts',
    name: 'a wrong tap',
  },
  {
    protection: 'A corrected answer takes back the "not hit" reports at all',
    file: 'server/alerts/alert-service.ts',
    find: "if (existing.answer === 'no') cleared = await this.withdrawNotHit(alert, organisationId, answeredAt(existing));",
    replace: '',
    test: 'tests/answer-report.test.ts',
    name: 'a wrong tap',
  },
  {
    protection: 'A coordinator corrects only its own organisation’s answer',
    file: 'server/alerts/alert-service.ts',
    find: "if (!ghor && !(user.role === 'coordinator' && user.organisationId === organisationId)) {",
    replace: "if (!ghor && !(user.role === 'coordinator')) {",
    test: 'tests/answer-report.test.ts',
    name: 'a wrong tap',
  },
  {
    protection: 'An answer is corrected only for an organisation the alert went to (the check shared with the phoned answer)',
    file: 'server/alerts/alert-service.ts',
    find: 'if (!alert.organisationIds.includes(organisationId)) throw notAddressed();',
    replace: '',
    test: 'tests/answer-report.test.ts',
    name: 'a wrong tap',
  },
  {
    protection: 'A closed incident’s answers are not corrected (the check shared with the phoned answer)',
    file: 'server/alerts/alert-service.ts',
    find: "if (incident?.status !== 'open') throw closedIncident();\n    return alert;",
    replace: 'return alert;',
    test: 'tests/answer-report.test.ts',
    name: 'a wrong tap',
  },
  {
    protection: 'The review counts the corrected answer, with the first answer’s time',
    file: 'shared/review.ts',
    find: "if (m && m.acknowledgedAt !== null) m.answer = String(event.detail.answer ?? '');",
    replace: '',
    test: 'tests/answer-report.test.ts',
    name: 'a wrong tap',
  },
  {
    protection: 'The printable report counts the corrected answer',
    file: 'server/review/report-html.ts',
    find: "if (e.type === 'answer-corrected' && e.organisationId && story.answers.has(e.organisationId)) story.answers.set(e.organisationId, str(d.answer));",
    replace: '',
    test: 'tests/answer-report.test.ts',
    name: 'a wrong tap',
  },
  {
    protection: 'The answer link’s page corrects the answer instead of answering again',
    file: 'server/reach/answer-page.ts',
    find: "if ((req.body as Record<string, unknown>).correct === '1') {",
    replace: 'if (false) {',
    test: 'tests/reach.test.ts',
    name: 'corrects a wrong answer',
  },
  {
    protection: 'Web Push: a corrected answer replaces the earlier word on the devices',
    file: 'server/alerts/alert-service.ts',
    find: 'l.corrected?.(next, status);',
    replace: '',
    test: 'tests/push.test.ts',
    name: 'a corrected answer takes the place',
  },
  {
    protection: 'Signing out stops the account’s alerts on that device',
    file: 'server/http/session-routes.ts',
    find: 'const devicesOff = req.user && checked.value.pushEndpoint ? await forgetDevices(store, req.user.id, checked.value.pushEndpoint) : 0;',
    replace: 'const devicesOff = 0;',
    test: 'tests/push.test.ts',
    name: 'signing out stops',
  },
  {
    protection: 'Signing out everywhere stops the account’s alerts on every device',
    file: 'server/http/session-routes.ts',
    find: 'const devicesOff = await forgetDevices(store, req.user!.id);',
    replace: 'const devicesOff = 0;',
    test: 'tests/push.test.ts',
    name: 'signing out stops',
  },
  {
    protection: 'Signing out leaves a device another account took over',
    file: 'server/reach/devices.ts',
    find: 'const gone = rows.filter((row) => row?.userId === userId).map((row) => row!.id);',
    replace: 'const gone = rows.filter((row) => row !== undefined).map((row) => row!.id);',
    test: 'tests/push.test.ts',
    name: 'signing out stops',
  },
  {
    protection: 'Answer link: the notification is told when a colleague’s answer stands',
    file: 'server/reach/answer-page.ts',
    find: 'res.json({ data: { answer: ack.answer, first, by: ack.displayName } });',
    replace: 'res.json({ data: { answer: ack.answer, first: true, by: ack.displayName } });',
    test: 'tests/push.test.ts',
    name: 'once the organisation has answered',
  },
  {
    protection: 'Several servers: one answer per organisation stands, also when two come at once',
    file: 'server/alerts/alert-service.ts',
    find: "const stored = await this.deps.store.putIfAbsent('acknowledgements', ack);",
    replace: 'await this.deps.store.put({ acknowledgements: [ack] }); const stored = ack;',
    // The servers' lock on alert changes keeps this too; without both, the answers race.
    also: [{ file: 'server/alerts/alert-service.ts', find: "const exclusive = () => this.deps.store.exclusive('alerts', work);", replace: 'const exclusive = work;' }],
    test: 'tests/cluster.test.ts',
    name: 'two answers for one organisation',
  },
  {
    protection: 'Several servers: alert changes one at a time across them (an answer against the closure)',
    file: 'server/alerts/alert-service.ts',
    find: "const exclusive = () => this.deps.store.exclusive('alerts', work);",
    replace: 'const exclusive = work;',
    test: 'tests/cluster.test.ts',
    name: 'at the same moment: the answer',
  },
  {
    protection: 'An answer taken down by phone: GHOR only',
    file: 'server/alerts/alert-service.ts',
    find: "if (user.role !== 'ghor' && user.role !== 'admin') throw forbidden('Alleen de GHOR legt een telefonisch antwoord vast.'",
    replace: "if (false) throw forbidden('Alleen de GHOR legt een telefonisch antwoord vast.'",
    also: [{ file: 'server/http/alert-routes.ts', find: "router.post('/alerts/:id/answers', requireRole('ghor', 'admin'),", replace: "router.post('/alerts/:id/answers', requireRole()," }],
    test: 'tests/alerts.test.ts',
    name: 'takes down by phone',
  },
  {
    protection: 'An answer taken down by phone: refused once the incident is closed',
    file: 'server/alerts/alert-service.ts',
    find: "if (incident?.status !== 'open') throw closedIncident();\n    return alert;",
    replace: 'return alert;',
    test: 'tests/alerts.test.ts',
    name: 'takes down by phone',
  },
  {
    protection: 'An answer taken down by phone: only for an organisation the alert went to',
    file: 'server/alerts/alert-service.ts',
    find: 'if (!alert.organisationIds.includes(organisationId)) throw notAddressed();',
    replace: '',
    test: 'tests/alerts.test.ts',
    name: 'takes down by phone',
  },
  {
    protection: 'Outbox: a message is cancelled once its organisation answered',
    file: 'server/reach/reach-service.ts',
    find: "if (message.state === 'queued' && (await this.deps.store.get('acknowledgements', `${alert.id}:${message.organisationId}`))) return null;",
    replace: '',
    test: 'tests/reach.test.ts',
    name: 'cancels the messages',
  },
  {
    protection: 'A room read from the end of its log reads further back when the end holds no checkpoint',
    file: 'server/recorder/replay-state.ts',
    find: 'if (start < 0 && !complete) {',
    replace: 'if (false) {',
    test: 'tests/recorder.test.ts',
    name: 'reads further back',
  },
  {
    protection: 'A torn last record is cut off when a room opens the end of its log',
    file: 'server/recorder/incident-log.ts',
    find: 'if (tail.report.tornBytes > 0) IncidentLog.cutTornTail(',
    replace: 'if (false) IncidentLog.cutTornTail(',
    test: 'tests/recorder.test.ts',
    name: 'moves a torn last record aside',
  },
  { protection: 'A broadcast frame of 126 bytes or more carries its 16-bit length', file: 'server/yjs/ws-frame.ts', find: 'length < 126 ? 2', replace: 'length < 127 ? 2', test: 'tests/ws-frame.test.ts' },
  {
    protection: 'An embedded store is copied into an empty database only',
    file: 'server/store/db-cli.ts',
    find: 'if ((await to.list(name)).length > 0) throw',
    replace: 'if (false) throw',
    test: 'tests/pg-store.test.ts',
    name: 'copy-to-postgres',
  },
  {
    protection: 'One server per PostgreSQL database until the logs are shared',
    file: 'server/store/pg-store.ts',
    find: 'if (!rows[0].locked) {',
    replace: 'if (false) {',
    test: 'tests/pg-store.test.ts',
    name: 'use a database alone',
  },
  {
    protection: 'Store rows hold any text a user types (json, not jsonb)',
    file: 'server/store/pg-store.ts',
    find: '$3::json[]',
    replace: '$3::jsonb[]',
    test: 'tests/pg-store.test.ts',
    name: 'inserts, replaces',
  },
  {
    protection: 'An append to a shared incident log leaves no gap in its order',
    file: 'server/recorder/pg-recorder.ts',
    find: 'WHERE (SELECT coalesce(max(seq), 0) FROM incident_records WHERE incident_id = $1) = $7',
    replace: 'WHERE $7::bigint = $7::bigint',
    test: 'tests/recorders.test.ts',
    name: 'gap',
  },
  {
    protection: 'A replay applies the updates a checkpoint built elsewhere does not hold',
    file: 'shared/replay.ts',
    find: 'for (let i = at - 1, missing = after; missing > 0; i--) {',
    replace: 'for (let i = at - 1, missing = 0; missing > 0; i--) {',
    test: 'tests/checkpoint-away.test.ts',
  },
  {
    protection: 'The review replays those updates too',
    file: 'shared/replay.ts',
    find: 'from = this.replayFrom[nearest];',
    replace: 'from = this.checkpoints[nearest] + 1;',
    test: 'tests/checkpoint-away.test.ts',
  },
  {
    protection: 'A checkpoint built elsewhere says how many updates it lacks',
    file: 'server/yjs/incident-room.ts',
    find: 'payload: encodeCheckpoint(bindings, stateV2, after) }',
    replace: 'payload: encodeCheckpoint(bindings, stateV2) }',
    test: 'tests/checkpoint-away.test.ts',
  },
  {
    protection: 'A checkpoint from the thread that a checkpoint written here overtook is dropped',
    file: 'server/yjs/checkpoint-worker.ts',
    find: 'const fits = () => open() && generation === this.generation;',
    replace: 'const fits = () => open();',
    test: 'tests/checkpoint-away.test.ts',
    name: 'overtaken',
  },
  {
    protection: 'A checkpoint from the thread that a rebuild of the room overtook is dropped',
    file: 'server/yjs/checkpoint-worker.ts',
    find: '    this.basis = { ...basis, tag: checkpointTag() };\n    this.generation++;',
    replace: '    this.basis = { ...basis, tag: checkpointTag() };',
    test: 'tests/checkpoint-away.test.ts',
    name: 'rebuild of the room',
  },
  {
    protection: 'The checkpoint thread builds on its copy only when it holds the checkpoint named',
    file: 'server/yjs/checkpoint-worker.ts',
    find: 'if (!kept || kept.tag !== base) {',
    replace: 'if (!kept) {',
    test: 'tests/checkpoint-away.test.ts',
  },
  {
    protection: 'After the rooms are closed, no board is loaded again',
    file: 'server/yjs/rooms.ts',
    find: '    if (!this.stopped) return;',
    replace: '    return;',
    test: 'tests/stopping.test.ts',
  },

  {
    protection: 'A stopping server lets the requests in flight finish before it closes the boards',
    file: 'server/app.ts',
    find: '            drained = resolve;\n            setTimeout(resolve, deps.stopDrainMs ?? DEFAULTS.stopDrainMs).unref();',
    replace: '            resolve();',
    test: 'tests/stopping.test.ts',
  },
  {
    protection: 'An event that comes after the stop is written and its log closed at once',
    file: 'server/yjs/rooms.ts',
    find: '    if (this.stopped) this.closeEventLog(incidentId);',
    replace: '',
    test: 'tests/stopping.test.ts',
  },
];

/** Runs a test file (only the tests whose name matches `name`); `ran` counts the tests that ran, passed or failed. */
function runTests(test: string, name?: string): { failed: boolean; seconds: number; ran: number } {
  const started = Date.now();
  const args = ['vitest', 'run', test, ...(name ? ['-t', name] : [])];
  const result = spawnSync('npx', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 300000 });
  // eslint-disable-next-line no-control-regex
  const summary = `${result.stdout ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '').match(/Tests\s+([^\n]*)/)?.[1] ?? '';
  const count = (what: string) => Number(summary.match(new RegExp(`(\\d+) ${what}`))?.[1] ?? 0);
  return { failed: result.status !== 0, seconds: (Date.now() - started) / 1000, ran: count('passed') + count('failed') };
}

const originals = new Map<string, string>();
const restore = () => {
  for (const [file, text] of originals) writeFileSync(join(ROOT, file), text);
};
process.on('SIGINT', () => {
  restore();
  process.exit(130);
});

const editsOf = (m: Mutation): Edit[] => [m, ...(m.also ?? [])];

// Each edit must name its text exactly once, or the list has drifted from the code.
// `npm run mutations -- --check` checks only that (and that each test file exists), in a second;
// `npm run check` runs it, so CI sees the list drift.
const drifted = MUTATIONS.flatMap((m) =>
  editsOf(m)
    .map((edit) => ({ m, edit, count: readFileSync(join(ROOT, edit.file), 'utf8').split(edit.find).length - 1 }))
    .filter(({ count }) => count !== 1)
    .map(({ m, edit, count }) => `${m.protection}: the text to change occurs ${count} times in ${edit.file}`),
);
// A test file that was renamed or removed would fail the baseline, not the mutation.
for (const test of new Set(MUTATIONS.map((m) => m.test))) if (!existsSync(join(ROOT, test))) drifted.push(`${test}: no such test file`);
// The browser tests run the built pages (`npm run build`), which a mutation does not rebuild: a
// mutation of the pages, or one only a browser test would find, would survive for that reason alone.
for (const m of MUTATIONS) {
  if (m.test.startsWith('tests/browser/')) drifted.push(`${m.protection}: ${m.test} runs the built pages, which mutations do not rebuild`);
  for (const edit of editsOf(m)) if (edit.file.startsWith('web/')) drifted.push(`${m.protection}: ${edit.file} is in the built pages, which mutations do not rebuild`);
}
if (drifted.length > 0) throw new Error(drifted.join('\n'));
if (process.argv.includes('--check')) {
  console.log(`${MUTATIONS.length} mutations, every text found once.`);
  process.exit(0);
}

// `npm run mutations -- --only=TEXT` runs the entries whose protection names TEXT, and writes nothing.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const selected = only === undefined ? MUTATIONS : MUTATIONS.filter((m) => m.protection.includes(only));
if (selected.length === 0) throw new Error(`no protection names ${only}`);

console.log('Baseline: every test used below passes unchanged.');
for (const test of new Set(selected.map((m) => m.test))) {
  const { failed } = runTests(test);
  if (failed) throw new Error(`${test} fails without any mutation; fix that first`);
}

const rows: string[] = [];
let survived = 0;
for (const m of selected) {
  let outcome: ReturnType<typeof runTests>;
  try {
    for (const edit of editsOf(m)) {
      const path = join(ROOT, edit.file);
      const text = readFileSync(path, 'utf8');
      if (!originals.has(edit.file)) originals.set(edit.file, text);
      writeFileSync(path, text.replace(edit.find, edit.replace));
    }
    outcome = runTests(m.test, m.name);
  } finally {
    restore();
    originals.clear();
  }
  // A name that selects no test passes whatever the source says: the list has drifted from the tests.
  const unchecked = !outcome.failed && outcome.ran === 0;
  const verdict = unchecked ? '**selects no test: NOT checked**' : outcome.failed ? 'fails: caught' : '**passes: NOT caught**';
  if (!outcome.failed) survived++;
  const line = `| ${m.protection} | ${editsOf(m).map((e) => `\`${e.file}\``).join(', ')} | \`${m.test}\`${m.name ? ` (“${m.name}”)` : ''} | ${verdict} |`;
  rows.push(line);
  console.log(`${unchecked ? 'NO TEST ' : outcome.failed ? 'caught  ' : 'SURVIVED'} ${m.protection} (${outcome.seconds.toFixed(0)} s)`);
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`;
const doc = [
  '# Mutation check of the protections',
  '',
  `Latest run of \`npm run mutations\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${machine}).`,
  '',
  'Each row switches off one protection with the smallest change to the source (see',
  '`bench/mutations.ts`), runs the test that guards it, and puts the source back. The test must',
  'fail. A baseline run first checks that every test used passes without changes.',
  '',
  '| protection switched off | where | test | with the protection off |',
  '|---|---|---|---|',
  ...rows,
  '',
  `${MUTATIONS.length - survived} of ${MUTATIONS.length} caught.`,
  '',
].join('\n');
if (only === undefined) writeFileSync(join(ROOT, 'docs/mutations.md'), doc);
console.log(`\n${selected.length - survived} of ${selected.length} caught${only === undefined ? '; written to docs/mutations.md' : ''}`);
process.exitCode = survived > 0 ? 1 : 0;
