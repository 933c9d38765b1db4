"""The marketplace's small town (`street`), a resident a coordinator keeps (`truus`), and
helpers to move a row's clock back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import update

from buurthulp.auth.models import Member
from buurthulp.backoffice import residents
from buurthulp.db import transaction
from buurthulp.extensions import db
from tests.factories import CENTRUM
from tests.marketplace.conftest import (  # noqa: F401
    Street,
    api,
    english,
    street,
    street_world_ids,
)


@pytest.fixture
def truus(street: Street) -> Member:  # noqa: F811  (the fixture above)
    """A resident without e-mail or computer, whose account Marieke (coordinator) keeps."""
    return residents.create_proxy_resident(
        actor=street.coord,
        display_name="Truus de Vries",
        postcode=f"{CENTRUM[0]}AB",
        house_number="7",
        phone="06 12345678",
        consent_how="paper",
    )


def backdate(model: Any, row_id: int, **moments: datetime) -> None:
    """Set timestamps of one row (what the clock would have written long ago)."""
    with transaction():
        db.session.execute(update(model).where(model.id == row_id).values(**moments))
    db.session.expire_all()


def set_trust_level(member: Member, level: str) -> None:
    with transaction():
        db.session.get_one(Member, member.id).trust_level = level


def agreed(make: Any, owner: Member, helper: Member, title: str = "Boodschappen doen") -> Any:
    """`owner` asked, `helper` reacted, `owner` accepted: an agreed match."""
    from buurthulp.matches import services as matches

    listing = make.listing(owner, title=title)
    match = matches.react(listing.id, actor=helper, message="Ik kan zaterdag!")
    return matches.accept(match.id, actor=owner)


def awaiting(make: Any, owner: Member, helper: Member, minutes: int = 60, **kw: Any) -> Any:
    """... and the helper says it took `minutes`: the owner is asked to confirm."""
    from buurthulp.matches import services as matches

    match = agreed(make, owner, helper, **kw)
    return matches.complete(match.id, actor=helper, minutes=minutes)


@pytest.fixture
def login_en(client: Any, login: Any) -> Any:
    """Log in and read the pages in English (assertions read the msgids)."""

    def do(member: Member) -> Any:
        login(member)
        client.post("/taal", data={"locale": "en"})
        return client

    return do
