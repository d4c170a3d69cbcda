"""Builds the site's map of Europe, North Africa and the Middle East from Natural Earth's shapes.

Run by `manage.py build_world_map` (`make map`), never at request time: it writes
`pompidou_site/map_data/world_map.json`, which is committed and read by the `world_map` template tag
(`pompidou_site/templatetags/map_tags.py`).

The steps, each a function below:
1. decode the TopoJSON of the npm package world-atlas (Natural Earth 1:50m admin-0 countries):
   delta-encoded, quantised arcs shared between neighbours;
2. project each arc with an Albers equal-area conic fitted to the region, onto a viewBox;
3. simplify each arc (Douglas-Peucker) and round it to integers, so that two neighbours keep the
   same border;
4. assemble each country's rings from its arcs, clip them to the frame, drop slivers;
5. write each country's outline as compact SVG path data, keyed by its ISO 3166-1 alpha-2 code.

The full map (`full`) and the small decorative one of the listing cards (`card`) are two detail
levels of the same projection.
"""

import math
from dataclasses import dataclass

# The region the Group works in, with a margin: from the Atlantic coast of Morocco to the Caspian,
# from the Sahara to Scandinavia. Longitude and latitude in degrees. The west is far out in the
# Atlantic because the frame is cropped at the conic's bulging corners: at -17 the crop cut off
# Morocco's south-west coast (tests/test_map.py checks that no seed country touches the frame).
WEST, EAST, SOUTH, NORTH = -23.0, 50.0, 19.0, 64.0
# Before projecting, every point is clamped into this wider box, whose edges all project outside the
# frame: Siberia, Antarctica or the antimeridian never wrap round the cone into the picture, and two
# neighbours' shared points stay shared. Clipping to the frame then removes what is outside.
CLAMP_WEST, CLAMP_EAST, CLAMP_SOUTH, CLAMP_NORTH = -42.0, 80.0, 0.0, 84.0
# Only countries with a point this close to the region (degrees) are drawn.
NEAR = 12.0


@dataclass(frozen=True)
class AlbersConic:
    """Albers equal-area conic projection (Snyder, Map Projections: A Working Manual, pp. 98-103).

    Equal-area, so that no country looks bigger than it is; standard parallels chosen to cross the
    region's southern and northern parts, where distortion is least.
    """

    central_meridian: float = 18.0
    origin_latitude: float = 40.0
    parallel_1: float = 30.0
    parallel_2: float = 58.0

    def __post_init__(self):
        phi1, phi2 = math.radians(self.parallel_1), math.radians(self.parallel_2)
        n = (math.sin(phi1) + math.sin(phi2)) / 2
        c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_c", c)
        object.__setattr__(self, "_rho0", math.sqrt(c - 2 * n * math.sin(math.radians(self.origin_latitude))) / n)

    def __call__(self, longitude, latitude):
        """(x, y) on the unit sphere, y pointing north."""
        rho = math.sqrt(max(self._c - 2 * self._n * math.sin(math.radians(latitude)), 0.0)) / self._n
        theta = self._n * math.radians(longitude - self.central_meridian)
        return rho * math.sin(theta), self._rho0 - rho * math.cos(theta)


# TopoJSON


def decode_arcs(topology):
    """The topology's arcs as lists of (longitude, latitude): delta decoding and transform applied."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (scale_x, scale_y), (translate_x, translate_y) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for delta_x, delta_y, *_rest in arc:
                x += delta_x
                y += delta_y
                points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        else:
            points = [(point[0], point[1]) for point in arc]
        arcs.append(points)
    return arcs


def geometry_rings(geometry):
    """A Polygon's or MultiPolygon's rings, each a list of arc indexes (negative: reversed, ~i)."""
    if geometry.get("type") == "Polygon":
        return list(geometry["arcs"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


# Simplification, clipping, encoding


def _distance_to_segment(point, start, end):
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(points, tolerance):
    """The points of a line kept within `tolerance` of it, its ends always kept (iterative)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            current = _distance_to_segment(points[index], points[first], points[last])
            if current > distance:
                farthest, distance = index, current
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def simplify_arc(points, tolerance):
    """An arc simplified and rounded to integers. A closed arc (an island) is split at its farthest
    point, so that Douglas-Peucker has two distinct ends to work from."""
    if len(points) > 3 and points[0] == points[-1]:
        middle = max(range(len(points)), key=lambda index: math.dist(points[0], points[index]))
        simplified = douglas_peucker(points[: middle + 1], tolerance)[:-1] + douglas_peucker(points[middle:], tolerance)
    else:
        simplified = douglas_peucker(points, tolerance)
    rounded = []
    for x, y in simplified:
        point = (round(x), round(y))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded


def assemble_ring(arc_indexes, arcs):
    """A ring's points from its arcs, each following arc starting where the previous one ended."""
    ring = []
    for index in arc_indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def clip_ring(ring, width, height):
    """Sutherland-Hodgman clipping of a ring to the rectangle 0..width, 0..height."""
    edges = [
        (lambda p: p[0] >= 0, lambda a, b: (0, a[1] + (b[1] - a[1]) * (0 - a[0]) / (b[0] - a[0]))),
        (lambda p: p[0] <= width, lambda a, b: (width, a[1] + (b[1] - a[1]) * (width - a[0]) / (b[0] - a[0]))),
        (lambda p: p[1] >= 0, lambda a, b: (a[0] + (b[0] - a[0]) * (0 - a[1]) / (b[1] - a[1]), 0)),
        (lambda p: p[1] <= height, lambda a, b: (a[0] + (b[0] - a[0]) * (height - a[1]) / (b[1] - a[1]), height)),
    ]
    output = list(ring)
    for inside, intersection in edges:
        points, output = output, []
        for index, current in enumerate(points):
            previous = points[index - 1]
            if inside(current):
                if not inside(previous):
                    output.append(intersection(previous, current))
                output.append(current)
            elif inside(previous):
                output.append(intersection(previous, current))
        if not output:
            return []
    clipped = []
    for x, y in output:
        point = (round(x), round(y))
        if not clipped or clipped[-1] != point:
            clipped.append(point)
    if len(clipped) > 1 and clipped[0] == clipped[-1]:
        clipped.pop()
    return clipped


