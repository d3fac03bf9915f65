import { createECDH, createHmac, createDecipheriv, createPublicKey, randomBytes, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { resolve as resolvePath } from 'node:path';
import type { AddressInfo } from 'node:net';

/** A push as the push service received it, checked and decrypted. */
export interface ReceivedPush {
  subscription: string;
  /** The VAPID claims of the JWT whose signature checked out. */
  claims: { aud: string; exp: number; sub: string };
  vapidKey: string;
  ttl: number;
  urgency: string | undefined;
  payload: unknown;
}

const b64 = (buffer: Buffer) => buffer.toString('base64url');
const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/**
 * Stands in for a browser's push service (RFC 8030) on port 0, over HTTPS as web-push requires. Each subscription it hands out
 * has its own P-256 key pair and auth secret, as a browser makes them. Every push must carry a
 * VAPID JWT (RFC 8292) whose ES256 signature verifies against the `k` key, and an aes128gcm body
 * (RFC 8188) that decrypts with the subscription's keys (RFC 8291); otherwise it is refused and
 * counted in `violations`. `gone(id)` makes a subscription answer 410, as an expired one does.
 */
/** The peer's self-signed certificate (127.0.0.1, test only): give it to the server as the push CA. */
export const PUSH_PEER_CA = readFileSync(resolvePath(import.meta.dirname, '../fixtures/push-peer-cert.pem'), 'utf8');

export async function startPushPeer() {
  const received: ReceivedPush[] = [];
  const violations: string[] = [];
  const keys = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>();
  const goneIds = new Set<string>();
  const tls = { cert: PUSH_PEER_CA, key: readFileSync(resolvePath(import.meta.dirname, '../fixtures/push-peer-key.pem'), 'utf8') };
  const server: Server = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = (req.url ?? '').split('/').pop() ?? '';
      const fail = (why: string) => {
        violations.push(why);
        res.writeHead(400).end(why);
      };
      const sub = keys.get(id);
      if (!sub) return fail(`unknown subscription ${id}`);
      if (goneIds.has(id)) return void res.writeHead(410).end('Gone');
      try {
        // VAPID: "vapid t=<jwt>, k=<public key>".
        const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(String(req.headers.authorization));
        if (!match) return fail(`authorization ${req.headers.authorization}`);
        const [header, claims, signature] = match[1].split('.');
        const point = Buffer.from(match[2], 'base64url');
        if (point.length !== 65 || point[0] !== 4) return fail('k is not an uncompressed P-256 point');
        const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)) }, format: 'jwk' });
        if (!verify('sha256', Buffer.from(`${header}.${claims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) return fail('JWT signature does not verify');
        const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
        const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as ReceivedPush['claims'];
        if (head.alg !== 'ES256') return fail(`alg ${head.alg}`);
        if (body.aud !== `https://${req.headers.host}`) return fail(`aud ${body.aud}`);
        if (!(body.exp > Date.now() / 1000 && body.exp <= Date.now() / 1000 + 24 * 3600)) return fail(`exp ${body.exp}`);
        if (!/^(mailto:|https:)/.test(body.sub)) return fail(`sub ${body.sub}`);
        if (req.headers['content-encoding'] !== 'aes128gcm') return fail(`content-encoding ${req.headers['content-encoding']}`);
        // RFC 8188 header: salt (16) | record size (4) | key id length (1) | key id (the sender's public key).
        const data = Buffer.concat(chunks);
        const salt = data.subarray(0, 16);
        const idLength = data[20];
        const senderKey = data.subarray(21, 21 + idLength);
        const record = data.subarray(21 + idLength);
        // RFC 8291: the input keying material from ECDH and the auth secret.
        const shared = sub.ecdh.computeSecret(senderKey);
        const prkKey = hmac(sub.auth, shared);
        const ikm = hmac(prkKey, Buffer.concat([Buffer.from('WebPush: info\0'), sub.ecdh.getPublicKey(), senderKey, Buffer.from([1])]));
        const prk = hmac(salt, ikm);
        const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
        const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
        const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
        decipher.setAuthTag(record.subarray(record.length - 16));
        const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
        // The last record ends in the delimiter 0x02 and optional zero padding.
        const end = plain.lastIndexOf(2);
        if (end < 0 || plain.subarray(end + 1).some((b) => b !== 0)) return fail('padding delimiter missing');
        received.push({ subscription: id, claims: body, vapidKey: match[2], ttl: Number(req.headers.ttl), urgency: req.headers.urgency as string | undefined, payload: JSON.parse(plain.subarray(0, end).toString('utf8')) });
        res.writeHead(201).end();
      } catch (error) {
        fail(`cannot read the push: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    received,
    violations,
    /** A new subscription, as PushManager.subscribe() would give it. */
    subscription() {
      const id = randomBytes(6).toString('hex');
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      keys.set(id, { ecdh, auth });
      return { id, endpoint: `${base}/push/${id}`, keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(auth) } };
    },
    gone(id: string) {
      goneIds.add(id);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
