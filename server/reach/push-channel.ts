import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { PushPayload, PushSubscriptionRow } from '../../shared/reach';
import { alertTitle, hitQuestion, inLanes, type ChannelSender, type SendResult } from './channels';

/** A push channel: alerts through the outbox, and one-off notifications (urgent needs to GHOR). */
export interface PushChannel extends ChannelSender {
  notify(subscription: PushSubscriptionRow, payload: PushPayload): Promise<SendResult>;
}

/**
 * Web Push with VAPID (web-push: RFC 8030 delivery, RFC 8291 aes128gcm encryption, RFC 8292
 * VAPID). A push service that answers 404 or 410 has forgotten the subscription: `gone` is told.
 */
export function pushChannel({ vapid, subscriptionOf, gone, agent }: { vapid: { publicKey: string; privateKey: string; subject: string }; subscriptionOf: (id: string) => Promise<PushSubscriptionRow | undefined>; gone: (id: string) => Promise<void>; agent?: Agent }): PushChannel {
  const push = async (subscription: PushSubscriptionRow, payload: PushPayload): Promise<SendResult> => {
    try {
      await webpush.sendNotification({ endpoint: subscription.endpoint, keys: subscription.keys }, JSON.stringify(payload), {
        vapidDetails: vapid,
        TTL: 6 * 3600,
        urgency: 'high',
        contentEncoding: 'aes128gcm',
        timeout: 15000,
        ...(agent ? { agent } : {}),
      });
      return { ok: true };
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        await gone(subscription.id);
        return { ok: false, error: 'Dit toestel ontvangt geen meldingen meer (abonnement verlopen)', permanent: true };
      }
      return { ok: false, error: `Pushdienst: ${status ? `HTTP ${status}` : (error as Error).message}`.slice(0, 300), permanent: status !== undefined && status >= 400 && status < 500 && status !== 429 };
    }
  };
  return {
    channel: 'push',
    batchSize: 50,
    async send(batch, done) {
      await inLanes(batch, 8, async (envelope) => {
          const subscription = await subscriptionOf(envelope.message.to);
          if (!subscription || subscription.goneAt) {
            await done(envelope.message.id, { ok: false, error: 'Dit toestel ontvangt geen meldingen meer (abonnement verlopen)', permanent: true });
            return;
          }
          const body = `${envelope.organisationName}: ${hitQuestion(envelope.alert, envelope.english)} ${envelope.alert.message}`;
          await done(envelope.message.id, await push(subscription, { kind: 'alert', title: alertTitle(envelope), body: body.slice(0, 300), url: `/a/${envelope.token}`, token: envelope.token, english: envelope.english, alertId: envelope.alert.id, withdraws: envelope.alert.msgType === 'Cancel' && envelope.alert.references ? [envelope.alert.references] : undefined }));
      });
    },
    notify: push,
    async close() {},
  };
}
