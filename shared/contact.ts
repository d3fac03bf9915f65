/**
 * How a crisis coordinator is reached outside the app (docs/architecture.md, "Reach"): the
 * channels, and the checks of the addresses they need. Pure, used by the registry checks, the
 * outbox and the pages.
 */
import type { Coordinator } from './domain';

/** The channels an alert goes out on besides the app itself. */
export const CHANNELS = ['email', 'sms', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A coordinator who chose nothing yet is reached on every channel it has an address for. */
export function channelsOf(coordinator: Pick<Coordinator, 'channels'>): readonly Channel[] {
  return coordinator.channels ?? CHANNELS;
}

// One @, no spaces, a dot in the domain: what a mail server accepts in practice, and what a typo breaks.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Whether an e-mail address is usable. */
export function isEmail(value: string): boolean {
  return value.length <= 120 && EMAIL.test(value);
}

/**
 * A phone number in international form (E.164, `+31612345678`), or null when it is none.
 * Dutch national numbers (`06-12345678`, `043 123 4567`) become +31; spaces, dashes, dots and
 * brackets are layout.
 */
export function toE164(value: string): string | null {
  const compact = value.replace(/[\s().-]/g, '');
  let digits: string;
  if (/^\+[1-9]\d{6,14}$/.test(compact)) digits = compact.slice(1);
  else if (/^00[1-9]\d{6,14}$/.test(compact)) digits = compact.slice(2);
  else if (/^0[1-9]\d{8}$/.test(compact)) digits = `31${compact.slice(1)}`;
  else return null;
  // A Dutch number has nine digits after the country code.
  if (digits.startsWith('31') && digits.length !== 11) return null;
  return `+${digits}`;
}

/** Whether a number can receive SMS: a Dutch mobile (+316…) or any number abroad. */
export function isMobile(e164: string): boolean {
  return e164.startsWith('+316') || !e164.startsWith('+31');
}
