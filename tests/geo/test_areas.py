"""GeoJSON service areas and the spatial index, with real Nijmegen coordinates."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from buurthulp.geo import AreaIndex, InvalidArea, Point, parse_geojson_area

# Rough boxes (lon, lat) around two Nijmegen neighbourhoods and Lent across the Waal.
CENTRUM = box(5.855, 51.840, 5.875, 51.852)
BOTTENDAAL = box(5.850, 51.832, 5.865, 51.840)  # shares the lat 51.840 border with CENTRUM
LENT = box(5.850, 51.860, 5.880, 51.875)

GROTE_MARKT = Point(51.8476, 5.8636)
NIJMEGEN_CS = Point(51.8431, 5.8526)  # just west of CENTRUM, outside every box
HEYENDAAL = Point(51.8200, 5.8650)  # about 1.3 km south of BOTTENDAAL
ARNHEM = Point(51.9850, 5.8987)


def _index() -> AreaIndex[str]:
    return AreaIndex([("centrum", CENTRUM), ("bottendaal", BOTTENDAAL), ("lent", LENT)])


def test_containing() -> None:
    index = _index()
    assert len(index) == 3
    assert index.containing(GROTE_MARKT) == ["centrum"]
    assert index.containing(Point(51.868, 5.865)) == ["lent"]
    assert index.containing(NIJMEGEN_CS) == []
    # On the shared border: in both, never in neither.
    assert index.containing(Point(51.840, 5.860)) == ["centrum", "bottendaal"]


def test_nearest_prefers_containing_area() -> None:
    assert _index().nearest(GROTE_MARKT, max_m=2_000) == "centrum"


def test_nearest_within_distance() -> None:
    index = _index()
    # The station is ~160 m west of CENTRUM's edge, and ~230 m north of BOTTENDAAL.
    assert index.nearest(NIJMEGEN_CS, max_m=2_000) == "centrum"
    assert index.nearest(HEYENDAAL, max_m=2_000) == "bottendaal"
    assert index.nearest(HEYENDAAL, max_m=1_000) is None
    assert index.nearest(ARNHEM, max_m=2_000) is None
    assert index.nearest(ARNHEM, max_m=0) is None


def test_nearest_uses_metres_not_degrees() -> None:
    # 0.02 degrees of longitude is ~1.38 km at this latitude, 0.02 of latitude ~2.2 km.
    index = AreaIndex([("a", box(5.80, 51.80, 5.81, 51.81))])
    east = Point(51.805, 5.83)
    north = Point(51.83, 5.805)
    assert index.nearest(east, max_m=1_500) == "a"
    assert index.nearest(north, max_m=1_500) is None
    assert index.nearest(north, max_m=2_300) == "a"
    # ~1 km north and ~1 km east of the corner: inside the search box for 1.2 km, but
    # ~1.41 km away on the ground, so only the geodesic check can refuse it.
    diagonal = Point(51.818983, 5.824529)
    assert index.nearest(diagonal, max_m=1_200) is None
    assert index.nearest(diagonal, max_m=1_500) == "a"


def test_empty_index() -> None:
    index: AreaIndex[str] = AreaIndex([])
    assert index.containing(GROTE_MARKT) == []
    assert index.nearest(GROTE_MARKT, max_m=5_000) is None


SQUARE = [[5.855, 51.840], [5.875, 51.840], [5.875, 51.852], [5.855, 51.852], [5.855, 51.840]]
LENT_RING = [[5.85, 51.86], [5.88, 51.86], [5.88, 51.875], [5.85, 51.875], [5.85, 51.86]]


def test_parse_polygon_from_text_and_dict() -> None:
    geometry = {"type": "Polygon", "coordinates": [SQUARE]}
    from_dict = parse_geojson_area(geometry)
    from_text = parse_geojson_area(json.dumps(geometry))
    assert isinstance(from_dict, Polygon)
    assert from_dict.equals(from_text)
    assert from_dict.contains(box(5.86, 51.845, 5.861, 51.846))


def test_parse_feature_and_collection() -> None:
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    assert isinstance(parse_geojson_area(feature), Polygon)
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature,
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [LENT_RING]}},
        ],
    }
    area = parse_geojson_area(collection)
    assert isinstance(area, MultiPolygon)
    assert len(area.geoms) == 2


def test_parse_multipolygon() -> None:
    area = parse_geojson_area({"type": "MultiPolygon", "coordinates": [[SQUARE], [LENT_RING]]})
    assert isinstance(area, MultiPolygon)


BOWTIE = [[5.85, 51.84], [5.87, 51.86], [5.87, 51.84], [5.85, 51.86], [5.85, 51.84]]
PARIS = [[2.30, 48.85], [2.31, 48.85], [2.31, 48.86], [2.30, 48.86], [2.30, 48.85]]
SWAPPED = [[lat, lon] for lon, lat in SQUARE]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "object"),
        ({"type": "Point", "coordinates": [5.86, 51.84]}, "Polygon"),
        ({"type": "Feature", "geometry": {"type": "LineString", "coordinates": SQUARE}}, "not"),
        ({"type": "Feature", "geometry": None}, "geometry"),
        ({"type": "FeatureCollection", "features": []}, "no polygon"),
        ({"type": "FeatureCollection", "features": [{"type": "Polygon"}]}, "Feature"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "malformed"),
        ({"type": "Polygon", "coordinates": [[[5.85, 51.84], [5.86, 51.85]]]}, "malformed"),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        ({"type": "Polygon", "coordinates": [BOWTIE]}, "Self-intersection"),
        ({"type": "Polygon", "coordinates": [PARIS]}, "outside the Netherlands"),
        ({"type": "Polygon", "coordinates": [SWAPPED]}, "lat, lon"),
        ("x" * 3_000_000, "too large"),
    ],
)
def test_parse_refuses_bad_areas(data: object, message: str) -> None:
    with pytest.raises(InvalidArea, match=message):
        parse_geojson_area(data)  # type: ignore[arg-type]


def test_parse_refuses_too_many_vertices() -> None:
    import shapely

    circle = shapely.Point(5.86, 51.84).buffer(0.01, quad_segs=3000)
    geojson = {"type": "Polygon", "coordinates": [list(map(list, circle.exterior.coords))]}
    with pytest.raises(InvalidArea, match="at most 10000"):
        parse_geojson_area(geojson)


def test_invalid_area_is_a_value_error() -> None:
    assert issubclass(InvalidArea, ValueError)
