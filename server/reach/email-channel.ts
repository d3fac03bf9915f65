import nodemailer from 'nodemailer';
import { escapeMarkup as escapeHtml } from '../../shared/markup';
import { regionDateTime } from '../../shared/text';
import { alertTitle, hitQuestion, inLanes, type ChannelSender, type Envelope } from './channels';

/**
 * E-mail over SMTP (nodemailer, pooled). The Message-ID is the outbox message's own, so a
 * message sent again after a crash is recognisably the same mail.
 */
export function emailChannel({ smtpUrl, from, domain }: { smtpUrl: string; from: string; domain: string }): ChannelSender {
  // The URL inside the options object: given as a string with a second argument, nodemailer
  // reads that argument as message defaults and opens a new connection for every mail.
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 4,
    // A dead relay must fail within seconds, not hold the queue for minutes.
    connectionTimeout: 10000,
    greetingTimeout: 10000,
    socketTimeout: 30000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    channel: 'email',
    batchSize: 50,
    async send(batch, done) {
      // As many lanes as the pool has connections: each waits for its last mail to be written down.
      await inLanes(batch, 4, async (envelope) => {
          try {
            await transport.sendMail({ from, to: envelope.message.to, messageId: `<${envelope.message.id}@${domain}>`, headers: { 'Auto-Submitted': 'auto-generated', 'X-Zorgbeeld-Alert': envelope.alert.id, 'X-Zorgbeeld-Round': String(envelope.message.round) }, ...mailContent(envelope) });
            await done(envelope.message.id, { ok: true });
            return;
          } catch (error) {
            const code = (error as { responseCode?: number }).responseCode;
            await done(envelope.message.id, { ok: false, error: (error as Error).message.slice(0, 300), permanent: code !== undefined && code >= 500 && code < 600 && code !== 552 });
          }
      });
    },
    async close() {
      transport.close();
    },
  };
}

/** Subject, plain text and HTML of an alert mail, in Dutch or English. */
export function mailContent(envelope: Envelope): { subject: string; text: string; html: string } {
  const { alert, link, organisationName, coordinatorName, english } = envelope;
  const title = alertTitle(envelope);
  const subject = `${title} — ${hitQuestion(alert, english)} ${english ? 'Answer in one tap' : 'Antwoord met één tik'}`;
  const sent = regionDateTime(alert.sentAt, english ? 'en' : 'nl');
  const lines = english
    ? [`Dear ${coordinatorName},`, '', `The GHOR alerts ${organisationName} (${sent}):`, '', alert.message, '', `Answer here, without signing in: ${link}`, 'Hit, not hit, or don’t know yet: one tap. Report your locations on the board afterwards.', '', 'This message was sent by Zorgbeeld on behalf of the GHOR.']
    : [`Beste ${coordinatorName},`, '', `De GHOR alarmeert ${organisationName} (${sent}):`, '', alert.message, '', `Antwoord hier, zonder in te loggen: ${link}`, 'Getroffen, niet getroffen of weet ik nog niet: één tik. Meld daarna uw locaties op het bord.', '', 'Dit bericht is verstuurd door Zorgbeeld namens de GHOR.'];
  const button = english ? 'Answer now' : 'Nu antwoorden';
  const html = `<!doctype html><html lang="${english ? 'en' : 'nl'}"><body style="font-family:system-ui,sans-serif;font-size:16px;color:#1b1b1b">
<h1 style="font-size:20px;color:#b3261e">${escapeHtml(title)}</h1>
<p>${escapeHtml(lines[0])}</p><p>${escapeHtml(lines[2])}</p>
<p style="font-size:18px;border-left:4px solid #b3261e;padding-left:10px">${escapeHtml(alert.message)}</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;background:#1d3a6e;color:#ffffff;padding:14px 22px;border-radius:6px;font-weight:700;text-decoration:none">${button}</a></p>
<p>${escapeHtml(lines[7])}</p><p style="color:#555;font-size:13px">${escapeHtml(lines[6])}<br>${escapeHtml(lines[9])}</p>
</body></html>`;
  return { subject, text: lines.join('\n'), html };
}
