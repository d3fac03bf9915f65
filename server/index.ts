import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { createServer } from './app';
import { loadReachKeys } from './reach/secrets';
import { CM_DEFAULT_URL } from './reach/sms-channel';
import { smsStatusKey } from './http/reach-routes';
import { seedIfEmpty } from './seed';
import { openLowdbStore } from './store/lowdb-store';
import { describeDatabase, openPgStore, type PgStore } from './store/pg-store';
import { joinCluster, type Cluster } from './cluster';
import { StoreCorruptError } from './store/store';
import { StorageError } from './recorder/incident-log';

// The only module that reads the environment and listens.
const env = process.env;
const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);

/** A positive number from the environment, or undefined for the default. */
function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : undefined;
}

async function main(): Promise<void> {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  // DATABASE_URL: everything durable in PostgreSQL, incident logs included (docs/architecture.md,
  // "Stores"); with REDIS_URL as well, several servers on that database. Unset: the embedded
  // lowdb files and log files in DATA_DIR.
  let store;
  let cluster: Cluster | undefined;
  let pgStore: PgStore | undefined;
  if (env.DATABASE_URL) {
    // Without Redis the servers could not tell each other of new records: one server per database.
    const opened = await openPgStore({ url: env.DATABASE_URL, log, exclusive: !env.REDIS_URL });
    store = pgStore = opened;
    cluster = await joinCluster({ pool: opened.pool, url: env.DATABASE_URL, redisUrl: env.REDIS_URL || undefined, name: new URL(env.DATABASE_URL).pathname.slice(1) || 'postgres', log }).catch(async (error: Error) => {
      await opened.close();
      throw new StorageError(error.message, 'EREDIS');
    });
  } else {
    store = await openLowdbStore({ dataDir, log });
  }
  await seedIfEmpty({
    store,
    log,
    now: () => new Date(),
    adminPassword: env.ADMIN_PASSWORD || undefined,
    demoPassword: env.DEMO_PASSWORD || undefined,
    scale: env.DEMO_SCALE ? Number(env.DEMO_SCALE) : 1,
  });
  const handlerFile = resolve('build/handler.js');
  let web: RequestHandler | undefined;
  if (existsSync(handlerFile)) {
    web = ((await import(pathToFileURL(handlerFile).href)) as { handler: RequestHandler }).handler;
  } else {
    log('no web build found (run `npm run build`); serving the API only');
  }
  const port = Number(env.PORT ?? 3000);
  // Without PUBLIC_URL, links start with the address the server listens on (fine on one machine only).
  const publicUrl = (env.PUBLIC_URL ?? '').replace(/\/+$/, '');
  const vapid = env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY } : undefined;
  const keys = await loadReachKeys({ dataDir, vapid, subject: env.VAPID_SUBJECT || 'mailto:ghor@zorgbeeld.example', store: pgStore });
  const sms = env.SMS_TOKEN ? { url: env.SMS_URL || CM_DEFAULT_URL, token: env.SMS_TOKEN, sender: (env.SMS_SENDER || 'GHOR').slice(0, 11) } : undefined;
  const server = createServer({
    store,
    dataDir,
    cluster,
    log,
    web,
    tileUrl: env.TILE_URL ?? 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    tileAttribution: env.TILE_ATTRIBUTION ?? '&copy; OpenStreetMap contributors',
    secureCookies: env.SECURE_COOKIES === 'true',
    allowedOrigins: env.ALLOWED_ORIGINS ? env.ALLOWED_ORIGINS.split(',').map((o) => o.trim()) : [],
    maxConnectionsPerAddress: positive(env.MAX_CONNECTIONS_PER_ADDRESS),
    trustProxy: env.TRUST_PROXY ? (env.TRUST_PROXY === 'true' ? true : env.TRUST_PROXY) : undefined,
    checkpointEvery: positive(env.CHECKPOINT_EVERY),
    writeBudget: positive(env.WRITE_BUDGET_BYTES_PER_SECOND) ? { bytesPerSecond: positive(env.WRITE_BUDGET_BYTES_PER_SECOND)!, burstBytes: 64 * positive(env.WRITE_BUDGET_BYTES_PER_SECOND)! } : undefined,
    reach: {
      keys,
      publicUrl,
      smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM || 'GHOR Zorgbeeld <zorgbeeld@localhost>' } : undefined,
      sms,
      push: env.PUSH !== 'off',
      pushCa: env.PUSH_CA_FILE ? readFileSync(env.PUSH_CA_FILE, 'utf8') : undefined,
      escalateAfterMin: positive(env.ESCALATE_AFTER_MIN),
      escalationTickMs: positive(env.ESCALATION_TICK_MS),
    },
  });
  const url = await server.listen(port, env.HOST ?? '0.0.0.0');
  const where = env.DATABASE_URL ? `everything in PostgreSQL ${describeDatabase(env.DATABASE_URL)}${env.REDIS_URL ? ', servers of this database told of each other through Redis' : ', this server alone on it'}` : `data in ${dataDir}`;
  log(`Zorgbeeld listening on ${url.replace('0.0.0.0', 'localhost')} (${where})`);
  if (!publicUrl) log(`PUBLIC_URL is not set: answer links in messages start with ${server.reach.publicUrl}, which only this machine can open`);
  log(`reach: channels ${server.reach.channels.join(', ') || 'none'} besides the app`);
  if (sms) log(`SMS via ${sms.url}; set the status report webhook at the gateway to ${server.reach.publicUrl}/api/reach/sms-status/${smsStatusKey(keys.answerSecret)} (JSON)`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Every edge catches what it meets; this is the last line of defence, and it says so loudly
// instead of ending the process for every user because of one request.
process.on('unhandledRejection', (reason: unknown) => {
  log(`BUG: unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`);
});

main().catch((error: unknown) => {
  if (error instanceof StoreCorruptError || error instanceof StorageError) {
    console.error(`Zorgbeeld cannot start: ${error.message}`);
  } else {
    console.error('Zorgbeeld cannot start:', error);
  }
  process.exit(1);
});
