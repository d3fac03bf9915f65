import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel } from '../shared/contact';
import type { OutboxMessage } from '../shared/reach';
import type { ChannelSender, Envelope } from '../server/reach/channels';
import { Outbox } from '../server/reach/outbox';
import { openLowdbStore } from '../server/store/lowdb-store';
import type { Store } from '../server/store/store';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A channel's server that accepts every message on the next turn of the event loop. */
function acceptingSender(channel: Channel, sent: string[]): ChannelSender {
  return {
    channel,
    batchSize: 10,
    async send(batch, done) {
      for (const envelope of batch) {
        await new Promise((resolve) => setImmediate(resolve));
        sent.push(envelope.message.id);
        await done(envelope.message.id, { ok: true });
      }
    },
    close: async () => undefined,
  };
}

function message(id: string, channel: Channel): OutboxMessage {
  const at = new Date().toISOString();
  return { id, alertId: 'alert-1', incidentId: 'inc-1', organisationId: 'org-001', coordinatorId: 'coo-0001', channel, round: 0, to: `${channel}-address`, state: 'queued', attempts: 0, nextAt: at, error: null, createdAt: at, sentAt: null, deliveredAt: null };
}

/** Whether `work` ends within `ms`: a deadline for a loop that must stop, not a pause. */
function endsWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([work.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
}

describe('the outbox', () => {
  it('runs a busy channel once more when kicked, and then rests: two channels do not keep each other running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zorgbeeld-outbox-'));
    dirs.push(dir);
    const store = await openLowdbStore({ dataDir: dir, log: () => undefined });
    // How often the runners look for due messages: each look reads the outbox, after a turn of
    // the event loop as a read from disk or PostgreSQL takes (the embedded store answers from
    // memory at once, and runners that never rest would then starve this test's own timer).
    let looks = 0;
    const counting = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'list') {
          return async (...args: Parameters<Store['list']>) => {
            looks += 1;
            await new Promise((resolve) => setImmediate(resolve));
            return target.list(...args);
          };
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const sent: string[] = [];
    const outbox = new Outbox({
      store: counting,
      senders: new Map<Channel, ChannelSender>([
        ['email', acceptingSender('email', sent)],
        ['sms', acceptingSender('sms', sent)],
      ]),
      compose: async (m) => ({ message: m, link: 'http://localhost/a/t', token: 't', alert: {} as Envelope['alert'], incidentTitle: 'Test', organisationName: 'Org', coordinatorName: 'Coördinator', english: false }),
      changed: () => undefined,
      now: () => new Date(),
      log: () => undefined,
      tickMs: 60000,
    });
    try {
      await outbox.enqueue([message('m-email', 'email'), message('m-sms', 'sms')]);
      // Kicked again while both run (an alert's second send, a delivery report): each runs once more.
      outbox.kick();
      outbox.kick();
      expect(await endsWithin(outbox.idle(), 5000), 'the runners come to rest').toBe(true);
      expect(sent.sort()).toEqual(['m-email', 'm-sms']);
      expect((await store.list('outbox')).map((m) => m.state)).toEqual(['sent', 'sent']);
      // Per channel: the run that sent, the run after it that found nothing, and one for the kick.
      expect(looks).toBeLessThanOrEqual(8);
    } finally {
      await outbox.stop();
    }
  });
});
