import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Length of a message id in an answer link (9 random bytes, base64url). */
const ID_LENGTH = 12;
/** Length of the signature after it (8 bytes of HMAC-SHA-256, base64url). */
const SIGNATURE_LENGTH = 11;

/** A fresh id for an outbox message; its answer link is this id and its signature. */
export function newMessageId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Answer links: `/a/<id><signature>`, 23 characters, short enough for an SMS. The signature
 * covers the id and what the message names (alert, organisation, coordinator), so a link can
 * neither be guessed nor be turned into another organisation's.
 */
export class AnswerLinks {
  constructor(private readonly secret: Buffer) {}

  private signature(id: string, names: { alertId: string; organisationId: string; coordinatorId: string }): string {
    return createHmac('sha256', this.secret).update(`${id}|${names.alertId}|${names.organisationId}|${names.coordinatorId}`).digest().subarray(0, 8).toString('base64url');
  }

  /** The token of one message. */
  token(message: { id: string; alertId: string; organisationId: string; coordinatorId: string }): string {
    return message.id + this.signature(message.id, message);
  }

  /** The message id a token claims, or null when it cannot be one; check it with {@link verify}. */
  idOf(token: string): string | null {
    return token.length === ID_LENGTH + SIGNATURE_LENGTH && /^[A-Za-z0-9_-]+$/.test(token) ? token.slice(0, ID_LENGTH) : null;
  }

  /** Whether a token is the one of this message. */
  verify(token: string, message: { id: string; alertId: string; organisationId: string; coordinatorId: string }): boolean {
    const expected = Buffer.from(this.token(message));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
