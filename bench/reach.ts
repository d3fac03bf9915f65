import { isEmail, isMobile, toE164 } from '../shared/contact';
import type { Coordinator } from '../shared/domain';
import { HttpClient } from '../tests/helpers/http-client';
import { startProcessServer } from '../tests/helpers/process-server';
import { DEMO_PASSWORD } from '../tests/helpers/server';
import { startSmsPeer } from '../tests/helpers/sms-peer';
import { startSmtpPeer } from '../tests/helpers/smtp-peer';
import { waitFor } from '../tests/helpers/wait-for';
import { now } from './peers';

export interface ReachResult {
  organisations: number;
  mails: number;
  sms: number;
  /** From sending the alert to the last mail accepted by the SMTP server. */
  mailMs: number;
  /** From sending the alert to the last SMS accepted by the gateway. */
  smsMs: number;
  /** The alert's POST answered (the in-app alert is out). */
  apiMs: number;
}

/**
 * An alert to every organisation of the demo region: how long until every connected
 * coordinator's mail is accepted by a real SMTP server and every SMS by a CM.com stand-in, both
 * in this process on loopback, with the server in its own process.
 */
export async function reachBench(): Promise<ReachResult> {
  const token = '00000000-0000-4000-8000-000000000000';
  const smtp = await startSmtpPeer({ parse: false });
  const sms = await startSmsPeer({ token });
  const server = await startProcessServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'ghor@zorgbeeld.test', SMS_URL: sms.url, SMS_TOKEN: token, SMS_SENDER: 'GHOR', PUSH: 'off' } });
  try {
    const ghor = await new HttpClient(server.url).signIn('ghor', DEMO_PASSWORD);
    const coordinators = (await ghor.get('/api/coordinators')).body.data as (Coordinator & { connected: boolean })[];
    const connected = coordinators.filter((c) => c.connected);
    const mails = connected.filter((c) => isEmail(c.email)).length;
    const phones = connected.filter((c) => isMobile(toE164(c.phone) ?? '')).length;
    const incidentId = (await ghor.post('/api/incidents', { title: 'Benchmark alarmering', grip: 3 })).body.data.id as string;
    let mailAt = 0;
    let smsAt = 0;
    const started = now();
    const sent = await ghor.post(`/api/incidents/${incidentId}/alerts`, { message: 'Benchmark: meld of u getroffen bent.', grip: 3, target: { all: true } });
    const apiMs = now() - started;
    if (sent.status !== 201) throw new Error(`alert refused: ${sent.text}`);
    await waitFor(
      () => {
        if (!mailAt && smtp.accepted.length >= mails) mailAt = now();
        if (!smsAt && sms.messages.length >= phones) smsAt = now();
        return mailAt && smsAt;
      },
      { timeoutMs: 60000, intervalMs: 5, what: 'every mail and SMS' },
    );
    if (sms.violations.length > 0) throw new Error(`the SMS gateway saw requests out of format: ${sms.violations[0]}`);
    return { organisations: (sent.body.data.alert.organisationIds as string[]).length, mails, sms: phones, mailMs: mailAt - started, smsMs: smsAt - started, apiMs };
  } finally {
    await server.stop();
    await smtp.close();
    await sms.close();
  }
}
