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
  return groupSeeds(seedPoints(points, reach));
}

interface Seed {
  /** The index of the point that made it, in the seeding's points. */
  first: number;
  x: number;
  y: number;
  family: string;
  /** In the points' order. */
  members: MapPoint[];
}

/**
 * The first step of {@link groupPoints}, kept by a map between groupings so that a live change
 * can be made to it ({@link reseed}) instead of seeding every point again. Its points are the
 * caller's objects: a changed point is changed in place (not its position), then told to `reseed`.
 */
export interface Seeding {
  readonly points: readonly MapPoint[];
  readonly reach: number;
  /** Each point's index in `points`, by its id. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** In the order they were made: by their first point. */
  seeds: Seed[];
  /** Per family, the seeds per cell of the grid, each cell's in the order they were made. */
  grids: Map<string, Map<number, Seed[]>>;
  /** Per point (by index), its seed; none while it is kept (drawn alone). */
  seedOf: (Seed | undefined)[];
  /** Every point's index per cell, kept ones too, ascending: made when a change first needs it. */
  near?: Map<number, number[]>;
}

/**
 * Seeds every point that is not kept, in the points' order (see {@link groupPoints}). A seeding
 * of the same points made before lends their indices by id; not what depends on their positions,
 * which may have moved since (the map moves its points to each zoom).
 */
export function seedPoints(points: readonly MapPoint[], reach: number, before?: Seeding): Seeding {
  const seeding: Seeding = {
    points,
    reach,
    indexOf: before?.points === points ? before.indexOf : new Map(points.map((p, i) => [p.id, i])),
    seeds: [],
    grids: new Map(),
    seedOf: new Array(points.length).fill(undefined),
  };
  for (let index = 0; index < points.length; index += 1) {
    const point = points[index];
    if (point.keep) continue;
    const best = nearestSeed(seeding, point, index);
    if (best) {
      best.members.push(point);
      seeding.seedOf[index] = best;
    } else addSeed(seeding, index);
  }
  return seeding;
}

/**
 * Brings a seeding up to date after point `id` changed in place (whether it is kept, its size;
 * not its family): afterwards it is what {@link seedPoints} would make of the points now. False,
 * and nothing changed, when that takes seeding them all again (a change of family).
 *
 * A point decides by the seeds made before it within reach alone, so only these decide again,
 * in the points' order: the point itself; when a seed goes (its first point kept, or joining a
 * seed made before it), its members; when a seed is made, the later points within its reach.
 */
export function reseed(seeding: Seeding, id: string): boolean {
  const index = seeding.indexOf.get(id);
  if (index === undefined) return false;
  const point = seeding.points[index];
  const was = seeding.seedOf[index];
  if (was && was.family !== (point.family ?? '')) return false;
  if (!!point.keep === !was) return true;
  const pending: number[] = [];
  if (!point.keep) insertSorted(pending, index);
  else if (was!.first !== index) leave(seeding, was!, index);
  else for (const member of removeSeed(seeding, was!)) insertSorted(pending, seeding.indexOf.get(member.id)!);
  while (pending.length > 0) {
    const j = pending.shift()!;
    const at = seeding.points[j];
    if (at.keep) continue;
    const current = seeding.seedOf[j];
    const best = nearestSeed(seeding, at, j);
    if (current?.first === j) {
      if (!best) continue;
      for (const member of removeSeed(seeding, current)) insertSorted(pending, seeding.indexOf.get(member.id)!);
      join(seeding, best, j);
    } else if (best) {
      if (best === current) continue;
      if (current) leave(seeding, current, j);
      join(seeding, best, j);
    } else {
      if (current) leave(seeding, current, j);
      addSeed(seeding, j);
      for (const k of laterWithin(seeding, j)) insertSorted(pending, k);
    }
  }
  return true;
}

const cellOf = (seeding: Seeding, point: MapPoint) => cellKey(Math.floor(point.x / seeding.reach), Math.floor(point.y / seeding.reach));

/** The nearest seed of its family within reach made by a point before the `index`th, the first found among equals. */
function nearestSeed(seeding: Seeding, point: MapPoint, index: number): Seed | undefined {
  const grid = seeding.grids.get(point.family ?? '');
  if (!grid) return undefined;
  const cx = Math.floor(point.x / seeding.reach);
  const cy = Math.floor(point.y / seeding.reach);
  let best: Seed | undefined;
  let bestDistance = seeding.reach * seeding.reach;
  for (let dx = -1; dx <= 1; dx += 1) {
    for (let dy = -1; dy <= 1; dy += 1) {
      const cell = grid.get(cellKey(cx + dx, cy + dy));
      if (cell === undefined) continue;
      for (const seed of cell) {
        // A cell's seeds are in the order they were made: the rest came after the point.
        if (seed.first >= index) break;
        const distance = (seed.x - point.x) ** 2 + (seed.y - point.y) ** 2;
        if (distance < bestDistance) {
          best = seed;
          bestDistance = distance;
        }
      }
    }
  }
  return best;
}

