// Where a propagation round's time goes inside each server, seen from its sockets: preloaded
// into every process of a benchmark run, it notes when a client's sync-update frame arrives and
// when the server writes the update frames that follow (each server's own framing: Zorgbeeld's
// one frame, ws' header and payload, Hocuspocus' document name first), and in Zorgbeeld also the
// log's write and the first setImmediate callback after the frame.
//
//   PROBE_OUT=/tmp/probe NODE_OPTIONS="--import ./bench/socket-probe.mjs" npm run bench -- --only=stock
//
// Each server process writes one line of medians to PROBE_OUT/<pid>-<entry>.txt when it stops.
// Not part of `npm run bench`: patching net.Socket costs each server the same few microseconds
// a write, which the table must not carry (docs/benchmark-notes.md, the section "from the servers' sockets").
import { Buffer } from 'node:buffer';
import fs, { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import process from 'node:process';

const entry = process.argv[1] ?? '';
const out = process.env.PROBE_OUT;

if (out && !entry.includes('bench/run')) {
  const rounds = [];
  let round = null;
  const now = () => process.hrtime.bigint();

  /** Whether bytes are a WebSocket frame (masked from a client, or not) of a sync-update message. */
  function isUpdateFrame(bytes, masked) {
    if (bytes.length < 4 || bytes[0] !== 0x82) return false;
    const length = bytes[1] & 0x7f;
    let at = length === 126 ? 4 : length === 127 ? 10 : 2;
    const mask = masked ? bytes.subarray(at, at + 4) : null;
    if (mask) at += 4;
    const byte = (i) => (mask ? bytes[at + i] ^ mask[i % 4] : bytes[at + i]);
    // Hocuspocus puts the document's name (a varstring) before the message type.
    const start = byte(0) === 'benchmark-room'.length ? 'benchmark-room'.length + 1 : 0;
    return byte(start) === 0 && byte(start + 1) === 2;
  }
  /** ws writes a frame's header and its payload apart; the payload then starts with the message. */
  const isUpdatePayload = (bytes) => (bytes[0] === 0 && bytes[1] === 2) || (bytes[0] === 14 && bytes[15] === 0 && bytes[16] === 2);

  const emit = net.Socket.prototype.emit;
  net.Socket.prototype.emit = function (event, data, ...rest) {
    if (event === 'data' && Buffer.isBuffer(data) && data[1] & 0x80 && isUpdateFrame(data, true)) {
      round = { in: now(), first: 0n, last: 0n, writes: 0, immediate: 0n, log: 0n };
      rounds.push(round);
    }
    return emit.call(this, event, data, ...rest);
  };
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (chunk, ...rest) {
    if (round && chunk instanceof Uint8Array && (isUpdateFrame(Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.length, 40)), false) || isUpdatePayload(chunk))) {
      round.last = now();
      if (!round.first) round.first = round.last;
      round.writes++;
    }
    return write.call(this, chunk, ...rest);
  };
  const immediate = globalThis.setImmediate;
  globalThis.setImmediate = function (callback, ...args) {
    const owner = round;
    return immediate(function (...given) {
      if (owner && owner === round && !owner.immediate) owner.immediate = now();
      return callback.apply(this, given);
    }, ...args);
  };
  const writeSync = fs.writeSync;
  fs.writeSync = function (...args) {
    const owner = round;
    const start = now();
    try {
      return writeSync.apply(this, args);
    } finally {
      if (owner && !owner.log) owner.log = now() - start;
    }
  };
  syncBuiltinESMExports();

  const report = () => {
    // Rounds the server sent to many sockets (not a client's own sync answers).
    const done = rounds.filter((r) => r.writes > 50);
    const median = (values) => {
      const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
      return sorted.length === 0 ? '-' : sorted[Math.floor(sorted.length / 2)].toFixed(0);
    };
    const us = (from, to) => done.map((r) => (r[to] && r[from] ? Number(r[to] - r[from]) / 1000 : 0));
    const line = [
      `rounds ${done.length}`,
      `frame in → first update out ${median(us('in', 'first'))} µs`,
      `first → last out ${median(us('first', 'last'))} µs`,
      `sockets ${median(done.map((r) => r.writes))}`,
      `frame in → first setImmediate callback ${median(us('in', 'immediate'))} µs`,
      `log write (writeSync) ${median(done.map((r) => Number(r.log) / 1000))} µs`,
    ].join(' · ');
    writeFileSync(`${out}/${process.pid}-${entry.split('/').slice(-2).join('_')}.txt`, `${line}\n`);
  };
  process.on('exit', report);
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.prependListener(signal, () => {
      report();
      // A server with its own handler stops itself; one without would otherwise not stop.
      if (process.listenerCount(signal) === 1) process.exit(0);
    });
  }
}
