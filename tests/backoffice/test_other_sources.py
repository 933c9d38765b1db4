"""The work queue also holds what other features hand to a coordinator: reports, a new
member's listings to check, and residents to ask before retention would erase them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from buurthulp.auth.models import Member
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.safety import moderation
from buurthulp.safety import services as safety
from buurthulp.work import queue as work
from tests.backoffice.conftest import backdate


def _ids(kind: str, coordinator) -> set[int]:
    return {i.item_id for i in work.read_queue(coordinator).items if i.kind == kind}


def test_a_report_waits_in_the_queue_until_it_is_handled(street, make) -> None:
    make.listing(street.bert, "offer", title="Fietsen maken")  # Anna has seen Bert
    report = safety.report(
        safety.ReportInput(reason="unsafe", text="Voelde niet goed", member_id=street.bert.id),
        actor=street.anna,
    )
    [item] = [i for i in work.read_queue(street.coord).items if i.kind == "report"]
    assert item.item_id == report.id and item.url.endswith(f"/meldingen/{report.id}")
    assert set(item.subject_ids) == {street.anna.id, street.bert.id}
    assert _ids("report", street.other_coord) == set()  # another neighbourhood's queue
    safety.handle_report(report.id, actor=street.coord, outcome="talked", note="Gebeld")
    assert _ids("report", street.coord) == set()


def test_a_new_members_listing_waits_for_its_check(street, make) -> None:
    with transaction():
        db.session.execute(
            update(Neighbourhood)
            .where(Neighbourhood.id == street.hood.id)
            .values(premoderation=True)
        )
    db.session.expire_all()
    listing = make.listing(street.carla, title="Wie helpt met de heg?")
    assert listing.status == "pending"
    assert _ids("check", street.coord) == {listing.id}
    moderation.approve(listing.id, actor=street.coord)
    assert _ids("check", street.coord) == set()


def test_a_quiet_resident_helped_through_a_coordinator_is_asked_not_erased(street, truus) -> None:
    long_ago = utcnow() - timedelta(days=800)
    backdate(Member, truus.id, created_at=long_ago, last_login_at=None)
    assert _ids("retention", street.coord) == {truus.id}
    [item] = [i for i in work.read_queue(street.coord).items if i.kind == "retention"]
    assert item.needs_note and item.overdue(utcnow())
    work.handle_item("retention", truus.id, note="Gebeld: ze wil blijven", actor=street.coord)
    assert _ids("retention", street.coord) == set()
    # Still quiet a year on: the note still counts.
    later = utcnow() + timedelta(days=365)
    later_items = work.read_queue(street.coord, now=later).items
    assert truus.id not in {i.item_id for i in later_items if i.kind == "retention"}
    # Active again (a login), then quiet for the whole period once more: asked again.
    backdate(Member, truus.id, last_login_at=utcnow() + timedelta(days=1))
    much_later = utcnow() + timedelta(days=1 + 800)
    assert truus.id in {
        i.item_id
        for i in work.read_queue(street.coord, now=much_later).items
        if i.kind == "retention"
    }
