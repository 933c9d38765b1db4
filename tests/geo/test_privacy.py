"""Blurred positions and rounded distance labels."""

from __future__ import annotations

import math

import pytest

from buurthulp.geo import Point, blur_point, distance_label, distance_m

HOME = Point(51.8462, 5.8626)  # Nijmegen centre


def test_blur_is_stable() -> None:
    a = blur_point(HOME, secret="s3cret", member_key="member-1")
    b = blur_point(HOME, secret="s3cret", member_key="member-1")
    assert a == b


@pytest.mark.parametrize("radius", [100, 400, 1000])
def test_blur_stays_between_40_and_100_percent_of_radius(radius: int) -> None:
    for i in range(200):
        blurred = blur_point(HOME, secret="s3cret", member_key=f"m{i}", radius_m=radius)
        assert blurred != HOME
        d = distance_m(HOME, blurred)
        # 1 % slack for the flat-earth offset versus the geodesic check.
        assert 0.4 * radius * 0.99 <= d <= radius * 1.01, (i, d)


def test_blur_depends_on_member_and_secret() -> None:
    base = blur_point(HOME, secret="s3cret", member_key="member-1")
    assert blur_point(HOME, secret="s3cret", member_key="member-2") != base
    assert blur_point(HOME, secret="other", member_key="member-1") != base


def test_blur_directions_are_spread() -> None:
    bearings = set()
    for i in range(100):
        p = blur_point(HOME, secret="s", member_key=str(i))
        angle = math.degrees(math.atan2(p.lon - HOME.lon, p.lat - HOME.lat)) % 360
        bearings.add(int(angle // 90))
    assert bearings == {0, 1, 2, 3}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"secret": "", "member_key": "m"},
        {"secret": "s", "member_key": ""},
        {"secret": "s", "member_key": "m", "radius_m": 0},
    ],
)
def test_blur_refuses_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        blur_point(HOME, **kwargs)


@pytest.mark.parametrize(
    ("meters", "label"),
    [
        (0, "< 500 m"),
        (499.9, "< 500 m"),
        (500, "ca. 1 km"),
        (1499.9, "ca. 1 km"),
        (1500, "ca. 2 km"),
        (2499, "ca. 2 km"),
        (2500, "ca. 3 km"),
        (2600, "ca. 3 km"),
        (24_499, "ca. 24 km"),
        (25_000, "ca. 25 km"),
        (25_001, "> 25 km"),
        (1e9, "> 25 km"),
    ],
)
def test_distance_label_boundaries(meters: float, label: str) -> None:
    assert distance_label(meters) == label


def test_distance_label_uses_gettext() -> None:
    seen: list[str] = []

    def dutch(message: str, **kw: object) -> str:
        seen.append(message)
        return message.replace("ca.", "ongeveer") % kw

    assert distance_label(2600, gettext=dutch) == "ongeveer 3 km"
    assert seen == ["ca. %(km)s km"]


@pytest.mark.parametrize("bad", [-1, float("nan"), "12", None, True])
def test_distance_label_refuses_nonsense(bad: object) -> None:
    with pytest.raises(ValueError):
        distance_label(bad)  # type: ignore[arg-type]


def test_distance_m_is_geodesic() -> None:
    # Nijmegen Grote Markt to Arnhem Centraal, about 16 km as the crow flies.
    d = distance_m(Point(51.8476, 5.8636), Point(51.9850, 5.8987))
    assert 15_000 < d < 16_500
    assert distance_m(HOME, HOME) == 0


def test_point_refuses_garbage() -> None:
    with pytest.raises(ValueError):
        Point(float("nan"), 5.0)
    with pytest.raises(ValueError):
        Point(91.0, 5.0)


def test_a_move_draws_a_new_blur_direction(make) -> None:
    """Whoever knew the old home and saw the old public point knows the offset; after a move
    the same offset must not lead to the new home."""
    from buurthulp.accounts.services import move_home
    from tests.factories import CENTRUM

    hood = make.neighbourhood(pc4=CENTRUM)
    member = make.resident(hood, house_number="3")

    def offset() -> tuple[float, float]:
        return (member.public_lat - member.home_lat, member.public_lon - member.home_lon)

    before = offset()
    move_home(member, postcode=f"{CENTRUM[0]}CD", house_number="17", actor=member)
    after = offset()
    assert before != after
    assert abs(before[0] - after[0]) + abs(before[1] - after[1]) > 1e-4  # metres, not noise
    move_home(member, postcode=f"{CENTRUM[0]}CD", house_number="17", actor=member)
    assert offset() == after  # stable at one address: asking again averages nothing away
