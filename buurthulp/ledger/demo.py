"""A little history in the demo town's time bank, booked through the real services."""

from __future__ import annotations

import random

from sqlalchemy import select

from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.roles import Role
from buurthulp.extensions import db
from buurthulp.ledger import services

THANKS = [
    ("boodschappen", 45, "Bedankt voor de boodschappen!"),
    ("klussen-in-huis", 90, "Lamp opgehangen en de kast gemaakt."),
    ("tuin", 120, "Heg geknipt, top gedaan."),
    ("vervoer-en-begeleiding", 75, "Mee naar het ziekenhuis."),
    ("gezelschap-en-wandelen", 60, "Fijne wandeling in het park."),
    ("administratie-en-formulieren", 60, "Hulp met de formulieren van de gemeente."),
    ("computer-en-telefoon", 30, "Videobellen ingesteld op de telefoon."),
    ("koken-en-maaltijden", 90, "Heerlijk gekookt voor ons allebei."),
    ("huisdieren", 30, "Hond uitgelaten."),
]


def add_demo_history(rng: random.Random, *, thanks: int = 180) -> None:
    """Thank-you transfers between neighbours, donations, and a grant from each pool."""
    residents = db.session.scalars(
        select(Member)
        .join(RoleAssignment)
        .where(RoleAssignment.role == Role.RESIDENT.value, Member.neighbourhood_id.is_not(None))
        .order_by(Member.id)
    ).all()
    by_hood: dict[int, list[Member]] = {}
    for member in residents:
        by_hood.setdefault(member.neighbourhood_id, []).append(member)
    for _ in range(thanks):
        neighbours = by_hood[rng.choice(sorted(by_hood))]
        payer, payee = rng.sample(neighbours, 2)
        category, minutes, text = rng.choice(THANKS)
        services.thank(
            payer=payer,
            to_member_id=payee.id,
            minutes=minutes,
            description=text,
            actor=payer,
            category=category,
        )
    for neighbours in by_hood.values():
        for donor in rng.sample(neighbours, 3):
            services.donate(
                payer=donor,
                minutes=rng.choice([30, 60, 90]),
                description="Voor buren die niets terug kunnen doen.",
                actor=donor,
            )
    coordinators = db.session.scalars(
        select(RoleAssignment).where(RoleAssignment.role == Role.COORDINATOR.value)
    ).all()
    for assignment in coordinators:
        neighbours = by_hood.get(assignment.neighbourhood_id)
        if not neighbours:
            continue
        services.grant(
            neighbourhood_id=assignment.neighbourhood_id,
            to_member_id=neighbours[0].id,
            minutes=60,
            description="Boodschappen gedaan voor mevrouw die niets terug kan doen.",
            actor=assignment.member,
            category="boodschappen",
        )
