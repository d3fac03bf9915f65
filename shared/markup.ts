/**
 * Escapes text for XML and HTML alike (the five named entities, all valid in both), for markup
 * built as a string: CAP and EDXL-HAVE exports, the printable report, Leaflet popups.
 */
export function escapeMarkup(value: unknown): string {
  return String(value ?? '').replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
