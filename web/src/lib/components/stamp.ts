import type { Stamp } from '$shared/board-schema';
import { regionTime } from '$shared/text';
import { i18n } from '$lib/i18n.svelte';

/** "Last changed by X (on behalf) · 12 min ago", for a stamp. */
export function describeStamp(stamp: Stamp | undefined, now: number): string {
  if (!stamp) return i18n.t('neverReported');
  const minutes = Math.floor((now - Date.parse(stamp.at)) / 60000);
  const time = regionTime(stamp.at, i18n.lang);
  const age = minutes < 1 ? i18n.t('justNow') : `${minutes} ${i18n.t('minutesAgo')}`;
  return `${i18n.t('lastChange')} ${stamp.byName}${stamp.onBehalf ? ` (${i18n.t('onBehalf')})` : ''} · ${time} · ${age}`;
}
