import { smsText } from '../../shared/reach';
import type { ChannelSender, SendResult } from './channels';

/** CM.com's Business Messaging endpoint (docs: developers.cm.com/messaging). */
export const CM_DEFAULT_URL = 'https://gw.messaging.cm.com/v1.0/message';

/**
 * The reference CM.com carries back in its status reports: 1 to 32 letters and digits, so the
 * outbox id (base64url) travels as hex.
 */
export function smsReference(messageId: string): string {
  return Buffer.from(messageId, 'base64url').toString('hex');
}

/** The outbox id behind a status report's reference, or null. */
export function messageIdOfReference(reference: unknown): string | null {
  return typeof reference === 'string' && /^[0-9a-f]{18}$/.test(reference) ? Buffer.from(reference, 'hex').toString('base64url') : null;
}

/** `+31612345678` as CM.com writes numbers: `0031612345678`. */
function cmNumber(e164: string): string {
  return `00${e164.slice(1)}`;
}

interface CmAnswer {
  errorCode?: number;
  details?: string;
  messages?: { to?: string; reference?: string; status?: string; messageErrorCode?: number; messageDetails?: string | null }[];
}

/**
 * SMS through CM.com's Business Messaging API: one JSON POST per batch of up to 100 messages,
 * the product token in the `X-CM-PRODUCTTOKEN` header, a reference per message for the status
 * reports. Each message is one part: at most 160 GSM-7 characters with the answer link.
 */
export function smsChannel({ url, token, sender, fetchTimeoutMs = 15000 }: { url: string; token: string; sender: string; fetchTimeoutMs?: number }): ChannelSender {
  return {
    channel: 'sms',
    // Small requests: a crash during one repeats at most these few messages.
    batchSize: 10,
    async send(batch, done) {
      const results = new Map<string, SendResult>();
      const byReference = new Map(batch.map((e) => [smsReference(e.message.id), e.message.id]));
      const body = {
        messages: {
          msg: batch.map((envelope) => ({
            from: sender,
            to: [{ number: cmNumber(envelope.message.to) }],
            body: { type: 'auto', content: smsText({ grip: envelope.alert.grip, title: envelope.incidentTitle, message: envelope.alert.message, link: envelope.link, english: envelope.english }) },
            reference: smsReference(envelope.message.id),
          })),
        },
      };
      const failAll = async (error: string, permanent: boolean) => {
        await Promise.all(batch.map((envelope) => done(envelope.message.id, { ok: false, error, permanent })));
      };
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'X-CM-PRODUCTTOKEN': token },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(fetchTimeoutMs),
        });
      } catch (error) {
        return failAll(`SMS-gateway onbereikbaar: ${(error as Error).message}`, false);
      }
      let answer: CmAnswer = {};
      try {
        answer = (await response.json()) as CmAnswer;
      } catch {
        // An answer that is not JSON: the status code decides.
      }
      if (!response.ok && !Array.isArray(answer.messages)) {
        return failAll(`SMS-gateway HTTP ${response.status}: ${String(answer.details ?? response.statusText).slice(0, 200)}`, response.status >= 400 && response.status < 500 && response.status !== 429);
      }
      for (const item of answer.messages ?? []) {
        const id = byReference.get(String(item.reference ?? ''));
        if (!id) continue;
        const accepted = (item.messageErrorCode ?? 0) === 0 && item.status !== 'Rejected';
        results.set(id, accepted ? { ok: true } : { ok: false, error: `SMS geweigerd: ${String(item.messageDetails ?? item.status ?? item.messageErrorCode).slice(0, 200)}`, permanent: true });
      }
      // A message the answer does not mention was not confirmed: try it again.
      for (const envelope of batch) if (!results.has(envelope.message.id)) results.set(envelope.message.id, { ok: false, error: 'SMS-gateway bevestigde dit bericht niet', permanent: false });
      await Promise.all([...results].map(([id, result]) => done(id, result)));
    },
    async close() {},
  };
}

/** What a CM.com status report says of one message: its outbox id and the state it reached. */
export interface SmsStatus {
  messageId: string;
  state: 'sent' | 'delivered' | 'failed';
  error: string | null;
}

/**
 * Reads a CM.com status report (JSON webhook: `messages.msg`, one object or a list). Status
 * codes: 0 accepted by the operator, 1 rejected, 2 delivered, 3 failed.
 */
export function readSmsStatus(body: unknown): SmsStatus[] {
  const msg = (body as { messages?: { msg?: unknown } } | null)?.messages?.msg;
  const items = Array.isArray(msg) ? msg : msg ? [msg] : [];
  const out: SmsStatus[] = [];
  for (const item of items as { reference?: unknown; status?: { code?: unknown; errorDescription?: unknown } }[]) {
    const messageId = messageIdOfReference(item?.reference);
    const code = String(item?.status?.code ?? '');
    if (!messageId || !['0', '1', '2', '3'].includes(code)) continue;
    const state = code === '2' ? 'delivered' : code === '0' ? 'sent' : 'failed';
    out.push({ messageId, state, error: state === 'failed' ? `SMS niet afgeleverd: ${String(item.status?.errorDescription ?? code).slice(0, 200)}` : null });
  }
  return out;
}
