import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { firstNotHeld } from '../../shared/replay';

/** Kinds of log records. */
export const RecordType = {
  /** An accepted Yjs update (v1 encoding). */
  update: 1,
  /** The whole document state plus the clientID bindings, so loading need not replay from the start. */
  checkpoint: 2,
  /** A JSON event: incident opened, GRIP change, joined/left, alerts, acknowledgements. */
  event: 3,
} as const;

/** One kind of record. */
export type RecordKind = (typeof RecordType)[keyof typeof RecordType];

/** One record of an incident log. */
export interface LogRecord {
  type: RecordKind;
  /** Server time, ms since the epoch. */
  time: number;
  /** User id of the author, or `server`. */
  user: string;
  payload: Uint8Array;
  /** Index of the record in the file, from 0. */
  index: number;
}

/** A run of bytes that could not be read as records. */
export interface DamagedRange {
  offset: number;
  length: number;
}

/** What reading a log found besides its records. */
export interface LogReadReport {
  /** Bytes dropped at the end: a record torn by a crash mid-write. */
  tornBytes: number;
  /** Runs of bytes inside the file that hold no readable record; reading resumed behind each. */
  damaged: DamagedRange[];
}

// Frame: marker | u32 body length | body | u32 CRC-32 of body. Body: u8 type | f64 time | u16
// user length | user | payload. The marker lets a reader find the next record after damage: a
// flipped bit in a length no longer hides every record behind it. Logs written before the
// marker (frames without it) are still read; no such frame can start with the marker, because
// its first four bytes would be a body length of about 3.9 GB.
const MARKER = new Uint8Array([0x5a, 0x42, 0x9c, 0xe7]);
const MARKER_LENGTH = MARKER.length;
const HEADER = 4;
const TRAILER = 4;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes one record as its framed bytes. */
export function encodeRecord(type: RecordKind, time: number, user: string, payload: Uint8Array): Uint8Array {
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

function startsWithMarker(bytes: Uint8Array, offset: number): boolean {
  return bytes[offset] === MARKER[0] && bytes[offset + 1] === MARKER[1] && bytes[offset + 2] === MARKER[2] && bytes[offset + 3] === MARKER[3];
}

/**
 * The record framed at `offset` (with or without marker), or why not: `short` when the bytes
 * end before the frame does, `bad` when the frame is complete but does not check out.
 */
function frameAt(bytes: Uint8Array, view: DataView, offset: number, index: number): { record: LogRecord; end: number } | 'short' | 'bad' {
  const marked = startsWithMarker(bytes, offset);
  const lengthAt = offset + (marked ? MARKER_LENGTH : 0);
  if (bytes.length - lengthAt < HEADER) return 'short';
  const bodyLength = view.getUint32(lengthAt, true);
  if (bodyLength < 11) return 'bad';
  const bodyAt = lengthAt + HEADER;
  const end = bodyAt + bodyLength + TRAILER;
  if (end > bytes.length) return 'short';
  const body = bytes.subarray(bodyAt, bodyAt + bodyLength);
  if (view.getUint32(bodyAt + bodyLength, true) !== crc32(body)) return 'bad';
  const type = body[0] as RecordKind;
  const userLength = view.getUint16(bodyAt + 9, true);
  if (11 + userLength > bodyLength || (type !== 1 && type !== 2 && type !== 3)) return 'bad';
  return {
    record: { type, time: view.getFloat64(bodyAt + 1, true), user: decoder.decode(body.subarray(11, 11 + userLength)), payload: body.subarray(11 + userLength), index },
    end,
  };
}

/** The offset of the next marker at or after `from` that starts a readable record, or -1. */
function nextRecordAt(bytes: Uint8Array, view: DataView, from: number): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf(MARKER, from); at >= 0; at = buffer.indexOf(MARKER, at + 1)) {
    if (typeof frameAt(bytes, view, at, 0) === 'object') return at;
  }
  return -1;
}

/**
 * Decodes every record of a log. Where a frame does not check out, reading resumes at the next
 * marker that starts a readable record; the bytes in between are reported in `damaged`. Bytes
 * at the end behind which no readable record follows are a torn write: reported in `tornBytes`.
 */