/** A new seed made by the `index`th point, in its place among the seeds and in its cell. */
function addSeed(seeding: Seeding, index: number): void {
  const point = seeding.points[index];
  const seed: Seed = { first: index, x: point.x, y: point.y, family: point.family ?? '', members: [point] };
  let grid = seeding.grids.get(seed.family);
  if (!grid) seeding.grids.set(seed.family, (grid = new Map()));
  const key = cellOf(seeding, point);
  const cell = grid.get(key);
  if (!cell) grid.set(key, [seed]);
  else cell.splice(placeOf(cell, index, (s) => s.first), 0, seed);
  seeding.seeds.splice(placeOf(seeding.seeds, index, (s) => s.first), 0, seed);
  seeding.seedOf[index] = seed;
}

/** Takes a seed away; returns its members but its first point, who belong to no seed now. */
function removeSeed(seeding: Seeding, seed: Seed): MapPoint[] {
  const cell = seeding.grids.get(seed.family)!.get(cellOf(seeding, seeding.points[seed.first]))!;
  cell.splice(cell.indexOf(seed), 1);
  seeding.seeds.splice(seeding.seeds.indexOf(seed), 1);
  for (const member of seed.members) seeding.seedOf[seeding.indexOf.get(member.id)!] = undefined;
  return seed.members.filter((member) => member !== seeding.points[seed.first]);
}

function join(seeding: Seeding, seed: Seed, index: number): void {
  seed.members.splice(placeOf(seed.members, index, (m) => seeding.indexOf.get(m.id)!), 0, seeding.points[index]);
  seeding.seedOf[index] = seed;
}

function leave(seeding: Seeding, seed: Seed, index: number): void {
  seed.members.splice(seed.members.indexOf(seeding.points[index]), 1);
  seeding.seedOf[index] = undefined;
}

/** The points after the `index`th, not kept and of its family, within reach of it. */
function laterWithin(seeding: Seeding, index: number): number[] {
  if (!seeding.near) {
    seeding.near = new Map();
    seeding.points.forEach((p, i) => {
      const key = cellOf(seeding, p);
      const cell = seeding.near!.get(key);
      if (cell) cell.push(i);
      else seeding.near!.set(key, [i]);
    });
  }
  const point = seeding.points[index];
  const family = point.family ?? '';
  const cx = Math.floor(point.x / seeding.reach);
  const cy = Math.floor(point.y / seeding.reach);
  const found: number[] = [];
  for (let dx = -1; dx <= 1; dx += 1) {
    for (let dy = -1; dy <= 1; dy += 1) {
      for (const k of seeding.near.get(cellKey(cx + dx, cy + dy)) ?? []) {
        const other = seeding.points[k];
        if (k <= index || other.keep || (other.family ?? '') !== family) continue;
        if ((other.x - point.x) ** 2 + (other.y - point.y) ** 2 < seeding.reach * seeding.reach) found.push(k);
      }
    }
  }
  return found;
}

/** Where `index` goes in a list ordered by `indexOf` (after its equals). */
function placeOf<T>(list: readonly T[], index: number, indexOf: (item: T) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (indexOf(list[middle]) <= index) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Adds `index` to an ascending list of indices unless it is there. */
function insertSorted(list: number[], index: number): void {
  const place = placeOf(list, index, (i) => i);
  if (list[place - 1] !== index) list.splice(place, 0, index);
}

/** The second step of {@link groupPoints}: the seeds drawn as aggregates and singles. */
export function groupSeeds(seeding: Seeding): Grouping {
  const drawn = separate(seeding.seeds.map(({ members }) => drawnOf(members)));
  const groups: PointGroup[] = [];
  const alone = new Set<string>();
  for (const { members, x, y } of drawn) {
    if (members.length === 1) alone.add(members[0].id);
    else groups.push({ ids: members.map((m) => m.id), x, y, ...(members[0].family !== undefined ? { family: members[0].family } : {}) });
  }
  return { groups, single: seeding.points.filter((p) => p.keep || alone.has(p.id)).map((p) => p.id) };
}

/** One number per grid cell: exact for cells within ±2²¹ (a map 36-pixel cells wide reaches zoom 18 within that). */
const cellKey = (cx: number, cy: number) => cx * 4194304 + cy;

interface Drawn {
  members: MapPoint[];
  /** The sums of its members' positions: an aggregate is drawn at their mean. */
  sx: number;
  sy: number;
  x: number;
  y: number;
}

/** A seed's members to be drawn, at their mean (its own list: folding adds to it). */
function drawnOf(members: readonly MapPoint[]): Drawn {
  let sx = 0;
  let sy = 0;
  for (const m of members) {
    sx += m.x;
    sy += m.y;
  }
  return { members: [...members], sx, sy, x: sx / members.length, y: sy / members.length };
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
            // Squared: Math.hypot is several times slower, and this runs for every neighbour.
            const ox = item.x - other.x;
            const oy = item.y - other.y;
            const need = apart(item, other);
            if (ox * ox + oy * oy >= need * need) continue;
            // Folded into the one already placed; it moves to the mean and is checked again next pass.
            for (const member of item.members) other.members.push(member);
            other.sx += item.sx;
            other.sy += item.sy;
            other.x = other.sx / other.members.length;
            other.y = other.sy / other.members.length;
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
