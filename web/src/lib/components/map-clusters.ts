/**
 * Overlapping markers at region zoom, gathered into one aggregate each (docs/architecture.md,
 * "Map"). Pure: points come in as pixel positions at the current zoom, so the map component
 * decides when to group again (a zoom or a data change) and the rule can be tested alone.
 */

export interface MapPoint {
  id: string;
  x: number;
  y: number;
  /** Drawn on its own whatever the zoom: a critical location is never folded away. */
  keep?: boolean;
}

export interface PointGroup {
  ids: string[];
  /** Where the aggregate is drawn: the mean of its members. */
  x: number;
  y: number;
}

export interface Grouping {
  groups: PointGroup[];
  /** Points drawn on their own, in input order. */
  single: string[];
}

/**
 * Greedy distance grouping on a grid of `reach` pixels. Each group is seeded by its first
 * point and a later point joins the nearest seed within `reach`, so two points left single
 * are always at least `reach` apart: what stays single never hides another single.
 */
export function groupPoints(points: readonly MapPoint[], reach: number): Grouping {
  const seeds: { x: number; y: number; members: MapPoint[] }[] = [];
  const grid = new Map<string, number[]>();
  const cellOf = (x: number, y: number) => [Math.floor(x / reach), Math.floor(y / reach)] as const;
  const kept: string[] = [];
  for (const point of points) {
    if (point.keep) {
      kept.push(point.id);
      continue;
    }
    const [cx, cy] = cellOf(point.x, point.y);
    let best = -1;
    let bestDistance = reach * reach;
    for (let dx = -1; dx <= 1; dx += 1) {
      for (let dy = -1; dy <= 1; dy += 1) {
        for (const index of grid.get(`${cx + dx}:${cy + dy}`) ?? []) {
          const seed = seeds[index];
          const distance = (seed.x - point.x) ** 2 + (seed.y - point.y) ** 2;
          if (distance < bestDistance) {
            best = index;
            bestDistance = distance;
          }
        }
      }
    }
    if (best >= 0) {
      seeds[best].members.push(point);
      continue;
    }
    const key = `${cx}:${cy}`;
    grid.set(key, [...(grid.get(key) ?? []), seeds.length]);
    seeds.push({ x: point.x, y: point.y, members: [point] });
  }
  const groups: PointGroup[] = [];
  const alone = new Set(kept);
  for (const seed of seeds) {
    if (seed.members.length === 1) {
      alone.add(seed.members[0].id);
      continue;
    }
    const n = seed.members.length;
    groups.push({
      ids: seed.members.map((m) => m.id),
      x: seed.members.reduce((sum, m) => sum + m.x, 0) / n,
      y: seed.members.reduce((sum, m) => sum + m.y, 0) / n,
    });
  }
  return { groups, single: points.filter((p) => alone.has(p.id)).map((p) => p.id) };
}
