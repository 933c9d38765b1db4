"""Spatial cells (H3, resolution 8) for the "near me" prefilter of feeds and suggestions.

A listing or a member is stored with the H3 cell of its *blurred* point, an indexed string
column on both databases. "Within 3 km" becomes "in one of the cells within k rings",
an `IN (...)` over an index, and only those candidates are ranked. H3 cells at resolution 8
are hexagons with about 530 m edges; neighbouring centres are about 920 m apart.
"""

from __future__ import annotations

import math

import h3

from .points import METRES_PER_DEGREE, Point

RESOLUTION = 8
# Distance between the centres of neighbouring cells (sqrt(3) x edge).
CELL_SPACING_M = math.sqrt(3) * h3.average_hexagon_edge_length(RESOLUTION, "m")
MAX_RINGS = 40


def cell_of(point: Point) -> str:
    """The cell a (blurred) point lies in."""
    return h3.latlng_to_cell(point.lat, point.lon, RESOLUTION)


def rings_for(radius_m: float) -> int:
    """Rings of neighbours that cover every point within `radius_m` of a cell's points."""
    return min(MAX_RINGS, int(radius_m // CELL_SPACING_M) + 2)


def cells_within(point: Point, radius_m: float) -> list[str]:
    """Every cell that may hold a point within `radius_m` of `point` (a superset)."""
    return sorted(h3.grid_disk(cell_of(point), rings_for(radius_m)))


def approx_distance_m(a: Point, b: Point) -> float:
    """Equirectangular distance: within a metre of the geodesic over tens of kilometres,
    and cheap enough to rank thousands of candidates (`distance_m` is the exact one)."""
    mean_lat = math.radians((a.lat + b.lat) / 2)
    dx = (b.lon - a.lon) * math.cos(mean_lat) * METRES_PER_DEGREE
    dy = (b.lat - a.lat) * METRES_PER_DEGREE
    return math.hypot(dx, dy)
