"""Who sees a listing and who may help with it: one rule (`listings.services.visibility`),
checked here against the rule written out in plain words, for every member and listing of a
small street with every status, trust level, block and mark that changes the answer.

Before the rule was one SQL expression it was written four times, and the copies
disagreed: offer suggestions applied the category's trust rule, the feed did not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from buurthulp.auth.models import Member
from buurthulp.auth.services import deactivate
from buurthulp.backoffice import residents
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.listings import services as listings
from buurthulp.listings.models import CategoryRule, Listing
from buurthulp.matching import suggestions
from buurthulp.matching.feed import feed
from buurthulp.models_base import utcnow
from buurthulp.protection.models import Block
from tests.conftest import load_world, shared_world
from tests.factories import OOST

# SQL with NOT IN over a UNION and EXISTS: both databases.
pytestmark = pytest.mark.both_databases

STATUSES = ("open", "matched", "paused", "closed", "hidden", "pending")


@dataclass
class People:
    hood: Any
    coord: Any
    other_coord: Any
    new: Any  # trust "new"
    verified: Any
    vog: Any
    fragile: Any  # vulnerable, trust "new"
    blocker: Any  # blocked "new"
    gone: Any  # suspended


@dataclass
class Town(People):
    listings: list[Any]
    reserved_category_id: int


def _town(make: Any) -> People:
    hood = make.neighbourhood()
    other = make.neighbourhood(pc4=OOST)
    coord = make.coordinator(hood, name="Marieke")
    people = {
        name: make.resident(hood, name=name.title())
        for name in ("new", "verified", "vog", "fragile", "blocker", "gone")
    }
    owners = [people["new"], people["vog"], people["fragile"], people["blocker"]]
    made = []
    for owner in owners:
        for kind in ("request", "offer"):
            for status in STATUSES:
                listing = make.listing(owner, kind, title=f"{kind} {status} {owner.display_name}")
                made.append((listing.id, status))
        made.append((make.listing(owner, "request", category="klussen-in-huis").id, "open"))
        made.append((make.listing(owner, "activity").id, "open"))
    expired = make.listing(people["new"], "request", title="verlopen")
    now = utcnow()
    with transaction():
        for listing_id, status in made:
            db.session.get_one(Listing, listing_id).status = status
        db.session.get_one(Listing, expired.id).expires_at = now - timedelta(hours=1)
        db.session.get_one(Member, people["verified"].id).trust_level = "verified"
        db.session.get_one(Member, people["vog"].id).trust_level = "vog"
        deactivate(db.session.get_one(Member, people["gone"].id), "suspended")
        db.session.add(Block(blocker_id=people["blocker"].id, blocked_id=people["new"].id))
        reserved = db.session.get_one(Listing, made[-2][0])
        db.session.add(
            CategoryRule(
                neighbourhood_id=hood.id,
                category_id=reserved.category_id,
                trust_needed="verified",
            )
        )
    residents.mark_vulnerable(people["fragile"].id, reason="test", actor=coord)
    return People(
        hood=hood, coord=coord, other_coord=make.coordinator(other, name="Youssef"), **people
    )


_town_ids = shared_world(_town)


@pytest.fixture
def town(db_session: Any, _town_ids: dict[str, Any]) -> Town:
    people = load_world(_town_ids)
    found = db.session.scalars(
        select(Listing).where(Listing.neighbourhood_id == people.hood.id).order_by(Listing.id)
    )
    rule = db.session.scalars(
        select(CategoryRule).where(CategoryRule.neighbourhood_id == people.hood.id)
    ).one()
    return Town(**vars(people), listings=list(found), reserved_category_id=rule.category_id)


def _blocked(town: Town, a: Any, b_id: int) -> bool:
    pair = {a.id, b_id}
    return pair == {town.blocker.id, town.new.id}


def _vog(member: Any) -> bool:
    return member.trust_level == "vog"


def _vulnerable(town: Town, member_id: int) -> bool:
    return member_id == town.fragile.id


def oracle_view(town: Town, listing: Any, actor: Any) -> bool:
    """The rule in words: your own; all of it for the neighbourhood's staff; otherwise an
    open or matched listing, unless a block stands between you, or it is a vulnerable
    resident's request and you have no VOG. Someone suspended sees only their own."""
    if listing.owner_id == actor.id:
        return True
    if actor.id == town.coord.id:
        return True
    if actor.status != "active":
        return False
    if _blocked(town, actor, listing.owner_id):
        return False
    if listing.kind == "request" and _vulnerable(town, listing.owner_id) and not _vog(actor):
        return False
    return listing.status in ("open", "matched")


