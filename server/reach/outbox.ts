import type { Channel } from '../../shared/contact';
import type { OutboxMessage } from '../../shared/reach';
import type { Store } from '../store/store';
import type { ChannelSender, Envelope, SendResult } from './channels';
import { DEFAULTS } from '../defaults';

/** Retries after a failure: the n-th waits base·2^(n-1), at most max; after `attempts` it stays failed. */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 5000, maxMs: 5 * 60000 };

/**
 * The persisted outbox. A message is marked `sending` (and its attempt counted) on disk before
 * it is handed to its channel, and `sent` or `failed` after: after a crash, only the messages
 * marked `sending` go again, with the same id (and so the same Message-ID and SMS reference).
 * Each channel has its own runner, so a dead SMTP relay never holds up SMS or push.
 */
export class Outbox {
  private readonly running = new Map<Channel, Promise<void>>();
  private readonly again = new Set<Channel>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: Store;
      senders: ReadonlyMap<Channel, ChannelSender>;
      /** The envelope of a message, or null when it is not needed any more (the organisation answered). */
      compose: (message: OutboxMessage) => Promise<Envelope | null>;
      /** Told of every state change, in batches. */
      changed: (messages: readonly OutboxMessage[]) => void;
      now: () => Date;
      log: (message: string) => void;
      retry?: RetryPolicy;
      tickMs?: number;
      /**
       * Whether this server is the one that sends (one of several on a database: the one on
       * duty, see cluster.ts); unset: always. `elsewhere` tells the one on duty of new messages.
       */
      duty?: { held(): boolean; elsewhere(): void };
    },
  ) {}

  /** Starts the runners: messages left `sending` by a crash are due at once. */
  start(): void {
    this.timer = setInterval(() => this.kick(), this.deps.tickMs ?? DEFAULTS.outboxTickMs);
    this.timer.unref();
    this.kick();
  }

  /** Stores new messages and starts sending them. */
  async enqueue(messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.update(messages);
    if (this.deps.duty && !this.deps.duty.held()) this.deps.duty.elsewhere();
    else this.kick();
  }

  /** Updates messages from outside (a delivery report) and tells about it. */
  async update(messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.deps.store.put({ outbox: [...messages] });
    this.deps.changed(messages);
  }

  /** Runs every channel that has due messages; a runner already busy runs once more after. */
  kick(): void {
    for (const channel of this.deps.senders.keys()) this.run(channel);
  }

  /**
   * Runs one channel's runner, or has it run once more after if it is busy. Only that channel:
   * a runner that ended kicking every channel marked the others, still busy, to run again, and
   * two channels then kept each other running for ever (a core at 100 % with nothing to send).
   */
  private run(channel: Channel): void {
    if (this.stopped || (this.deps.duty && !this.deps.duty.held())) return;
    if (this.running.has(channel)) {
      this.again.add(channel);
      return;
    }
    const run = this.drain(channel)
      .catch((error: Error) => this.deps.log(`OUTBOX FAILURE: ${channel}: ${error.message}`))
      .finally(() => {
        this.running.delete(channel);
        if (this.again.delete(channel)) this.run(channel);
      });
    this.running.set(channel, run);
  }

  /** Waits until the runners are idle (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.idle();
  }

  private due(message: OutboxMessage, channel: Channel, now: number): boolean {
    if (message.channel !== channel) return false;
    if (message.state === 'sending') return true;
    if (message.state === 'queued') return Date.parse(message.nextAt) <= now;
    if (message.state === 'failed') return message.attempts < (this.deps.retry ?? DEFAULT_RETRY).attempts && message.nextAt !== '' && Date.parse(message.nextAt) <= now;
    return false;
  }

  private async drain(channel: Channel): Promise<void> {
    const sender = this.deps.senders.get(channel)!;
    const retry = this.deps.retry ?? DEFAULT_RETRY;
    for (;;) {
      if (this.stopped) return;
      const now = this.deps.now();
      const batch = (await this.deps.store.list('outbox')).filter((m) => this.due(m, channel, now.getTime())).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, sender.batchSize);
      if (batch.length === 0) return;
      const envelopes: Envelope[] = [];
      const settled: OutboxMessage[] = [];
      for (const message of batch) {
        const envelope = await this.deps.compose(message);
        if (envelope) envelopes.push({ ...envelope, message: { ...message, state: 'sending', attempts: message.attempts + 1 } });
        else settled.push({ ...message, state: 'cancelled', nextAt: '' });
      }
      // On disk before handing over: a crash from here on repeats these, and only these.
      const sending = envelopes.map((e) => e.message);
      await this.deps.store.put({ outbox: [...sending, ...settled] });
      this.deps.changed([...sending, ...settled]);
      if (envelopes.length === 0) continue;
      // Each outcome is written down as soon as it is known, in group commits: one write carries
      // everything that finished while the previous write was under way.
      const byId = new Map(sending.map((m) => [m.id, m]));
      const finished = new Set<string>();
      let pending: OutboxMessage[] = [];
      let writing: Promise<void> = Promise.resolve();
      const commit = () => {
        writing = writing.then(async () => {
          if (pending.length === 0) return;
          const rows = pending;
          pending = [];
          // Not written: they stay `sending` on disk and go again after a restart, never lost.
          await this.settle(rows).catch((error: Error) => this.deps.log(`OUTBOX FAILURE: ${rows.length} outcomes not written: ${error.message}`));
        });
        return writing;
      };
      const done = (id: string, result: SendResult): Promise<void> => {
        const message = byId.get(id);
        if (!message || finished.has(id)) return writing;
        finished.add(id);
        pending.push(this.outcome(message, result, retry));
        return commit();
      };
      try {
        await sender.send(envelopes, done);
      } catch (error) {
        for (const m of sending) void done(m.id, { ok: false, error: (error as Error).message, permanent: false });
      }
      for (const m of sending) void done(m.id, { ok: false, error: 'no answer from the channel', permanent: false });
      await commit();
    }
  }

  private outcome(message: OutboxMessage, result: SendResult, retry: RetryPolicy): OutboxMessage {
    const at = this.deps.now();
    if (result.ok) return { ...message, state: 'sent', sentAt: at.toISOString(), error: null, nextAt: '' };
    const last = result.permanent || message.attempts >= retry.attempts;
    const wait = Math.min(retry.maxMs, retry.baseMs * 2 ** (message.attempts - 1));
    return { ...message, state: 'failed', error: result.error, nextAt: last ? '' : new Date(at.getTime() + wait).toISOString() };
  }

  // A delivery report can overtake the answer of the send itself: the further state is kept.
  private async settle(rows: readonly OutboxMessage[]): Promise<void> {
    const next = await Promise.all(
      rows.map(async (m) => {
        const current = await this.deps.store.get('outbox', m.id);
        return current?.state === 'delivered' ? { ...m, state: 'delivered' as const, deliveredAt: current.deliveredAt } : m;
      }),
    );
    await this.deps.store.put({ outbox: next });
    this.deps.changed(next);
  }
}
