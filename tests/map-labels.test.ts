import { describe, expect, it } from 'vitest';
import { placeLabels, type LabelRequest, type MapCircle, type PixelBox } from '../web/src/lib/components/map-labels';
import { SeededRandom } from '../shared/random';

const VIEW: PixelBox = { minX: 0, minY: 0, maxX: 800, maxY: 600 };

function label(name: string, x: number, y: number, width = 60): LabelRequest {
  return { name, x, y, width, height: 16 };
}

/** Whether a circle reaches into the box of a name placed at `at`, written here apart from the module's own check. */
function touches(c: MapCircle, at: { x: number; y: number }, width: number, height: number): boolean {
  const dx = Math.max(Math.abs(c.x - at.x) - width / 2, 0);
  const dy = Math.max(Math.abs(c.y - at.y) - height / 2, 0);
  return dx * dx + dy * dy < c.r * c.r;
}

describe('municipality names on the map', () => {
  it('puts a name under its town when the town’s aggregate stands on its centre', () => {
    const [placed] = placeLabels([label('Heerlen', 400, 300)], [{ x: 400, y: 300, r: 16 }], VIEW);
    expect(placed.at).not.toBeNull();
    expect(placed.at!.x).toBe(400);
    expect(placed.at!.y).toBeGreaterThan(300 + 16);
    expect(touches({ x: 400, y: 300, r: 16 }, placed.at!, 60, 16)).toBe(false);
  });

  it('moves a name to another side when below is taken, and never on top of an earlier name', () => {
    const circles = [
      { x: 400, y: 300, r: 16 },
      { x: 400, y: 330, r: 12 },
    ];
    const placed = placeLabels([label('Maastricht', 400, 300, 70), label('Meerssen', 400, 300, 60)], circles, VIEW);
    const [first, second] = placed.map((p) => p.at!);
    for (const at of [first, second]) for (const c of circles) expect(touches(c, at, 70, 16)).toBe(false);
    expect(Math.abs(first.x - second.x) * 2 >= 130 || Math.abs(first.y - second.y) >= 16).toBe(true);
  });

  it('leaves a name out rather than half under markers, far from its town or outside the view', () => {
    // Circles packed all around the centre, further than a name may stand.
    const circles: MapCircle[] = [];
    for (let x = 200; x <= 600; x += 14) for (let y = 150; y <= 450; y += 14) circles.push({ x, y, r: 8 });
    expect(placeLabels([label('Vaals', 400, 300)], circles, VIEW)[0].at).toBeNull();
    // At the view's edge with nothing around: still placed, wholly inside.
    const [edge] = placeLabels([label('Eijsden', 790, 595)], [], VIEW);
    expect(edge.at!.x + 30).toBeLessThanOrEqual(800);
    expect(edge.at!.y + 8).toBeLessThanOrEqual(600);
    // Outside the view altogether: left out.
    expect(placeLabels([label('Eupen', 900, 300)], [], VIEW)[0].at).toBeNull();
  });

  it('places twenty names among 400 markers with none under a marker, on another name or outside', () => {
    const random = new SeededRandom(11);
    const circles: MapCircle[] = Array.from({ length: 400 }, () => ({ x: random.next() * 800, y: random.next() * 600, r: 5 + random.next() * 4 }));
    const requests = Array.from({ length: 20 }, (_, i) => label(`Gemeente ${i}`, 40 + random.next() * 720, 20 + random.next() * 560, 50 + random.next() * 30));
    const placed = placeLabels(requests, circles, VIEW);
    expect(placed.map((p) => p.name)).toEqual(requests.map((r) => r.name));
    const shown = placed.flatMap((p, i) => (p.at ? [{ ...p.at, width: requests[i].width, request: requests[i] }] : []));
    for (const a of shown) {
      expect(circles.filter((c) => touches(c, a, a.width, 16))).toEqual([]);
      expect(a.x - a.width / 2 >= 0 && a.x + a.width / 2 <= 800 && a.y - 8 >= 0 && a.y + 8 <= 600).toBe(true);
      // Near its own municipality: no more than the name's size and 56 px from the centre.
      expect(Math.hypot(a.x - a.request.x, a.y - a.request.y)).toBeLessThanOrEqual(a.width / 2 + 16 + 56);
    }
    for (let i = 0; i < shown.length; i += 1) {
      for (let j = i + 1; j < shown.length; j += 1) {
        const apart = Math.abs(shown[i].x - shown[j].x) * 2 >= shown[i].width + shown[j].width || Math.abs(shown[i].y - shown[j].y) >= 16;
        expect(apart, `${shown[i].request.name} and ${shown[j].request.name}`).toBe(true);
      }
    }
    // Dense, and still nearly every name finds a place.
    expect(shown.length).toBeGreaterThanOrEqual(18);
  });
});
