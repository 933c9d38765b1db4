"""Properties of the suggestions ranking (Hypothesis): closer bands first, a talent beats
none, the busy sink, the blocked and the untrusted never appear, and within one band the
order says nothing about metres."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buurthulp.accounts.services import set_tags
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.geo import cell_of, distance_band
from buurthulp.geo.points import METRES_PER_DEGREE, Point
from buurthulp.listings import services as listings
from buurthulp.listings.models import CategoryRule
from buurthulp.matches import services as matches
from buurthulp.matching import suggestions
from tests.factories import CENTRUM
from tests.support.examples import budget

pytestmark = [pytest.mark.both_databases, pytest.mark.usefixtures("english")]
SETTINGS = settings(
    max_examples=budget(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _place(member: Any, origin: Point, metres_east: float) -> None:
    """Put a member's public point `metres_east` of `origin` (arranging, not a service)."""
    lon = origin.lon + metres_east / (METRES_PER_DEGREE * math.cos(math.radians(origin.lat)))
    point = Point(origin.lat, lon)
    with transaction():
        fresh = db.session.get(type(member), member.id)
        fresh.public_lat, fresh.public_lon = point.lat, point.lon
        fresh.home_lat, fresh.home_lon = point.lat, point.lon
        fresh.home_cell = cell_of(point)


def _retire(origin: Point, *members: Any) -> None:
    """Move an example's neighbours far away when it is done: Hypothesis runs every example
    in the same test's database, and without this the neighbours of earlier examples
    crowd the suggestions (with many examples, beyond the 50 shown)."""
    for member in members:
        _place(member, origin, 100_000)


@pytest.fixture
def request_here(make) -> tuple[Any, Any, Any]:
    hood = make.neighbourhood(pc4=CENTRUM)
    owner = make.resident(hood, name="Vrager")
    listing = make.listing(owner, title="Tuin opruimen", category="tuin")
    return hood, owner, listing


def _order(listing: Any, owner: Any) -> list[int]:
    return [s.member_id for s in suggestions.suggestions(listing.id, actor=owner, limit=50)]


@SETTINGS
@given(near=st.floats(0, 1400), far=st.floats(1600, 2900))
def test_closer_beats_farther_when_all_else_is_equal(make, request_here, near, far) -> None:
    hood, owner, listing = request_here
    a, b = make.resident(hood), make.resident(hood)
    origin = Point(listing.lat, listing.lon)
    try:
        _place(a, origin, far)
        _place(b, origin, near)
        order = _order(listing, owner)
        if distance_band(near) < distance_band(far):
            assert order.index(b.id) < order.index(a.id)
    finally:
        _retire(origin, a, b)


@SETTINGS
@given(first=st.floats(0, 480), second=st.floats(0, 480))
def test_within_one_band_the_order_tells_nothing_about_metres(
    make, request_here, first, second
) -> None:
    hood, owner, listing = request_here
    a, b = make.resident(hood), make.resident(hood)
    origin = Point(listing.lat, listing.lon)
    try:
        _place(a, origin, first)
        _place(b, origin, second)
        one = _order(listing, owner)
        _place(a, origin, second)
        _place(b, origin, first)
        assert _order(listing, owner) == one  # swapping the metres changes nothing
        found = suggestions.suggestions(listing.id, actor=owner, limit=200)
        shown = {s.member_id: s.distance_label for s in found}
        assert shown[a.id] == shown[b.id]
    finally:
        _retire(origin, a, b)


@SETTINGS
@given(metres=st.floats(0, 2500))
def test_a_talent_for_the_category_beats_none(make, request_here, metres) -> None:
    hood, owner, listing = request_here
    plain, gardener = make.resident(hood), make.resident(hood)
    origin = Point(listing.lat, listing.lon)
    try:
        _place(plain, origin, metres)
        _place(gardener, origin, metres)
        with transaction():
            set_tags(db.session.get(type(gardener), gardener.id), "talent", ["tuin"])
        found = suggestions.suggestions(listing.id, actor=owner, limit=50)
        order = [s.member_id for s in found]
        assert order.index(gardener.id) < order.index(plain.id)
        reasons = next(s.reasons for s in found if s.member_id == gardener.id)
        assert any("tuin" in r for r in reasons)
    finally:
        _retire(origin, plain, gardener)


@SETTINGS
@given(busy=st.integers(1, 3))
def test_a_member_with_many_open_matches_sinks(make, request_here, busy) -> None:
    hood, owner, listing = request_here
    idle, popular = make.resident(hood), make.resident(hood)
    origin = Point(listing.lat, listing.lon)
    askers = [make.resident(hood) for _n in range(busy)]
    try:
        _place(idle, origin, 200)
        _place(popular, origin, 200)
        for asker in askers:
            other = make.listing(asker, title="Andere vraag")
            matches.react(other.id, actor=popular, message="Ik help")
        order = _order(listing, owner)
        assert order.index(idle.id) < order.index(popular.id)
    finally:
        _retire(origin, idle, popular, *askers)


def test_nobody_is_suggested_with_three_open_invitations(make, request_here) -> None:
    hood, owner, listing = request_here
    helper = make.resident(hood)
    _place(helper, Point(listing.lat, listing.lon), 100)
    for _n in range(suggestions.MAX_OPEN_INVITATIONS):
        asker = make.resident(hood)
        other = make.listing(asker, title="Nog een vraag")
        matches.invite(other.id, helper.id, actor=asker)
    assert helper.id not in _order(listing, owner)


def test_the_blocked_and_the_untrusted_never_appear(make, request_here, monkeypatch) -> None:
    hood, owner, listing = request_here
    blocked, untrusted, trusted = make.resident(hood), make.resident(hood), make.resident(hood)
    origin = Point(listing.lat, listing.lon)
    for member in (blocked, untrusted, trusted):
        _place(member, origin, 150)
    monkeypatch.setattr(suggestions, "blocked_ids", lambda member_id: {blocked.id})
    assert blocked.id not in _order(listing, owner)
    with transaction():
        db.session.add(
            CategoryRule(
                neighbourhood_id=hood.id,
                category_id=listing.category_id,
                trust_needed="verified",
            )
        )
        db.session.get(type(trusted), trusted.id).trust_level = "verified"
    order = _order(listing, owner)
    assert trusted.id in order and untrusted.id not in order
    assert listings.trust_needed(listing) == "verified"
