import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { RecordType } from '../server/recorder/incident-log';
import { decodeBusMessage, encodeBusMessage, type BusMessage } from '../server/yjs/room-bus';

// The messages servers of one database send each other (docs/architecture.md, "One order per
// incident across servers"): what one encodes the others read back the same, and a message
// that cannot be read is an error for the listener to drop, never a wrong record.

describe('the bus between servers', () => {
  it('carries committed records, with their bytes, author and time, as they were appended', () => {
    const message: BusMessage = {
      kind: 'head',
      incidentId: 'inc-20261206-abc123',
      head: 43,
      records: [
        { type: RecordType.update, time: 1796594510869.5, user: 'u-k1', payload: new Uint8Array([1, 2, 3, 250]) },
        { type: RecordType.event, time: 1796594510870, user: 'server', payload: new TextEncoder().encode('{"type":"grip-changed","from":1,"to":2}') },
      ],
    };
    expect(decodeBusMessage(encodeBusMessage('server-a', message))).toEqual({ sender: 'server-a', message });
  });

  it('refuses records of a kind the log does not have, and a message cut short', () => {
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, 'server-a');
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarString(encoder, 'inc-1');
    encoding.writeVarUint(encoder, 5);
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint(encoder, 9);
    expect(() => decodeBusMessage(encoding.toUint8Array(encoder))).toThrow(/record type 9/);
    const whole = encodeBusMessage('server-a', { kind: 'head', incidentId: 'inc-1', head: 1, records: [{ type: RecordType.update, time: 1, user: 'u', payload: new Uint8Array(40) }] });
    expect(() => decodeBusMessage(whole.subarray(0, whole.length - 10))).toThrow();
    // More records than the log holds up to the head.
    const over = encodeBusMessage('server-a', { kind: 'head', incidentId: 'inc-1', head: 1, records: [{ type: RecordType.update, time: 1, user: 'u', payload: new Uint8Array(1) }, { type: RecordType.event, time: 1, user: 'u', payload: new Uint8Array(1) }] });
    expect(() => decodeBusMessage(over)).toThrow(/2 records up to head 1/);
  });

  it('reads as a plain head where the records are not read: a server that stops after the head gets it right', () => {
    const withRecords = encodeBusMessage('server-a', { kind: 'head', incidentId: 'inc-1', head: 12, records: [{ type: RecordType.update, time: 1, user: 'u', payload: new Uint8Array([7]) }] });
    const plain = encodeBusMessage('server-a', { kind: 'head', incidentId: 'inc-1', head: 12 });
    expect(withRecords.subarray(0, plain.length)).toEqual(plain);
  });

  it('still reads the other messages', () => {
    const messages: BusMessage[] = [
      { kind: 'head', incidentId: 'inc-1', head: 7 },
      { kind: 'head', incidentId: 'inc-1', head: 7, records: [] },
      { kind: 'awareness', incidentId: 'inc-1', frame: new Uint8Array([1, 0]) },
      { kind: 'status', incidentId: 'inc-1', status: { grip: 3 } },
      { kind: 'sessions-ended', sessionIds: ['s1', 's2'] },
      { kind: 'outbox' },
    ];
    for (const message of messages) expect(decodeBusMessage(encodeBusMessage('b', message))).toEqual({ sender: 'b', message });
  });
});
