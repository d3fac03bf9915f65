import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import { aloneBus, redisBus, type RoomBus } from './yjs/room-bus';
import { memoryCounters, type Count, type Counters, type CountersOf } from './auth/counters';

/**
 * Several servers on one database (docs/architecture.md, "One order per incident across
 * servers"): PostgreSQL holds everything durable and each incident's order, Redis carries what
 * the servers tell each other (the boards' bus, socket.io's events). Without Redis one server
 * uses the database alone.
 */
export interface Cluster {
  pool: pg.Pool;
  bus: RoomBus;
  /** Whether this server is the one that sends and escalates; unset: it is alone, so always. */
  duty?: Duty;
  /** socket.io's official Redis adapter, when there is Redis. */
  socketAdapter?: ReturnType<typeof createAdapter>;
  /** Counters shared by the servers (sign-in failures, refused writes, wrong links), when there is Redis. */
  counters?: CountersOf;
  close(): Promise<void>;
}

/**
 * Joins the servers of one database. `name` (the database's) keeps the messages of different
 * databases apart on one Redis: several regions may share it.
 */
export async function joinCluster({ pool, url, redisUrl, name, log, dutyTickMs }: { pool: pg.Pool; url: string; redisUrl?: string; name: string; log: (message: string) => void; dutyTickMs?: number }): Promise<Cluster> {
  if (!redisUrl) return { pool, bus: aloneBus, close: async () => {} };
  const bus = await redisBus({ url: redisUrl, channel: `zorgbeeld:${name}:boards`, log });
  const pub = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const sub = pub.duplicate();
  // ioredis reconnects by itself; the bus already says when Redis is away.
  pub.on('error', () => {});
  sub.on('error', () => {});
  const duty = new Duty(url, log, dutyTickMs);
  return {
    pool,
    bus,
    duty,
    socketAdapter: createAdapter(pub, sub, { key: `zorgbeeld:${name}:socket.io` }),
    counters: (kind) => redisCounters(pub, `zorgbeeld:${name}:${kind}:`),
    async close() {
      await duty.close();
      await bus.close();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

/**
 * Which server of a database does what must be done once: sending the outbox and the
 * escalation ladder. The one holding a session lock on its own connection is on duty; the
 * others try for it every tick. When the one on duty dies or loses the database, its connection
 * ends, the lock with it, and another server takes over within a tick, resending what was left
 * `sending` (with the same ids: the same Message-ID and SMS reference).
 */
export class Duty {
  private client: pg.Client | null = null;
  private holding = false;
  private trying = false;
  private readonly timer: NodeJS.Timeout;
  private readonly gained: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly log: (message: string) => void,
    tickMs = 1000,
  ) {
    this.timer = setInterval(() => void this.tryForIt(), tickMs);
    this.timer.unref();
    void this.tryForIt();
  }

  /** Whether this server is on duty now. */
  held(): boolean {
    return this.holding;
  }

  /** Called each time this server takes the duty over. */
  onGained(listener: () => void): void {
    this.gained.push(listener);
  }

  private async tryForIt(): Promise<void> {
    if (this.holding || this.trying) return;
    this.trying = true;
    try {
      if (!this.client) {
        // Keep-alive: a connection cut without a word is noticed, and the duty with it.
        const client = new pg.Client({ connectionString: this.url, keepAlive: true, keepAliveInitialDelayMillis: 5000 });
        client.on('error', () => this.lost(client));
        client.on('end', () => this.lost(client));
        await client.connect();
        this.client = client;
      }
      const { rows } = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [DUTY_LOCK]);
      if (rows[0].locked) {
        this.holding = true;
        this.log('duty: this server sends the outbox and runs the escalation now');
        for (const listener of this.gained) listener();
      }
    } catch {
      // The database is away: no duty here; try again at the next tick.
      const client = this.client;
      this.client = null;
      await client?.end().catch(() => {});
    } finally {
      this.trying = false;
    }
  }

  private lost(client: pg.Client): void {
    if (client !== this.client) return;
    if (this.holding) this.log('duty: the connection that held it ended; another server takes over');
    this.holding = false;
    this.client = null;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const client = this.client;
    this.client = null;
    this.holding = false;
    await client?.end().catch(() => {});
  }
}

// Apart from the locks of migrations (7_441_029), the one-server mode (7_441_030) and the
// incidents' order (7_441_031, two keys).
const DUTY_LOCK = 7_441_032;

/**
 * Counters in Redis: one hash per counter (count, last), counted with HINCRBY so that counts on
 * several servers at once all count, and expiring a window after the last.
 */
export function redisCounters(redis: Redis, prefix: string): Counters {
  // While Redis is away each server counts on its own: slower to notice misuse spread over
  // servers, but nobody's sign-in, write or answer fails for it.
  const local = memoryCounters();
  const shared: Counters = {
    async read(keys) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.hgetall(prefix + key);
      const results = (await pipeline.exec()) ?? [];
      const found = new Map<string, Count>();
      results.forEach(([error, value], i) => {
        if (error) throw error;
        const row = value as Record<string, string> | null;
        if (row && row.count) found.set(keys[i], { count: Number(row.count), last: Number(row.last) });
      });
      return found;
    },
    async add(keys, now, windowMs) {
      const multi = redis.multi();
      for (const key of keys) {
        multi.hincrby(prefix + key, 'count', 1);
        multi.hset(prefix + key, 'last', String(now));
        multi.pexpire(prefix + key, windowMs);
      }
      await multi.exec();
    },
    async forget(key) {
      await redis.del(prefix + key);
    },
  };
  return {
    read: (keys, windowMs) => shared.read(keys, windowMs).catch(() => local.read(keys, windowMs)),
    add: (keys, now, windowMs) => Promise.all([local.add(keys, now, windowMs), shared.add(keys, now, windowMs).catch(() => {})]).then(() => {}),
    forget: (key) => Promise.all([local.forget(key), shared.forget(key).catch(() => {})]).then(() => {}),
  };
}
