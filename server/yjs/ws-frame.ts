/**
 * WebSocket framing of a broadcast, done once for every socket that receives it
 * (docs/architecture.md, "One process, three transports"). `ws` frames each `send` on its own —
 * a header per socket, two writes, cork and uncork — which for a board of a hundred readers is
 * most of the work of a broadcast after the system calls themselves.
 *
 * A server frame (RFC 6455, section 5.2) is unmasked: FIN and the binary opcode, the payload
 * length in 7 bits, or 126 and 16 bits, or 127 and 64 bits, then the payload.
 */

const FIN_BINARY = 0x82;

/** The whole frame of a binary message: header and payload in one buffer. */
export function binaryFrame(message: Uint8Array): Buffer {
  const length = message.byteLength;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_BINARY;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(message, header);
  return frame;
}

/**
 * The frame of a message, built by the first socket that sends it and reused by the rest: a room
 * hands every socket the same message object, so a weak map keyed by it holds each frame exactly
 * as long as the broadcast.
 */
export function framedOnce(cache: WeakMap<Uint8Array, Buffer>, message: Uint8Array): Buffer {
  let frame = cache.get(message);
  if (!frame) {
    frame = binaryFrame(message);
    cache.set(message, frame);
  }
  return frame;
}
