"""What the second-factor tests share: the people they need, and how to read the recovery
codes on a page and the factor's row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from buurthulp.auth.models import Member, SecondFactor
from buurthulp.extensions import db
from buurthulp.neighbourhoods.models import Neighbourhood
from tests.factories import CENTRUM


@dataclass
class People:
    hood: Neighbourhood
    anna: Member  # a resident, no second factor
    coord: Member  # a coordinator with the factories' known secret
    newcomer: Member  # a coordinator who has not set it up yet
    admin: Member


def make_people(make: Any) -> People:
    hood = make.neighbourhood(pc4=CENTRUM)
    return People(
        hood=hood,
        anna=make.resident(hood, name="Anna"),
        coord=make.coordinator(hood, name="Marieke"),
        newcomer=make.coordinator(hood, name="Youssef", second_factor=False),
        admin=make.admin(name="Beheer"),
    )


def codes_on(page: str) -> list[str]:
    """The recovery codes a page shows."""
    return re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", page)


def factor_of(member: Member) -> SecondFactor | None:
    """The member's second factor as stored now."""
    db.session.expire_all()
    return db.session.scalar(select(SecondFactor).where(SecondFactor.member_id == member.id))
