"""The benchmark's bulk-loaded towns have the shape the services write, and on such a town
the feed and the suggestions agree with a brute-force answer: the spatial prefilter and
the band-by-band ranking lose no closer neighbour.

`bench/market_town.py` inserts rows directly (the services would take hours for a million
members), so a drift between it and the services would make the benchmark measure
something else. And the benchmark's fast paths are only worth their figures if they give
the same answer as loading everyone.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from bench.market_town import BLUR_KEY, build_town
from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.geo import Point, approx_distance_m, blur_point, cell_of, distance_band
from buurthulp.listings.models import Listing
from buurthulp.listings.services import ListingInput, post_listing
from buurthulp.matches.models import Match
from buurthulp.matching.feed import feed
from buurthulp.matching.suggestions import MAX_OPEN_INVITATIONS, STEPS_M, suggestions
from buurthulp.models_base import utcnow

pytestmark = pytest.mark.both_databases

NIJMEGEN = ["6511", "6512", "6521", "6522", "6523", "6524", "6525", "6531", "6532", "6533"]


@pytest.fixture
def town(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "BUURTHULP_BLUR_KEY", BLUR_KEY)
    return build_town("test", residents=400, listings=160, pc4s=NIJMEGEN, seed=11)


def test_a_bench_town_has_the_shape_the_services_write(town) -> None:
    members = db.session.scalars(select(Member).where(Member.id.in_(town.member_ids[:50])))
    for member in members:
        home = Point(member.home_lat, member.home_lon)
        public = blur_point(home, secret=BLUR_KEY, member_key=f"member:{member.id}")
        assert (member.public_lat, member.public_lon) == pytest.approx((public.lat, public.lon))
        assert member.home_cell == cell_of(public)
    # A listing posted through the service sits where the bench puts its listings: at the
    # owner's blurred point, in that point's cell.
    owner = db.session.get(Member, town.member_ids[0])
    posted = post_listing(
        ListingInput(kind="request", title="Boodschappen doen", category="boodschappen"),
        actor=owner,
    )
    bench_rows = db.session.execute(
        select(Listing.lat, Listing.lon, Listing.cell).where(
            Listing.owner_id == owner.id, Listing.id != posted.id
        )
    ).all()
    expected = (owner.public_lat, owner.public_lon, owner.home_cell)
    assert (posted.lat, posted.lon, posted.cell) == expected
    assert all(tuple(row) == expected for row in bench_rows)


def _open_listings_for(member: Member) -> list[tuple[int, int]]:
    """(band, id) of every open listing of others within 5 km: brute force."""
    now = utcnow()
    here = Point(member.home_lat, member.home_lon)
    found = []
    for listing in db.session.scalars(select(Listing).where(Listing.status == "open")):
        if listing.owner_id == member.id or (listing.expires_at and listing.expires_at <= now):
            continue
        metres = approx_distance_m(here, Point(listing.lat, listing.lon))
        if metres <= 5000:
            found.append((distance_band(metres), listing.id))
    return sorted(found)


def test_the_feed_pages_hold_exactly_the_closest_bands(town) -> None:
    rng = random.Random(5)
    for member_id in rng.sample(town.member_ids, 8):
        member = db.session.get(Member, member_id)
        brute = _open_listings_for(member)
        seen: list[tuple[int, int]] = []
        cursor = None
        while True:
            page = feed(member, cursor=cursor, limit=7)
            seen += [(card.band, card.id) for card in page.cards]
            cursor = page.next_cursor
            if cursor is None:
                break
        # Every listing exactly once, in band order, and no band's listing skipped.
        assert sorted(i for _b, i in seen) == sorted(i for _b, i in brute)
        assert [b for b, _i in seen] == sorted(b for b, _i in brute)


def test_suggestions_come_from_the_closest_bands_of_free_neighbours(town) -> None:
    rng = random.Random(9)
    for listing_id in rng.sample(town.request_ids, 8):
        listing = db.session.get(Listing, listing_id)
        owner = db.session.get(Member, listing.owner_id)
        got = suggestions(listing.id, actor=owner)
        here = Point(listing.lat, listing.lon)
        busy = {
            m.responder_id
            for m in db.session.scalars(select(Match).where(Match.listing_id == listing.id))
        }
        invited: dict[int, int] = {}
        for m in db.session.scalars(select(Match).where(Match.status == "invited")):
            invited[m.responder_id] = invited.get(m.responder_id, 0) + 1
        bands = sorted(
            distance_band(approx_distance_m(here, Point(m.public_lat, m.public_lon)))
            for m in db.session.scalars(select(Member).where(Member.status == "active"))
            if m.id != owner.id
            and m.id not in busy
            and invited.get(m.id, 0) < MAX_OPEN_INVITATIONS
            and approx_distance_m(here, Point(m.public_lat, m.public_lon)) <= STEPS_M[-1]
        )
        # Ranked by band first: the suggestions' bands are the closest bands there are.
        assert [s.band for s in got] == bands[: len(got)]
        assert len(got) == min(10, len(bands))


def test_expired_listings_of_a_bench_town_leave_its_feed(town) -> None:
    member = db.session.get(Member, town.member_ids[3])
    later = utcnow() + timedelta(days=40)  # every bench listing ends within 30 days
    assert feed(member, now=later).cards == []
