"""The demo town: believable, complete and private."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.services import authenticate
from buurthulp.demo import DOMAIN, NEIGHBOURHOODS, RESIDENTS, build_demo_town
from buurthulp.extensions import db
from buurthulp.geo import pc4_table
from buurthulp.ledger.models import Transfer
from buurthulp.ledger.verify import verify
from buurthulp.neighbourhoods.models import Neighbourhood


def test_the_demo_town_has_neighbourhoods_staff_and_residents(db_session):
    logins = build_demo_town("demo-password-123", residents=RESIDENTS)
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
    assert authenticate(logins[0].email, "demo-password-123").email == logins[0].email
