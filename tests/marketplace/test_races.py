"""Races on committed databases (threads with their own connections), on both databases:
two owners' accepts for a one-helper request, sixteen confirms of one match, and two
people taking the last seat of an activity at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from buurthulp.auth.models import Member
from buurthulp.errors import BuurthulpError
from buurthulp.extensions import db
from buurthulp.ledger.models import Transfer
from buurthulp.ledger.verify import verify
from buurthulp.listings import activities
from buurthulp.listings.models import Signup
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from tests.factories import CENTRUM, Factories
from tests.ledger.realdb import context, in_context

pytestmark = [
    pytest.mark.both_databases,
    pytest.mark.slow,
    pytest.mark.parametrize("committed_app", ["sqlite", "postgresql"], indirect=True),
]


def _race(app: Any, count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(n)` in `count` threads that start together, each with its own session."""
    barrier = threading.Barrier(count)

    def run(n: int) -> Any:
        with context(app):
            barrier.wait(timeout=30)
            try:
                return work(n)
            except BuurthulpError as refused:
                return refused

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def _member(member_id: int) -> Member:
    return db.session.get_one(Member, member_id)


def _street(app: Any, helpers: int) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        make = Factories()
        hood = make.neighbourhood(pc4=CENTRUM)
        owner = make.resident(hood, name="Anna")
        people = [make.resident(hood, name=f"Buur {n}") for n in range(helpers)]
        return {"owner": owner.id, "people": [p.id for p in people], "make": None}

    return in_context(app, build)


def test_two_accepts_for_a_one_helper_request_give_one_helper(committed_app) -> None:
    ids = _street(committed_app, helpers=2)

    def prepare() -> list[int]:
        listing = Factories().listing(_member(ids["owner"]), title="Boodschappen")
        return [
            matches.react(listing.id, actor=_member(p), message="Ik help").id for p in ids["people"]
        ]

    match_ids = in_context(committed_app, prepare)
    results = _race(
        committed_app, 2, lambda n: matches.accept(match_ids[n], actor=_member(ids["owner"]))
    )
    assert sum(isinstance(r, Match) for r in results) == 1
    assert sum(isinstance(r, BuurthulpError) for r in results) == 1

    def statuses() -> list[str]:
        return sorted(db.session.scalars(select(Match.status)))

    assert in_context(committed_app, statuses) == ["agreed", "declined"]


def test_sixteen_racing_confirms_book_one_transfer(committed_app) -> None:
    ids = _street(committed_app, helpers=1)

    def prepare() -> int:
        owner, helper = _member(ids["owner"]), _member(ids["people"][0])
        listing = Factories().listing(owner, title="Lamp ophangen")
        match = matches.react(listing.id, actor=helper, message="Ik")
        matches.accept(match.id, actor=owner)
        matches.complete(match.id, actor=helper, minutes=30)
        return match.id

    match_id = in_context(committed_app, prepare)
    results = _race(
        committed_app, 16, lambda n: matches.confirm(match_id, actor=_member(ids["owner"]))
    )
    assert all(not isinstance(r, BuurthulpError) and r.booked for r in results), results

    def state() -> tuple[int, list[str]]:
        return db.session.scalar(select(func.count(Transfer.id))), verify()

    assert in_context(committed_app, state) == (1, [])


def test_the_last_seat_taken_by_two_at_once(committed_app) -> None:
    ids = _street(committed_app, helpers=3)

    def prepare() -> int:
        organiser = _member(ids["owner"])
        activity = Factories().listing(organiser, "activity", title="Koffieochtend", capacity=2)
        activities.sign_up(activity.id, actor=_member(ids["people"][0]))
        return activity.id

    activity_id = in_context(committed_app, prepare)
    results = _race(
        committed_app,
        2,
        lambda n: activities.sign_up(activity_id, actor=_member(ids["people"][n + 1])),
    )
    assert sorted((r.status, r.position) for r in results) == [("confirmed", None), ("waiting", 1)]

    def seats() -> dict[str, int]:
        rows = db.session.execute(
            select(Signup.status, func.count(Signup.id)).group_by(Signup.status)
        )
        return dict(rows.tuples().all())

    assert in_context(committed_app, seats) == {"confirmed": 2, "waiting": 1}
