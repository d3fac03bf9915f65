import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import {
  COLLECTION_NAMES,
  StoreCorruptError,
  type ChangeSet,
  type CollectionName,
  type Collections,
  type Store,
  type StoreHealth,
} from './store';

type Data = { version: 1 } & { [K in CollectionName]: Collections[K][] };

/** What the lowdb store reports about itself. */
export interface LowdbStoreOptions {
  dataDir: string;
  log: (message: string) => void;
  /** Retry delay after a failed write. */
  retryMs?: number;
}

function emptyData(): Data {
  return { version: 1, organisations: [], locations: [], coordinators: [], users: [], sessions: [], incidents: [], alerts: [], acknowledgements: [] };
}

/**
 * Opens the embedded store `registry.json` under the data directory. A file that exists but is
 * not valid JSON raises {@link StoreCorruptError}: it is never replaced by an empty store.
 */
export async function openLowdbStore({ dataDir, log, retryMs = 5000 }: LowdbStoreOptions): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'registry.json');
  const db = new Low<Data>(new JSONFile<Data>(file), emptyData());
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  try {
    await db.read();
  } catch (error) {
    throw new StoreCorruptError(
      `The store file ${file} cannot be read (${(error as Error).message}). ` +
        'Zorgbeeld will not start over it: restore it from a backup or move it away.',
    );
  }
  if (exists && (typeof db.data !== 'object' || db.data === null || db.data.version !== 1 || !Array.isArray(db.data.users))) {
    throw new StoreCorruptError(`The store file ${file} does not hold Zorgbeeld collections; it is left untouched.`);
  }
  // A collection added in a later version starts empty.
  for (const name of COLLECTION_NAMES) if (!Array.isArray(db.data[name])) (db.data as Record<CollectionName, unknown[]>)[name] = [];
  const indexes = new Map<CollectionName, Map<string, number>>();
  const index = (name: CollectionName): Map<string, number> => {
    let byId = indexes.get(name);
    if (!byId) {
      byId = new Map(db.data[name].map((row, i) => [row.id, i]));
      indexes.set(name, byId);
    }
    return byId;
  };

  let health: StoreHealth = { ok: true, message: `lowdb ${file}` };
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  // A failed write keeps the data in memory and retries; health says so until a write succeeds.
  const persist = async (): Promise<void> => {
    try {
      await db.write();
      if (!health.ok) log(`store: writing ${file} works again`);
      health = { ok: true, message: `lowdb ${file}` };
    } catch (error) {
      health = { ok: false, message: `writing ${file} failed: ${(error as Error).message}; data is kept in memory` };
      log(`STORE FAILURE: ${health.message}`);
      if (!retry && !closed) {
        retry = setTimeout(() => {
          retry = undefined;
          void persist();
        }, retryMs);
      }
    }
  };

  return {
    async list<K extends CollectionName>(name: K) {
      return (db.data[name] as Collections[K][]).slice();
    },
    async get<K extends CollectionName>(name: K, id: string) {
      const i = index(name).get(id);
      return i === undefined ? undefined : (db.data[name][i] as Collections[K]);
    },
    async put(changes: ChangeSet) {
      for (const name of COLLECTION_NAMES) {
        const rows = changes[name] as Collections[typeof name][] | undefined;
        if (!rows) continue;
        const byId = index(name);
        const target = db.data[name] as Collections[typeof name][];
        for (const row of rows) {
          const i = byId.get(row.id);
          if (i === undefined) {
            byId.set(row.id, target.length);
            target.push(row);
          } else {
            target[i] = row;
          }
        }
      }
      await persist();
    },
    async remove(name, ids) {
      const drop = new Set(ids);
      (db.data as Record<CollectionName, { id: string }[]>)[name] = db.data[name].filter((row) => !drop.has(row.id));
      indexes.delete(name);
      await persist();
    },
    health: () => health,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      if (!health.ok) await persist();
    },
  };
}
