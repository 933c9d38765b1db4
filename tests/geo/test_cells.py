"""The spatial prefilter never loses a neighbour: every point within the radius lies in one
of the cells (and inside the box) that the feed and the suggestions read."""

from __future__ import annotations

import math

import h3
from hypothesis import given, settings
from hypothesis import strategies as st

from buurthulp.geo import Point, approx_distance_m, bounding_box, cell_of, cells_within
from buurthulp.geo.cells import rings_for
from buurthulp.geo.points import offset_point
from tests.support.examples import budget

LATS = st.floats(50.75, 53.55)
LONS = st.floats(3.3, 7.2)


@settings(max_examples=budget(300))
@given(
    lat=LATS,
    lon=LONS,
    radius=st.sampled_from([600, 1600, 3000, 5000, 25_000]),
    share=st.floats(0, 1),
    bearing=st.floats(0, 360),
)
def test_every_point_within_the_radius_is_in_a_cell_and_the_box(
    lat, lon, radius, share, bearing
) -> None:
    centre = Point(lat, lon)
    other = offset_point(centre, radius * share * 0.999, bearing)
    assert approx_distance_m(centre, other) <= radius * 1.001
    assert cell_of(other) in cells_within(centre, radius)
    south, north, west, east = bounding_box(centre, radius)
    assert south <= other.lat <= north and west <= other.lon <= east


def test_the_cells_are_trimmed_to_about_the_circle() -> None:
    centre = Point(51.8425, 5.8528)  # Nijmegen
    for radius in (600, 3000):
        cells = cells_within(centre, radius)
        # A resolution-8 cell covers about 0.74 km²; the circle plus two cells' reach around
        # it (the trimming is worked out from the centre of the point's own cell).
        area = math.pi * ((radius + 1200) / 1000) ** 2
        assert len(cells) <= area / 0.74 * 1.6
        # ...and far fewer than the whole disk of rings that holds them.
        assert len(cells) < len(h3.grid_disk(cell_of(centre), rings_for(radius)))
