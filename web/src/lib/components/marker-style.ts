/** Style of one location's marker on the map. */
export interface MarkerStyle {
  fill: string;
  stroke?: string;
  radius?: number;
  weight?: number;
}
