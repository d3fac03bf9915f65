/** A calendar day (YYYY-MM-DD) as people read it: "15 juni 2026"; a dash when there is none. */
export function calendarDay(date: string | null, lang: 'nl' | 'en'): string {
  return date ? new Date(`${date}T12:00:00Z`).toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }) : '—';
}