export function decodeRecords(bytes: Uint8Array, firstIndex = 0): { records: LogRecord[]; validLength: number; nextIndex: number; report: LogReadReport } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: LogRecord[] = [];
  const damaged: DamagedRange[] = [];
  let offset = 0;
  let index = firstIndex;
  let validLength = 0;
  while (offset < bytes.length) {
    const frame = frameAt(bytes, view, offset, index);
    if (typeof frame === 'object') {
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

/** A log that cannot be read or written (full disk, read-only or unreadable data directory). */
export class StorageError extends Error {
  override name = 'StorageError';

  constructor(
    message: string,
    /** The system error code, e.g. ENOSPC, EROFS, EACCES. */
    readonly code: string,
  ) {
    super(message);
  }
}

function storageError(action: string, file: string, error: unknown): StorageError {
  const code = (error as NodeJS.ErrnoException)?.code ?? 'EIO';
  return new StorageError(`${action} ${file} failed: ${code}`, code);
}

/**
 * Encodes a checkpoint payload: the clientID bindings and the document state in Yjs's v2 update
 * encoding (about five times smaller than v1 for a long session, and faster to load). `after`:
 * how many update records written before this checkpoint it does not hold. A checkpoint encoded
 * away from the event loop (checkpoint-worker.ts) holds the state at the moment it was asked for;
 * the updates recorded while it was encoded come before it in the log, and a replay applies them
 * too (see {@link checkpointReplayStart}).
 */
export function encodeCheckpoint(bindings: Map<number, string>, stateV2: Uint8Array, after = 0): Uint8Array {
  const meta = encoder.encode(JSON.stringify(after > 0 ? { bindings: [...bindings], encoding: 'v2', after } : { bindings: [...bindings], encoding: 'v2' }));
  const payload = new Uint8Array(4 + meta.length + stateV2.length);
  new DataView(payload.buffer).setUint32(0, meta.length, true);
  payload.set(meta, 4);
  payload.set(stateV2, 4 + meta.length);
  return payload;
}

/** Decodes a checkpoint payload (its state is a v2 update); throws on a malformed one. */
export function decodeCheckpoint(payload: Uint8Array): { bindings: Map<number, string>; stateV2: Uint8Array; after: number } {
  const metaLength = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
  const meta = JSON.parse(decoder.decode(payload.subarray(4, 4 + metaLength))) as { bindings: [number, string][]; encoding?: string; after?: unknown };
  if (meta.encoding !== 'v2') throw new Error('unknown checkpoint encoding');
  const after = meta.after ?? 0;
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0) throw new Error('checkpoint with an unreadable count of updates before it');
  return { bindings: new Map(meta.bindings), stateV2: payload.subarray(4 + metaLength), after };
}

/**
 * Where a replay from the checkpoint at `at` starts applying updates: after the checkpoint, or,
 * when it does not hold the last `after` updates before it, at the first of those. -1 when
 * `records` (the end of a log) do not reach back that far.
 */
export function checkpointReplayStart(records: readonly { type: number }[], at: number, after: number): number {
  return after === 0 ? at + 1 : firstNotHeld(at, after, (i) => records[i].type === RecordType.update);
}

/**
 * Reads and decodes a log file (empty when it does not exist), or only what follows `from`: the
 * byte offset and record index where an earlier read stopped (its `validLength` and `nextIndex`).
 * `validLength` is then counted from the start of the file. Throws {@link StorageError}.
 */
export function readLogFile(file: string, from: { offset: number; index: number } = { offset: 0, index: 0 }): ReturnType<typeof decodeRecords> {
  try {
    return readLogBytes(file, from);
  } catch (error) {
    throw storageError('reading', file, error);
  }
}

function readLogBytes(file: string, from: { offset: number; index: number }): ReturnType<typeof decodeRecords> {
  if (!existsSync(file)) return decodeRecords(new Uint8Array(), from.index);
  if (from.offset === 0) return decodeRecords(new Uint8Array(readFileSync(file)), from.index);
  const { bytes } = readEnd(file, () => from.offset);
  const decoded = decodeRecords(bytes, from.index);
  return { ...decoded, validLength: from.offset + decoded.validLength };
}

/** The bytes of a file from `startOf(size)` to its end (fewer when it shrinks meanwhile). */
function readEnd(file: string, startOf: (size: number) => number): { bytes: Uint8Array; start: number; size: number } {
  const fd = openSync(file, 'r');
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

/** What {@link readLogTail} read: the records from the first readable frame of the window on. */
export interface LogTail extends ReturnType<typeof decodeRecords> {
  /** Whether the window reached the start of the file, so that the records are all there are. */
  fromStart: boolean;
}

/**
 * Reads only the end of a log: its last `tailBytes` bytes, from the first marker there that
 * starts a readable record (a window that cuts a record in two starts at the next whole one).
 * Opening a room needs no more than the last checkpoint and what follows it, so a long
 * incident's log is not read whole (docs/architecture.md, "Recording"). `validLength` is counted
 * from the start of the file; record indices from the window's first record. A window in which
 * no record can be found has no records (a larger one may). Throws {@link StorageError}.
 */
export function readLogTail(file: string, tailBytes: number): LogTail {
  try {
    if (!existsSync(file)) return { ...decodeRecords(new Uint8Array()), fromStart: true };
    const { bytes: window, start, size } = readEnd(file, (length) => length - tailBytes);
    if (start === 0) return { ...decodeRecords(window), fromStart: true };
    const first = nextRecordAt(window, new DataView(window.buffer, window.byteOffset, window.byteLength), 0);
    if (first < 0) return { records: [], validLength: size, nextIndex: 0, report: { tornBytes: 0, damaged: [] }, fromStart: false };
    const decoded = decodeRecords(window.subarray(first));
    return { ...decoded, validLength: start + first + decoded.validLength, fromStart: false };
  } catch (error) {
    throw storageError('reading', file, error);
  }
}

/** A record to append. */
export interface NewRecord {
  type: RecordKind;
  time: number;
  user: string;
  payload: Uint8Array;
}

/** A server event (JSON) as a record, with server time. */
export function eventRecord(time: number, user: string, event: unknown): NewRecord {
  return { type: RecordType.event, time, user, payload: encoder.encode(JSON.stringify(event)) };
}

/** Where an incident's log lives. */
export function incidentLogFile(dataDir: string, incidentId: string): string {
  return join(dataDir, 'incidents', incidentId, 'log.zbl');
}

/**
 * The append-only log of one incident. Writes are synchronous so that a record is in the file
 * (the OS page cache survives a kill -9 of the process) before its update is broadcast. A write
 * that fails (full disk, read-only file system) is cut back to the last whole record and raises
 * {@link StorageError}; the next append tries again, so writing resumes when space returns.
 */
export class IncidentLog {
  private fd: number;
  private length: number;

  private constructor(
    readonly file: string,
    fd: number,
    length: number,
  ) {
    this.fd = fd;
    this.length = length;
  }

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
  static open(file: string, warn: (message: string) => void, options: { tailBytes?: number } = {}): { log: IncidentLog; records: LogRecord[]; fromStart: boolean } {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      throw storageError('reading', file, error);
    }
    if (options.tailBytes !== undefined) {
      const tail = readLogTail(file, options.tailBytes);
      if (tail.report.damaged.length === 0) {
        if (tail.report.tornBytes > 0) IncidentLog.cutTornTail(file, tail.validLength, warn, tail.records.length);
        const log = new IncidentLog(file, -1, tail.validLength);
        log.reopen(warn);
        return { log, records: tail.records, fromStart: tail.fromStart };
      }
    }
    let bytes: Uint8Array;
    try {
      bytes = existsSync(file) ? new Uint8Array(readFileSync(file)) : new Uint8Array();
    } catch (error) {
      throw storageError('reading', file, error);
    }
    const { records, validLength, report } = decodeRecords(bytes);
    let length = bytes.length;
    if (report.damaged.length > 0 || report.tornBytes > 0) {
      const cut = [...report.damaged, ...(report.tornBytes > 0 ? [{ offset: validLength, length: report.tornBytes }] : [])];
      try {
        for (const range of cut) writeFileSync(`${file}.${range.offset}.damaged`, bytes.subarray(range.offset, range.offset + range.length));
        length = rewriteWithout(file, bytes, cut);
        if (report.tornBytes > 0) warn(`log ${file}: dropped a torn last record (${report.tornBytes} bytes, kept in ${file}.${validLength}.damaged); the ${records.length} records before it are kept`);
        if (report.damaged.length > 0) {
          warn(`log ${file}: ${report.damaged.map((r) => `${r.length} unreadable bytes at ${r.offset}`).join(', ')} moved to ${file}.<offset>.damaged; reading resumed at the next record`);
        }
      } catch (error) {
        // Nothing is cut when the copy aside cannot be written: the marker lets the next read skip the same bytes again.
        warn(`log ${file}: ${cut.length} unreadable run(s) found but could not be moved aside (${(error as NodeJS.ErrnoException).code ?? error}); they stay in the log and are skipped`);
      }
    }
    const log = new IncidentLog(file, -1, length);
    log.reopen(warn);
    return { log, records, fromStart: true };
  }

  /** Moves a torn last record (from `validLength` to the end) to a file beside the log and cuts it off. */
  private static cutTornTail(file: string, validLength: number, warn: (message: string) => void, kept: number): void {
    try {
      const fd = openSync(file, 'r+');
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
      warn(`log ${file}: a torn last record could not be cut off (${(error as NodeJS.ErrnoException).code ?? error}); it stays and is skipped`);
    }
  }

  private reopen(warn?: (message: string) => void): boolean {
    if (this.fd >= 0) return true;
    try {
      this.fd = openSync(this.file, 'a');
      return true;
    } catch (error) {
      warn?.(`log ${this.file}: cannot be opened for writing (${(error as NodeJS.ErrnoException).code ?? error}); the board is read-only until it can`);
      return false;
    }
  }

  /** Appends one record. */
  append(type: RecordKind, time: number, user: string, payload: Uint8Array): void {
    this.appendAll([{ type, time, user, payload }]);
  }

  /**
   * Appends records as one write: all of them or, when the write fails, none (a partial write
   * is cut off again). Throws {@link StorageError}.
   */
  appendAll(records: readonly NewRecord[]): void {
    const frames = records.map((r) => encodeRecord(r.type, r.time, r.user, r.payload));
    const bytes = frames.length === 1 ? frames[0] : Buffer.concat(frames);
    if (!this.reopen()) throw new StorageError(`opening ${this.file} for writing failed`, 'EACCES');
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    } catch (error) {
      if (written > 0) {
        try {
          ftruncateSync(this.fd, this.length);
        } catch {
          // The marker framing lets a reader skip the partial record if even the cut fails.
        }
      }
      throw storageError('appending to', this.file, error);
    }
    this.length += bytes.length;
  }

  /** Whether the file is open for appending. */
  get writable(): boolean {
    return this.fd >= 0;
  }

  /**
   * Checks that the file system takes writes again (a probe file beside the log, written and
   * removed) and reopens the log if needed. Throws {@link StorageError}.
   */
  probe(): void {
    const probe = `${this.file}.probe`;
    try {
      writeFileSync(probe, new Uint8Array(64 * 1024));
      unlinkSync(probe);
    } catch (error) {
      try {
        unlinkSync(probe);
      } catch {
        // Not there: nothing to clean up.
      }
      throw storageError('probing', this.file, error);
    }
    if (!this.reopen()) throw new StorageError(`opening ${this.file} for writing failed`, 'EACCES');
  }

  /** Size of the file in bytes. */
  size(): number {
    return this.length;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Writes the log again without the given byte ranges (a new file renamed over the old); returns its length. */
function rewriteWithout(file: string, bytes: Uint8Array, cut: readonly DamagedRange[]): number {
  const kept: Uint8Array[] = [];
  let at = 0;
  for (const range of [...cut].sort((a, b) => a.offset - b.offset)) {
    kept.push(bytes.subarray(at, range.offset));
    at = range.offset + range.length;
  }
  kept.push(bytes.subarray(at));
  const next = Buffer.concat(kept);
  const temporary = `${file}.rewrite`;
  const fd = openSync(temporary, 'w');
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
