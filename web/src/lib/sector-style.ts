import { SECTORS, type Sector } from '$shared/domain';

/** One colour per sector, distinguishable on a light background; acute sectors in warm tones. */
export const SECTOR_COLOURS: Record<Sector, string> = {
  hospital: '#c0392b',
  'gp-post': '#e67e22',
  ggd: '#b7950b',
  'acute-mental-health': '#8e44ad',
  ambulance: '#d35400',
  'nursing-care': '#1f6fb2',
  'disability-care': '#17a589',
  'mental-health': '#6c3483',
  'home-care': '#2e86c1',
  'recovery-care': '#148f77',
  'red-cross': '#e74c3c',
  'home-ventilation': '#34495e',
};

/** The sectors in legend order. */
export const LEGEND_SECTORS: readonly Sector[] = SECTORS;
