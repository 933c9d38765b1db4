"""Factories that build test data through the real services, so tests start from valid state."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from buurthulp.accounts.second_factor import enable_with_secret
from buurthulp.accounts.services import create_member
from buurthulp.auth import totp
from buurthulp.auth.models import Member, SecondFactor
from buurthulp.auth.permissions import CLI
from buurthulp.auth.roles import Role
from buurthulp.extensions import db
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.neighbourhoods.services import save_neighbourhood

PASSWORD = "correct horse battery"
#: Every member of staff the factories make has this authenticator-app secret (staff must).
STAFF_OTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_counter = itertools.count(1)


def one_time_code(member: Member) -> str:
    """A code from the member's app that the server accepts now and has not seen yet.

    A code is accepted once per 30-second step, and the step either side counts too; a
    test logging one member in more often than that within half a minute (the fuzzer does)
    gets the same secret set up afresh, so the test never waits for the clock.
    """
    row = db.session.execute(
        select(SecondFactor.secret, SecondFactor.last_step).where(
            SecondFactor.member_id == member.id
        )
    ).first()
    if row is None or row.secret is None:
        raise AssertionError(f"{member!r} has no second factor set up")
    secret = totp.open_secret(row.secret, member.id)
    assert secret is not None
    now = totp.current_step()
    for step in (now, now + 1):
        if step > row.last_step:
            return totp.code_at(secret, step)
    enable_with_secret(member, secret, actor=CLI)
    return totp.code_at(secret, now)


def ensure_second_factor(member: Member) -> None:
    """Staff made staff after the factory (`assign_role`) get the known secret too."""
    if member.is_staff and not totp.is_enabled(member.id):
        enable_with_secret(member, STAFF_OTP_SECRET, actor=CLI)


def log_in(client: Any, member: Member, password: str = PASSWORD) -> Any:
    """Log in through the real form, with the code step when the member has a code app;
    the last response (a 303 when it worked)."""
    ensure_second_factor(member)
    response = client.post("/inloggen", data={"email": member.email, "password": password})
    location = response.headers.get("Location", "")
    if response.status_code == 303 and urlsplit(location).path == "/inloggen/code":
        target = "/inloggen/code" + (
            f"?{urlsplit(location).query}" if urlsplit(location).query else ""
        )
        response = client.post(target, data={"code": one_time_code(member)})
    return response


def api_token(member: Member, password: str = PASSWORD) -> str:
    """A bearer token from the real service, with a code when the member has a code app."""
    from buurthulp.auth.services import issue_api_token

    ensure_second_factor(member)
    otp = one_time_code(member) if totp.is_enabled(member.id) else None
    return issue_api_token(member.email, password, otp=otp)


# Real Nijmegen PC4 areas, so the offline geocoder and the demo agree.
CENTRUM = ("6511", "6512")
OOST = ("6521", "6522", "6523")
DUKENBURG = ("6535", "6536", "6537", "6538")


def two_neighbourhoods(
    make: Any,
    world: type[Any],
    residents: dict[str, str],
    *,
    coord: str,
    other_coord: str,
    stranger: str,
) -> Any:
    """The small town most test worlds are: Centrum with three residents (`residents`:
    field -> name) and a coordinator, and Oost next door with its own coordinator and one
    resident, for the "not yours" cases."""
    hood = make.neighbourhood(pc4=CENTRUM)
    other = make.neighbourhood(pc4=OOST)
    people = {field: make.resident(hood, name=name) for field, name in residents.items()}
    return world(
        hood=hood,
        other_hood=other,
        **people,
        coord=make.coordinator(hood, name=coord),
        other_coord=make.coordinator(other, name=other_coord),
        stranger=make.resident(other, name=stranger),
    )


_HASHES: dict[tuple[str, int, int], str] = {}


def password_hash(password: str) -> str:
    """One real argon2 hash per password and cost setting for every factory member,
    instead of hashing again for each (a test that sets a real cost gets a real hash)."""
    from flask import current_app

    from buurthulp.auth.passwords import hash_password

    config = current_app.config
    key = (password, config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"])
    if key not in _HASHES:
        _HASHES[key] = hash_password(password)
    return _HASHES[key]


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
        second_factor: bool = True,
    ) -> Member:
        n = next(_counter)
        if neighbourhood is None and role != Role.ADMIN:
            neighbourhood = self.neighbourhood()
        postcode = None
        if neighbourhood is not None and neighbourhood.pc4_codes:
            postcode = f"{neighbourhood.pc4_codes[0]}AB"
        member = create_member(
            display_name=name or f"Buur {n}",
            email=email or f"member{n}@example.org",
            password=password,
            password_hash=password_hash(password),
            role=role,
            postcode=postcode,
            house_number=(house_number or str(n)) if postcode else None,
            neighbourhood=neighbourhood if role in (Role.COORDINATOR, Role.OUTREACH) else None,
            consent_version="test",
        )
        if role != Role.RESIDENT and second_factor:
            enable_with_secret(member, STAFF_OTP_SECRET, actor=CLI)
        return member

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
        from buurthulp.access.reasons import give_reason

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
