import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';

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

/** What reading a log found besides its records. */
export interface LogReadReport {
  /** Bytes dropped at the end: a record torn by a crash mid-write. */
  tornBytes: number;
  /** Records inside the file whose checksum failed; skipped. */
  corrupt: number[];
}

// Frame: u32 body length | body | u32 CRC-32 of body. Body: u8 type | f64 time | u16 user length | user | payload.
const HEADER = 4;
const TRAILER = 4;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes one record as its framed bytes. */
export function encodeRecord(type: RecordKind, time: number, user: string, payload: Uint8Array): Uint8Array {
  const userBytes = encoder.encode(user);
  const bodyLength = 1 + 8 + 2 + userBytes.length + payload.length;
  const frame = new Uint8Array(HEADER + bodyLength + TRAILER);
  const view = new DataView(frame.buffer);
  view.setUint32(0, bodyLength, true);
  view.setUint8(4, type);
  view.setFloat64(5, time, true);
  view.setUint16(13, userBytes.length, true);
  frame.set(userBytes, 15);
  frame.set(payload, 15 + userBytes.length);
  view.setUint32(HEADER + bodyLength, crc32(frame.subarray(HEADER, HEADER + bodyLength)), true);
  return frame;
}

/**
 * Decodes every record of a log. A last record that is incomplete or fails its checksum is a torn
 * write: it is reported in `tornBytes` and left out. A record inside the file that fails its
 * checksum is skipped and reported, and reading goes on behind it.
 */
export function decodeRecords(bytes: Uint8Array, firstIndex = 0): { records: LogRecord[]; validLength: number; nextIndex: number; report: LogReadReport } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: LogRecord[] = [];
  const corrupt: number[] = [];
  let offset = 0;
  let index = firstIndex;
  let validLength = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < HEADER) break;
    const bodyLength = view.getUint32(offset, true);
    const end = offset + HEADER + bodyLength + TRAILER;
    if (bodyLength < 11 || end > bytes.length) break;
    const body = bytes.subarray(offset + HEADER, offset + HEADER + bodyLength);
    const ok = view.getUint32(offset + HEADER + bodyLength, true) === crc32(body);
    if (!ok && end === bytes.length) break;
    if (ok) {
      const type = body[0] as RecordKind;
      const userLength = view.getUint16(offset + HEADER + 9, true);
      if (11 + userLength <= bodyLength && (type === 1 || type === 2 || type === 3)) {
        records.push({
          type,
          time: view.getFloat64(offset + HEADER + 1, true),
          user: decoder.decode(body.subarray(11, 11 + userLength)),
          payload: body.subarray(11 + userLength),
          index,
        });
      } else {
        corrupt.push(index);
      }
    } else {
      corrupt.push(index);
    }
    index++;
    offset = end;
    validLength = end;
  }
  return { records, validLength, nextIndex: index, report: { tornBytes: bytes.length - validLength, corrupt } };
}

/**
 * Encodes a checkpoint payload: the clientID bindings and the document state in Yjs's v2 update
 * encoding (about five times smaller than v1 for a long session, and faster to load).
 */
export function encodeCheckpoint(bindings: Map<number, string>, stateV2: Uint8Array): Uint8Array {
  const meta = encoder.encode(JSON.stringify({ bindings: [...bindings], encoding: 'v2' }));
  const payload = new Uint8Array(4 + meta.length + stateV2.length);
  new DataView(payload.buffer).setUint32(0, meta.length, true);
  payload.set(meta, 4);
  payload.set(stateV2, 4 + meta.length);
  return payload;
}

/** Decodes a checkpoint payload (its state is a v2 update); throws on a malformed one. */
export function decodeCheckpoint(payload: Uint8Array): { bindings: Map<number, string>; stateV2: Uint8Array } {
  const metaLength = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
  const meta = JSON.parse(decoder.decode(payload.subarray(4, 4 + metaLength))) as { bindings: [number, string][]; encoding?: string };
  if (meta.encoding !== 'v2') throw new Error('unknown checkpoint encoding');
  return { bindings: new Map(meta.bindings), stateV2: payload.subarray(4 + metaLength) };
}

/**
 * Reads and decodes a log file (empty when it does not exist), or only what follows `from`: the
 * byte offset and record index where an earlier read stopped (its `validLength` and `nextIndex`).
 * `validLength` is then counted from the start of the file.
 */
export function readLogFile(file: string, from: { offset: number; index: number } = { offset: 0, index: 0 }): ReturnType<typeof decodeRecords> {
  if (!existsSync(file)) return decodeRecords(new Uint8Array(), from.index);
  if (from.offset === 0) return decodeRecords(new Uint8Array(readFileSync(file)), from.index);
  const fd = openSync(file, 'r');
  try {
    const bytes = new Uint8Array(Math.max(0, fstatSync(fd).size - from.offset));
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, from.offset + read);
      if (n === 0) break;
      read += n;
    }
    const decoded = decodeRecords(bytes.subarray(0, read), from.index);
    return { ...decoded, validLength: from.offset + decoded.validLength };
  } finally {
    closeSync(fd);
  }
}

/**
 * The append-only log of one incident. Writes are synchronous so that a record is in the file
 * (the OS page cache survives a kill -9 of the process) before its update is broadcast.
 */
export class IncidentLog {
  private fd: number;
  private count: number;

  private constructor(
    readonly file: string,
    fd: number,
    count: number,
  ) {
    this.fd = fd;
    this.count = count;
  }

  /** Opens (or creates) a log, drops a torn tail from the file, and returns its records. */
  static open(file: string, warn: (message: string) => void): { log: IncidentLog; records: LogRecord[] } {
    mkdirSync(dirname(file), { recursive: true });
    const { records, validLength, report } = readLogFile(file);
    if (report.tornBytes > 0) {
      warn(`log ${file}: dropped a torn last record (${report.tornBytes} bytes); the ${records.length} records before it are kept`);
      const fd = openSync(file, 'r+');
      ftruncateSync(fd, validLength);
      closeSync(fd);
    }
    if (report.corrupt.length > 0) {
      warn(`log ${file}: records ${report.corrupt.join(', ')} fail their checksum and are skipped`);
    }
    const appendFd = openSync(file, 'a');
    return { log: new IncidentLog(file, appendFd, records.length + report.corrupt.length), records };
  }

  /** Appends one record; returns its index. */
  append(type: RecordKind, time: number, user: string, payload: Uint8Array): number {
    const frame = encodeRecord(type, time, user, payload);
    let written = 0;
    while (written < frame.length) written += writeSync(this.fd, frame, written, frame.length - written);
    return this.count++;
  }

  /** Size of the file in bytes. */
  size(): number {
    return fstatSync(this.fd).size;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
