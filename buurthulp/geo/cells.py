"""Spatial cells (H3, resolution 8) for the "near me" prefilter of feeds and suggestions.

A listing or a member is stored with the H3 cell of its *blurred* point, an indexed string
column on both databases. "Within 3 km" becomes "in one of the cells near enough", an
`IN (...)` over an index, then a bounding box on the row's own columns, and only what is
left is ranked. H3 cells at resolution 8 are hexagons with about 530 m edges; neighbouring
centres are about 920 m apart.
"""

from __future__ import annotations

import math
from functools import lru_cache

import h3

from .points import METRES_PER_DEGREE, Point

RESOLUTION = 8
# Farthest a point of a cell lies from its centre (measured over the Netherlands: 526 m),
# and the least, with a margin each way.
CELL_RADIUS_M = 600.0
CELL_INRADIUS_M = 450.0
MAX_RINGS = 60


def cell_of(point: Point) -> str:
    """The cell a (blurred) point lies in."""
    return h3.latlng_to_cell(point.lat, point.lon, RESOLUTION)


def rings_for(radius_m: float) -> int:
    """Rings of neighbours around a point's cell that hold every cell within `radius_m`:
    centres of cells k rings apart are at least 1.5 inradii x k apart."""
    return min(MAX_RINGS, math.ceil((radius_m + 2 * CELL_RADIUS_M) / (1.5 * CELL_INRADIUS_M)))


def cells_within(point: Point, radius_m: float) -> list[str]:
    """Every cell that may hold a point within `radius_m` of `point` (a superset).

    Worked out around the centre of the point's own cell, so one answer serves every point
    in that cell and is remembered: a page of the feed asks it again and again.
    """
    return list(_cells_near_cell(cell_of(point), math.ceil(radius_m)))


@lru_cache(maxsize=16_384)
def _cells_near_cell(cell: str, radius_m: int) -> tuple[str, ...]:
    """Cells whose centre is close enough to hold a point within `radius_m` of any point of
    `cell`: centre to centre at most the radius plus a cell's reach at each end. The disk of
    rings is trimmed to those, so a 600 m search reads about a dozen cells, not 37."""
    lat, lon = h3.cell_to_latlng(cell)
    centre = Point(lat, lon)
    reach = radius_m + 2 * CELL_RADIUS_M
    found = []
    for other in h3.grid_disk(cell, rings_for(radius_m)):
        other_lat, other_lon = h3.cell_to_latlng(other)
        if approx_distance_m(centre, Point(other_lat, other_lon)) <= reach:
            found.append(other)
    return tuple(sorted(found))


def bounding_box(point: Point, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) around `point`: with the cells, a second cheap filter
    on the row's own columns before any distance is computed."""
    dlat = radius_m / METRES_PER_DEGREE
    dlon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(point.lat)), 0.01))
    return point.lat - dlat, point.lat + dlat, point.lon - dlon, point.lon + dlon


def approx_distance_m(a: Point, b: Point) -> float:
    """Equirectangular distance: within a metre of the geodesic over tens of kilometres,
    and cheap enough to rank thousands of candidates (`distance_m` is the exact one)."""
    return approx_distance_between(a.lat, a.lon, b.lat, b.lon)


def approx_distance_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """`approx_distance_m` on bare numbers, for loops over thousands of rows."""
    mean_lat = math.radians((lat1 + lat2) / 2)
    dx = (lon2 - lon1) * math.cos(mean_lat) * METRES_PER_DEGREE
    dy = (lat2 - lat1) * METRES_PER_DEGREE
    return math.hypot(dx, dy)
