/** Style of one location's marker on the map. */
export interface MarkerStyle {
  fill: string;
  stroke?: string;
  radius?: number;
  weight?: number;
  /** Drawn on its own at every zoom, never inside an aggregate of overlapping markers. */
  keep?: boolean;
  /** How urgent: an aggregate takes the colour of its highest-ranked member. */
  rank?: number;
  /** What the fill stands for, as the legend names it: an aggregate's tooltip counts its members per label. */
  label?: string;
  /** Markers of a family fold only into aggregates of their own, edged as they are (a coordinator's own locations). */
  family?: string;
  /** A family's aggregate's tooltip head, `{n}` for the count. */
  familyName?: string;
}
