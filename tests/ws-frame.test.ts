import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { binaryFrame, framedOnce } from '../server/yjs/ws-frame';

// ws frames its own sends with Sender.frame, which its type definitions leave out.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

// The frames a broadcast writes straight onto sockets must be byte for byte what ws itself would
// send for the same message, at each of the three header sizes of RFC 6455.
describe('one WebSocket frame per broadcast', () => {
  it.each([0, 1, 125, 126, 65535, 65536, 200000])('frames %i payload bytes as ws does', (length) => {
    const message = new Uint8Array(length).map((_, i) => (i * 31) & 0xff);
    const theirs = Buffer.concat(Sender.frame(Buffer.from(message), { fin: true, opcode: 2, mask: false, readOnly: true, rsv1: false }));
    expect(Buffer.compare(binaryFrame(message), theirs)).toBe(0);
  });

  it('builds a message frame once however many sockets send it', () => {
    const cache = new WeakMap<Uint8Array, Buffer>();
    const message = new Uint8Array([0, 2, 1, 7]);
    const first = framedOnce(cache, message);
    expect(framedOnce(cache, message)).toBe(first);
    expect(framedOnce(cache, new Uint8Array([0, 2, 1, 7]))).not.toBe(first);
  });
});
