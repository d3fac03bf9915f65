/** Names of the vocabulary, shared with the server (its pages, exports and messages speak them too). */
export { VOCAB } from '$shared/vocab';

/** Colours of the impact levels on the map and in the figures. */
export const IMPACT_COLOURS: Record<string, string> = {
  unknown: '#9aa3ad',
  none: '#2e9d5b',
  minor: '#e8c21c',
  major: '#ef7d18',
  critical: '#d0261b',
};

/** How much an impact asks for attention: an aggregate of markers takes its top member's colour. Unknown ranks above none, because it still needs an answer. */
export const IMPACT_RANK: Record<string, number> = { none: 0, unknown: 1, minor: 2, major: 3, critical: 4 };

/** Ring colours that mark a location's operation on the map. */
export const OPERATION_RINGS: Record<string, string | undefined> = {
  'shelter-in-place': '#1f6fb2',
  evacuating: '#7b2cbf',
  evacuated: '#111111',
  closed: '#444444',
};