def ring_area(ring):
    """The ring's area (shoelace formula), whatever its winding."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def _number_list(numbers):
    # A minus sign separates numbers in SVG path data: "3-2" is 3 then -2, no space needed.
    text = ""
    for number in numbers:
        text += str(number) if (not text or number < 0) else f" {number}"
    return text


def path_data(rings):
    """SVG path data: each ring as an absolute move, relative lines, and a close."""
    parts = []
    for ring in rings:
        (x, y), deltas = ring[0], []
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            deltas += [x1 - x0, y1 - y0]
        parts.append(f"M{_number_list([x, y])}l{_number_list(deltas)}z")
    return "".join(parts)


# The map


@dataclass(frozen=True)
class Detail:
    """One detail level: the width of its viewBox, how far a simplified border may stray from the
    true one, and the smallest island or exclave kept (both in viewBox units)."""

    width: int
    tolerance: float
    min_area: float


DETAILS = {
    "full": Detail(width=1000, tolerance=1.2, min_area=6.0),
    "card": Detail(width=200, tolerance=0.9, min_area=3.0),
}
# A country whose outline is smaller than this (viewBox units of the full map) also gets a marker,
# a circle a pointer can reach and an eye can see.
MARKER_BELOW = 12


def frame(projection, west=WEST, east=EAST, south=SOUTH, north=NORTH, steps=64):
    """The projected bounding box (min x, min y, max x, max y) of the geographic box's outline."""
    outline = []
    for step in range(steps + 1):
        longitude = west + (east - west) * step / steps
        latitude = south + (north - south) * step / steps
        outline += [projection(longitude, south), projection(longitude, north)]
        outline += [projection(west, latitude), projection(east, latitude)]
    xs, ys = [x for x, _y in outline], [y for _x, y in outline]
    return min(xs), min(ys), max(xs), max(ys)


def build_map(topology, codes_by_geometry, projection=None, details=None, bounds=None):
    """The map data: for each detail level, its viewBox and each country's path; markers for small ones.

    `codes_by_geometry(geometry)` names a TopoJSON geometry's ISO alpha-2 code, or None to leave it
    out. `bounds` is (west, east, south, north) in degrees, the region by default.
    """
    projection = projection or AlbersConic()
    details = details or DETAILS
    bounds = bounds or (WEST, EAST, SOUTH, NORTH)
    min_x, min_y, max_x, max_y = frame(projection, *bounds)
    # The frame is narrower than the projected box, which bulges at the bottom corners of a conic:
    # a quarter of that bulge is cropped on each side.
    crop = (max_x - min_x) * 0.06
    min_x, max_x = min_x + crop, max_x - crop
    geographic = decode_arcs(topology)
    projected = [
        [
            projection(min(max(longitude, CLAMP_WEST), CLAMP_EAST), min(max(latitude, CLAMP_SOUTH), CLAMP_NORTH))
            for longitude, latitude in arc
        ]
        for arc in geographic
    ]
    west, east, south, north = bounds

    def near_the_region(geometry):
        # Antarctica and southern Africa have no point near the frame: left out before their
        # clamped outlines could draw chords across it.
        return any(
            west - NEAR <= longitude <= east + NEAR and south - NEAR <= latitude <= north + NEAR
            for ring in geometry_rings(geometry)
            for index in ring
            for longitude, latitude in geographic[index if index >= 0 else ~index]
        )

    geometries = [
        (code, geometry)
        for geometry in next(iter(topology["objects"].values()))["geometries"]
        if (code := codes_by_geometry(geometry)) and near_the_region(geometry)
    ]

    result = {"variants": {}, "markers": {}}
    for name, detail in details.items():
        scale = detail.width / (max_x - min_x)
        height = round((max_y - min_y) * scale)
        arcs = [
            simplify_arc([((x - min_x) * scale, (max_y - y) * scale) for x, y in arc], detail.tolerance)
            for arc in projected
        ]
        shapes = {}
        for code, geometry in geometries:
            rings = []
            for arc_indexes in geometry_rings(geometry):
                ring = clip_ring(assemble_ring(arc_indexes, arcs), detail.width, height)
                if len(ring) >= 3 and ring_area(ring) > 0:
                    rings.append(ring)
            if not rings:
                continue
            largest = max(rings, key=ring_area)
            kept = [ring for ring in rings if ring is largest or ring_area(ring) >= detail.min_area]
            shapes[code] = shapes.get(code, []) + kept
            if name == "full":
                xs = [x for ring in kept for x, _y in ring]
                ys = [y for ring in kept for _x, y in ring]
                if max(max(xs) - min(xs), max(ys) - min(ys)) < MARKER_BELOW:
                    result["markers"][code] = [round(sum(xs) / len(xs)), round(sum(ys) / len(ys))]
        result["variants"][name] = {
            "viewBox": f"0 0 {detail.width} {height}",
            "countries": {code: path_data(rings) for code, rings in sorted(shapes.items())},
        }
    return result
