"""The demo town: believable, complete and private."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.services import authenticate
from buurthulp.demo import DOMAIN, NEIGHBOURHOODS, RESIDENTS
from buurthulp.extensions import db
from buurthulp.geo import pc4_table
from buurthulp.ledger.models import Transfer
from buurthulp.ledger.verify import verify
from buurthulp.neighbourhoods.models import Neighbourhood
from tests.conftest import demo_app

# The town `flask demo` builds (with its default size), once per database for the suite.
app = pytest.fixture(scope="session", name="app")(demo_app)
pytestmark = pytest.mark.xdist_group("demo-town")


def test_the_demo_town_has_neighbourhoods_staff_and_residents(demo_town, db_session):
    logins = demo_town.logins
    assert db.session.scalar(select(func.count(Neighbourhood.id))) == len(NEIGHBOURHOODS)
    roles = Counter(db.session.scalars(select(RoleAssignment.role)).all())
    assert roles["resident"] >= 200
    assert roles["admin"] == 1
    coordinators = (
        db.session.scalars(
            select(Member).join(RoleAssignment).where(RoleAssignment.role == "coordinator")
        )
        .unique()
        .all()
    )
    assert len(coordinators) == 2
    assert all(len(c.roles) == 3 for c in coordinators)  # three neighbourhoods each
    # Every resident lives in a real PC4 of their own neighbourhood, with interests.
    table = pc4_table()
    residents = db.session.scalars(
        select(Member).where(Member.email.like(f"bewoner%@{DOMAIN}"))
    ).all()
    assert len(residents) == RESIDENTS
    for member in residents[:50]:
        assert member.postcode[:4] in member.neighbourhood.pc4_codes
        assert member.postcode[:4] in table
        assert member.tag_list("interest")
    assert len({m.display_name for m in residents}) > 100
    # The time bank has a history, and every invariant holds.
    assert db.session.scalar(select(func.count(Transfer.id))) >= 180
    assert db.session.scalar(select(func.count(Transfer.id)).where(Transfer.kind == "grant")) == 6
    assert verify() == []
    # The printed logins work with the chosen password.
    assert authenticate(logins[0].email, demo_town.password).email == logins[0].email
    _assert_a_living_marketplace_and_no_mail()


def _assert_a_living_marketplace_and_no_mail() -> None:
    from buurthulp.listings.models import Listing, Signup
    from buurthulp.matches.models import Match, Message
    from buurthulp.notifications.services import unread_count
    from buurthulp.outbox.models import OutboxMessage

    open_by_kind = dict(
        db.session.execute(
            select(Listing.kind, func.count(Listing.id))
            .where(Listing.status == "open")
            .group_by(Listing.kind)
        ).all()
    )
    assert open_by_kind["request"] >= 100 and open_by_kind["offer"] >= 60
    assert open_by_kind["activity"] >= len(NEIGHBOURHOODS) * 3
    categories = db.session.scalars(select(Listing.category_id).distinct()).all()
    assert len(categories) == 10
    states = set(db.session.scalars(select(Match.status).distinct()))
    assert states >= {
        "proposed",
        "agreed",
        "awaiting_confirmation",
        "done",
        "cancelled",
        "disputed",
    }
    done = db.session.scalars(select(Match).where(Match.status == "done")).all()
    assert done and all(m.transfer_id is not None for m in done)
    assert db.session.scalar(select(func.count(Message.id))) >= 40
    assert db.session.scalar(select(func.count(Signup.id)).where(Signup.status == "waiting")) > 0
    assert verify() == []
    # bewoner001 has something to do, and nobody got a mail about the made-up past.
    me = db.session.scalar(select(Member).where(Member.email == f"bewoner001@{DOMAIN}"))
    assert unread_count(me) >= 4
    mine = db.session.scalars(
        select(Match.status).where((Match.owner_id == me.id) | (Match.responder_id == me.id))
    ).all()
    assert {"proposed", "agreed", "awaiting_confirmation", "done"} <= set(mine)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
