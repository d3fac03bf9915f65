// server/index.ts
import { existsSync as existsSync2, readFileSync as readFileSync4 } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

// server/app.ts
import { createServer as createHttpServer } from "node:http";
import express4 from "express";

// shared/text.ts
function text(nl, en) {
  return { nl, en };
}
function languageFromHeader(header2) {
  if (!header2) return "nl";
  const first = header2.split(",").map((part) => part.trim().slice(0, 2).toLowerCase()).find((code) => code === "nl" || code === "en");
  return first === "en" ? "en" : "nl";
}
var GRAPHEMES = new Intl.Segmenter("nl", { granularity: "grapheme" });
function cutWhole(value, max) {
  let out = "";
  let count = 0;
  for (const { segment } of GRAPHEMES.segment(value)) {
    if (++count > max) break;
    out += segment;
  }
  return out;
}
var REGION_TIME_ZONE = "Europe/Amsterdam";
function regionDay(at) {
  return (typeof at === "string" ? new Date(at) : at).toLocaleDateString("sv-SE", { timeZone: REGION_TIME_ZONE });
}
function regionDateTime(iso, lang) {
  return new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "nl-NL", { timeZone: REGION_TIME_ZONE, dateStyle: "short", timeStyle: "short" });
}

// shared/wire.ts
var YMessage = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /**
   * Zorgbeeld's own message (not y-protocols): a JSON {@link BoardStatus}, sent when the board
   * stops or starts taking writes, is closed, or its GRIP level changes. The stock client logs
   * and ignores it.
   */
  boardStatus: 4
};
var YSyncMessage = {
  step1: 0,
  step2: 1,
  update: 2
};
var YJS_PATH = "/yjs/";
var SOCKET_IO_PATH = "/socket.io/";
var YJS_MAX_PAYLOAD = 2 * 1024 * 1024;
function close(code, reason, t) {
  return { code, reason, text: t };
}
var CloseCodes = {
  BadMessage: close(4400, "bad-message", text("De verbinding stuurde een onleesbaar bericht.", "The connection sent an unreadable message.")),
  Unauthenticated: close(4401, "unauthenticated", text("U bent niet (meer) ingelogd.", "You are not (or no longer) signed in.")),
  Forbidden: close(4403, "forbidden", text("Deze wijziging mag u niet maken; ze is niet opgeslagen. Het bord wordt opnieuw geladen.", "You may not make this change; it was not saved. The board is reloaded.")),
  NotFound: close(4404, "not-found", text("Dit incident bestaat niet.", "This incident does not exist.")),
  ClientIdTaken: close(4409, "client-id-taken", text("Deze sessie gebruikt een id van een andere gebruiker; het bord wordt opnieuw geladen.", "This session uses an id of another user; the board is reloaded.")),
  TooLarge: close(4413, "too-large", text("Het bericht is te groot.", "The message is too large.")),
  Invalid: close(4422, "invalid", text("Deze wijziging klopt niet met het formaat van het bord; ze is niet opgeslagen. Het bord wordt opnieuw geladen.", "This change does not fit the board\u2019s format; it was not saved. The board is reloaded.")),
  Incomplete: close(4428, "incomplete", text("Een wijziging kwam onvolledig aan; het bord wordt opnieuw geladen.", "A change arrived incomplete; the board is reloaded.")),
  IncidentDataMissing: close(4424, "incident-data-missing", text("De gegevens van dit incident ontbreken op de server; de beheerder kan ze terugzetten.", "The data of this incident is missing on the server; an administrator can restore it.")),
  Closed: close(4410, "incident-closed", text("Dit incident is gesloten; het bord is alleen nog te bekijken.", "This incident is closed; the board can only be viewed.")),
  ServerError: close(4500, "server-error", text("Er ging iets mis op de server; er wordt opnieuw verbonden.", "Something went wrong on the server; reconnecting.")),
  StorageUnavailable: close(
    4507,
    "storage-unavailable",
    text(
      "De opslag van de server is vol of niet schrijfbaar: het bord is tijdelijk alleen te bekijken. Uw wijziging blijft op dit apparaat en wordt verstuurd zodra het weer kan.",
      "The server\u2019s storage is full or not writable: the board can only be viewed for now. Your change stays on this device and is sent as soon as possible."
    )
  ),
  WriteBudget: close(
    4529,
    "write-budget",
    text(
      "U verstuurt meer wijzigingen dan het bord per minuut aanneemt. Uw laatste wijziging blijft op dit apparaat en wordt over enkele seconden opnieuw verstuurd.",
      "You are sending more changes than the board takes per minute. Your last change stays on this device and is sent again in a few seconds."
    )
  ),
  TooManyJoins: close(4530, "too-many-joins", text("Er wordt te vaak opnieuw verbonden; over enkele seconden wordt het opnieuw geprobeerd.", "Reconnecting too often; trying again in a few seconds.")),
  SlowConsumer: close(4503, "slow-consumer", text("De verbinding was te traag; er wordt opnieuw verbonden.", "The connection was too slow; reconnecting.")),
  ServerStopping: close(4502, "server-stopping", text("De server start opnieuw; er wordt opnieuw verbonden.", "The server is restarting; reconnecting."))
};

// server/auth/counters.ts
var MAX_KEYS = 5e4;
function memoryCounters() {
  const counts = /* @__PURE__ */ new Map();
  return {
    // Callers judge age by their own clock (tests move it); a stale counter is replaced by the
    // next count.
    async read(keys) {
      const found = /* @__PURE__ */ new Map();
      for (const key of keys) {
        const entry = counts.get(key);
        if (entry) found.set(key, { ...entry });
      }
      return found;
    },
    async add(keys, now, windowMs) {
      for (const key of keys) {
        const old = counts.get(key);
        const entry = old && now - old.last <= windowMs ? old : { count: 0, last: 0 };
        entry.count++;
        entry.last = now;
        counts.delete(key);
        counts.set(key, entry);
      }
      while (counts.size > MAX_KEYS) counts.delete(counts.keys().next().value);
    },
    async forget(key) {
      counts.delete(key);
    }
  };
}
function memoryCountersOf() {
  const kinds = /* @__PURE__ */ new Map();
  return (kind) => {
    let counters = kinds.get(kind);
    if (!counters) kinds.set(kind, counters = memoryCounters());
    return counters;
  };
}
async function recentCount(counters, key, now, windowMs) {
  const entry = (await counters.read([key], windowMs)).get(key);
  return entry && now - entry.last <= windowMs ? entry.count : 0;
}

// server/auth/sign-in-guard.ts
var DEFAULT_SIGN_IN_LIMITS = {
  windowMs: 60 * 60 * 1e3,
  freePerPair: 5,
  freePerAccount: 10,
  freePerAddress: 20,
  baseDelayMs: 1e3,
  maxDelayMs: 15 * 60 * 1e3
};
var SignInGuard = class {
  constructor(limits, now, counters = memoryCounters()) {
    this.limits = limits;
    this.now = now;
    this.counters = counters;
  }
  limits;
  now;
  counters;
  /** The counters an attempt is measured by, with the failures each forgives. */
  keysOf(attempt) {
    const pair = [`pair:${attempt.account}|${attempt.knownDevice ? `device:${attempt.knownDevice}` : `address:${attempt.address}`}`, this.limits.freePerPair];
    if (attempt.knownDevice) return [pair];
    const address = [`address:${attempt.address}`, this.limits.freePerAddress];
    if (attempt.knownAddress) return [pair, address];
    return [pair, address, [`account:${attempt.account}`, this.limits.freePerAccount]];
  }
  /** Milliseconds until the attempt may be made; 0 when it may now. */
  async wait(attempt) {
    const keys = this.keysOf(attempt);
    const now = this.now();
    const found = await this.counters.read(
      keys.map(([key]) => key),
      this.limits.windowMs
    );
    let wait = 0;
    for (const [key, free] of keys) {
      const entry = found.get(key);
      if (!entry || now - entry.last > this.limits.windowMs || entry.count < free) continue;
      const delay = Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** (entry.count - free));
      wait = Math.max(wait, entry.last + delay - now);
    }
    return wait;
  }
  /** Counts a failed attempt. */
  async fail(attempt) {
    await this.counters.add(
      this.keysOf(attempt).map(([key]) => key),
      this.now(),
      this.limits.windowMs
    );
  }
  /** Forgets the failures of this account from this device or address; those made elsewhere still count. */
  async succeeded(attempt) {
    await this.counters.forget(this.keysOf(attempt)[0][0]);
  }
};

// server/auth/sessions.ts
import { createHash, randomBytes } from "node:crypto";

// server/recorder/incident-log.ts
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { crc32 } from "node:zlib";
var RecordType = {
  /** An accepted Yjs update (v1 encoding). */
  update: 1,
  /** The whole document state plus the clientID bindings, so loading need not replay from the start. */
  checkpoint: 2,
  /** A JSON event: incident opened, GRIP change, joined/left, alerts, acknowledgements. */
  event: 3
};
var MARKER = new Uint8Array([90, 66, 156, 231]);
var MARKER_LENGTH = MARKER.length;
var HEADER = 4;
var TRAILER = 4;
var encoder = new TextEncoder();
var decoder = new TextDecoder();
function encodeRecord(type, time, user, payload) {
  const userBytes = encoder.encode(user);
  const bodyLength = 1 + 8 + 2 + userBytes.length + payload.length;
  const frame = new Uint8Array(MARKER_LENGTH + HEADER + bodyLength + TRAILER);
  const view = new DataView(frame.buffer);
  frame.set(MARKER, 0);
  const body = MARKER_LENGTH + HEADER;
  view.setUint32(MARKER_LENGTH, bodyLength, true);
  view.setUint8(body, type);
  view.setFloat64(body + 1, time, true);
  view.setUint16(body + 9, userBytes.length, true);
  frame.set(userBytes, body + 11);
  frame.set(payload, body + 11 + userBytes.length);
  view.setUint32(body + bodyLength, crc32(frame.subarray(body, body + bodyLength)), true);
  return frame;
}
function startsWithMarker(bytes, offset) {
  return bytes[offset] === MARKER[0] && bytes[offset + 1] === MARKER[1] && bytes[offset + 2] === MARKER[2] && bytes[offset + 3] === MARKER[3];
}
function frameAt(bytes, view, offset, index) {
  const marked = startsWithMarker(bytes, offset);
  const lengthAt = offset + (marked ? MARKER_LENGTH : 0);
  if (bytes.length - lengthAt < HEADER) return "short";
  const bodyLength = view.getUint32(lengthAt, true);
  if (bodyLength < 11) return "bad";
  const bodyAt = lengthAt + HEADER;
  const end = bodyAt + bodyLength + TRAILER;
  if (end > bytes.length) return "short";
  const body = bytes.subarray(bodyAt, bodyAt + bodyLength);
  if (view.getUint32(bodyAt + bodyLength, true) !== crc32(body)) return "bad";
  const type = body[0];
  const userLength = view.getUint16(bodyAt + 9, true);
  if (11 + userLength > bodyLength || type !== 1 && type !== 2 && type !== 3) return "bad";
  return {
    record: { type, time: view.getFloat64(bodyAt + 1, true), user: decoder.decode(body.subarray(11, 11 + userLength)), payload: body.subarray(11 + userLength), index },
    end
  };
}
function nextRecordAt(bytes, view, from) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf(MARKER, from); at >= 0; at = buffer.indexOf(MARKER, at + 1)) {
    if (typeof frameAt(bytes, view, at, 0) === "object") return at;
  }
  return -1;
}
function decodeRecords(bytes, firstIndex = 0) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records = [];
  const damaged = [];
  let offset = 0;
  let index = firstIndex;
  let validLength = 0;
  while (offset < bytes.length) {
    const frame = frameAt(bytes, view, offset, index);
    if (typeof frame === "object") {
      records.push(frame.record);
      index++;
      offset = frame.end;
      validLength = offset;
      continue;
    }
    const next = nextRecordAt(bytes, view, offset + 1);
    if (next < 0) break;
    damaged.push({ offset, length: next - offset });
    offset = next;
  }
  return { records, validLength, nextIndex: index, report: { tornBytes: bytes.length - validLength, damaged } };
}
var StorageError = class extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
  code;
  name = "StorageError";
};
function storageError(action, file, error) {
  const code = error?.code ?? "EIO";
  return new StorageError(`${action} ${file} failed: ${code}`, code);
}
function encodeCheckpoint(bindings, stateV2) {
  const meta = encoder.encode(JSON.stringify({ bindings: [...bindings], encoding: "v2" }));
  const payload = new Uint8Array(4 + meta.length + stateV2.length);
  new DataView(payload.buffer).setUint32(0, meta.length, true);
  payload.set(meta, 4);
  payload.set(stateV2, 4 + meta.length);
  return payload;
}
function decodeCheckpoint(payload) {
  const metaLength = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
  const meta = JSON.parse(decoder.decode(payload.subarray(4, 4 + metaLength)));
  if (meta.encoding !== "v2") throw new Error("unknown checkpoint encoding");
  return { bindings: new Map(meta.bindings), stateV2: payload.subarray(4 + metaLength) };
}
function readLogFile(file, from = { offset: 0, index: 0 }) {
  try {
    return readLogBytes(file, from);
  } catch (error) {
    throw storageError("reading", file, error);
  }
}
function readLogBytes(file, from) {
  if (!existsSync(file)) return decodeRecords(new Uint8Array(), from.index);
  if (from.offset === 0) return decodeRecords(new Uint8Array(readFileSync(file)), from.index);
  const { bytes } = readEnd(file, () => from.offset);
  const decoded = decodeRecords(bytes, from.index);
  return { ...decoded, validLength: from.offset + decoded.validLength };
}
function readEnd(file, startOf) {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const start = Math.min(size, Math.max(0, startOf(size)));
    const bytes = new Uint8Array(size - start);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: bytes.subarray(0, read), start, size };
  } finally {
    closeSync(fd);
  }
}
function readLogTail(file, tailBytes) {
  try {
    if (!existsSync(file)) return { ...decodeRecords(new Uint8Array()), fromStart: true };
    const { bytes: window, start, size } = readEnd(file, (length) => length - tailBytes);
    if (start === 0) return { ...decodeRecords(window), fromStart: true };
    const first = nextRecordAt(window, new DataView(window.buffer, window.byteOffset, window.byteLength), 0);
    if (first < 0) return { records: [], validLength: size, nextIndex: 0, report: { tornBytes: 0, damaged: [] }, fromStart: false };
    const decoded = decodeRecords(window.subarray(first));
    return { ...decoded, validLength: start + first + decoded.validLength, fromStart: false };
  } catch (error) {
    throw storageError("reading", file, error);
  }
}
function eventRecord(time, user, event) {
  return { type: RecordType.event, time, user, payload: encoder.encode(JSON.stringify(event)) };
}
var IncidentLog = class _IncidentLog {
  constructor(file, fd, length) {
    this.file = file;
    this.fd = fd;
    this.length = length;
  }
  file;
  fd;
  length;
  /**
   * Opens (or creates) a log and returns its records. Damaged runs and a torn tail are moved to
   * files beside the log (`log.zbl.<offset>.damaged`) and cut from it, so that nothing is
   * dropped unseen and new records follow the last good one. A log that cannot be read raises
   * {@link StorageError}; one that cannot be written opens anyway, and its appends fail until
   * the file system takes writes again.
   *
   * With `tailBytes`, only the end of the log is read (see {@link readLogTail}); `fromStart` says
   * whether that was the whole file. A torn last record is then moved aside and cut off as
   * well; damage inside the window makes it read the whole log as above.
   */
  static open(file, warn, options = {}) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      throw storageError("reading", file, error);
    }
    if (options.tailBytes !== void 0) {
      const tail = readLogTail(file, options.tailBytes);
      if (tail.report.damaged.length === 0) {
        if (tail.report.tornBytes > 0) _IncidentLog.cutTornTail(file, tail.validLength, warn, tail.records.length);
        const log3 = new _IncidentLog(file, -1, tail.validLength);
        log3.reopen(warn);
        return { log: log3, records: tail.records, fromStart: tail.fromStart };
      }
    }
    let bytes;
    try {
      bytes = existsSync(file) ? new Uint8Array(readFileSync(file)) : new Uint8Array();
    } catch (error) {
      throw storageError("reading", file, error);
    }
    const { records, validLength, report } = decodeRecords(bytes);
    let length = bytes.length;
    if (report.damaged.length > 0 || report.tornBytes > 0) {
      const cut = [...report.damaged, ...report.tornBytes > 0 ? [{ offset: validLength, length: report.tornBytes }] : []];
      try {
        for (const range of cut) writeFileSync(`${file}.${range.offset}.damaged`, bytes.subarray(range.offset, range.offset + range.length));
        length = rewriteWithout(file, bytes, cut);
        if (report.tornBytes > 0) warn(`log ${file}: dropped a torn last record (${report.tornBytes} bytes, kept in ${file}.${validLength}.damaged); the ${records.length} records before it are kept`);
        if (report.damaged.length > 0) {
          warn(`log ${file}: ${report.damaged.map((r) => `${r.length} unreadable bytes at ${r.offset}`).join(", ")} moved to ${file}.<offset>.damaged; reading resumed at the next record`);
        }
      } catch (error) {
        warn(`log ${file}: ${cut.length} unreadable run(s) found but could not be moved aside (${error.code ?? error}); they stay in the log and are skipped`);
      }
    }
    const log2 = new _IncidentLog(file, -1, length);
    log2.reopen(warn);
    return { log: log2, records, fromStart: true };
  }
  /** Moves a torn last record (from `validLength` to the end) to a file beside the log and cuts it off. */
  static cutTornTail(file, validLength, warn, kept) {
    try {
      const fd = openSync(file, "r+");
      try {
        const torn = new Uint8Array(fstatSync(fd).size - validLength);
        readSync(fd, torn, 0, torn.length, validLength);
        writeFileSync(`${file}.${validLength}.damaged`, torn);
        ftruncateSync(fd, validLength);
        fsyncSync(fd);
        warn(`log ${file}: dropped a torn last record (${torn.length} bytes, kept in ${file}.${validLength}.damaged); the ${kept} records read before it are kept`);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      warn(`log ${file}: a torn last record could not be cut off (${error.code ?? error}); it stays and is skipped`);
    }
  }
  reopen(warn) {
    if (this.fd >= 0) return true;
    try {
      this.fd = openSync(this.file, "a");
      return true;
    } catch (error) {
      warn?.(`log ${this.file}: cannot be opened for writing (${error.code ?? error}); the board is read-only until it can`);
      return false;
    }
  }
  /** Appends one record. */
  append(type, time, user, payload) {
    this.appendAll([{ type, time, user, payload }]);
  }
  /**
   * Appends records as one write: all of them or, when the write fails, none (a partial write
   * is cut off again). Throws {@link StorageError}.
   */
  appendAll(records) {
    const frames = records.map((r) => encodeRecord(r.type, r.time, r.user, r.payload));
    const bytes = frames.length === 1 ? frames[0] : Buffer.concat(frames);
    if (!this.reopen()) throw new StorageError(`opening ${this.file} for writing failed`, "EACCES");
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    } catch (error) {
      if (written > 0) {
        try {
          ftruncateSync(this.fd, this.length);
        } catch {
        }
      }
      throw storageError("appending to", this.file, error);
    }
    this.length += bytes.length;
  }
  /** Whether the file is open for appending. */
  get writable() {
    return this.fd >= 0;
  }
  /**
   * Checks that the file system takes writes again (a probe file beside the log, written and
   * removed) and reopens the log if needed. Throws {@link StorageError}.
   */
  probe() {
    const probe = `${this.file}.probe`;
    try {
      writeFileSync(probe, new Uint8Array(64 * 1024));
      unlinkSync(probe);
    } catch (error) {
      try {
        unlinkSync(probe);
      } catch {
      }
      throw storageError("probing", this.file, error);
    }
    if (!this.reopen()) throw new StorageError(`opening ${this.file} for writing failed`, "EACCES");
  }
  /** Size of the file in bytes. */
  size() {
    return this.length;
  }
  close() {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
};
function rewriteWithout(file, bytes, cut) {
  const kept = [];
  let at = 0;
  for (const range of [...cut].sort((a, b) => a.offset - b.offset)) {
    kept.push(bytes.subarray(at, range.offset));
    at = range.offset + range.length;
  }
  kept.push(bytes.subarray(at));
  const next = Buffer.concat(kept);
  const temporary = `${file}.rewrite`;
  const fd = openSync(temporary, "w");
  try {
    let written = 0;
    while (written < next.length) written += writeSync(fd, next, written, next.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  return next.length;
}

// server/http/http-error.ts
var HttpError = class extends Error {
  constructor(status, code, text2, details = []) {
    super(text2.en);
    this.status = status;
    this.code = code;
    this.text = text2;
    this.details = details;
  }
  status;
  code;
  text;
  details;
  name = "HttpError";
};
function requestLanguage(req) {
  return languageFromHeader(req.headers["accept-language"]);
}
function toApiError(error, lang) {
  const body = { code: error.code, message: error.text[lang] };
  if (error.details.length > 0) {
    body.details = error.details.map((d) => ({ path: d.path, message: d.text[lang] }));
  }
  return body;
}
function invalidInput(issues) {
  const first = issues[0];
  const where = first?.path ? `${first.path}: ` : "";
  return new HttpError(
    400,
    "bad-request",
    text(
      `De invoer klopt niet. ${where}${first?.text.nl ?? ""}`.trim(),
      `The input is not valid. ${where}${first?.text.en ?? ""}`.trim()
    ),
    issues
  );
}
function sendError(req, res, error) {
  res.status(error.status).json({ error: toApiError(error, requestLanguage(req)) });
}
function errorHandler(log2) {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof HttpError) return sendError(req, res, error);
    const type = error.type;
    if (type === "entity.parse.failed") {
      return sendError(req, res, new HttpError(400, "bad-request", text("De inhoud is geen geldige JSON.", "The body is not valid JSON.")));
    }
    if (type === "entity.too.large") {
      return sendError(
        req,
        res,
        new HttpError(413, "payload-too-large", text("De inhoud is te groot.", "The body is too large."))
      );
    }
    if (error instanceof URIError) {
      return sendError(req, res, new HttpError(400, "bad-request", text("Het adres bevat tekens die niet te lezen zijn (een kapotte %-code).", "The address holds characters that cannot be read (a broken %-escape).")));
    }
    if (error instanceof StorageError) {
      log2(`storage failure on ${req.method} ${req.path}: ${error.message}`);
      return sendError(
        req,
        res,
        new HttpError(503, "storage-unavailable", text("De opslag van de server is vol, niet te lezen of niet schrijfbaar; er is niets gewijzigd. Probeer het later opnieuw; de beheerder ziet de fout in /api/health.", "The server\u2019s storage is full, unreadable or not writable; nothing was changed. Try again later; an administrator sees the fault in /api/health."))
      );
    }
    if (type === "encoding.unsupported" || type === "charset.unsupported") {
      return sendError(req, res, new HttpError(415, "bad-request", text("Deze tekencodering wordt niet ondersteund.", "This character encoding is not supported.")));
    }
    log2(`internal error on ${req.method} ${req.path}: ${error?.stack ?? String(error)}`);
    sendError(
      req,
      res,
      new HttpError(500, "internal", text("Er ging iets mis op de server; probeer het opnieuw.", "Something went wrong on the server; please try again."))
    );
  };
}

// server/auth/sessions.ts
var SESSION_COOKIE = "zb_session";
function sessionId(token) {
  return createHash("sha256").update(token).digest("hex");
}
var MAX_COOKIE_HEADER = 8192;
function readCookie(header2, name) {
  if (typeof header2 !== "string" || header2.length > MAX_COOKIE_HEADER) return void 0;
  for (const part of header2.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return void 0;
      }
    }
  }
  return void 0;
}
function publicUser(user) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    organisationId: user.organisationId,
    coordinatorId: user.coordinatorId ?? null,
    active: user.active,
    ...user.language ? { language: user.language } : {}
  };
}
var Sessions = class {
  constructor(deps) {
    this.deps = deps;
  }
  deps;
  endListeners = [];
  /** Creates a session and returns the cookie header value. */
  async create(user) {
    const token = randomBytes(32).toString("base64url");
    const now = this.deps.now();
    await this.deps.store.put({
      sessions: [
        {
          id: sessionId(token),
          userId: user.id,
          createdAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + this.deps.ttlMs).toISOString()
        }
      ]
    });
    return this.cookie(token, Math.floor(this.deps.ttlMs / 1e3));
  }
  /** The cookie header value that removes the session cookie. */
  clearCookie() {
    return this.cookie("", 0);
  }
  cookie(value, maxAge) {
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${this.deps.secureCookies ? "; Secure" : ""}`;
  }
  /** The active user of a Cookie header, or undefined when there is no valid session. */
  async resolve(cookieHeader) {
    const token = readCookie(cookieHeader, SESSION_COOKIE);
    if (!token || token.length > 100) return void 0;
    const id = sessionId(token);
    const session = await this.deps.store.get("sessions", id);
    if (!session) return void 0;
    if (Date.parse(session.expiresAt) <= this.deps.now().getTime()) {
      await this.endMany([id]);
      return void 0;
    }
    const user = await this.deps.store.get("users", session.userId);
    if (!user || !user.active) return void 0;
    return { user, sessionId: id, expiresAt: Date.parse(session.expiresAt) };
  }
  /** Calls `listener` with the ids of sessions that ended, so open websockets of them can be closed. */
  onEnd(listener) {
    this.endListeners.push(listener);
  }
  async endMany(ids) {
    if (ids.length === 0) return;
    await this.deps.store.remove("sessions", ids);
    for (const listener of this.endListeners) listener(ids);
    this.tellOthers?.(ids);
  }
  /** Where sessions ended here are told to the other servers of the database (their sockets close too). */
  tellOthers;
  /** Sessions another server ended: their sockets here close as well. */
  endedElsewhere(ids) {
    for (const listener of this.endListeners) listener(ids);
  }
  /** Ends one session. */
  async end(id) {
    await this.endMany([id]);
  }
  /** Ends every session of a user (logout everywhere, deactivated account). */
  async endAllOf(userId) {
    const sessions = await this.deps.store.list("sessions");
    await this.endMany(sessions.filter((s) => s.userId === userId).map((s) => s.id));
  }
  /**
   * For a websocket of a session: ends the session the moment its time is up, which closes its
   * websockets through {@link onEnd}, instead of at the next sweep. Returns the disposer.
   */
  endAtExpiry(session) {
    const delay = Math.max(0, session.expiresAt - this.deps.now().getTime());
    const timer = setTimeout(() => void this.expire().catch(() => {
    }), Math.min(delay + 10, 2 ** 31 - 1));
    timer.unref();
    return () => clearTimeout(timer);
  }
  /** Ends the sessions whose time is up; returns how many. */
  async expire() {
    const now = this.deps.now().getTime();
    const expired = (await this.deps.store.list("sessions")).filter((s) => Date.parse(s.expiresAt) <= now).map((s) => s.id);
    await this.endMany(expired);
    return expired.length;
  }
  /** Express middleware that decodes the session once into `req.user`. */
  middleware() {
    return async (req, _res, next) => {
      const found = await this.resolve(req.headers.cookie);
      if (found) {
        req.user = found.user;
        req.sessionId = found.sessionId;
      }
      next();
    };
  }
};
function requireRole(...roles) {
  return (req, _res, next) => {
    if (!req.user) {
      throw new HttpError(401, "unauthenticated", text("Log eerst in.", "Please sign in first."));
    }
    if (roles.length > 0 && !roles.includes(req.user.role)) {
      throw new HttpError(403, "forbidden", text("Uw rol mag dit niet.", "Your role may not do this."));
    }
    next();
  };
}

// server/http/registry-routes.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import express, { Router } from "express";

// shared/domain.ts
var SECTORS = [
  "hospital",
  "gp-post",
  "ggd",
  "acute-mental-health",
  "ambulance",
  "nursing-care",
  "disability-care",
  "mental-health",
  "home-care",
  "recovery-care",
  "red-cross",
  "home-ventilation"
];
var ACUTE_SECTORS = /* @__PURE__ */ new Set([
  "hospital",
  "gp-post",
  "ggd",
  "acute-mental-health",
  "ambulance"
]);
function isAcute(sector) {
  return ACUTE_SECTORS.has(sector);
}
var ROLES = ["admin", "ghor", "coordinator", "observer"];
var COORDINATOR_KINDS = ["crisis", "information"];
function intakeStage(coordinator) {
  if (coordinator.introCompletedAt !== null) return "connected";
  if (coordinator.kind === "information" && !coordinator.dayCourseOn) return "day-course";
  return "introduction";
}
function isConnected(coordinator) {
  return coordinator.active && coordinator.introCompletedAt !== null;
}
var NETHERLANDS_BOUNDS = { minLat: 50.7, maxLat: 53.7, minLon: 3.2, maxLon: 7.3 };
function isInNetherlands({ lat, lon }) {
  const b = NETHERLANDS_BOUNDS;
  return lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon;
}

// shared/csv.ts
var FORMULA_START = /^[=+\-@\t\r]/;
function decodeUtf8(bytes) {
  try {
    const decoded = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return decoded.startsWith("\uFEFF") ? decoded.slice(1) : decoded;
  } catch {
    return null;
  }
}
function detectDelimiter(source) {
  const firstLine = source.slice(0, source.search(/\r?\n|$/));
  const unquoted = firstLine.replace(/"[^"]*"/g, "");
  return (unquoted.match(/;/g)?.length ?? 0) > (unquoted.match(/,/g)?.length ?? 0) ? ";" : ",";
}
var CHARACTERS_PER_STEP = 256 * 1024;
function parseCsv(source) {
  return runSteps(parseCsvSteps(source));
}
function runSteps(steps) {
  for (; ; ) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
async function runStepsPausing(steps, pause2) {
  for (; ; ) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause2();
  }
}
function* parseCsvSteps(source) {
  const delimiter = detectDelimiter(source);
  const records = [];
  let cells = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endCell = () => {
    cells.push(unguard(cell));
    cell = "";
  };
  for (let i = 0; i < source.length; i++) {
    if (i % CHARACTERS_PER_STEP === 0 && i > 0) yield;
    const c = source[i];
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === "\n") line++;
        cell += c;
      }
    } else if (c === '"' && cell === "") {
      quoted = true;
    } else if (c === delimiter) {
      endCell();
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && source[i + 1] === "\n") i++;
      endCell();
      records.push({ line: recordLine, cells });
      cells = [];
      line++;
      recordLine = line;
    } else {
      cell += c;
    }
  }
  if (quoted) return { ok: false, line: recordLine, text: text("aanhalingsteken wordt niet gesloten", "a quote is never closed") };
  if (cell !== "" || cells.length > 0) {
    endCell();
    records.push({ line: recordLine, cells });
  }
  const nonEmpty = records.filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ""));
  if (nonEmpty.length === 0) return { ok: false, line: 1, text: text("het bestand is leeg", "the file is empty") };
  const header2 = nonEmpty[0].cells.map((h) => h.trim());
  const rows = [];
  for (const [n, record] of nonEmpty.slice(1).entries()) {
    if (n % 5e3 === 0 && n > 0) yield;
    const values = /* @__PURE__ */ Object.create(null);
    header2.forEach((name, index) => {
      values[name] = record.cells[index] ?? "";
    });
    rows.push(record.cells.length > header2.length ? { line: record.line, values, extra: record.cells.slice(header2.length).join(delimiter) } : { line: record.line, values });
  }
  return { ok: true, header: header2, rows };
}
function unguard(cell) {
  return (cell.startsWith("'") || cell.startsWith("\u2060")) && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
var PHONE = /^\+[\d ()-]{6,}$/;
function csvCell(value) {
  if (value === null || value === void 0) return "";
  let s = String(value);
  if (typeof value === "string" && FORMULA_START.test(s)) s = PHONE.test(s) ? `\u2060${s}` : `'${s}`;
  return /[",;\r\n']/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}
function toCsv(columns, rows, { excel = false } = {}) {
  const separator = excel ? ";" : ",";
  const lines = [columns.join(separator)];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(separator));
  return (excel ? "\uFEFF" : "") + lines.join("\r\n") + "\r\n";
}

// shared/contact.ts
var CHANNELS = ["email", "sms", "push"];
function channelsOf(coordinator) {
  return coordinator.channels ?? CHANNELS;
}
var EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
function isEmail(value) {
  return value.length <= 120 && EMAIL.test(value);
}
function toE164(value) {
  const compact = value.replace(/[\s().-]/g, "");
  let digits;
  if (/^\+[1-9]\d{6,14}$/.test(compact)) digits = compact.slice(1);
  else if (/^00[1-9]\d{6,14}$/.test(compact)) digits = compact.slice(2);
  else if (/^0[1-9]\d{8}$/.test(compact)) digits = `31${compact.slice(1)}`;
  else return null;
  if (digits.startsWith("31") && digits.length !== 11) return null;
  return `+${digits}`;
}
function isMobile(e164) {
  return e164.startsWith("+316") || !e164.startsWith("+31");
}

// shared/validation.ts
var ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
function isValidId(value) {
  return typeof value === "string" && ID_PATTERN.test(value) && !value.includes("..");
}
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
var FieldReader = class {
  constructor(input, partial = false) {
    this.partial = partial;
    if (isRecord(input)) {
      this.input = input;
    } else {
      this.input = {};
      this.issues.push({ path: "", text: text("verwacht een object met velden", "expected an object with fields") });
    }
  }
  partial;
  issues = [];
  input;
  /** Whether the field should be read: always when complete, only when present when partial. */
  wanted(key) {
    return !this.partial || this.value(key) !== void 0;
  }
  /** An own field of the input; a name like `constructor` never reaches `Object.prototype`. */
  value(key) {
    return Object.hasOwn(this.input, key) ? this.input[key] : void 0;
  }
  fail(path, t) {
    this.issues.push({ path, text: t });
    return void 0;
  }
  /** A string field, trimmed; required unless `optional`. */
  string(key, { optional = false, max = 200, trim = true } = {}) {
    if (!this.wanted(key)) return void 0;
    const value = this.value(key);
    if (value === void 0 || value === null || value === "") {
      if (optional) return "";
      return this.fail(key, text("is verplicht", "is required"));
    }
    if (typeof value !== "string") return this.fail(key, text("moet tekst zijn", "must be text"));
    const trimmed = trim ? value.trim() : value;
    if (!optional && trimmed === "") return this.fail(key, text("is verplicht", "is required"));
    if (trimmed.length > max) {
      return this.fail(key, text(`is langer dan ${max} tekens`, `is longer than ${max} characters`));
    }
    return trimmed;
  }
  /** An optional phone number, kept as written; it must read as one (Dutch or international). */
  phone(key) {
    const value = this.string(key, { optional: true, max: 40 });
    if (value && toE164(value) === null) {
      return this.fail(key, text(`'${value}' is geen telefoonnummer; schrijf bijvoorbeeld 06 1234 5678 of +31 43 123 4567`, `'${value}' is not a phone number; write e.g. 06 1234 5678 or +31 43 123 4567`));
    }
    return value;
  }
  /** An optional e-mail address. */
  email(key) {
    const value = this.string(key, { optional: true, max: 120 });
    if (value && !isEmail(value)) {
      return this.fail(key, text(`'${value}' is geen e-mailadres; schrijf bijvoorbeeld naam@organisatie.nl`, `'${value}' is not an e-mail address; write e.g. name@organisation.nl`));
    }
    return value;
  }
  /** Channel choices: a list, or in a file a text like `email sms`; absent or empty: every channel with an address. */
  channels(key) {
    if (!this.wanted(key)) return void 0;
    const value = this.value(key);
    if (value === void 0 || value === null || value === "") return void 0;
    const items = typeof value === "string" ? value.split(/[\s,;|]+/).filter(Boolean) : value;
    if (!Array.isArray(items) || !items.every((c) => typeof c === "string" && CHANNELS.includes(c))) {
      return this.fail(key, text("kies uit email, sms en push", "choose from email, sms and push"));
    }
    return CHANNELS.filter((c) => items.includes(c));
  }
  /** An id field: letters, digits, `-`, `_`, `.`. */
  id(key) {
    if (!this.wanted(key)) return void 0;
    const value = this.value(key);
    if (value === void 0 || value === null || value === "") return this.fail(key, text("is verplicht", "is required"));
    if (!isValidId(value)) {
      return this.fail(
        key,
        text(
          "mag alleen letters, cijfers, - _ en . bevatten (maximaal 64)",
          "may only contain letters, digits, - _ and . (at most 64)"
        )
      );
    }
    return value;
  }
  /** One of a fixed list of values. */
  oneOf(key, allowed) {
    if (!this.wanted(key)) return void 0;
    const value = this.value(key);
    if (typeof value === "string" && allowed.includes(value)) return value;
    if (value === void 0 || value === null || value === "") return this.fail(key, text("is verplicht", "is required"));
    return this.fail(
      key,
      text(
        `'${String(value).slice(0, 40)}' is onbekend; kies uit ${allowed.join(", ")}`,
        `'${String(value).slice(0, 40)}' is unknown; choose from ${allowed.join(", ")}`
      )
    );
  }
  /** One of a fixed list, or `fallback` when absent or empty (a column older files lack). */
  oneOfOr(key, allowed, fallback) {
    if (!this.wanted(key)) return void 0;
    const value = this.value(key);
    if (value === void 0 || value === null || value === "") return fallback;
    return this.oneOf(key, allowed);
  }
  /** A calendar day as YYYY-MM-DD, or null when empty. */
  dateOrNull(key) {
    const value = this.isoTimeOrNull(key);
    if (value === void 0 || value === null) return value;
    const raw = String(this.value(key)).trim();
    return /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : value.slice(0, 10);
  }
  /** A finite number within bounds; `integer` also forbids fractions. */
  number(key, { min, max, integer = false } = {}) {
    if (!this.wanted(key)) return void 0;
    const raw = this.value(key);
    const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw.replace(",", ".")) : raw;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      if (raw === void 0 || raw === null || raw === "") return this.fail(key, text("is verplicht", "is required"));
      return this.fail(key, text("moet een getal zijn", "must be a number"));
    }
    if (integer && !Number.isInteger(value)) return this.fail(key, text("moet een geheel getal zijn", "must be a whole number"));
    if (min !== void 0 && value < min) return this.fail(key, text(`moet minstens ${min} zijn`, `must be at least ${min}`));
    if (max !== void 0 && value > max) return this.fail(key, text(`mag hoogstens ${max} zijn`, `must be at most ${max}`));
    return value;
  }
  /** A boolean; also accepts the strings true/false/ja/nee/1/0 of spreadsheets. */
  boolean(key, fallback) {
    if (!this.wanted(key)) return void 0;
    const value = this.value(key);
    if (value === void 0 || value === null || value === "") return fallback;
    if (typeof value === "boolean") return value;
    if (typeof value === "string") {
      const lower = value.trim().toLowerCase();
      if (["true", "ja", "yes", "1"].includes(lower)) return true;
      if (["false", "nee", "no", "0"].includes(lower)) return false;
    }
    return this.fail(key, text("moet ja of nee zijn", "must be yes or no"));
  }
  /** An ISO 8601 date or date-time, or null. */
  isoTimeOrNull(key) {
    if (!this.wanted(key)) return void 0;
    const value = this.value(key);
    if (value === void 0 || value === null || value === "") return null;
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
      return this.fail(key, text("moet een datum zijn als 2026-03-01", "must be a date like 2026-03-01"));
    }
    const time = Date.parse(value.trim());
    if (Number.isNaN(time)) return this.fail(key, text("is geen bestaande datum", "is not a real date"));
    return new Date(time).toISOString();
  }
  /** The result: the value when no problem was found, all problems otherwise. */
  done(value) {
    return this.issues.length === 0 ? { ok: true, value } : { ok: false, issues: this.issues };
  }
};
function defined(value) {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== void 0));
}
function checkOrganisation(input, partial = false) {
  const r = new FieldReader(input, partial);
  const value = {
    id: partial ? void 0 : r.id("id"),
    name: r.string("name"),
    sector: r.oneOf("sector", SECTORS),
    phone: r.phone("phone"),
    email: r.email("email"),
    active: r.boolean("active", true)
  };
  return r.done(defined(value));
}
function checkLocation(input, partial = false) {
  const r = new FieldReader(input, partial);
  const value = {
    id: partial ? void 0 : r.id("id"),
    organisationId: r.id("organisationId"),
    name: r.string("name"),
    address: r.string("address", { optional: true }),
    postcode: r.string("postcode", { optional: true, max: 10 }),
    municipality: r.string("municipality", { max: 80 }),
    lat: r.number("lat", { min: -90, max: 90 }),
    lon: r.number("lon", { min: -180, max: 180 }),
    kind: r.string("kind", { optional: true, max: 80 }),
    capacity: r.number("capacity", { min: 0, max: 1e5, integer: true }),
    active: r.boolean("active", true)
  };
  if (value.lat !== void 0 && value.lon !== void 0 && !isInNetherlands({ lat: value.lat, lon: value.lon })) {
    r.issues.push({
      path: "lat",
      text: text(
        `co\xF6rdinaten ${value.lat}, ${value.lon} liggen buiten Nederland (lat/lon verwisseld?)`,
        `coordinates ${value.lat}, ${value.lon} lie outside the Netherlands (lat/lon swapped?)`
      )
    });
  }
  return r.done(defined(value));
}
function checkCoordinator(input, partial = false) {
  const r = new FieldReader(input, partial);
  const value = {
    id: partial ? void 0 : r.id("id"),
    organisationId: r.id("organisationId"),
    name: r.string("name"),
    phone: r.phone("phone"),
    email: r.email("email"),
    channels: r.channels("channels"),
    introCompletedAt: r.isoTimeOrNull("introCompletedAt"),
    active: r.boolean("active", true),
    kind: r.oneOfOr("kind", COORDINATOR_KINDS, "crisis"),
    dayCourseOn: r.dateOrNull("dayCourseOn"),
    invitedAt: r.isoTimeOrNull("invitedAt")
  };
  if (value.kind === "crisis" && value.dayCourseOn) {
    r.issues.push({ path: "dayCourseOn", text: text("alleen een informatieco\xF6rdinator volgt de dagcursus; kies soort informatieco\xF6rdinator of laat de datum leeg", "only an information coordinator takes the day course; choose kind information coordinator or leave the date empty") });
  }
  if (value.channels?.includes("sms") && value.phone !== void 0 && !(value.phone && isMobile(toE164(value.phone) ?? ""))) {
    r.issues.push({ path: "channels", text: text("sms kan alleen met een mobiel nummer (06\u2026 of buitenlands); vul dat in of kies sms af", "SMS needs a mobile number (06\u2026 or abroad); enter one or deselect SMS") });
  }
  if (value.channels?.includes("email") && value.email === "") {
    r.issues.push({ path: "channels", text: text("e-mail kan alleen met een e-mailadres; vul dat in of kies e-mail af", "e-mail needs an address; enter one or deselect e-mail") });
  }
  return r.done(defined(value));
}
function checkNewUser(input) {
  const r = new FieldReader(input);
  const username = r.id("username");
  const password = r.string("password", { max: 200, trim: false });
  const displayName = r.string("displayName", { optional: true, max: 120 });
  const role = r.oneOf("role", ROLES);
  const raw = input;
  const hasOrganisation = raw?.organisationId !== void 0 && raw?.organisationId !== null && raw?.organisationId !== "";
  const organisationId = hasOrganisation ? r.id("organisationId") : null;
  const hasCoordinator = raw?.coordinatorId !== void 0 && raw?.coordinatorId !== null && raw?.coordinatorId !== "";
  const coordinatorId = hasCoordinator ? r.id("coordinatorId") : null;
  if (hasCoordinator && role !== "coordinator") {
    r.issues.push({ path: "coordinatorId", text: text("alleen een co\xF6rdinator-account hoort bij een crisisco\xF6rdinator", "only a coordinator account belongs to a crisis coordinator") });
  }
  if (password !== void 0 && password.length < 10) {
    r.issues.push({ path: "password", text: text("moet minstens 10 tekens hebben", "must have at least 10 characters") });
  }
  if (role === "coordinator" && !hasOrganisation) {
    r.issues.push({
      path: "organisationId",
      text: text("een co\xF6rdinator hoort bij een organisatie", "a coordinator belongs to an organisation")
    });
  }
  if (role !== void 0 && role !== "coordinator" && hasOrganisation) {
    r.issues.push({
      path: "organisationId",
      text: text("alleen een co\xF6rdinator hoort bij een organisatie", "only a coordinator belongs to an organisation")
    });
  }
  return r.done({
    username: username ?? "",
    password: password ?? "",
    displayName: displayName || (username ?? ""),
    role: role ?? "observer",
    organisationId: organisationId ?? null,
    coordinatorId: coordinatorId ?? null
  });
}
function checkLogin(input) {
  const r = new FieldReader(input);
  const username = r.string("username", { max: 64 });
  const password = r.string("password", { max: 200, trim: false });
  return r.done({ username: username ?? "", password: password ?? "" });
}

// shared/registry-io.ts
var REGISTRY_KINDS = ["organisations", "locations", "coordinators"];
var REGISTRY_FORMATS = ["csv", "geojson"];
var REGISTRY_COLUMNS = {
  organisations: ["id", "name", "sector", "phone", "email", "active"],
  locations: ["id", "organisationId", "name", "address", "postcode", "municipality", "lat", "lon", "kind", "capacity", "active"],
  coordinators: ["id", "organisationId", "name", "phone", "email", "channels", "introCompletedAt", "active", "kind", "dayCourseOn", "invitedAt"]
};
var REQUIRED_COLUMNS = {
  organisations: ["id", "name", "sector"],
  locations: ["id", "organisationId", "name", "municipality", "lat", "lon", "capacity"],
  coordinators: ["id", "organisationId", "name"]
};
function supportsFormat(kind, format) {
  return format === "csv" || kind === "locations";
}
function* readImportRowsSteps(kind, format, bytes) {
  const source = decodeUtf8(bytes);
  if (source === null) {
    return {
      ok: false,
      problem: { line: 0, path: "", text: text('Het bestand is geen UTF-8; sla het op als "CSV UTF-8".', 'The file is not UTF-8; save it as "CSV UTF-8".') }
    };
  }
  if (format === "csv") {
    const parsed = yield* parseCsvSteps(source);
    if (!parsed.ok) return { ok: false, problem: { line: parsed.line, path: "", text: parsed.text } };
    const missing = REQUIRED_COLUMNS[kind].filter((c) => !parsed.header.includes(c));
    if (missing.length > 0) {
      return {
        ok: false,
        problem: {
          line: 1,
          path: "",
          text: text(`Kolommen ontbreken in de kopregel: ${missing.join(", ")}`, `Columns missing from the header: ${missing.join(", ")}`)
        }
      };
    }
    return { ok: true, rows: parsed.rows };
  }
  return readGeoJsonRows(source);
}
function readGeoJsonRows(source) {
  let doc;
  try {
    doc = JSON.parse(source);
  } catch {
    return { ok: false, problem: { line: 0, path: "", text: text("Het bestand is geen geldige JSON.", "The file is not valid JSON.") } };
  }
  const features = doc?.features;
  if (doc?.type !== "FeatureCollection" || !Array.isArray(features)) {
    return { ok: false, problem: { line: 0, path: "", text: text("Verwacht een GeoJSON FeatureCollection.", "Expected a GeoJSON FeatureCollection.") } };
  }
  const rows = features.map((feature, i) => {
    const f = feature;
    const properties = typeof f?.properties === "object" && f.properties !== null ? f.properties : {};
    const values = { ...properties };
    const coordinates = f?.geometry?.type === "Point" && Array.isArray(f.geometry.coordinates) ? f.geometry.coordinates : void 0;
    values.lon = coordinates?.[0];
    values.lat = coordinates?.[1];
    return { line: i + 1, values };
  });
  return { ok: true, rows };
}
var ROWS_PER_STEP = 2e3;
function* planImportSteps(kind, rows, network) {
  const problems = [];
  const valid = [];
  const moves = [];
  const seen = /* @__PURE__ */ new Map();
  const organisationIds = new Set(network.organisations.map((o) => o.id));
  const existing = new Map(network[kind].map((r) => [r.id, r]));
  for (const [n, { line, values, extra }] of rows.entries()) {
    if (n % ROWS_PER_STEP === 0 && n > 0) yield;
    if (extra !== void 0) {
      problems.push({ line, path: "", text: text("de regel heeft meer cellen dan de kopregel", "the row has more cells than the header") });
      continue;
    }
    const checked = checkRow(kind, values);
    if (!checked.ok) {
      for (const issue of checked.issues) problems.push({ line, path: issue.path, text: issue.text });
      continue;
    }
    const row = checked.value;
    const earlier = seen.get(row.id);
    if (earlier !== void 0) {
      problems.push({ line, path: "id", text: text(`id '${row.id}' staat al op regel ${earlier}`, `id '${row.id}' already occurs on line ${earlier}`) });
      continue;
    }
    seen.set(row.id, line);
    if ("organisationId" in row && !organisationIds.has(row.organisationId)) {
      problems.push({
        line,
        path: "organisationId",
        text: text(`organisatie '${row.organisationId}' bestaat niet`, `organisation '${row.organisationId}' does not exist`)
      });
      continue;
    }
    const before = existing.get(row.id);
    if ("organisationId" in row && before?.organisationId !== void 0 && before.organisationId !== row.organisationId) {
      moves.push({ line, id: row.id, name: String(row.name ?? ""), from: before.organisationId, to: row.organisationId });
    }
    valid.push({ line, row });
  }
  return { kind, rows: rows.length, valid, problems, moves };
}
function summariseProblems(problems, shown = 200) {
  const kinds = /* @__PURE__ */ new Map();
  for (const problem of problems) {
    const key = `${problem.path}|${problem.text.en.replace(/'[^']*'/g, "'\u2026'").replace(/\d+/g, "N")}`;
    const kind = kinds.get(key);
    if (kind) kind.count++;
    else kinds.set(key, { path: problem.path, text: problem.text, count: 1 });
  }
  return { shown: problems.slice(0, shown), total: problems.length, kinds: [...kinds.values()].sort((a, b) => b.count - a.count) };
}
function checkRow(kind, values) {
  switch (kind) {
    case "organisations":
      return checkOrganisation(values);
    case "locations":
      return checkLocation(values);
    case "coordinators":
      return checkCoordinator(values);
    default: {
      const never = kind;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}
function exportCsv(kind, rows, options = {}) {
  const flat = rows.map((row) => Array.isArray(row.channels) ? { ...row, channels: row.channels.join(" ") } : row);
  return toCsv(REGISTRY_COLUMNS[kind], flat, options);
}
function exportLocationsGeoJson(network) {
  const organisations = new Map(network.organisations.map((o) => [o.id, o]));
  return {
    type: "FeatureCollection",
    features: network.locations.map((location) => {
      const { lat, lon, ...properties } = location;
      const organisation = organisations.get(location.organisationId);
      return {
        type: "Feature",
        id: location.id,
        geometry: { type: "Point", coordinates: [lon, lat] },
        properties: {
          ...properties,
          organisationName: organisation?.name ?? "",
          sector: organisation?.sector ?? "",
          acute: organisation ? isAcute(organisation.sector) : false
        }
      };
    })
  };
}
function withConnected(coordinators) {
  return coordinators.map((c) => ({ ...c, connected: isConnected(c) }));
}

// shared/network.ts
var CONTACT_KINDS = ["partner-talk", "theme-meeting", "information-session", "phone", "email", "visit", "other"];
var PARTNER_TALK_MONTHS = 24;
var SOON_MONTHS = 3;
var DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
function isDate(value) {
  const m = typeof value === "string" ? DATE.exec(value) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
function addMonths(date, months) {
  const [y, m, d] = date.split("-").map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}
function partnerTalkStatus(contacts, today) {
  const last = contacts.filter((c) => c.kind === "partner-talk" && c.date <= today).map((c) => c.date).sort().at(-1) ?? null;
  if (!last) return { state: "never", last: null, due: null };
  const due = addMonths(last, PARTNER_TALK_MONTHS);
  if (today > due) return { state: "overdue", last, due };
  if (today >= addMonths(due, -SOON_MONTHS)) return { state: "soon", last, due };
  return { state: "ok", last, due };
}
function checkContact(input, partial = false) {
  const r = new FieldReader(input, partial);
  const kind = r.oneOf("kind", CONTACT_KINDS);
  const date = r.string("date", { max: 10 });
  if (date !== void 0 && !isDate(date)) r.issues.push({ path: "date", text: text(`'${date}' is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2026-03-15`, `'${date}' is not a date; write YYYY-MM-DD, e.g. 2026-03-15`) });
  const ghorPeople = r.string("ghorPeople", { optional: true, max: 200 });
  const organisationPeople = r.string("organisationPeople", { optional: true, max: 200 });
  const notes = r.string("notes", { optional: true, max: 4e3 });
  const raw = typeof input === "object" && input !== null ? input : {};
  let followUps;
  if (!partial || Object.hasOwn(raw, "followUps")) {
    const list = raw.followUps ?? [];
    if (!Array.isArray(list) || list.length > 50) {
      r.issues.push({ path: "followUps", text: text("afspraken zijn een lijst van hoogstens 50", "follow-ups are a list of at most 50") });
    } else {
      followUps = [];
      list.forEach((item, i) => {
        const f = new FieldReader(item);
        const id = item?.id === void 0 ? `f${i + 1}` : f.id("id");
        const what = f.string("text", { max: 500 });
        const due = f.string("due", { max: 10 });
        if (due !== void 0 && !isDate(due)) f.issues.push({ path: "due", text: text("is geen datum (JJJJ-MM-DD)", "is not a date (YYYY-MM-DD)") });
        const done = f.boolean("done", false);
        for (const issue of f.issues) r.issues.push({ path: `followUps.${i}.${issue.path}`, text: issue.text });
        if (f.issues.length === 0) followUps.push({ id, text: what, due, done });
      });
    }
  }
  return r.done(defined({ kind, date, ghorPeople, organisationPeople, notes, followUps }));
}
var MEETING_KINDS = ["information-session", "theme-meeting"];
function checkMeeting(input, known, partial = false) {
  const r = new FieldReader(input, partial);
  const kind = r.oneOf("kind", MEETING_KINDS);
  const title = r.string("title", { max: 200 });
  const date = r.string("date", { max: 10 });
  if (date !== void 0 && !isDate(date)) r.issues.push({ path: "date", text: text(`'${date}' is geen datum; schrijf JJJJ-MM-DD`, `'${date}' is not a date; write YYYY-MM-DD`) });
  const place = r.string("place", { optional: true, max: 200 });
  const theme = r.string("theme", { optional: true, max: 500 });
  const raw = typeof input === "object" && input !== null ? input : {};
  const ids = (key) => {
    if (partial && !Object.hasOwn(raw, key)) return void 0;
    const list = raw[key] ?? [];
    if (!Array.isArray(list) || list.length > 2e3 || !list.every((id) => typeof id === "string" && known.has(id))) {
      r.issues.push({ path: key, text: text("noem alleen bestaande co\xF6rdinatoren", "name existing coordinators only") });
      return void 0;
    }
    return [...new Set(list)];
  };
  const invited = ids("invited");
  const attended = ids("attended");
  return r.done(defined({ kind, title, date, place, theme, invited, attended }));
}
function attendanceProblem(meeting) {
  const strangers = meeting.attended.filter((id) => !meeting.invited.includes(id));
  if (strangers.length === 0) return null;
  return { path: "attended", text: text(`alleen genodigden kunnen aanwezig zijn (${strangers.slice(0, 3).join(", ")})`, `only the invited can have attended (${strangers.slice(0, 3).join(", ")})`) };
}
function attention({ organisations, coordinators, contacts, meetings = [], today, progress }) {
  const active = organisations.filter((o) => o.active).sort((a, b) => a.name.localeCompare(b.name, "nl"));
  const byOrganisation = /* @__PURE__ */ new Map();
  for (const c of contacts) byOrganisation.set(c.organisationId, [...byOrganisation.get(c.organisationId) ?? [], c]);
  const items = [];
  const talks = active.map((o) => ({ o, status: partnerTalkStatus(byOrganisation.get(o.id) ?? [], today) }));
  for (const state of ["never", "overdue", "soon"]) {
    for (const { o, status } of talks.filter((t) => t.status.state === state)) items.push({ kind: "partner-talk", organisationId: o.id, name: o.name, state, last: status.last, due: status.due });
  }
  const people = coordinators.filter((c) => c.active);
  for (const o of active) {
    const connected = people.filter((c) => c.organisationId === o.id && isConnected(c)).length;
    if (connected < 2) items.push({ kind: "few-connected", organisationId: o.id, name: o.name, connected });
  }
  const names = new Map(active.map((o) => [o.id, o.name]));
  for (const c of [...contacts].sort((a, b) => a.date.localeCompare(b.date))) {
    if (!names.has(c.organisationId)) continue;
    for (const f of c.followUps) if (!f.done && f.due < today) items.push({ kind: "follow-up-late", organisationId: c.organisationId, name: names.get(c.organisationId), contactId: c.id, text: f.text, due: f.due });
  }
  const intake = [...people].sort((a, b) => (a.invitedAt ?? "\uFFFF").localeCompare(b.invitedAt ?? "\uFFFF"));
  for (const c of intake) {
    if (!names.has(c.organisationId)) continue;
    const stage = intakeStage(c);
    if (stage === "connected") continue;
    const invitedAt = c.invitedAt ?? null;
    const waitingDays = invitedAt === null ? null : Math.max(0, Math.round((Date.parse(`${today}T12:00:00Z`) - Date.parse(invitedAt)) / 864e5));
    items.push({ kind: "not-introduced", organisationId: c.organisationId, name: names.get(c.organisationId), coordinatorId: c.id, coordinatorName: c.name, coordinatorKind: c.kind ?? "crisis", stage, invitedAt, waitingDays, ...progress?.has(c.id) ? { chaptersRead: progress.get(c.id) } : {} });
  }
  for (const c of people) {
    if (!names.has(c.organisationId)) continue;
    const missing = [...c.email ? [] : ["email"], ...c.phone ? [] : ["phone"]];
    if (missing.length > 0) items.push({ kind: "contact-missing", organisationId: c.organisationId, name: names.get(c.organisationId), coordinatorId: c.id, coordinatorName: c.name, missing });
  }
  const attendedSession = new Set(meetings.filter((m) => m.kind === "information-session" && m.date <= today).flatMap((m) => m.attended));
  for (const c of people) {
    if (!names.has(c.organisationId) || !isConnected(c) || attendedSession.has(c.id)) continue;
    items.push({ kind: "no-session", organisationId: c.organisationId, name: names.get(c.organisationId), coordinatorId: c.id, coordinatorName: c.name });
  }
  return items;
}

// shared/network-overview.ts
function registryChanges({ collection, before, after, at, by, newId }) {
  const changes = [];
  for (const row of after) {
    const was = before.get(row.id);
    const change = !was ? "added" : was.active && !row.active ? "deactivated" : !was.active && row.active ? "reactivated" : null;
    if (change) changes.push({ id: newId(), at, collection, rowId: row.id, name: row.name, organisationId: row.organisationId ?? row.id, change, by });
  }
  return changes;
}
function isMonth(value) {
  return typeof value === "string" && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}
function shiftMonth(month, by) {
  return addMonths(`${month}-01`, by).slice(0, 7);
}
var median = (values) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
function networkOverview(input) {
  const { month, today } = input;
  const inMonth = (day) => day.slice(0, 7) === month;
  const monthEnd = new Date(Date.parse(`${shiftMonth(month, 1)}-01T00:00:00Z`) - 864e5).toISOString().slice(0, 10);
  const asOf = monthEnd < today ? monthEnd : today;
  const organisationName = new Map(input.organisations.map((o) => [o.id, o.name]));
  const named = (c) => ({ id: c.rowId, name: c.name, organisationName: organisationName.get(c.organisationId) ?? c.organisationId });
  const changed = (collection, change) => input.changes.filter((c) => c.collection === collection && c.change === change && inMonth(regionDay(c.at))).sort((a, b) => a.at.localeCompare(b.at)).map(named);
  const introductions = input.coordinators.filter((c) => c.introCompletedAt !== null && inMonth(regionDay(c.introCompletedAt))).sort((a, b) => a.introCompletedAt.localeCompare(b.introCompletedAt)).map((c) => ({ id: c.id, name: c.name, organisationName: organisationName.get(c.organisationId) ?? c.organisationId, ico: c.kind === "information", at: c.introCompletedAt }));
  const monthContacts = input.contacts.filter((c) => inMonth(c.date));
  const byKind = Object.fromEntries(CONTACT_KINDS.map((k) => [k, monthContacts.filter((c) => c.kind === k).length]));
  const partnerTalks = monthContacts.filter((c) => c.kind === "partner-talk").sort((a, b) => a.date.localeCompare(b.date)).map((c) => ({ id: c.id, name: c.date, organisationName: organisationName.get(c.organisationId) ?? c.organisationId }));
  const meetings = input.meetings.filter((m) => inMonth(m.date)).sort((a, b) => a.date.localeCompare(b.date)).map((m) => ({ id: m.id, kind: m.kind, title: m.title, date: m.date, invited: m.invited.length, attended: m.attended.length }));
  const activeOrganisations = input.organisations.filter((o) => o.active);
  const people = input.coordinators.filter((c) => c.active);
  const contactsOf = /* @__PURE__ */ new Map();
  for (const c of input.contacts) contactsOf.set(c.organisationId, [...contactsOf.get(c.organisationId) ?? [], c]);
  const overdue = activeOrganisations.filter((o) => ["never", "overdue"].includes(partnerTalkStatus(contactsOf.get(o.id) ?? [], today).state)).length;
  const trend = Array.from({ length: 12 }, (_, i) => shiftMonth(month, i - 11)).map((m) => ({
    month: m,
    contacts: input.contacts.filter((c) => c.date.slice(0, 7) === m).length,
    introductions: input.coordinators.filter((c) => c.introCompletedAt !== null && regionDay(c.introCompletedAt).slice(0, 7) === m).length,
    attended: input.meetings.filter((x) => x.date.slice(0, 7) === m).reduce((sum, x) => sum + x.attended.length, 0)
  }));
  return {
    month,
    asOf,
    registry: {
      organisationsAdded: changed("organisations", "added"),
      organisationsDeactivated: changed("organisations", "deactivated"),
      locationsAdded: changed("locations", "added"),
      locationsDeactivated: changed("locations", "deactivated"),
      coordinatorsAdded: changed("coordinators", "added"),
      coordinatorsLeft: changed("coordinators", "deactivated")
    },
    introductions,
    contacts: { total: monthContacts.length, byKind, partnerTalks },
    meetings,
    incidents: input.incidents.filter((i) => inMonth(regionDay(i.startedAt))).sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    standing: {
      organisations: activeOrganisations.length,
      locations: input.locations.filter((l) => l.active).length,
      connected: people.filter(isConnected).length,
      ico: people.filter((c) => c.kind === "information" && isConnected(c)).length,
      inIntake: people.filter((c) => !isConnected(c)).length,
      partnerTalksOverdue: overdue
    },
    trend
  };
}

// server/http/registry-routes.ts
var pause = () => new Promise((resolve2) => setImmediate(resolve2));
async function readNetwork(store) {
  const [organisations, locations, coordinators] = await Promise.all([
    store.list("organisations"),
    store.list("locations"),
    store.list("coordinators")
  ]);
  return { organisations, locations, coordinators };
}
var CHECKS = {
  organisations: checkOrganisation,
  locations: checkLocation,
  coordinators: checkCoordinator
};
function notFound(kind, id) {
  return new HttpError(404, "not-found", text(`Niet gevonden in ${kind}: ${id}`, `Not found in ${kind}: ${id}`));
}
function paramId(req) {
  const id = req.params.id;
  if (typeof id !== "string" || !isValidId(id)) {
    throw new HttpError(400, "bad-request", text("Dit id is ongeldig.", "This id is not valid."));
  }
  return id;
}
function query(req, key) {
  const value = req.query[key];
  return typeof value === "string" && value !== "" ? value : void 0;
}
function matches(q, ...fields) {
  if (!q) return true;
  const needle = q.toLowerCase();
  return fields.some((f) => f.toLowerCase().includes(needle));
}
function filterNetwork(req, network) {
  const q = query(req, "q");
  const sector = query(req, "sector");
  const municipality = query(req, "municipality");
  const organisationId = query(req, "organisationId");
  const active = query(req, "active");
  const organisations = new Map(network.organisations.map((o) => [o.id, o]));
  const activeOk = (row) => active === void 0 || String(row.active) === active;
  const orgOk = (id) => (organisationId === void 0 || id === organisationId) && (sector === void 0 || organisations.get(id)?.sector === sector);
  return {
    organisations: network.organisations.filter(
      (o) => activeOk(o) && orgOk(o.id) && matches(q, o.name, o.id, o.email) && (municipality === void 0 || network.locations.some((l) => l.organisationId === o.id && l.municipality === municipality))
    ),
    locations: network.locations.filter(
      (l) => activeOk(l) && orgOk(l.organisationId) && (municipality === void 0 || l.municipality === municipality) && matches(q, l.name, l.id, l.address, l.municipality, organisations.get(l.organisationId)?.name ?? "")
    ),
    coordinators: network.coordinators.filter(
      (c) => activeOk(c) && orgOk(c.organisationId) && matches(q, c.name, c.email, c.phone, organisations.get(c.organisationId)?.name ?? "")
    )
  };
}
function visibleCoordinators(req, coordinators) {
  const user = req.user;
  if (user.role === "admin" || user.role === "ghor") return coordinators;
  if (user.role === "coordinator") return coordinators.filter((c) => c.organisationId === user.organisationId);
  return [];
}
function present(kind, rows) {
  if (kind === "organisations") return rows.map((o) => ({ ...o, acute: isAcute(o.sector) }));
  if (kind === "coordinators") return withConnected(rows);
  return rows;
}
function kindParam(value) {
  if (!REGISTRY_KINDS.includes(value)) {
    throw new HttpError(404, "not-found", text("Onbekende soort gegevens.", "Unknown kind of data."));
  }
  return value;
}
function registryRoutes({ store, now, log: log2 }) {
  const router = Router();
  const signedIn = requireRole();
  const admin = requireRole("admin");
  const withChanges = async (req, kind, rows) => {
    const before = new Map((await store.list(kind)).map((r) => [r.id, r]));
    const registryChanges2 = registryChanges({ collection: kind, before, after: rows, at: now().toISOString(), by: req.user.username, newId: () => `change-${randomBytes2(6).toString("hex")}` });
    return { [kind]: rows, registryChanges: registryChanges2 };
  };
  const listOf = async (req, kind) => {
    const network = filterNetwork(req, await readNetwork(store));
    return kind === "coordinators" ? visibleCoordinators(req, network.coordinators) : network[kind];
  };
  router.get("/locations", signedIn, async (req, res) => {
    const network = filterNetwork(req, await readNetwork(store));
    if (query(req, "format") === "geojson") {
      res.type("application/geo+json").json(exportLocationsGeoJson(network));
    } else {
      res.json({ data: network.locations });
    }
  });
  for (const kind of REGISTRY_KINDS) {
    if (kind !== "locations") {
      router.get(`/${kind}`, signedIn, async (req, res) => {
        res.json({ data: present(kind, await listOf(req, kind)) });
      });
    }
    router.get(`/${kind}/:id`, signedIn, async (req, res) => {
      const id = paramId(req);
      const rows = kind === "coordinators" ? visibleCoordinators(req, await store.list(kind)) : await store.list(kind);
      const row = rows.find((r) => r.id === id);
      if (!row) throw notFound(kind, id);
      res.json({ data: present(kind, [row])[0] });
    });
    router.post(`/${kind}`, admin, async (req, res) => {
      const checked = CHECKS[kind](req.body, false);
      if (!checked.ok) throw invalidInput(checked.issues);
      const row = checked.value;
      if (await store.get(kind, row.id)) {
        throw new HttpError(409, "conflict", text(`Het id '${row.id}' bestaat al.`, `The id '${row.id}' already exists.`));
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
      if (kind === "locations" || kind === "coordinators") {
        const whole = CHECKS[kind](next, false);
        if (!whole.ok) throw invalidInput(whole.issues);
      }
      await requireOrganisation(next.organisationId);
      await store.put(await withChanges(req, kind, [next]));
      res.json({ data: present(kind, [next])[0] });
    });
    router.delete(`/${kind}/:id`, admin, async (req, res) => {
      const id = paramId(req);
      const current = await store.get(kind, id);
      if (!current) throw notFound(kind, id);
      const next = { ...current, active: false };
      await store.put(await withChanges(req, kind, [next]));
      res.json({ data: present(kind, [next])[0] });
    });
  }
  const requireOrganisation = async (organisationId) => {
    if (organisationId === void 0) return;
    if (!await store.get("organisations", organisationId)) {
      throw invalidInput([
        { path: "organisationId", text: text(`organisatie '${organisationId}' bestaat niet`, `organisation '${organisationId}' does not exist`) }
      ]);
    }
  };
  router.get("/export/:file", requireRole("admin", "ghor"), async (req, res) => {
    const match = /^(organisations|locations|coordinators)\.(csv|geojson)$/.exec(String(req.params.file));
    const kind = kindParam(match?.[1]);
    const format = match?.[2];
    if (!supportsFormat(kind, format)) throw notFound(kind, String(req.params.file));
    const network = filterNetwork(req, await readNetwork(store));
    const stamp = now().toISOString().slice(0, 10);
    res.setHeader("Content-Disposition", `attachment; filename="zorgbeeld-${kind}-${stamp}.${format}"`);
    if (format === "geojson") {
      res.type("application/geo+json").send(JSON.stringify(exportLocationsGeoJson(network), null, 1));
    } else {
      res.type("text/csv; charset=utf-8").send(exportCsv(kind, network[kind], { excel: req.query.excel === "1" }));
    }
  });
  router.post(
    "/import/:kind",
    admin,
    express.raw({ type: () => true, limit: "20mb" }),
    async (req, res) => {
      const kind = kindParam(req.params.kind);
      const format = query(req, "format") ?? "csv";
      if (!REGISTRY_FORMATS.includes(format) || !supportsFormat(kind, format)) {
        throw new HttpError(400, "bad-request", text(`Dit formaat kan niet voor ${kind}.`, `This format is not offered for ${kind}.`));
      }
      const commit = query(req, "commit") === "true";
      const skipInvalid = query(req, "skipInvalid") === "true";
      const confirmMoves = query(req, "confirmMoves") === "true";
      const body = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      log2(`import of ${kind}: checking ${body.length} bytes${commit ? " to commit" : ""}`);
      const read = await runStepsPausing(readImportRowsSteps(kind, format, body), pause);
      const lang = requestLanguage(req);
      if (!read.ok) {
        throw new HttpError(400, "invalid-import", read.problem.text);
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
        problems: problems.shown.map((p) => ({ line: p.line, path: p.path, message: p.text[lang] })),
        committed: false
      };
      if (commit) {
        if (plan.moves.length > 0 && !confirmMoves) {
          throw new HttpError(
            409,
            "conflict",
            text(
              `${plan.moves.length} ${plan.moves.length === 1 ? "regel verhuist" : "regels verhuizen"} naar een andere organisatie (bijvoorbeeld '${plan.moves[0].id}' van ${plan.moves[0].from} naar ${plan.moves[0].to}). Er is niets ge\xEFmporteerd; bevestig de verhuizingen als ze kloppen.`,
              `${plan.moves.length} ${plan.moves.length === 1 ? "row moves" : "rows move"} to another organisation (for instance '${plan.moves[0].id}' from ${plan.moves[0].from} to ${plan.moves[0].to}). Nothing was imported; confirm the moves if they are right.`
            )
          );
        }
        if (plan.problems.length > 0 && !skipInvalid) {
          throw new HttpError(
            422,
            "invalid-import",
            text(
              `${plan.problems.length} fout(en) gevonden; er is niets ge\xEFmporteerd. Verbeter het bestand of kies "alleen geldige regels".`,
              `${plan.problems.length} problem(s) found; nothing was imported. Fix the file or choose "valid rows only".`
            ),
            plan.problems.slice(0, 200).map((p) => ({ path: `line ${p.line}${p.path ? ` ${p.path}` : ""}`, text: p.text }))
          );
        }
        await store.put(await withChanges(req, kind, plan.valid.map((v) => v.row)));
        report.committed = true;
      }
      res.json({ data: report });
    }
  );
  return router;
}

// server/http/session-routes.ts
import { randomBytes as randomBytes4 } from "node:crypto";
import { Router as Router2 } from "express";

// server/auth/passwords.ts
import { randomBytes as randomBytes3, scrypt, timingSafeEqual } from "node:crypto";
var KEY_LENGTH = 32;
var COST = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
function derive(password, salt) {
  return new Promise((resolve2, reject) => {
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, COST, (error, key) => error ? reject(error) : resolve2(key));
  });
}
async function hashPassword(password) {
  const salt = randomBytes3(16);
  const key = await derive(password, salt);
  return `scrypt$${salt.toString("base64")}$${key.toString("base64")}`;
}
async function verifyPassword(password, stored) {
  const [scheme, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await derive(password, Buffer.from(salt, "base64"));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
function generatePassword(length = 16) {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes3(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

// server/http/session-routes.ts
var DUMMY_HASH = "scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
var DEVICE_COOKIE = "zb_device";
var DEVICE_MAX_AGE = 365 * 24 * 3600;
var REMEMBERED = 10;
function sessionRoutes({ store, sessions, guard, log: log2, now, secureCookies }) {
  const router = Router2();
  const deviceCookie = (token) => `${DEVICE_COOKIE}=${token}; Path=/api/session; HttpOnly; SameSite=Lax; Max-Age=${DEVICE_MAX_AGE}${secureCookies ? "; Secure" : ""}`;
  router.post("/session", async (req, res) => {
    const checked = checkLogin(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const { username, password } = checked.value;
    const address = clientAddress(req);
    const users = await store.list("users");
    const user = users.find((u) => u.username.toLowerCase() === username.toLowerCase());
    const known = user ? await store.get("signIns", user.id) : void 0;
    const deviceToken = readCookie(req.headers.cookie, DEVICE_COOKIE);
    const deviceHash = deviceToken && deviceToken.length <= 100 ? sessionId(deviceToken) : void 0;
    const attempt = {
      account: username.toLowerCase().slice(0, 64),
      address,
      knownDevice: deviceHash !== void 0 && known?.devices.includes(deviceHash) ? deviceHash : void 0,
      knownAddress: known?.addresses.includes(address) ?? false
    };
    const wait = await guard.wait(attempt);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1e3);
      res.setHeader("Retry-After", String(seconds));
      throw new HttpError(
        429,
        "rate-limited",
        text(
          `Te veel mislukte pogingen. Probeer het over ${seconds < 120 ? `${seconds} seconden` : `${Math.ceil(seconds / 60)} minuten`} opnieuw.`,
          `Too many failed attempts. Try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}.`
        )
      );
    }
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || !user.active) {
      await guard.fail(attempt);
      if (user) await store.put({ signIns: [withFailure(known, user.id, now().toISOString(), address)] });
      log2(`sign-in failed for '${username.slice(0, 64)}'`);
      throw new HttpError(401, "unauthenticated", text("Gebruikersnaam of wachtwoord klopt niet.", "Username or password is wrong."));
    }
    await guard.succeeded(attempt);
    const token = attempt.knownDevice ? deviceToken : randomBytes4(24).toString("base64url");
    const failedAttempts = known?.failed ?? null;
    await store.put({ signIns: [{ id: user.id, devices: remember(known?.devices, sessionId(token)), addresses: remember(known?.addresses, address), failed: null }] });
    res.append("Set-Cookie", await sessions.create(user));
    res.append("Set-Cookie", deviceCookie(token));
    log2(`signed in: ${user.username} (${user.role})${failedAttempts ? `; ${failedAttempts.count} failed attempt(s) since the last sign-in` : ""}`);
    res.json({ data: { ...publicUser(user), failedAttempts } });
  });
  router.delete("/session", async (req, res) => {
    if (req.sessionId) await sessions.end(req.sessionId);
    res.setHeader("Set-Cookie", sessions.clearCookie());
    res.json({ data: { signedOut: true } });
  });
  router.delete("/sessions", requireRole(), async (req, res) => {
    await sessions.endAllOf(req.user.id);
    res.setHeader("Set-Cookie", sessions.clearCookie());
    res.json({ data: { signedOut: true } });
  });
  router.get("/me", requireRole(), (req, res) => {
    res.json({ data: publicUser(req.user) });
  });
  router.patch("/me", requireRole(), async (req, res) => {
    const r = new FieldReader(req.body, true);
    const language = r.oneOf("language", ["nl", "en"]);
    const checked = r.done({ language });
    if (!checked.ok) throw invalidInput(checked.issues);
    const user = { ...req.user, ...checked.value.language ? { language: checked.value.language } : {} };
    await store.put({ users: [user] });
    res.json({ data: publicUser(user) });
  });
  return router;
}
function clientAddress(req) {
  return (req.ip ?? req.socket.remoteAddress ?? "").slice(0, 64);
}
function remember(list, item) {
  return [item, ...(list ?? []).filter((other) => other !== item)].slice(0, REMEMBERED);
}
function withFailure(known, userId, at, address) {
  return {
    id: userId,
    devices: known?.devices ?? [],
    addresses: known?.addresses ?? [],
    failed: { count: (known?.failed?.count ?? 0) + 1, lastAt: at, lastAddress: address }
  };
}

// server/alerts/alert-service.ts
import { randomBytes as randomBytes5 } from "node:crypto";

// shared/board-schema.ts
var ROOTS = {
  reports: "reports",
  needs: "needs",
  picture: "picture",
  areas: "areas",
  logbook: "logbook"
};
var ROOT_NAMES = Object.values(ROOTS);
var IMPACTS = ["unknown", "none", "minor", "major", "critical"];
var OPERATIONS = ["normal", "limited", "shelter-in-place", "evacuating", "evacuated", "closed"];
var UTILITY_STATES = ["ok", "degraded", "out"];
var POWER_STATES = ["ok", "degraded", "out", "backup"];
var NEED_KINDS = ["power", "water", "transport", "staff", "medication", "oxygen", "beds", "food", "shelter", "security", "other"];
var URGENCIES = ["low", "high", "immediate"];
var NEED_STATUSES = ["open", "acknowledged", "in-progress", "met", "cancelled"];
var PICTURE_TEXTS = ["picture", "assessment", "decisions"];
function isPictureText(key) {
  return PICTURE_TEXTS.includes(key);
}
var MAX_FIGURE = 1e5;
var enumCheck = (allowed) => (value) => typeof value === "string" && allowed.includes(value);
var figureCheck = (value) => typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_FIGURE;
var textCheck = (max) => (value) => typeof value === "string" && value.length <= max;
var isoCheck = (value) => typeof value === "string" && value.length <= 40 && !Number.isNaN(Date.parse(value));
var idCheck = (value) => typeof value === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(value);
var REPORT_FIELD_CHECKS = /* @__PURE__ */ new Map([
  ["impact", enumCheck(IMPACTS)],
  ["operation", enumCheck(OPERATIONS)],
  ["bedsFree", figureCheck],
  ["canReceive", figureCheck],
  ["clientsPresent", figureCheck],
  ["toEvacuate", figureCheck],
  ["dependentOnPower", figureCheck],
  ["power", enumCheck(POWER_STATES)],
  ["water", enumCheck(UTILITY_STATES)],
  ["heating", enumCheck(UTILITY_STATES)],
  ["telecom", enumCheck(UTILITY_STATES)],
  ["remarks", textCheck(2e3)]
]);
var NEED_FIELD_CHECKS = /* @__PURE__ */ new Map([
  ["id", idCheck],
  ["organisationId", idCheck],
  ["locationId", idCheck],
  ["kind", enumCheck(NEED_KINDS)],
  ["quantity", figureCheck],
  ["urgency", enumCheck(URGENCIES)],
  ["status", enumCheck(NEED_STATUSES)],
  ["description", textCheck(1e3)],
  ["createdBy", textCheck(64)],
  ["createdAt", isoCheck],
  ["handledBy", textCheck(120)],
  ["ghorNotes", textCheck(2e3)]
]);
var GHOR_NEED_FIELDS = ["handledBy", "ghorNotes"];
var COORDINATOR_NEED_STATUSES = ["open", "cancelled"];
var NEED_REQUIRED = ["id", "organisationId", "kind", "urgency", "status", "createdBy", "createdAt"];
function needProblem(need) {
  for (const key of NEED_REQUIRED) if (!Object.hasOwn(need, key) || need[key] === void 0) return `need field ${key} is missing`;
  for (const [key, value] of Object.entries(need)) {
    if (key === "stamp") continue;
    const check = NEED_FIELD_CHECKS.get(key);
    if (!check) return `unknown need field ${key}`;
    if (!check(value)) return `invalid value of need field ${key}`;
  }
  return null;
}
var AREA_PROPERTIES = /* @__PURE__ */ new Set(["name", "createdBy", "createdAt"]);
function own(object, key) {
  return Object.hasOwn(object, key) ? object[key] : void 0;
}
function areaProblem(value) {
  const f = value;
  if (typeof f !== "object" || f === null || f.type !== "Feature") return "area is not a GeoJSON Feature";
  const ring = f.geometry?.type === "Polygon" && Array.isArray(f.geometry.coordinates) ? f.geometry.coordinates[0] : void 0;
  if (!Array.isArray(ring) || ring.length < 4 || ring.length > 1e3 || f.geometry.coordinates.length !== 1) return "area needs one ring of 4 to 1000 points";
  for (const point of ring) {
    if (!Array.isArray(point) || point.length !== 2 || !point.every((n) => typeof n === "number" && Number.isFinite(n))) return "area point is not [lon, lat]";
    if (!isInNetherlands({ lon: point[0], lat: point[1] })) return "area point lies outside the Netherlands";
  }
  const [first, last] = [ring[0], ring[ring.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) return "area ring is not closed";
  const p = f.properties;
  if (typeof p !== "object" || p === null || Array.isArray(p) || !textCheck(120)(own(p, "name"))) return "area properties need a name";
  if (Object.keys(p).some((k) => !AREA_PROPERTIES.has(k))) return "area properties hold name, createdBy and createdAt only";
  if (own(p, "createdBy") !== void 0 && !textCheck(64)(p.createdBy)) return "area createdBy is a username";
  if (own(p, "createdAt") !== void 0 && !isoCheck(p.createdAt)) return "area createdAt is a time";
  if (Object.keys(f).some((k) => !["type", "geometry", "properties"].includes(k))) return "area has unknown members";
  if (Object.keys(f.geometry).some((k) => k !== "type" && k !== "coordinates")) return "area geometry has unknown members";
  return null;
}
function logbookProblem(value) {
  const e = value;
  if (typeof e !== "object" || e === null || Array.isArray(e)) return "logbook entry is not an object";
  if (!idCheck(e.id) || !isoCheck(e.at) || !textCheck(64)(e.by) || !textCheck(4e3)(e.text) || e.text.trim() === "") return "logbook entry needs id, at, by and text";
  if (Object.keys(e).length !== 4) return "logbook entry has unknown members";
  return null;
}
function isInsideRing(point, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > point.lat !== yj > point.lat && point.lon < (xj - xi) * (point.lat - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// shared/alert.ts
var ALERT_MSG_TYPES = ["Alert", "Update", "Cancel"];
var ACK_ANSWERS = ["yes", "no", "unknown"];
function checkTarget(value, issues) {
  const fail = (nl, en) => {
    issues.push({ path: "target", text: text(nl, en) });
    return void 0;
  };
  const t = value;
  if (typeof t !== "object" || t === null || Array.isArray(t)) {
    return fail("kies een doelgroep: iedereen, sectoren, organisaties of een gebied", "choose a target: all, sectors, organisations or an area");
  }
  if (t.all === true) return { all: true };
  if (Array.isArray(t.sectors)) {
    if (t.sectors.length === 0 || !t.sectors.every((s) => SECTORS.includes(s))) return fail("onbekende of geen sector", "unknown or no sector");
    return { sectors: [...new Set(t.sectors)] };
  }
  if (Array.isArray(t.organisationIds)) {
    if (t.organisationIds.length === 0 || t.organisationIds.length > 500 || !t.organisationIds.every(isValidId)) return fail("kies minstens \xE9\xE9n geldige organisatie", "choose at least one valid organisation");
    return { organisationIds: [...new Set(t.organisationIds)] };
  }
  if (t.area !== void 0) {
    const area = t.area;
    const ring = area?.type === "Polygon" && Array.isArray(area.coordinates) ? area.coordinates[0] : void 0;
    const ok = Array.isArray(ring) && ring.length >= 4 && ring.length <= 1e3 && ring.every((p) => Array.isArray(p) && p.length >= 2 && p.every((n) => typeof n === "number" && Number.isFinite(n)));
    if (!ok) return fail("het gebied moet een GeoJSON Polygon zijn met minstens 4 punten", "the area must be a GeoJSON Polygon with at least 4 points");
    return { area: { type: "Polygon", coordinates: [ring] } };
  }
  return fail("kies een doelgroep: iedereen, sectoren, organisaties of een gebied", "choose a target: all, sectors, organisations or an area");
}
function checkAlertInput(input) {
  const r = new FieldReader(input);
  const message = r.string("message", { max: 2e3 });
  const grip = r.number("grip", { min: 0, max: 5, integer: true });
  const exercise = r.boolean("exercise", false);
  const raw = typeof input === "object" && input !== null ? input : {};
  const msgType = raw.msgType === void 0 ? "Alert" : r.oneOf("msgType", ALERT_MSG_TYPES);
  const references = raw.references === void 0 || raw.references === null ? null : r.id("references");
  const requestId = raw.requestId === void 0 || raw.requestId === null ? null : r.id("requestId");
  const escalateAfterMin = raw.escalateAfterMin === void 0 || raw.escalateAfterMin === null ? void 0 : r.number("escalateAfterMin", { min: 1, max: 1440, integer: true });
  const target = checkTarget(raw.target, r.issues);
  if (msgType !== void 0 && msgType !== "Alert" && references === null) {
    r.issues.push({ path: "references", text: text("een vervolgbericht verwijst naar het eerste alarm", "a follow-up references the first alert") });
  }
  return r.done({
    message: message ?? "",
    grip: grip ?? 0,
    exercise: exercise ?? false,
    target: target ?? { all: true },
    msgType: msgType ?? "Alert",
    references: references ?? null,
    requestId: requestId ?? null,
    ...escalateAfterMin !== void 0 ? { escalateAfterMin } : {}
  });
}
function checkEscalationInput(input) {
  const r = new FieldReader(input);
  const escalateAfterMin = r.number("escalateAfterMin", { min: 1, max: 1440, integer: true });
  return r.done({ escalateAfterMin: escalateAfterMin ?? 5 });
}
function checkAckInput(input) {
  const r = new FieldReader(input);
  const answer = r.oneOf("answer", ACK_ANSWERS);
  return r.done({ answer: answer ?? "unknown" });
}
function resolveTargets({ target, organisations, locations }) {
  const active = organisations.filter((o) => o.active);
  if ("all" in target) return active.map((o) => o.id);
  if ("sectors" in target) return active.filter((o) => target.sectors.includes(o.sector)).map((o) => o.id);
  if ("organisationIds" in target) {
    const wanted = new Set(target.organisationIds);
    return active.filter((o) => wanted.has(o.id)).map((o) => o.id);
  }
  const ring = target.area.coordinates[0];
  const hit = new Set(locations.filter((l) => l.active && isInsideRing(l, ring)).map((l) => l.organisationId));
  return active.filter((o) => hit.has(o.id)).map((o) => o.id);
}

// shared/incident-doc.ts
import * as Y from "yjs";
function reportsRoot(doc) {
  return doc.getMap(ROOTS.reports);
}
function needsRoot(doc) {
  return doc.getMap(ROOTS.needs);
}
function pictureRoot(doc) {
  return doc.getMap(ROOTS.picture);
}
function areasRoot(doc) {
  return doc.getMap(ROOTS.areas);
}
function logbookRoot(doc) {
  return doc.getArray(ROOTS.logbook);
}
function initIncidentDoc(doc, locationIds) {
  doc.transact(() => {
    const reports = reportsRoot(doc);
    for (const id of locationIds) if (!reports.has(id)) reports.set(id, new Y.Map());
    const picture = pictureRoot(doc);
    for (const key of PICTURE_TEXTS) if (!picture.has(key)) picture.set(key, new Y.Text());
    needsRoot(doc);
    areasRoot(doc);
    logbookRoot(doc);
  }, "server");
}
function reportNotHit(doc, locationIds, stamp, origin = null) {
  const reported = [];
  doc.transact(() => {
    for (const id of locationIds) {
      const map = reportsRoot(doc).get(id);
      if (!map || map.get("stamp") !== void 0) continue;
      map.set("impact", "none");
      map.set("operation", "normal");
      map.set("stamp", stamp);
      reported.push(id);
    }
  }, origin);
  return reported;
}
function sortNeeds(needs) {
  return needs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}
function writeStamps(doc, stamps, origin) {
  doc.transact(() => {
    for (const [id, stamp] of stamps.reports) reportsRoot(doc).get(id)?.set("stamp", stamp);
    for (const [id, stamp] of stamps.needs) needsRoot(doc).get(id)?.set("stamp", stamp);
    for (const [id, stamp] of stamps.areas ?? []) {
      const area = areasRoot(doc).get(id);
      if (area) areasRoot(doc).set(id, { ...area, properties: { name: area.properties.name, createdBy: stamp.by, createdAt: stamp.at } });
    }
  }, origin);
}

// shared/reach.ts
var GSM_BASIC = new Set(
  `@\xA3$\xA5\xE8\xE9\xF9\xEC\xF2\xC7
\xD8\xF8\r\xC5\xE5\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E\xC6\xE6\xDF\xC9 !"#\xA4%&'()*+,-./0123456789:;<=>?\xA1ABCDEFGHIJKLMNOPQRSTUVWXYZ\xC4\xD6\xD1\xDC\xA7\xBFabcdefghijklmnopqrstuvwxyz\xE4\xF6\xF1\xFC\xE0`
);
var GSM_EXTENDED = new Set("^{}\\[~]|\u20AC\f");
function toGsm7(value) {
  let out = "";
  for (const char of value) {
    if (GSM_BASIC.has(char) || GSM_EXTENDED.has(char)) out += char;
    else if (char === "\u2019" || char === "\u2018") out += "'";
    else if (char === "\u201C" || char === "\u201D") out += '"';
    else if (char === "\u2013" || char === "\u2014") out += "-";
    else if (/\s/.test(char)) out += " ";
    else {
      const bare = char.normalize("NFD").replace(new RegExp("\\p{M}", "gu"), "");
      out += [...bare].every((c) => GSM_BASIC.has(c)) && bare !== "" ? bare : "?";
    }
  }
  return out;
}
function gsm7Length(value) {
  let n = 0;
  for (const char of value) n += GSM_EXTENDED.has(char) ? 2 : 1;
  return n;
}
function smsText({ grip, title, message, link, english }) {
  const tail = english ? ` Hit? Answer: ${link}` : ` Getroffen? Antwoord: ${link}`;
  const head = toGsm7(`GHOR GRIP ${grip}: ${title}. ${message}`.replace(/\s+/g, " ").trim());
  const room = 160 - gsm7Length(tail);
  if (gsm7Length(head) <= room) return head + tail;
  let kept = "";
  let septets = 0;
  for (const char of head) {
    septets += GSM_EXTENDED.has(char) ? 2 : 1;
    if (septets > room - 3) break;
    kept += char;
  }
  return `${kept.trimEnd()}...${tail}`;
}
function deliveryLines(messages, coordinators, acknowledgements = []) {
  const answeredBy = new Map(acknowledgements.filter((a) => a.coordinatorId).map((a) => [a.coordinatorId, a.via ?? "app"]));
  const latest = /* @__PURE__ */ new Map();
  for (const m of messages) {
    const key = `${m.coordinatorId}:${m.channel}:${m.to}`;
    const seen = latest.get(key);
    if (!seen || m.round > seen.round) latest.set(key, m);
  }
  return [...latest.values()].map((m) => ({
    coordinatorId: m.coordinatorId,
    organisationId: m.organisationId,
    name: coordinators.get(m.coordinatorId)?.name ?? m.coordinatorId,
    phone: coordinators.get(m.coordinatorId)?.phone ?? "",
    channel: m.channel,
    state: m.state,
    error: m.error,
    at: m.deliveredAt ?? m.sentAt ?? m.createdAt,
    round: m.round,
    retryAt: m.state === "failed" && m.nextAt ? m.nextAt : null,
    answered: answeredBy.get(m.coordinatorId) ?? null
  }));
}

// server/defaults.ts
var DEFAULTS = {
  /** How long a session lasts without signing in again. */
  sessionTtlMs: 12 * 3600 * 1e3,
  /** A room with nobody on it is unloaded after this long (its log stays). */
  roomIdleMs: 6e4,
  /** A room being loaded waits at most this long for a joining client's sync step 1, to answer it from the stored state. */
  earlyStateWaitMs: 250,
  /** A checkpoint of the whole state after this many updates. */
  checkpointEvery: 1e3,
  /** While an incident's log cannot be written, how often writing is tried again. */
  storageRetryMs: 2e3,
  /** A Yjs socket with more than this waiting to be sent is too slow and is disconnected. */
  yjsMaxBufferedBytes: 16 * 1024 * 1024,
  /** Open Yjs or socket.io connections from one address. */
  maxConnectionsPerAddress: 300,
  /** Refused writes per user in a minute after which its joins of boards wait (4530, retryable): each join costs the document's state. */
  yjsRefusalsPerMinute: 10,
  /** Ping of every Yjs socket; one that did not answer the last is closed. */
  yjsHeartbeatMs: 3e4,
  /** Minutes without an answer before an alert is sent again on every channel. */
  escalateAfterMin: 5,
  /** How often the escalation looks for alerts whose time has come. */
  escalationTickMs: 5e3,
  /** While the servers' bus (Redis) is down, how often a loaded board asks the shared log for what other servers committed. */
  sharedPollMs: 2e3,
  /** How often the outbox looks for messages due (retries). */
  outboxTickMs: 1e3
};

// server/alerts/alert-service.ts
var forbidden = (nl, en) => new HttpError(403, "forbidden", text(nl, en));
var notFound2 = () => new HttpError(404, "not-found", text("Dit alarm bestaat niet.", "This alert does not exist."));
var AlertService = class {
  constructor(deps) {
    this.deps = deps;
  }
  deps;
  queue = Promise.resolve();
  listeners = [];
  /** Registers a listener. */
  listen(listener) {
    this.listeners.push(listener);
  }
  serial(work) {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => void 0);
    return next;
  }
  /** Whether a user is a connected crisis coordinator, and so receives alerts. */
  async receivesAlerts(user) {
    if (user.role !== "coordinator" || !user.organisationId || !user.coordinatorId) return false;
    const coordinator = await this.deps.store.get("coordinators", user.coordinatorId);
    return coordinator !== void 0 && coordinator.organisationId === user.organisationId && isConnected(coordinator);
  }
  async status(alert) {
    const acknowledgements = (await this.deps.store.list("acknowledgements")).filter((a) => a.alertId === alert.id);
    const messages = (await this.deps.store.list("outbox")).filter((m) => m.alertId === alert.id);
    if (messages.length === 0) return { alert, acknowledgements, deliveries: [] };
    const coordinators = new Map((await this.deps.store.list("coordinators")).map((c) => [c.id, c]));
    return { alert, acknowledgements, deliveries: deliveryLines(messages, coordinators, acknowledgements) };
  }
  /** Tells the listeners a coordinator is connected now, so its open pages receive the next alert. */
  coordinatorConnected(coordinatorId) {
    for (const l of this.listeners) l.connected?.(coordinatorId);
  }
  /** Tells the listeners an alert's status changed (its messages moved on). */
  async notifyChanged(alertId) {
    const alert = await this.deps.store.get("alerts", alertId);
    if (!alert) return;
    const status = await this.status(alert);
    for (const l of this.listeners) l.changed(status);
  }
  // The alert is in the store already; a log that cannot be opened must not undo or hide it.
  async record(incidentId, user, event) {
    try {
      await this.deps.rooms.recordEvent(incidentId, user, event);
    } catch (error) {
      this.deps.log(`LOG FAILURE: incident ${incidentId}: event ${event.type} not recorded: ${error.message}`);
    }
  }
  /** Sends an alert for an incident (GHOR). Sending again with the same request id returns the first. */
  send(user, incidentId, input) {
    return this.serial(async () => {
      if (user.role !== "ghor" && user.role !== "admin") throw forbidden("Alleen de GHOR verstuurt alarmen.", "Only GHOR sends alerts.");
      const incident = await this.deps.store.get("incidents", incidentId);
      if (!incident) throw new HttpError(404, "not-found", text("Dit incident bestaat niet.", "This incident does not exist."));
      if (incident.status !== "open") throw new HttpError(409, "conflict", text("Dit incident is gesloten.", "This incident is closed."));
      const alerts = await this.deps.store.list("alerts");
      if (input.requestId) {
        const earlier = alerts.find((a) => a.incidentId === incidentId && a.requestId === input.requestId);
        if (earlier) return this.status(earlier);
      }
      if (input.references && !alerts.some((a) => a.id === input.references && a.incidentId === incidentId)) {
        throw new HttpError(400, "bad-request", text("Het alarm waarnaar verwezen wordt bestaat niet in dit incident.", "The referenced alert does not exist in this incident."));
      }
      const network = await this.deps.rooms.network(incidentId);
      const organisationIds = resolveTargets({ target: input.target, organisations: network.organisations, locations: network.locations });
      if (organisationIds.length === 0) {
        throw new HttpError(400, "bad-request", text("Deze doelgroep bevat geen enkele organisatie; er is niets verstuurd.", "This target holds no organisation; nothing was sent."));
      }
      const sentAt = this.deps.now().toISOString();
      const alert = {
        id: `alert-${sentAt.slice(0, 10).replace(/-/g, "")}-${randomBytes5(4).toString("hex")}`,
        incidentId,
        requestId: input.requestId,
        msgType: input.msgType,
        references: input.references,
        message: input.message,
        grip: input.grip,
        exercise: input.exercise,
        target: input.target,
        organisationIds,
        sentAt,
        sentBy: user.id,
        sentByName: user.displayName,
        deliveredAt: {},
        escalateAfterMin: input.escalateAfterMin ?? this.deps.escalateAfterMin ?? DEFAULTS.escalateAfterMin,
        escalation: {}
      };
      await this.deps.store.put({ alerts: [alert] });
      await this.record(incidentId, user.id, { type: "alert-sent", alertId: alert.id, msgType: alert.msgType, references: alert.references, grip: alert.grip, exercise: alert.exercise, message: alert.message, organisationIds, escalateAfterMin: alert.escalateAfterMin });
      const status = await this.status(alert);
      for (const l of this.listeners) l.sent(status, { alert, incidentTitle: incident.title });
      return status;
    });
  }
  /** Marks an alert delivered to organisations (one of their coordinators has it on screen). */
  markDelivered(alertId, organisationIds) {
    return this.serial(async () => {
      const alert = await this.deps.store.get("alerts", alertId);
      if (!alert) return;
      const fresh = organisationIds.filter((id) => alert.organisationIds.includes(id) && !alert.deliveredAt[id]);
      if (fresh.length === 0) return;
      const at = this.deps.now().toISOString();
      const next = { ...alert, deliveredAt: { ...alert.deliveredAt, ...Object.fromEntries(fresh.map((id) => [id, at])) } };
      await this.deps.store.put({ alerts: [next] });
      for (const organisationId of fresh) await this.record(alert.incidentId, "server", { type: "alert-delivered", alertId, organisationId });
      const status = await this.status(next);
      for (const l of this.listeners) l.changed(status);
    });
  }
  /** Acknowledges an alert for the user's organisation; the first acknowledgement of an organisation stands. */
  ack(user, alertId, answer) {
    return this.serial(async () => {
      if (user.role !== "coordinator" || !user.organisationId) {
        throw forbidden("Alleen een crisisco\xF6rdinator bevestigt een alarm, voor de eigen organisatie.", "Only a crisis coordinator acknowledges an alert, for their own organisation.");
      }
      const alert = await this.deps.store.get("alerts", alertId);
      if (!alert) throw notFound2();
      if (!alert.organisationIds.includes(user.organisationId)) {
        throw forbidden("Dit alarm is niet aan uw organisatie gericht; u kunt het niet voor een andere organisatie bevestigen.", "This alert is not addressed to your organisation; you cannot acknowledge it for another organisation.");
      }
      return this.acknowledge({ userId: user.id, username: user.username, displayName: user.displayName, organisationId: user.organisationId, coordinatorId: user.coordinatorId ?? null }, alert, answer, "app");
    });
  }
  /**
   * An answer from the link in a message (e-mail, SMS, push): it counts exactly like one from
   * the banner, for the organisation and coordinator the link names. Refused once the incident
   * is closed. Returns the acknowledgement that stands (an earlier one of the organisation wins).
   */
  answerByLink(message, answer) {
    return this.serial(async () => {
      const alert = await this.deps.store.get("alerts", message.alertId);
      const incident = alert ? await this.deps.store.get("incidents", alert.incidentId) : void 0;
      if (!alert || !incident) throw notFound2();
      if (incident.status !== "open") throw new HttpError(409, "conflict", text("Dit incident is gesloten; antwoorden kan niet meer.", "This incident is closed; answering is no longer possible."));
      const existing = await this.deps.store.get("acknowledgements", `${alert.id}:${message.organisationId}`);
      if (existing) return { ack: existing, first: false };
      const coordinator = await this.deps.store.get("coordinators", message.coordinatorId);
      const account = (await this.deps.store.list("users")).find((u) => u.coordinatorId === message.coordinatorId && u.active);
      const who = {
        userId: account?.id ?? `coordinator:${message.coordinatorId}`,
        username: account?.username ?? message.coordinatorId,
        displayName: coordinator?.name ?? account?.displayName ?? message.coordinatorId,
        organisationId: message.organisationId,
        coordinatorId: message.coordinatorId
      };
      return { ack: await this.acknowledge(who, alert, answer, message.channel), first: true };
    });
  }
  // Inside the queue: the first acknowledgement of an organisation stands.
  async acknowledge(who, alert, answer, via) {
    const id = `${alert.id}:${who.organisationId}`;
    const existing = await this.deps.store.get("acknowledgements", id);
    if (existing) return existing;
    const ack = { id, alertId: alert.id, organisationId: who.organisationId, userId: who.userId, username: who.username, displayName: who.displayName, answer, at: this.deps.now().toISOString(), via, coordinatorId: who.coordinatorId };
    await this.deps.store.put({ acknowledgements: [ack] });
    await this.record(alert.incidentId, who.userId, { type: "alert-acked", alertId: alert.id, organisationId: ack.organisationId, answer, via });
    if (answer === "no") await this.reportNotHit(who, alert, ack.at);
    const status = await this.status(alert);
    for (const l of this.listeners) l.acked(ack, status);
    return ack;
  }
  /** Changes how long an alert waits for answers before escalating (GHOR). */
  setEscalation(user, alertId, escalateAfterMin) {
    return this.serial(async () => {
      if (user.role !== "ghor" && user.role !== "admin") throw forbidden("Alleen de GHOR stelt de escalatie in.", "Only GHOR sets the escalation.");
      const alert = await this.deps.store.get("alerts", alertId);
      if (!alert) throw notFound2();
      const next = { ...alert, escalateAfterMin };
      await this.deps.store.put({ alerts: [next] });
      await this.record(alert.incidentId, user.id, { type: "escalation-set", alertId, escalateAfterMin });
      const status = await this.status(next);
      for (const l of this.listeners) l.changed(status);
      return status;
    });
  }
  /** Records an escalation step for an organisation; a step already taken is not taken again. Returns whether it was new. */
  escalate(alertId, organisationId, step) {
    return this.serial(async () => {
      const alert = await this.deps.store.get("alerts", alertId);
      if (!alert || (alert.escalation?.[organisationId]?.step ?? 0) >= step) return false;
      if (await this.deps.store.get("acknowledgements", `${alertId}:${organisationId}`)) return false;
      const at = this.deps.now().toISOString();
      const next = { ...alert, escalation: { ...alert.escalation, [organisationId]: { step, at } } };
      await this.deps.store.put({ alerts: [next] });
      await this.record(alert.incidentId, "server", { type: "alert-escalated", alertId, organisationId, step });
      const status = await this.status(next);
      for (const l of this.listeners) l.changed(status);
      return true;
    });
  }
  /**
   * "Not hit" is a report: the organisation's locations that have none yet become impact none,
   * operation normal, stamped as the answer's. The acknowledgement stands even when the log
   * cannot take this (the failure is logged).
   */
  async reportNotHit(user, alert, at) {
    try {
      const room = await this.deps.rooms.get(alert.incidentId);
      if (!room) return;
      const organisationId = user.organisationId;
      const own2 = (await this.deps.rooms.network(alert.incidentId)).locations.filter((l) => l.organisationId === organisationId).map((l) => l.id);
      let reported = [];
      await room.serverChange((doc) => {
        reported = reportNotHit(doc, own2, { by: user.username, byName: user.displayName, organisationId, onBehalf: false, at, via: "alert-answer" });
      });
      room.recordEvent(user.userId, { type: "not-hit", alertId: alert.id, organisationId, locations: reported.length });
    } catch (error) {
      this.deps.log(`LOG FAILURE: incident ${alert.incidentId}: the "not hit" answer of ${user.organisationId} could not be written as reports: ${error.message}`);
    }
  }
  /** Alerts of an incident with their acknowledgements, oldest first; a coordinator sees its organisation's only. */
  async list(user, incidentId) {
    const alerts = (await this.deps.store.list("alerts")).filter((a) => a.incidentId === incidentId).filter((a) => user.role !== "coordinator" || a.organisationIds.includes(user.organisationId ?? "")).sort((a, b) => a.sentAt.localeCompare(b.sentAt));
    const acknowledgements = await this.deps.store.list("acknowledgements");
    const messages = user.role === "coordinator" ? [] : await this.deps.store.list("outbox");
    const coordinators = new Map((await this.deps.store.list("coordinators")).map((c) => [c.id, c]));
    return alerts.map((alert) => ({
      alert,
      acknowledgements: acknowledgements.filter((a) => a.alertId === alert.id && (user.role !== "coordinator" || a.organisationId === user.organisationId)),
      ...user.role === "coordinator" ? {} : { deliveries: deliveryLines(messages.filter((m) => m.alertId === alert.id), coordinators, acknowledgements.filter((a) => a.alertId === alert.id)) }
    }));
  }
  /** One alert, for GHOR, observers and the organisations it addresses. */
  async get(user, alertId) {
    const alert = await this.deps.store.get("alerts", alertId);
    if (!alert || user.role === "coordinator" && !alert.organisationIds.includes(user.organisationId ?? "")) throw notFound2();
    return this.status(alert);
  }
  /** Alerts of open incidents addressed to the user's organisation that it has not acknowledged, oldest first. */
  async pendingFor(user) {
    if (user.role !== "coordinator" || !user.organisationId) return [];
    const [alerts, acks, incidents] = await Promise.all([
      this.deps.store.list("alerts"),
      this.deps.store.list("acknowledgements"),
      this.deps.store.list("incidents")
    ]);
    const acked = new Set(acks.filter((a) => a.organisationId === user.organisationId).map((a) => a.alertId));
    const open = new Map(incidents.filter((i) => i.status === "open").map((i) => [i.id, i]));
    return alerts.filter((a) => open.has(a.incidentId) && a.organisationIds.includes(user.organisationId) && !acked.has(a.id)).sort((a, b) => a.sentAt.localeCompare(b.sentAt)).map((alert) => ({ alert, incidentTitle: open.get(alert.incidentId).title }));
  }
};

// server/alerts/alert-socket.ts
import { Server } from "socket.io";

// server/auth/address-counter.ts
var AddressCounter = class {
  constructor(max) {
    this.max = max;
  }
  max;
  open = /* @__PURE__ */ new Map();
  /** Whether the address holds the maximum already. */
  full(address) {
    return (this.open.get(address) ?? 0) >= this.max;
  }
  /** Counts one more connection of the address. */
  add(address) {
    this.open.set(address, (this.open.get(address) ?? 0) + 1);
  }
  /** Counts one connection of the address less. */
  remove(address) {
    const left = (this.open.get(address) ?? 0) - 1;
    if (left > 0) this.open.set(address, left);
    else this.open.delete(address);
  }
};

// server/alerts/alert-socket.ts
var GHOR_ROOM = "ghor";
var orgRoom = (organisationId) => `org:${organisationId}`;
var orgAllRoom = (organisationId) => `org-all:${organisationId}`;
function attachAlertSocket({
  httpServer,
  sessions,
  alerts,
  isAllowedOrigin: isAllowedOrigin2,
  log: log2,
  maxConnectionsPerAddress = 300,
  adapter
}) {
  const io = new Server(httpServer, {
    serveClient: false,
    ...adapter ? { adapter } : {},
    // The Yjs endpoint shares the HTTP server: leave upgrades of other paths alone.
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
    // Sessions before sockets: an engine.io session (polling or websocket) is opened only for a
    // signed-in user from an allowed origin, and an address holds a bounded number of them.
    allowRequest: (req, callback) => {
      admit(req).then(
        (refusal) => callback(refusal ?? null, refusal === void 0),
        (error) => {
          log2(`socket.io handshake check failed: ${error?.message ?? String(error)}`);
          callback("server error", false);
        }
      );
    }
  });
  const perAddress = new AddressCounter(maxConnectionsPerAddress);
  io.engine.on("connection", (engineSocket) => {
    const address = engineSocket.request.socket.remoteAddress ?? "";
    perAddress.add(address);
    engineSocket.once("close", () => perAddress.remove(address));
  });
  async function admit(req) {
    if (!isAllowedOrigin2(req)) return "origin not allowed";
    if (perAddress.full(req.socket.remoteAddress ?? "")) return "too many connections from this address";
    if (!await sessions.resolve(req.headers.cookie)) return "unauthenticated";
    return void 0;
  }
  io.use((socket, next) => {
    const refuse2 = (code) => {
      const error = new Error(code);
      error.data = { code };
      next(error);
    };
    (async () => {
      const found = await sessions.resolve(socket.request.headers.cookie);
      if (!found) return refuse2("unauthenticated");
      socket.data.user = found.user;
      socket.data.sessionId = found.sessionId;
      socket.once("disconnect", sessions.endAtExpiry(found));
      socket.data.receivesAlerts = await alerts.receivesAlerts(found.user);
      next();
    })().catch((error) => {
      log2(`socket.io connect failed: ${error?.stack ?? String(error)}`);
      refuse2("internal");
    });
  });
  sessions.onEnd((ids) => {
    const ended = new Set(ids);
    for (const socket of io.of("/").sockets.values()) if (ended.has(socket.data.sessionId)) socket.disconnect(true);
  });
  const online = async () => {
    const seen = /* @__PURE__ */ new Map();
    for (const socket of await io.fetchSockets()) {
      const data = socket.data;
      const user = data.user;
      if (user && !seen.has(user.id)) {
        seen.set(user.id, { userId: user.id, displayName: user.displayName, role: user.role, organisationId: user.organisationId, receivesAlerts: data.receivesAlerts });
      }
    }
    return [...seen.values()];
  };
  let counting = false;
  let again = false;
  const announcePresence = () => {
    if (counting) {
      again = true;
      return;
    }
    counting = true;
    again = false;
    online().then((users) => void io.to(GHOR_ROOM).emit("presence", users)).catch((error) => log2(`presence: counting who is online failed: ${error.message}`)).finally(() => {
      counting = false;
      if (again) announcePresence();
    });
  };
  const fail = (socket, error) => {
    const lang = languageFromHeader(socket.request.headers["accept-language"]);
    if (error instanceof HttpError) return { error: toApiError(error, lang) };
    log2(`socket error for ${socket.data.user?.username}: ${error?.stack ?? String(error)}`);
    return { error: toApiError(new HttpError(500, "internal", text("Er ging iets mis op de server; probeer het opnieuw.", "Something went wrong on the server; please try again.")), lang) };
  };
  alerts.listen({
    sent(status, notice) {
      const rooms = status.alert.organisationIds.map(orgRoom);
      io.to(rooms).emit("alert", notice);
      io.to(GHOR_ROOM).emit("alert:status", status);
      io.in(rooms).fetchSockets().then((sockets) => {
        const online2 = new Set(sockets.flatMap((socket) => [...socket.rooms]));
        const reached = status.alert.organisationIds.filter((id) => online2.has(orgRoom(id)));
        if (reached.length > 0) delivered(status.alert.id, reached);
      }).catch((error) => log2(`alert ${status.alert.id}: who is online could not be asked (${error.message}); its deliveries in the app are not recorded`));
    },
    changed(status) {
      io.to(GHOR_ROOM).emit("alert:status", status);
    },
    acked(ack, status) {
      io.to(GHOR_ROOM).emit("alert:status", status);
      io.to(orgAllRoom(ack.organisationId)).emit("alert:acked", ack);
    },
    connected(coordinatorId) {
      for (const socket of io.of("/").sockets.values()) {
        if (socket.data.user.coordinatorId !== coordinatorId || socket.data.receivesAlerts) continue;
        joinAlerts(socket).catch((error) => log2(`joining the alerts of ${socket.data.user.username} failed: ${error?.stack ?? String(error)}`));
      }
    }
  });
  const delivered = (alertId, organisationIds) => {
    alerts.markDelivered(alertId, organisationIds).catch((error) => log2(`marking alert ${alertId} delivered failed: ${error?.message ?? String(error)}`));
  };
  io.on("connection", (raw) => {
    const socket = raw;
    onConnection(socket).catch((error) => {
      log2(`socket.io connection of ${socket.data.user?.username} failed: ${error?.stack ?? String(error)}`);
      socket.disconnect(true);
    });
  });
  async function onConnection(socket) {
    const user = socket.data.user;
    if (user.role === "ghor" || user.role === "admin" || user.role === "observer") void socket.join(GHOR_ROOM);
    if (user.organisationId) void socket.join(orgAllRoom(user.organisationId));
    socket.on("alert:send", async (input, ack) => {
      if (typeof ack !== "function") return;
      try {
        const incidentId = typeof input?.incidentId === "string" ? input.incidentId : "";
        const checked = checkAlertInput(input);
        if (!checked.ok) throw invalidInput(checked.issues);
        ack({ data: await alerts.send(user, incidentId, checked.value) });
      } catch (error) {
        ack(fail(socket, error));
      }
    });
    socket.on("alert:ack", async (input, ack) => {
      if (typeof ack !== "function") return;
      try {
        const checked = checkAckInput(input);
        if (!checked.ok) throw invalidInput(checked.issues);
        ack({ data: await alerts.ack(user, typeof input?.alertId === "string" ? input.alertId : "", checked.value.answer) });
      } catch (error) {
        ack(fail(socket, error));
      }
    });
    socket.on("alerts:pending", async (ack) => {
      if (typeof ack !== "function") return;
      try {
        ack({ data: await alerts.pendingFor(user) });
      } catch (error) {
        ack(fail(socket, error));
      }
    });
    socket.on("disconnect", announcePresence);
    if (socket.data.receivesAlerts) await joinAlerts(socket);
    else announcePresence();
    if (user.role === "ghor" || user.role === "admin" || user.role === "observer") socket.emit("presence", await online());
  }
  async function joinAlerts(socket) {
    const user = socket.data.user;
    socket.data.receivesAlerts = await alerts.receivesAlerts(user);
    if (socket.data.receivesAlerts && user.organisationId) {
      await socket.join(orgRoom(user.organisationId));
      const pending = await alerts.pendingFor(user);
      for (const notice of pending) socket.emit("alert", notice);
      for (const notice of pending) delivered(notice.alert.id, [user.organisationId]);
    }
    announcePresence();
  }
  return {
    io,
    close: () => new Promise((resolve2) => void io.close(() => resolve2()))
  };
}

// server/http/alert-routes.ts
import { Router as Router3 } from "express";

// shared/markup.ts
function escapeMarkup(value) {
  return String(value ?? "").replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]);
}

// server/alerts/cap.ts
var CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";
function capTime(iso, timeZone = REGION_TIME_ZONE) {
  const date = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(date).map((p) => [p.type, p.value])
  );
  const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const offset = Math.round((local - Math.floor(date.getTime() / 1e3) * 1e3) / 6e4);
  const sign = offset < 0 || offset === 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
function severity(grip) {
  if (grip >= 4) return "Extreme";
  if (grip >= 2) return "Severe";
  if (grip === 1) return "Moderate";
  return "Minor";
}
function capPolygon(ring) {
  const points = ring.map(([lon, lat]) => `${lat},${lon}`);
  if (points[0] !== points[points.length - 1]) points.push(points[0]);
  return points.join(" ");
}
function toCap({ alert, first, incidentTitle, sender, organisationNames }) {
  const identifier = (a) => `zorgbeeld-${a.id}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alert xmlns="${CAP_NAMESPACE}">`,
    `  <identifier>${escapeMarkup(identifier(alert))}</identifier>`,
    `  <sender>${escapeMarkup(sender)}</sender>`,
    `  <sent>${capTime(alert.sentAt)}</sent>`,
    `  <status>${alert.exercise ? "Exercise" : "Actual"}</status>`,
    `  <msgType>${alert.msgType}</msgType>`,
    "  <scope>Restricted</scope>",
    "  <restriction>Zorgorganisaties aangesloten op het alarmeringsproces van de GHOR</restriction>"
  ];
  if (first && alert.msgType !== "Alert") lines.push(`  <references>${escapeMarkup(`${sender},${identifier(first)},${capTime(first.sentAt)}`)}</references>`);
  lines.push(`  <incidents>${escapeMarkup(alert.incidentId)}</incidents>`);
  lines.push(
    "  <info>",
    "    <language>nl-NL</language>",
    "    <category>Health</category>",
    `    <event>${escapeMarkup(incidentTitle)}</event>`,
    `    <urgency>${alert.msgType === "Cancel" ? "Past" : "Immediate"}</urgency>`,
    `    <severity>${severity(alert.grip)}</severity>`,
    `    <certainty>${alert.msgType === "Cancel" ? "Observed" : "Likely"}</certainty>`,
    `    <senderName>${escapeMarkup(alert.sentByName)}</senderName>`,
    `    <headline>${escapeMarkup(cutWhole(`GRIP ${alert.grip}: ${incidentTitle}`, 160))}</headline>`,
    `    <description>${escapeMarkup(alert.message)}</description>`,
    "    <parameter>",
    "      <valueName>GRIP</valueName>",
    `      <value>${alert.grip}</value>`,
    "    </parameter>",
    "    <area>",
    `      <areaDesc>${escapeMarkup(organisationNames.length > 0 ? organisationNames.join("; ") : "Veiligheidsregio")}</areaDesc>`
  );
  if ("area" in alert.target) lines.push(`      <polygon>${capPolygon(alert.target.area.coordinates[0])}</polygon>`);
  lines.push("    </area>", "  </info>", "</alert>", "");
  return lines.join("\n");
}

// server/http/alert-routes.ts
function alertRoutes({ alerts, store, rooms, sender }) {
  const router = Router3();
  router.post("/incidents/:id/alerts", requireRole("ghor", "admin"), async (req, res) => {
    const checked = checkAlertInput(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const status = await alerts.send(req.user, String(req.params.id), checked.value);
    res.status(201).json({ data: status });
  });
  router.get("/incidents/:id/alerts", requireRole(), async (req, res) => {
    res.json({ data: await alerts.list(req.user, String(req.params.id)) });
  });
  router.get("/alerts/pending", requireRole(), async (req, res) => {
    res.json({ data: await alerts.pendingFor(req.user) });
  });
  router.post("/alerts/:id/ack", requireRole("coordinator"), async (req, res) => {
    const checked = checkAckInput(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    res.json({ data: await alerts.ack(req.user, String(req.params.id), checked.value.answer) });
  });
  router.get("/alerts/:id/cap.xml", requireRole("ghor", "admin", "observer"), async (req, res) => {
    const { alert } = await alerts.get(req.user, String(req.params.id));
    const first = alert.references ? await store.get("alerts", alert.references) ?? null : null;
    const incident = await store.get("incidents", alert.incidentId);
    const names = new Map((await rooms.network(alert.incidentId)).organisations.map((o) => [o.id, o.name]));
    res.type("application/cap+xml; charset=utf-8");
    res.setHeader("Content-Disposition", `attachment; filename="${alert.id}.cap.xml"`);
    res.send(toCap({ alert, first, incidentTitle: incident?.title ?? alert.incidentId, sender, organisationNames: alert.organisationIds.map((id) => names.get(id) ?? id) }));
  });
  return router;
}

// server/http/incident-routes.ts
import { randomBytes as randomBytes6 } from "node:crypto";
import { Router as Router4 } from "express";

// shared/incident.ts
function checkNewIncident(input) {
  const r = new FieldReader(input);
  const title = r.string("title", { max: 160 });
  const grip = r.number("grip", { min: 0, max: 5, integer: true });
  return r.done({ title: title ?? "", grip: grip ?? 0 });
}
function checkGripChange(input) {
  const r = new FieldReader(input);
  const grip = r.number("grip", { min: 0, max: 5, integer: true });
  return r.done({ grip: grip ?? 0 });
}

// server/http/incident-routes.ts
async function findIncident(store, id) {
  const incident = isValidId(id) ? await store.get("incidents", id) : void 0;
  if (!incident) throw new HttpError(404, "not-found", text("Dit incident bestaat niet.", "This incident does not exist."));
  return incident;
}
function incidentRoutes({ store, rooms, now }) {
  const router = Router4();
  const ghor = requireRole("ghor", "admin");
  const incidentOf = (req) => findIncident(store, req.params.id);
  const requireOpen = (incident) => {
    if (incident.status !== "open") throw new HttpError(409, "conflict", text("Dit incident is al gesloten.", "This incident is already closed."));
  };
  router.get("/incidents", requireRole(), async (_req, res) => {
    const incidents = await store.list("incidents");
    res.json({ data: incidents.sort((a, b) => b.startedAt.localeCompare(a.startedAt)) });
  });
  router.post("/incidents", ghor, async (req, res) => {
    const checked = checkNewIncident(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const startedAt = now();
    const incident = {
      id: `inc-${startedAt.toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes6(3).toString("hex")}`,
      title: checked.value.title,
      grip: checked.value.grip,
      status: "open",
      startedAt: startedAt.toISOString(),
      endedAt: null,
      createdBy: req.user.id
    };
    const [organisations, locations] = await Promise.all([store.list("organisations"), store.list("locations")]);
    await rooms.create(incident, { organisations: organisations.filter((o) => o.active), locations: locations.filter((l) => l.active) });
    await store.put({ incidents: [incident] });
    res.status(201).json({ data: incident });
  });
  router.get("/incidents/:id", requireRole(), async (req, res) => {
    const incident = await incidentOf(req);
    res.json({ data: { incident, network: await rooms.network(incident.id) } });
  });
  router.get("/storage", requireRole("admin"), async (_req, res) => {
    const [incidents, users] = await Promise.all([store.list("incidents"), store.list("users")]);
    const names = new Map(users.map((u) => [u.id, u.username]));
    res.json({
      data: {
        writeBudget: rooms.budget.settings,
        incidents: await Promise.all(
          incidents.map(async (incident) => {
            const status = await rooms.storage(incident.id);
            return { ...status, title: incident.title, writers: status.writers.map((w) => ({ ...w, username: names.get(w.userId) ?? w.userId })) };
          })
        )
      }
    });
  });
  router.patch("/incidents/:id", ghor, async (req, res) => {
    const incident = await incidentOf(req);
    requireOpen(incident);
    const checked = checkGripChange(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const next = { ...incident, grip: checked.value.grip };
    await rooms.recordEvent(incident.id, req.user.id, { type: "grip-changed", from: incident.grip, to: next.grip });
    await store.put({ incidents: [next] });
    rooms.announce(incident.id, { grip: next.grip });
    res.json({ data: next });
  });
  router.post("/incidents/:id/close", ghor, async (req, res) => {
    const incident = await incidentOf(req);
    requireOpen(incident);
    const next = { ...incident, status: "closed", endedAt: now().toISOString() };
    await rooms.recordEvent(incident.id, req.user.id, { type: "incident-closed" });
    rooms.markClosed(incident.id);
    await store.put({ incidents: [next] });
    res.json({ data: next });
  });
  return router;
}

// server/http/review-routes.ts
import { Router as Router5 } from "express";
import * as Y2 from "yjs";

// shared/review.ts
var TIMELINE_TYPES = [
  "incident-opened",
  "grip-changed",
  "incident-closed",
  "joined",
  "left",
  "alert-sent",
  "alert-delivered",
  "alert-acked",
  "not-hit",
  "alert-outreach",
  "message-state",
  "alert-escalated",
  "escalation-set",
  "report",
  "need",
  "picture",
  "area",
  "logbook"
];
function formatDuration(ms2) {
  if (ms2 === null) return "\u2014";
  const s = Math.round(ms2 / 1e3);
  return `${Math.floor(s / 3600)}:${String(Math.floor(s % 3600 / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}
var ms = (from, to) => to === null ? null : Date.parse(to) - Date.parse(from);
function computeMetrics({ incident, organisations, events }) {
  const firstAlert = events.find((e) => e.type === "alert-sent");
  const perOrganisation = new Map(
    organisations.map((o) => [o.id, { organisationId: o.id, name: o.name, firstAlertAt: null, acknowledgedAt: null, timeToAcknowledgeMs: null, answer: null, firstReportAt: null, timeToFirstReportMs: null }])
  );
  const alertSentAt = /* @__PURE__ */ new Map();
  const needs = /* @__PURE__ */ new Map();
  const gripChanges = [{ at: incident.startedAt, from: null, to: events.find((e) => e.type === "incident-opened")?.detail.grip ?? incident.grip }];
  for (const event of events) {
    switch (event.type) {
      case "alert-sent": {
        alertSentAt.set(String(event.detail.alertId), event.at);
        for (const id of event.detail.organisationIds ?? []) {
          const m = perOrganisation.get(id);
          if (m && m.firstAlertAt === null) m.firstAlertAt = event.at;
        }
        break;
      }
      case "alert-acked": {
        const m = event.organisationId ? perOrganisation.get(event.organisationId) : void 0;
        const sent = alertSentAt.get(String(event.detail.alertId));
        if (m && m.acknowledgedAt === null && sent) {
          m.acknowledgedAt = event.at;
          m.timeToAcknowledgeMs = ms(sent, event.at);
          m.answer = String(event.detail.answer ?? "");
        }
        break;
      }
      case "report":
      case "not-hit": {
        const m = event.organisationId ? perOrganisation.get(event.organisationId) : void 0;
        if (m && m.firstReportAt === null) {
          m.firstReportAt = event.at;
          m.timeToFirstReportMs = ms(incident.startedAt, event.at);
        }
        break;
      }
      case "need": {
        const id = String(event.detail.needId);
        const fields = event.detail.fields ?? {};
        let need = needs.get(id);
        if (!need) {
          need = { needId: id, organisationId: event.organisationId, kind: fields.kind ?? null, urgency: fields.urgency ?? null, openedAt: event.at, metAt: null, durationMs: null, finalStatus: fields.status ?? null };
          needs.set(id, need);
        }
        if (typeof fields.status === "string") need.finalStatus = fields.status;
        if (fields.status === "met" && need.metAt === null) {
          need.metAt = event.at;
          need.durationMs = ms(need.openedAt, event.at);
        }
        break;
      }
      case "grip-changed":
        gripChanges.push({ at: event.at, from: event.detail.from, to: event.detail.to });
        break;
      default:
        break;
    }
  }
  return {
    startedAt: incident.startedAt,
    endedAt: incident.endedAt,
    timeToFirstAlertMs: firstAlert ? ms(incident.startedAt, firstAlert.at) : null,
    organisations: [...perOrganisation.values()],
    needs: [...needs.values()],
    gripChanges
  };
}
var REPORT_GAP_MS = 10 * 6e4;

// server/review/have.ts
var HAVE_NAMESPACE = "urn:oasis:names:tc:emergency:EDXL:HAVE:1.0";
var XNL = "urn:oasis:names:tc:ciq:xnl:3";
var XPIL = "urn:oasis:names:tc:ciq:xpil:3";
var GML = "http://www.opengis.net/gml";
var BED_TYPE = {
  hospital: "MedicalSurgical",
  "nursing-care": "RehabLongTermCare",
  "recovery-care": "RehabLongTermCare",
  "disability-care": "RehabLongTermCare",
  "mental-health": "AdultPsychiatric",
  "acute-mental-health": "AdultPsychiatric"
};
var FACILITY_STATUS = {
  normal: "Normal",
  limited: "Compromised",
  "shelter-in-place": "Compromised",
  evacuating: "Evacuating",
  evacuated: "Closed",
  closed: "Closed"
};
var UTILITIES = ["power", "water", "heating", "telecom"];
function utilityTrouble(report) {
  return UTILITIES.filter((u) => report[u] !== void 0 && report[u] !== "ok").map((u) => `${u}: ${report[u]}`);
}
function toHave({ network, reports }) {
  const reported = network.locations.flatMap((location) => {
    const report = reports.get(location.id);
    return report?.stamp ? [{ location, report, stamp: report.stamp }] : [];
  });
  if (reported.length === 0) return void 0;
  const organisations = new Map(network.organisations.map((o) => [o.id, o]));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<HospitalStatus xmlns="${HAVE_NAMESPACE}" xmlns:xnl="${XNL}" xmlns:xpil="${XPIL}" xmlns:gml="${GML}">`
  ];
  for (const { location, report, stamp } of reported) {
    const organisation = organisations.get(location.organisationId);
    const comment = [
      `impact: ${report.impact ?? "unknown"}`,
      report.toEvacuate !== void 0 ? `toEvacuate: ${report.toEvacuate}` : "",
      report.remarks ? `remarks: ${report.remarks}` : ""
    ].filter(Boolean).join("; ");
    const trouble = utilityTrouble(report);
    const facility = report.operation ? report.operation === "normal" && trouble.length > 0 ? "Compromised" : FACILITY_STATUS[report.operation] : void 0;
    lines.push(
      "  <Hospital>",
      "    <Organization>",
      "      <OrganizationInformation>",
      "        <xnl:OrganisationName>",
      `          <xnl:NameElement>${escapeMarkup(`${location.name} (${organisation?.name ?? location.organisationId})`)}</xnl:NameElement>`,
      "        </xnl:OrganisationName>",
      "      </OrganizationInformation>",
      "      <OrganizationGeoLocation>",
      `        <gml:Point><gml:pos>${location.lat} ${location.lon}</gml:pos></gml:Point>`,
      "      </OrganizationGeoLocation>",
      `      <CommentText>${escapeMarkup(comment)}</CommentText>`,
      "    </Organization>"
    );
    const bedType = organisation ? BED_TYPE[organisation.sector] : void 0;
    if (bedType && report.bedsFree !== void 0) {
      lines.push(
        "    <HospitalBedCapacityStatus>",
        "      <BedCapacity>",
        `        <BedType>${bedType}</BedType>`,
        "        <Capacity>",
        `          <CapacityStatus>${report.bedsFree > 0 ? "Vacant/Available" : "NotAvailable"}</CapacityStatus>`,
        `          <AvailableCount>${report.bedsFree}</AvailableCount>`,
        `          <BaselineCount>${location.capacity}</BaselineCount>`,
        "        </Capacity>",
        "      </BedCapacity>",
        "    </HospitalBedCapacityStatus>"
      );
    }
    if (facility) lines.push("    <HospitalFacilityStatus>", `      <FacilityStatus>${facility}</FacilityStatus>`, "    </HospitalFacilityStatus>");
    const checked = UTILITIES.some((u) => report[u] !== void 0);
    if (checked) {
      lines.push("    <HospitalResourcesStatus>", `      <FacilityOperations>${trouble.length > 0 ? "Insufficient" : "Adequate"}</FacilityOperations>`);
      if (trouble.length > 0) lines.push(`      <CommentText>${escapeMarkup(trouble.join("; "))}</CommentText>`);
      lines.push("    </HospitalResourcesStatus>");
    }
    lines.push(`    <LastUpdateTime>${stamp.at.replace(/\.\d{3}Z$/, "Z")}</LastUpdateTime>`, "  </Hospital>");
  }
  lines.push("</HospitalStatus>", "");
  return lines.join("\n");
}

// shared/vocab.ts
var VOCAB = {
  nl: {
    impact: { unknown: "Onbekend", none: "Geen", minor: "Gering", major: "Groot", critical: "Kritiek" },
    operation: { normal: "Normaal", limited: "Beperkt", "shelter-in-place": "Binnen blijven", evacuating: "Evacueert", evacuated: "Ge\xEBvacueerd", closed: "Gesloten" },
    utility: { ok: "In orde", degraded: "Verstoord", out: "Uitgevallen", backup: "Noodstroom" },
    utilityName: { power: "Stroom", water: "Water", heating: "Verwarming", telecom: "Telefonie/data" },
    capacity: { bedsFree: "Bedden vrij", canReceive: "Kan opnemen", clientsPresent: "Cli\xEBnten aanwezig", toEvacuate: "Te evacueren", dependentOnPower: "Stroomafhankelijk" },
    needKind: { power: "Stroom", water: "Water", transport: "Vervoer", staff: "Personeel", medication: "Medicatie", oxygen: "Zuurstof", beds: "Bedden", food: "Voedsel", shelter: "Opvang", security: "Beveiliging", other: "Anders" },
    urgency: { low: "Laag", high: "Hoog", immediate: "Direct" },
    needStatus: { open: "Open", acknowledged: "Gezien", "in-progress": "In behandeling", met: "Opgelost", cancelled: "Ingetrokken" },
    picture: { picture: "Beeld", assessment: "Oordeel", decisions: "Besluiten" },
    channel: { email: "e-mail", sms: "sms", push: "pushmelding", app: "app" },
    coordinatorKind: { crisis: "Crisisco\xF6rdinator", information: "Informatieco\xF6rdinator (ICO)" },
    contactKind: { "partner-talk": "Partnergesprek", "theme-meeting": "Themabijeenkomst", "information-session": "Informatiesessie", phone: "Telefonisch", email: "E-mail", visit: "Bezoek", other: "Overig" },
    delivery: { queued: "in wachtrij", sending: "wordt verstuurd", sent: "verstuurd", delivered: "afgeleverd", failed: "mislukt", cancelled: "niet meer nodig" },
    answer: { yes: "getroffen", no: "niet getroffen", unknown: "weet nog niet" },
    timeline: {
      "incident-opened": "Incident geopend",
      "grip-changed": "GRIP gewijzigd",
      "incident-closed": "Incident gesloten",
      joined: "Aangemeld",
      left: "Afgemeld",
      "alert-sent": "Alarm verstuurd",
      "alert-delivered": "Alarm bezorgd",
      "alert-acked": "Alarm bevestigd",
      "not-hit": "Niet getroffen",
      "alert-outreach": "Berichten buiten de app",
      "message-state": "Bericht",
      "alert-escalated": "Escalatie",
      "escalation-set": "Escalatietijd gewijzigd",
      report: "Melding",
      need: "Hulpvraag",
      picture: "Situatiebeeld",
      area: "Gebied",
      logbook: "Logboek"
    }
  },
  en: {
    impact: { unknown: "Unknown", none: "None", minor: "Minor", major: "Major", critical: "Critical" },
    operation: { normal: "Normal", limited: "Limited", "shelter-in-place": "Shelter in place", evacuating: "Evacuating", evacuated: "Evacuated", closed: "Closed" },
    utility: { ok: "OK", degraded: "Degraded", out: "Out", backup: "Backup power" },
    utilityName: { power: "Power", water: "Water", heating: "Heating", telecom: "Telecom" },
    capacity: { bedsFree: "Beds free", canReceive: "Can receive", clientsPresent: "Clients present", toEvacuate: "To evacuate", dependentOnPower: "Power-dependent" },
    needKind: { power: "Power", water: "Water", transport: "Transport", staff: "Staff", medication: "Medication", oxygen: "Oxygen", beds: "Beds", food: "Food", shelter: "Shelter", security: "Security", other: "Other" },
    urgency: { low: "Low", high: "High", immediate: "Immediate" },
    needStatus: { open: "Open", acknowledged: "Acknowledged", "in-progress": "In progress", met: "Met", cancelled: "Cancelled" },
    picture: { picture: "Picture", assessment: "Assessment", decisions: "Decisions" },
    channel: { email: "e-mail", sms: "SMS", push: "push notification", app: "app" },
    coordinatorKind: { crisis: "Crisis coordinator", information: "Information coordinator (ICO)" },
    contactKind: { "partner-talk": "Partner talk", "theme-meeting": "Theme meeting", "information-session": "Information session", phone: "Phone call", email: "E-mail", visit: "Visit", other: "Other" },
    delivery: { queued: "queued", sending: "sending", sent: "sent", delivered: "delivered", failed: "failed", cancelled: "no longer needed" },
    answer: { yes: "hit", no: "not hit", unknown: "don't know yet" },
    timeline: {
      "incident-opened": "Incident opened",
      "grip-changed": "GRIP changed",
      "incident-closed": "Incident closed",
      joined: "Joined",
      left: "Left",
      "alert-sent": "Alert sent",
      "alert-delivered": "Alert delivered",
      "alert-acked": "Alert acknowledged",
      "not-hit": "Not hit",
      "alert-outreach": "Messages outside the app",
      "message-state": "Message",
      "alert-escalated": "Escalation",
      "escalation-set": "Escalation time changed",
      report: "Report",
      need: "Need",
      picture: "Situation picture",
      area: "Area",
      logbook: "Logbook"
    }
  }
};
function vocabName(lang, group, value) {
  const table = Object.hasOwn(VOCAB[lang], group) ? VOCAB[lang][group] : void 0;
  return table && Object.hasOwn(table, value) ? table[value] : value;
}

// server/review/report-html.ts
var LABELS = {
  nl: {
    title: "Evaluatierapport",
    summary: "Samenvatting",
    started: "Gestart",
    ended: "Be\xEBindigd",
    running: "loopt nog",
    length: "Duur",
    gripCourse: "GRIP-verloop",
    alerted: "Organisaties gealarmeerd",
    answered: "geantwoord",
    hit: "getroffen",
    reported: "Locaties gemeld",
    needsFiled: "Hulpvragen",
    needsMet: "opgelost",
    keyTimes: "Kerntijden (vanaf de start)",
    firstAlert: "Eerste alarm",
    half: "50 % van de organisaties geantwoord",
    ninety: "90 % van de organisaties geantwoord",
    firstReport: "Eerste melding",
    alerts: "Alarmeringen",
    target: "Doelgroep",
    targetAll: "alle organisaties",
    organisationsN: "organisaties",
    answers: "Antwoorden",
    noAnswer: "geen antwoord",
    neverAnswered: "Nooit geantwoord",
    outside: "Berichten buiten de app",
    escalated: "ge\xEBscaleerd",
    callNow: "op de belijst",
    organisations: "Organisaties: reactietijden",
    organisation: "Organisatie",
    ack: "Geantwoord na",
    answer: "Antwoord",
    firstReportAfter: "Eerste melding na",
    finalStatus: "Eindstatus per locatie",
    location: "Locatie",
    impact: "Impact",
    operation: "Bedrijfsvoering",
    capacity: "Capaciteit",
    utilities: "Voorzieningen",
    remarks: "Opmerkingen",
    unreported: "locaties zonder melding",
    needs: "Hulpvragen: van open tot opgelost",
    kind: "Soort",
    urgency: "Urgentie",
    opened: "Geopend",
    met: "Opgelost na",
    status: "Eindstatus",
    logbook: "Logboek",
    charts: "Verloop",
    impactChart: "Locaties per impact",
    openNeeds: "Open hulpvragen",
    capacityChart: "Bedden vrij / kan opnemen",
    bedsFree: "Bedden vrij",
    canReceive: "Kan opnemen",
    picture: "Situatiebeeld: versies",
    events: "gebeurtenissen in de tijdlijn",
    none: "\u2014",
    generated: "Gemaakt op",
    page: "Pagina",
    alarm: "Alarm",
    update: "Update",
    cancel: "Einde",
    exercise: "oefening"
  },
  en: {
    title: "After-action report",
    summary: "Summary",
    started: "Started",
    ended: "Ended",
    running: "still running",
    length: "Duration",
    gripCourse: "GRIP history",
    alerted: "Organisations alerted",
    answered: "answered",
    hit: "hit",
    reported: "Locations reported",
    needsFiled: "Needs",
    needsMet: "met",
    keyTimes: "Key times (from the start)",
    firstAlert: "First alert",
    half: "50 % of the organisations answered",
    ninety: "90 % of the organisations answered",
    firstReport: "First report",
    alerts: "Alerts",
    target: "Target",
    targetAll: "all organisations",
    organisationsN: "organisations",
    answers: "Answers",
    noAnswer: "no answer",
    neverAnswered: "Never answered",
    outside: "Messages outside the app",
    escalated: "escalated",
    callNow: "on the call list",
    organisations: "Organisations: response times",
    organisation: "Organisation",
    ack: "Answered after",
    answer: "Answer",
    firstReportAfter: "First report after",
    finalStatus: "Final status per location",
    location: "Location",
    impact: "Impact",
    operation: "Operation",
    capacity: "Capacity",
    utilities: "Utilities",
    remarks: "Remarks",
    unreported: "locations without a report",
    needs: "Needs: from open to met",
    kind: "Kind",
    urgency: "Urgency",
    opened: "Opened",
    met: "Met after",
    status: "Final status",
    logbook: "Logbook",
    charts: "Over time",
    impactChart: "Locations per impact level",
    openNeeds: "Open needs",
    capacityChart: "Beds free / can receive",
    bedsFree: "Beds free",
    canReceive: "Can receive",
    picture: "Situation picture: versions",
    events: "events in the timeline",
    none: "\u2014",
    generated: "Generated",
    page: "Page",
    alarm: "Alert",
    update: "Update",
    cancel: "All clear",
    exercise: "exercise"
  }
};
var COLOURS = { unknown: "#9aa3ad", none: "#2e9d5b", minor: "#e8c21c", major: "#ef7d18", critical: "#d0261b", openNeeds: "#b3261e", bedsFree: "#1f6fb2", canReceive: "#17a589" };
function clock(iso, lang, day) {
  const locale = lang === "nl" ? "nl-NL" : "en-GB";
  const date = new Date(iso).toLocaleDateString(locale, { timeZone: REGION_TIME_ZONE, day: "numeric", month: "short" });
  const time = new Date(iso).toLocaleTimeString(locale, { timeZone: REGION_TIME_ZONE, hour: "2-digit", minute: "2-digit" });
  return day !== void 0 && date === day ? time : `${date} ${time}`;
}
function chart(series, lines, title, lang) {
  const width = 640;
  const height = 180;
  const max = Math.max(1, ...lines.flatMap((l) => l.values));
  const x = (i) => 40 + i / Math.max(1, series.length - 1) * (width - 60);
  const y = (v) => height - 24 - v / max * (height - 44);
  const paths = lines.map((l) => `<polyline fill="none" stroke="${COLOURS[l.key] ?? "#333"}" stroke-width="2" points="${l.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")}"/>`).join("");
  const legend = lines.map((l, i) => `<text x="${48 + i * 110}" y="14" font-size="11" fill="#1b2430"><tspan fill="${COLOURS[l.key] ?? "#333"}">\u25A0</tspan> ${escapeMarkup(l.label)}</text>`).join("");
  const first = series[0] ? clock(series[0].at, lang) : "";
  const last = series.length > 0 ? clock(series[series.length - 1].at, lang) : "";
  return `<figure><figcaption>${escapeMarkup(title)}</figcaption><svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeMarkup(title)}">
<line x1="40" y1="${height - 24}" x2="${width - 20}" y2="${height - 24}" stroke="#999"/><line x1="40" y1="20" x2="40" y2="${height - 24}" stroke="#999"/>
<text x="34" y="${y(max) + 4}" font-size="10" text-anchor="end">${max}</text><text x="34" y="${height - 20}" font-size="10" text-anchor="end">0</text>
<text x="40" y="${height - 6}" font-size="10">${escapeMarkup(first)}</text><text x="${width - 20}" y="${height - 6}" font-size="10" text-anchor="end">${escapeMarkup(last)}</text>
${legend}${paths}</svg></figure>`;
}
function pictureVersions(events) {
  const times = events.filter((e) => e.type === "picture").map((e) => Date.parse(e.at));
  const ends = [];
  for (let i = 0; i < times.length; i++) if (i === times.length - 1 || times[i + 1] - times[i] > 5 * 6e4) ends.push(times[i]);
  return ends.map((t) => new Date(t).toISOString());
}
function alertStories(events) {
  const stories = /* @__PURE__ */ new Map();
  const str = (v) => typeof v === "string" ? v : "";
  for (const e of events) {
    const d = e.detail;
    const alertId = str(d.alertId);
    if (e.type === "alert-sent" && alertId) {
      stories.set(alertId, {
        alertId,
        at: e.at,
        msgType: str(d.msgType) || "Alert",
        grip: Number(d.grip) || 0,
        exercise: d.exercise === true,
        message: str(d.message),
        organisationIds: Array.isArray(d.organisationIds) ? d.organisationIds.filter((id) => typeof id === "string") : [],
        answers: /* @__PURE__ */ new Map(),
        messages: /* @__PURE__ */ new Map(),
        escalated: /* @__PURE__ */ new Set(),
        callNow: /* @__PURE__ */ new Set()
      });
      continue;
    }
    const story = stories.get(alertId);
    if (!story) continue;
    if (e.type === "alert-acked" && e.organisationId && !story.answers.has(e.organisationId)) story.answers.set(e.organisationId, str(d.answer));
    if (e.type === "message-state") {
      const channel = str(d.channel);
      const byState = story.messages.get(channel) ?? /* @__PURE__ */ new Map();
      byState.set(str(d.state), (byState.get(str(d.state)) ?? 0) + 1);
      story.messages.set(channel, byState);
    }
    if (e.type === "alert-escalated" && e.organisationId) (Number(d.step) >= 2 ? story.callNow : story.escalated).add(e.organisationId);
  }
  return [...stories.values()];
}
function shareAnsweredAt(metrics, share) {
  const alerted = metrics.organisations.filter((o) => o.firstAlertAt !== null);
  const times = alerted.map((o) => o.acknowledgedAt).filter((t) => t !== null).map(Date.parse).sort((a, b) => a - b);
  const needed = Math.ceil(alerted.length * share);
  if (alerted.length === 0 || times.length < needed) return null;
  return times[needed - 1] - Date.parse(metrics.startedAt);
}
function reportCells(report, lang, L) {
  const v = (group, value) => value ? vocabName(lang, group, value) : "";
  const figures = ["bedsFree", "canReceive", "clientsPresent", "toEvacuate", "dependentOnPower"].filter((k) => typeof report[k] === "number").map((k) => `${vocabName(lang, "capacity", k)} ${report[k]}`);
  const utilities = ["power", "water", "heating", "telecom"].filter((k) => report[k]).map((k) => `${vocabName(lang, "utilityName", k)}: ${v("utility", report[k])}`);
  return { impact: v("impact", report.impact) || L.none, operation: v("operation", report.operation) || L.none, capacity: figures.join(", ") || L.none, utilities: utilities.join(", ") || L.none, remarks: report.remarks ?? "" };
}
function reportHtml({
  incident,
  organisations,
  locations,
  metrics,
  series,
  events,
  final,
  versions,
  lang,
  now
}) {
  const L = LABELS[lang];
  const day = new Date(incident.startedAt).toLocaleDateString(lang === "nl" ? "nl-NL" : "en-GB", { timeZone: REGION_TIME_ZONE, day: "numeric", month: "short" });
  const time = (iso) => iso ? clock(iso, lang, day) : L.none;
  const full = (iso) => iso ? new Date(iso).toLocaleString(lang === "nl" ? "nl-NL" : "en-GB", { timeZone: REGION_TIME_ZONE, dateStyle: "long", timeStyle: "short" }) : L.none;
  const nameOf = new Map(organisations.map((o) => [o.id, o.name]));
  const answerWord = (answer) => answer ? vocabName(lang, "answer", answer) : L.none;
  const alerted = metrics.organisations.filter((o) => o.firstAlertAt !== null);
  const answered = alerted.filter((o) => o.acknowledgedAt !== null);
  const hit = alerted.filter((o) => o.answer === "yes");
  const reportedIds = Object.keys(final.reports);
  const needsMet = metrics.needs.filter((n) => n.metAt !== null).length;
  const end = metrics.endedAt ?? now.toISOString();
  const firstReport = metrics.organisations.map((o) => o.firstReportAt).filter((t) => t !== null).sort()[0] ?? null;
  const grip = metrics.gripChanges.map((g, i) => i === 0 ? `GRIP ${g.to}` : `GRIP ${g.to} (${time(g.at)})`).join(" \u2192 ");
  const percent = (n, of) => of === 0 ? "" : ` (${Math.round(n / of * 100)} %)`;
  const byOrganisation = /* @__PURE__ */ new Map();
  for (const l of locations) byOrganisation.set(l.organisationId, [...byOrganisation.get(l.organisationId) ?? [], l]);
  const severity2 = (report) => IMPACTS.indexOf(report?.impact ?? "unknown");
  const statusGroups = [...byOrganisation].map(([organisationId, own2]) => ({ organisationId, own: own2, reported: own2.filter((l) => final.reports[l.id]), worst: Math.max(-1, ...own2.map((l) => severity2(final.reports[l.id]))) })).filter((g) => g.reported.length > 0).sort((a, b) => b.worst - a.worst || (nameOf.get(a.organisationId) ?? "").localeCompare(nameOf.get(b.organisationId) ?? "", "nl"));
  const stories = alertStories(events);
  const kindOf = (msgType) => msgType === "Cancel" ? L.cancel : msgType === "Update" ? L.update : L.alarm;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeMarkup(L.title)} \xB7 ${escapeMarkup(incident.title)}</title>
<style>
@page{size:A4;margin:16mm 14mm 18mm;@bottom-right{content:"${L.page} " counter(page) " / " counter(pages);font:10px system-ui,sans-serif;color:#555}@bottom-left{content:"${escapeMarkup(incident.title.replace(/"/g, "'"))} \xB7 Zorgbeeld";font:10px system-ui,sans-serif;color:#555}}
body{font:13px/1.45 system-ui,sans-serif;color:#1b2430;max-width:60rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem;border-bottom:1px solid #ccd}h3{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.2rem .4rem;border-bottom:1px solid #dde;font-size:.88rem;vertical-align:top}
thead{display:table-header-group}tr{break-inside:avoid}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.3rem 0}dl.summary dt{font-weight:600}dl.summary dd{margin:0}
.alert{border-left:4px solid #b3261e;padding:.2rem .6rem;margin:.6rem 0;break-inside:avoid}
.hit td:first-child{border-left:4px solid #d0261b}
figure{margin:.6rem 0;break-inside:avoid}figcaption{font-weight:600}pre{white-space:pre-wrap;background:#f5f7fa;padding:.5rem;border-radius:4px;font:inherit}
.muted{color:#555}
@media screen and (max-width:700px){body{margin:.6rem auto;padding:0 .6rem}table{display:block;overflow-x:auto}dl.summary{grid-template-columns:1fr}dl.summary dd{margin-bottom:.3rem}}
@media print{body{margin:0;max-width:none}h2,h3{break-after:avoid}}
</style></head><body>
<h1>${escapeMarkup(L.title)}: ${escapeMarkup(incident.title)}</h1>
<h2>${escapeMarkup(L.summary)}</h2>
<dl class="summary" data-section="summary">
<dt>${escapeMarkup(L.started)}</dt><dd>${escapeMarkup(full(metrics.startedAt))}</dd>
<dt>${escapeMarkup(L.ended)}</dt><dd>${escapeMarkup(metrics.endedAt ? full(metrics.endedAt) : L.running)}</dd>
<dt>${escapeMarkup(L.length)}</dt><dd>${formatDuration(Date.parse(end) - Date.parse(metrics.startedAt))}</dd>
<dt>${escapeMarkup(L.gripCourse)}</dt><dd>${escapeMarkup(grip)}</dd>
<dt>${escapeMarkup(L.alerted)}</dt><dd>${alerted.length} \xB7 ${answered.length} ${escapeMarkup(L.answered)}${percent(answered.length, alerted.length)} \xB7 ${hit.length} ${escapeMarkup(L.hit)}</dd>
<dt>${escapeMarkup(L.reported)}</dt><dd>${reportedIds.length} / ${locations.length}</dd>
<dt>${escapeMarkup(L.needsFiled)}</dt><dd>${metrics.needs.length} \xB7 ${needsMet} ${escapeMarkup(L.needsMet)}</dd>
<dt>${escapeMarkup(L.keyTimes)}</dt><dd>${escapeMarkup(L.firstAlert)} ${formatDuration(metrics.timeToFirstAlertMs)} \xB7 ${escapeMarkup(L.half)} ${formatDuration(shareAnsweredAt(metrics, 0.5))} \xB7 ${escapeMarkup(L.ninety)} ${formatDuration(shareAnsweredAt(metrics, 0.9))} \xB7 ${escapeMarkup(L.firstReport)} ${formatDuration(firstReport ? Date.parse(firstReport) - Date.parse(metrics.startedAt) : null)}</dd>
</dl>

<h2>${escapeMarkup(L.alerts)}</h2>
<div data-section="alerts">
${stories.map((s) => {
    const counts = /* @__PURE__ */ new Map();
    for (const id of s.organisationIds) {
      const a = s.answers.get(id) ?? "";
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    const answerLine = ["yes", "no", "unknown"].map((a) => `${counts.get(a) ?? 0} ${escapeMarkup(vocabName(lang, "answer", a))}`).concat(`${counts.get("") ?? 0} ${escapeMarkup(L.noAnswer)}`).join(" \xB7 ");
    const never = s.organisationIds.filter((id) => !s.answers.has(id)).map((id) => nameOf.get(id) ?? id);
    const outside = [...s.messages].map(([channel, states]) => `${escapeMarkup(vocabName(lang, "channel", channel))}: ${[...states].map(([state, n]) => `${n} ${escapeMarkup(vocabName(lang, "delivery", state))}`).join(", ")}`).join(" \xB7 ");
    const target = s.organisationIds.length === organisations.filter((o) => o.active).length ? L.targetAll : `${s.organisationIds.length} ${L.organisationsN}`;
    return `<section class="alert"><h3>${escapeMarkup(time(s.at))} \xB7 ${escapeMarkup(kindOf(s.msgType))} \xB7 GRIP ${s.grip}${s.exercise ? ` \xB7 ${escapeMarkup(L.exercise)}` : ""}</h3>
<p>${escapeMarkup(s.message)}</p>
<p><strong>${escapeMarkup(L.target)}:</strong> ${escapeMarkup(target)} \xB7 <strong>${escapeMarkup(L.answers)}:</strong> ${answerLine}${s.escalated.size > 0 ? ` \xB7 ${s.escalated.size} ${escapeMarkup(L.escalated)}, ${s.callNow.size} ${escapeMarkup(L.callNow)}` : ""}</p>
${outside ? `<p><strong>${escapeMarkup(L.outside)}:</strong> ${outside}</p>` : ""}
${never.length > 0 ? `<p><strong>${escapeMarkup(L.neverAnswered)} (${never.length}):</strong> ${never.map(escapeMarkup).join(", ")}</p>` : ""}</section>`;
  }).join("\n") || `<p>${escapeMarkup(L.none)}</p>`}
</div>

<h2>${escapeMarkup(L.organisations)}</h2>
<table data-section="organisations"><thead><tr><th>${escapeMarkup(L.organisation)}</th><th>${escapeMarkup(L.ack)}</th><th>${escapeMarkup(L.answer)}</th><th>${escapeMarkup(L.firstReportAfter)}</th></tr></thead><tbody>
${[...metrics.organisations].filter((o) => o.firstAlertAt !== null || o.firstReportAt !== null).sort((a, b) => (a.timeToAcknowledgeMs ?? Infinity) - (b.timeToAcknowledgeMs ?? Infinity)).map((o) => `<tr><td>${escapeMarkup(o.name)}</td><td>${formatDuration(o.timeToAcknowledgeMs)}</td><td>${escapeMarkup(answerWord(o.answer))}</td><td>${formatDuration(o.timeToFirstReportMs)}</td></tr>`).join("\n")}
</tbody></table>

<h2>${escapeMarkup(L.finalStatus)}</h2>
<table data-section="final-status"><thead><tr><th>${escapeMarkup(L.location)}</th><th>${escapeMarkup(L.impact)}</th><th>${escapeMarkup(L.operation)}</th><th>${escapeMarkup(L.capacity)}</th><th>${escapeMarkup(L.utilities)}</th><th>${escapeMarkup(L.remarks)}</th></tr></thead>
${statusGroups.map((g) => {
    const rows = g.reported.sort((a, b) => severity2(final.reports[b.id]) - severity2(final.reports[a.id]) || a.name.localeCompare(b.name, "nl")).map((l) => {
      const c = reportCells(final.reports[l.id], lang, L);
      return `<tr class="${severity2(final.reports[l.id]) >= 2 ? "hit" : ""}" data-location="${escapeMarkup(l.id)}"><td>${escapeMarkup(l.name)}</td><td>${escapeMarkup(c.impact)}</td><td>${escapeMarkup(c.operation)}</td><td>${escapeMarkup(c.capacity)}</td><td>${escapeMarkup(c.utilities)}</td><td>${escapeMarkup(c.remarks)}</td></tr>`;
    }).join("");
    const rest = g.own.length - g.reported.length;
    return `<tbody><tr><th colspan="6">${escapeMarkup(nameOf.get(g.organisationId) ?? g.organisationId)}${rest > 0 ? ` <span class="muted">(+ ${rest} ${escapeMarkup(L.unreported)})</span>` : ""}</th></tr>${rows}</tbody>`;
  }).join("\n") || `<tbody><tr><td colspan="6">${escapeMarkup(L.none)}</td></tr></tbody>`}
</table>

<h2>${escapeMarkup(L.needs)}</h2>
<table data-section="needs"><thead><tr><th>${escapeMarkup(L.organisation)}</th><th>${escapeMarkup(L.kind)}</th><th>${escapeMarkup(L.urgency)}</th><th>${escapeMarkup(L.opened)}</th><th>${escapeMarkup(L.met)}</th><th>${escapeMarkup(L.status)}</th></tr></thead><tbody>
${metrics.needs.map((n) => `<tr><td>${escapeMarkup(n.organisationId ? nameOf.get(n.organisationId) ?? n.organisationId : L.none)}</td><td>${escapeMarkup(n.kind ? vocabName(lang, "needKind", n.kind) : L.none)}</td><td>${escapeMarkup(n.urgency ? vocabName(lang, "urgency", n.urgency) : L.none)}</td><td>${escapeMarkup(time(n.openedAt))}</td><td>${formatDuration(n.durationMs)}</td><td>${escapeMarkup(n.finalStatus ? vocabName(lang, "needStatus", n.finalStatus) : L.none)}</td></tr>`).join("\n") || `<tr><td colspan="6">${escapeMarkup(L.none)}</td></tr>`}
</tbody></table>

<h2>${escapeMarkup(L.logbook)}</h2>
<table data-section="logbook"><tbody>
${[...final.logbook].sort((a, b) => a.at.localeCompare(b.at)).map((entry) => `<tr><td>${escapeMarkup(time(entry.at))}</td><td>${escapeMarkup(entry.by)}</td><td>${escapeMarkup(entry.text)}</td></tr>`).join("\n") || `<tr><td>${escapeMarkup(L.none)}</td></tr>`}
</tbody></table>

<h2>${escapeMarkup(L.charts)}</h2>
${chart(series, IMPACTS.map((i) => ({ key: i, label: vocabName(lang, "impact", i), values: series.map((p) => p.byImpact[i]) })), L.impactChart, lang)}
${chart(series, [{ key: "openNeeds", label: L.openNeeds, values: series.map((p) => p.openNeeds) }], L.openNeeds, lang)}
${chart(series, [{ key: "bedsFree", label: L.bedsFree, values: series.map((p) => p.bedsFree) }, { key: "canReceive", label: L.canReceive, values: series.map((p) => p.canReceive) }], L.capacityChart, lang)}

<h2>${escapeMarkup(L.picture)}</h2>
${versions.map((v) => `<section><h3>${escapeMarkup(time(v.at))}</h3>${Object.entries(v.picture).map(([k, text2]) => `<p><strong>${escapeMarkup(vocabName(lang, "picture", k))}</strong></p><pre>${escapeMarkup(text2)}</pre>`).join("")}</section>`).join("\n") || `<p>${escapeMarkup(L.none)}</p>`}
<p class="muted"><small>${events.length} ${escapeMarkup(L.events)} \xB7 ${escapeMarkup(L.generated)} ${escapeMarkup(full(now.toISOString()))} \xB7 Zorgbeeld</small></p>
</body></html>`;
}

// server/http/review-routes.ts
function reviewRoutes({ store, rooms, review, now }) {
  const router = Router5();
  const reviewers = requireRole("ghor", "admin", "observer");
  const incidentOf = async (req) => {
    const incident = await findIncident(store, req.params.id);
    return { incident, network: await rooms.network(incident.id) };
  };
  const momentOf = (req) => {
    const at = req.query.at;
    if (at === void 0 || at === "") return now().getTime();
    const t = typeof at === "string" && /^\d{4}-\d{2}-\d{2}T/.test(at) ? Date.parse(at) : NaN;
    if (Number.isNaN(t)) {
      throw new HttpError(400, "bad-request", text("Geef het tijdstip als ISO 8601, bijvoorbeeld 2026-03-01T14:32:00Z.", "Give the time as ISO 8601, e.g. 2026-03-01T14:32:00Z."));
    }
    return t;
  };
  router.get("/incidents/:id/events", reviewers, async (req, res) => {
    const { incident } = await incidentOf(req);
    const types = typeof req.query.type === "string" && req.query.type !== "" ? req.query.type.split(",") : [];
    if (types.some((t) => !TIMELINE_TYPES.includes(t))) {
      throw new HttpError(400, "bad-request", text(`Onbekend type; kies uit ${TIMELINE_TYPES.join(", ")}.`, `Unknown type; choose from ${TIMELINE_TYPES.join(", ")}.`));
    }
    const organisationId = typeof req.query.organisationId === "string" && req.query.organisationId !== "" ? req.query.organisationId : void 0;
    const offset = Math.max(0, Number(req.query.offset ?? 0) || 0);
    const limit = Math.min(5e3, Math.max(1, Number(req.query.limit ?? 500) || 500));
    const events = (await review.events(incident.id)).filter((e) => (types.length === 0 || types.includes(e.type)) && (!organisationId || e.organisationId === organisationId));
    res.json({ data: { total: events.length, offset, limit, events: events.slice(offset, offset + limit) } });
  });
  router.get("/incidents/:id/state", reviewers, async (req, res) => {
    const { incident } = await incidentOf(req);
    const t = momentOf(req);
    if (req.query.format === "json") {
      res.json({ data: await review.plainStateAt(incident.id, t) });
      return;
    }
    const doc = await review.stateAt(incident.id, t);
    res.type("application/octet-stream").send(Buffer.from(Y2.encodeStateAsUpdate(doc)));
    doc.destroy();
  });
  router.get("/incidents/:id/metrics", reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const [metrics, series] = await Promise.all([review.metrics(incident, network), review.series(incident, network)]);
    res.json({ data: { metrics, series } });
  });
  router.get("/incidents/:id/timeline.csv", reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const organisations = new Map(network.organisations.map((o) => [o.id, o.name]));
    const locations = new Map(network.locations.map((l) => [l.id, l.name]));
    const rows = (await review.events(incident.id)).map((e) => ({
      at: e.at,
      type: e.type,
      user: e.userName,
      organisation: e.organisationId ? organisations.get(e.organisationId) ?? e.organisationId : "",
      location: typeof e.detail.locationId === "string" ? locations.get(e.detail.locationId) ?? e.detail.locationId : "",
      detail: JSON.stringify(e.detail)
    }));
    res.setHeader("Content-Disposition", `attachment; filename="${incident.id}-timeline.csv"`);
    res.type("text/csv; charset=utf-8").send(toCsv(["at", "type", "user", "organisation", "location", "detail"], rows, { excel: req.query.excel === "1" }));
  });
  router.get("/incidents/:id/reports.geojson", reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const { reports } = await review.plainAt(incident.id, momentOf(req));
    const collection = exportLocationsGeoJson(network);
    for (const feature of collection.features) Object.assign(feature.properties, { report: reports.get(feature.id) ?? {} });
    res.type("application/geo+json").send(JSON.stringify(collection));
  });
  router.get("/incidents/:id/have.xml", reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const { reports } = await review.plainAt(incident.id, momentOf(req));
    const xml = toHave({ network, reports });
    if (xml === void 0) {
      throw new HttpError(404, "not-found", text("Op dit tijdstip had nog geen locatie gemeld; kies een later tijdstip voor EDXL-HAVE.", "No location had reported yet at this time; choose a later time for EDXL-HAVE."));
    }
    res.type("application/xml; charset=utf-8").send(xml);
  });
  router.get("/incidents/:id/report.html", reviewers, async (req, res) => {
    const { incident, network } = await incidentOf(req);
    const [metrics, series, events] = await Promise.all([review.metrics(incident, network), review.series(incident, network), review.events(incident.id)]);
    const versions = await Promise.all(
      pictureVersions(events).map(async (at) => ({ at, picture: (await review.plainStateAt(incident.id, Date.parse(at))).picture }))
    );
    const final = await review.plainStateAt(incident.id, incident.endedAt ? Date.parse(incident.endedAt) : now().getTime());
    res.type("text/html; charset=utf-8").send(reportHtml({ incident, organisations: network.organisations, locations: network.locations, metrics, series, events, final, versions, lang: requestLanguage(req), now: now() }));
  });
  return router;
}

// server/review/review-service.ts
import { statSync } from "node:fs";

// shared/board-view.ts
var STALE_AFTER_MS = 60 * 60 * 1e3;
function isReported(report) {
  return report?.stamp !== void 0;
}
function impactOf(report) {
  return report?.impact ?? "unknown";
}
var zeros = (keys) => Object.fromEntries(keys.map((k) => [k, 0]));
function addTo(map, key, report) {
  const totals = map.get(key) ?? { bedsFree: 0, canReceive: 0, toEvacuate: 0 };
  totals.bedsFree += report.bedsFree ?? 0;
  totals.canReceive += report.canReceive ?? 0;
  totals.toEvacuate += report.toEvacuate ?? 0;
  map.set(key, totals);
}
function computeFigures({
  locations,
  organisations,
  reports,
  needs
}) {
  const organisationById = new Map(organisations.map((o) => [o.id, o]));
  const figures = {
    locations: locations.length,
    reported: 0,
    byImpact: zeros(IMPACTS),
    byOperation: zeros(OPERATIONS),
    toEvacuate: 0,
    clientsPresent: 0,
    dependentOnPower: 0,
    bedsFree: 0,
    canReceive: 0,
    byMunicipality: /* @__PURE__ */ new Map(),
    bySector: /* @__PURE__ */ new Map(),
    openNeeds: zeros(URGENCIES),
    organisationsNotReported: []
  };
  const reportedOrganisations = /* @__PURE__ */ new Set();
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
    if (report.bedsFree !== void 0 || report.canReceive !== void 0 || report.toEvacuate !== void 0) {
      addTo(figures.byMunicipality, location.municipality, report);
      const sector = organisationById.get(location.organisationId)?.sector;
      if (sector) addTo(figures.bySector, sector, report);
    }
  }
  for (const need of needs) {
    if (need.status === "open" || need.status === "acknowledged" || need.status === "in-progress") figures.openNeeds[need.urgency]++;
  }
  figures.organisationsNotReported = organisations.filter((o) => !reportedOrganisations.has(o.id));
  return figures;
}

// shared/replay.ts
import * as Y3 from "yjs";
function lastAtOrBefore(times, t) {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = lo + hi >> 1;
    if (times[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
var Replay = class {
  records = [];
  times = [];
  checkpoints = [];
  constructor(records = []) {
    this.append(records);
  }
  /** Takes further records of the same session (a running incident's log grows). */
  append(records) {
    for (const record of records) {
      if (record.kind === "checkpoint") this.checkpoints.push(this.records.length);
      this.records.push(record);
      this.times.push(record.time);
    }
  }
  /** Time of the first and the last record (0 when empty). */
  get span() {
    return { start: this.times[0] ?? 0, end: this.times[this.times.length - 1] ?? 0 };
  }
  /** The document as it was at time `t` (ms). */
  stateAt(t) {
    const doc = new Y3.Doc();
    const last = lastAtOrBefore(this.times, t);
    if (last < 0) return doc;
    let from = 0;
    const checkpoint = this.checkpoints[lastAtOrBefore(this.checkpoints, last)];
    if (checkpoint !== void 0) {
      Y3.applyUpdateV2(doc, this.records[checkpoint].payload);
      from = checkpoint + 1;
    }
    for (let i = from; i <= last; i++) if (this.records[i].kind === "update") Y3.applyUpdate(doc, this.records[i].payload);
    return doc;
  }
};

// shared/replay-index.ts
import * as Y4 from "yjs";
function toPlainAnswer(state, t) {
  return {
    at: new Date(t).toISOString(),
    reports: Object.fromEntries(state.reports),
    needs: sortNeeds([...state.needs.values()]),
    picture: state.picture,
    areas: Object.fromEntries(state.areas),
    logbook: state.logbook
  };
}
var SNAPSHOT_EVERY = 500;
function emptyState() {
  return {
    reports: /* @__PURE__ */ new Map(),
    needs: /* @__PURE__ */ new Map(),
    picture: Object.fromEntries(PICTURE_TEXTS.map((k) => [k, ""])),
    areas: /* @__PURE__ */ new Map(),
    logbook: []
  };
}
function copyState(state) {
  return { reports: new Map(state.reports), needs: new Map(state.needs), picture: { ...state.picture }, areas: new Map(state.areas), logbook: state.logbook };
}
function applySteps(text2, steps) {
  let out = "";
  let at = 0;
  for (const step of steps) {
    if ("retain" in step) {
      out += text2.slice(at, at + step.retain);
      at += step.retain;
    } else if ("delete" in step) {
      at += step.delete;
    } else {
      out += step.insert;
    }
  }
  return out + text2.slice(at);
}
function fold(state, change) {
  switch (change.root) {
    case "reports":
    case "needs":
    case "areas": {
      const map = state[change.root];
      if (change.value === void 0) map.delete(change.key);
      else map.set(change.key, change.value);
      return;
    }
    case "picture":
      state.picture[change.key] = "text" in change ? change.text : applySteps(state.picture[change.key], change.steps);
      return;
    case "logbook":
      state.logbook = change.entries;
      return;
    default: {
      const never = change;
      throw new Error(`unknown change ${JSON.stringify(never)}`);
    }
  }
}
function touchedKeys(event, root) {
  if (event.target === root) return [...event.keys.keys()];
  const first = event.path[0];
  return typeof first === "string" ? [first] : [];
}
var ReplayIndex = class {
  doc = new Y4.Doc();
  times = [];
  changes = [];
  snapshots = [];
  /** Record index after which each snapshot was taken. */
  snapshotAt = [];
  current = emptyState();
  collected = [];
  constructor(records = []) {
    const reports = reportsRoot(this.doc);
    const needs = needsRoot(this.doc);
    const areas = areasRoot(this.doc);
    const picture = pictureRoot(this.doc);
    const logbook = logbookRoot(this.doc);
    reports.observeDeep((events) => {
      for (const key of new Set(events.flatMap((e) => touchedKeys(e, reports)))) {
        const map = reports.get(key);
        this.collected.push({ root: "reports", key, value: map instanceof Y4.Map && map.size > 0 ? map.toJSON() : void 0 });
      }
    });
    needs.observeDeep((events) => {
      for (const key of new Set(events.flatMap((e) => touchedKeys(e, needs)))) {
        const map = needs.get(key);
        this.collected.push({ root: "needs", key, value: map instanceof Y4.Map ? map.toJSON() : void 0 });
      }
    });
    areas.observeDeep((events) => {
      for (const key of new Set(events.flatMap((e) => touchedKeys(e, areas)))) this.collected.push({ root: "areas", key, value: areas.get(key) });
    });
    picture.observeDeep((events) => {
      const replaced = new Set(events.filter((e) => e.target === picture).flatMap((e) => touchedKeys(e, picture)));
      for (const key of replaced) if (isPictureText(key)) this.collected.push({ root: "picture", key, text: picture.get(key)?.toString() ?? "" });
      for (const event of events) {
        const key = event.path[0];
        if (event.target === picture || !isPictureText(key) || replaced.has(key)) continue;
        const steps = [];
        let plain = true;
        for (const op of event.delta) {
          if (op.retain !== void 0) steps.push({ retain: op.retain });
          else if (op.delete !== void 0) steps.push({ delete: op.delete });
          else if (typeof op.insert === "string") steps.push({ insert: op.insert });
          else plain = false;
        }
        this.collected.push(plain ? { root: "picture", key, steps } : { root: "picture", key, text: String(event.target) });
      }
    });
    logbook.observeDeep(() => {
      this.collected.push({ root: "logbook", entries: logbook.toArray() });
    });
    this.append(records);
  }
  /** Number of records read so far. */
  get length() {
    return this.times.length;
  }
  /** Reads further records of the same session (a running incident's log grows). */
  append(records) {
    for (const record of records) {
      if (record.time < (this.times[this.times.length - 1] ?? -Infinity)) throw new Error("records must be in time order");
      this.collected = [];
      if (record.kind === "update") Y4.applyUpdate(this.doc, record.payload);
      for (const change of this.collected) fold(this.current, change);
      this.times.push(record.time);
      this.changes.push(this.collected.length > 0 ? this.collected : null);
      if (this.times.length % SNAPSHOT_EVERY === 0) {
        this.snapshots.push(copyState(this.current));
        this.snapshotAt.push(this.times.length - 1);
      }
    }
    this.collected = [];
  }
  /** The board's content as it was at time `t` (ms). The caller owns the returned containers. */
  plainAt(t) {
    const last = lastAtOrBefore(this.times, t);
    const nearest = lastAtOrBefore(this.snapshotAt, last);
    const state = nearest >= 0 ? copyState(this.snapshots[nearest]) : emptyState();
    for (let i = nearest >= 0 ? this.snapshotAt[nearest] + 1 : 0; i <= last; i++) for (const change of this.changes[i] ?? []) fold(state, change);
    return state;
  }
  /** Frees the Yjs document behind the index. */
  destroy() {
    this.doc.destroy();
  }
};

// server/yjs/incident-room.ts
import { join } from "node:path";
import * as decoding from "lib0/decoding";
import * as encoding3 from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y7 from "yjs";

// shared/transaction-update.ts
import * as encoding from "lib0/encoding";
import * as Y5 from "yjs";
function clocksOf(doc, clients) {
  const clocks = /* @__PURE__ */ new Map();
  for (const client of clients) clocks.set(client, Y5.getState(doc.store, client));
  return clocks;
}
function startPart(transaction, clients) {
  const deletionsBefore = /* @__PURE__ */ new Map();
  for (const [client, items] of transaction.deleteSet.clients) deletionsBefore.set(client, items.length);
  return { before: clocksOf(transaction.doc, clients), deletionsBefore };
}
function deletionsOf(transaction, part) {
  const own2 = Y5.createDeleteSet();
  for (const [client, items] of transaction.deleteSet.clients) {
    const from = part.deletionsBefore.get(client) ?? 0;
    if (items.length > from) own2.clients.set(client, items.slice(from));
  }
  return own2;
}
function encodeTransactionUpdate(transaction, before) {
  return encodeChange(transaction.doc.store, before, transaction.deleteSet.clients);
}
function encodePart(transaction, part) {
  return encodeChange(transaction.doc.store, part.before, deletionsOf(transaction, part).clients);
}
function encodeChange(store, before, deletions) {
  const changed = [...before].filter(([client, clock2]) => Y5.getState(store, client) > clock2);
  if (changed.length === 0 && deletions.size === 0) return null;
  const encoder2 = new Y5.UpdateEncoderV1();
  changed.sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(encoder2.restEncoder, changed.length);
  for (const [client, from] of changed) {
    const structs = store.clients.get(client);
    const clock2 = Math.max(from, structs[0].id.clock);
    const start = Y5.findIndexSS(structs, clock2);
    encoding.writeVarUint(encoder2.restEncoder, structs.length - start);
    encoder2.writeClient(client);
    encoding.writeVarUint(encoder2.restEncoder, clock2);
    structs[start].write(encoder2, clock2 - structs[start].id.clock);
    for (let i = start + 1; i < structs.length; i++) structs[i].write(encoder2, 0);
  }
  encoding.writeVarUint(encoder2.restEncoder, deletions.size);
  for (const [client, items] of [...deletions].sort((a, b) => b[0] - a[0])) {
    const merged = sortedAndMerged(items);
    encoder2.resetDsCurVal();
    encoding.writeVarUint(encoder2.restEncoder, client);
    encoding.writeVarUint(encoder2.restEncoder, merged.length);
    for (const item of merged) {
      encoder2.writeDsClock(item.clock);
      encoder2.writeDsLen(item.len);
    }
  }
  return encoder2.toUint8Array();
}
function sortedAndMerged(items) {
  const sorted = [...items].sort((a, b) => a.clock - b.clock);
  const merged = [];
  for (const item of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.clock + last.len >= item.clock) last.len = Math.max(last.len, item.clock + item.len - last.clock);
    else merged.push({ clock: item.clock, len: item.len });
  }
  return merged;
}

// shared/y-frames.ts
import * as encoding2 from "lib0/encoding";
function syncFrame(subtype, payload) {
  const encoder2 = encoding2.createEncoder();
  encoding2.writeVarUint(encoder2, YMessage.sync);
  encoding2.writeVarUint(encoder2, subtype);
  encoding2.writeVarUint8Array(encoder2, payload);
  return encoding2.toUint8Array(encoder2);
}
var syncStep1Frame = (stateVector) => syncFrame(YSyncMessage.step1, stateVector);
var syncStep2Frame = (update) => syncFrame(YSyncMessage.step2, update);
var updateFrame = (update) => syncFrame(YSyncMessage.update, update);
function awarenessFrame(update) {
  const encoder2 = encoding2.createEncoder();
  encoding2.writeVarUint(encoder2, YMessage.awareness);
  encoding2.writeVarUint8Array(encoder2, update);
  return encoding2.toUint8Array(encoder2);
}
function boardStatusFrame(status) {
  const encoder2 = encoding2.createEncoder();
  encoding2.writeVarUint(encoder2, YMessage.boardStatus);
  encoding2.writeVarString(encoder2, JSON.stringify(status));
  return encoding2.toUint8Array(encoder2);
}

// server/yjs/log-growth.ts
var MINUTE = 6e4;
var LogGrowth = class {
  minutes = [];
  /** Counts bytes appended at `time` by a user. */
  add(time, userId, bytes) {
    const minute = Math.floor(time / MINUTE);
    let last = this.minutes[this.minutes.length - 1];
    if (!last || last.minute !== minute) {
      last = { minute, bytes: 0, byUser: /* @__PURE__ */ new Map() };
      this.minutes.push(last);
      while (this.minutes.length > 0 && this.minutes[0].minute <= minute - 60) this.minutes.shift();
    }
    last.bytes += bytes;
    last.byUser.set(userId, (last.byUser.get(userId) ?? 0) + bytes);
  }
  /** Totals for the last ten minutes and hour before `time`, and the five biggest writers. */
  summary(time) {
    const minute = Math.floor(time / MINUTE);
    let lastTenMinutesBytes = 0;
    let lastHourBytes = 0;
    const byUser = /* @__PURE__ */ new Map();
    for (const entry of this.minutes) {
      if (entry.minute <= minute - 60) continue;
      lastHourBytes += entry.bytes;
      if (entry.minute > minute - 10) lastTenMinutesBytes += entry.bytes;
      for (const [user, bytes] of entry.byUser) byUser.set(user, (byUser.get(user) ?? 0) + bytes);
    }
    const writers = [...byUser].map(([userId, bytes]) => ({ userId, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, 5);
    return { lastTenMinutesBytes, lastHourBytes, writers };
  }
};

// server/yjs/recent-events.ts
var RecentEvents = class {
  constructor(windowMs, now = Date.now) {
    this.windowMs = windowMs;
    this.now = now;
  }
  windowMs;
  now;
  times = /* @__PURE__ */ new Map();
  /** How many events of `key` fall within the window now. */
  count(key) {
    const since = this.now() - this.windowMs;
    const recent = (this.times.get(key) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.times.delete(key);
    else this.times.set(key, recent);
    return recent.length;
  }
  /** Notes one event of `key` now. */
  add(key) {
    this.times.set(key, [...this.times.get(key) ?? [], this.now()]);
  }
};

// server/yjs/gate.ts
import * as Y6 from "yjs";

// shared/board-rights.ts
var isStaff = (writer) => writer.role === "ghor" || writer.role === "admin";
var ownOrStaff = (writer, owner) => isStaff(writer) || writer.role === "coordinator" && writer.organisationId !== null && owner === writer.organisationId;
var WRITE_RIGHTS = /* @__PURE__ */ new Map([
  ["reports", ownOrStaff],
  ["needs", ownOrStaff],
  ["picture", isStaff],
  ["areas", isStaff],
  ["logbook", isStaff]
]);
function mayWrite({ root, writer, owner = null }) {
  return WRITE_RIGHTS.get(root)?.(writer, owner) ?? false;
}
function mayWriteNeedField({ writer, field }) {
  return isStaff(writer) || !GHOR_NEED_FIELDS.includes(field);
}
function mayGiveNeedStatus({ writer, status }) {
  return isStaff(writer) || COORDINATOR_NEED_STATUSES.includes(status);
}

// server/yjs/gate.ts
function add(map, key, field) {
  const fields = map.get(key) ?? /* @__PURE__ */ new Set();
  if (field !== void 0) fields.add(field);
  map.set(key, fields);
}
var NEED_IMMUTABLE = /* @__PURE__ */ new Set(["id", "organisationId", "createdBy", "createdAt"]);
function rootNames(doc) {
  const names = /* @__PURE__ */ new Map();
  doc.share.forEach((type, name) => names.set(type, name));
  return names;
}
function pathOf(item, roots) {
  const path = [];
  let current = item;
  while (current) {
    path.unshift(current.parentSub ?? "#");
    const parent = current.parent;
    if (!(parent instanceof Y6.AbstractType)) return null;
    if (parent._item === null) {
      const root = roots.get(parent);
      if (root === void 0) return null;
      path.unshift(root);
      return path;
    }
    current = parent._item;
  }
  return null;
}
function wholeTransaction(transaction) {
  return { before: transaction.beforeState, deletions: transaction.deleteSet };
}
function touches(doc, transaction, part, clients) {
  const roots = rootNames(doc);
  const result = [];
  let broken = false;
  for (const client of clients) {
    const after = Y6.getState(doc.store, client);
    const before = part.before.get(client) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(client) ?? [];
    for (let i = Y6.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i];
      if (struct.id.clock >= after) break;
      if (!(struct instanceof Y6.Item)) continue;
      const path = pathOf(struct, roots);
      if (!path) broken = true;
      else result.push({ path, content: struct.content, deleted: false, gone: struct.deleted || struct.content instanceof Y6.ContentDeleted });
    }
  }
  Y6.iterateDeletedStructs(transaction, part.deletions, (struct) => {
    if (!(struct instanceof Y6.Item)) return;
    const path = pathOf(struct, roots);
    if (!path) broken = true;
    else result.push({ path, content: struct.content, deleted: true, gone: true });
  });
  return broken ? null : result;
}
function itemAt(doc, id) {
  if (Y6.getState(doc.store, id.client) <= id.clock) return void 0;
  const structs = doc.store.clients.get(id.client);
  const struct = structs[Y6.findIndexSS(structs, id.clock)];
  return struct instanceof Y6.Item ? struct : void 0;
}
function readUpdate(update) {
  const { structs, ds } = Y6.decodeUpdate(update);
  const from = /* @__PURE__ */ new Map();
  const to = /* @__PURE__ */ new Map();
  for (const struct of structs) {
    const client = struct.id.client;
    if (!from.has(client)) from.set(client, struct.id.clock);
    to.set(client, struct.id.clock + struct.length);
  }
  return { structs, ds, from, to };
}
function touchesOfUpdate(doc, { structs, ds }) {
  const roots = rootNames(doc);
  const reached = /* @__PURE__ */ new Map();
  for (const struct of structs) {
    const client = struct.id.client;
    const from = reached.get(client) ?? Y6.getState(doc.store, client);
    if (struct.id.clock > from || struct instanceof Y6.Skip && struct.id.clock + struct.length > Y6.getState(doc.store, client)) return "incomplete";
    reached.set(client, Math.max(from, struct.id.clock + struct.length));
  }
  const own2 = /* @__PURE__ */ new Map();
  for (const struct of structs) {
    if (!(struct instanceof Y6.Item)) continue;
    const list = own2.get(struct.id.client);
    if (list) list.push(struct);
    else own2.set(struct.id.client, [struct]);
  }
  const ownAt = (id) => {
    const list = own2.get(id.client);
    if (!list) return void 0;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const mid = low + high >> 1;
      const struct = list[mid];
      if (id.clock < struct.id.clock) high = mid - 1;
      else if (id.clock >= struct.id.clock + struct.length) low = mid + 1;
      else return struct;
    }
    return void 0;
  };
  const deletedHere = (id, length) => (ds.clients.get(id.client) ?? []).some((d) => d.clock < id.clock + length && id.clock < d.clock + d.len);
  const places = /* @__PURE__ */ new Map();
  const lacking = (id) => id !== null && !ownAt(id) && Y6.getState(doc.store, id.client) <= id.clock;
  const placeOf = (item, depth) => {
    if (places.has(item)) return places.get(item);
    if (depth > 32) return null;
    const at = (id) => {
      const mine = ownAt(id);
      if (mine) return placeOf(mine, depth + 1);
      const theirs = itemAt(doc, id);
      return theirs ? pathOf(theirs, roots) : null;
    };
    let path = null;
    const parent = item.parent;
    if (typeof parent === "string") path = [parent, item.parentSub ?? "#"];
    else if (parent instanceof Y6.ID) {
      const above = at(parent);
      path = above && [...above, item.parentSub ?? "#"];
    } else {
      const neighbour = item.origin ?? item.rightOrigin;
      const beside = neighbour ? at(neighbour) : null;
      path = beside && [...beside];
    }
    places.set(item, path);
    return path;
  };
  for (const [client, deletions] of ds.clients) {
    for (const { clock: clock2, len } of deletions) if (lacking(Y6.createID(client, clock2 + len - 1))) return "incomplete";
  }
  for (const struct of structs) {
    if (struct instanceof Y6.Item && (lacking(struct.origin) || lacking(struct.rightOrigin) || struct.parent instanceof Y6.ID && lacking(struct.parent))) return "incomplete";
  }
  const result = [];
  for (const struct of structs) {
    if (!(struct instanceof Y6.Item)) continue;
    if (struct.id.clock + struct.length <= Y6.getState(doc.store, struct.id.client)) continue;
    const path = placeOf(struct, 0);
    if (!path) return null;
    result.push({ path, content: struct.content, deleted: false, gone: struct.content instanceof Y6.ContentDeleted || deletedHere(struct.id, struct.length) });
  }
  for (const [client, deletions] of ds.clients) {
    for (const { clock: clock2, len } of deletions) {
      let at = clock2;
      while (at < clock2 + len) {
        const id = Y6.createID(client, at);
        const mine = ownAt(id);
        if (mine) {
          at = mine.id.clock + mine.length;
          continue;
        }
        const item = itemAt(doc, id);
        if (!item) return Y6.getState(doc.store, client) <= at ? "incomplete" : null;
        if (!item.deleted) {
          const path = pathOf(item, roots);
          if (!path) return null;
          result.push({ path, content: item.content, deleted: true, gone: true });
        }
        at = item.id.clock + item.length;
      }
    }
  }
  return result;
}
function valuesOf(content) {
  if (content instanceof Y6.ContentAny) return { kind: "any", values: content.getContent() };
  if (content instanceof Y6.ContentDeleted) return { kind: "deleted", values: [] };
  if (content instanceof Y6.ContentString) return { kind: "string", values: [] };
  if (content instanceof Y6.ContentFormat) return { kind: "format", values: [] };
  if (content instanceof Y6.ContentType) return { kind: "type", values: [content.type] };
  return { kind: "other", values: [] };
}
var refuse = (close2, reason) => ({ ok: false, close: close2, reason });
function checkTouches(list, author, network) {
  const reports = /* @__PURE__ */ new Map();
  const needs = /* @__PURE__ */ new Map();
  const picture = /* @__PURE__ */ new Set();
  const areas = /* @__PURE__ */ new Set();
  let logbook = 0;
  const createdNeeds = /* @__PURE__ */ new Set();
  if (list.length > 0 && author.role === "observer") return refuse(CloseCodes.Forbidden, "an observer writes nothing");
  for (const touch of list) {
    if (touch.path[0] === ROOTS.needs && touch.path.length === 2 && !touch.deleted) createdNeeds.add(touch.path[1]);
  }
  const no = (close2, reason) => ({ ok: false, close: close2, reason });
  for (const { path, content: raw, deleted, gone } of list) {
    const [root, key, field] = path;
    const content = valuesOf(raw);
    switch (root) {
      case ROOTS.reports: {
        if (path.length === 2) return no(CloseCodes.Forbidden, "report maps are created by the server only");
        if (path.length > 3) return no(CloseCodes.Invalid, "report fields hold plain values");
        if (field === "stamp") return no(CloseCodes.Forbidden, "stamps are written by the server only");
        const check = REPORT_FIELD_CHECKS.get(field);
        if (!check) return no(CloseCodes.Invalid, `unknown report field ${field}`);
        const location = network.locationById.get(key);
        if (!location) return no(CloseCodes.Invalid, `unknown location ${key}`);
        if (!mayWrite({ root: ROOTS.reports, writer: author, owner: location.organisationId })) return no(CloseCodes.Forbidden, `location ${key} belongs to another organisation`);
        if (!gone) {
          if (content.kind !== "any" || content.values.length !== 1) return no(CloseCodes.Invalid, `report field ${field} holds a plain value`);
          if (!check(content.values[0])) return no(CloseCodes.Invalid, `invalid value of report field ${field}`);
        }
        add(reports, key, field);
        break;
      }
      case ROOTS.needs: {
        if (path.length === 2) {
          if (deleted) return no(CloseCodes.Forbidden, "needs are cancelled, never deleted");
          if (content.kind !== "type" || !(content.values[0] instanceof Y6.Map)) return no(CloseCodes.Invalid, "a need is a map");
          add(needs, key, void 0);
          break;
        }
        if (path.length > 3) return no(CloseCodes.Invalid, "need fields hold plain values");
        if (field === "stamp") return no(CloseCodes.Forbidden, "stamps are written by the server only");
        const check = NEED_FIELD_CHECKS.get(field);
        if (!check) return no(CloseCodes.Invalid, `unknown need field ${field}`);
        if (NEED_IMMUTABLE.has(field) && !createdNeeds.has(key)) return no(CloseCodes.Forbidden, `need field ${field} cannot change`);
        if (!mayWriteNeedField({ writer: author, field })) return no(CloseCodes.Forbidden, `need field ${field} is GHOR's handling`);
        if (!gone) {
          if (content.kind !== "any" || content.values.length !== 1) return no(CloseCodes.Invalid, `need field ${field} holds a plain value`);
          const value = content.values[0];
          if (!check(value)) return no(CloseCodes.Invalid, `invalid value of need field ${field}`);
          if (field === "status" && !mayGiveNeedStatus({ writer: author, status: value })) return no(CloseCodes.Forbidden, "a coordinator may only file or cancel a need");
        }
        add(needs, key, field);
        break;
      }
      case ROOTS.picture: {
        if (!mayWrite({ root: ROOTS.picture, writer: author })) return no(CloseCodes.Forbidden, "the situation picture is written by GHOR");
        if (path.length === 2) return no(CloseCodes.Forbidden, "the picture texts are created by the server only");
        if (!isPictureText(key) || path.length !== 3) return no(CloseCodes.Invalid, "unknown part of the picture");
        if (!["string", "format", "deleted"].includes(content.kind)) return no(CloseCodes.Invalid, "the picture holds text only");
        picture.add(key);
        break;
      }
      case ROOTS.areas: {
        if (!mayWrite({ root: ROOTS.areas, writer: author })) return no(CloseCodes.Forbidden, "areas are drawn by GHOR");
        if (path.length !== 2 || !/^[A-Za-z0-9_.-]{1,64}$/.test(key)) return no(CloseCodes.Invalid, "an area is one GeoJSON value under an id");
        if (!gone) {
          if (content.kind !== "any" || content.values.length !== 1) return no(CloseCodes.Invalid, "an area is one GeoJSON value");
          const problem = areaProblem(content.values[0]);
          if (problem) return no(CloseCodes.Invalid, problem);
        }
        areas.add(key);
        break;
      }
      case ROOTS.logbook: {
        if (!mayWrite({ root: ROOTS.logbook, writer: author })) return no(CloseCodes.Forbidden, "the logbook is kept by GHOR");
        if (deleted) return no(CloseCodes.Forbidden, "the logbook is append-only");
        if (path.length !== 2 || content.kind !== "any") return no(CloseCodes.Invalid, "logbook entries are plain values");
        for (const entry of content.values) {
          const problem = logbookProblem(entry);
          if (problem) return no(CloseCodes.Invalid, problem);
          if (entry.by !== author.username) return no(CloseCodes.Forbidden, "a logbook entry names its own author");
        }
        logbook += content.values.length;
        break;
      }
      default:
        return no(CloseCodes.Invalid, `unknown root ${root}`);
    }
  }
  return { ok: true, touched: { reports, needs, picture, areas, logbook }, createdNeeds };
}
function precheckUpdate({ doc, update, author, network }) {
  let list;
  try {
    list = touchesOfUpdate(doc, update instanceof Uint8Array ? readUpdate(update) : update);
  } catch (error) {
    return { close: CloseCodes.BadMessage, reason: `update cannot be read: ${error.message}` };
  }
  if (list === null || list === "incomplete") return list;
  const verdict = checkTouches(list, author, network);
  if (!verdict.ok) return { close: verdict.close, reason: verdict.reason };
  const needs = doc.getMap(ROOTS.needs);
  for (const id of verdict.createdNeeds) {
    if (needs.has(id)) continue;
    const fields = list.filter((t) => t.path[0] === ROOTS.needs && t.path[1] === id && t.path.length === 3 && !t.gone);
    const need = Object.fromEntries(fields.map((t) => [t.path[2], valuesOf(t.content).values[0]]));
    const issue = wholeNeedIssue({ id, need, created: true, author, network });
    if (issue) return issue;
  }
  for (const id of verdict.touched.needs.keys()) {
    const given = list.find((t) => t.path[0] === ROOTS.needs && t.path[1] === id && t.path[2] === "organisationId" && !t.gone);
    const owner = given ? valuesOf(given.content).values[0] : doc.getMap(ROOTS.needs).get(id)?.get("organisationId");
    if (typeof owner === "string" && !mayWrite({ root: ROOTS.needs, writer: author, owner })) return { close: CloseCodes.Forbidden, reason: "need of another organisation" };
  }
  return null;
}
function checkTransaction({ doc, transaction, part = wholeTransaction(transaction), author, network, clients }) {
  const list = touches(doc, transaction, part, clients);
  if (!list) return refuse(CloseCodes.Invalid, "an item has no parent in the document");
  const verdict = checkTouches(list, author, network);
  if (!verdict.ok) return verdict;
  const { touched, createdNeeds } = verdict;
  for (const id of touched.needs.keys()) {
    const map = doc.getMap(ROOTS.needs).get(id);
    if (!(map instanceof Y6.Map)) return refuse(CloseCodes.Invalid, `need ${id} is not a map`);
    const issue = wholeNeedIssue({ id, need: map.toJSON(), created: createdNeeds.has(id), author, network });
    if (issue) return refuse(issue.close, issue.reason);
  }
  return { ok: true, ...touched };
}
function wholeNeedIssue({ id, need, created, author, network }) {
  const isGhor = author.role === "ghor" || author.role === "admin";
  const problem = needProblem(need);
  if (problem) return { close: CloseCodes.Invalid, reason: problem };
  if (need.id !== id) return { close: CloseCodes.Invalid, reason: "need id differs from its key" };
  if (!network.organisations.some((o) => o.id === need.organisationId)) return { close: CloseCodes.Invalid, reason: "need names an unknown organisation" };
  if (need.locationId !== void 0 && network.locationById.get(need.locationId)?.organisationId !== need.organisationId) {
    return { close: CloseCodes.Invalid, reason: "need names a location of another organisation" };
  }
  if (!mayWrite({ root: ROOTS.needs, writer: author, owner: need.organisationId })) return { close: CloseCodes.Forbidden, reason: "need of another organisation" };
  if (created && need.createdBy !== author.username) return { close: CloseCodes.Forbidden, reason: "a need names its own author" };
  if (created && !isGhor && need.status !== "open") return { close: CloseCodes.Forbidden, reason: "a new need is open" };
  return null;
}

// server/yjs/incident-room.ts
function replayRecords(records, warn) {
  return replayFromCheckpoint(records, warn, true);
}
function replayFromCheckpoint(records, warn, complete) {
  let doc = new Y7.Doc();
  let bindings = /* @__PURE__ */ new Map();
  let start = -1;
  for (let i = records.length - 1; i >= 0; i--) {
    if (records[i].type !== RecordType.checkpoint) continue;
    try {
      const checkpoint = decodeCheckpoint(records[i].payload);
      Y7.applyUpdateV2(doc, checkpoint.stateV2);
      bindings = checkpoint.bindings;
      start = i + 1;
      break;
    } catch {
      doc.destroy();
      doc = new Y7.Doc();
      warn(`the checkpoint of ${new Date(records[i].time).toISOString()} cannot be read; falling back to the one before`);
    }
  }
  if (start < 0 && !complete) {
    doc.destroy();
    return null;
  }
  let updates = 0;
  start = Math.max(start, 0);
  doc.transact(() => {
    for (let i = start; i < records.length; i++) {
      const record = records[i];
      if (record.type !== RecordType.update) continue;
      Y7.applyUpdate(doc, record.payload);
      for (const client of Y7.parseUpdateMeta(record.payload).to.keys()) if (!bindings.has(client)) bindings.set(client, record.user);
      updates++;
    }
  });
  return { doc, bindings, updatesSinceCheckpoint: updates };
}
function storedState(records) {
  const at = records.findLastIndex((r) => r.type === RecordType.checkpoint);
  if (at < 0) return null;
  try {
    const state = Y7.convertUpdateFormatV2ToV1(decodeCheckpoint(records[at].payload).stateV2);
    const after = records.slice(at + 1).filter((r) => r.type === RecordType.update).map((r) => r.payload);
    return after.length === 0 ? state : Y7.mergeUpdates([state, ...after]);
  } catch {
    return null;
  }
}
function sameBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
var EMPTY_STATE_VECTOR_LENGTH = 1;
var EMPTY_UPDATE_LENGTH = 2;
var WHOLE_STATE_REFRESH = 500;
var LOG_TAIL_BYTES = 4 * 1024 * 1024;
function stateFromLogEnd(file, warn, first) {
  let part = first ?? readLogTail(file, LOG_TAIL_BYTES);
  for (let tail = LOG_TAIL_BYTES; ; tail *= 4) {
    const warnings = [];
    const state = replayFromCheckpoint(part.records, (m) => warnings.push(m), part.fromStart);
    if (state) {
      warnings.forEach(warn);
      return state;
    }
    part = readLogTail(file, tail * 4);
  }
}
var REBUILD_BUDGET = { rebuilds: 3, windowMs: 6e4 };
var nothingPending = () => ({ records: [], updates: [], writers: /* @__PURE__ */ new Set(), after: [] });
function deferred() {
  let resolve2;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve2 = res;
    reject = rej;
  });
  promise.catch(() => {
  });
  return { promise, resolve: resolve2, reject };
}
var isUpdateFrame = (frame) => frame[0] === YMessage.sync && (frame[1] === YSyncMessage.step2 || frame[1] === YSyncMessage.update);
function incidentLogFile(dataDir, incidentId) {
  return join(dataDir, "incidents", incidentId, "log.zbl");
}
var SERVER = "server";
var MAX_BACKLOG = 1e4;
var AWARENESS_BURST = 40;
var AWARENESS_WINDOW_MS = 5e3;
var IncidentRoom = class {
  constructor(options) {
    this.options = options;
    this.locationById = new Map(options.network.locations.map((l) => [l.id, l]));
    this.gateNetwork = { ...options.network, locationById: this.locationById };
    this.shared = options.shared ?? null;
    if (this.shared) {
      this.recorder = null;
      this.memory = [...this.shared.start.records];
      this.adopt(this.shared.start.state);
    } else {
      const file = incidentLogFile(options.dataDir, options.incidentId);
      const { log: log2, records, fromStart } = options.opened ?? IncidentLog.open(file, options.log, { tailBytes: LOG_TAIL_BYTES });
      this.recorder = log2;
      if (!log2.writable) this.markFault(new StorageError("log not writable", "EROFS"));
      this.adopt(stateFromLogEnd(file, options.log, { records, fromStart }));
    }
    this.awareness = new awarenessProtocol.Awareness(new Y7.Doc());
    this.awareness.setLocalState(null);
  }
  options;
  doc;
  bindings = /* @__PURE__ */ new Map();
  updatesSinceCheckpoint = 0;
  sockets = /* @__PURE__ */ new Map();
  awareness;
  /** The log file of the embedded mode; null when the log is shared ({@link shared}). */
  recorder;
  shared;
  // Only for a shared log: frames waiting for the next turn, what waits to be recorded, and the
  // records since the last checkpoint, from which the document is rebuilt without reading.
  inbox = [];
  unrecorded = nothingPending();
  memory = [];
  pumping = false;
  inTurn = false;
  probing = false;
  checkpointWanted = false;
  wantHead = 0;
  nextTurn = null;
  inFlight = null;
  ending = null;
  locationById;
  outbox = [];
  /** The whole state, encoded once for clients that join with nothing, and the updates broadcast after it (see answerStep1). */
  wholeState = null;
  /** Set for the rest of an event-loop turn after an update went out: later ones are merged. */
  batching = false;
  /** Frames (other than awareness) waiting for the end of this event-loop turn ({@link endTurn}). */
  waiting = [];
  turnEnding = false;
  /** Sockets refused and being closed: nothing more of theirs is handled. */
  refused = /* @__PURE__ */ new WeakSet();
  closed = false;
  /** Set while the log cannot be written: writes are refused with a retryable code. */
  fault = null;
  backlog = [];
  droppedEvents = 0;
  retryTimer;
  /** A server-side change whose update could not be written (see {@link serverChange}). */
  serverWriteFailure = null;
  growth = new LogGrowth();
  /** Rebuilds caused per user: the last resort of undoing a change, and so bounded. */
  rebuilds = new RecentEvents(REBUILD_BUDGET.windowMs, () => this.options.now().getTime());
  /** The incident's network as the gate reads it, made once. */
  gateNetwork;
  adopt(state) {
    this.wholeState = null;
    this.doc?.destroy();
    this.doc = state.doc;
    this.bindings = state.bindings;
    this.updatesSinceCheckpoint = state.updatesSinceCheckpoint;
    this.bindings.set(this.doc.clientID, SERVER);
  }
  /** Number of connected sockets. */
  get size() {
    return this.sockets.size;
  }
  /**
   * Records an event (JSON) in the incident's log with server time. Never throws: while the log
   * cannot be written the event waits in memory and is written, with its own time, before
   * anything else once the log takes writes again.
   */
  recordEvent(user, event) {
    const record = eventRecord(this.options.now().getTime(), user, event);
    if (this.shared && this.fault && this.unrecorded.records.length >= MAX_BACKLOG) {
      if (this.droppedEvents++ % 1e3 === 0) this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: ${this.droppedEvents} event(s) could not be kept while the log is not writable`);
      return;
    }
    try {
      this.write([record], user);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      if (this.backlog.length < MAX_BACKLOG) this.backlog.push(record);
      else if (this.droppedEvents++ % 1e3 === 0) this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: ${this.droppedEvents} event(s) could not be kept while the log is not writable`);
    }
  }
  /**
   * Writes records, after any waiting events, as one append. Throws {@link StorageError} and
   * marks the room read-only when the log cannot be written (only the probe of
   * {@link retryWriting} ends that).
   */
  write(records, user) {
    if (this.shared) {
      this.unrecorded.records.push(...records);
      this.growth.add(this.options.now().getTime(), user, records.reduce((n, r) => n + r.payload.length, 0));
      if (!this.inTurn) void this.pump();
      return;
    }
    const all = this.backlog.length > 0 ? [...this.backlog, ...records] : records;
    try {
      this.recorder.appendAll(all);
    } catch (error) {
      if (error instanceof StorageError) this.markFault(error);
      throw error;
    }
    this.backlog.length = 0;
    this.growth.add(this.options.now().getTime(), user, all.reduce((n, r) => n + r.payload.length, 0));
  }
  markFault(error) {
    if (this.fault) {
      this.fault.failedWrites++;
      return;
    }
    this.fault = { code: error.code, since: this.options.now().toISOString(), failedWrites: 1 };
    this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: ${error.message}; the board is read-only until writing works again`);
    this.broadcast(this.statusMessage(), null);
    this.retryTimer = setInterval(() => this.retryWriting(), this.options.storageRetryMs ?? DEFAULTS.storageRetryMs);
    this.retryTimer.unref();
  }
  clearFault() {
    this.options.log(`log of incident ${this.options.incidentId} takes writes again (after ${this.fault?.failedWrites} failed write(s) since ${this.fault?.since})`);
    this.fault = null;
    clearInterval(this.retryTimer);
    this.retryTimer = void 0;
    this.broadcast(this.statusMessage(), null);
  }
  /**
   * Tries the log again: the waiting events first, then a probe file beside it. A small record
   * may still fit where a report does not, so only the probe (room for 64 KiB) ends the fault:
   * the board does not flap between writable and read-only on an almost full disk.
   */
  retryWriting() {
    if (!this.fault || this.closed) return;
    if (this.shared) {
      this.probing = true;
      void this.pump();
      return;
    }
    try {
      if (this.backlog.length > 0) this.write([], SERVER);
      this.recorder.probe();
      this.clearFault();
    } catch (error) {
      if (!(error instanceof StorageError)) this.options.log(`log retry of incident ${this.options.incidentId} failed: ${error.message}`);
    }
  }
  /** Whether the log takes writes, for the health check and admins. */
  storage() {
    return { incidentId: this.options.incidentId, logBytes: this.recorder?.size() ?? 0, fault: this.fault ? { ...this.fault } : null, waitingEvents: this.backlog.length, ...this.growth.summary(this.options.now().getTime()) };
  }
  /** Zorgbeeld's own message on the Yjs connection: whether the board takes writes now, and what just changed. */
  statusMessage(changed = {}) {
    const status = { storage: this.fault ? "unavailable" : "ok", ...changed };
    return boardStatusFrame(status);
  }
  /** Tells everyone on the board at once that the incident was closed or its GRIP level changed. */
  announce(changed) {
    this.broadcast(this.statusMessage(changed), null);
  }
  /**
   * Runs a server-side change of the document (its updates are recorded and broadcast as the
   * server's); resolves once it is recorded. When the log cannot take the change, the document
   * is rebuilt from the log and it rejects with {@link StorageError}, so the caller can say so.
   */
  async serverChange(change) {
    if (this.fault) throw new StorageError(`log of incident ${this.options.incidentId} is not writable`, this.fault.code);
    this.serverWriteFailure = null;
    const doc = this.doc;
    const record = (update) => {
      try {
        this.commit([{ update, user: SERVER }]);
      } catch (error) {
        if (!(error instanceof StorageError)) throw error;
        this.serverWriteFailure = error;
      }
    };
    doc.on("update", record);
    try {
      change(doc);
    } finally {
      doc.off("update", record);
    }
    this.goOut();
    const failure = this.serverWriteFailure;
    if (failure) {
      this.serverWriteFailure = null;
      this.rebuild();
      throw failure;
    }
    await this.settled();
  }
  /**
   * Resolves once everything recorded so far is in the log; rejects with {@link StorageError}
   * when the turn that carried it failed. The log file is written at once, so there it resolves
   * at once.
   */
  settled() {
    if (this.unrecorded.records.length > 0 || this.checkpointWanted) {
      this.nextTurn ??= deferred();
      void this.pump();
      return this.nextTurn.promise;
    }
    return this.inFlight?.promise ?? Promise.resolve();
  }
  /** Rebuilds the document from the log: the way back from a change that may not stand. */
  rebuild() {
    if (this.shared) this.adopt(this.fromMemory(this.unrecorded.records));
    else this.adopt(stateFromLogEnd(this.recorder.file, this.options.log));
  }
  /** A shared log's document rebuilt from the records kept since its last checkpoint, and then `after`. */
  fromMemory(after) {
    return replayRecords([...this.memory, ...after.map((r) => ({ ...r, index: 0 }))], this.options.log);
  }
  /** Keeps a record of a shared log: a checkpoint replaces what came before it. */
  remember(record) {
    if (record.type === RecordType.checkpoint) this.memory = [];
    this.memory.push({ ...record, index: 0 });
  }
  /**
   * The turns of a shared log, one at a time (docs/architecture.md, "One order per incident
   * across servers"). Update frames are judged inside a turn, against the document with every
   * record committed before, whichever server committed it; all other frames are answered
   * between turns, when the document holds only what is recorded, so that nobody is sent
   * anything before it is in the log.
   */
  async pump() {
    if (this.pumping || !this.shared) return;
    this.pumping = true;
    try {
      while (!this.closed) {
        while (this.inbox.length > 0 && !isUpdateFrame(this.inbox[0].frame)) {
          const { socket, frame } = this.inbox.shift();
          this.receiveNow(socket, frame);
        }
        let n = 0;
        while (n < this.inbox.length && isUpdateFrame(this.inbox[n].frame)) n++;
        const batch = this.inbox.splice(0, n);
        if (this.fault && !this.probing) {
          for (const { socket, frame } of batch) this.receiveNow(socket, frame);
          if (batch.length === 0) break;
          continue;
        }
        if (batch.length > 0 || this.unrecorded.records.length > 0 || this.checkpointWanted || this.probing) await this.turn(batch);
        else if (this.wantHead > this.shared.recorder.head) await this.catchUp();
        else break;
      }
    } finally {
      this.pumping = false;
    }
  }
  /** One turn: what others committed first, then the batch judged, then all of it recorded, then sent. */
  async turn(batch) {
    const shared = this.shared;
    this.probing = false;
    let mine = null;
    let done = null;
    try {
      const head = await shared.recorder.turn((missed) => {
        this.applyRemote(missed);
        this.inTurn = true;
        try {
          this.receiveFrames(batch);
        } finally {
          this.inTurn = false;
        }
        if (this.checkpointWanted) {
          this.checkpointWanted = false;
          this.unrecorded.records.push(this.checkpointRecord());
          this.updatesSinceCheckpoint = 0;
        }
        mine = this.unrecorded;
        this.unrecorded = nothingPending();
        done = this.nextTurn;
        this.nextTurn = null;
        this.inFlight = done;
        return mine.records;
      });
      const turned = mine;
      for (const record of turned.records) this.remember(record);
      if (this.fault) this.clearFault();
      this.outbox.push(...turned.updates);
      this.flush();
      for (const after of turned.after) after();
      if (turned.records.length > 0) shared.committed(head);
      done?.resolve();
    } catch (error) {
      const failure = error instanceof StorageError ? error : new StorageError(`turn failed: ${error.message}`, "ETURN");
      if (!(error instanceof StorageError)) this.options.log(`BUG: yjs ${this.options.incidentId}: ${error.stack ?? String(error)}`);
      const judged = mine;
      if (judged?.records.some((r) => r.type === RecordType.checkpoint)) this.checkpointWanted = true;
      const dropped = [judged ?? nothingPending(), this.unrecorded];
      this.unrecorded = { ...nothingPending(), records: dropped.flatMap((p) => p.records).filter((r) => r.type === RecordType.event) };
      this.adopt(this.fromMemory(this.unrecorded.records));
      this.markFault(failure);
      for (const p of dropped) for (const socket of p.writers) socket.close(CloseCodes.StorageUnavailable);
      if (!judged) for (const { socket, frame } of batch) this.receiveNow(socket, frame);
      done?.reject(failure);
      const waiting = this.nextTurn;
      this.nextTurn = null;
      waiting?.reject(failure);
    } finally {
      this.inFlight = null;
    }
  }
  /** Applies what another server committed since this room's head (no turn needed to read). */
  async catchUp() {
    try {
      this.applyRemote(await this.shared.recorder.after(this.shared.recorder.head));
    } catch (error) {
      this.options.log(`yjs ${this.options.incidentId}: catching up with the shared log failed: ${error.message}`);
      this.wantHead = 0;
    }
  }
  /**
   * Records other servers committed: their updates are applied and sent to this room's sockets
   * (they are in the log already), their clientIDs bound to their authors, their events acted on.
   */
  applyRemote(records) {
    for (const record of records) {
      if (record.type === RecordType.update) {
        const clients = [...Y7.parseUpdateMeta(record.payload).to.keys()];
        const before = clocksOf(this.doc, clients);
        let applied;
        this.doc.transact((transaction) => {
          applied = transaction;
          Y7.applyUpdate(this.doc, record.payload, "remote");
        }, "remote");
        const update = encodeTransactionUpdate(applied, before);
        if (update) this.outbox.push(update);
        for (const client of clients) if (!this.bindings.has(client)) this.bindings.set(client, record.user);
        this.updatesSinceCheckpoint++;
      } else if (record.type === RecordType.checkpoint) {
        this.updatesSinceCheckpoint = 0;
      } else {
        try {
          this.shared.onEvent(JSON.parse(new TextDecoder().decode(record.payload)));
        } catch (error) {
          this.options.log(`yjs ${this.options.incidentId}: an event of another server could not be read: ${error.message}`);
        }
      }
      this.remember(record);
    }
    if (records.length > 0) this.flush();
  }
  /** Another server committed records up to `head`: this room reads them when it is behind. */
  remoteHead(head) {
    if (!this.shared || head <= this.wantHead) return;
    this.wantHead = head;
    void this.pump();
  }
  /** An awareness frame relayed from this incident's sockets on another server. */
  remoteAwareness(frame) {
    if (this.closed) return;
    try {
      const decoder3 = decoding.createDecoder(frame);
      if (decoding.readVarUint(decoder3) !== YMessage.awareness) return;
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder3), "remote");
      this.broadcast(frame, null);
    } catch (error) {
      this.options.log(`yjs ${this.options.incidentId}: a relayed awareness frame could not be read: ${error.message}`);
    }
  }
  /** Adds a socket and starts the sync handshake. */
  join(socket, served) {
    this.sockets.set(socket, { awarenessClients: /* @__PURE__ */ new Set(), awarenessTimes: [], resyncs: 0 });
    this.recordEvent(socket.author.id, { type: "joined", username: socket.author.username, role: socket.author.role, organisationId: socket.author.organisationId });
    const vector = Y7.encodeStateVector(this.doc);
    this.send(socket, syncStep1Frame(vector));
    if (served) {
      if (!sameBytes(vector, served)) this.send(socket, updateFrame(Y7.encodeStateAsUpdate(this.doc, served)));
      if (this.fault) this.send(socket, this.statusMessage());
    }
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) this.send(socket, this.awarenessMessage(states));
  }
  /** Removes a socket and its awareness states. */
  leave(socket) {
    const entry = this.sockets.get(socket);
    if (!entry) return;
    this.sockets.delete(socket);
    this.recordEvent(socket.author.id, { type: "left", username: socket.author.username, organisationId: socket.author.organisationId });
    if (entry.awarenessClients.size > 0) {
      const removed = [...entry.awarenessClients].filter((c) => this.awareness.getStates().has(c));
      awarenessProtocol.removeAwarenessStates(this.awareness, removed, socket);
      if (removed.length > 0) {
        const message = this.awarenessMessage(removed);
        this.broadcast(message, null);
        this.shared?.relay(message);
      }
    }
  }
  /** Handles one frame from a socket; closes the socket on anything malformed or refused. */
  receive(socket, frame) {
    if (!this.sockets.has(socket)) return;
    const awareness = frame[0] === YMessage.awareness || frame[0] === YMessage.queryAwareness;
    if (this.shared && !awareness) {
      this.inbox.push({ socket, frame });
      void this.pump();
      return;
    }
    if (awareness) return this.receiveNow(socket, frame);
    this.waiting.push({ socket, frame });
    if (!this.turnEnding) {
      this.turnEnding = true;
      setImmediate(() => this.endTurn());
    }
  }
  receiveNow(socket, frame) {
    if (!this.sockets.has(socket) || this.refused.has(socket)) return;
    if (isUpdateFrame(frame)) return this.receiveFrames([{ socket, frame }]);
    try {
      const decoder3 = decoding.createDecoder(frame);
      const type = decoding.readVarUint(decoder3);
      if (type === YMessage.sync) {
        const subtype = decoding.readVarUint(decoder3);
        if (subtype === YSyncMessage.step1) {
          this.answerStep1(socket, decoding.readVarUint8Array(decoder3));
          if (this.fault) this.send(socket, this.statusMessage());
        } else {
          socket.close(CloseCodes.BadMessage);
        }
      } else if (type === YMessage.awareness) {
        this.receiveAwareness(socket, decoding.readVarUint8Array(decoder3));
      } else if (type === YMessage.queryAwareness) {
        const states = [...this.awareness.getStates().keys()];
        if (states.length > 0) this.send(socket, this.awarenessMessage(states));
      } else {
        socket.close(CloseCodes.BadMessage);
      }
    } catch (error) {
      this.options.log(`yjs ${this.options.incidentId}: unreadable frame from ${socket.author.username}: ${error.message}`);
      socket.close(CloseCodes.BadMessage);
    }
  }
  /**
   * Answers a client's sync step 1 with what it lacks. A client that has nothing (a first join,
   * or a client that reconnects in a loop) gets the whole state encoded once for all such joins
   * and the updates broadcast since, merged: encoding a long incident's state costs tens of
   * milliseconds of the event loop, and twenty joins a second would otherwise stall the board.
   */
  answerStep1(socket, vector) {
    if (vector.length !== EMPTY_STATE_VECTOR_LENGTH) return this.send(socket, syncStep2Frame(Y7.encodeStateAsUpdate(this.doc, vector)));
    let whole = this.wholeState;
    if ((!whole || whole.since.length >= WHOLE_STATE_REFRESH) && this.outbox.length === 0 && !(this.shared && this.unrecorded.updates.length > 0)) whole = this.wholeState = { state: Y7.encodeStateAsUpdate(this.doc), since: [] };
    if (!whole) return this.send(socket, syncStep2Frame(Y7.encodeStateAsUpdate(this.doc)));
    this.send(socket, syncStep2Frame(whole.state));
    if (whole.since.length > 0) this.send(socket, updateFrame(whole.since.length === 1 ? whole.since[0] : Y7.mergeUpdates(whole.since)));
  }
  /**
   * Handles frames in their order; each run of update frames is applied in one Yjs transaction
   * (see {@link receiveUpdates}).
   */
  receiveFrames(frames) {
    for (let i = 0; i < frames.length; ) {
      let end = i;
      while (end < frames.length && isUpdateFrame(frames[end].frame)) end++;
      if (end === i) {
        this.receiveNow(frames[i].socket, frames[i].frame);
        i++;
        continue;
      }
      const updates = [];
      for (const { socket, frame } of frames.slice(i, end)) {
        try {
          const decoder3 = decoding.createDecoder(frame);
          decoding.readVarUint(decoder3);
          decoding.readVarUint(decoder3);
          updates.push({ socket, update: decoding.readVarUint8Array(decoder3) });
        } catch (error) {
          this.options.log(`yjs ${this.options.incidentId}: unreadable frame from ${socket.author.username}: ${error.message}`);
          this.refuse(socket, CloseCodes.BadMessage, "unreadable frame", false);
        }
      }
      this.receiveUpdates(updates);
      i = end;
    }
  }
  /**
   * The gate, for updates that arrived together. Each is judged on its own, in order, against a
   * document holding every update accepted before it, and stamped, recorded and encoded on its
   * own; but they are applied in one Yjs transaction, because each transaction costs as much as
   * the document has clientIDs, and a long incident has thousands (docs/architecture.md,
   * "Per-update work"). What breaks a rule on its own is refused before anything is applied. A
   * refusal that only applying can tell ends the transaction there: the document is rebuilt from
   * the log, which holds the updates accepted before it (Yjs cannot roll back), and the rest
   * follow in a new transaction.
   */
  receiveUpdates(updates) {
    for (let next = 0; next < updates.length; ) next = this.applyTogether(updates, next);
  }
  /** Applies updates from `start` in one transaction until one must be undone; returns where to go on. */
  applyTogether(updates, start) {
    let next = updates.length;
    let undo = null;
    const after = [];
    this.doc.transact((transaction) => {
      for (let i = start; i < updates.length; i++) {
        const { socket, update } = updates[i];
        if (!this.sockets.has(socket) || this.refused.has(socket)) continue;
        const admitted = this.admit(socket, update);
        if (!admitted) continue;
        const problem = this.applyOne(transaction, socket, update, admitted, after);
        if (problem) {
          undo = { socket, ...problem };
          next = i + 1;
          return;
        }
      }
    });
    for (const task of after) task();
    const failed = undo;
    if (failed?.resync) this.pending(failed.socket);
    else if (failed) this.refuse(failed.socket, failed.close, failed.reason, true);
    return next;
  }
  /**
   * What can be judged of an update before applying it. New structs under a clientID bound to
   * someone else, writes of observers, and whatever breaks a rule on its own are refused here,
   * so neither costs a rebuild. Null when the update was answered (refused, or the client asked
   * for a full diff).
   */
  admit(socket, update) {
    const author = socket.author;
    let read;
    try {
      read = readUpdate(update);
    } catch (error) {
      this.refuse(socket, CloseCodes.BadMessage, `update cannot be read: ${error.message}`, false);
      return null;
    }
    const { from, to } = read;
    for (const [client, clock2] of from) {
      if (clock2 > Y7.getState(this.doc.store, client)) {
        this.requestSync(socket);
        return null;
      }
    }
    const newClients = [];
    for (const [client, clock2] of to) {
      if (clock2 <= Y7.getState(this.doc.store, client)) continue;
      const owner = this.bindings.get(client);
      if (owner !== void 0 && owner !== author.id) return this.refuse(socket, CloseCodes.ClientIdTaken, `clientID ${client} belongs to another user`, false), null;
      newClients.push(client);
    }
    if (newClients.length > 0 && (author.role === "observer" || this.options.readOnly())) {
      return this.refuse(socket, author.role === "observer" ? CloseCodes.Forbidden : CloseCodes.Closed, "no write rights", false), null;
    }
    if (newClients.length > 0 && this.fault) return this.refuse(socket, CloseCodes.StorageUnavailable, `log not writable (${this.fault.code})`, false), null;
    if (newClients.length > 0 && !this.options.budget.allows(author.id)) return this.refuse(socket, CloseCodes.WriteBudget, "write budget used up", false), null;
    if (newClients.length === 0 && update.length === EMPTY_UPDATE_LENGTH) return null;
    const early = precheckUpdate({ doc: this.doc, update: read, author, network: this.gateNetwork });
    if (early === "incomplete") return this.incomplete(socket), null;
    if (early) return this.refuse(socket, early.close, early.reason, false), null;
    if (this.rebuilds.count(author.id) >= REBUILD_BUDGET.rebuilds) return this.refuse(socket, CloseCodes.WriteBudget, "too many refused changes that had to be undone", false), null;
    return { to, newClients };
  }
  /**
   * Applies, checks, stamps and records one admitted update inside the open transaction; the
   * change and its stamps are encoded as one update (no merge needed) right away, before a later
   * update of the same transaction can overwrite them. Returns what must be undone, if anything.
   */
  applyOne(transaction, socket, update, { to, newClients }, after) {
    const author = socket.author;
    const part = startPart(transaction, [...to.keys(), this.doc.clientID]);
    try {
      Y7.applyUpdate(this.doc, update, socket);
    } catch (error) {
      return { close: CloseCodes.BadMessage, reason: `update cannot be applied: ${error.message}` };
    }
    transaction.local = true;
    if (this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null) {
      return { close: CloseCodes.Incomplete, reason: `update has missing dependencies (${this.describePending()})`, resync: true };
    }
    if (this.options.readOnly()) return { close: CloseCodes.Closed, reason: "incident closed" };
    const verdict = checkTransaction({ doc: this.doc, transaction, part: { before: part.before, deletions: deletionsOf(transaction, part) }, author, network: this.gateNetwork, clients: to.keys() });
    if (!verdict.ok) return { close: verdict.close, reason: verdict.reason };
    this.stamp(author, verdict);
    const accepted = encodePart(transaction, part);
    if (!accepted) return null;
    const change = this.changeOf(author, verdict);
    try {
      this.commit([{ update: accepted, user: author.id }], change ? [change.event] : []);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      return { close: CloseCodes.StorageUnavailable, reason: error.message };
    }
    for (const client of newClients) this.bindings.set(client, author.id);
    if (this.shared) this.unrecorded.writers.add(socket);
    this.options.budget.charge(author.id, update.length);
    if (change?.tell) (this.shared ? this.unrecorded.after : after).push(change.tell);
    return null;
  }
  /** Asks a client for everything the server lacks (our sync step 1; it answers with a diff). */
  requestSync(socket) {
    this.send(socket, syncStep1Frame(Y7.encodeStateVector(this.doc)));
  }
  /**
   * An update left something pending that the pre-check could not see (deletions of unknown
   * items). Pending structs may not stay: the document is rebuilt from the log and the client is
   * asked for a full diff. A client that keeps doing this is closed, so it cannot force rebuilds.
   */
  pending(socket) {
    const entry = this.sockets.get(socket);
    const reason = `update has missing dependencies (${this.describePending()})`;
    if (!entry || ++entry.resyncs > 3) return this.refuse(socket, CloseCodes.Incomplete, reason, true);
    this.options.log(`yjs ${this.options.incidentId}: ${socket.author.username}: ${reason}; rebuilt and asked for a full diff`);
    this.rebuilds.add(socket.author.id);
    this.rebuild();
    this.requestSync(socket);
  }
  /**
   * An update deletes items the server does not have yet (seen before applying it): the client
   * is asked for a full diff, nothing to undo. A client that keeps doing this is closed.
   */
  incomplete(socket) {
    const entry = this.sockets.get(socket);
    if (!entry || ++entry.resyncs > 3) return this.refuse(socket, CloseCodes.Incomplete, "update deletes items the server does not have", false);
    this.options.log(`yjs ${this.options.incidentId}: ${socket.author.username}: update deletes items the server does not have; asked for a full diff`);
    this.requestSync(socket);
  }
  /** What a pending update waits for, for the operator's log: structs per client from which clock, and deletions. */
  describePending() {
    const missing = [...this.doc.store.pendingStructs?.missing ?? /* @__PURE__ */ new Map()].map(
      ([client, clock2]) => `client ${client}${this.bindings.get(client) === SERVER ? " (server)" : ""} from clock ${clock2}, server has ${Y7.getState(this.doc.store, client)}`
    );
    return [...missing, this.doc.store.pendingDs ? "deletions of unknown items" : ""].filter(Boolean).join("; ") || "unknown";
  }
  /** Writes the server's stamps on the reports and needs a change touched (inside its transaction). */
  stamp(author, touched) {
    const reports = [...touched.reports.keys()];
    const needs = [...touched.needs.keys()];
    const areas = [...touched.areas];
    if (reports.length === 0 && needs.length === 0 && areas.length === 0) return;
    const stamp = {
      by: author.username,
      byName: author.displayName ?? author.username,
      organisationId: author.organisationId,
      onBehalf: author.role === "ghor" || author.role === "admin",
      at: this.options.now().toISOString()
    };
    writeStamps(this.doc, { reports: new Map(reports.map((id) => [id, stamp])), needs: new Map(needs.map((id) => [id, stamp])), areas: new Map(areas.map((id) => [id, stamp])) }, SERVER);
  }
  /**
   * What an accepted update changed, with the new values, as a `changed` event for the log (the
   * timeline of the review reads these instead of decoding every update again), and, when it
   * touched needs, the call that tells the need listener. Null when it changed nothing of the board.
   */
  changeOf(author, touched) {
    const values = (map, fields) => Object.fromEntries([...fields].map((f) => [f, map?.get(f) ?? null]));
    const reports = [...touched.reports].map(([locationId, fields]) => ({
      locationId,
      organisationId: this.locationById.get(locationId)?.organisationId ?? null,
      fields: values(this.doc.getMap("reports").get(locationId), fields)
    }));
    const needs = [...touched.needs].map(([needId, fields]) => {
      const map = this.doc.getMap("needs").get(needId);
      return { needId, organisationId: map?.get("organisationId") ?? null, fields: values(map, fields.size > 0 ? fields : new Set(map?.keys() ?? [])) };
    });
    if (reports.length + needs.length + touched.picture.size + touched.areas.size + touched.logbook === 0) return null;
    let tell;
    if (needs.length > 0 && this.options.onNeeds) {
      const onNeeds = this.options.onNeeds;
      const root = this.doc.getMap("needs");
      const changed = needs.map((n) => ({ ...n, now: root.get(n.needId)?.toJSON() }));
      tell = () => {
        try {
          onNeeds(changed);
        } catch (error) {
          this.options.log(`yjs ${this.options.incidentId}: need listener failed: ${error.message}`);
        }
      };
    }
    const event = {
      type: "changed",
      username: author.username,
      role: author.role,
      organisationId: author.organisationId,
      reports,
      needs,
      picture: [...touched.picture],
      areas: [...touched.areas],
      logbook: touched.logbook
    };
    return { event, tell };
  }
  refuse(socket, code, reason, rebuild) {
    this.refused.add(socket);
    this.options.log(`yjs ${this.options.incidentId}: refused an update of ${socket.author.username} (${socket.author.role}): ${reason}${rebuild ? "; rebuilt from the log" : ""}`);
    if (rebuild) {
      this.rebuilds.add(socket.author.id);
      this.rebuild();
    }
    socket.close(code);
  }
  /**
   * Records accepted updates in the log at once, and queues them for broadcast. Everything
   * accepted within one turn of the event loop goes out as one merged message per socket: under
   * load that turns hundreds of thousands of small socket writes a second into a few thousand.
   * A sender may get its own update back; Yjs ignores structs it already has. The updates are
   * written as one append, with `events` (what they changed) after them: all or none (throws
   * {@link StorageError}).
   */
  commit(updates, events = []) {
    if (this.closed || updates.length === 0) return;
    const time = this.options.now().getTime();
    this.write(
      // The events get their updates' time: a seek to an event's moment (the review's timeline)
      // must find its update applied.
      [...updates.map(({ update, user }) => ({ type: RecordType.update, time, user, payload: update })), ...events.map((event) => eventRecord(time, updates[0].user, event))],
      updates[0].user
    );
    for (const { update } of updates) {
      this.updatesSinceCheckpoint++;
      (this.shared ? this.unrecorded.updates : this.outbox).push(update);
    }
  }
  /**
   * A server change goes out at once; what follows within the same turn of the event loop waits
   * for the end of it and goes out merged.
   */
  goOut() {
    if (this.batching || this.outbox.length === 0) return;
    this.flush();
    this.batching = true;
    setImmediate(() => {
      this.batching = false;
      this.flush();
    });
  }
  /** The end of an event-loop turn: the frames that came in during it, in their order, and then what they accepted, as one message. */
  endTurn() {
    this.turnEnding = false;
    if (this.closed) return;
    this.receiveFrames(this.waiting.splice(0));
    this.flush();
  }
  /** Sends the queued updates as one message, the same bytes to every socket. */
  flush() {
    if (this.outbox.length === 0) return;
    const updates = this.outbox.splice(0);
    this.wholeState?.since.push(...updates);
    this.broadcast(updateFrame(updates.length === 1 ? updates[0] : Y7.mergeUpdates(updates)), null);
    if (this.updatesSinceCheckpoint >= (this.options.checkpointEvery ?? DEFAULTS.checkpointEvery)) this.checkpoint();
  }
  /**
   * Writes a checkpoint: the whole state and the clientID bindings. A checkpoint only shortens
   * loading, so one that cannot be written is left for later; the log holds every update.
   */
  checkpoint() {
    if (this.shared) {
      this.checkpointWanted = true;
      if (!this.inTurn) void this.pump();
      return;
    }
    try {
      this.write([this.checkpointRecord()], SERVER);
      this.updatesSinceCheckpoint = 0;
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
    }
  }
  checkpointRecord() {
    return { type: RecordType.checkpoint, time: this.options.now().getTime(), user: SERVER, payload: encodeCheckpoint(this.bindings, Y7.encodeStateAsUpdateV2(this.doc)) };
  }
  /**
   * Awareness is relayed, never recorded. The server writes the sender's true identity into each
   * state (so nobody can appear as someone else), keeps a clientID to the socket that first used
   * it, and drops bursts beyond the rate limit.
   */
  receiveAwareness(socket, update) {
    const entry = this.sockets.get(socket);
    const now = Date.now();
    entry.awarenessTimes = entry.awarenessTimes.filter((t) => t > now - AWARENESS_WINDOW_MS);
    if (entry.awarenessTimes.length >= AWARENESS_BURST) return;
    entry.awarenessTimes.push(now);
    const decoder3 = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder3);
    if (count > 16) return socket.close(CloseCodes.BadMessage);
    const encoder2 = encoding3.createEncoder();
    encoding3.writeVarUint(encoder2, count);
    for (let i = 0; i < count; i++) {
      const client = decoding.readVarUint(decoder3);
      const clock2 = decoding.readVarUint(decoder3);
      const json = decoding.readVarString(decoder3);
      if (json.length > 4096) return socket.close(CloseCodes.TooLarge);
      for (const [other, otherEntry] of this.sockets) {
        if (other !== socket && otherEntry.awarenessClients.has(client)) return;
      }
      entry.awarenessClients.add(client);
      const state = JSON.parse(json);
      const honest = state === null ? null : {
        ...typeof state === "object" && !Array.isArray(state) ? state : {},
        user: { id: socket.author.id, name: socket.author.displayName, role: socket.author.role, organisationId: socket.author.organisationId }
      };
      encoding3.writeVarUint(encoder2, client);
      encoding3.writeVarUint(encoder2, clock2);
      encoding3.writeVarString(encoder2, JSON.stringify(honest));
    }
    const rewritten = encoding3.toUint8Array(encoder2);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, rewritten, socket);
    const message = awarenessFrame(rewritten);
    this.broadcast(message, socket);
    this.shared?.relay(message);
  }
  awarenessMessage(clients) {
    return awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
  }
  broadcast(message, except) {
    for (const socket of this.sockets.keys()) if (socket !== except) this.send(socket, message);
  }
  send(socket, message) {
    socket.send(message);
  }
  /**
   * Closes every socket, writes a last checkpoint and frees the document. A shared log's last
   * records are written in a last turn: {@link finished} resolves after it.
   */
  close(code = CloseCodes.ServerStopping) {
    if (this.closed || this.ending) return;
    this.flush();
    for (const socket of [...this.sockets.keys()]) {
      this.leave(socket);
      socket.close(code);
    }
    if (this.updatesSinceCheckpoint > 0) this.checkpoint();
    if (this.shared) {
      this.inbox.length = 0;
      const last = this.fault ? Promise.resolve() : this.settled();
      this.ending = last.catch((error) => this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: the last records could not be written before the room closed: ${error.message}`)).then(() => this.free());
      return;
    }
    this.free();
  }
  /** Resolves once a closed room has written its last records. */
  get finished() {
    return this.ending ?? Promise.resolve();
  }
  free() {
    const waiting = this.backlog.length + (this.shared ? this.unrecorded.records.length : 0);
    if (waiting > 0) this.options.log(`LOG FAILURE: incident ${this.options.incidentId}: ${waiting} record(s) could not be written before the room closed`);
    clearInterval(this.retryTimer);
    this.closed = true;
    this.recorder?.close();
    this.awareness.destroy();
    this.doc.destroy();
  }
};

// server/recorder/recorder.ts
var HeadMoved = class extends Error {
  constructor(head) {
    super(`the log has moved on to record ${head}`);
    this.head = head;
  }
  head;
  name = "HeadMoved";
};

// server/recorder/pg-recorder.ts
var toRecord = (row) => ({
  type: row.type,
  time: row.time,
  user: row.author,
  payload: new Uint8Array(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength),
  index: Number(row.seq)
});
async function headOf(pool, incidentId) {
  const { rows } = await pool.query("SELECT max(seq) AS head FROM incident_records WHERE incident_id = $1", [incidentId]);
  return Number(rows[0].head ?? 0);
}
var ORDER_LOCK = 7441031;
var UNIQUE_VIOLATION = "23505";
var JudgeFailed = class extends Error {
  constructor(cause) {
    super("the judge of a turn failed");
    this.cause = cause;
  }
  cause;
};
function storageError2(action, incidentId, error) {
  const e = error;
  return new StorageError(`${action} the log of incident ${incidentId} in PostgreSQL failed: ${e.message ?? String(error)}`, e.code ?? "EDB");
}
async function pgLogBytes(pool, incidentId) {
  const { rows } = await pool.query("SELECT sum(octet_length(payload)) AS bytes FROM incident_records WHERE incident_id = $1", [incidentId]);
  return Number(rows[0]?.bytes ?? 0);
}
var PgRecorder = class _PgRecorder {
  constructor(pool, incidentId, head) {
    this.pool = pool;
    this.incidentId = incidentId;
    this.last = head;
  }
  pool;
  incidentId;
  last;
  /** The recorder of one incident, knowing the log's head as it is now. Throws {@link StorageError}. */
  static async open(pool, incidentId) {
    try {
      return new _PgRecorder(pool, incidentId, await headOf(pool, incidentId));
    } catch (error) {
      throw storageError2("opening", incidentId, error);
    }
  }
  /** A recorder for appending at the end only ({@link appendAtEnd}): it does not ask for the head first. */
  static atEnd(pool, incidentId) {
    return new _PgRecorder(pool, incidentId, 0);
  }
  get head() {
    return this.last;
  }
  async fromCheckpoint(skip) {
    try {
      const { rows } = await this.pool.query("SELECT seq FROM incident_records WHERE incident_id = $1 AND type = $2 ORDER BY seq DESC OFFSET $3 LIMIT 1", [this.incidentId, RecordType.checkpoint, skip]);
      if (rows.length === 0) return { records: await this.after(0), complete: true };
      return { records: await this.after(Number(rows[0].seq) - 1), complete: false };
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw storageError2("reading", this.incidentId, error);
    }
  }
  async after(seq) {
    try {
      const { rows } = await this.pool.query("SELECT seq, type, time, author, payload FROM incident_records WHERE incident_id = $1 AND seq > $2 ORDER BY seq", [this.incidentId, seq]);
      const records = rows.map(toRecord);
      if (records.length > 0) this.last = Math.max(this.last, records[records.length - 1].index);
      return records;
    } catch (error) {
      throw storageError2("reading", this.incidentId, error);
    }
  }
  async append(records, after) {
    if (records.length === 0) return after;
    try {
      await this.insert(this.pool, records, after);
    } catch (error) {
      if (error.code === UNIQUE_VIOLATION) {
        throw new HeadMoved(await headOf(this.pool, this.incidentId).catch(() => after + 1));
      }
      if (error instanceof HeadMoved) throw error;
      throw storageError2("appending to", this.incidentId, error);
    }
    this.last = Math.max(this.last, after + records.length);
    return this.last;
  }
  async turn(judge) {
    return this.holdingOrder(async (client) => {
      const id = client.escapeLiteral(this.incidentId);
      const results = await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(${ORDER_LOCK}, hashtext(${id})); SELECT seq, type, time, author, payload FROM incident_records WHERE incident_id = ${id} AND seq > ${Math.trunc(this.last)} ORDER BY seq`
      );
      const missed = results[2].rows.map(toRecord);
      if (missed.length > 0) this.last = missed[missed.length - 1].index;
      let records;
      try {
        records = judge(missed);
      } catch (error) {
        throw new JudgeFailed(error);
      }
      if (records.length > 0) await this.insert(client, records, this.last);
      await client.query("COMMIT");
      this.last += records.length;
      return this.last;
    });
  }
  async appendAtEnd(records) {
    return this.holdingOrder(async (client) => {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${ORDER_LOCK}, hashtext(${client.escapeLiteral(this.incidentId)}))`);
      const head = await headOf(client, this.incidentId);
      await this.insert(client, records, head);
      await client.query("COMMIT");
      this.last = Math.max(this.last, head + records.length);
      return head + records.length;
    });
  }
  /**
   * Runs `work` on a connection of its own, inside a transaction it opens and holding the
   * incident's order lock. Whatever fails rolls the transaction back, so nothing is half
   * appended; a connection that broke is dropped from the pool instead of reused.
   */
  async holdingOrder(work) {
    let client;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw storageError2("appending to", this.incidentId, error);
    }
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      const broken = await client.query("ROLLBACK").then(
        () => false,
        () => true
      );
      client.release(broken);
      if (error instanceof JudgeFailed) throw error.cause;
      if (error instanceof StorageError || error instanceof HeadMoved) throw error;
      throw storageError2("appending to", this.incidentId, error);
    }
  }
  /** Inserts records as the ones right after `after` (see {@link append}); HeadMoved when they are not. */
  async insert(client, records, after) {
    const seqs = records.map((_, i) => after + 1 + i);
    const inserted = await client.query(
      `INSERT INTO incident_records (incident_id, seq, type, time, author, payload)
       SELECT $1, * FROM unnest($2::bigint[], $3::smallint[], $4::double precision[], $5::text[], $6::bytea[])
       WHERE (SELECT coalesce(max(seq), 0) FROM incident_records WHERE incident_id = $1) = $7`,
      [this.incidentId, seqs, records.map((r) => r.type), records.map((r) => r.time), records.map((r) => r.user), records.map((r) => Buffer.from(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength)), after]
    );
    if (inserted.rowCount !== records.length) throw new HeadMoved(await headOf(client, this.incidentId));
  }
  async close() {
  }
};

// server/review/review-service.ts
var CACHED_INCIDENTS = 4;
var decoder2 = new TextDecoder();
var isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
var idOrNull = (value) => typeof value === "string" ? value : null;
var TIMELINE_TYPE_SET = new Set(TIMELINE_TYPES);
function plainFields(fields, known) {
  const out = {};
  if (!isObject(fields)) return out;
  for (const [key, value] of Object.entries(fields)) {
    if (!known.has(key)) continue;
    out[key] = value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : null;
  }
  return out;
}
function toTimeline(raw, base) {
  const type = raw.type;
  const own2 = idOrNull(raw.organisationId);
  if (type !== "changed") {
    if (typeof type !== "string" || !TIMELINE_TYPE_SET.has(type)) return [];
    const { type: _type, ...detail } = raw;
    return [{ ...base, type, organisationId: own2, detail }];
  }
  const out = [];
  for (const r of Array.isArray(raw.reports) ? raw.reports : []) {
    if (!isObject(r)) continue;
    out.push({ ...base, type: "report", organisationId: idOrNull(r.organisationId), detail: { locationId: idOrNull(r.locationId), fields: plainFields(r.fields, REPORT_FIELD_CHECKS), onBehalf: raw.role === "ghor" || raw.role === "admin" } });
  }
  for (const n of Array.isArray(raw.needs) ? raw.needs : []) {
    if (!isObject(n)) continue;
    out.push({ ...base, type: "need", organisationId: idOrNull(n.organisationId), detail: { needId: idOrNull(n.needId), fields: plainFields(n.fields, NEED_FIELD_CHECKS) } });
  }
  if (Array.isArray(raw.picture) && raw.picture.length > 0) out.push({ ...base, type: "picture", organisationId: own2, detail: { keys: raw.picture } });
  if (Array.isArray(raw.areas) && raw.areas.length > 0) out.push({ ...base, type: "area", organisationId: own2, detail: { areaIds: raw.areas } });
  if (typeof raw.logbook === "number" && raw.logbook > 0) out.push({ ...base, type: "logbook", organisationId: own2, detail: { entries: raw.logbook } });
  return out;
}
var ReviewService = class {
  /** `pool`: the incident logs are in PostgreSQL (read on from the last sequence number read); otherwise the files in `dataDir`. */
  constructor(deps) {
    this.deps = deps;
  }
  deps;
  cache = /* @__PURE__ */ new Map();
  loading = /* @__PURE__ */ new Map();
  /**
   * The incident's replay, read on from where the last read stopped. One read in flight per
   * incident, shared by every caller: two reads from the same offset would append the same
   * records twice.
   */
  load(incidentId) {
    let pending = this.loading.get(incidentId);
    if (!pending) {
      pending = this.read(incidentId).finally(() => this.loading.delete(incidentId));
      this.loading.set(incidentId, pending);
    }
    return pending;
  }
  async read(incidentId) {
    const file = incidentLogFile(this.deps.dataDir, incidentId);
    const pool = this.deps.pool;
    const stat = pool ? void 0 : statSync(file, { throwIfNoEntry: false });
    const size = pool ? (await PgRecorder.open(pool, incidentId)).head : stat?.size ?? 0;
    const inode = stat?.ino ?? 0;
    let loaded = this.cache.get(incidentId);
    if (loaded) {
      this.cache.delete(incidentId);
      this.cache.set(incidentId, loaded);
      if (loaded.size === size && loaded.inode === inode) return loaded;
    }
    if (!loaded || size < loaded.offset || inode !== loaded.inode) {
      loaded?.index.destroy();
      loaded = { size: 0, inode, offset: 0, nextIndex: 0, replay: new Replay(), index: new ReplayIndex(), events: [] };
      this.cache.set(incidentId, loaded);
      for (const [id, old] of this.cache) {
        if (this.cache.size <= CACHED_INCIDENTS) break;
        old.index.destroy();
        this.cache.delete(id);
      }
    }
    const { records, validLength, nextIndex } = pool ? await this.readShared(pool, incidentId, loaded.nextIndex) : readLogFile(file, { offset: loaded.offset, index: loaded.nextIndex });
    const users = new Map((await this.deps.store.list("users")).map((u) => [u.id, u]));
    const fresh = [];
    for (const record of records) {
      if (record.type === RecordType.update) {
        fresh.push({ time: record.time, kind: "update", payload: record.payload });
      } else if (record.type === RecordType.checkpoint) {
        try {
          fresh.push({ time: record.time, kind: "checkpoint", payload: decodeCheckpoint(record.payload).stateV2 });
        } catch {
          this.deps.log(`review ${incidentId}: checkpoint ${record.index} cannot be read; replay uses the log around it`);
        }
      } else {
        let raw;
        try {
          raw = JSON.parse(decoder2.decode(record.payload));
        } catch {
          continue;
        }
        if (!isObject(raw)) continue;
        const user = users.get(record.user);
        const userName = user?.displayName ?? (record.user === "server" ? "Zorgbeeld" : record.user);
        const base = { at: new Date(record.time).toISOString(), userId: record.user, userName };
        for (const event of toTimeline(raw, base)) loaded.events.push({ ...event, seq: loaded.events.length });
      }
    }
    loaded.index.append(fresh);
    loaded.replay.append(fresh);
    loaded.offset = validLength;
    loaded.nextIndex = nextIndex;
    loaded.size = size;
    loaded.inode = inode;
    return loaded;
  }
  /** The records of a log in PostgreSQL after sequence number `after`, as {@link readLogFile} gives a file's. */
  async readShared(pool, incidentId, after) {
    const records = await PgRecorder.atEnd(pool, incidentId).after(after);
    const next = records.length > 0 ? records[records.length - 1].index : after;
    return { records, validLength: next, nextIndex: next };
  }
  /** Every timeline event of an incident, in order. */
  async events(incidentId) {
    return (await this.load(incidentId)).events;
  }
  /** The incident document as it was at time `t`. */
  async stateAt(incidentId, t) {
    return (await this.load(incidentId)).replay.stateAt(t);
  }
  /** The board's content at T as plain values, without Yjs work. */
  async plainAt(incidentId, t) {
    return (await this.load(incidentId)).index.plainAt(t);
  }
  /** The board at T as the API gives it: a seek in the review. */
  async plainStateAt(incidentId, t) {
    return toPlainAnswer(await this.plainAt(incidentId, t), t);
  }
  /** Counts over time at `points` evenly spread moments between start and end. */
  async series(incident, network, points = 48) {
    const { replay, index } = await this.load(incident.id);
    const start = Date.parse(incident.startedAt);
    const end = incident.endedAt ? Date.parse(incident.endedAt) : Math.max(replay.span.end, start + 1);
    return Array.from({ length: points }, (_, i) => {
      const t = start + (end - start) * i / (points - 1);
      const state = index.plainAt(t);
      const figures = computeFigures({ locations: network.locations, organisations: network.organisations, reports: state.reports, needs: [...state.needs.values()] });
      const byImpact = Object.fromEntries(IMPACTS.map((i2) => [i2, figures.byImpact[i2]]));
      return {
        at: new Date(t).toISOString(),
        byImpact,
        openNeeds: figures.openNeeds.low + figures.openNeeds.high + figures.openNeeds.immediate,
        bedsFree: figures.bedsFree,
        canReceive: figures.canReceive
      };
    });
  }
  /** The review metrics of an incident. */
  async metrics(incident, network) {
    return computeMetrics({ incident, organisations: network.organisations, events: await this.events(incident.id) });
  }
};

// server/http/user-routes.ts
import { randomUUID } from "node:crypto";
import { Router as Router6 } from "express";
function userRoutes({ store, sessions, now }) {
  const router = Router6();
  const admin = requireRole("admin");
  router.get("/users", admin, async (_req, res) => {
    res.json({ data: (await store.list("users")).map(publicUser) });
  });
  router.post("/users", admin, async (req, res) => {
    const checked = checkNewUser(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const input = checked.value;
    const users = await store.list("users");
    if (users.some((u) => u.username.toLowerCase() === input.username.toLowerCase())) {
      throw new HttpError(409, "conflict", text(`De gebruikersnaam '${input.username}' bestaat al.`, `The username '${input.username}' already exists.`));
    }
    if (input.organisationId && !await store.get("organisations", input.organisationId)) {
      throw invalidInput([{ path: "organisationId", text: text("deze organisatie bestaat niet", "this organisation does not exist") }]);
    }
    if (input.coordinatorId) {
      const coordinator = await store.get("coordinators", input.coordinatorId);
      if (!coordinator || coordinator.organisationId !== input.organisationId) {
        throw invalidInput([{ path: "coordinatorId", text: text("deze crisisco\xF6rdinator hoort niet bij de organisatie", "this crisis coordinator does not belong to the organisation") }]);
      }
    }
    const user = {
      id: randomUUID(),
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      organisationId: input.organisationId,
      coordinatorId: input.coordinatorId,
      active: true,
      passwordHash: await hashPassword(input.password),
      createdAt: now().toISOString()
    };
    await store.put({ users: [user] });
    res.status(201).json({ data: publicUser(user) });
  });
  router.patch("/users/:id", admin, async (req, res) => {
    const user = await store.get("users", String(req.params.id));
    if (!user) throw new HttpError(404, "not-found", text("Deze gebruiker bestaat niet.", "This user does not exist."));
    const r = new FieldReader(req.body, true);
    const active = r.boolean("active", user.active);
    const role = r.oneOf("role", ROLES);
    const displayName = r.string("displayName", { max: 120 });
    const password = r.string("password", { max: 200, trim: false });
    if (password !== void 0 && password.length < 10) {
      r.issues.push({ path: "password", text: text("moet minstens 10 tekens hebben", "must have at least 10 characters") });
    }
    if (role !== void 0 && role !== user.role && role === "coordinator" !== (user.organisationId !== null)) {
      r.issues.push({ path: "role", text: text("deze rol past niet bij de organisatie van het account", "this role does not fit the account\u2019s organisation") });
    }
    if (r.issues.length > 0) throw invalidInput(r.issues);
    const next = {
      ...user,
      active: active ?? user.active,
      role: role ?? user.role,
      displayName: displayName ?? user.displayName,
      passwordHash: password !== void 0 ? await hashPassword(password) : user.passwordHash
    };
    await store.put({ users: [next] });
    if (!next.active || password !== void 0 || next.role !== user.role) await sessions.endAllOf(user.id);
    res.json({ data: publicUser(next) });
  });
  return router;
}

// server/yjs/rooms.ts
import { mkdirSync as mkdirSync2, readFileSync as readFileSync2, statSync as statSync2, writeFileSync as writeFileSync2 } from "node:fs";
import { join as join2 } from "node:path";
import * as Y8 from "yjs";

// server/recorder/replay-state.ts
async function startFromRecorder(recorder, warn) {
  for (let skip = 0; ; skip++) {
    const part = await recorder.fromCheckpoint(skip);
    const warnings = [];
    const state = replayFromCheckpoint(part.records, (m) => warnings.push(m), part.complete);
    if (state) {
      warnings.forEach(warn);
      return { state, records: part.records };
    }
  }
}

// server/yjs/write-budget.ts
var DEFAULT_WRITE_BUDGET = { burstBytes: 1024 * 1024, bytesPerSecond: 16 * 1024 };
var WriteBudget = class {
  constructor(limits, now) {
    this.limits = limits;
    this.now = now;
  }
  limits;
  now;
  buckets = /* @__PURE__ */ new Map();
  bucket(userId) {
    const now = this.now();
    const bucket = this.buckets.get(userId) ?? { level: this.limits.burstBytes, at: now };
    bucket.level = Math.min(this.limits.burstBytes, bucket.level + (now - bucket.at) / 1e3 * this.limits.bytesPerSecond);
    bucket.at = now;
    this.buckets.set(userId, bucket);
    return bucket;
  }
  /** Whether the user may write now. */
  allows(userId) {
    return this.bucket(userId).level > 0;
  }
  /** Charges an accepted update of `bytes` to the user. */
  charge(userId, bytes) {
    const bucket = this.bucket(userId);
    bucket.level -= bytes;
    if (bucket.level >= this.limits.burstBytes) this.buckets.delete(userId);
  }
  /** The limits, for admins. */
  get settings() {
    return { ...this.limits };
  }
};

// server/yjs/rooms.ts
function networkFile(dataDir, incidentId) {
  return join2(dataDir, "incidents", incidentId, "network.json");
}
var Rooms = class {
  constructor(options) {
    this.options = options;
    this.budget = new WriteBudget(options.writeBudget ?? DEFAULT_WRITE_BUDGET, () => options.now().getTime());
    const shared = options.shared;
    if (shared) {
      shared.bus.listen((message) => {
        if (message.kind === "sessions-ended" || message.kind === "outbox") return;
        const room = this.rooms.get(message.incidentId);
        if (message.kind === "head") room?.remoteHead(message.head);
        else if (message.kind === "awareness") room?.remoteAwareness(message.frame);
        else {
          if (message.status.closed) this.readOnly.add(message.incidentId);
          room?.announce(message.status);
        }
      });
      this.pollTimer = setInterval(() => {
        if (!shared.bus.healthy) for (const [id, room] of this.rooms) void this.pollHead(shared.pool, id, room);
      }, DEFAULTS.sharedPollMs);
      this.pollTimer.unref();
    }
  }
  options;
  rooms = /* @__PURE__ */ new Map();
  idleTimers = /* @__PURE__ */ new Map();
  readOnly = /* @__PURE__ */ new Set();
  loading = /* @__PURE__ */ new Map();
  /** Clients joining a room that is being loaded, to be answered from its stored state. */
  waiting = /* @__PURE__ */ new Map();
  /** Logs open for the events of incidents whose room is not loaded; closed after the idle time. */
  eventLogs = /* @__PURE__ */ new Map();
  /** The write budget per user, across every incident. */
  budget;
  /** Frozen networks read from the store (they never change), on a shared log. */
  networks = /* @__PURE__ */ new Map();
  pollTimer;
  async pollHead(pool, incidentId, room) {
    try {
      room.remoteHead((await PgRecorder.open(pool, incidentId)).head);
    } catch (error) {
      this.options.log(`incident ${incidentId}: polling the shared log failed: ${error.message}`);
    }
  }
  /**
   * The frozen network of an incident. A file (or row) that is missing or cannot be read is an
   * {@link HttpError} with a sentence for the reader, not a bare exception.
   */
  async network(incidentId) {
    if (this.options.shared) return this.storedNetwork(incidentId);
    const file = networkFile(this.options.dataDir, incidentId);
    let source;
    try {
      source = readFileSync2(file, "utf8");
    } catch (error) {
      this.options.log(`incident ${incidentId}: ${file} cannot be read (${error.code ?? error})`);
      throw new HttpError(
        503,
        "incident-data-missing",
        text(
          "De gegevens van dit incident (het bevroren netwerk) ontbreken op de server of zijn niet te lezen. De beheerder kan ze terugzetten uit een back-up.",
          "The data of this incident (its frozen network) is missing on the server or cannot be read. An administrator can restore it from a backup."
        )
      );
    }
    try {
      return JSON.parse(source);
    } catch {
      this.options.log(`incident ${incidentId}: ${file} is not valid JSON`);
      throw new HttpError(503, "incident-data-missing", text("De gegevens van dit incident op de server zijn beschadigd. De beheerder kan ze terugzetten uit een back-up.", "The data of this incident on the server is damaged. An administrator can restore it from a backup."));
    }
  }
  async storedNetwork(incidentId) {
    const known = this.networks.get(incidentId);
    if (known) return known;
    let row;
    try {
      row = await this.options.store.get("networks", incidentId);
    } catch (error) {
      this.options.log(`incident ${incidentId}: its network cannot be read from the store (${error.message})`);
      throw new HttpError(503, "storage-unavailable", text("De gegevens van dit incident zijn nu niet te lezen: de database antwoordt niet. Probeer het zo opnieuw.", "The data of this incident cannot be read now: the database does not answer. Try again shortly."));
    }
    if (!row) {
      this.options.log(`incident ${incidentId}: no frozen network in the store`);
      throw new HttpError(503, "incident-data-missing", text("De gegevens van dit incident (het bevroren netwerk) ontbreken in de database. De beheerder kan ze terugzetten uit een back-up.", "The data of this incident (its frozen network) is missing in the database. An administrator can restore it from a backup."));
    }
    this.networks.set(incidentId, row.network);
    return row.network;
  }
  /** Opens the room of a new incident: freezes the network and writes the document's fixed structure. */
  async create(incident, network) {
    const file = networkFile(this.options.dataDir, incident.id);
    let room;
    try {
      if (this.options.shared) {
        await this.options.store.put({ networks: [{ id: incident.id, network }] });
        this.networks.set(incident.id, network);
        room = await this.openShared(incident, network, true);
      } else {
        mkdirSync2(join2(this.options.dataDir, "incidents", incident.id), { recursive: true });
        writeFileSync2(file, JSON.stringify(network));
        room = await this.open(incident, network);
      }
      await room.serverChange((doc) => initIncidentDoc(doc, network.locations.map((l) => l.id)));
      room.recordEvent(incident.createdBy, { type: "incident-opened", title: incident.title, grip: incident.grip });
      room.checkpoint();
      await room.settled();
    } catch (error) {
      room?.close();
      this.rooms.delete(incident.id);
      this.options.log(`opening incident ${incident.id} failed: ${error.code ?? error.message}`);
      throw new HttpError(
        503,
        "storage-unavailable",
        text(
          "Het incident kon niet worden geopend: de opslag van de server is vol of niet schrijfbaar. Er is niets opgeslagen; probeer het opnieuw zodra de beheerder de opslag heeft hersteld.",
          "The incident could not be opened: the server\u2019s storage is full or not writable. Nothing was saved; try again once an administrator has repaired the storage."
        )
      );
    }
    this.scheduleIdle(incident.id);
    return room;
  }
  /**
   * The loaded room of an incident, loading it from its log when needed; undefined for an
   * unknown incident. Throws {@link HttpError} when its files are missing or cannot be read.
   */
  async get(incidentId) {
    const loaded = this.rooms.get(incidentId);
    if (loaded) return loaded;
    let pending = this.loading.get(incidentId);
    if (!pending) {
      pending = this.loadById(incidentId).finally(() => this.loading.delete(incidentId));
      this.loading.set(incidentId, pending);
    }
    return pending;
  }
  async loadById(incidentId) {
    const incident = await this.options.store.get("incidents", incidentId);
    if (!incident) return void 0;
    return this.rooms.get(incidentId) ?? this.load(incident);
  }
  async load(incident) {
    if (incident.status === "closed") this.readOnly.add(incident.id);
    const network = await this.network(incident.id);
    try {
      return this.options.shared ? await this.openShared(incident, network, false) : await this.open(incident, network);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.options.log(`incident ${incident.id}: ${error.message}`);
      throw new HttpError(
        503,
        "storage-unavailable",
        text(
          "Het logboek van dit incident is op de server niet te lezen (opslag niet leesbaar). De beheerder moet de opslag herstellen; er is niets gewijzigd.",
          "The log of this incident cannot be read on the server (storage not readable). An administrator must repair the storage; nothing was changed."
        )
      );
    }
  }
  async open(incident, network) {
    this.closeEventLog(incident.id);
    const opened = IncidentLog.open(incidentLogFile(this.options.dataDir, incident.id), this.options.log, { tailBytes: LOG_TAIL_BYTES });
    const waiting = this.waiting.get(incident.id);
    const stored = waiting?.size ? storedState(opened.records) : null;
    if (stored) {
      for (const waiter of waiting) waiter.stored(stored);
      let timer;
      await Promise.race([Promise.all([...waiting].map((w) => w.asked)), new Promise((resolve2) => timer = setTimeout(resolve2, this.options.earlyStateWaitMs ?? DEFAULTS.earlyStateWaitMs))]);
      clearTimeout(timer);
    }
    this.waiting.delete(incident.id);
    return this.adopt(incident, network, void 0, opened);
  }
  /**
   * Until the incident's room is built, the waiter is given its stored state (see storedState),
   * so that a client joining a room that loads is answered from it instead of waiting for the
   * document; `asked` settles when the client's sync step 1 has come (and been answered). Not
   * on a shared log, whose end other servers may be moving meanwhile. Returns the way to stop
   * waiting.
   */
  whileLoading(incidentId, waiter) {
    if (this.options.shared || this.rooms.has(incidentId)) return () => {
    };
    const waiting = this.waiting.get(incidentId) ?? /* @__PURE__ */ new Set();
    waiting.add(waiter);
    this.waiting.set(incidentId, waiting);
    return () => {
      waiting.delete(waiter);
      if (waiting.size === 0 && this.waiting.get(incidentId) === waiting) this.waiting.delete(incidentId);
    };
  }
  /** Makes an incident's room, with a shared log or its file, and keeps it loaded until idle. */
  adopt(incident, network, shared, opened) {
    const room = new IncidentRoom({
      incidentId: incident.id,
      dataDir: this.options.dataDir,
      network,
      now: this.options.now,
      log: this.options.log,
      readOnly: () => this.readOnly.has(incident.id),
      checkpointEvery: this.options.checkpointEvery,
      budget: this.budget,
      storageRetryMs: this.options.storageRetryMs,
      onNeeds: this.options.onNeeds ? (needs) => this.options.onNeeds(incident.id, needs) : void 0,
      shared,
      opened
    });
    this.rooms.set(incident.id, room);
    this.scheduleIdle(incident.id);
    return room;
  }
  /**
   * Opens a room on the shared log: from the log's end as it is now (or empty, for an incident
   * being created), telling the other servers of every turn it commits.
   */
  async openShared(incident, network, fresh) {
    const { pool, bus } = this.options.shared;
    const recorder = await PgRecorder.open(pool, incident.id);
    const start = fresh ? { state: { doc: new Y8.Doc(), bindings: /* @__PURE__ */ new Map(), updatesSinceCheckpoint: 0 }, records: [] } : await startFromRecorder(recorder, this.options.log);
    const shared = {
      recorder,
      start,
      committed: (head) => bus.publish({ kind: "head", incidentId: incident.id, head }),
      relay: (frame) => bus.publish({ kind: "awareness", incidentId: incident.id, frame }),
      onEvent: (event) => {
        if (event.type === "incident-closed") this.readOnly.add(incident.id);
      }
    };
    const loaded = this.rooms.get(incident.id);
    if (loaded) {
      start.state.doc.destroy();
      return loaded;
    }
    return this.adopt(incident, network, shared);
  }
  /** The room of an incident if it is loaded now; never loads one. */
  loadedRoom(incidentId) {
    return this.rooms.get(incidentId);
  }
  /**
   * Records a server event (an alert, an answer, a message state, a GRIP change) in an
   * incident's log, with server time. A loaded room records it itself. Otherwise the log is
   * opened for appending only: its end is read to cut a torn record, no document is built, so
   * that the answers of 175 coordinators to an alert do not load a long incident's document
   * (docs/architecture.md, "Recording"). When the log cannot be written, the room is loaded
   * after all: its backlog keeps the event until writing works again. Nothing for an unknown
   * incident.
   */
  async recordEvent(incidentId, user, event) {
    if (this.options.shared) return this.recordSharedEvent(incidentId, user, event);
    const known = this.eventLogs.has(incidentId) || this.rooms.has(incidentId);
    if (!known && !await this.options.store.get("incidents", incidentId)) return;
    const room = this.rooms.get(incidentId) ?? await this.loading.get(incidentId);
    if (room) return room.recordEvent(user, event);
    try {
      this.eventLog(incidentId).appendAll([eventRecord(this.options.now().getTime(), user, event)]);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.closeEventLog(incidentId);
      (await this.get(incidentId))?.recordEvent(user, event);
    }
  }
  /**
   * {@link recordEvent} on a shared log: a loaded room records the event in its next turn;
   * otherwise it is appended at the log's end, holding the incident's order, and the servers
   * that have the board loaded are told. Throws {@link StorageError} when the database does
   * not take it, as the store's writes of the same request would.
   */
  async recordSharedEvent(incidentId, user, event) {
    const { pool, bus } = this.options.shared;
    const room = this.rooms.get(incidentId) ?? await this.loading.get(incidentId);
    if (room) return room.recordEvent(user, event);
    if (!await this.options.store.get("incidents", incidentId)) return;
    const head = await PgRecorder.atEnd(pool, incidentId).appendAtEnd([eventRecord(this.options.now().getTime(), user, event)]);
    bus.publish({ kind: "head", incidentId, head });
  }
  eventLog(incidentId) {
    let entry = this.eventLogs.get(incidentId);
    if (!entry) {
      const file = incidentLogFile(this.options.dataDir, incidentId);
      const { log: log2 } = IncidentLog.open(file, this.options.log, { tailBytes: 64 * 1024 });
      entry = { log: log2, timer: setTimeout(() => this.closeEventLog(incidentId), this.options.idleMs ?? DEFAULTS.roomIdleMs) };
      entry.timer.unref();
      this.eventLogs.set(incidentId, entry);
    }
    return entry.log;
  }
  closeEventLog(incidentId) {
    const entry = this.eventLogs.get(incidentId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.log.close();
    this.eventLogs.delete(incidentId);
  }
  /** Marks an incident closed: its document takes no more writes, here and on the other servers. */
  markClosed(incidentId) {
    this.readOnly.add(incidentId);
    this.announce(incidentId, { closed: true });
  }
  /** Tells everyone on an incident's board, on every server, that its GRIP level changed or it closed. */
  announce(incidentId, status) {
    this.rooms.get(incidentId)?.announce(status);
    this.options.shared?.bus.publish({ kind: "status", incidentId, status });
  }
  /** Called when a socket left: an empty room is unloaded after the idle time. */
  release(incidentId) {
    const room = this.rooms.get(incidentId);
    if (room && room.size === 0) this.scheduleIdle(incidentId);
  }
  /** Called when a socket joined: keeps the room loaded. */
  hold(incidentId) {
    clearTimeout(this.idleTimers.get(incidentId));
    this.idleTimers.delete(incidentId);
  }
  scheduleIdle(incidentId) {
    clearTimeout(this.idleTimers.get(incidentId));
    this.idleTimers.set(
      incidentId,
      setTimeout(() => {
        this.idleTimers.delete(incidentId);
        const room = this.rooms.get(incidentId);
        if (room && room.size === 0) {
          room.close();
          this.rooms.delete(incidentId);
        }
      }, this.options.idleMs ?? DEFAULTS.roomIdleMs)
    );
  }
  /** The log of every loaded incident whose log cannot be written now. */
  faults() {
    return [...this.rooms.values()].map((room) => room.storage()).filter((status) => status.fault !== null);
  }
  /** How the log of an incident grows; its size alone when the room is not loaded. */
  async storage(incidentId) {
    const room = this.rooms.get(incidentId);
    const shared = this.options.shared;
    if (room && !shared) return room.storage();
    const status = room?.storage() ?? { incidentId, logBytes: 0, lastTenMinutesBytes: 0, lastHourBytes: 0, writers: [], fault: null, waitingEvents: 0 };
    const logBytes = shared ? await pgLogBytes(shared.pool, incidentId) : statSync2(incidentLogFile(this.options.dataDir, incidentId), { throwIfNoEntry: false })?.size ?? 0;
    return { ...status, logBytes };
  }
  /** Number of loaded rooms. */
  get loaded() {
    return this.rooms.size;
  }
  /** Closes every room (last checkpoint, sockets closed with a "server stopping" code); resolves once their last records are written. */
  async closeAll() {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    clearInterval(this.pollTimer);
    const rooms = [...this.rooms.values()];
    for (const room of rooms) room.close();
    this.rooms.clear();
    for (const id of [...this.eventLogs.keys()]) this.closeEventLog(id);
    await Promise.all(rooms.map((room) => room.finished));
  }
};

// server/yjs/yjs-endpoint.ts
import { WebSocketServer } from "ws";
import * as decoding2 from "lib0/decoding";
import * as Y9 from "yjs";

// server/yjs/ws-frame.ts
var FIN_BINARY = 130;
function binaryFrame(message) {
  const length = message.byteLength;
  const header2 = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header2 + length);
  frame[0] = FIN_BINARY;
  if (header2 === 2) frame[1] = length;
  else if (header2 === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(message, header2);
  return frame;
}
function framedOnce(cache, message) {
  let frame = cache.get(message);
  if (!frame) {
    frame = binaryFrame(message);
    cache.set(message, frame);
  }
  return frame;
}

// server/yjs/yjs-endpoint.ts
var REFUSAL_WINDOW_MS = 6e4;
function isSyncStep1(frame) {
  try {
    const decoder3 = decoding2.createDecoder(frame);
    return decoding2.readVarUint(decoder3) === YMessage.sync && decoding2.readVarUint(decoder3) === YSyncMessage.step1;
  } catch {
    return false;
  }
}
function stateVectorOf(step1) {
  const decoder3 = decoding2.createDecoder(step1);
  decoding2.readVarUint(decoder3);
  decoding2.readVarUint(decoder3);
  return decoding2.readVarUint8Array(decoder3);
}
function toBytes(data) {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
function decodedId(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}
function closeCodeFor(error) {
  if (error instanceof StorageError) return CloseCodes.StorageUnavailable;
  if (error instanceof HttpError && error.code === "storage-unavailable") return CloseCodes.StorageUnavailable;
  if (error instanceof HttpError && error.code === "incident-data-missing") return CloseCodes.IncidentDataMissing;
  return CloseCodes.ServerError;
}
function rejectUpgrade(socket, status) {
  socket.write(`HTTP/1.1 ${status}\r
Connection: close\r
Content-Length: 0\r
\r
`);
  socket.destroy();
}
function attachYjsEndpoint(options) {
  const { rooms, sessions, log: log2 } = options;
  const maxBuffered = options.maxBufferedBytes ?? DEFAULTS.yjsMaxBufferedBytes;
  const wss = new WebSocketServer({ noServer: true, maxPayload: YJS_MAX_PAYLOAD, perMessageDeflate: false });
  const alive = /* @__PURE__ */ new WeakSet();
  const closeWith = (ws, code) => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code.code, code.reason);
  };
  const bySession = /* @__PURE__ */ new Map();
  const refusals = options.refusals ?? memoryCounters();
  const now = options.now ?? Date.now;
  const refusalsPerMinute = options.refusalsPerMinute ?? DEFAULTS.yjsRefusalsPerMinute;
  const perAddress = new AddressCounter(options.maxConnectionsPerAddress ?? DEFAULTS.maxConnectionsPerAddress);
  sessions.onEnd((ids) => {
    for (const id of ids) for (const ws of bySession.get(id) ?? []) closeWith(ws, CloseCodes.Unauthenticated);
  });
  const onUpgrade = (req, socket, head) => {
    const path = (req.url ?? "").split("?")[0];
    if (!path.startsWith(YJS_PATH)) return;
    if (!options.isAllowedOrigin(req)) return rejectUpgrade(socket, "403 Forbidden");
    const address = req.socket.remoteAddress ?? "";
    if (perAddress.full(address)) return rejectUpgrade(socket, "429 Too Many Requests");
    wss.handleUpgrade(req, socket, head, (ws) => {
      perAddress.add(address);
      ws.once("close", () => perAddress.remove(address));
      connect(ws, socket, req, decodedId(path.slice(YJS_PATH.length))).catch((error) => {
        log2(`yjs: connection to ${path} failed: ${error?.stack ?? String(error)}`);
        closeWith(ws, closeCodeFor(error));
      });
    });
  };
  options.httpServer.on("upgrade", onUpgrade);
  const frames = /* @__PURE__ */ new WeakMap();
  async function connect(ws, raw, req, incidentId) {
    const queue = [];
    const joined = {};
    let ended = false;
    alive.add(ws);
    ws.on("pong", () => alive.add(ws));
    let asked = () => {
    };
    const early = { stored: null, served: null, asked: new Promise((resolve2) => asked = resolve2) };
    ws.once("close", () => asked());
    const answerEarly = () => {
      if (queue.some(isSyncStep1)) asked();
      if (!early.stored || early.served || ended) return;
      const at = queue.findIndex(isSyncStep1);
      if (at < 0) return;
      try {
        const vector = stateVectorOf(queue[at]);
        const answer = syncStep2Frame(vector.length > 1 ? Y9.diffUpdate(early.stored, vector) : early.stored);
        early.served = Y9.encodeStateVectorFromUpdate(early.stored);
        queue.splice(at, 1);
        ws.send(answer);
      } catch {
        early.served = null;
      }
      early.stored = null;
    };
    ws.on("message", (data) => {
      const frame = toBytes(data);
      if (joined.room && joined.socket) joined.room.receive(joined.socket, frame);
      else {
        queue.push(frame);
        answerEarly();
      }
    });
    ws.on("close", () => {
      ended = true;
      if (joined.room && joined.socket) {
        joined.room.leave(joined.socket);
        rooms.release(incidentId);
      }
    });
    ws.on("error", () => ws.terminate());
    const found = await sessions.resolve(req.headers.cookie);
    if (ended) return;
    if (!found) return closeWith(ws, CloseCodes.Unauthenticated);
    const own2 = bySession.get(found.sessionId) ?? /* @__PURE__ */ new Set();
    own2.add(ws);
    bySession.set(found.sessionId, own2);
    const stopExpiry = sessions.endAtExpiry(found);
    ws.on("close", () => {
      stopExpiry();
      own2.delete(ws);
      if (own2.size === 0) bySession.delete(found.sessionId);
    });
    if (!isValidId(incidentId)) return closeWith(ws, CloseCodes.NotFound);
    const user = found.user;
    if (await recentCount(refusals, user.id, now(), REFUSAL_WINDOW_MS) >= refusalsPerMinute) return closeWith(ws, CloseCodes.TooManyJoins);
    if (ended) return;
    const stopWaiting = rooms.whileLoading(incidentId, {
      stored: (stored) => {
        early.stored = stored;
        answerEarly();
      },
      asked: early.asked
    });
    const loaded = await rooms.get(incidentId).finally(stopWaiting);
    if (ended) return;
    if (!loaded) return closeWith(ws, CloseCodes.NotFound);
    const socket = {
      author: { id: user.id, username: user.username, role: user.role, organisationId: user.organisationId, displayName: user.displayName },
      send(message) {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > maxBuffered) {
          log2(`yjs ${incidentId}: ${user.username} reads too slowly (${ws.bufferedAmount} bytes waiting); disconnecting`);
          closeWith(ws, CloseCodes.SlowConsumer);
          return ws.terminate();
        }
        raw.write(framedOnce(frames, message));
      },
      close: (code) => {
        if (code === CloseCodes.Forbidden || code === CloseCodes.Invalid || code === CloseCodes.BadMessage || code === CloseCodes.ClientIdTaken) {
          refusals.add([user.id], now(), REFUSAL_WINDOW_MS).catch((error) => log2(`yjs: counting a refusal failed: ${error.message}`));
        }
        closeWith(ws, code);
      }
    };
    rooms.hold(incidentId);
    loaded.join(socket, early.served ?? void 0);
    for (const frame of queue.splice(0)) loaded.receive(socket, frame);
    Object.assign(joined, { room: loaded, socket });
  }
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, options.heartbeatMs ?? DEFAULTS.yjsHeartbeatMs);
  return {
    close() {
      clearInterval(heartbeat);
      options.httpServer.off("upgrade", onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    }
  };
}

// server/app.ts
import { randomBytes as randomBytes10 } from "node:crypto";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import webpush2 from "web-push";

// server/reach/answer-page.ts
import express2, { Router as Router7 } from "express";
var DEFAULT_LINK_GUARD = { badTokens: 20, windowMs: 10 * 6e4 };
var LinkGuard = class {
  constructor(limits, now, counters) {
    this.limits = limits;
    this.now = now;
    this.counters = counters;
  }
  limits;
  now;
  counters;
  async blocked(address) {
    return await recentCount(this.counters, address, this.now(), this.limits.windowMs) >= this.limits.badTokens;
  }
  async failed(address) {
    await this.counters.add([address], this.now(), this.limits.windowMs);
  }
};
var WORDS = {
  nl: {
    title: "Antwoord op GHOR-alarm",
    for: "Voor",
    sent: "Verstuurd",
    question: "Is uw organisatie getroffen?",
    no: "Nee, niet getroffen",
    yes: "Ja, getroffen",
    unknown: "Weet ik nog niet",
    noHint: 'Al uw locaties zonder melding worden "geen impact, normaal in bedrijf".',
    thanks: "Dank u. Uw antwoord is ontvangen:",
    already: "Uw organisatie heeft al geantwoord:",
    by: "door",
    closed: "Dit incident is gesloten; antwoorden is niet meer nodig.",
    board: "Naar het bord (inloggen) voor details",
    boardHit: "Meld nu per locatie wat er aan de hand is (inloggen)",
    bad: "Deze antwoordlink werkt niet",
    badHint: "Gebruik de link uit het bericht zelf, of meld u aan op het bord en antwoord daar.",
    wait: "Te veel ongeldige links vanaf dit adres. Probeer het over enkele minuten opnieuw, of meld u aan op het bord.",
    login: "Inloggen op Zorgbeeld",
    answers: { yes: "Getroffen", no: "Niet getroffen", unknown: "Weet nog niet" }
  },
  en: {
    title: "Answer to a GHOR alert",
    for: "For",
    sent: "Sent",
    question: "Is your organisation hit?",
    no: "No, not hit",
    yes: "Yes, hit",
    unknown: "Don\u2019t know yet",
    noHint: 'All your locations without a report become "no impact, operating normally".',
    thanks: "Thank you. Your answer was received:",
    already: "Your organisation has answered already:",
    by: "by",
    closed: "This incident is closed; no answer is needed any more.",
    board: "To the board (sign in) for details",
    boardHit: "Now report per location what is going on (sign in)",
    bad: "This answer link does not work",
    badHint: "Use the link from the message itself, or sign in to the board and answer there.",
    wait: "Too many invalid links from this address. Try again in a few minutes, or sign in to the board.",
    login: "Sign in to Zorgbeeld",
    answers: { yes: "Hit", no: "Not hit", unknown: "Don\u2019t know yet" }
  }
};
function wordsFor(req) {
  const lang = req.acceptsLanguages("nl", "en") === "en" ? "en" : "nl";
  return { lang, w: WORDS[lang] };
}
var STYLE = `body{margin:0;font:17px/1.45 system-ui,sans-serif;color:#1b1b1b;background:#f4f6f9}
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
a.board{display:block;text-align:center;margin:1rem 0;padding:1rem;border-radius:10px;background:#1d3a6e;color:#fff;font-weight:700;text-decoration:none}`;
function page(lang, title, body) {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeMarkup(title)} \xB7 Zorgbeeld</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}
function boardLink(view, words) {
  const next = `/incidents/${view.alert.incidentId}?open=first`;
  return `<a class="board" href="/login?next=${encodeURIComponent(next)}">${escapeMarkup(words)}</a>`;
}
function header(view, w, lang) {
  const sent = regionDateTime(view.alert.sentAt, lang === "en" ? "en" : "nl");
  return `<h1>${view.alert.exercise ? lang === "en" ? "EXERCISE \xB7 " : "OEFENING \xB7 " : ""}GRIP ${view.alert.grip} \xB7 ${escapeMarkup(view.incidentTitle)}</h1>
<p class="message">${escapeMarkup(view.alert.message)}</p>
<p class="meta">${w.for}: <strong>${escapeMarkup(view.organisationName)}</strong> (${escapeMarkup(view.coordinatorName)}) \xB7 ${w.sent} ${escapeMarkup(sent)}</p>`;
}
function answerForms(w) {
  const form = (answer, label, hint = "") => `<form method="post"><input type="hidden" name="answer" value="${answer}"><button type="submit" class="${answer}">${escapeMarkup(label)}</button>${hint ? `<p class="hint">${escapeMarkup(hint)}</p>` : ""}</form>`;
  return `<h2 style="font-size:1.1rem">${w.question}</h2>${form("no", w.no, w.noHint)}${form("yes", w.yes)}${form("unknown", w.unknown)}`;
}
function standing(view, w, lang) {
  const ack = view.answered;
  const at = new Date(ack.at).toLocaleTimeString(lang === "en" ? "en-GB" : "nl-NL", { timeZone: REGION_TIME_ZONE, hour: "2-digit", minute: "2-digit" });
  return `${w.answers[ack.answer]} (${w.by} ${escapeMarkup(ack.displayName)}, ${at})`;
}
function answerPage({ reach, now, log: log2, limits = DEFAULT_LINK_GUARD, isAllowedOrigin: isAllowedOrigin2, counters = memoryCounters() }) {
  const router = Router7();
  const guard = new LinkGuard(limits, () => now().getTime(), counters);
  router.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.setHeader("Referrer-Policy", "same-origin");
    next();
  });
  router.use(express2.urlencoded({ extended: false, limit: "2kb", parameterLimit: 5 }));
  const refuse2 = (req, res, status, message) => {
    const { lang, w } = wordsFor(req);
    res.status(status).type("html").send(page(lang, w.bad, `<h1>${w.bad}</h1><p class="problem">${escapeMarkup(message)}</p><p>${w.badHint}</p><a class="board" href="/login">${w.login}</a>`));
  };
  const viewOf = async (req, res) => {
    const address = clientAddress(req);
    const { w } = wordsFor(req);
    if (await guard.blocked(address)) {
      res.setHeader("Retry-After", String(Math.ceil(limits.windowMs / 1e3)));
      refuse2(req, res, 429, w.wait);
      return null;
    }
    try {
      return await reach.view(String(req.params.token));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      await guard.failed(address);
      refuse2(req, res, error.status, wordsFor(req).lang === "en" ? error.text.en : error.text.nl);
      return null;
    }
  };
  router.get("/:token", async (req, res) => {
    const view = await viewOf(req, res);
    if (!view) return;
    const { lang, w } = wordsFor(req);
    let body = header(view, w, lang);
    if (!view.incidentOpen) body += `<p class="done">${w.closed}</p>`;
    else if (view.answered) body += `<p class="done">${w.already} ${standing(view, w, lang)}</p>${boardLink(view, w.board)}`;
    else body += answerForms(w);
    res.type("html").send(page(lang, w.title, body));
  });
  router.post("/:token", async (req, res) => {
    if (!isAllowedOrigin2(req.headers.origin, req.headers.host)) throw new HttpError(403, "forbidden", { nl: "Dit verzoek komt van een andere website en is geweigerd.", en: "This request comes from another website and was refused." });
    const view = await viewOf(req, res);
    if (!view) return;
    const { lang, w } = wordsFor(req);
    const answer = req.body?.answer;
    if (typeof answer !== "string" || !ACK_ANSWERS.includes(answer)) {
      res.status(400).type("html").send(page(lang, w.title, `${header(view, w, lang)}<p class="problem">${lang === "en" ? "Choose one of the three answers." : "Kies een van de drie antwoorden."}</p>${answerForms(w)}`));
      return;
    }
    if (!view.incidentOpen) {
      res.status(409).type("html").send(page(lang, w.title, `${header(view, w, lang)}<p class="done">${w.closed}</p>`));
      return;
    }
    const { ack, first } = await reach.answer(String(req.params.token), answer);
    const after = { ...view, answered: ack };
    const lead = first ? `${w.thanks} <strong>${w.answers[ack.answer]}</strong>` : `${w.already} ${standing(after, w, lang)}`;
    const extra = first && ack.answer === "no" ? `<p>${w.noHint}</p>` : "";
    res.type("html").send(page(lang, w.title, `${header(view, w, lang)}<p class="done" data-answer="${ack.answer}">${lead}</p>${extra}${boardLink(view, ack.answer === "yes" ? w.boardHit : w.board)}`));
  });
  router.post("/:token/received", async (req, res) => {
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
  router.use((error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof HttpError) return refuse2(req, res, error.status, wordsFor(req).lang === "en" ? error.text.en : error.text.nl);
    if (error.type?.startsWith("entity.")) return refuse2(req, res, 400, wordsFor(req).lang === "en" ? "The form could not be read." : "Het formulier kon niet gelezen worden.");
    log2(`answer page failure on ${req.method} ${req.path}: ${error?.stack ?? String(error)}`);
    refuse2(req, res, 500, wordsFor(req).lang === "en" ? "Something went wrong on our side; your answer may not have been saved. Try again, or phone the GHOR." : "Er ging bij ons iets mis; uw antwoord is mogelijk niet opgeslagen. Probeer het opnieuw, of bel de GHOR.");
  });
  return router;
}

// server/reach/email-channel.ts
import nodemailer from "nodemailer";

// server/reach/channels.ts
async function inLanes(items, lanes, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    })
  );
}
function alertTitle(envelope) {
  const { alert, incidentTitle, english } = envelope;
  const exercise = alert.exercise ? english ? "EXERCISE " : "OEFENING " : "";
  const again = envelope.message.round > 0 ? english ? "REMINDER " : "HERINNERING " : "";
  const kind = alert.msgType === "Cancel" ? english ? "all clear" : "einde" : alert.msgType === "Update" ? "update" : english ? "alert" : "alarm";
  return `${again}${exercise}GHOR ${kind} GRIP ${alert.grip}: ${incidentTitle}`;
}

// server/reach/email-channel.ts
function emailChannel({ smtpUrl, from, domain }) {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 4,
    // A dead relay must fail within seconds, not hold the queue for minutes.
    connectionTimeout: 1e4,
    greetingTimeout: 1e4,
    socketTimeout: 3e4
  });
  return {
    channel: "email",
    batchSize: 50,
    async send(batch, done) {
      await inLanes(batch, 4, async (envelope) => {
        try {
          await transport.sendMail({ from, to: envelope.message.to, messageId: `<${envelope.message.id}@${domain}>`, headers: { "Auto-Submitted": "auto-generated", "X-Zorgbeeld-Alert": envelope.alert.id, "X-Zorgbeeld-Round": String(envelope.message.round) }, ...mailContent(envelope) });
          await done(envelope.message.id, { ok: true });
          return;
        } catch (error) {
          const code = error.responseCode;
          await done(envelope.message.id, { ok: false, error: error.message.slice(0, 300), permanent: code !== void 0 && code >= 500 && code < 600 && code !== 552 });
        }
      });
    },
    async close() {
      transport.close();
    }
  };
}
function mailContent(envelope) {
  const { alert, link, organisationName, coordinatorName, english } = envelope;
  const title = alertTitle(envelope);
  const subject = english ? `${title} \u2014 are you hit? Answer in one tap` : `${title} \u2014 bent u getroffen? Antwoord met \xE9\xE9n tik`;
  const sent = regionDateTime(alert.sentAt, english ? "en" : "nl");
  const lines = english ? [`Dear ${coordinatorName},`, "", `The GHOR alerts ${organisationName} (${sent}):`, "", alert.message, "", `Answer here, without signing in: ${link}`, "Hit, not hit, or don\u2019t know yet: one tap. Report your locations on the board afterwards.", "", "This message was sent by Zorgbeeld on behalf of the GHOR."] : [`Beste ${coordinatorName},`, "", `De GHOR alarmeert ${organisationName} (${sent}):`, "", alert.message, "", `Antwoord hier, zonder in te loggen: ${link}`, "Getroffen, niet getroffen of weet ik nog niet: \xE9\xE9n tik. Meld daarna uw locaties op het bord.", "", "Dit bericht is verstuurd door Zorgbeeld namens de GHOR."];
  const button = english ? "Answer now" : "Nu antwoorden";
  const html = `<!doctype html><html lang="${english ? "en" : "nl"}"><body style="font-family:system-ui,sans-serif;font-size:16px;color:#1b1b1b">
<h1 style="font-size:20px;color:#b3261e">${escapeMarkup(title)}</h1>
<p>${escapeMarkup(lines[0])}</p><p>${escapeMarkup(lines[2])}</p>
<p style="font-size:18px;border-left:4px solid #b3261e;padding-left:10px">${escapeMarkup(alert.message)}</p>
<p><a href="${escapeMarkup(link)}" style="display:inline-block;background:#1d3a6e;color:#ffffff;padding:14px 22px;border-radius:6px;font-weight:700;text-decoration:none">${button}</a></p>
<p>${escapeMarkup(lines[7])}</p><p style="color:#555;font-size:13px">${escapeMarkup(lines[6])}<br>${escapeMarkup(lines[9])}</p>
</body></html>`;
  return { subject, text: lines.join("\n"), html };
}

// server/reach/push-channel.ts
import webpush from "web-push";
function pushChannel({ vapid, subscriptionOf, gone, agent }) {
  const push = async (subscription, payload) => {
    try {
      await webpush.sendNotification({ endpoint: subscription.endpoint, keys: subscription.keys }, JSON.stringify(payload), {
        vapidDetails: vapid,
        TTL: 6 * 3600,
        urgency: "high",
        contentEncoding: "aes128gcm",
        timeout: 15e3,
        ...agent ? { agent } : {}
      });
      return { ok: true };
    } catch (error) {
      const status = error.statusCode;
      if (status === 404 || status === 410) {
        await gone(subscription.id);
        return { ok: false, error: "Dit toestel ontvangt geen meldingen meer (abonnement verlopen)", permanent: true };
      }
      return { ok: false, error: `Pushdienst: ${status ? `HTTP ${status}` : error.message}`.slice(0, 300), permanent: status !== void 0 && status >= 400 && status < 500 && status !== 429 };
    }
  };
  return {
    channel: "push",
    batchSize: 50,
    async send(batch, done) {
      await inLanes(batch, 8, async (envelope) => {
        const subscription = await subscriptionOf(envelope.message.to);
        if (!subscription || subscription.goneAt) {
          await done(envelope.message.id, { ok: false, error: "Dit toestel ontvangt geen meldingen meer (abonnement verlopen)", permanent: true });
          return;
        }
        const body = envelope.english ? `${envelope.organisationName}: are you hit? ${envelope.alert.message}` : `${envelope.organisationName}: bent u getroffen? ${envelope.alert.message}`;
        await done(envelope.message.id, await push(subscription, { kind: "alert", title: alertTitle(envelope), body: body.slice(0, 300), url: `/a/${envelope.token}`, token: envelope.token, english: envelope.english }));
      });
    },
    notify: push,
    async close() {
    }
  };
}

// server/reach/reach-service.ts
import { createHash as createHash2 } from "node:crypto";

// server/reach/answer-link.ts
import { createHmac, randomBytes as randomBytes7, timingSafeEqual as timingSafeEqual2 } from "node:crypto";
var ID_LENGTH = 12;
var SIGNATURE_LENGTH = 11;
function newMessageId() {
  return randomBytes7(9).toString("base64url");
}
var AnswerLinks = class {
  constructor(secret) {
    this.secret = secret;
  }
  secret;
  signature(id, names) {
    return createHmac("sha256", this.secret).update(`${id}|${names.alertId}|${names.organisationId}|${names.coordinatorId}`).digest().subarray(0, 8).toString("base64url");
  }
  /** The token of one message. */
  token(message) {
    return message.id + this.signature(message.id, message);
  }
  /** The message id a token claims, or null when it cannot be one; check it with {@link verify}. */
  idOf(token) {
    return token.length === ID_LENGTH + SIGNATURE_LENGTH && /^[A-Za-z0-9_-]+$/.test(token) ? token.slice(0, ID_LENGTH) : null;
  }
  /** Whether a token is the one of this message. */
  verify(token, message) {
    const expected = Buffer.from(this.token(message));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual2(expected, given);
  }
};

// server/reach/outbox.ts
var DEFAULT_RETRY = { attempts: 6, baseMs: 5e3, maxMs: 5 * 6e4 };
var Outbox = class {
  constructor(deps) {
    this.deps = deps;
  }
  deps;
  running = /* @__PURE__ */ new Map();
  again = /* @__PURE__ */ new Set();
  timer;
  stopped = false;
  /** Starts the runners: messages left `sending` by a crash are due at once. */
  start() {
    this.timer = setInterval(() => this.kick(), this.deps.tickMs ?? DEFAULTS.outboxTickMs);
    this.timer.unref();
    this.kick();
  }
  /** Stores new messages and starts sending them. */
  async enqueue(messages) {
    if (messages.length === 0) return;
    await this.update(messages);
    if (this.deps.duty && !this.deps.duty.held()) this.deps.duty.elsewhere();
    else this.kick();
  }
  /** Updates messages from outside (a delivery report) and tells about it. */
  async update(messages) {
    if (messages.length === 0) return;
    await this.deps.store.put({ outbox: [...messages] });
    this.deps.changed(messages);
  }
  /** Runs every channel that has due messages; a runner already busy runs once more after. */
  kick() {
    if (this.stopped || this.deps.duty && !this.deps.duty.held()) return;
    for (const channel of this.deps.senders.keys()) {
      if (this.running.has(channel)) {
        this.again.add(channel);
        continue;
      }
      const run = this.drain(channel).catch((error) => this.deps.log(`OUTBOX FAILURE: ${channel}: ${error.message}`)).finally(() => {
        this.running.delete(channel);
        if (this.again.delete(channel)) this.kick();
      });
      this.running.set(channel, run);
    }
  }
  /** Waits until the runners are idle (tests, shutdown). */
  async idle() {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.idle();
  }
  due(message, channel, now) {
    if (message.channel !== channel) return false;
    if (message.state === "sending") return true;
    if (message.state === "queued") return Date.parse(message.nextAt) <= now;
    if (message.state === "failed") return message.attempts < (this.deps.retry ?? DEFAULT_RETRY).attempts && message.nextAt !== "" && Date.parse(message.nextAt) <= now;
    return false;
  }
  async drain(channel) {
    const sender = this.deps.senders.get(channel);
    const retry = this.deps.retry ?? DEFAULT_RETRY;
    for (; ; ) {
      if (this.stopped) return;
      const now = this.deps.now();
      const batch = (await this.deps.store.list("outbox")).filter((m) => this.due(m, channel, now.getTime())).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, sender.batchSize);
      if (batch.length === 0) return;
      const envelopes = [];
      const settled = [];
      for (const message of batch) {
        const envelope = await this.deps.compose(message);
        if (envelope) envelopes.push({ ...envelope, message: { ...message, state: "sending", attempts: message.attempts + 1 } });
        else settled.push({ ...message, state: "cancelled", nextAt: "" });
      }
      const sending = envelopes.map((e) => e.message);
      await this.deps.store.put({ outbox: [...sending, ...settled] });
      this.deps.changed([...sending, ...settled]);
      if (envelopes.length === 0) continue;
      const byId = new Map(sending.map((m) => [m.id, m]));
      const finished = /* @__PURE__ */ new Set();
      let pending = [];
      let writing = Promise.resolve();
      const commit = () => {
        writing = writing.then(async () => {
          if (pending.length === 0) return;
          const rows = pending;
          pending = [];
          await this.settle(rows).catch((error) => this.deps.log(`OUTBOX FAILURE: ${rows.length} outcomes not written: ${error.message}`));
        });
        return writing;
      };
      const done = (id, result) => {
        const message = byId.get(id);
        if (!message || finished.has(id)) return writing;
        finished.add(id);
        pending.push(this.outcome(message, result, retry));
        return commit();
      };
      try {
        await sender.send(envelopes, done);
      } catch (error) {
        for (const m of sending) void done(m.id, { ok: false, error: error.message, permanent: false });
      }
      for (const m of sending) void done(m.id, { ok: false, error: "no answer from the channel", permanent: false });
      await commit();
    }
  }
  outcome(message, result, retry) {
    const at = this.deps.now();
    if (result.ok) return { ...message, state: "sent", sentAt: at.toISOString(), error: null, nextAt: "" };
    const last = result.permanent || message.attempts >= retry.attempts;
    const wait = Math.min(retry.maxMs, retry.baseMs * 2 ** (message.attempts - 1));
    return { ...message, state: "failed", error: result.error, nextAt: last ? "" : new Date(at.getTime() + wait).toISOString() };
  }
  // A delivery report can overtake the answer of the send itself: the further state is kept.
  async settle(rows) {
    const next = await Promise.all(
      rows.map(async (m) => {
        const current = await this.deps.store.get("outbox", m.id);
        return current?.state === "delivered" ? { ...m, state: "delivered", deliveredAt: current.deliveredAt } : m;
      })
    );
    await this.deps.store.put({ outbox: next });
    this.deps.changed(next);
  }
};

// server/reach/sms-channel.ts
var CM_DEFAULT_URL = "https://gw.messaging.cm.com/v1.0/message";
function smsReference(messageId) {
  return Buffer.from(messageId, "base64url").toString("hex");
}
function messageIdOfReference(reference) {
  return typeof reference === "string" && /^[0-9a-f]{18}$/.test(reference) ? Buffer.from(reference, "hex").toString("base64url") : null;
}
function cmNumber(e164) {
  return `00${e164.slice(1)}`;
}
function smsChannel({ url, token, sender, fetchTimeoutMs = 15e3 }) {
  return {
    channel: "sms",
    // Small requests: a crash during one repeats at most these few messages.
    batchSize: 10,
    async send(batch, done) {
      const results = /* @__PURE__ */ new Map();
      const byReference = new Map(batch.map((e) => [smsReference(e.message.id), e.message.id]));
      const body = {
        messages: {
          msg: batch.map((envelope) => ({
            from: sender,
            to: [{ number: cmNumber(envelope.message.to) }],
            body: { type: "auto", content: smsText({ grip: envelope.alert.grip, title: envelope.incidentTitle, message: envelope.alert.message, link: envelope.link, english: envelope.english }) },
            reference: smsReference(envelope.message.id)
          }))
        }
      };
      const failAll = async (error, permanent) => {
        await Promise.all(batch.map((envelope) => done(envelope.message.id, { ok: false, error, permanent })));
      };
      let response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json", "X-CM-PRODUCTTOKEN": token },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(fetchTimeoutMs)
        });
      } catch (error) {
        return failAll(`SMS-gateway onbereikbaar: ${error.message}`, false);
      }
      let answer = {};
      try {
        answer = await response.json();
      } catch {
      }
      if (!response.ok && !Array.isArray(answer.messages)) {
        return failAll(`SMS-gateway HTTP ${response.status}: ${String(answer.details ?? response.statusText).slice(0, 200)}`, response.status >= 400 && response.status < 500 && response.status !== 429);
      }
      for (const item of answer.messages ?? []) {
        const id = byReference.get(String(item.reference ?? ""));
        if (!id) continue;
        const accepted = (item.messageErrorCode ?? 0) === 0 && item.status !== "Rejected";
        results.set(id, accepted ? { ok: true } : { ok: false, error: `SMS geweigerd: ${String(item.messageDetails ?? item.status ?? item.messageErrorCode).slice(0, 200)}`, permanent: true });
      }
      for (const envelope of batch) if (!results.has(envelope.message.id)) results.set(envelope.message.id, { ok: false, error: "SMS-gateway bevestigde dit bericht niet", permanent: false });
      await Promise.all([...results].map(([id, result]) => done(id, result)));
    },
    async close() {
    }
  };
}
function readSmsStatus(body) {
  const msg = body?.messages?.msg;
  const items = Array.isArray(msg) ? msg : msg ? [msg] : [];
  const out = [];
  for (const item of items) {
    const messageId = messageIdOfReference(item?.reference);
    const code = String(item?.status?.code ?? "");
    if (!messageId || !["0", "1", "2", "3"].includes(code)) continue;
    const state = code === "2" ? "delivered" : code === "0" ? "sent" : "failed";
    out.push({ messageId, state, error: state === "failed" ? `SMS niet afgeleverd: ${String(item.status?.errorDescription ?? code).slice(0, 200)}` : null });
  }
  return out;
}

// server/reach/reach-service.ts
var linkGone = () => new HttpError(404, "not-found", text("Deze antwoordlink is onbekend of gewijzigd. Gebruik de link uit het bericht zelf, of meld u aan op het bord.", "This answer link is unknown or altered. Use the link from the message itself, or sign in to the board."));
var ReachService = class {
  constructor(deps) {
    this.deps = deps;
    this.links = new AnswerLinks(deps.answerSecret);
    this.publicUrl = deps.publicUrl;
    this.push = deps.senders.find((s) => s.channel === "push");
    this.outbox = new Outbox({
      store: deps.store,
      senders: new Map(deps.senders.map((s) => [s.channel, s])),
      compose: (message) => this.compose(message),
      changed: (messages) => this.onChanged(messages),
      now: deps.now,
      log: deps.log,
      retry: deps.retry,
      tickMs: deps.outboxTickMs,
      duty: deps.duty
    });
    deps.alerts.listen(this);
  }
  deps;
  links;
  outbox;
  push;
  escalationTimer;
  escalating = false;
  pendingStatus = /* @__PURE__ */ new Set();
  statusTimer;
  /** Messages being queued for an alert just sent: stopping waits for them, so none is lost on a clean stop. */
  queuing = /* @__PURE__ */ new Set();
  /** Where answer links point; set at start, or from the listening address when not configured. */
  publicUrl;
  /** The channels switched on by configuration. */
  get channels() {
    return this.deps.senders.map((s) => s.channel);
  }
  start() {
    this.outbox.start();
    this.escalationTimer = setInterval(() => void this.escalateDue(), this.deps.escalationTickMs ?? DEFAULTS.escalationTickMs);
    this.escalationTimer.unref();
  }
  async stop() {
    clearInterval(this.escalationTimer);
    clearTimeout(this.statusTimer);
    await Promise.allSettled([...this.queuing]);
    await this.outbox.stop();
    await Promise.all(this.deps.senders.map((s) => s.close()));
  }
  /**
   * Sends what is due now: new messages queued on another server, or, for the server that just
   * took the duty over, what the one before left (`sending` messages go again with their ids).
   */
  kick() {
    this.outbox.kick();
    void this.escalateDue();
  }
  /** Waits until the outbox has handed over everything due now (tests and the benchmark). */
  idle() {
    return this.outbox.idle();
  }
  // ---- AlertListener: a new alert goes out; an answer cancels what has not gone yet.
  sent(status, _notice) {
    const queued = this.queue(status.alert, status.alert.organisationIds, 0).catch((error) => this.deps.log(`OUTBOX FAILURE: alert ${status.alert.id} not queued: ${error.message}`)).finally(() => this.queuing.delete(queued));
    this.queuing.add(queued);
  }
  changed() {
  }
  acked() {
  }
  /** Messages for the connected coordinators of the given organisations: round 0 on their chosen channels, round 1 on every channel they have. */
  async queue(alert, organisationIds, round) {
    const wanted = new Set(organisationIds);
    const [coordinators, users, subscriptions] = await Promise.all([this.deps.store.list("coordinators"), this.deps.store.list("users"), this.deps.store.list("pushSubscriptions")]);
    const at = this.deps.now().toISOString();
    const messages = [];
    for (const coordinator of coordinators) {
      if (!wanted.has(coordinator.organisationId) || !isConnected(coordinator)) continue;
      for (const channel of round === 0 ? channelsOf(coordinator) : CHANNELS) {
        if (!this.channels.includes(channel)) continue;
        for (const to of this.addresses(coordinator, channel, users, subscriptions)) {
          messages.push({ id: newMessageId(), alertId: alert.id, incidentId: alert.incidentId, organisationId: coordinator.organisationId, coordinatorId: coordinator.id, channel, round, to, state: "queued", attempts: 0, nextAt: at, error: null, createdAt: at, sentAt: null, deliveredAt: null });
        }
      }
    }
    await this.outbox.enqueue(messages);
    if (messages.length === 0) return;
    const counts = Object.fromEntries(this.channels.map((c) => [c, messages.filter((m) => m.channel === c).length]).filter(([, n]) => Number(n) > 0));
    await this.record(alert.incidentId, { type: "alert-outreach", alertId: alert.id, round, organisations: organisationIds.length, messages: counts });
  }
  /** Where a coordinator is reached on a channel: its address, or every device it subscribed. */
  addresses(coordinator, channel, users, subscriptions) {
    if (channel === "email") return coordinator.email && isEmail(coordinator.email) ? [coordinator.email] : [];
    if (channel === "sms") {
      const number = toE164(coordinator.phone ?? "");
      return number && isMobile(number) ? [number] : [];
    }
    const accounts = new Set(users.filter((u) => u.coordinatorId === coordinator.id && u.active).map((u) => u.id));
    return subscriptions.filter((s) => accounts.has(s.userId) && !s.goneAt).map((s) => s.id);
  }
  /** The envelope of a message; null when its organisation has answered meanwhile (nothing left to ask). */
  async compose(message) {
    const alert = await this.deps.store.get("alerts", message.alertId);
    const incident = alert ? await this.deps.store.get("incidents", alert.incidentId) : void 0;
    if (!alert || !incident || incident.status !== "open") return null;
    if (message.state === "queued" && await this.deps.store.get("acknowledgements", `${alert.id}:${message.organisationId}`)) return null;
    const coordinator = await this.deps.store.get("coordinators", message.coordinatorId);
    const organisation = await this.deps.store.get("organisations", message.organisationId);
    const account = (await this.deps.store.list("users")).find((u) => u.coordinatorId === message.coordinatorId);
    const token = this.links.token(message);
    return {
      message,
      token,
      link: `${this.publicUrl}/a/${token}`,
      alert,
      incidentTitle: incident.title,
      organisationName: organisation?.name ?? message.organisationId,
      coordinatorName: coordinator?.name ?? message.coordinatorId,
      english: account?.language === "en"
    };
  }
  // State changes go into the incident log (sent, delivered, failed) and, coalesced, to GHOR's screens.
  onChanged(messages) {
    for (const m of messages) {
      if (m.state === "sent" || m.state === "delivered" || m.state === "failed") {
        void this.deps.store.get("coordinators", m.coordinatorId).then(
          (c) => this.record(m.incidentId, { type: "message-state", alertId: m.alertId, organisationId: m.organisationId, coordinatorId: m.coordinatorId, coordinatorName: c?.name ?? m.coordinatorId, channel: m.channel, round: m.round, state: m.state, ...m.error && m.state === "failed" ? { error: m.error } : {} })
        ).catch((error) => this.deps.log(`message state of ${m.id} not recorded: ${error.message}`));
      }
      this.pendingStatus.add(m.alertId);
    }
    this.statusTimer ??= setTimeout(() => {
      this.statusTimer = void 0;
      const ids = [...this.pendingStatus];
      this.pendingStatus.clear();
      for (const id of ids) void this.deps.alerts.notifyChanged(id).catch((error) => this.deps.log(`alert status ${id} not sent: ${error.message}`));
    }, 250);
  }
  async record(incidentId, event) {
    try {
      await this.deps.rooms.recordEvent(incidentId, "server", event);
    } catch (error) {
      this.deps.log(`LOG FAILURE: incident ${incidentId}: ${event.type} not recorded: ${error.message}`);
    }
  }
  // ---- Answer links.
  /** The message behind a token; an unknown, altered or foreign token is refused. */
  async messageOf(token) {
    const id = this.links.idOf(token);
    const message = id ? await this.deps.store.get("outbox", id) : void 0;
    if (!message || !this.links.verify(token, message)) throw linkGone();
    return message;
  }
  /** What the answer page shows for a token. */
  async view(token) {
    const message = await this.messageOf(token);
    const alert = await this.deps.store.get("alerts", message.alertId);
    const incident = alert ? await this.deps.store.get("incidents", alert.incidentId) : void 0;
    if (!alert || !incident) throw linkGone();
    const [organisation, coordinator, answered] = await Promise.all([
      this.deps.store.get("organisations", message.organisationId),
      this.deps.store.get("coordinators", message.coordinatorId),
      this.deps.store.get("acknowledgements", `${alert.id}:${message.organisationId}`)
    ]);
    return { message, alert, incidentTitle: incident.title, incidentOpen: incident.status === "open", organisationName: organisation?.name ?? message.organisationId, coordinatorName: coordinator?.name ?? message.coordinatorId, answered: answered ?? null };
  }
  /** Answers through a link; the first answer of the organisation stands. */
  async answer(token, answer) {
    const message = await this.messageOf(token);
    return this.deps.alerts.answerByLink(message, answer);
  }
  /** The service worker got the push on the device: the message is delivered. */
  async received(token) {
    const message = await this.messageOf(token);
    if (message.state === "delivered") return;
    await this.outbox.update([{ ...message, state: "delivered", deliveredAt: this.deps.now().toISOString() }]);
  }
  /** A status report of the SMS gateway (CM.com's JSON webhook). Returns how many messages it named. */
  async smsStatus(body) {
    const updates = [];
    for (const status of readSmsStatus(body)) {
      const message = await this.deps.store.get("outbox", status.messageId);
      if (!message || message.channel !== "sms" || message.state === "delivered") continue;
      const at = this.deps.now().toISOString();
      if (status.state === "delivered") updates.push({ ...message, state: "delivered", deliveredAt: at });
      else if (status.state === "failed") updates.push({ ...message, state: "failed", error: status.error, nextAt: "" });
    }
    await this.outbox.update(updates);
    return updates.length;
  }
  // ---- Push subscriptions.
  /** Stores a device's push subscription for a user (the same endpoint again replaces it). */
  async subscribe(user, subscription) {
    const row = { id: createHash2("sha256").update(subscription.endpoint).digest("base64url").slice(0, 22), userId: user.id, endpoint: subscription.endpoint, keys: subscription.keys, createdAt: this.deps.now().toISOString(), goneAt: null };
    await this.deps.store.put({ pushSubscriptions: [row] });
    return row;
  }
  /** Removes a device's subscription of this user. */
  async unsubscribe(user, endpoint) {
    const id = createHash2("sha256").update(endpoint).digest("base64url").slice(0, 22);
    const row = await this.deps.store.get("pushSubscriptions", id);
    if (!row || row.userId !== user.id) return false;
    await this.deps.store.remove("pushSubscriptions", [id]);
    return true;
  }
  /** One-off pushes (no outbox): an urgent need to the GHOR's and admins' devices. */
  async notifyRoles(roles, payload) {
    if (!this.push) return;
    const users = new Map((await this.deps.store.list("users")).filter((u) => u.active && roles.includes(u.role)).map((u) => [u.id, u]));
    const rows = (await this.deps.store.list("pushSubscriptions")).filter((s) => users.has(s.userId) && !s.goneAt);
    await Promise.all(rows.map((row) => this.push.notify(row, payload)));
  }
  /**
   * A need that became urgency "immediate" (new, or raised) goes to the GHOR's and admins'
   * devices at once: the board's sound and toast reach only who has it open.
   */
  async urgentNeeds(incidentId, needs) {
    const urgent = needs.filter((n) => n.fields.urgency === "immediate");
    if (urgent.length === 0 || !this.push) return;
    const incident = await this.deps.store.get("incidents", incidentId);
    if (!incident || incident.status !== "open") return;
    for (const need of urgent) {
      const organisation = need.organisationId ? await this.deps.store.get("organisations", need.organisationId) : void 0;
      const whole = need.now ?? need.fields;
      const kind = typeof whole.kind === "string" ? vocabName("nl", "needKind", whole.kind) : "";
      const what = [kind, whole.description].filter((v) => typeof v === "string" && v).join(": ");
      await this.notifyRoles(["ghor", "admin"], { kind: "need", title: `Directe hulpvraag \xB7 ${incident.title}`, body: `${organisation?.name ?? ""}${what ? ` \u2014 ${what}` : ""}`.slice(0, 300), url: `/incidents/${incidentId}` });
    }
  }
  // ---- Escalation.
  /**
   * One pass of the ladder over the alerts of open incidents. The steps taken are kept on the
   * alert, so a restart resumes where it was: nothing is sent twice, nothing is skipped.
   */
  async escalateDue() {
    if (this.escalating || this.deps.duty && !this.deps.duty.held()) return;
    this.escalating = true;
    try {
      const [alerts, acks, incidents] = await Promise.all([this.deps.store.list("alerts"), this.deps.store.list("acknowledgements"), this.deps.store.list("incidents")]);
      const open = new Set(incidents.filter((i) => i.status === "open").map((i) => i.id));
      const answered = new Set(acks.map((a) => `${a.alertId}:${a.organisationId}`));
      const now = this.deps.now().getTime();
      for (const alert of alerts) {
        if (!open.has(alert.incidentId) || alert.msgType === "Cancel") continue;
        const after = (alert.escalateAfterMin ?? this.deps.escalateAfterMin) * 6e4;
        const waited = now - Date.parse(alert.sentAt);
        if (waited < after) continue;
        const again = [];
        for (const organisationId of alert.organisationIds) {
          if (answered.has(`${alert.id}:${organisationId}`)) continue;
          const step = alert.escalation?.[organisationId]?.step ?? 0;
          if (step < 1 && await this.deps.alerts.escalate(alert.id, organisationId, 1)) again.push(organisationId);
          if (step < 2 && waited >= 2 * after) await this.deps.alerts.escalate(alert.id, organisationId, 2);
        }
        if (again.length > 0) await this.queue(alert, again, 1);
      }
    } catch (error) {
      this.deps.log(`ESCALATION FAILURE: ${error.message}`);
    } finally {
      this.escalating = false;
    }
  }
};

// server/http/reach-routes.ts
import { createHmac as createHmac2, timingSafeEqual as timingSafeEqual3 } from "node:crypto";
import { Router as Router8 } from "express";
function smsStatusKey(secret) {
  return createHmac2("sha256", secret).update("sms-status").digest().subarray(0, 16).toString("base64url");
}
function reachRoutes({ reach, alerts, store, answerSecret, vapidPublicKey }) {
  const router = Router8();
  const statusKey = Buffer.from(smsStatusKey(answerSecret));
  router.get("/reach", requireRole(), (_req, res) => {
    res.json({ data: { channels: reach?.channels ?? [], vapidPublicKey: reach?.channels.includes("push") ? vapidPublicKey : null } });
  });
  router.post("/push/subscriptions", requireRole(), async (req, res) => {
    if (!reach?.channels.includes("push")) throw new HttpError(409, "conflict", text("Meldingen op toestellen staan op deze server uit.", "Device notifications are switched off on this server."));
    const r = new FieldReader(req.body);
    const endpoint = r.string("endpoint", { max: 1e3 });
    const keys = req.body?.keys;
    const p256dh = typeof keys?.p256dh === "string" && /^[A-Za-z0-9_-]{80,100}$/.test(keys.p256dh) ? keys.p256dh : void 0;
    const auth = typeof keys?.auth === "string" && /^[A-Za-z0-9_-]{16,30}$/.test(keys.auth) ? keys.auth : void 0;
    if (!p256dh || !auth) r.issues.push({ path: "keys", text: text("de sleutels van het abonnement ontbreken of kloppen niet", "the subscription keys are missing or wrong") });
    if (endpoint && !/^https?:\/\//.test(endpoint)) r.issues.push({ path: "endpoint", text: text("het adres van de pushdienst moet met https:// beginnen", "the push service address must start with https://") });
    const checked = r.done({ endpoint: endpoint ?? "" });
    if (!checked.ok) throw invalidInput(checked.issues);
    const row = await reach.subscribe(req.user, { endpoint: checked.value.endpoint, keys: { p256dh, auth } });
    res.status(201).json({ data: { id: row.id } });
  });
  router.delete("/push/subscriptions", requireRole(), async (req, res) => {
    const endpoint = req.body?.endpoint;
    if (typeof endpoint !== "string") throw invalidInput([{ path: "endpoint", text: text("is verplicht", "is required") }]);
    res.json({ data: { removed: await reach?.unsubscribe(req.user, endpoint) ?? false } });
  });
  router.post("/reach/sms-status/:key", async (req, res) => {
    const given = Buffer.from(String(req.params.key));
    if (given.length !== statusKey.length || !timingSafeEqual3(given, statusKey)) throw new HttpError(404, "not-found", text("Onbekend adres.", "Unknown address."));
    const named = await reach?.smsStatus(req.body) ?? 0;
    res.json({ data: { updated: named } });
  });
  router.get("/me/contact", requireRole("coordinator"), async (req, res) => {
    const coordinator = req.user.coordinatorId ? await store.get("coordinators", req.user.coordinatorId) : void 0;
    if (!coordinator) throw new HttpError(404, "not-found", text("Aan dit account hangt geen crisisco\xF6rdinator uit het register.", "No crisis coordinator of the registry belongs to this account."));
    res.json({ data: coordinator });
  });
  router.patch("/me/contact", requireRole("coordinator"), async (req, res) => {
    const coordinator = req.user.coordinatorId ? await store.get("coordinators", req.user.coordinatorId) : void 0;
    if (!coordinator) throw new HttpError(404, "not-found", text("Aan dit account hangt geen crisisco\xF6rdinator uit het register.", "No crisis coordinator of the registry belongs to this account."));
    const body = req.body ?? {};
    const own2 = Object.fromEntries(["phone", "email", "channels"].filter((k) => Object.hasOwn(body, k)).map((k) => [k, body[k]]));
    const whole = checkCoordinator({ ...coordinator, ...own2 }, false);
    if (!whole.ok) throw invalidInput(whole.issues);
    const next = { ...coordinator, ...whole.value, id: coordinator.id, organisationId: coordinator.organisationId };
    await store.put({ coordinators: [next] });
    res.json({ data: next });
  });
  router.patch("/alerts/:id", requireRole("ghor", "admin"), async (req, res) => {
    const checked = checkEscalationInput(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    res.json({ data: await alerts.setEscalation(req.user, String(req.params.id), checked.value.escalateAfterMin) });
  });
  return router;
}

// server/http/introduction-routes.ts
import { Router as Router9 } from "express";

// shared/introduction.ts
var INTRO_CHAPTERS = ["ghor-and-grip", "alerting", "answering", "reporting", "afterwards"];
function nextIntroStep(progress) {
  if (progress?.completedAt) return { kind: "done" };
  const unread = INTRO_CHAPTERS.find((c) => !progress?.chaptersRead.includes(c));
  if (unread) return { kind: "chapter", chapter: unread };
  if (!progress?.practiceAlert?.answeredAt) return { kind: "practice-alert" };
  if (!progress.practiceReport) return { kind: "practice-report" };
  return { kind: "complete" };
}
function introMinutes(chapters) {
  return chapters.reduce((sum, c) => sum + c.minutes, 0) + PRACTICE_MINUTES;
}
var PRACTICE_MINUTES = 4;
var TRAINING_TITLE = { nl: "Oefenbord introductie", en: "Introduction training board" };
var PRACTICE_MESSAGE = {
  nl: "OEFENING. Dit is het oefenalarm van uw introductie. Stel dat er een grote stroomstoring is in uw gemeente. Bent u getroffen? Kies een antwoord zoals u dat in een echte crisis zou doen.",
  en: "EXERCISE. This is the practice alert of your introduction. Suppose there is a major power cut in your municipality. Are you hit? Choose an answer as you would in a real crisis."
};
var DEFAULT_CHAPTERS = [
  {
    id: "ghor-and-grip",
    minutes: 3,
    title: { nl: "Wat de GHOR doet, en wanneer GRIP geldt", en: "What the GHOR does, and when GRIP applies" },
    body: {
      nl: `De **GHOR** (Geneeskundige Hulpverleningsorganisatie in de Regio) zorgt dat de zorg in de regio tijdens een ramp of crisis blijft werken. Zij brengt de zorgorganisaties bij elkaar, houdt het totaalbeeld bij en adviseert de crisisorganisatie van de veiligheidsregio.

## GRIP
De veiligheidsregio schaalt op met de **Geco\xF6rdineerde Regionale Incidentbestrijdings Procedure** (GRIP):

- **GRIP 1**: een incident ter plaatse; de hulpdiensten werken samen op de plek zelf.
- **GRIP 2**: het incident raakt de omgeving; vanaf nu alarmeert de GHOR de zorgorganisaties die het kan raken.
- **GRIP 3 en 4**: een of meer gemeenten zijn getroffen; de burgemeester of de voorzitter van de veiligheidsregio leidt.

## Uw rol
U bent het aanspreekpunt van uw organisatie. De GHOR rekent erop dat u bereikbaar bent, snel antwoordt en de toestand van uw locaties meldt. Zorg dat uw telefoonnummer en e-mailadres in Zorgbeeld kloppen (**Mijn gegevens**).`,
      en: `The **GHOR** (the region's medical emergency organisation) keeps care in the region working during a disaster or crisis. It brings the care organisations together, keeps the overall picture and advises the safety region's crisis organisation.

## GRIP
The safety region scales up with the **coordinated regional incident procedure** (GRIP):

- **GRIP 1**: an incident on site; the emergency services work together at the scene.
- **GRIP 2**: the incident affects the surroundings; from now on the GHOR alerts the care organisations it may affect.
- **GRIP 3 and 4**: one or more municipalities are hit; the mayor or the chair of the safety region leads.

## Your role
You are your organisation's point of contact. The GHOR counts on you to be reachable, to answer quickly and to report the state of your locations. Make sure your phone number and e-mail address in Zorgbeeld are right (**My details**).`
    }
  },
  {
    id: "alerting",
    minutes: 3,
    title: { nl: "Hoe de alarmering werkt vanaf GRIP 2", en: "How alerting works from GRIP 2" },
    body: {
      nl: `Vanaf GRIP 2 stuurt de GHOR een **alarm** naar de organisaties in het getroffen gebied, of naar een hele sector. Het alarm bereikt u op alle manieren tegelijk:

- in Zorgbeeld zelf, als de pagina open is (met geluid);
- als melding op uw telefoon, als u meldingen op dit apparaat aanzet;
- per **sms** en **e-mail**, met een link waarmee u zonder inloggen antwoordt.

## Als u niet antwoordt
Antwoordt niemand van uw organisatie binnen een paar minuten, dan gaat er een **herinnering** en belt de GHOR u. E\xE9n antwoord van \xE9\xE9n co\xF6rdinator is genoeg voor de hele organisatie.

## Een oefening
Een oefenalarm is altijd herkenbaar aan het woord **OEFENING**. Antwoord er net zo op als op een echt alarm.`,
      en: `From GRIP 2 the GHOR sends an **alert** to the organisations in the affected area, or to a whole sector. The alert reaches you in every way at once:

- in Zorgbeeld itself, when the page is open (with a sound);
- as a notification on your phone, when you turn on notifications on this device;
- by **SMS** and **e-mail**, with a link that lets you answer without signing in.

## If you do not answer
If nobody of your organisation answers within a few minutes, a **reminder** goes out and the GHOR calls you. One answer by one coordinator is enough for the whole organisation.

## An exercise
A practice alert always says **EXERCISE**. Answer it just like a real alert.`
    }
  },
  {
    id: "answering",
    minutes: 2,
    title: { nl: "Een alarm beantwoorden", en: "Answering an alert" },
    body: {
      nl: `Een alarm stelt \xE9\xE9n vraag: **is uw organisatie getroffen?** Er zijn drie antwoorden, elk \xE9\xE9n tik:

1. **Ja, getroffen**: u gaat direct naar uw locaties om te melden wat er aan de hand is.
2. **Nee, niet getroffen**: de GHOR weet dat het bij u goed gaat; u hoeft verder niets te doen.
3. **Weet ik nog niet**: de GHOR weet dat u het alarm hebt; meld zodra u het weet.

Ook "nee, niet getroffen" is een belangrijk antwoord: de GHOR hoeft u dan niet te bellen en kan zich richten op wie hulp nodig heeft.`,
      en: `An alert asks one question: **is your organisation hit?** There are three answers, each one tap:

1. **Yes, hit**: you go straight to your locations to report what is going on.
2. **No, not hit**: the GHOR knows you are fine; you need not do anything else.
3. **Don't know yet**: the GHOR knows you have the alert; report as soon as you know.

"No, not hit" is an important answer too: the GHOR need not call you and can turn to those who need help.`
    }
  },
  {
    id: "reporting",
    minutes: 3,
    title: { nl: "Impact, capaciteit en behoeften melden", en: "Reporting impact, capacity and needs" },
    body: {
      nl: `Op het **bord** van het incident staan uw locaties op de kaart en in een lijst. Per locatie meldt u:

- **impact**: geen, gering, groot of kritiek;
- **bedrijfsvoering**: normaal, beperkt, binnen blijven, evacueert, ge\xEBvacueerd of gesloten;
- **voorzieningen**: stroom, water, verwarming, telefonie en data;
- **capaciteit**: bedden vrij, hoeveel cli\xEBnten u kunt opnemen, cli\xEBnten aanwezig, te evacueren, stroomafhankelijk;
- **behoeften**: wat u nodig hebt (stroom, vervoer, personeel, medicatie \u2026) en hoe dringend.

Wat u invult is meteen bij de GHOR, ook als uw verbinding slecht is: Zorgbeeld bewaart het en stuurt het door zodra het kan. Een vinkje met de tijd laat zien dat het is aangekomen. Meld opnieuw als er iets verandert.`,
      en: `The incident's **board** shows your locations on the map and in a list. For each location you report:

- **impact**: none, minor, major or critical;
- **operations**: normal, limited, shelter in place, evacuating, evacuated or closed;
- **utilities**: power, water, heating, telecom;
- **capacity**: beds free, how many clients you can receive, clients present, to evacuate, power-dependent;
- **needs**: what you need (power, transport, staff, medication \u2026) and how urgently.

What you enter reaches the GHOR at once, even on a bad connection: Zorgbeeld keeps it and sends it as soon as it can. A tick with the time shows it arrived. Report again when something changes.`
    }
  },
  {
    id: "afterwards",
    minutes: 2,
    title: { nl: "Na het incident", en: "After the incident" },
    body: {
      nl: `Als de GHOR het incident afsluit, wordt het bord alleen-lezen. Alles wat er gebeurde is vastgelegd: wie wat wanneer meldde.

- De GHOR **evalueert** het incident met die vastlegging en kan elk moment terugkijken.
- U krijgt de vraag mee te denken in de evaluatie van uw organisatie.
- Tussen crises houdt de GHOR contact met partnergesprekken, informatiesessies en themabijeenkomsten.

Na deze hoofdstukken oefent u \xE9\xE9n keer: een **oefenalarm** en een **oefenmelding** op een oefenbord. Daarna bent u aangesloten op de alarmering.`,
      en: `When the GHOR closes the incident, the board becomes read-only. Everything that happened is recorded: who reported what and when.

- The GHOR **reviews** the incident with that record and can look back at any moment.
- You are asked to take part in your organisation's review.
- Between crises the GHOR keeps in touch through partner talks, information sessions and theme meetings.

After these chapters you practise once: a **practice alert** and a **practice report** on a training board. Then you are connected to the alerting.`
    }
  }
];

// server/http/introduction-routes.ts
async function introChapters(store) {
  const edited = new Map((await store.list("introTexts")).map((t) => [t.id, t]));
  return DEFAULT_CHAPTERS.map((c) => edited.get(c.id) ?? c);
}
function introductionRoutes({ store, alerts, now }) {
  const router = Router9();
  const signedIn = requireRole();
  const coordinatorOnly = requireRole("coordinator");
  const admin = requireRole("admin");
  const ownCoordinator = async (req) => {
    const user = req.user;
    const coordinator = user.coordinatorId ? await store.get("coordinators", user.coordinatorId) : void 0;
    if (!coordinator || coordinator.organisationId !== user.organisationId || !coordinator.active) {
      throw new HttpError(409, "conflict", text("Uw account is niet gekoppeld aan een co\xF6rdinator in het register. Vraag de GHOR dit te doen; daarna kunt u de introductie volgen.", "Your account is not linked to a coordinator in the registry. Ask the GHOR to do so; then you can take the introduction."));
    }
    return coordinator;
  };
  const progressOf = async (req, coordinator) => await store.get("introProgress", coordinator.id) ?? { id: coordinator.id, userId: req.user.id, startedAt: now().toISOString(), chaptersRead: [], practiceAlert: null, practiceReport: null, completedAt: coordinator.introCompletedAt };
  const mayStart = (coordinator) => {
    if (intakeStage(coordinator) === "day-course") {
      throw new HttpError(409, "conflict", text("U volgt de introductie na de dagcursus voor informatieco\xF6rdinatoren. De GHOR zet de datum van uw dagcursus in het register; daarna kunt u beginnen.", "You take the introduction after the day course for information coordinators. The GHOR enters the date of your day course in the registry; then you can begin."));
    }
  };
  const answer = (coordinator, progress) => ({
    stage: intakeStage(coordinator),
    kind: coordinator.kind ?? "crisis",
    dayCourseOn: coordinator.dayCourseOn ?? null,
    progress,
    next: nextIntroStep(progress)
  });
  router.get("/introduction", signedIn, async (req, res) => {
    const chapters = await introChapters(store);
    const own2 = req.user.role === "coordinator" && req.user.coordinatorId ? await store.get("coordinators", req.user.coordinatorId) : void 0;
    const mine = own2 && own2.organisationId === req.user.organisationId ? answer(own2, await progressOf(req, own2)) : null;
    res.json({ data: { chapters, minutes: introMinutes(chapters), trainingTitle: TRAINING_TITLE, practiceMessage: PRACTICE_MESSAGE, mine } });
  });
  const chapterParam = (req) => {
    const id = String(req.params.id);
    if (!INTRO_CHAPTERS.includes(id)) throw new HttpError(404, "not-found", text("Dit hoofdstuk bestaat niet.", "This chapter does not exist."));
    return id;
  };
  router.post("/introduction/chapters/:id/read", coordinatorOnly, async (req, res) => {
    const chapter = chapterParam(req);
    const coordinator = await ownCoordinator(req);
    mayStart(coordinator);
    const progress = await progressOf(req, coordinator);
    const next = { ...progress, chaptersRead: INTRO_CHAPTERS.filter((c) => c === chapter || progress.chaptersRead.includes(c)) };
    await store.put({ introProgress: [next] });
    res.json({ data: answer(coordinator, next) });
  });
  router.post("/introduction/practice-alert", coordinatorOnly, async (req, res) => {
    const coordinator = await ownCoordinator(req);
    mayStart(coordinator);
    const progress = await progressOf(req, coordinator);
    if (progress.chaptersRead.length < INTRO_CHAPTERS.length) {
      throw new HttpError(409, "conflict", text("Lees eerst alle hoofdstukken; daarna komt het oefenalarm.", "Read every chapter first; the practice alert comes after them."));
    }
    const next = progress.practiceAlert ? progress : { ...progress, practiceAlert: { sentAt: now().toISOString(), answeredAt: null, answer: null } };
    if (next !== progress) await store.put({ introProgress: [next] });
    res.json({ data: answer(coordinator, next) });
  });
  router.post("/introduction/practice-alert/answer", coordinatorOnly, async (req, res) => {
    const coordinator = await ownCoordinator(req);
    const r = new FieldReader(req.body);
    const given = r.oneOf("answer", ACK_ANSWERS);
    if (r.issues.length > 0) throw invalidInput(r.issues);
    const progress = await progressOf(req, coordinator);
    if (!progress.practiceAlert) throw new HttpError(409, "conflict", text("Er is nog geen oefenalarm verstuurd.", "No practice alert has been sent yet."));
    const next = { ...progress, practiceAlert: { ...progress.practiceAlert, answeredAt: now().toISOString(), answer: given } };
    await store.put({ introProgress: [next] });
    res.json({ data: answer(coordinator, next) });
  });
  router.post("/introduction/practice-report", coordinatorOnly, async (req, res) => {
    const coordinator = await ownCoordinator(req);
    const progress = await progressOf(req, coordinator);
    if (!progress.practiceAlert?.answeredAt) throw new HttpError(409, "conflict", text("Beantwoord eerst het oefenalarm.", "Answer the practice alert first."));
    const body = typeof req.body === "object" && req.body !== null ? req.body : {};
    const location = typeof body.locationId === "string" && isValidId(body.locationId) ? await store.get("locations", body.locationId) : void 0;
    if (!location || location.organisationId !== coordinator.organisationId || !location.active) {
      throw invalidInput([{ path: "locationId", text: text("kies een locatie van uw eigen organisatie", "choose a location of your own organisation") }]);
    }
    const report = typeof body.report === "object" && body.report !== null ? body.report : {};
    const issues = Object.entries(report).flatMap(([field, value]) => {
      const check = REPORT_FIELD_CHECKS.get(field);
      if (!check) return [{ path: `report.${field.slice(0, 40)}`, text: text("dit veld bestaat niet in een melding", "this field does not exist in a report") }];
      return value === null || check(value) ? [] : [{ path: `report.${field}`, text: text("deze waarde kan niet; kies een van de knoppen of vul een geldig getal in", "this value is not possible; choose one of the buttons or enter a valid number") }];
    });
    if (typeof report.impact !== "string" || report.impact === "unknown") issues.push({ path: "report.impact", text: text("kies de impact op deze locatie (geen, gering, groot of kritiek)", "choose the impact on this location (none, minor, major or critical)") });
    if (issues.length > 0) throw invalidInput(issues);
    const next = { ...progress, practiceReport: { at: now().toISOString(), locationId: location.id, impact: String(report.impact) } };
    await store.put({ introProgress: [next] });
    res.json({ data: answer(coordinator, next) });
  });
  router.post("/introduction/complete", coordinatorOnly, async (req, res) => {
    const coordinator = await ownCoordinator(req);
    mayStart(coordinator);
    const progress = await progressOf(req, coordinator);
    const step = nextIntroStep(progress);
    if (step.kind !== "complete" && step.kind !== "done") {
      throw new HttpError(409, "conflict", text("De introductie is nog niet af: lees alle hoofdstukken en doe het oefenalarm en de oefenmelding.", "The introduction is not finished: read every chapter and do the practice alert and the practice report."));
    }
    const at = now().toISOString();
    const done = { ...progress, completedAt: progress.completedAt ?? at };
    const connected = { ...coordinator, introCompletedAt: coordinator.introCompletedAt ?? at };
    await store.put({ introProgress: [done], coordinators: [connected] });
    alerts.coordinatorConnected(connected.id);
    res.json({ data: answer(connected, done) });
  });
  router.put("/introduction/chapters/:id", admin, async (req, res) => {
    const id = chapterParam(req);
    const r = new FieldReader(req.body);
    const title = { nl: r.string("titleNl", { max: 200 }), en: r.string("titleEn", { max: 200 }) };
    const body = { nl: r.string("bodyNl", { max: 2e4, trim: false }), en: r.string("bodyEn", { max: 2e4, trim: false }) };
    const minutes = r.number("minutes", { min: 1, max: 30, integer: true });
    if (r.issues.length > 0) throw invalidInput(r.issues);
    const chapter = { id, title, body, minutes, updatedBy: req.user.username, updatedAt: now().toISOString() };
    await store.put({ introTexts: [chapter] });
    res.json({ data: chapter });
  });
  router.delete("/introduction/chapters/:id", admin, async (req, res) => {
    const id = chapterParam(req);
    await store.remove("introTexts", [id]);
    res.json({ data: DEFAULT_CHAPTERS.find((c) => c.id === id) });
  });
  return router;
}

// server/http/invitation-routes.ts
import { createHash as createHash3, randomBytes as randomBytes8, randomUUID as randomUUID2 } from "node:crypto";
import { Router as Router10 } from "express";
var INVITATION_DAYS = 14;
var hashOf = (token) => createHash3("sha256").update(token).digest("hex");
function usernameFor(email, name, taken) {
  const base = (email.split("@")[0] || name).toLowerCase().normalize("NFD").replace(/[^a-z0-9._-]+/g, ".").replace(/^\.+|\.+$/g, "").slice(0, 40) || "coordinator";
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}${n}`;
  return candidate;
}
function invitationRoutes({ store, sessions, mailer, publicUrl, now }) {
  const router = Router10();
  const admin = requireRole("admin");
  router.post("/coordinators/:id/invitation", admin, async (req, res) => {
    const id = String(req.params.id);
    const coordinator = isValidId(id) ? await store.get("coordinators", id) : void 0;
    if (!coordinator) throw new HttpError(404, "not-found", text("Deze co\xF6rdinator bestaat niet.", "This coordinator does not exist."));
    if (!coordinator.active) throw new HttpError(409, "conflict", text("Deze co\xF6rdinator is niet actief; zet hem eerst weer actief.", "This coordinator is not active; reactivate it first."));
    const users = await store.list("users");
    const at = now();
    let user = users.find((u) => u.coordinatorId === coordinator.id);
    if (user && !user.active) throw new HttpError(409, "conflict", text(`Het account '${user.username}' van deze co\xF6rdinator is uitgezet; zet het eerst weer aan.`, `The account '${user.username}' of this coordinator is deactivated; reactivate it first.`));
    if (!user) {
      const taken = new Set(users.map((u) => u.username.toLowerCase()));
      user = { id: randomUUID2(), username: usernameFor(coordinator.email, coordinator.name, taken), displayName: coordinator.name, role: "coordinator", organisationId: coordinator.organisationId, coordinatorId: coordinator.id, active: true, passwordHash: await hashPassword(generatePassword(24)), createdAt: at.toISOString() };
    }
    const token = randomBytes8(24).toString("base64url");
    const earlier = (await store.list("invitations")).filter((i) => i.userId === user.id && i.usedAt === null).map((i) => ({ ...i, usedAt: at.toISOString() }));
    const invitation = { id: hashOf(token), userId: user.id, coordinatorId: coordinator.id, createdAt: at.toISOString(), expiresAt: new Date(at.getTime() + INVITATION_DAYS * 864e5).toISOString(), usedAt: null };
    await store.put({ users: [user], invitations: [...earlier, invitation], coordinators: [{ ...coordinator, invitedAt: at.toISOString() }] });
    const link = `${publicUrl()}/welcome#${token}`;
    const organisation = await store.get("organisations", coordinator.organisationId);
    let mailed = { ok: false, error: "no-address" };
    if (mailer.configured && coordinator.email) {
      const until = regionDateTime(invitation.expiresAt, "nl");
      const lines = [`Beste ${coordinator.name},`, "", `De GHOR nodigt u uit voor Zorgbeeld, het crisisbord van de zorg in de regio, als ${coordinator.kind === "information" ? "informatieco\xF6rdinator" : "crisisco\xF6rdinator"} van ${organisation?.name ?? coordinator.organisationId}.`, "", `Stel hier uw wachtwoord in (de link werkt \xE9\xE9n keer, tot ${until}):`, link, "", `Uw gebruikersnaam is: ${user.username}`, "", "Daarna volgt u de digitale introductie van ongeveer een kwartier. Pas als die af is, bent u aangesloten op de alarmering.", "", "Dit bericht is verstuurd door Zorgbeeld namens de GHOR."];
      const result = await mailer.send({
        to: coordinator.email,
        subject: "Uitnodiging voor Zorgbeeld en de digitale introductie",
        text: lines.join("\n"),
        html: `<!doctype html><html lang="nl"><body style="font-family:system-ui,sans-serif;font-size:16px">${lines.map((l) => l === link ? `<p><a href="${escapeMarkup(link)}" style="display:inline-block;background:#1d3a6e;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:700">Wachtwoord instellen</a></p>` : l ? `<p>${escapeMarkup(l)}</p>` : "").join("")}</body></html>`
      });
      mailed = result.ok ? { ok: true } : { ok: false, error: result.error };
    }
    res.status(201).json({ data: { username: user.username, link, expiresAt: invitation.expiresAt, mailed: mailed.ok, mailError: mailed.ok ? null : mailed.error, invitedAt: at.toISOString() } });
  });
  const openInvitation = async (token) => {
    const found = typeof token === "string" && /^[A-Za-z0-9_-]{20,64}$/.test(token) ? await store.get("invitations", hashOf(token)) : void 0;
    if (!found) throw new HttpError(404, "not-found", text("Deze uitnodigingslink klopt niet. Kopieer de hele link uit de e-mail, of vraag de GHOR om een nieuwe.", "This invitation link is not right. Copy the whole link from the e-mail, or ask the GHOR for a new one."));
    if (found.usedAt !== null) throw new HttpError(410, "gone", text("Deze uitnodigingslink is al gebruikt of vervangen door een nieuwere. Log in met uw wachtwoord, of vraag de GHOR om een nieuwe link.", "This invitation link has been used or replaced by a newer one. Sign in with your password, or ask the GHOR for a new link."));
    if (Date.parse(found.expiresAt) < now().getTime()) throw new HttpError(410, "gone", text("Deze uitnodigingslink is verlopen. Vraag de GHOR om een nieuwe.", "This invitation link has expired. Ask the GHOR for a new one."));
    const user = await store.get("users", found.userId);
    if (!user || !user.active) throw new HttpError(410, "gone", text("Het account van deze uitnodiging bestaat niet meer.", "The account of this invitation no longer exists."));
    return { invitation: found, user };
  };
  router.get("/invitations/:token", async (req, res) => {
    const { invitation, user } = await openInvitation(req.params.token);
    const organisation = user.organisationId ? await store.get("organisations", user.organisationId) : void 0;
    res.json({ data: { username: user.username, displayName: user.displayName, organisationName: organisation?.name ?? "", expiresAt: invitation.expiresAt } });
  });
  router.post("/invitations/:token", async (req, res) => {
    const { invitation, user } = await openInvitation(req.params.token);
    const r = new FieldReader(req.body);
    const password = r.string("password", { max: 200, trim: false });
    if (password !== void 0 && password.length < 10) r.issues.push({ path: "password", text: text("moet minstens 10 tekens hebben", "must have at least 10 characters") });
    if (r.issues.length > 0) throw invalidInput(r.issues);
    const next = { ...user, passwordHash: await hashPassword(password) };
    await store.put({ users: [next], invitations: [{ ...invitation, usedAt: now().toISOString() }] });
    await sessions.endAllOf(user.id);
    res.append("Set-Cookie", await sessions.create(next));
    res.json({ data: publicUser(next) });
  });
  return router;
}

// server/network/mailer.ts
import nodemailer2 from "nodemailer";
function smtpMailer(smtp) {
  if (!smtp) return { configured: false, send: async () => ({ ok: false, error: "no SMTP relay configured" }), close: () => {
  } };
  const transport = nodemailer2.createTransport({ url: smtp.url, pool: true, maxConnections: 2, connectionTimeout: 1e4, greetingTimeout: 1e4, socketTimeout: 3e4 });
  return {
    configured: true,
    async send(mail) {
      try {
        await transport.sendMail({ from: smtp.from, headers: { "Auto-Submitted": "auto-generated" }, ...mail });
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error.message.slice(0, 300) };
      }
    },
    close: () => transport.close()
  };
}

// server/http/network-routes.ts
import { randomBytes as randomBytes9 } from "node:crypto";
import express3, { Router as Router11 } from "express";

// shared/network-io.ts
var NETWORK_FILES = ["contacts", "meetings"];
var NETWORK_COLUMNS = {
  contacts: ["id", "organisationId", "kind", "date", "ghorPeople", "organisationPeople", "notes", "followUps"],
  meetings: ["id", "kind", "title", "date", "place", "theme", "invited", "attended"]
};
var REQUIRED = {
  contacts: ["organisationId", "kind", "date"],
  meetings: ["kind", "title", "date"]
};
function followUpLine(f) {
  return `${f.due} ${f.done ? "gedaan" : "open"}: ${f.text}`;
}
var FOLLOW_UP_LINE = /^(\S+)\s+(open|gedaan|done):\s*(.+)$/i;
function exportNetworkCsv(file, rows, options = {}) {
  const flat = rows.map((row) => {
    if (file === "contacts") {
      const c = row;
      return { ...c, followUps: c.followUps.map(followUpLine).join("\n") };
    }
    const m = row;
    return { ...m, invited: m.invited.join(" "), attended: m.attended.join(" ") };
  });
  return toCsv(NETWORK_COLUMNS[file], flat, options);
}
function planNetworkImport(file, bytes, known) {
  const source = decodeUtf8(bytes);
  if (source === null) return { ok: false, problem: { line: 0, path: "", text: text('Het bestand is geen UTF-8; sla het op als "CSV UTF-8".', 'The file is not UTF-8; save it as "CSV UTF-8".') } };
  const parsed = parseCsv(source);
  if (!parsed.ok) return { ok: false, problem: { line: parsed.line, path: "", text: parsed.text } };
  const missing = REQUIRED[file].filter((c) => !parsed.header.includes(c));
  if (missing.length > 0) return { ok: false, problem: { line: 1, path: "", text: text(`Kolommen ontbreken in de kopregel: ${missing.join(", ")}`, `Columns missing from the header: ${missing.join(", ")}`) } };
  const problems = [];
  const valid = [];
  const seen = /* @__PURE__ */ new Map();
  for (const { line, values, extra } of parsed.rows) {
    if (extra !== void 0) {
      problems.push({ line, path: "", text: text("de regel heeft meer cellen dan de kopregel", "the row has more cells than the header") });
      continue;
    }
    const id = (values.id ?? "").trim();
    if (id !== "" && !isValidId(id)) {
      problems.push({ line, path: "id", text: text("mag alleen letters, cijfers, - _ en . bevatten (maximaal 64)", "may only contain letters, digits, - _ and . (at most 64)") });
      continue;
    }
    if (id !== "" && seen.has(id)) {
      problems.push({ line, path: "id", text: text(`id '${id}' staat al op regel ${seen.get(id)}`, `id '${id}' already occurs on line ${seen.get(id)}`) });
      continue;
    }
    if (id !== "") seen.set(id, line);
    const before = problems.length;
    if (file === "contacts") {
      const followUps = [];
      (values.followUps ?? "").split(/\r?\n/).map((l) => l.trim()).filter(Boolean).forEach((l, i) => {
        const m = FOLLOW_UP_LINE.exec(l);
        if (!m) problems.push({ line, path: `followUps.${i}`, text: text(`'${l.slice(0, 40)}' is geen afspraak; schrijf per regel bijvoorbeeld "2026-03-01 open: Noodstroomplan toesturen"`, `'${l.slice(0, 40)}' is not a follow-up; write one per line, e.g. "2026-03-01 open: send the emergency power plan"`) });
        else followUps.push({ id: `f${i + 1}`, due: m[1], done: m[2].toLowerCase() !== "open", text: m[3] });
      });
      const checked = checkContact({ ...values, followUps });
      if (!checked.ok) for (const issue of checked.issues) problems.push({ line, path: issue.path, text: issue.text });
      const organisationId = (values.organisationId ?? "").trim();
      if (!known.organisations.has(organisationId)) problems.push({ line, path: "organisationId", text: text(`organisatie '${organisationId.slice(0, 64)}' bestaat niet`, `organisation '${organisationId.slice(0, 64)}' does not exist`) });
      if (problems.length === before && checked.ok) valid.push({ line, id, value: { ...checked.value, organisationId } });
    } else {
      const ids = (cell) => (cell ?? "").split(/[\s,;]+/).filter(Boolean);
      const checked = checkMeeting({ ...values, invited: ids(values.invited), attended: ids(values.attended) }, known.coordinators);
      if (!checked.ok) for (const issue of checked.issues) problems.push({ line, path: issue.path, text: issue.text });
      else {
        const meeting = { place: "", theme: "", invited: [], attended: [], ...checked.value };
        const problem = attendanceProblem(meeting);
        if (problem) problems.push({ line, ...problem });
        else valid.push({ line, id, value: meeting });
      }
    }
  }
  return { ok: true, plan: { rows: parsed.rows.length, valid, problems } };
}

// server/network/meeting-mail.ts
var KIND_NAMES = /* @__PURE__ */ new Map([
  ["information-session", "informatiesessie"],
  ["theme-meeting", "themabijeenkomst"]
]);
function meetingMail(meeting, coordinatorName, organisationName) {
  const day = (/* @__PURE__ */ new Date(`${meeting.date}T12:00:00Z`)).toLocaleDateString("nl-NL", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const kind = KIND_NAMES.get(meeting.kind) ?? "bijeenkomst";
  const lines = [
    `Beste ${coordinatorName},`,
    "",
    `De GHOR nodigt u als co\xF6rdinator van ${organisationName} uit voor de ${kind} "${meeting.title}".`,
    "",
    `Wanneer: ${day}`,
    ...meeting.place ? [`Waar: ${meeting.place}`] : [],
    ...meeting.theme ? [`Thema: ${meeting.theme}`] : [],
    "",
    "Kunt u niet komen? Laat het de GHOR weten, dan houden wij een plaats vrij voor een ander.",
    "",
    "Dit bericht is verstuurd door Zorgbeeld namens de GHOR."
  ];
  return {
    subject: `Uitnodiging ${kind}: ${meeting.title} (${day})`,
    text: lines.join("\n"),
    html: `<!doctype html><html lang="nl"><body style="font-family:system-ui,sans-serif;font-size:16px">${lines.filter(Boolean).map((l) => `<p>${escapeMarkup(l)}</p>`).join("")}</body></html>`
  };
}

// server/network/overview-html.ts
var LABELS2 = {
  nl: {
    title: "Zorgnetwerk in beeld",
    standing: "Stand vandaag",
    organisations: "organisaties",
    locations: "locaties",
    connected: "co\xF6rdinatoren aangesloten",
    ico: "waarvan ICO",
    inIntake: "in intake",
    overdue: "partnergesprekken achterstallig",
    registry: "Netwerk: wat veranderde",
    organisationsAdded: "Organisaties erbij",
    organisationsDeactivated: "Organisaties eraf",
    locationsAdded: "Locaties erbij",
    locationsDeactivated: "Locaties eraf",
    coordinatorsAdded: "Co\xF6rdinatoren erbij",
    coordinatorsLeft: "Co\xF6rdinatoren vertrokken",
    introductions: "Introductie afgerond (aangesloten op de alarmering)",
    contacts: "Contactmomenten",
    partnerTalks: "Partnergesprekken gehouden",
    meetings: "Bijeenkomsten",
    invited: "uitgenodigd",
    attended: "aanwezig",
    incidents: "Incidenten en de reactie van het netwerk",
    alerted: "gealarmeerd",
    acknowledged: "geantwoord",
    medianAck: "mediane antwoordtijd",
    reported: "meldden locaties",
    exercise: "oefening",
    trend: "Twaalf maanden",
    trendContacts: "contactmomenten",
    trendIntros: "introducties",
    trendAttended: "aanwezigen bij bijeenkomsten",
    none: "geen"
  },
  en: {
    title: "Care network at a glance",
    standing: "Standing today",
    organisations: "organisations",
    locations: "locations",
    connected: "coordinators connected",
    ico: "of which ICO",
    inIntake: "in intake",
    overdue: "partner talks overdue",
    registry: "Network: what changed",
    organisationsAdded: "Organisations added",
    organisationsDeactivated: "Organisations removed",
    locationsAdded: "Locations added",
    locationsDeactivated: "Locations removed",
    coordinatorsAdded: "Coordinators added",
    coordinatorsLeft: "Coordinators left",
    introductions: "Introduction completed (connected to the alerting)",
    contacts: "Contact moments",
    partnerTalks: "Partner talks held",
    meetings: "Meetings",
    invited: "invited",
    attended: "attended",
    incidents: "Incidents and the network\u2019s response",
    alerted: "alerted",
    acknowledged: "answered",
    medianAck: "median time to answer",
    reported: "reported locations",
    exercise: "exercise",
    trend: "Twelve months",
    trendContacts: "contact moments",
    trendIntros: "introductions",
    trendAttended: "attendees at meetings",
    none: "none"
  }
};
function monthName(month, lang) {
  return (/* @__PURE__ */ new Date(`${month}-15T12:00:00Z`)).toLocaleDateString(lang === "nl" ? "nl-NL" : "en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
}
function bars(points, colour) {
  const w = 46;
  const h = 90;
  const top = Math.max(1, ...points.map((p) => p.value));
  const cells = points.map((p, i) => {
    const bh = Math.round(p.value / top * h);
    return `<rect x="${i * w + 8}" y="${12 + h - bh}" width="${w - 16}" height="${bh}" fill="${colour}"/><text x="${i * w + w / 2}" y="${10 + h - bh}" text-anchor="middle" font-size="11">${p.value}</text><text x="${i * w + w / 2}" y="${h + 26}" text-anchor="middle" font-size="10">${escapeMarkup(p.label)}</text>`;
  }).join("");
  return `<svg role="img" viewBox="0 0 ${points.length * w} ${h + 32}" width="100%" height="${h + 32}">${cells}</svg>`;
}
function overviewHtml(o, lang) {
  const t = LABELS2[lang];
  const list = (rows) => rows.length === 0 ? `<p class="muted">${t.none}</p>` : `<ul>${rows.map((r) => `<li>${escapeMarkup(r.name)} <span class="muted">${escapeMarkup(r.organisationName)}</span></li>`).join("")}</ul>`;
  const tiles = [
    [o.standing.organisations, t.organisations],
    [o.standing.locations, t.locations],
    [o.standing.connected, t.connected],
    [o.standing.ico, t.ico],
    [o.standing.inIntake, t.inIntake],
    [o.standing.partnerTalksOverdue, t.overdue]
  ].map(([n, label]) => `<div class="tile"><strong>${n}</strong><span>${label}</span></div>`).join("");
  const registry = ["organisationsAdded", "organisationsDeactivated", "locationsAdded", "locationsDeactivated", "coordinatorsAdded", "coordinatorsLeft"].map((key) => `<div><h3>${t[key]} (${o.registry[key].length})</h3>${list(o.registry[key].slice(0, 12))}${o.registry[key].length > 12 ? `<p class="muted">+ ${o.registry[key].length - 12}</p>` : ""}</div>`).join("");
  const shortMonth = (m) => (/* @__PURE__ */ new Date(`${m}-15T12:00:00Z`)).toLocaleDateString(lang === "nl" ? "nl-NL" : "en-GB", { month: "short", timeZone: "UTC" });
  const incidents = o.incidents.length === 0 ? `<p class="muted">${t.none}</p>` : `<table><thead><tr><th></th><th>GRIP</th><th>${t.alerted}</th><th>${t.acknowledged}</th><th>${t.medianAck}</th><th>${t.reported}</th></tr></thead><tbody>${o.incidents.map((i) => `<tr><td>${escapeMarkup(i.title)}${i.exercise ? ` <span class="muted">(${t.exercise})</span>` : ""}</td><td>${i.grip}</td><td>${i.alerted}</td><td>${i.acknowledged}${i.alerted ? ` (${Math.round(100 * i.acknowledged / i.alerted)} %)` : ""}</td><td>${formatDuration(i.medianAckMs)}</td><td>${i.reported}${i.alerted ? ` (${Math.round(100 * i.reported / i.alerted)} %)` : ""}</td></tr>`).join("")}</tbody></table>`;
  const most = Math.max(1, ...CONTACT_KINDS.map((k) => o.contacts.byKind[k]));
  const kindBars = `<table class="kinds"><tbody>${CONTACT_KINDS.map((k) => `<tr><th>${escapeMarkup(vocabName(lang, "contactKind", k))}</th><td><span class="hbar" style="width:${Math.round(70 * o.contacts.byKind[k] / most)}%"></span> ${o.contacts.byKind[k]}</td></tr>`).join("")}</tbody></table>`;
  const day = (d) => (/* @__PURE__ */ new Date(`${d}T12:00:00Z`)).toLocaleDateString(lang === "nl" ? "nl-NL" : "en-GB", { day: "numeric", month: "long", timeZone: "UTC" });
  const meetings = o.meetings.length === 0 ? `<p class="muted">${t.none}</p>` : `<table><tbody>${o.meetings.map((m) => `<tr><td>${escapeMarkup(day(m.date))}</td><td>${escapeMarkup(vocabName(lang, "contactKind", m.kind))}: ${escapeMarkup(m.title)}</td><td>${m.attended} ${t.attended} / ${m.invited} ${t.invited}</td></tr>`).join("")}</tbody></table>`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${t.title} \xB7 ${escapeMarkup(monthName(o.month, lang))}</title>
<style>
  @page { size: A4; margin: 14mm; }
  body { font-family: system-ui, sans-serif; color: #1b1b1b; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; font-size: 14px; }
  h1 { font-size: 1.5rem; margin: 0 0 0.2rem; color: #1d3a6e; } h2 { font-size: 1.1rem; border-bottom: 2px solid #1d3a6e; padding-bottom: 0.15rem; margin-top: 1.4rem; break-after: avoid; } h3 { font-size: 0.95rem; margin: 0.4rem 0 0.2rem; }
  .muted { color: #555; } .tiles { display: grid; grid-template-columns: repeat(6, 1fr); gap: 0.4rem; }
  .tile { border: 1px solid #c9d2e0; border-radius: 6px; padding: 0.4rem; display: flex; flex-direction: column; } .tile strong { font-size: 1.4rem; color: #1d3a6e; }
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0 1rem; } ul { margin: 0; padding-left: 1.1rem; }
  table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #dde3ec; padding: 0.25rem 0.4rem; text-align: left; }
  .kinds { width: auto; min-width: 60%; } .kinds th { font-weight: normal; border: none; width: 11rem; } .kinds td { border: none; }
  .hbar { display: inline-block; height: 0.8rem; background: #1d3a6e; min-width: 2px; vertical-align: middle; }
  section { break-inside: avoid; } @media print { body { margin: 0; } }
</style></head><body>
<h1>${t.title}: ${escapeMarkup(monthName(o.month, lang))}</h1>
<section><h2>${t.standing}</h2><div class="tiles">${tiles}</div></section>
<section><h2>${t.registry}</h2><div class="grid">${registry}</div></section>
<section><h2>${t.introductions} (${o.introductions.length})</h2>${list(o.introductions)}</section>
<section><h2>${t.contacts} (${o.contacts.total})</h2>${kindBars}<h3>${t.partnerTalks} (${o.contacts.partnerTalks.length})</h3>${list(o.contacts.partnerTalks.map((p) => ({ ...p, name: p.organisationName, organisationName: day(p.name) })))}</section>
<section><h2>${t.meetings}</h2>${meetings}</section>
<section><h2>${t.incidents}</h2>${incidents}</section>
<section><h2>${t.trend}</h2><h3>${t.trendContacts}</h3>${bars(o.trend.map((p) => ({ label: shortMonth(p.month), value: p.contacts })), "#1d3a6e")}<h3>${t.trendIntros}</h3>${bars(o.trend.map((p) => ({ label: shortMonth(p.month), value: p.introductions })), "#2e7d32")}<h3>${t.trendAttended}</h3>${bars(o.trend.map((p) => ({ label: shortMonth(p.month), value: p.attended })), "#8a5a00")}</section>
</body></html>`;
}

// server/http/network-routes.ts
function networkRoutes({ store, now, rooms, review, mailer }) {
  const router = Router11();
  const ghor = requireRole("ghor", "admin");
  const organisationOf = async (id) => {
    const organisation = typeof id === "string" && isValidId(id) ? await store.get("organisations", id) : void 0;
    if (!organisation) throw new HttpError(404, "not-found", text("Deze organisatie bestaat niet.", "This organisation does not exist."));
    return organisation;
  };
  const meetingOf = async (id) => {
    const meeting = typeof id === "string" && isValidId(id) ? await store.get("meetings", id) : void 0;
    if (!meeting) throw new HttpError(404, "not-found", text("Deze bijeenkomst bestaat niet.", "This meeting does not exist."));
    return meeting;
  };
  router.get("/organisations/:id/contacts", ghor, async (req, res) => {
    const organisation = await organisationOf(req.params.id);
    const contacts = (await store.list("contacts")).filter((c) => c.organisationId === organisation.id).sort((a, b) => b.date.localeCompare(a.date));
    res.json({ data: { contacts, partnerTalk: partnerTalkStatus(contacts, regionDay(now())) } });
  });
  router.post("/organisations/:id/contacts", ghor, async (req, res) => {
    const organisation = await organisationOf(req.params.id);
    const checked = checkContact(req.body);
    if (!checked.ok) throw invalidInput(checked.issues);
    const at = now().toISOString();
    const contact = {
      ...checked.value,
      id: `contact-${randomBytes9(6).toString("hex")}`,
      organisationId: organisation.id,
      createdBy: req.user.username,
      createdAt: at,
      updatedAt: at
    };
    await store.put({ contacts: [contact] });
    res.status(201).json({ data: contact });
  });
  router.patch("/contacts/:id", ghor, async (req, res) => {
    const id = String(req.params.id);
    const current = isValidId(id) ? await store.get("contacts", id) : void 0;
    if (!current) throw new HttpError(404, "not-found", text("Dit contactmoment bestaat niet.", "This contact moment does not exist."));
    const checked = checkContact(req.body, true);
    if (!checked.ok) throw invalidInput(checked.issues);
    const next = { ...current, ...checked.value, id: current.id, organisationId: current.organisationId, updatedAt: now().toISOString() };
    await store.put({ contacts: [next] });
    res.json({ data: next });
  });
  router.get("/network/attention", ghor, async (_req, res) => {
    const [organisations, coordinators, contacts, meetings, progress] = await Promise.all([store.list("organisations"), store.list("coordinators"), store.list("contacts"), store.list("meetings"), store.list("introProgress")]);
    const read = new Map(progress.map((p) => [p.id, p.chaptersRead.length]));
    res.json({ data: attention({ organisations, coordinators, contacts, meetings, today: regionDay(now()), progress: read }) });
  });
  const overviewOf = async (req) => {
    const asked = req.query.month;
    const today = regionDay(now());
    const month = asked === void 0 || asked === "" ? today.slice(0, 7) : asked;
    if (!isMonth(month)) throw invalidInput([{ path: "month", text: text(`'${String(month).slice(0, 20)}' is geen maand; schrijf JJJJ-MM, bijvoorbeeld 2026-11`, `'${String(month).slice(0, 20)}' is not a month; write YYYY-MM, e.g. 2026-11`) }]);
    const [organisations, locations, coordinators, changes, contacts, meetings, incidents, alerts] = await Promise.all([
      store.list("organisations"),
      store.list("locations"),
      store.list("coordinators"),
      store.list("registryChanges"),
      store.list("contacts"),
      store.list("meetings"),
      store.list("incidents"),
      store.list("alerts")
    ]);
    const figures = [];
    for (const incident of incidents.filter((i) => regionDay(i.startedAt).slice(0, 7) === month)) {
      const metrics = await review.metrics(incident, await rooms.network(incident.id));
      const alerted = metrics.organisations.filter((o) => o.firstAlertAt !== null);
      const own2 = alerts.filter((a) => a.incidentId === incident.id);
      figures.push({
        id: incident.id,
        title: incident.title,
        grip: incident.grip,
        exercise: own2.length > 0 && own2.every((a) => a.exercise),
        startedAt: incident.startedAt,
        alerted: alerted.length,
        acknowledged: alerted.filter((o) => o.acknowledgedAt !== null).length,
        medianAckMs: median(alerted.flatMap((o) => o.timeToAcknowledgeMs === null ? [] : [o.timeToAcknowledgeMs])),
        reported: metrics.organisations.filter((o) => o.firstReportAt !== null).length
      });
    }
    return networkOverview({ month, today, organisations, locations, coordinators, changes, contacts, meetings, incidents: figures });
  };
  router.get("/network/overview", ghor, async (req, res) => {
    res.json({ data: await overviewOf(req) });
  });
  router.get("/network/overview/print", ghor, async (req, res) => {
    const overview = await overviewOf(req);
    res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
    res.type("text/html; charset=utf-8").send(overviewHtml(overview, requestLanguage(req)));
  });
  const fileParam = (value) => {
    if (!NETWORK_FILES.includes(value)) throw new HttpError(404, "not-found", text("Onbekend bestand; kies contacts of meetings.", "Unknown file; choose contacts or meetings."));
    return value;
  };
  router.get("/network/export/:file", ghor, async (req, res) => {
    const file = fileParam(/^(contacts|meetings)\.csv$/.exec(String(req.params.file))?.[1]);
    const rows = file === "contacts" ? (await store.list("contacts")).sort((a, b) => a.organisationId.localeCompare(b.organisationId) || a.date.localeCompare(b.date)) : (await store.list("meetings")).sort((a, b) => a.date.localeCompare(b.date));
    res.setHeader("Content-Disposition", `attachment; filename="zorgbeeld-${file}-${regionDay(now())}.csv"`);
    res.type("text/csv; charset=utf-8").send(exportNetworkCsv(file, rows, { excel: req.query.excel === "1" }));
  });
  router.post("/network/import/:file", ghor, express3.raw({ type: () => true, limit: "10mb" }), async (req, res) => {
    const file = fileParam(req.params.file);
    const commit = req.query.commit === "true";
    const skipInvalid = req.query.skipInvalid === "true";
    const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
    const lang = requestLanguage(req);
    const at = now().toISOString();
    const by = req.user.username;
    let created = 0;
    let updated = 0;
    const stamped = (valid, existing, prefix) => valid.map(({ id, value }) => {
      const before = existing.get(id);
      if (before) updated++;
      else created++;
      return { ...before, ...value, id: id || `${prefix}-${randomBytes9(6).toString("hex")}`, createdBy: before?.createdBy ?? by, createdAt: before?.createdAt ?? at, updatedAt: at };
    });
    const planned = file === "contacts" ? planNetworkImport("contacts", bytes, { organisations: new Set((await store.list("organisations")).map((o) => o.id)) }) : planNetworkImport("meetings", bytes, { coordinators: new Set((await store.list("coordinators")).map((c) => c.id)) });
    if (!planned.ok) throw new HttpError(400, "invalid-import", planned.problem.text);
    const rows = planned.plan.rows;
    const problems = summariseProblems(planned.plan.problems);
    let write;
    if (file === "contacts") {
      const next = stamped(planned.plan.valid, new Map((await store.list("contacts")).map((c) => [c.id, c])), "contact");
      write = () => store.put({ contacts: next });
    } else {
      const next = stamped(planned.plan.valid, new Map((await store.list("meetings")).map((m) => [m.id, m])), "meeting");
      write = () => store.put({ meetings: next });
    }
    if (commit && problems.total > 0 && !skipInvalid) {
      throw new HttpError(422, "invalid-import", text(`${problems.total} fout(en) gevonden; er is niets ge\xEFmporteerd. Verbeter het bestand of kies "alleen geldige regels".`, `${problems.total} problem(s) found; nothing was imported. Fix the file or choose "valid rows only".`), problems.shown.map((p) => ({ path: `line ${p.line}${p.path ? ` ${p.path}` : ""}`, text: p.text })));
    }
    if (commit) await write();
    res.json({ data: { file, rows, valid: created + updated, created, updated, problemCount: problems.total, problemKinds: problems.kinds.map((k) => ({ path: k.path, message: k.text[lang], count: k.count })), problems: problems.shown.map((p) => ({ line: p.line, path: p.path, message: p.text[lang] })), committed: commit } });
  });
  const knownCoordinators = async () => new Set((await store.list("coordinators")).map((c) => c.id));
  const attendedOnlyInvited = (meeting) => {
    const problem = attendanceProblem(meeting);
    if (problem) throw invalidInput([problem]);
  };
  router.get("/meetings", ghor, async (_req, res) => {
    res.json({ data: (await store.list("meetings")).sort((a, b) => b.date.localeCompare(a.date)) });
  });
  router.post("/meetings", ghor, async (req, res) => {
    const checked = checkMeeting(req.body, await knownCoordinators());
    if (!checked.ok) throw invalidInput(checked.issues);
    const at = now().toISOString();
    const meeting = { place: "", theme: "", invited: [], attended: [], ...checked.value, id: `meeting-${randomBytes9(6).toString("hex")}`, createdBy: req.user.username, createdAt: at, updatedAt: at };
    attendedOnlyInvited(meeting);
    await store.put({ meetings: [meeting] });
    res.status(201).json({ data: meeting });
  });
  router.patch("/meetings/:id", ghor, async (req, res) => {
    const current = await meetingOf(req.params.id);
    const checked = checkMeeting(req.body, await knownCoordinators(), true);
    if (!checked.ok) throw invalidInput(checked.issues);
    const next = { ...current, ...checked.value, id: current.id, updatedAt: now().toISOString() };
    attendedOnlyInvited(next);
    await store.put({ meetings: [next] });
    res.json({ data: next });
  });
  router.post("/meetings/:id/invitations", ghor, async (req, res) => {
    const meeting = await meetingOf(req.params.id);
    if (!mailer.configured) throw new HttpError(409, "conflict", text("Er is geen e-mailserver ingesteld (SMTP_URL); nodig de deelnemers op een andere manier uit.", "No mail server is configured (SMTP_URL); invite the participants another way."));
    const again = req.body?.again === true;
    const coordinators = new Map((await store.list("coordinators")).map((c) => [c.id, c]));
    const organisations = new Map((await store.list("organisations")).map((o) => [o.id, o.name]));
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
      const result = await mailer.send({ to: coordinator.email, ...meetingMail(meeting, coordinator.name, organisations.get(coordinator.organisationId) ?? "") });
      mailed.set(coordinatorId, { coordinatorId, at: now().toISOString(), error: result.ok ? null : result.error });
      if (result.ok) sent++;
      else failed++;
    }
    const next = { ...meeting, mailed: [...mailed.values()], updatedAt: now().toISOString() };
    await store.put({ meetings: [next] });
    res.json({ data: { meeting: next, sent, failed, noAddress } });
  });
  return router;
}

// server/app.ts
function isAllowedOrigin({ origin, host, allowed }) {
  if (origin === void 0) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
function createServer(deps) {
  const log2 = deps.log ?? ((m) => console.log(m));
  const now = deps.now ?? (() => /* @__PURE__ */ new Date());
  const { store, cluster } = deps;
  const counters = cluster?.counters ?? memoryCountersOf();
  const sessions = new Sessions({
    store,
    now,
    ttlMs: deps.sessionTtlMs ?? DEFAULTS.sessionTtlMs,
    secureCookies: deps.secureCookies ?? false
  });
  const guard = new SignInGuard({ ...DEFAULT_SIGN_IN_LIMITS, ...deps.signInLimits }, () => now().getTime(), counters("sign-in"));
  const rooms = new Rooms({
    store,
    dataDir: deps.dataDir,
    now,
    log: log2,
    idleMs: deps.roomIdleMs,
    checkpointEvery: deps.checkpointEvery,
    earlyStateWaitMs: deps.earlyStateWaitMs,
    writeBudget: deps.writeBudget,
    storageRetryMs: deps.storageRetryMs,
    shared: deps.cluster ? { pool: deps.cluster.pool, bus: deps.cluster.bus } : void 0,
    // Urgent needs go to the GHOR's devices; the reach service exists once the rooms do.
    onNeeds: (incidentId, needs) => void reach.urgentNeeds(incidentId, needs).catch((error) => log2(`push of urgent needs failed: ${error.message}`))
  });
  const reachConfig = deps.reach ?? { keys: { answerSecret: randomBytes10(32), vapid: { ...webpush2.generateVAPIDKeys(), subject: "mailto:ghor@zorgbeeld.example" } }, publicUrl: "" };
  const alerts = new AlertService({ store, rooms, now, log: log2, escalateAfterMin: reachConfig.escalateAfterMin });
  const senders = [];
  if (reachConfig.smtp) senders.push(emailChannel({ smtpUrl: reachConfig.smtp.url, from: reachConfig.smtp.from, domain: new URL(reachConfig.publicUrl || "http://zorgbeeld.invalid").hostname }));
  if (reachConfig.sms) senders.push(smsChannel(reachConfig.sms));
  if (reachConfig.push) {
    senders.push(
      pushChannel({
        vapid: reachConfig.keys.vapid,
        agent: reachConfig.pushCa ? new HttpsAgent({ ca: [...rootCertificates, reachConfig.pushCa], keepAlive: true }) : void 0,
        subscriptionOf: (id) => store.get("pushSubscriptions", id),
        gone: async (id) => {
          const row = await store.get("pushSubscriptions", id);
          if (row && !row.goneAt) await store.put({ pushSubscriptions: [{ ...row, goneAt: now().toISOString() }] });
        }
      })
    );
  }
  const reach = new ReachService({
    store,
    alerts,
    rooms,
    senders,
    answerSecret: reachConfig.keys.answerSecret,
    publicUrl: reachConfig.publicUrl,
    now,
    log: log2,
    retry: reachConfig.retry,
    outboxTickMs: reachConfig.outboxTickMs,
    escalationTickMs: reachConfig.escalationTickMs,
    escalateAfterMin: reachConfig.escalateAfterMin ?? DEFAULTS.escalateAfterMin,
    duty: cluster?.duty ? { held: () => cluster.duty.held(), elsewhere: () => cluster.bus.publish({ kind: "outbox" }) } : void 0
  });
  reach.start();
  if (cluster) {
    cluster.bus.listen((message) => {
      if (message.kind === "outbox" && cluster.duty?.held()) reach.kick();
      else if (message.kind === "sessions-ended") sessions.endedElsewhere(message.sessionIds);
    });
    sessions.tellOthers = (sessionIds) => cluster.bus.publish({ kind: "sessions-ended", sessionIds: [...sessionIds] });
    cluster.duty?.onGained(() => reach.kick());
  }
  const review = new ReviewService({ store, dataDir: deps.dataDir, log: log2, pool: deps.cluster?.pool });
  const mailer = smtpMailer(reachConfig.smtp);
  const originAllowed = (origin, host) => isAllowedOrigin({ origin, host, allowed: deps.allowedOrigins ?? [] });
  const app = express4();
  app.disable("x-powered-by");
  if (deps.trustProxy !== void 0) app.set("trust proxy", deps.trustProxy);
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    next();
  });
  const api = express4.Router();
  api.use((req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD" && !originAllowed(req.headers.origin, req.headers.host)) {
      throw new HttpError(403, "forbidden", text("Dit verzoek komt van een andere website en is geweigerd.", "This request comes from another website and was refused."));
    }
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
    next();
  });
  api.use(express4.json({ limit: "1mb" }));
  api.use(sessions.middleware());
  api.get("/health", (_req, res) => {
    const health = store.health();
    const logs = rooms.faults().map((s) => ({ incidentId: s.incidentId, error: s.fault.code, since: s.fault.since, failedWrites: s.fault.failedWrites, waitingEvents: s.waitingEvents }));
    const ok = health.ok && logs.length === 0;
    res.status(ok ? 200 : 503).json({ data: { ok, store: health.message, logs } });
  });
  api.get("/config", (_req, res) => {
    res.json({ data: { tileUrl: deps.tileUrl ?? "", tileAttribution: deps.tileAttribution ?? "" } });
  });
  api.use(sessionRoutes({ store, sessions, guard, log: log2, now, secureCookies: deps.secureCookies ?? false }));
  api.use(userRoutes({ store, sessions, now }));
  api.use(registryRoutes({ store, now, log: log2 }));
  api.use(incidentRoutes({ store, rooms, now }));
  api.use(reviewRoutes({ store, rooms, review, now }));
  api.use(alertRoutes({ alerts, store, rooms, sender: deps.capSender ?? "ghor@zorgbeeld.example" }));
  api.use(networkRoutes({ store, now, rooms, review, mailer }));
  api.use(introductionRoutes({ store, alerts, now }));
  api.use(invitationRoutes({ store, sessions, mailer, now, publicUrl: () => reach.publicUrl }));
  api.use(reachRoutes({ reach, alerts, store, answerSecret: reachConfig.keys.answerSecret, vapidPublicKey: reachConfig.keys.vapid.publicKey }));
  api.use((req) => {
    throw new HttpError(404, "not-found", text(`Onbekend adres: ${req.method} ${req.path}`, `Unknown address: ${req.method} ${req.path}`));
  });
  api.use(errorHandler(log2));
  app.use("/api", api);
  app.use("/a", answerPage({ reach, now, log: log2, limits: reachConfig.linkGuard, isAllowedOrigin: originAllowed, counters: counters("answer-links") }));
  if (deps.web) app.use(deps.web);
  const httpServer = createHttpServer(app);
  const upgradeOriginAllowed = (req) => originAllowed(req.headers.origin, req.headers.host);
  const yjs = attachYjsEndpoint({
    httpServer,
    sessions,
    rooms,
    log: log2,
    isAllowedOrigin: upgradeOriginAllowed,
    maxBufferedBytes: deps.yjsMaxBufferedBytes,
    refusalsPerMinute: deps.yjsRefusalsPerMinute,
    refusals: counters("refused-writes"),
    now: () => now().getTime(),
    maxConnectionsPerAddress: deps.maxConnectionsPerAddress
  });
  const expiry = setInterval(() => void sessions.expire().catch((error) => log2(`session expiry failed: ${error.message}`)), 6e4);
  const alertSocket = attachAlertSocket({
    httpServer,
    sessions,
    alerts,
    log: log2,
    isAllowedOrigin: upgradeOriginAllowed,
    maxConnectionsPerAddress: deps.maxConnectionsPerAddress,
    adapter: deps.cluster?.socketAdapter
  });
  httpServer.on("upgrade", (req, socket) => {
    const path = (req.url ?? "").split("?")[0];
    if (!path.startsWith(YJS_PATH) && !path.startsWith(SOCKET_IO_PATH)) rejectUpgrade(socket, "404 Not Found");
  });
  let closing;
  return {
    httpServer,
    rooms,
    reach,
    listen(port, host = "127.0.0.1") {
      return new Promise((resolve2, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
          if (!reach.publicUrl) reach.publicUrl = url.replace("0.0.0.0", "localhost");
          resolve2(url);
        });
      });
    },
    close() {
      closing ??= (async () => {
        clearInterval(expiry);
        await reach.stop();
        mailer.close();
        await rooms.closeAll();
        yjs.close();
        const socketsClosed = alertSocket.close();
        httpServer.closeAllConnections();
        await socketsClosed;
        await deps.cluster?.close();
        await store.close();
      })();
      return closing;
    }
  };
}

// server/reach/secrets.ts
import { randomBytes as randomBytes11 } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join as join3 } from "node:path";
import webpush3 from "web-push";
async function loadReachKeys({ dataDir, vapid, subject, store }) {
  if (store) {
    const pair = webpush3.generateVAPIDKeys();
    const row = await store.putIfAbsent("keys", { id: "reach-keys", answerSecret: randomBytes11(32).toString("base64url"), vapid: { publicKey: pair.publicKey, privateKey: pair.privateKey } });
    return { answerSecret: Buffer.from(row.answerSecret, "base64url"), vapid: { ...vapid ?? row.vapid, subject } };
  }
  const file = join3(dataDir, "keys.json");
  let stored;
  try {
    stored = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    if (error.code !== "ENOENT") throw new Error(`${file} cannot be read (${error.message}); restore it or move it away`);
  }
  if (!stored || typeof stored.answerSecret !== "string" || typeof stored.vapid?.publicKey !== "string") {
    const pair = webpush3.generateVAPIDKeys();
    stored = { answerSecret: randomBytes11(32).toString("base64url"), vapid: { publicKey: pair.publicKey, privateKey: pair.privateKey } };
    await writeFile(`${file}.tmp`, JSON.stringify(stored, null, 2), { mode: 384 });
    await rename(`${file}.tmp`, file);
  }
  return { answerSecret: Buffer.from(stored.answerSecret, "base64url"), vapid: { ...vapid ?? stored.vapid, subject } };
}

// server/seed.ts
import { randomUUID as randomUUID3 } from "node:crypto";

// shared/random.ts
var SeededRandom = class {
  state;
  constructor(seed) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next() {
    this.state = this.state + 1831565813 >>> 0;
    let t = this.state;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** One element of a non-empty list. */
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }
  /** One element, chosen with the given weights. */
  weighted(items, weights) {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }
  /** A normally distributed number (Box–Muller). */
  gaussian(mean = 0, sd = 1) {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
};

// shared/demo-region.ts
var ZUID_LIMBURG = [
  { name: "Maastricht", lat: 50.851, lon: 5.691, population: 121e3 },
  { name: "Heerlen", lat: 50.888, lon: 5.979, population: 87e3 },
  { name: "Sittard", lat: 51, lon: 5.869, population: 37e3 },
  { name: "Geleen", lat: 50.974, lon: 5.83, population: 32e3 },
  { name: "Kerkrade", lat: 50.866, lon: 6.063, population: 45e3 },
  { name: "Landgraaf", lat: 50.908, lon: 6.023, population: 37e3 },
  { name: "Brunssum", lat: 50.946, lon: 5.971, population: 27e3 },
  { name: "Nuth", lat: 50.917, lon: 5.886, population: 15e3 },
  { name: "Schinnen", lat: 50.943, lon: 5.889, population: 13e3 },
  { name: "Schinveld", lat: 50.969, lon: 5.982, population: 5e3 },
  { name: "Stein", lat: 50.969, lon: 5.766, population: 25e3 },
  { name: "Beek", lat: 50.94, lon: 5.796, population: 15e3 },
  { name: "Meerssen", lat: 50.887, lon: 5.751, population: 19e3 },
  { name: "Valkenburg", lat: 50.865, lon: 5.832, population: 16e3 },
  { name: "Eijsden", lat: 50.778, lon: 5.711, population: 11e3 },
  { name: "Margraten", lat: 50.821, lon: 5.82, population: 7e3 },
  { name: "Gulpen", lat: 50.815, lon: 5.889, population: 7e3 },
  { name: "Vaals", lat: 50.771, lon: 6.016, population: 1e4 },
  { name: "Simpelveld", lat: 50.834, lon: 5.98, population: 1e4 },
  { name: "Voerendaal", lat: 50.883, lon: 5.93, population: 12e3 }
];
var PLAN = [
  { sector: "hospital", organisations: 3, locations: [3, 5], kinds: ["ziekenhuis", "polikliniek"], capacity: [80, 700], names: ["Medisch Centrum Heuvelland", "Ziekenhuis Mergelland", "Westmaas Gasthuis"] },
  { sector: "gp-post", organisations: 2, locations: [3, 4], kinds: ["huisartsenpost"], capacity: [0, 0], names: ["Huisartsenposten Geuldal", "HAP Parkstad-Noord"] },
  { sector: "ggd", organisations: 1, locations: [4, 4], kinds: ["GGD-kantoor", "vaccinatielocatie"], capacity: [0, 0], names: ["GGD Zuidelijk Heuvelland"] },
  { sector: "acute-mental-health", organisations: 1, locations: [3, 3], kinds: ["crisisdienst", "high intensive care"], capacity: [8, 24], names: ["Acute Psychiatrie Maasdal"] },
  { sector: "ambulance", organisations: 1, locations: [11, 11], kinds: ["ambulancepost"], capacity: [0, 0], names: ["Ambulancedienst Kalkland"] },
  { sector: "nursing-care", organisations: 12, locations: [42, 56], kinds: ["verpleeghuis", "kleinschalig wonen", "verzorgingshuis", "dagbesteding"], capacity: [8, 140], names: ["Zorggroep Lindeweg", "Stichting Oude Mijn", "Huize Kapelberg", "Zorgcentra Veldhoven-Zuid", "De Grauwe Hoeve Zorg", "Zorgkring Geuldal", "Vivaldi Ouderenzorg", "Stichting Kasteelhof", "Thuis aan de Maas", "Zorggroep Bronsheide", "Hof van Wyck Zorg", "Stichting Mergelstad"] },
  { sector: "disability-care", organisations: 6, locations: [32, 48], kinds: ["woongroep", "dagcentrum", "logeerhuis"], capacity: [4, 40], names: ["Stichting Plaatsmaken", "Ankerpunt Gehandicaptenzorg", "De Vlinderhof", "Zorgcombinatie Hemelrijk", "Stichting Samenspel", "Daelzicht Wonen"] },
  { sector: "mental-health", organisations: 4, locations: [16, 28], kinds: ["kliniek", "beschermd wonen", "polikliniek"], capacity: [6, 60], names: ["GGZ Kempenrand", "Stichting Lichtpunt", "Mondriaanhof GGZ", "Herstelhuis Zuid"] },
  { sector: "home-care", organisations: 8, locations: [8, 14], kinds: ["wijkteam"], capacity: [0, 0], names: ["Thuiszorg Heuvelland", "Wijkzorg Parkstad", "Zorg aan Huis Westelijke Mijnstreek", "Thuiszorg De Geul", "Buurtzorg Kalkbergen", "Wijkverpleging Maasvallei", "ThuisDichtbij", "Zorgpunt Oost"] },
  { sector: "recovery-care", organisations: 2, locations: [4, 6], kinds: ["herstelzorg", "revalidatie"], capacity: [10, 40], names: ["Herstelzorg Savelberg", "Revalidatiehof Limburg-Zuid"] },
  { sector: "red-cross", organisations: 1, locations: [6, 6], kinds: ["noodhulpteam", "opvanglocatie"], capacity: [0, 120], names: ["Rode Kruis Afdeling Heuvelland"] },
  { sector: "home-ventilation", organisations: 1, locations: [3, 3], kinds: ["steunpunt thuisbeademing"], capacity: [10, 40], names: ["Centrum voor Thuisbeademing Zuid (demo)"] }
];
var STREETS = ["Kerkstraat", "Dorpstraat", "Lindelaan", "Molenweg", "Akerstraat", "Mergelweg", "Geulstraat", "Kasteellaan", "Stationsstraat", "Hoofdstraat", "Bronweg", "Heuvelweg", "Veldstraat", "Schoolstraat", "Pastoor Kornipsstraat", "Burgemeester Damenstraat", "Holleweg", "Beekstraat", "Wilhelminastraat", "Oranjeplein"];
var PLACE_WORDS = ["De Linde", "Hof ter", "Huize", "Het Anker", "De Bron", "Sint-Joris", "De Kastanje", "Het Hoogveld", "De Beuk", "Rozenhof", "Den Hoek", "Het Baken", "De Zevensprong", "Mergelhof", "De Wingerd"];
var GIVEN = ["Anouk", "Bram", "Carla", "Dirk", "Eline", "Frank", "Gerda", "Hans", "Ingrid", "Joost", "Karin", "Luc", "Marieke", "Nico", "Olga", "Pieter", "Roos", "Sander", "Tineke", "Wim", "Yvonne", "Bart", "Mieke", "Ruud", "Sanne", "Thijs"];
var FAMILY = ["Smeets", "Janssen", "Hermans", "Peeters", "Vaessen", "Dassen", "Bemelmans", "Ramakers", "Lemmens", "Wetzels", "Schreurs", "Kleijnen", "Moonen", "Frijns", "Habets", "Coenen", "Houben", "Pluijmen", "Ubachs", "Bours"];
function pad(n, width) {
  return String(n).padStart(width, "0");
}
function generateDemoRegion({ seed = 2026, scale = 1, now = /* @__PURE__ */ new Date("2026-01-01T00:00:00Z") } = {}) {
  const random = new SeededRandom(seed);
  const weights = ZUID_LIMBURG.map((m) => m.population);
  const organisations = [];
  const locations = [];
  const coordinators = [];
  for (const plan of PLAN) {
    for (let o = 0; o < plan.organisations; o++) {
      const orgNumber = organisations.length + 1;
      const id = `org-${pad(orgNumber, 3)}`;
      const name = plan.names[o];
      const home = random.weighted(ZUID_LIMBURG, weights);
      const domain = name.toLowerCase().replace(/[^a-z]+/g, "-").replace(/^-|-$/g, "");
      organisations.push({
        id,
        name,
        sector: plan.sector,
        phone: `+31 43 ${random.int(300, 899)} ${pad(random.int(0, 9999), 4)}`,
        email: `crisis@${domain}.example`,
        active: true
      });
      const count = Math.round(random.int(plan.locations[0], plan.locations[1]) * scale);
      for (let l = 0; l < count; l++) {
        const place = random.next() < 0.5 ? home : random.weighted(ZUID_LIMBURG, weights);
        const kind = random.pick(plan.kinds);
        locations.push({
          id: `loc-${pad(locations.length + 1, 5)}`,
          organisationId: id,
          name: `${kind[0].toUpperCase()}${kind.slice(1)} ${random.pick(PLACE_WORDS)} ${place.name}`,
          address: `${random.pick(STREETS)} ${random.int(1, 180)}`,
          postcode: `6${random.int(200, 499)} ${String.fromCharCode(65 + random.int(0, 25))}${String.fromCharCode(65 + random.int(0, 25))}`,
          municipality: place.name,
          lat: round6(place.lat + random.gaussian(0, 8e-3)),
          lon: round6(place.lon + random.gaussian(0, 0.012)),
          kind,
          capacity: random.int(plan.capacity[0], plan.capacity[1]),
          active: true
        });
      }
      const coordinatorCount = random.int(3, 5);
      for (let c = 0; c < coordinatorCount; c++) {
        const given = random.pick(GIVEN);
        const family = random.pick(FAMILY);
        const introduced = random.next() > 0.12;
        const daysAgo = random.int(5, 700);
        coordinators.push({
          id: `coo-${pad(coordinators.length + 1, 4)}`,
          organisationId: id,
          name: `${given} ${family}`,
          phone: `+31 6 ${pad(random.int(1e7, 99999999), 8)}`,
          email: `${given.toLowerCase()}.${family.toLowerCase()}@${domain}.example`,
          introCompletedAt: introduced ? new Date(now.getTime() - daysAgo * 864e5).toISOString() : null,
          active: true
        });
      }
    }
  }
  addIntake({ organisations, coordinators, now, random: new SeededRandom(seed + 1) });
  return { organisations, locations, coordinators };
}
var DAY_MS = 864e5;
function addIntake({ organisations, coordinators, now, random }) {
  const ago = (days) => new Date(now.getTime() - days * DAY_MS);
  for (const c of coordinators) {
    c.kind = "crisis";
    c.dayCourseOn = null;
    c.invitedAt = c.introCompletedAt ? new Date(Date.parse(c.introCompletedAt) - random.int(2, 30) * DAY_MS).toISOString() : ago(random.int(3, 60)).toISOString();
  }
  organisations.forEach((o, i) => {
    if (i % 2 !== 0) return;
    const given = random.pick(GIVEN);
    const family = random.pick(FAMILY);
    const stage = random.next();
    const course = random.int(20, 600);
    const base = { id: `ico-${pad(i / 2 + 1, 4)}`, organisationId: o.id, kind: "information", name: `${given} ${family}`, phone: `+31 6 ${pad(random.int(1e7, 99999999), 8)}`, email: `${given.toLowerCase()}.${family.toLowerCase()}@${o.email.split("@")[1]}`, active: true };
    if (stage < 0.1) coordinators.push({ ...base, dayCourseOn: null, invitedAt: null, introCompletedAt: null });
    else if (stage < 0.2) coordinators.push({ ...base, dayCourseOn: ago(course % 40 + 2).toISOString().slice(0, 10), invitedAt: ago(course % 40 + 1).toISOString(), introCompletedAt: null });
    else coordinators.push({ ...base, dayCourseOn: ago(course).toISOString().slice(0, 10), invitedAt: ago(course - 1).toISOString(), introCompletedAt: ago(course - random.int(3, 19)).toISOString() });
  });
  for (let i = 0; i < 5; i++) {
    const o = random.pick(organisations);
    const given = random.pick(GIVEN);
    const family = random.pick(FAMILY);
    const introduced = ago(random.int(400, 900)).toISOString();
    coordinators.push({ id: `coo-left-${i + 1}`, organisationId: o.id, kind: "crisis", name: `${given} ${family}`, phone: "", email: "", introCompletedAt: introduced, invitedAt: introduced, dayCourseOn: null, active: false });
  }
}
function generateDemoChanges({ network, now, seed = 2029 }) {
  const random = new SeededRandom(seed);
  const yearAgo = now.getTime() - 365 * DAY_MS;
  const changes = [];
  const push = (c) => changes.push({ ...c, id: `change-demo-${String(changes.length + 1).padStart(4, "0")}`, by: "admin" });
  for (const l of network.locations) {
    if (random.next() < 0.06) push({ at: new Date(yearAgo + random.int(0, 364) * DAY_MS).toISOString(), collection: "locations", rowId: l.id, name: l.name, organisationId: l.organisationId, change: "added" });
  }
  for (const c of network.coordinators) {
    if (c.invitedAt && Date.parse(c.invitedAt) > yearAgo) push({ at: c.invitedAt, collection: "coordinators", rowId: c.id, name: c.name, organisationId: c.organisationId, change: "added" });
    if (!c.active) push({ at: new Date(yearAgo + random.int(0, 364) * DAY_MS).toISOString(), collection: "coordinators", rowId: c.id, name: c.name, organisationId: c.organisationId, change: "deactivated" });
  }
  return changes.sort((a, b) => a.at.localeCompare(b.at));
}
function round6(value) {
  return Math.round(value * 1e6) / 1e6;
}
var GHOR_PEOPLE = ["Informatieco\xF6rdinator GHOR", "Adviseur GHOR", "Accountmanager zorgcontinu\xEFteit"];
var TALK_NOTES = [
  "Continu\xEFteitsplan doorgenomen; noodstroom en evacuatieroutes besproken.",
  "Nieuwe locatie in het netwerk opgenomen; contactgegevens bijgewerkt.",
  "Terugblik op de hitteperiode; afspraken over koeling en water.",
  "Aansluiting op de alarmering gecontroleerd; tweede co\xF6rdinator gevraagd."
];
var FOLLOW_UPS = ["Tweede crisisco\xF6rdinator aanmelden", "Noodstroomplan toesturen", "Contactgegevens locaties bijwerken", "Deelnemen aan de informatiesessie"];
function generateDemoContacts({ organisations, now, seed = 2027 }) {
  const random = new SeededRandom(seed);
  const day = (monthsAgo) => {
    const d = new Date(now.getTime() - monthsAgo * 30.4 * 864e5);
    return d.toISOString().slice(0, 10);
  };
  const contacts = [];
  for (const o of organisations) {
    const moments = [];
    if (random.next() < 0.85) moments.push({ kind: "partner-talk", monthsAgo: random.int(1, 30) });
    for (let i = random.int(0, 2); i > 0; i--) moments.push({ kind: random.pick(["phone", "email", "information-session", "visit"]), monthsAgo: random.int(0, 35) });
    for (const m of moments) {
      const date = day(m.monthsAgo);
      const followUps = random.next() < 0.4 ? [{ id: "f1", text: random.pick(FOLLOW_UPS), due: day(m.monthsAgo - 2), done: m.monthsAgo > 6 ? random.next() < 0.8 : false }] : [];
      const at = `${date}T10:00:00.000Z`;
      contacts.push({
        id: `contact-demo-${String(contacts.length + 1).padStart(4, "0")}`,
        organisationId: o.id,
        kind: m.kind,
        date,
        ghorPeople: random.pick(GHOR_PEOPLE),
        organisationPeople: m.kind === "partner-talk" ? "Crisisco\xF6rdinator en bestuurder" : "Crisisco\xF6rdinator",
        notes: m.kind === "partner-talk" ? random.pick(TALK_NOTES) : "",
        followUps,
        createdBy: "ghor",
        createdAt: at,
        updatedAt: at
      });
    }
  }
  return contacts;
}
function generateDemoMeetings({ coordinators, now, seed = 2028 }) {
  const random = new SeededRandom(seed);
  const plan = [
    { kind: "information-session", title: "Informatiesessie GHOR en de zorgketen", monthsAgo: 32, theme: "Wat de GHOR doet, GRIP, alarmering" },
    { kind: "theme-meeting", title: "Themabijeenkomst hitte", monthsAgo: 26, theme: "Koeling, water, kwetsbare cli\xEBnten" },
    { kind: "information-session", title: "Informatiesessie GHOR en de zorgketen", monthsAgo: 18, theme: "Wat de GHOR doet, GRIP, alarmering" },
    { kind: "theme-meeting", title: "Themabijeenkomst stroomuitval", monthsAgo: 10, theme: "Noodstroom, beademing thuis" },
    { kind: "information-session", title: "Informatiesessie GHOR en de zorgketen", monthsAgo: 4, theme: "Wat de GHOR doet, GRIP, alarmering" }
  ];
  const people = coordinators.filter((c) => c.active).map((c) => c.id);
  return plan.map((p, i) => {
    const invited = people.filter(() => random.next() < 0.45);
    const attended = invited.filter(() => random.next() < 0.65);
    const date = new Date(now.getTime() - p.monthsAgo * 30.4 * 864e5).toISOString().slice(0, 10);
    const at = `${date}T09:00:00.000Z`;
    return { id: `meeting-demo-${i + 1}`, kind: p.kind, title: p.title, date, place: "GGD Zuid Limburg, Geleen", theme: p.theme, invited, attended, createdBy: "ghor", createdAt: at, updatedAt: at };
  });
}

// server/seed.ts
var DEMO_ACCOUNTS = [
  { username: "ghor", displayName: "Informatieco\xF6rdinator GHOR", role: "ghor" },
  { username: "coordinator", displayName: "Crisisco\xF6rdinator (demo)", role: "coordinator" },
  { username: "observer", displayName: "Evaluator", role: "observer" }
];
var DEMO_NEW_COORDINATOR = { username: "nieuw", displayName: "Nieuwe crisisco\xF6rdinator (demo)" };
async function seedIfEmpty({ store, log: log2, now, adminPassword, demoPassword, scale = 1 }) {
  if ((await store.list("users")).length > 0) return false;
  const network = (await store.list("organisations")).length > 0 ? void 0 : generateDemoRegion({ scale, now: now() });
  const admin = adminPassword ?? generatePassword();
  const demo = demoPassword ?? generatePassword();
  const coordinatorOrganisation = (network?.organisations ?? await store.list("organisations")).find((o) => o.sector === "nursing-care");
  const coordinatorRecord = (network?.coordinators ?? await store.list("coordinators")).find(
    (c) => c.organisationId === coordinatorOrganisation?.id && c.introCompletedAt !== null
  );
  const created = now().toISOString();
  const user = async (username, displayName, role, password) => ({
    id: randomUUID3(),
    username,
    displayName,
    role,
    organisationId: role === "coordinator" ? coordinatorOrganisation?.id ?? null : null,
    coordinatorId: role === "coordinator" ? coordinatorRecord?.id ?? null : null,
    active: true,
    passwordHash: await hashPassword(password),
    createdAt: created
  });
  const users = [await user("admin", "Beheerder", "admin", admin)];
  for (const account of DEMO_ACCOUNTS) {
    if (account.role === "coordinator" && !coordinatorOrganisation) continue;
    users.push(await user(account.username, account.displayName, account.role, demo));
  }
  const newcomer = (network?.coordinators ?? []).find((c) => c.organisationId === coordinatorOrganisation?.id && c.active && c.introCompletedAt === null);
  if (newcomer) users.push({ ...await user(DEMO_NEW_COORDINATOR.username, DEMO_NEW_COORDINATOR.displayName, "coordinator", demo), coordinatorId: newcomer.id });
  const contacts = network ? generateDemoContacts({ organisations: network.organisations, now: now() }) : [];
  const meetings = network ? generateDemoMeetings({ coordinators: network.coordinators, now: now() }) : [];
  const registryChanges2 = network ? generateDemoChanges({ network, now: now() }) : [];
  await store.put({ ...network ?? {}, users, contacts, meetings, registryChanges: registryChanges2 });
  if (network) {
    log2(`seeded the Zuid-Limburg demo region: ${network.organisations.length} organisations, ${network.locations.length} locations, ${network.coordinators.length} coordinators`);
  }
  if (!adminPassword) log2(`admin password (shown once): ${admin}`);
  if (!demoPassword) log2(`password of the demo accounts ${[...DEMO_ACCOUNTS.map((a) => a.username), ...newcomer ? [DEMO_NEW_COORDINATOR.username] : []].join(", ")} (shown once): ${demo}`);
  return true;
}

// server/store/lowdb-store.ts
import { access, mkdir } from "node:fs/promises";
import { join as join4 } from "node:path";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";

// server/store/store.ts
var COLLECTION_NAMES = ["organisations", "locations", "coordinators", "users", "sessions", "signIns", "incidents", "alerts", "acknowledgements", "outbox", "pushSubscriptions", "contacts", "meetings", "registryChanges", "introTexts", "introProgress", "invitations", "networks", "keys"];
var StoreCorruptError = class extends Error {
  name = "StoreCorruptError";
};

// server/store/lowdb-store.ts
var FILE_OF = {
  organisations: "registry",
  locations: "registry",
  coordinators: "registry",
  users: "registry",
  sessions: "sessions",
  signIns: "sessions",
  incidents: "registry",
  alerts: "registry",
  acknowledgements: "registry",
  // Every message changes state a few times per alert; apart, they never rewrite the registry.
  outbox: "outbox",
  pushSubscriptions: "outbox",
  contacts: "registry",
  meetings: "registry",
  registryChanges: "registry",
  introTexts: "registry",
  introProgress: "registry",
  invitations: "sessions",
  // Used on PostgreSQL only; the embedded mode keeps each network beside its incident's log.
  networks: "registry",
  keys: "registry"
};
async function openFile(file, required) {
  const db = new Low(new JSONFile(file), { version: 1 });
  const exists = await access(file).then(
    () => true,
    () => false
  );
  try {
    await db.read();
  } catch (error) {
    throw new StoreCorruptError(
      `The store file ${file} cannot be read (${error.message}). Zorgbeeld will not start over it: restore it from a backup or move it away.`
    );
  }
  if (exists && (typeof db.data !== "object" || db.data === null || db.data.version !== 1 || required && !Array.isArray(db.data.users))) {
    throw new StoreCorruptError(`The store file ${file} does not hold Zorgbeeld collections; it is left untouched.`);
  }
  return { file, db, health: { ok: true, message: `lowdb ${file}` } };
}
async function openLowdbStore({ dataDir, log: log2, retryMs = 5e3 }) {
  await mkdir(dataDir, { recursive: true });
  const files = {
    registry: await openFile(join4(dataDir, "registry.json"), true),
    sessions: await openFile(join4(dataDir, "sessions.json"), false),
    outbox: await openFile(join4(dataDir, "outbox.json"), false)
  };
  const fileOf = (name) => files[FILE_OF[name]];
  let moved = false;
  for (const name of COLLECTION_NAMES) {
    const own2 = fileOf(name).db.data;
    if (!Array.isArray(own2[name])) own2[name] = [];
    for (const other of Object.values(files)) {
      const data = other.db.data;
      if (other !== fileOf(name) && Array.isArray(data[name])) {
        own2[name].push(...data[name]);
        delete data[name];
        moved = true;
      }
    }
  }
  const rows = (name) => fileOf(name).db.data[name];
  const indexes = /* @__PURE__ */ new Map();
  const index = (name) => {
    let byId = indexes.get(name);
    if (!byId) {
      byId = new Map(rows(name).map((row, i) => [row.id, i]));
      indexes.set(name, byId);
    }
    return byId;
  };
  let closed = false;
  const persist = async (target) => {
    try {
      await target.db.write();
      if (!target.health.ok) log2(`store: writing ${target.file} works again`);
      target.health = { ok: true, message: `lowdb ${target.file}` };
    } catch (error) {
      target.health = { ok: false, message: `writing ${target.file} failed: ${error.message}; data is kept in memory` };
      log2(`STORE FAILURE: ${target.health.message}`);
      if (!target.retry && !closed) {
        target.retry = setTimeout(() => {
          target.retry = void 0;
          void persist(target);
        }, retryMs);
      }
    }
  };
  if (moved) await Promise.all(Object.values(files).map(persist));
  return {
    async list(name) {
      return rows(name).slice();
    },
    async get(name, id) {
      const i = index(name).get(id);
      return i === void 0 ? void 0 : rows(name)[i];
    },
    async put(changes) {
      const touched = /* @__PURE__ */ new Set();
      for (const name of COLLECTION_NAMES) {
        const changed = changes[name];
        if (!changed) continue;
        touched.add(fileOf(name));
        const byId = index(name);
        const target = rows(name);
        for (const row of changed) {
          const i = byId.get(row.id);
          if (i === void 0) {
            byId.set(row.id, target.length);
            target.push(row);
          } else {
            target[i] = row;
          }
        }
      }
      await Promise.all([...touched].map(persist));
    },
    async remove(name, ids) {
      const drop = new Set(ids);
      fileOf(name).db.data[name] = rows(name).filter((row) => !drop.has(row.id));
      indexes.delete(name);
      await persist(fileOf(name));
    },
    health: () => {
      const failing = Object.values(files).filter((f) => !f.health.ok);
      return failing.length === 0 ? { ok: true, message: `lowdb ${Object.values(files).map((f) => f.file).join(", ")}` } : { ok: false, message: failing.map((f) => f.health.message).join("; ") };
    },
    async close() {
      closed = true;
      for (const target of Object.values(files)) {
        if (target.retry) clearTimeout(target.retry);
        if (!target.health.ok) await persist(target);
      }
    }
  };
}

// server/store/pg-store.ts
import pg from "pg";

// server/store/migrate.ts
import { readdirSync, readFileSync as readFileSync3 } from "node:fs";
import { join as join5 } from "node:path";
var MIGRATIONS_DIR = join5(import.meta.dirname, "migrations");
var MIGRATION_LOCK = 7441029;
function migrations(dir = MIGRATIONS_DIR) {
  return readdirSync(dir).filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f)).sort().map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync3(join5(dir, f), "utf8") }));
}
async function migrate(pool, log2, all = migrations()) {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    const done = new Set((await client.query("SELECT version FROM schema_migrations")).rows.map((r) => r.version));
    const applied = [];
    for (const migration of all) {
      if (done.has(migration.version)) continue;
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.version} (${migration.name}) failed: ${error.message}`);
      }
      log2(`database: applied migration ${migration.version} (${migration.name})`);
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {
    });
    client.release();
  }
}

// server/store/pg-store.ts
var INSTANCE_LOCK = 7441030;
function describeDatabase(url) {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return "PostgreSQL";
  }
}
function storageError3(action, error) {
  const e = error;
  return new StorageError(`${action} in PostgreSQL failed: ${e.message ?? String(error)}`, e.code ?? "EDB");
}
async function openPgStore({ url, log: log2, poolSize = 10, exclusive = false }) {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idle_in_transaction_session_timeout: 1e4 });
  const where = describeDatabase(url);
  let health = { ok: true, message: `PostgreSQL ${where}` };
  pool.on("error", (error) => log2(`store: PostgreSQL connection lost: ${error.message}`));
  const run = async (action, work) => {
    try {
      const result = await work();
      if (!health.ok) log2(`store: PostgreSQL ${where} answers again`);
      health = { ok: true, message: `PostgreSQL ${where}` };
      return result;
    } catch (error) {
      const failure = storageError3(action, error);
      health = { ok: false, message: `${failure.message}` };
      log2(`STORE FAILURE: ${failure.message}`);
      throw failure;
    }
  };
  let holder;
  try {
    holder = new pg.Client({ connectionString: url });
    holder.on("error", (error) => log2(`store: the connection that holds ${where} for this server was lost (${error.message}); another server could now start on it`));
    await holder.connect();
    const { rows } = await holder.query(`SELECT ${exclusive ? "pg_try_advisory_lock" : "pg_try_advisory_lock_shared"}($1) AS locked`, [INSTANCE_LOCK]);
    if (!rows[0].locked) {
      throw new StorageError(
        exclusive ? `another Zorgbeeld server is using the database ${where}, and without REDIS_URL one server runs alone on a database. Set REDIS_URL on every server of this database to run several, or stop the other server.` : `a Zorgbeeld server without REDIS_URL is using the database ${where} alone. Stop it, or give it REDIS_URL as well, before starting several servers on this database.`,
        "EINSTANCE"
      );
    }
    await migrate(pool, log2);
  } catch (error) {
    await holder?.end().catch(() => {
    });
    await pool.end();
    throw error instanceof StorageError ? error : storageError3(`preparing ${where}`, error);
  }
  return {
    pool,
    async list(name) {
      return run(`listing ${name}`, async () => (await pool.query("SELECT data FROM store_rows WHERE collection = $1 ORDER BY seq", [name])).rows.map((r) => r.data));
    },
    async get(name, id) {
      return run(`reading ${name}`, async () => (await pool.query("SELECT data FROM store_rows WHERE collection = $1 AND id = $2", [name, id])).rows[0]?.data);
    },
    async put(changes) {
      const collections = [];
      const ids = [];
      const rows = [];
      for (const name of COLLECTION_NAMES) {
        const last = /* @__PURE__ */ new Map();
        for (const row of changes[name] ?? []) last.set(row.id, row);
        for (const [id, row] of last) {
          collections.push(name);
          ids.push(id);
          rows.push(JSON.stringify(row));
        }
      }
      if (ids.length === 0) return;
      await run(
        "writing",
        () => pool.query(
          `INSERT INTO store_rows (collection, id, data)
           SELECT * FROM unnest($1::text[], $2::text[], $3::json[])
           ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data`,
          [collections, ids, rows]
        )
      );
    },
    async putIfAbsent(name, row) {
      return run(`writing ${name}`, async () => {
        await pool.query("INSERT INTO store_rows (collection, id, data) VALUES ($1, $2, $3) ON CONFLICT (collection, id) DO NOTHING", [name, row.id, JSON.stringify(row)]);
        return (await pool.query("SELECT data FROM store_rows WHERE collection = $1 AND id = $2", [name, row.id])).rows[0].data;
      });
    },
    async remove(name, ids) {
      if (ids.length === 0) return;
      await run(`removing from ${name}`, () => pool.query("DELETE FROM store_rows WHERE collection = $1 AND id = ANY($2::text[])", [name, [...ids]]));
    },
    health: () => ({ ...health }),
    async close() {
      await pool.end();
      await holder?.end().catch(() => {
      });
    }
  };
}

// server/cluster.ts
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis as Redis2 } from "ioredis";
import pg2 from "pg";

// server/yjs/room-bus.ts
import { randomBytes as randomBytes12 } from "node:crypto";
import * as decoding3 from "lib0/decoding";
import * as encoding4 from "lib0/encoding";
import { Redis } from "ioredis";
var KIND = { head: 1, awareness: 2, status: 3, "sessions-ended": 4, outbox: 5 };
function encodeBusMessage(sender, message) {
  const encoder2 = encoding4.createEncoder();
  encoding4.writeVarString(encoder2, sender);
  encoding4.writeVarUint(encoder2, KIND[message.kind]);
  if (message.kind === "sessions-ended") encoding4.writeVarString(encoder2, JSON.stringify(message.sessionIds));
  if (message.kind === "sessions-ended" || message.kind === "outbox") return encoding4.toUint8Array(encoder2);
  encoding4.writeVarString(encoder2, message.incidentId);
  if (message.kind === "head") encoding4.writeVarUint(encoder2, message.head);
  else if (message.kind === "awareness") encoding4.writeVarUint8Array(encoder2, message.frame);
  else encoding4.writeVarString(encoder2, JSON.stringify(message.status));
  return encoding4.toUint8Array(encoder2);
}
function decodeBusMessage(bytes) {
  const decoder3 = decoding3.createDecoder(bytes);
  const sender = decoding3.readVarString(decoder3);
  const kind = decoding3.readVarUint(decoder3);
  if (kind === KIND["sessions-ended"]) {
    const ids = JSON.parse(decoding3.readVarString(decoder3));
    return { sender, message: { kind: "sessions-ended", sessionIds: Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [] } };
  }
  if (kind === KIND.outbox) return { sender, message: { kind: "outbox" } };
  const incidentId = decoding3.readVarString(decoder3);
  if (kind === KIND.head) return { sender, message: { kind: "head", incidentId, head: decoding3.readVarUint(decoder3) } };
  if (kind === KIND.awareness) return { sender, message: { kind: "awareness", incidentId, frame: decoding3.readVarUint8Array(decoder3) } };
  if (kind === KIND.status) {
    const status = JSON.parse(decoding3.readVarString(decoder3));
    return { sender, message: { kind: "status", incidentId, status: { ...typeof status.grip === "number" ? { grip: status.grip } : {}, ...status.closed === true ? { closed: true } : {} } } };
  }
  return null;
}
var aloneBus = {
  publish() {
  },
  listen() {
  },
  healthy: true,
  async close() {
  }
};
async function redisBus({ url, channel, log: log2 }) {
  const sender = randomBytes12(8).toString("hex");
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true };
  const pub = new Redis(url, options);
  const sub = new Redis(url, { ...options, enableOfflineQueue: true });
  const listeners = [];
  let up = { pub: false, sub: false };
  let said = false;
  const track = (name, client) => {
    client.on("ready", () => {
      up = { ...up, [name]: true };
      if (said && up.pub && up.sub) log2("bus: Redis answers again");
      said = false;
    });
    client.on("close", () => {
      up = { ...up, [name]: false };
    });
    client.on("error", (error) => {
      if (!said) log2(`bus: Redis ${url.replace(/\/\/[^@]*@/, "//")} cannot be reached (${error.message}); boards on other servers follow by polling the log`);
      said = true;
    });
  };
  track("pub", pub);
  track("sub", sub);
  try {
    await Promise.all([pub.connect(), sub.connect()]);
    await sub.subscribe(channel);
  } catch (error) {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`Redis at ${url.replace(/\/\/[^@]*@/, "//")} cannot be reached: ${error.message}`);
  }
  sub.on("messageBuffer", (_channel, bytes) => {
    try {
      const decoded = decodeBusMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (decoded && decoded.sender !== sender) for (const listener of listeners) listener(decoded.message);
    } catch (error) {
      log2(`bus: a message that cannot be read was dropped (${error.message})`);
    }
  });
  return {
    publish(message) {
      if (!up.pub) return;
      pub.publish(channel, Buffer.from(encodeBusMessage(sender, message))).catch(() => {
      });
    },
    listen(listener) {
      listeners.push(listener);
    },
    get healthy() {
      return up.pub && up.sub;
    },
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    }
  };
}

// server/cluster.ts
async function joinCluster({ pool, url, redisUrl, name, log: log2, dutyTickMs }) {
  if (!redisUrl) return { pool, bus: aloneBus, close: async () => {
  } };
  const bus = await redisBus({ url: redisUrl, channel: `zorgbeeld:${name}:boards`, log: log2 });
  const pub = new Redis2(redisUrl, { maxRetriesPerRequest: 1 });
  const sub = pub.duplicate();
  pub.on("error", () => {
  });
  sub.on("error", () => {
  });
  const duty = new Duty(url, log2, dutyTickMs);
  return {
    pool,
    bus,
    duty,
    socketAdapter: createAdapter(pub, sub, { key: `zorgbeeld:${name}:socket.io` }),
    counters: (kind) => redisCounters(pub, `zorgbeeld:${name}:${kind}:`),
    async close() {
      await duty.close();
      await bus.close();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    }
  };
}
var Duty = class {
  constructor(url, log2, tickMs = 1e3) {
    this.url = url;
    this.log = log2;
    this.timer = setInterval(() => void this.tryForIt(), tickMs);
    this.timer.unref();
    void this.tryForIt();
  }
  url;
  log;
  client = null;
  holding = false;
  trying = false;
  timer;
  gained = [];
  /** Whether this server is on duty now. */
  held() {
    return this.holding;
  }
  /** Called each time this server takes the duty over. */
  onGained(listener) {
    this.gained.push(listener);
  }
  async tryForIt() {
    if (this.holding || this.trying) return;
    this.trying = true;
    try {
      if (!this.client) {
        const client = new pg2.Client({ connectionString: this.url, keepAlive: true, keepAliveInitialDelayMillis: 5e3 });
        client.on("error", () => this.lost(client));
        client.on("end", () => this.lost(client));
        await client.connect();
        this.client = client;
      }
      const { rows } = await this.client.query("SELECT pg_try_advisory_lock($1) AS locked", [DUTY_LOCK]);
      if (rows[0].locked) {
        this.holding = true;
        this.log("duty: this server sends the outbox and runs the escalation now");
        for (const listener of this.gained) listener();
      }
    } catch {
      const client = this.client;
      this.client = null;
      await client?.end().catch(() => {
      });
    } finally {
      this.trying = false;
    }
  }
  lost(client) {
    if (client !== this.client) return;
    if (this.holding) this.log("duty: the connection that held it ended; another server takes over");
    this.holding = false;
    this.client = null;
  }
  async close() {
    clearInterval(this.timer);
    const client = this.client;
    this.client = null;
    this.holding = false;
    await client?.end().catch(() => {
    });
  }
};
var DUTY_LOCK = 7441032;
function redisCounters(redis, prefix) {
  const local = memoryCounters();
  const shared = {
    async read(keys) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.hgetall(prefix + key);
      const results = await pipeline.exec() ?? [];
      const found = /* @__PURE__ */ new Map();
      results.forEach(([error, value], i) => {
        if (error) throw error;
        const row = value;
        if (row && row.count) found.set(keys[i], { count: Number(row.count), last: Number(row.last) });
      });
      return found;
    },
    async add(keys, now, windowMs) {
      const multi = redis.multi();
      for (const key of keys) {
        multi.hincrby(prefix + key, "count", 1);
        multi.hset(prefix + key, "last", String(now));
        multi.pexpire(prefix + key, windowMs);
      }
      await multi.exec();
    },
    async forget(key) {
      await redis.del(prefix + key);
    }
  };
  return {
    read: (keys, windowMs) => shared.read(keys, windowMs).catch(() => local.read(keys, windowMs)),
    add: (keys, now, windowMs) => Promise.all([local.add(keys, now, windowMs), shared.add(keys, now, windowMs).catch(() => {
    })]).then(() => {
    }),
    forget: (key) => Promise.all([local.forget(key), shared.forget(key).catch(() => {
    })]).then(() => {
    })
  };
}

// server/index.ts
var env = process.env;
var log = (message) => console.log(`${(/* @__PURE__ */ new Date()).toISOString()} ${message}`);
function positive(value) {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : void 0;
}
async function main() {
  const dataDir = resolve(env.DATA_DIR ?? "./data");
  let store;
  let cluster;
  let pgStore;
  if (env.DATABASE_URL) {
    const opened = await openPgStore({ url: env.DATABASE_URL, log, exclusive: !env.REDIS_URL });
    store = pgStore = opened;
    cluster = await joinCluster({ pool: opened.pool, url: env.DATABASE_URL, redisUrl: env.REDIS_URL || void 0, name: new URL(env.DATABASE_URL).pathname.slice(1) || "postgres", log }).catch(async (error) => {
      await opened.close();
      throw new StorageError(error.message, "EREDIS");
    });
  } else {
    store = await openLowdbStore({ dataDir, log });
  }
  await seedIfEmpty({
    store,
    log,
    now: () => /* @__PURE__ */ new Date(),
    adminPassword: env.ADMIN_PASSWORD || void 0,
    demoPassword: env.DEMO_PASSWORD || void 0,
    scale: env.DEMO_SCALE ? Number(env.DEMO_SCALE) : 1
  });
  const handlerFile = resolve("build/handler.js");
  let web;
  if (existsSync2(handlerFile)) {
    web = (await import(pathToFileURL(handlerFile).href)).handler;
  } else {
    log("no web build found (run `npm run build`); serving the API only");
  }
  const port = Number(env.PORT ?? 3e3);
  const publicUrl = (env.PUBLIC_URL ?? "").replace(/\/+$/, "");
  const vapid = env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY } : void 0;
  const keys = await loadReachKeys({ dataDir, vapid, subject: env.VAPID_SUBJECT || "mailto:ghor@zorgbeeld.example", store: pgStore });
  const sms = env.SMS_TOKEN ? { url: env.SMS_URL || CM_DEFAULT_URL, token: env.SMS_TOKEN, sender: (env.SMS_SENDER || "GHOR").slice(0, 11) } : void 0;
  const server = createServer({
    store,
    dataDir,
    cluster,
    log,
    web,
    tileUrl: env.TILE_URL ?? "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    tileAttribution: env.TILE_ATTRIBUTION ?? "&copy; OpenStreetMap contributors",
    secureCookies: env.SECURE_COOKIES === "true",
    allowedOrigins: env.ALLOWED_ORIGINS ? env.ALLOWED_ORIGINS.split(",").map((o) => o.trim()) : [],
    maxConnectionsPerAddress: positive(env.MAX_CONNECTIONS_PER_ADDRESS),
    trustProxy: env.TRUST_PROXY ? env.TRUST_PROXY === "true" ? true : env.TRUST_PROXY : void 0,
    writeBudget: positive(env.WRITE_BUDGET_BYTES_PER_SECOND) ? { bytesPerSecond: positive(env.WRITE_BUDGET_BYTES_PER_SECOND), burstBytes: 64 * positive(env.WRITE_BUDGET_BYTES_PER_SECOND) } : void 0,
    reach: {
      keys,
      publicUrl,
      smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM || "GHOR Zorgbeeld <zorgbeeld@localhost>" } : void 0,
      sms,
      push: env.PUSH !== "off",
      pushCa: env.PUSH_CA_FILE ? readFileSync4(env.PUSH_CA_FILE, "utf8") : void 0,
      escalateAfterMin: positive(env.ESCALATE_AFTER_MIN),
      escalationTickMs: positive(env.ESCALATION_TICK_MS)
    }
  });
  const url = await server.listen(port, env.HOST ?? "0.0.0.0");
  const where = env.DATABASE_URL ? `everything in PostgreSQL ${describeDatabase(env.DATABASE_URL)}${env.REDIS_URL ? ", servers of this database told of each other through Redis" : ", this server alone on it"}` : `data in ${dataDir}`;
  log(`Zorgbeeld listening on ${url.replace("0.0.0.0", "localhost")} (${where})`);
  if (!publicUrl) log(`PUBLIC_URL is not set: answer links in messages start with ${server.reach.publicUrl}, which only this machine can open`);
  log(`reach: channels ${server.reach.channels.join(", ") || "none"} besides the app`);
  if (sms) log(`SMS via ${sms.url}; set the status report webhook at the gateway to ${server.reach.publicUrl}/api/reach/sms-status/${smsStatusKey(keys.answerSecret)} (JSON)`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
process.on("unhandledRejection", (reason) => {
  log(`BUG: unhandled rejection: ${reason?.stack ?? String(reason)}`);
});
main().catch((error) => {
  if (error instanceof StoreCorruptError || error instanceof StorageError) {
    console.error(`Zorgbeeld cannot start: ${error.message}`);
  } else {
    console.error("Zorgbeeld cannot start:", error);
  }
  process.exit(1);
});