def oracle_help(town: Town, listing: Any, actor: Any, now: Any) -> bool:
    """What you may react to: open and not past its end, not your own, seen by you (as
    above), a request in a category reserved for trusted helpers only if you are trusted,
    and, if you are vulnerable, an offer only from a VOG-checked helper."""
    if listing.owner_id == actor.id or listing.status != "open":
        return False
    if listing.expires_at is not None and listing.expires_at <= now:
        return False
    if _blocked(town, actor, listing.owner_id):
        return False
    if listing.kind == "request" and _vulnerable(town, listing.owner_id) and not _vog(actor):
        return False
    reserved = listing.category_id == town.reserved_category_id
    if listing.kind == "request" and reserved and actor.trust_level == "new":
        return False
    if listing.kind == "offer" and _vulnerable(town, actor.id):
        owner = db.session.get_one(Member, listing.owner_id)
        if owner.trust_level != "vog":
            return False
    return True


def _everyone(town: Town) -> list[Any]:
    return [
        town.coord,
        town.other_coord,
        town.new,
        town.verified,
        town.vog,
        town.fragile,
        town.blocker,
        town.gone,
    ]


def test_may_view_is_the_rule_for_every_member_and_listing(town) -> None:
    wrong = [
        (actor.display_name, listing.title)
        for actor in _everyone(town)
        for listing in town.listings
        if listings.may_view(listing, actor) != oracle_view(town, listing, actor)
    ]
    assert wrong == []
    # the rule really separates: each member sees some listings and misses others
    for actor in (town.new, town.verified, town.vog, town.fragile, town.other_coord):
        seen = {listings.may_view(listing, actor) for listing in town.listings}
        assert seen == {True, False}, actor.display_name


def test_the_sql_and_the_one_listing_answer_agree(town) -> None:
    ids = [listing.id for listing in town.listings]
    for actor in _everyone(town):
        in_sql = set(
            db.session.scalars(
                select(Listing.id).where(Listing.id.in_(ids), listings.visible_to(actor))
            )
        )
        one_by_one = {listing.id for listing in town.listings if listings.may_view(listing, actor)}
        assert in_sql == one_by_one, actor.display_name


def test_helpable_by_is_the_rule_for_every_member_and_listing(town) -> None:
    now = utcnow()
    ids = [listing.id for listing in town.listings]
    for actor in _everyone(town)[2:]:
        in_sql = set(
            db.session.scalars(
                select(Listing.id).where(Listing.id.in_(ids), listings.helpable_by(actor, now))
            )
        )
        expected = {
            listing.id for listing in town.listings if oracle_help(town, listing, actor, now)
        }
        assert in_sql == expected, actor.display_name
        assert in_sql, actor.display_name


def test_the_feed_and_both_suggestions_apply_the_category_trust_rule(town) -> None:
    reserved = next(
        listing
        for listing in town.listings
        if listing.category_id == town.reserved_category_id
        and listing.kind == "request"
        and listing.owner_id == town.vog.id
    )
    for member, shown in ((town.new, False), (town.verified, True)):
        cards = {card.id for card in feed(member, limit=200).cards}
        assert (reserved.id in cards) is shown, member.display_name
    # An offer's owner is suggested the requests they may help with: the same rule.
    for member, shown in ((town.new, False), (town.verified, True)):
        offer = listings.post_listing(
            listings.ListingInput(kind="offer", title="Ik klus graag", category="klussen-in-huis"),
            actor=member,
        )
        found = {s.listing_id for s in suggestions.suggestions(offer.id, actor=member)}
        assert (reserved.id in found) is shown, member.display_name
    # And a request's suggested helpers are trusted enough for it.
    helpers = {s.member_id for s in suggestions.suggestions(reserved.id, actor=town.vog)}
    assert town.new.id not in helpers
    assert town.verified.id in helpers


def test_the_feed_shows_only_what_the_member_may_help_with(town) -> None:
    now = utcnow()
    for member in (town.new, town.verified, town.vog, town.fragile, town.blocker):
        cards = {card.id for card in feed(member, limit=200, now=now).cards}
        helpable = {
            listing.id for listing in town.listings if oracle_help(town, listing, member, now)
        }
        assert cards == helpable, member.display_name
