import { describe, expect, it } from 'vitest';
import { groupPoints, type MapPoint } from '../web/src/lib/components/map-clusters';
import { SeededRandom } from '../shared/random';

const REACH = 14;

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
});
