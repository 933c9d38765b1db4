"""Points on the map and the little arithmetic we do with them.

Everything is WGS84 latitude/longitude in degrees. Offsets of a few hundred metres use a
flat-earth approximation: at Dutch latitudes its error over 1 km is far below a metre,
which is well inside the blur we add on purpose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geopy.distance import geodesic

# Metres per degree of latitude (mean); a degree of longitude is this times cos(lat).
METRES_PER_DEGREE = 111_320.0

# Bounding box of the Netherlands as (min_lon, min_lat, max_lon, max_lat), a little wider
# than the land so border villages and the Wadden islands fit.
NL_BOUNDS = (3.2, 50.7, 7.3, 53.7)


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 position; ``lat`` first, as people say it (GeoJSON stores lon first)."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        # Refuse NaN/inf and swapped or garbage values early: they would otherwise surface
        # as nonsense distances far away from where they were introduced.
        if not (math.isfinite(self.lat) and math.isfinite(self.lon)):
            raise ValueError("latitude and longitude must be finite numbers")
        if not -90.0 <= self.lat <= 90.0 or not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"not a valid position: lat={self.lat}, lon={self.lon}")


def distance_m(a: Point, b: Point) -> float:
    """Geodesic (WGS84 ellipsoid) distance in metres between two points."""
    return float(geodesic((a.lat, a.lon), (b.lat, b.lon)).meters)


def offset_point(point: Point, distance: float, bearing_deg: float) -> Point:
    """Move ``distance`` metres from ``point`` towards ``bearing_deg`` (0 = north, 90 = east)."""
    bearing = math.radians(bearing_deg)
    dlat = distance * math.cos(bearing) / METRES_PER_DEGREE
    dlon = distance * math.sin(bearing) / (METRES_PER_DEGREE * math.cos(math.radians(point.lat)))
    return Point(point.lat + dlat, point.lon + dlon)


def unit_floats(digest: bytes) -> tuple[float, float]:
    """Two independent floats in [0, 1) from the first 16 bytes of a hash digest.

    Used to turn a keyed hash into a direction and a distance, so offsets are pseudo-random
    yet reproducible from their input.
    """
    if len(digest) < 16:
        raise ValueError("need at least 16 bytes of digest")
    first = int.from_bytes(digest[:8], "big") / 2**64
    second = int.from_bytes(digest[8:16], "big") / 2**64
    return first, second
