import nodemailer from 'nodemailer';

/** One mail of the network work: an invitation to Zorgbeeld or to a meeting. */
export interface NetworkMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends the network's mails; `send` says what the relay answered, and never throws. */
export interface Mailer {
  readonly configured: boolean;
  send(mail: NetworkMail): Promise<{ ok: true } | { ok: false; error: string }>;
  close(): void;
}

/**
 * The network's mails over the same SMTP relay as the alerts, on a connection of their own: a
 * batch of meeting invitations never waits in the alerts' outbox or holds up an alert. Not
 * persisted like the outbox: an invitation that failed is shown to the GHOR, who sends it again.
 */
export function smtpMailer(smtp: { url: string; from: string } | undefined): Mailer {
  if (!smtp) return { configured: false, send: async () => ({ ok: false, error: 'no SMTP relay configured' }), close: () => {} };
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 2, connectionTimeout: 10000, greetingTimeout: 10000, socketTimeout: 30000 } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    configured: true,
    async send(mail) {
      try {
        await transport.sendMail({ from: smtp.from, headers: { 'Auto-Submitted': 'auto-generated' }, ...mail });
        return { ok: true };
      } catch (error) {
        return { ok: false, error: (error as Error).message.slice(0, 300) };
      }
    },
    close: () => transport.close(),
  };
}
