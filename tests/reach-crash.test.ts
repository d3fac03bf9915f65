import { describe, expect, it } from 'vitest';
import { isEmail, isMobile, toE164 } from '../shared/contact';
import { isConnected } from '../shared/domain';
import { openLowdbStore } from '../server/store/lowdb-store';
import { HttpClient } from './helpers/http-client';
import { startProcessServer } from './helpers/process-server';
import { DEMO_PASSWORD } from './helpers/server';
import { startSmsPeer } from './helpers/sms-peer';
import { startSmtpPeer } from './helpers/smtp-peer';
import { waitFor } from './helpers/wait-for';

const TOKEN = 'abcdef01-2345-6789-abcd-ef0123456789';

/** How many of a list's items occur more than once, counting each extra copy. */
function extraCopies(items: readonly string[]): number {
  return items.length - new Set(items).size;
}

describe('kill -9 during a send to every coordinator', () => {
  it('after the restart every coordinator got each message; only those in flight at the kill went twice, with the same Message-ID', async () => {
    // Each mail is answered after 25 ms, so a send to the whole region takes long enough to cut.
    const smtp = await startSmtpPeer({ delayMs: 25 });
    const sms = await startSmsPeer({ token: TOKEN });
    const env = { SMTP_URL: smtp.url, MAIL_FROM: 'ghor@zorgbeeld.test', SMS_URL: sms.url, SMS_TOKEN: TOKEN, SMS_SENDER: 'GHOR', PUSH: 'off' };
    const first = await startProcessServer({ env });
    let second: Awaited<ReturnType<typeof startProcessServer>> | undefined;
    try {
      const ghor = await new HttpClient(first.url).signIn('ghor', DEMO_PASSWORD);
      const incidentId = (await ghor.post('/api/incidents', { title: 'Stroomuitval regio', grip: 3 })).body.data.id as string;
      const alertId = (await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Meld of u getroffen bent.', grip: 3, target: { all: true } })).body.data.alert.id as string;
      await waitFor(() => smtp.mails.length >= 30, { what: '30 mails before the kill', timeoutMs: 20000 });
      await first.stop({ signal: 'SIGKILL', keepData: true });
      const atKill = smtp.mails.length;

      second = await startProcessServer({ dataDir: first.dataDir, env });
      // What the registry says must arrive: one mail per connected coordinator with an address, one SMS per mobile.
      const store = await openLowdbStore({ dataDir: first.dataDir, log: () => undefined });
      const connected = (await store.list('coordinators')).filter(isConnected);
      const wantMail = connected.filter((c) => isEmail(c.email)).map((c) => c.email);
      const wantSms = connected.map((c) => toE164(c.phone)).filter((n): n is string => n !== null && isMobile(n)).map((n) => `00${n.slice(1)}`);
      const mails = () => smtp.mails.filter((m) => m.mail.headers.get('x-zorgbeeld-alert') === alertId);
      await waitFor(() => new Set(mails().flatMap((m) => m.to)).size === new Set(wantMail).size && new Set(sms.messages.map((m) => m.to)).size === new Set(wantSms).size, { what: 'every message after the restart', timeoutMs: 30000 });
      await waitFor(async () => (await store.list('outbox')).length > 0, { what: 'outbox readable' });

      expect(atKill).toBeLessThan(wantMail.length);
      // Every coordinator: at least one copy; copies of one message share its Message-ID.
      const byRecipient = new Map<string, Set<string>>();
      for (const m of mails()) for (const to of m.to) byRecipient.set(to, (byRecipient.get(to) ?? new Set()).add(m.mail.messageId!));
      const ids = new Set(mails().map((m) => m.mail.messageId!));
      expect(ids.size).toBe(wantMail.length);
      const duplicates = extraCopies(mails().map((m) => m.mail.messageId!));
      const smsDuplicates = extraCopies(sms.messages.map((m) => m.reference));
      // In flight at the kill: one mail per lane (4), each lane waiting for its last outcome on disk; SMS: one request of 10.
      expect(duplicates).toBeLessThanOrEqual(4);
      expect(smsDuplicates).toBeLessThanOrEqual(10);
      expect(new Set(sms.messages.map((m) => m.reference)).size).toBe(wantSms.length);
      console.log(`kill -9 after ${atKill} of ${wantMail.length} mails: ${duplicates} mail(s) and ${smsDuplicates} SMS sent twice`);
    } finally {
      await second?.stop();
      await smtp.close();
      await sms.close();
    }
  }, 90000);
});
