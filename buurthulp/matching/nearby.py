""" "Near" for the feed and the suggestions: a cheap prefilter in SQL, bands in Python.

Both need, among possibly thousands of rows within a few kilometres (a dense town), only
the few in the closest distance bands. The database narrows the rows with the H3 cells of
the blurred points (an indexed `IN`) and a bounding box on the row's own columns, and hands
back light rows (ids and numbers, never ORM objects). Python works out each row's distance
and band, which is cheap, and the callers rank further (fit, fairness: queries per row)
only the closest bands that their answer needs. When a small radius already holds enough
rows in bands it covers completely, nothing farther can outrank them, so the search widens
in steps and a dense town costs no more than a quiet one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from buurthulp.geo import Point, bounding_box, cells_within, distance_band
from buurthulp.geo.cells import approx_distance_between

#: The band of everything beyond 25 km (see `geo.distance_band`).
MAX_BAND = 26


def band_edge_m(band: int) -> float:
    """The outer edge of a band: < 500 m, then up to (n + 0.5) km, the last at 25 km."""
    if band <= 0:
        return 500.0
    return min((band + 0.5) * 1000.0, 25_000.0)


def complete_bands(radius_m: float) -> int:
    """The farthest band lying wholly within `radius_m` (-1 when not even the first)."""
    band = -1
    while band + 1 < MAX_BAND and band_edge_m(band + 1) <= radius_m:
        band += 1
    return band


def steps(radius_m: int, first: Iterable[int]) -> list[int]:
    """The search radii to try in turn: the given ones below `radius_m`, then `radius_m`."""
    return [r for r in first if r < radius_m] + [radius_m]


def near(cell: Any, lat: Any, lon: Any, centre: Point, radius_m: float) -> list[Any]:
    """WHERE clauses that keep every row within `radius_m` of `centre` (and few more)."""
    south, north, west, east = bounding_box(centre, radius_m)
    return [
        cell.in_(cells_within(centre, radius_m)),
        lat.between(south, north),
        lon.between(west, east),
    ]


def banded(
    rows: Iterable[Any], centre: Point, radius_m: float, *, lat: str = "lat", lon: str = "lon"
) -> list[tuple[int, Any]]:
    """(band, row) for the rows really within `radius_m`, closest band first."""
    found = []
    for row in rows:
        metres = approx_distance_between(
            centre.lat, centre.lon, getattr(row, lat), getattr(row, lon)
        )
        if metres <= radius_m:
            found.append((distance_band(metres), row))
    found.sort(key=lambda item: item[0])
    return found


def by_band(found: list[tuple[int, Any]]) -> Iterator[tuple[int, list[Any]]]:
    """The rows of `banded` grouped per band, closest first."""
    for band, group in groupby(found, key=lambda item: item[0]):
        yield band, [row for _band, row in group]
