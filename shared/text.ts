/** A sentence in both interface languages; the edge picks one for the reader. */
export interface Text {
  nl: string;
  en: string;
}

/** Languages of the interface; Dutch is the default. */
export const LANGUAGES = ['nl', 'en'] as const;

/** One interface language. */
export type Language = (typeof LANGUAGES)[number];

/** Builds a sentence in Dutch and English. */
export function text(nl: string, en: string): Text {
  return { nl, en };
}

/** Picks the language from an Accept-Language header: English only when it comes before Dutch. */
export function languageFromHeader(header: string | undefined): Language {
  if (!header) return 'nl';
  const first = header
    .split(',')
    .map((part) => part.trim().slice(0, 2).toLowerCase())
    .find((code) => code === 'nl' || code === 'en');
  return first === 'en' ? 'en' : 'nl';
}

const GRAPHEMES = new Intl.Segmenter('nl', { granularity: 'grapheme' });

/**
 * A text cut to at most `max` characters as a reader counts them (grapheme clusters): never in
 * the middle of a surrogate pair or an emoji sequence, so no U+FFFD can appear.
 */
export function cutWhole(value: string, max: number): string {
  let out = '';
  let count = 0;
  for (const { segment } of GRAPHEMES.segment(value)) {
    if (++count > max) break;
    out += segment;
  }
  return out;
}

/** The region's time zone: every time the people of Zorgbeeld read is in it. */
export const REGION_TIME_ZONE = 'Europe/Amsterdam';

/** The region's calendar day of a moment, as YYYY-MM-DD. */
export function regionDay(at: Date | string): string {
  return (typeof at === 'string' ? new Date(at) : at).toLocaleDateString('sv-SE', { timeZone: REGION_TIME_ZONE });
}

/**
 * A moment as the people of the region read it, whatever the reader's own time zone: in the
 * region's zone and the reader's language. Hours and minutes unless `options` say otherwise.
 */
export function regionTime(at: string | number | Date, lang: Language, options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' }): string {
  const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
  // A format is made once per language and options: making one (as toLocaleString does on every
  // call) took 50–100 µs, and a board writes a time for every report in its lists.
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = REGION_FORMATS.get(key);
  if (!format) REGION_FORMATS.set(key, (format = new Intl.DateTimeFormat(locale, { timeZone: REGION_TIME_ZONE, ...options })));
  return format.format(new Date(at));
}

const REGION_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** A moment as a short date and time in the region, e.g. "01-12-2026 22:18". */
export function regionDateTime(iso: string, lang: Language): string {
  return regionTime(iso, lang, { dateStyle: 'short', timeStyle: 'short' });
}
