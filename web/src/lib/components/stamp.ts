import type { Stamp } from '$shared/board-schema';
import { i18n } from '$lib/i18n.svelte';

/** "Last changed by X (on behalf) · 12 min ago", for a stamp. */
export function describeStamp(stamp: Stamp | undefined, now: number): string {
  if (!stamp) return i18n.t('neverReported');
  const minutes = Math.floor((now - Date.parse(stamp.at)) / 60000);
  const time = new Date(stamp.at).toLocaleTimeString(i18n.lang === 'nl' ? 'nl-NL' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  const age = minutes < 1 ? i18n.t('justNow') : `${minutes} ${i18n.t('minutesAgo')}`;
  return `${i18n.t('lastChange')} ${stamp.byName}${stamp.onBehalf ? ` (${i18n.t('onBehalf')})` : ''} · ${time} · ${age}`;
}
