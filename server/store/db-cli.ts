// `npm run migrate`: brings the database of DATABASE_URL to the newest schema.
// `npm run copy-to-postgres`: copies an embedded store (DATA_DIR) into the database of DATABASE_URL.
import { resolve } from 'node:path';
import pg from 'pg';
import { migrate } from './migrate';
import { openLowdbStore } from './lowdb-store';
import { describeDatabase, openPgStore } from './pg-store';
import { COLLECTION_NAMES, type ChangeSet } from './store';

const log = (message: string) => console.log(message);

async function main(command: string | undefined): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: give the PostgreSQL connection string, e.g. postgres://postgres@127.0.0.1:5432/zorgbeeld');
  if (command === 'migrate') {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const applied = await migrate(pool, log);
      log(applied.length === 0 ? `database ${describeDatabase(url)}: schema is current` : `database ${describeDatabase(url)}: applied ${applied.join(', ')}`);
    } finally {
      await pool.end();
    }
    return;
  }
  if (command === 'copy') {
    const dataDir = resolve(process.env.DATA_DIR ?? './data');
    const from = await openLowdbStore({ dataDir, log });
    const to = await openPgStore({ url, log });
    try {
      // A region moves once: into an empty database, so that nothing there is overwritten.
      for (const name of COLLECTION_NAMES) {
        if ((await to.list(name)).length > 0) throw new Error(`the database already holds ${name}; copy into an empty database (nothing was changed)`);
      }
      const changes: ChangeSet = {};
      const counts: string[] = [];
      for (const name of COLLECTION_NAMES) {
        const rows = await from.list(name);
        (changes as Record<string, unknown[]>)[name] = rows;
        counts.push(`${rows.length} ${name}`);
      }
      await to.put(changes);
      log(`copied from ${dataDir} to ${describeDatabase(url)}: ${counts.join(', ')}`);
      log(`incident logs stay in ${resolve(dataDir, 'incidents')}: keep DATA_DIR pointing there`);
    } finally {
      await from.close();
      await to.close();
    }
    return;
  }
  throw new Error('usage: db-cli.ts migrate | copy');
}

main(process.argv[2]).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`Zorgbeeld database: ${(error as Error).message}`);
    process.exit(1);
  },
);
