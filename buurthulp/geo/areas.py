"""Service areas (neighbourhoods) as polygons: parse them from GeoJSON, find them by point.

Coordinates follow GeoJSON: ``x`` is longitude, ``y`` is latitude. A :class:`Point` (lat, lon)
is converted at the boundary of this module, so callers never juggle the order themselves.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Generic, TypeVar

import shapely
from shapely.errors import ShapelyError
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points
from shapely.validation import explain_validity

from .points import METRES_PER_DEGREE, NL_BOUNDS, Point, distance_m

__all__ = ["MAX_VERTICES", "AreaIndex", "InvalidArea", "parse_geojson_area"]

K = TypeVar("K", bound=Hashable)

MAX_VERTICES = 10_000
# A 10,000-vertex polygon is about 400 kB of GeoJSON text; refuse far bigger input before
# json.loads spends memory on it.
MAX_TEXT_BYTES = 2_000_000


class InvalidArea(ValueError):
    """The GeoJSON is not a usable service area; the message says why, in plain English."""


def _shapely_point(point: Point) -> shapely.Point:
    return shapely.Point(point.lon, point.lat)


class AreaIndex(Generic[K]):
    """Which areas contain a point, or which is nearest within a distance (STRtree backed)."""

    def __init__(self, items: Iterable[tuple[K, BaseGeometry]]) -> None:
        pairs = list(items)
        self._keys: list[K] = [key for key, _ in pairs]
        self._geoms: list[BaseGeometry] = [geom for _, geom in pairs]
        self._tree = shapely.STRtree(self._geoms)

    def __len__(self) -> int:
        return len(self._keys)

    def containing(self, point: Point) -> list[K]:
        """Keys of all areas containing ``point``, in insertion order.

        "intersects" rather than "contains": a point exactly on a shared border belongs to
        both areas instead of to neither.
        """
        hits = self._tree.query(_shapely_point(point), predicate="intersects")
        return [self._keys[i] for i in sorted(int(i) for i in hits)]

    def nearest(self, point: Point, max_m: float) -> K | None:
        """The area containing ``point``, else the closest one within ``max_m`` metres.

        Candidates come from a bounding box converted from metres to degrees; the winner is
        chosen by the geodesic distance from ``point`` to the nearest spot on each area's
        outline, so "within 2 km" means 2 km on the ground, not 2 km-ish in degrees.
        """
        inside = self.containing(point)
        if inside:
            return inside[0]
        if max_m <= 0 or not self._keys:
            return None
        # 1 % wider than the flat-earth conversion, so the box never cuts off a candidate
        # the geodesic check would accept (a degree of latitude is not exactly 111.32 km).
        dlat = 1.01 * max_m / METRES_PER_DEGREE
        dlon = 1.01 * max_m / (METRES_PER_DEGREE * max(math.cos(math.radians(point.lat)), 1e-6))
        search = box(point.lon - dlon, point.lat - dlat, point.lon + dlon, point.lat + dlat)
        origin = _shapely_point(point)
        best_key: K | None = None
        best_m = math.inf
        for i in sorted(int(i) for i in self._tree.query(search, predicate="intersects")):
            on_area, _ = nearest_points(self._geoms[i], origin)
            metres = distance_m(point, Point(on_area.y, on_area.x))
            if metres < best_m:
                best_key, best_m = self._keys[i], metres
        return best_key if best_m <= max_m else None


def parse_geojson_area(data: str | bytes | Mapping[str, Any]) -> Polygon | MultiPolygon:
    """Parse a service area from GeoJSON text or a decoded dict.

    Accepts a Polygon or MultiPolygon geometry, a Feature holding one, or a FeatureCollection
    of them (united into one shape). The result is valid, non-empty, has at most
    ``MAX_VERTICES`` vertices and lies inside the Netherlands; otherwise :class:`InvalidArea`.
    """
    obj = _decode(data)
    geometries = [_polygonal(geometry) for geometry in _geometries(obj)]
    if not geometries:
        raise InvalidArea("The GeoJSON contains no polygon.")
    area = geometries[0] if len(geometries) == 1 else shapely.union_all(geometries)
    if not isinstance(area, Polygon | MultiPolygon) or area.is_empty:
        raise InvalidArea("The polygons do not form an area.")
    vertices = int(shapely.get_num_coordinates(area))
    if vertices > MAX_VERTICES:
        raise InvalidArea(f"The area has {vertices} points; at most {MAX_VERTICES} are allowed.")
    _check_in_netherlands(area)
    return area


def _decode(data: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(data, str | bytes):
        if len(data) > MAX_TEXT_BYTES:
            raise InvalidArea("The GeoJSON is too large (more than 2 MB).")
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise InvalidArea("This is not valid JSON.") from exc
    if not isinstance(data, Mapping):
        raise InvalidArea("GeoJSON must be an object with a 'type'.")
    return data


def _geometries(obj: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise InvalidArea("A FeatureCollection needs a list of features.")
        return [g for feature in features for g in _geometries(_feature(feature))]
    if kind == "Feature":
        geometry = obj.get("geometry")
        if not isinstance(geometry, Mapping):
            raise InvalidArea("A Feature needs a geometry.")
        return [geometry]
    if kind in ("Polygon", "MultiPolygon"):
        return [obj]
    raise InvalidArea(
        f"Expected a Polygon, MultiPolygon, Feature or FeatureCollection, not {str(kind)[:40]!r}."
    )


def _feature(feature: object) -> Mapping[str, Any]:
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise InvalidArea("Every item in a FeatureCollection must be a Feature.")
    return feature


def _polygonal(geometry: Mapping[str, Any]) -> Polygon | MultiPolygon:
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise InvalidArea(f"Only Polygon and MultiPolygon areas are supported, not {kind!r}.")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, ShapelyError) as exc:
        raise InvalidArea("The polygon coordinates are malformed.") from exc
    if geom.is_empty:
        raise InvalidArea("The polygon is empty.")
    if not geom.is_valid:
        # e.g. "Self-intersection[5.86 51.84]": tells the admin where to fix the drawing.
        raise InvalidArea(f"The polygon is not valid: {explain_validity(geom)}.")
    return geom


def _check_in_netherlands(area: BaseGeometry) -> None:
    min_lon, min_lat, max_lon, max_lat = NL_BOUNDS
    x0, y0, x1, y1 = area.bounds
    if min_lon <= x0 and x1 <= max_lon and min_lat <= y0 and y1 <= max_lat:
        return
    if min_lon <= y0 and y1 <= max_lon and min_lat <= x0 and x1 <= max_lat:
        raise InvalidArea(
            "The area lies outside the Netherlands; the coordinates look like (lat, lon), "
            "but GeoJSON needs (lon, lat)."
        )
    raise InvalidArea("The area lies (partly) outside the Netherlands.")
