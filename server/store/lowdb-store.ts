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

type Data = { version: 1 } & { [K in CollectionName]?: Collections[K][] };

/** What the lowdb store reports about itself. */
export interface LowdbStoreOptions {
  dataDir: string;
  log: (message: string) => void;
  /** Retry delay after a failed write. */
  retryMs?: number;
}

/**
 * Which file holds a collection. Sessions and sign-in records change at every sign-in; in their
 * own small file, signing in does not rewrite the registry (whose size grows with the region).
 */
const FILE_OF: Record<CollectionName, 'registry' | 'sessions' | 'outbox'> = {
  organisations: 'registry',
  locations: 'registry',
  coordinators: 'registry',
  users: 'registry',
  sessions: 'sessions',
  signIns: 'sessions',
  incidents: 'registry',
  alerts: 'registry',
  acknowledgements: 'registry',
  // Every message changes state a few times per alert; apart, they never rewrite the registry.
  outbox: 'outbox',
  pushSubscriptions: 'outbox',
  contacts: 'registry',
  meetings: 'registry',
  registryChanges: 'registry',
  introTexts: 'registry',
  introProgress: 'registry',
  invitations: 'sessions',
  // Used on PostgreSQL only; the embedded mode keeps each network beside its incident's log.
  networks: 'registry',
  keys: 'registry',
};

/** One JSON file of the store, with its write retry and health. */
interface StoreFile {
  file: string;
  db: Low<Data>;
  health: StoreHealth;
  retry?: NodeJS.Timeout;
}

async function openFile(file: string, required: boolean): Promise<StoreFile> {
  const db = new Low<Data>(new JSONFile<Data>(file), { version: 1 });
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
  if (exists && (typeof db.data !== 'object' || db.data === null || db.data.version !== 1 || (required && !Array.isArray(db.data.users)))) {
    throw new StoreCorruptError(`The store file ${file} does not hold Zorgbeeld collections; it is left untouched.`);
  }
  return { file, db, health: { ok: true, message: `lowdb ${file}` } };
}

/**
 * Opens the embedded store: `registry.json`, `sessions.json` and `outbox.json` under the data directory. A file
 * that exists but is not valid JSON raises {@link StoreCorruptError}: it is never replaced by an
 * empty store. Sessions kept in `registry.json` by earlier versions move to `sessions.json`.
 */
export async function openLowdbStore({ dataDir, log, retryMs = 5000 }: LowdbStoreOptions): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const files = {
    registry: await openFile(join(dataDir, 'registry.json'), true),
    sessions: await openFile(join(dataDir, 'sessions.json'), false),
    outbox: await openFile(join(dataDir, 'outbox.json'), false),
  };
  const fileOf = (name: CollectionName) => files[FILE_OF[name]];
  let moved = false;
  for (const name of COLLECTION_NAMES) {
    const own = fileOf(name).db.data as Record<CollectionName, unknown[] | undefined>;
    // A collection added in a later version starts empty.
    if (!Array.isArray(own[name])) own[name] = [];
    for (const other of Object.values(files)) {
      const data = other.db.data as Record<CollectionName, unknown[] | undefined>;
      if (other !== fileOf(name) && Array.isArray(data[name])) {
        own[name]!.push(...data[name]!);
        delete data[name];
        moved = true;
      }
    }
  }
  const rows = <K extends CollectionName>(name: K) => fileOf(name).db.data[name] as Collections[K][];
  const indexes = new Map<CollectionName, Map<string, number>>();
  const index = (name: CollectionName): Map<string, number> => {
    let byId = indexes.get(name);
    if (!byId) {
      byId = new Map(rows(name).map((row, i) => [row.id, i]));
      indexes.set(name, byId);
    }
    return byId;
  };
  let closed = false;

  // A failed write keeps the data in memory and retries; health says so until a write succeeds.
  const persist = async (target: StoreFile): Promise<void> => {
    try {
      await target.db.write();
      if (!target.health.ok) log(`store: writing ${target.file} works again`);
      target.health = { ok: true, message: `lowdb ${target.file}` };
    } catch (error) {
      target.health = { ok: false, message: `writing ${target.file} failed: ${(error as Error).message}; data is kept in memory` };
      log(`STORE FAILURE: ${target.health.message}`);
      if (!target.retry && !closed) {
        target.retry = setTimeout(() => {
          target.retry = undefined;
          void persist(target);
        }, retryMs);
      }
    }
  };
  if (moved) await Promise.all(Object.values(files).map(persist));

  const put = async (changes: ChangeSet): Promise<void> => {
    const touched = new Set<StoreFile>();
    for (const name of COLLECTION_NAMES) {
      const changed = changes[name] as Collections[typeof name][] | undefined;
      if (!changed) continue;
      touched.add(fileOf(name));
      const byId = index(name);
      const target = rows(name);
      for (const row of changed) {
        const i = byId.get(row.id);
        if (i === undefined) {
          byId.set(row.id, target.length);
          target.push(row);
        } else {
          target[i] = row;
        }
      }
    }
    await Promise.all([...touched].map(persist));
  };

  return {
    async list<K extends CollectionName>(name: K) {
      return rows(name).slice();
    },
    async get<K extends CollectionName>(name: K, id: string) {
      const i = index(name).get(id);
      return i === undefined ? undefined : rows(name)[i];
    },
    put,
    async putIfAbsent<K extends CollectionName>(name: K, row: Collections[K]) {
      // Checked and taken in one turn of the event loop: no other call comes between.
      const i = index(name).get(row.id);
      if (i !== undefined) return rows(name)[i];
      await put({ [name]: [row] } as ChangeSet);
      return row;
    },
    exclusive: (_name, work) => work(),
    async remove(name, ids) {
      const drop = new Set(ids);
      (fileOf(name).db.data as Record<CollectionName, { id: string }[]>)[name] = rows(name).filter((row) => !drop.has(row.id));
      indexes.delete(name);
      await persist(fileOf(name));
    },
    health: () => {
      const failing = Object.values(files).filter((f) => !f.health.ok);
      return failing.length === 0 ? { ok: true, message: `lowdb ${Object.values(files).map((f) => f.file).join(', ')}` } : { ok: false, message: failing.map((f) => f.health.message).join('; ') };
    },
    async close() {
      closed = true;
      for (const target of Object.values(files)) {
        if (target.retry) clearTimeout(target.retry);
        if (!target.health.ok) await persist(target);
      }
    },
  };
}
