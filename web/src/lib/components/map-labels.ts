/**
 * Where the municipality names stand on the map (docs/architecture.md, "Map"). A name lies
 * under the markers' canvas, so a marker or an aggregate on top of it hides it: each name is
 * put at the first of a few places around its municipality's centre that no drawn circle and
 * no name placed before it covers. Pure, in pixels at the current zoom, so it can be tested alone.
 */

/** A name to place: its municipality's centre and the size of its text. */
export interface LabelRequest {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A marker or an aggregate as drawn: centre and radius. */
export interface MapCircle {
  x: number;
  y: number;
  r: number;
}

/** A placed name: the centre of its text, or null where no free place near its municipality is in view. */
export interface PlacedLabel {
  name: string;
  at: { x: number; y: number } | null;
}

/** The view in the same pixels: a name is placed wholly inside it or not at all. */
export interface PixelBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Room kept between a name and a circle, in pixels, so the text's halo does not touch it. */
const MARGIN = 2;

/** How far a name may stand from its municipality's centre: the gap between the two, in pixels. */
const GAPS = [8, 16, 24, 32, 40, 48, 56];

/**
 * Offsets of the label's centre from the municipality's centre, nearest first: at each gap,
 * sixteen directions starting below and then above (at region zoom the town's own aggregate
 * stands on its centre, and a name under a place reads as its caption).
 */
function candidates(width: number, height: number): [number, number][] {
  const order = [4, 12, 0, 8, 3, 5, 11, 13, 2, 6, 10, 14, 1, 7, 9, 15];
  return GAPS.flatMap((gap) =>
    order.map((step) => {
      const angle = (step * Math.PI) / 8;
      return [Math.round(Math.cos(angle) * (width / 2 + gap)), Math.round(Math.sin(angle) * (height / 2 + gap))] as [number, number];
    }),
  );
}

function circleHitsBox(c: MapCircle, x: number, y: number, width: number, height: number): boolean {
  const nearestX = Math.max(x - width / 2, Math.min(c.x, x + width / 2));
  const nearestY = Math.max(y - height / 2, Math.min(c.y, y + height / 2));
  const reach = c.r + MARGIN;
  return (nearestX - c.x) ** 2 + (nearestY - c.y) ** 2 < reach * reach;
}

function boxesOverlap(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return Math.abs(a.x - b.x) * 2 < a.width + b.width && Math.abs(a.y - b.y) * 2 < a.height + b.height;
}

/**
 * Places every name, in the order given (put the larger municipalities first: they get the
 * nearest free place). A place that a circle or an earlier name covers, or that is not wholly in
 * `view`, is skipped. A name with no free place near its municipality is left out: half a name
 * peeking from under an aggregate, or a name far from its town, would mislead more than it helps.
 */
export function placeLabels(requests: readonly LabelRequest[], circles: readonly MapCircle[], view: PixelBox): PlacedLabel[] {
  const placed: { x: number; y: number; width: number; height: number }[] = [];
  return requests.map((request) => {
    const { width, height } = request;
    const inView = (x: number, y: number) => x - width / 2 >= view.minX && x + width / 2 <= view.maxX && y - height / 2 >= view.minY && y + height / 2 <= view.maxY;
    const reach = width + height + GAPS[GAPS.length - 1];
    const near = circles.filter((c) => Math.abs(c.x - request.x) < reach + c.r && Math.abs(c.y - request.y) < reach + c.r);
    for (const [dx, dy] of candidates(width, height)) {
      const box = { x: request.x + dx, y: request.y + dy, width, height };
      if (!inView(box.x, box.y)) continue;
      if (near.some((c) => circleHitsBox(c, box.x, box.y, width, height)) || placed.some((other) => boxesOverlap(box, other))) continue;
      placed.push(box);
      return { name: request.name, at: { x: box.x, y: box.y } };
    }
    return { name: request.name, at: null };
  });
}
