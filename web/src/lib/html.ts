/** Escapes text for HTML built as a string (Leaflet popups); the same escaping as the exports. */
export { escapeMarkup as escapeHtml } from '$shared/markup';
