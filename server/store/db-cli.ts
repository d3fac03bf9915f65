// `npm run migrate`: brings the database of DATABASE_URL to the newest schema.
// `npm run copy-to-postgres`: copies an embedded store (DATA_DIR) into the database of DATABASE_URL.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { migrate } from './migrate';
import { openLowdbStore } from './lowdb-store';
import { describeDatabase, openPgStore } from './pg-store';
import { COLLECTION_NAMES, type ChangeSet, type StoredKeys, type StoredNetwork } from './store';
import { readLogFile, incidentLogFile } from '../recorder/incident-log';
import { PgRecorder } from '../recorder/pg-recorder';

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
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      // A region moves once: into an empty database, so that nothing there is overwritten.
      for (const name of COLLECTION_NAMES) {
        if ((await to.list(name)).length > 0) throw new Error(`the database already holds ${name}; copy into an empty database (nothing was changed)`);
      }
      if ((await pool.query('SELECT 1 FROM incident_records LIMIT 1')).rowCount) throw new Error('the database already holds incident logs; copy into an empty database (nothing was changed)');
      // Each incident's history, record by record in its order, before the rows that name it.
      let records = 0;
      let logs = 0;
      for (const incident of await from.list('incidents')) {
        const file = incidentLogFile(dataDir, incident.id);
        if (!existsSync(file)) continue;
        const read = readLogFile(file);
        if (read.report.damaged.length > 0 || read.report.tornBytes > 0) log(`incident ${incident.id}: ${read.report.damaged.length} unreadable run(s) and ${read.report.tornBytes} torn byte(s) in ${file} were not copied; they stay in the file`);
        const recorder = await PgRecorder.open(pool, incident.id);
        for (let i = 0; i < read.records.length; i += 1000) await recorder.append(read.records.slice(i, i + 1000), recorder.head);
        records += read.records.length;
        logs++;
      }
      const changes: ChangeSet = {};
      const counts: string[] = [];
      for (const name of COLLECTION_NAMES) {
        const rows = await from.list(name);
        (changes as Record<string, unknown[]>)[name] = rows;
        counts.push(`${rows.length} ${name}`);
      }
      // Beside each log its frozen network, and the server's keys: links in messages already
      // sent keep working, devices keep their push subscriptions.
      const networks: StoredNetwork[] = [];
      for (const incident of await from.list('incidents')) {
        const file = join(dataDir, 'incidents', incident.id, 'network.json');
        if (existsSync(file)) networks.push({ id: incident.id, network: JSON.parse(readFileSync(file, 'utf8')) as StoredNetwork['network'] });
        else log(`incident ${incident.id}: no network.json in ${dirname(file)}; its board will say its data is missing`);
      }
      changes.networks = networks;
      const keysFile = join(dataDir, 'keys.json');
      if (existsSync(keysFile)) {
        const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as Omit<StoredKeys, 'id'>;
        changes.keys = [{ id: 'reach-keys', answerSecret: keys.answerSecret, vapid: keys.vapid }];
      }
      await to.put(changes);
      log(`copied from ${dataDir} to ${describeDatabase(url)}: ${counts.join(', ')}; ${records} records of ${logs} incident logs; ${networks.length} frozen networks${changes.keys ? '; the server keys' : ''}`);
      log(`start the servers with DATABASE_URL=${describeDatabase(url)}; ${dataDir} is not needed by them any more (keep it as a backup)`);
    } finally {
      await from.close();
      await to.close();
      await pool.end();
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
