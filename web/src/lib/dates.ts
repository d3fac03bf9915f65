import { REGION_TIME_ZONE } from '$shared/text';

/** A calendar day (YYYY-MM-DD) as people read it: "15 juni 2026"; a dash when there is none. */
export function calendarDay(date: string | null, lang: 'nl' | 'en'): string {
  return date ? new Date(`${date}T12:00:00Z`).toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }) : '—';
}

/**
 * A moment as the people of the region read it, whatever the device's own time zone: in the
 * region's zone (as the review, the reports and the exports write it) and the interface's
 * language. Hours and minutes unless `options` say otherwise.
 */
export function regionTime(at: string | number | Date, lang: 'nl' | 'en', options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' }): string {
  return new Date(at).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: REGION_TIME_ZONE, ...options });
}
