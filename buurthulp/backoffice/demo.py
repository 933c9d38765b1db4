"""The back office in the demo town: some residents met or with a VOG, one vulnerable
resident per neighbourhood, and a resident who is not online, with a request posted on her
behalf. Through the same services a coordinator uses."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.permissions import holders_of
from buurthulp.auth.roles import Permission, Role
from buurthulp.backoffice import residents, trust
from buurthulp.extensions import db
from buurthulp.listings.services import ListingInput, post_listing
from buurthulp.neighbourhoods.models import Neighbourhood

NOT_ONLINE = ("Truus", "Gerrit", "Jo", "Wies", "Bertus", "Mien")
CARE = ("Woont alleen en valt snel", "Net uit het ziekenhuis", "Slechtziend, weinig familie")


def add_demo_back_office(rng: random.Random) -> None:
    hoods = list(db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.id)))
    for n, hood in enumerate(hoods):
        coordinators = holders_of(Permission.MEMBERS_TRUST_SET, hood.id)
        if not coordinators:
            continue
        coord = db.session.get_one(Member, coordinators[0])
        people = list(
            db.session.scalars(
                select(Member)
                .join(RoleAssignment, RoleAssignment.member_id == Member.id)
                .where(
                    Member.neighbourhood_id == hood.id,
                    RoleAssignment.role == Role.RESIDENT.value,
                    Member.email.is_not(None),
                )
                .order_by(Member.id)
            )
        )
        met = rng.sample(people, len(people) // 3)
        for member in met:
            trust.set_trust(member.id, step=rng.choice(("in-person", "id-seen")), actor=coord)
        for member in met[: max(1, len(met) // 4)]:
            issued = trust.today() - timedelta(days=rng.randint(20, 1070))
            trust.set_trust(member.id, step="vog", vog_issued_on=issued, actor=coord)
        fragile = rng.choice([p for p in people if p not in met] or people)
        residents.mark_vulnerable(fragile.id, reason=rng.choice(CARE), actor=coord)
        kept = residents.create_proxy_resident(
            actor=coord,
            display_name=f"{NOT_ONLINE[n % len(NOT_ONLINE)]} (belt)",
            postcode=f"{hood.pc4_codes[0]}KB",
            house_number=str(rng.randint(1, 60)),
            phone=f"06 {rng.randint(10_000_000, 99_999_999)}",
            consent_how=rng.choice(("paper", "phone", "in-person")),
        )
        post_listing(
            ListingInput(
                kind="request",
                title="Wie doet op dinsdag boodschappen met mij?",
                description="Ik heb geen computer; de coördinator zet dit voor mij online.",
                category="boodschappen",
            ),
            actor=coord,
            owner=kept,
        )
