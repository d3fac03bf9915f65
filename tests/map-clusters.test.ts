import { describe, expect, it } from 'vitest';
import { SINGLE_RADIUS, drawnRadius, groupPoints, groupSeeds, reseed, seedPoints, type Grouping, type MapPoint } from '../web/src/lib/components/map-clusters';
import { SeededRandom } from '../shared/random';

const REACH = 14;

interface Circle {
  what: string;
  x: number;
  y: number;
  r: number;
  family?: string;
}

/** The circles a grouping has the map draw, as it draws them; kept points, drawn over the rest, left out. */
function drawnCircles({ groups, single }: Grouping, byId: Map<string, MapPoint>): Circle[] {
  return [
    ...groups.map((g) => ({ what: `aggregate of ${g.ids.length}`, x: g.x, y: g.y, r: drawnRadius(g.ids.length), family: g.family })),
    ...single.map((id) => byId.get(id)!).filter((p) => !p.keep).map((p) => ({ what: p.id, x: p.x, y: p.y, r: p.r ?? SINGLE_RADIUS, family: p.family })),
  ];
}

/** That no two of the circles touch. */
function expectApart(circles: readonly Circle[], label: string): void {
  for (let i = 0; i < circles.length; i += 1) {
    for (let j = i + 1; j < circles.length; j += 1) {
      const [a, b] = [circles[i], circles[j]];
      expect(Math.hypot(a.x - b.x, a.y - b.y), `${label}: ${a.what} and ${b.what}`).toBeGreaterThanOrEqual(a.r + b.r);
    }
  }
}

