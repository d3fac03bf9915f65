/** One counter: how many, and when the last was counted. */
export interface Count {
  count: number;
  last: number;
}

/**
 * Counters of what one user, address or account did lately (failed sign-ins, refused writes,
 * wrong answer links): in this process, or shared by the servers of one database (Redis, see
 * cluster.ts), so that the same misuse spread over several servers is met as on one. A counter
 * is forgotten a window after its last count: whoever stops for that long starts afresh.
 */
export interface Counters {
  /** The counters of these keys (those older than `windowMs` may be gone). */
  read(keys: readonly string[], windowMs: number): Promise<Map<string, Count>>;
  /** Counts one more on each key, at `now`; a key is forgotten `windowMs` after its last. */
  add(keys: readonly string[], now: number, windowMs: number): Promise<void>;
  forget(key: string): Promise<void>;
}

/** Where each kind of counter lives: `kind` keeps their keys apart. */
export type CountersOf = (kind: string) => Counters;

const MAX_KEYS = 50000;

/** The counters of one server, in memory, the oldest forgotten first beyond {@link MAX_KEYS}. */
export function memoryCounters(): Counters {
  const counts = new Map<string, Count>();
  return {
    // Callers judge age by their own clock (tests move it); a stale counter is replaced by the
    // next count.
    async read(keys) {
      const found = new Map<string, Count>();
      for (const key of keys) {
        const entry = counts.get(key);
        if (entry) found.set(key, { ...entry });
      }
      return found;
    },
    async add(keys, now, windowMs) {
      for (const key of keys) {
        const old = counts.get(key);
        const entry = old && now - old.last <= windowMs ? old : { count: 0, last: 0 };
        entry.count++;
        entry.last = now;
        // Most recent last, so that the oldest counter goes first when the map is full.
        counts.delete(key);
        counts.set(key, entry);
      }
      while (counts.size > MAX_KEYS) counts.delete(counts.keys().next().value!);
    },
    async forget(key) {
      counts.delete(key);
    },
  };
}

/** Counters in this process for every kind: the one-server default. */
export function memoryCountersOf(): CountersOf {
  const kinds = new Map<string, Counters>();
  return (kind) => {
    let counters = kinds.get(kind);
    if (!counters) kinds.set(kind, (counters = memoryCounters()));
    return counters;
  };
}

/** How many `key` counted within `windowMs` before `now`: 0 once the window has passed. */
export async function recentCount(counters: Counters, key: string, now: number, windowMs: number): Promise<number> {
  const entry = (await counters.read([key], windowMs)).get(key);
  return entry && now - entry.last <= windowMs ? entry.count : 0;
}
