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
  /** Its marker's radius on screen, stroke included; {@link SINGLE_RADIUS} when not told. */
  r?: number;
  /** Points of one family group only with each other (a coordinator's own locations); none: the rest. */
  family?: string;
}

/** A single marker's radius on screen, stroke included, when its point does not say. */
export const SINGLE_RADIUS = 6;
/** Room left between two circles drawn side by side, in pixels. */
const CLEARANCE = 2;

/** The radius of an aggregate of `count` locations: larger with more, within 11 and 16 pixels. */
export function groupRadius(count: number): number {
  return 9 + Math.min(7, Math.round(2.5 * Math.log2(count)));
}

/** An aggregate's radius on screen, its 2-pixel ring included. */
export const drawnRadius = (count: number) => groupRadius(count) + 1;

export interface PointGroup {
  ids: string[];
  /** The family of its members. */
  family?: string;
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
 * are always at least `reach` apart: what stays single never hides another single. An
 * aggregate is drawn at its members' mean, which can bring it onto another aggregate or a
 * single; those are then folded into one, or moved off a family's circle ({@link separate}),
 * so that no count is covered. Points of a family group only with each other.
 */
export function groupPoints(points: readonly MapPoint[], reach: number): Grouping {
  const seeds: { x: number; y: number; members: MapPoint[] }[] = [];
  // A grid per family, its cells under numbers: 10,000 points look up nine cells each.
  const grids = new Map<string, Map<number, number[]>>();
  const kept: string[] = [];
  for (const point of points) {
    if (point.keep) {
      kept.push(point.id);
      continue;
    }
    const cx = Math.floor(point.x / reach);
    const cy = Math.floor(point.y / reach);
    const family = point.family ?? '';
    let grid = grids.get(family);
    if (!grid) grids.set(family, (grid = new Map()));
    let best = -1;
    let bestDistance = reach * reach;
    for (let dx = -1; dx <= 1; dx += 1) {
      for (let dy = -1; dy <= 1; dy += 1) {
        const cell = grid.get(cellKey(cx + dx, cy + dy));
        if (cell === undefined) continue;
        for (const index of cell) {
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
    const key = cellKey(cx, cy);
    const cell = grid.get(key);
    if (cell) cell.push(seeds.length);
    else grid.set(key, [seeds.length]);
    seeds.push({ x: point.x, y: point.y, members: [point] });
  }
  const drawn = separate(seeds.map(({ members }) => ({ members, ...meanOf(members) })));
  const groups: PointGroup[] = [];
  const alone = new Set(kept);
  for (const { members, x, y } of drawn) {
    if (members.length === 1) alone.add(members[0].id);
    else groups.push({ ids: members.map((m) => m.id), x, y, ...(members[0].family !== undefined ? { family: members[0].family } : {}) });
  }
  return { groups, single: points.filter((p) => alone.has(p.id)).map((p) => p.id) };
}

/** One number per grid cell: exact for cells within ±2²¹ (a map 36-pixel cells wide reaches zoom 18 within that). */
const cellKey = (cx: number, cy: number) => cx * 4194304 + cy;

interface Drawn {
  members: MapPoint[];
  x: number;
  y: number;
}

function meanOf(members: readonly MapPoint[]): { x: number; y: number } {
  return { x: members.reduce((sum, m) => sum + m.x, 0) / members.length, y: members.reduce((sum, m) => sum + m.y, 0) / members.length };
}

const radiusOf = (d: Drawn) => (d.members.length === 1 ? (d.members[0].r ?? SINGLE_RADIUS) : drawnRadius(d.members.length));
/** How far apart two circles' centres must be for them not to touch. */
const apart = (a: Drawn, b: Drawn) => radiusOf(a) + radiusOf(b) + CLEARANCE;

/** How often the rest's aggregates are moved off a family's circles and folded again, at most. */
const SEPARATE_ROUNDS = 4;

/**
 * Circles that touch no other: within a family by folding ({@link fold}); across families by
 * moving the rest's aggregate off the family's circle, which is drawn over it ({@link makeRoom}),
 * then folding again, as long as anything moved, at most {@link SEPARATE_ROUNDS} times.
 */
function separate(items: Drawn[]): Drawn[] {
  let live = fold(items);
  for (let round = 1; round < SEPARATE_ROUNDS && makeRoom(live); round += 1) live = fold(live);
  return live;
}

/**
 * Moves each aggregate of the rest (no family) that a family's circle would cover straight away
 * from that circle until they no longer touch: the family's markers are what its reader looks
 * for and stay where they are, and an aggregate only says "this many around here" (its members
 * lie up to `reach` from it anyway). True when anything moved.
 */
function makeRoom(live: Drawn[]): boolean {
  const fixed = live.filter((item) => item.members[0].family !== undefined);
  let moved = false;
  for (const item of live) {
    if (item.members.length === 1 || item.members[0].family !== undefined) continue;
    for (const obstacle of fixed) {
      const need = apart(item, obstacle);
      const dx = item.x - obstacle.x;
      const dy = item.y - obstacle.y;
      const distance = Math.hypot(dx, dy);
      if (distance >= need) continue;
      const [ux, uy] = distance > 0 ? [dx / distance, dy / distance] : [0, -1];
      item.x = obstacle.x + ux * need;
      item.y = obstacle.y + uy * need;
      moved = true;
    }
  }
  return moved;
}

/**
 * Folds every aggregate that its circle would draw onto another circle of its family (an
 * aggregate or a single) into one with it, at their members' mean, until none touch. Two
 * singles never touch (they are `reach` apart), so each fold involves an aggregate and the
 * number of circles only goes down. Neighbours are looked up on a grid as wide as the largest
 * overlap.
 */
function fold(items: Drawn[]): Drawn[] {
  let live = items;
  for (let changed = true; changed; ) {
    changed = false;
    const cell = 2 * live.reduce((widest, item) => Math.max(widest, radiusOf(item)), SINGLE_RADIUS) + CLEARANCE;
    const grid = new Map<number, Drawn[]>();
    const gone = new Set<Drawn>();
    for (const item of live) {
      const cx = Math.floor(item.x / cell);
      const cy = Math.floor(item.y / cell);
      let merged = false;
      for (let dx = -1; dx <= 1 && !merged; dx += 1) {
        for (let dy = -1; dy <= 1 && !merged; dy += 1) {
          for (const other of grid.get(cellKey(cx + dx, cy + dy)) ?? []) {
            if (gone.has(other) || (item.members.length === 1 && other.members.length === 1) || item.members[0].family !== other.members[0].family) continue;
            if (Math.hypot(item.x - other.x, item.y - other.y) >= apart(item, other)) continue;
            // Folded into the one already placed; it moves to the mean and is checked again next pass.
            other.members.push(...item.members);
            Object.assign(other, meanOf(other.members));
            gone.add(item);
            merged = changed = true;
            break;
          }
        }
      }
      if (merged) continue;
      const key = cellKey(cx, cy);
      const bucket = grid.get(key);
      if (bucket) bucket.push(item);
      else grid.set(key, [item]);
    }
    live = live.filter((item) => !gone.has(item));
  }
  return live;
}
