"""Factories that build test data through the real services, so tests start from valid state."""

from __future__ import annotations

import itertools
from typing import Any

from buurthulp.accounts.services import create_member
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import CLI
from buurthulp.auth.roles import Role
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.neighbourhoods.services import save_neighbourhood

PASSWORD = "correct horse battery"
_counter = itertools.count(1)

# Real Nijmegen PC4 areas, so the offline geocoder and the demo agree.
CENTRUM = ("6511", "6512")
OOST = ("6521", "6522", "6523")
DUKENBURG = ("6535", "6536", "6537", "6538")


class Factories:
    def neighbourhood(
        self, name: str | None = None, pc4: tuple[str, ...] = CENTRUM, **settings: Any
    ) -> Neighbourhood:
        n = next(_counter)
        return save_neighbourhood(
            actor=CLI, name=name or f"Buurt {n}", pc4_codes=list(pc4), **settings
        )

    def member(
        self,
        role: Role = Role.RESIDENT,
        *,
        neighbourhood: Neighbourhood | None = None,
        name: str | None = None,
        email: str | None = None,
        password: str = PASSWORD,
        house_number: str | None = None,
    ) -> Member:
        n = next(_counter)
        if neighbourhood is None and role != Role.ADMIN:
            neighbourhood = self.neighbourhood()
        postcode = None
        if neighbourhood is not None and neighbourhood.pc4_codes:
            postcode = f"{neighbourhood.pc4_codes[0]}AB"
        return create_member(
            display_name=name or f"Buur {n}",
            email=email or f"member{n}@example.org",
            password=password,
            role=role,
            postcode=postcode,
            house_number=(house_number or str(n)) if postcode else None,
            neighbourhood=neighbourhood if role in (Role.COORDINATOR, Role.OUTREACH) else None,
            consent_version="test",
        )

    def resident(self, neighbourhood: Neighbourhood | None = None, **kw: Any) -> Member:
        return self.member(Role.RESIDENT, neighbourhood=neighbourhood, **kw)

    def coordinator(self, neighbourhood: Neighbourhood | None = None, **kw: Any) -> Member:
        return self.member(Role.COORDINATOR, neighbourhood=neighbourhood, **kw)

    def outreach(self, neighbourhood: Neighbourhood | None = None, **kw: Any) -> Member:
        return self.member(Role.OUTREACH, neighbourhood=neighbourhood, **kw)

    def admin(self, **kw: Any) -> Member:
        return self.member(Role.ADMIN, **kw)

    def reason(self, viewer: Member, *subjects: Member, reason: str = "request") -> None:
        """`viewer` (staff) gave today's reason for opening these residents' data, as the
        "why do you open this?" form would: single-resident staff pages then open."""
        from buurthulp.backoffice.reasons import give_reason

        give_reason(viewer=viewer, subject_ids=[s.id for s in subjects], reason=reason)

    def listing(self, owner: Member, kind: str = "request", **fields: Any) -> Any:
        """A listing posted through the real service (activities start in a week)."""
        from datetime import timedelta

        from buurthulp.listings.services import ListingInput, post_listing
        from buurthulp.models_base import utcnow

        data = {"title": f"Hulp {next(_counter)}", "category": "boodschappen", **fields}
        if kind == "activity":
            data.setdefault("starts_at", utcnow() + timedelta(days=7))
            data.setdefault("place_label", "Buurthuis De Klokkenberg")
            data.setdefault("capacity", 10)
        return post_listing(ListingInput(kind=kind, **data), actor=owner)
