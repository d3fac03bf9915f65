import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import webpush from 'web-push';
import type { PgStore } from '../store/pg-store';

/** The server's own keys: the answer links' signing key and the VAPID pair of Web Push. */
export interface ReachKeys {
  answerSecret: Buffer;
  vapid: { publicKey: string; privateKey: string; subject: string };
}

interface KeysFile {
  answerSecret: string;
  vapid: { publicKey: string; privateKey: string };
}

/**
 * On PostgreSQL (`store`): the keys row of the database, made by the first server. Otherwise:
 * reads `keys.json` in the data directory, or makes it on first start (mode 0600, written whole
 * then renamed). VAPID keys given in the environment win; a changed VAPID pair would orphan
 * every device's subscription, so the generated pair is kept for good.
 */
export async function loadReachKeys({ dataDir, vapid, subject, store }: { dataDir: string; vapid?: { publicKey: string; privateKey: string }; subject: string; store?: PgStore }): Promise<ReachKeys> {
  if (store) {
    // Several servers on one database sign with the same keys: the first to start makes them.
    const pair = webpush.generateVAPIDKeys();
    const row = await store.putIfAbsent('keys', { id: 'reach-keys', answerSecret: randomBytes(32).toString('base64url'), vapid: { publicKey: pair.publicKey, privateKey: pair.privateKey } });
    return { answerSecret: Buffer.from(row.answerSecret, 'base64url'), vapid: { ...(vapid ?? row.vapid), subject } };
  }
  const file = join(dataDir, 'keys.json');
  let stored: KeysFile | undefined;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as KeysFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} cannot be read (${(error as Error).message}); restore it or move it away`);
  }
  if (!stored || typeof stored.answerSecret !== 'string' || typeof stored.vapid?.publicKey !== 'string') {
    const pair = webpush.generateVAPIDKeys();
    stored = { answerSecret: randomBytes(32).toString('base64url'), vapid: { publicKey: pair.publicKey, privateKey: pair.privateKey } };
    await writeFile(`${file}.tmp`, JSON.stringify(stored, null, 2), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
  return { answerSecret: Buffer.from(stored.answerSecret, 'base64url'), vapid: { ...(vapid ?? stored.vapid), subject } };
}