describe('overlapping markers at region zoom', () => {
  it('folds points within reach into one aggregate at their mean, and leaves points apart alone', () => {
    const points: MapPoint[] = [
      { id: 'a', x: 100, y: 100 },
      { id: 'b', x: 106, y: 104 },
      { id: 'c', x: 109, y: 96 },
      { id: 'far', x: 200, y: 100 },
    ];
    const { groups, single } = groupPoints(points, REACH);
    expect(single).toEqual(['far']);
    expect(groups).toHaveLength(1);
    expect(groups[0].ids.sort()).toEqual(['a', 'b', 'c']);
    expect(groups[0].x).toBeCloseTo(105);
    expect(groups[0].y).toBeCloseTo(100);
  });

  it('never folds a kept point (a critical location), even on top of others', () => {
    const { groups, single } = groupPoints([{ id: 'a', x: 10, y: 10 }, { id: 'crit', x: 10, y: 10, keep: true }, { id: 'b', x: 11, y: 10 }], REACH);
    expect(single).toEqual(['crit']);
    expect(groups.map((g) => g.ids.sort())).toEqual([['a', 'b']]);
  });

  it('accounts for every point exactly once, and no two singles overlap (1,000 points in a small region)', () => {
    const random = new SeededRandom(7);
    const points: MapPoint[] = Array.from({ length: 1000 }, (_, i) => ({ id: `p${i}`, x: random.next() * 600, y: random.next() * 800, keep: i % 97 === 0 }));
    const { groups, single } = groupPoints(points, REACH);
    const seen = [...single, ...groups.flatMap((g) => g.ids)];
    expect(seen).toHaveLength(points.length);
    expect(new Set(seen).size).toBe(points.length);
    expect(groups.every((g) => g.ids.length >= 2)).toBe(true);
    const byId = new Map(points.map((p) => [p.id, p]));
    const alone = single.map((id) => byId.get(id)!).filter((p) => !p.keep);
    for (let i = 0; i < alone.length; i += 1) {
      for (let j = i + 1; j < alone.length; j += 1) {
        expect(Math.hypot(alone[i].x - alone[j].x, alone[i].y - alone[j].y), `${alone[i].id} and ${alone[j].id}`).toBeGreaterThanOrEqual(REACH);
      }
    }
    // Dense enough that grouping matters: far fewer things drawn than points.
    expect(single.length + groups.length).toBeLessThan(700);
  });

  it('folds aggregates that their means bring onto another circle, so that no count is covered', () => {
    // Two aggregates seeded 36 px apart whose members lean towards each other: their means are
    // 21 px apart, where two circles of 14 px would cover each other's counts.
    const near: MapPoint[] = [
      { id: 'a1', x: 100, y: 100 },
      { id: 'a2', x: 126, y: 100 },
      { id: 'a3', x: 126, y: 104 },
      { id: 'b1', x: 136, y: 100 },
      { id: 'b2', x: 140, y: 100 },
    ];
    const { groups, single } = groupPoints(near, 36);
    expect(single).toEqual([]);
    expect(groups.map((g) => g.ids.sort())).toEqual([['a1', 'a2', 'a3', 'b1', 'b2']]);
    expect(groups[0].x).toBeCloseTo(125.6);
    // Apart enough, they stay two.
    const apart = groupPoints([...near.slice(0, 3), { id: 'b1', x: 150, y: 100 }, { id: 'b2', x: 170, y: 100 }], 36);
    expect(apart.groups).toHaveLength(2);
  });

  it('draws no circle over another, kept points aside (10,000 points as dense as the region at its widest zoom)', () => {
    const random = new SeededRandom(11);
    const reach = 36;
    // Clumps as towns make them, and scattered points between.
    const towns = Array.from({ length: 40 }, () => ({ x: random.next() * 900, y: random.next() * 700 }));
    const points: MapPoint[] = Array.from({ length: 10000 }, (_, i) => {
      const town = towns[i % towns.length];
      const spread = i % 3 === 0 ? 400 : 30;
      return { id: `p${i}`, x: town.x + (random.next() - 0.5) * spread, y: town.y + (random.next() - 0.5) * spread, keep: i % 211 === 0, r: i % 5 === 0 ? 8 : undefined };
    });
    const grouping = groupPoints(points, reach);
    const { groups, single } = grouping;
    const seen = [...single, ...groups.flatMap((g) => g.ids)];
    expect(new Set(seen).size).toBe(points.length);
    expect(seen).toHaveLength(points.length);
    expect(groups.length).toBeGreaterThan(10);
    expectApart(drawnCircles(grouping, new Map(points.map((p) => [p.id, p]))), 'all');
  });

  it('folds a family only with its own (a coordinator’s locations), and no circle of a family over another of it', () => {
    const random = new SeededRandom(13);
    // As on a coordinator's phone: the region's 1,000 locations, and the organisation's 50, most
    // of them in its home town.
    const rest: MapPoint[] = Array.from({ length: 1000 }, (_, i) => ({ id: `p${i}`, x: random.next() * 400, y: random.next() * 500 }));
    const home = { x: 200, y: 150 };
    const mine: MapPoint[] = Array.from({ length: 50 }, (_, i) => {
      const spread = i < 30 ? 40 : 400;
      return { id: `own${i}`, x: home.x + (random.next() - 0.5) * spread, y: home.y + (random.next() - 0.5) * spread, family: 'own', r: 7 };
    });
    const points = [...rest, ...mine];
    const grouping = groupPoints(points, 36);
    const { groups, single } = grouping;
    const byId = new Map(points.map((p) => [p.id, p]));
    expect(groups.every((g) => g.ids.every((id) => byId.get(id)!.family === g.family))).toBe(true);
    const own = groups.filter((g) => g.family === 'own');
    expect(own.length).toBeGreaterThan(0);
    expect(own.reduce((n, g) => n + g.ids.length, 0) + single.filter((id) => byId.get(id)!.family === 'own').length).toBe(points.filter((p) => p.family === 'own').length);
    const circles = drawnCircles(grouping, byId);
    // The rest's aggregates stand clear of the family's circles, which are drawn over them.
    const ownCircles = circles.filter((c) => c.family === 'own');
    const covered = circles.filter((a) => a.family === undefined && a.what.startsWith('aggregate')).filter((a) => ownCircles.some((b) => Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r));
    expect(covered).toEqual([]);
    for (const family of [undefined, 'own']) expectApart(circles.filter((c) => c.family === family), family ?? 'rest');
  });

  it('moves an aggregate of the rest off a family’s marker drawn over it, no further than needed', () => {
    const points: MapPoint[] = [
      { id: 'a', x: 100, y: 100 },
      { id: 'b', x: 110, y: 100 },
      { id: 'c', x: 105, y: 108 },
      { id: 'mine', x: 106, y: 96, family: 'own', r: 7 },
    ];
    const { groups, single } = groupPoints(points, 36);
    expect(single).toEqual(['mine']);
    expect(groups).toHaveLength(1);
    const [g] = groups;
    const distance = Math.hypot(g.x - 106, g.y - 96);
    expect(distance).toBeGreaterThanOrEqual(drawnRadius(3) + 7);
    expect(distance).toBeLessThan(drawnRadius(3) + 7 + 3);
    // Away from the marker: it was above the aggregate's mean, so the aggregate went down.
    expect(g.y).toBeGreaterThan(101);
  });

  it('brings a kept seeding up to date after live changes exactly as seeding every point again would', () => {
    const random = new SeededRandom(17);
    // Towns, some of a family, as on a coordinator's board of the region; some addresses shared.
    const towns = Array.from({ length: 12 }, () => ({ x: random.next() * 500, y: random.next() * 400 }));
    const points: MapPoint[] = Array.from({ length: 3000 }, (_, i) => {
      const town = towns[i % towns.length];
      const spread = i % 4 === 0 ? 300 : 40;
      const at = i % 50 === 1 ? { x: town.x, y: town.y } : { x: town.x + (random.next() - 0.5) * spread, y: town.y + (random.next() - 0.5) * spread };
      return { id: `p${i}`, ...at, keep: i % 101 === 0, ...(i % 9 === 0 ? { family: 'own', r: 7 } : {}) };
    });
    const seeding = seedPoints(points, 36);
    const firstPointsKept = { before: 0 };
    for (let step = 0; step < 400; step += 1) {
      // One to three locations change: turned critical or back (kept or not), or another size;
      // every fifth step one of the first points, which made the seeds others joined.
      const changed = Array.from({ length: 1 + Math.floor(random.next() * 3) }, (_, n) => points[n === 0 && step % 5 === 0 ? Math.floor(random.next() * 40) : Math.floor(random.next() * points.length)]);
      for (const point of changed) {
        if (random.next() < 0.8) {
          if (!point.keep && seeding.seeds.some((s) => s.first === seeding.indexOf.get(point.id))) firstPointsKept.before += 1;
          point.keep = !point.keep;
        } else point.r = point.r === 8 ? 6 : 8;
      }
      for (const point of changed) expect(reseed(seeding, point.id)).toBe(true);
      expect(groupSeeds(seeding), `step ${step}`).toEqual(groupPoints(points, 36));
    }
    // The hard case was met: a seed's own point kept, its members deciding again.
    expect(firstPointsKept.before).toBeGreaterThan(20);
  });

  it('brings a seeding made again at another zoom up to date as a fresh one, its points moved in place', () => {
    const random = new SeededRandom(23);
    const points: MapPoint[] = Array.from({ length: 1500 }, (_, i) => ({ id: `p${i}`, x: random.next() * 300, y: random.next() * 240, keep: i % 37 === 0 }));
    let seeding = seedPoints(points, 36);
    // Changes that make new seeds, whose later neighbours are looked up by position.
    for (const point of points.slice(0, 40)) {
      point.keep = !point.keep;
      expect(reseed(seeding, point.id)).toBe(true);
    }
    expect(seeding.near).toBeDefined();
    // Zoomed in: every point moves, as the map moves its kept points, and the same points are seeded again.
    for (const point of points) {
      point.x *= 2;
      point.y *= 2;
    }
    seeding = seedPoints(points, 36, seeding);
    for (let step = 0; step < 200; step += 1) {
      const point = points[step % 10 === 0 ? step % 40 : Math.floor(random.next() * points.length)];
      point.keep = !point.keep;
      expect(reseed(seeding, point.id)).toBe(true);
      expect(groupSeeds(seeding), `step ${step}`).toEqual(groupPoints(points, 36));
    }
  });

  it('seeds every point again only when a point changes family', () => {
    const points: MapPoint[] = [
      { id: 'a', x: 100, y: 100 },
      { id: 'b', x: 110, y: 100 },
      { id: 'c', x: 140, y: 100 },
    ];
    const seeding = seedPoints(points, 36);
    expect(groupSeeds(seeding).groups.map((g) => g.ids)).toEqual([['a', 'b']]);
    // 'a' kept: 'b' makes the seed, and 'c', 26 px from it, joins.
    points[0].keep = true;
    expect(reseed(seeding, 'a')).toBe(true);
    expect(groupSeeds(seeding).groups.map((g) => g.ids)).toEqual([['b', 'c']]);
    points[0].keep = false;
    expect(reseed(seeding, 'a')).toBe(true);
    expect(groupSeeds(seeding).groups.map((g) => g.ids)).toEqual([['a', 'b']]);
    points[1].family = 'own';
    expect(reseed(seeding, 'b')).toBe(false);
  });
});
