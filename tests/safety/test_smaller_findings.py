"""Smaller findings of the second privacy review: marking someone vulnerable lets go of the
reactions of helpers who may no longer reach them, and a calendar file cannot be made to
hold a property of its own by a carriage return in a text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from buurthulp.backoffice import residents, trust
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.listings.ics import ics
from buurthulp.listings.models import Listing
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification

pytestmark = pytest.mark.both_databases


def test_marking_vulnerable_ends_the_open_reactions_of_helpers_without_a_vog(street, make):
    request = make.listing(street.anna, title="Boodschappen doen")
    vog_helper = make.resident(street.hood, name="Vera")
    trust.set_trust(vog_helper.id, step="in-person", actor=street.coord)
    trust.set_trust(
        vog_helper.id,
        step="vog",
        vog_issued_on=(utcnow() - timedelta(days=30)).date(),
        actor=street.coord,
    )
    from_bert = matches.react(request.id, actor=street.bert, message="Ik help graag")
    from_vera = matches.react(request.id, actor=vog_helper, message="Ik ook")
    residents.mark_vulnerable(street.anna.id, reason="Net uit het ziekenhuis", actor=street.coord)
    assert db.session.get(Match, from_bert.id).status == "declined"
    assert db.session.get(Match, from_vera.id).status == "proposed"
    told = db.session.scalars(
        select(Notification).where(Notification.member_id == street.bert.id)
    ).all()
    assert [n.kind for n in told][-1] == "matches.handed_over"
    assert "ziekenhuis" not in told[-1].params  # nothing about why


def test_a_bare_carriage_return_cannot_start_a_property_of_its_own(street, make):
    activity = make.listing(street.anna, "activity", title="Koffieochtend")
    with transaction():  # as if a text had slipped past the forms with a bare CR
        db.session.execute(
            update(Listing)
            .where(Listing.id == activity.id)
            .values(description="Koffie\rBEGIN:VEVENT\rSUMMARY:Nep\r\nen thee")
        )
    db.session.expire_all()
    text = ics(db.session.get(Listing, activity.id))
    lines = text.split("\r\n")
    assert "\r" not in "".join(lines)  # every CR is part of a CRLF line end
    assert sum(line.startswith("BEGIN:VEVENT") for line in lines) == 1
    assert not any(line.startswith("SUMMARY:Nep") for line in lines)
