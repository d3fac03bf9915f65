import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { createServer } from './app';
import { seedIfEmpty } from './seed';
import { openLowdbStore } from './store/lowdb-store';
import { StoreCorruptError } from './store/store';

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
  const store = await openLowdbStore({ dataDir, log });
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
  const server = createServer({
    store,
    dataDir,
    log,
    web,
    tileUrl: env.TILE_URL ?? 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    tileAttribution: env.TILE_ATTRIBUTION ?? '&copy; OpenStreetMap contributors',
    secureCookies: env.SECURE_COOKIES === 'true',
    allowedOrigins: env.ALLOWED_ORIGINS ? env.ALLOWED_ORIGINS.split(',').map((o) => o.trim()) : [],
    maxConnectionsPerAddress: positive(env.MAX_CONNECTIONS_PER_ADDRESS),
    trustProxy: env.TRUST_PROXY ? (env.TRUST_PROXY === 'true' ? true : env.TRUST_PROXY) : undefined,
    writeBudget: positive(env.WRITE_BUDGET_BYTES_PER_SECOND) ? { bytesPerSecond: positive(env.WRITE_BUDGET_BYTES_PER_SECOND)!, burstBytes: 64 * positive(env.WRITE_BUDGET_BYTES_PER_SECOND)! } : undefined,
  });
  const url = await server.listen(Number(env.PORT ?? 3000), env.HOST ?? '0.0.0.0');
  log(`Zorgbeeld listening on ${url.replace('0.0.0.0', 'localhost')} (data in ${dataDir})`);
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
  if (error instanceof StoreCorruptError) {
    console.error(`Zorgbeeld cannot start: ${error.message}`);
  } else {
    console.error('Zorgbeeld cannot start:', error);
  }
  process.exit(1);
});
