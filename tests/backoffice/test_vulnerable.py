"""A resident marked vulnerable (kwetsbaar): only VOG-checked helpers see their requests
(feed, listing, suggestions, reactions, agreeing), contact goes through the coordinator,
and the clock leaves their confirmations to the coordinator. Enforced in the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from buurthulp.audit.models import AuditEntry
from buurthulp.auth.models import Member
from buurthulp.backoffice import residents
from buurthulp.db import transaction
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.listings import services as listings
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.matching import feed, suggestions
from buurthulp.models_base import utcnow
from tests.backoffice.conftest import backdate, set_trust_level


def _mark(street, member=None) -> None:
    residents.mark_vulnerable(
        (member or street.anna).id,
        reason="Net uit het ziekenhuis",
        note="Valt snel; trap is lastig. Dochter belt elke avond.",
        actor=street.coord,
    )


def _feed_titles(member: Member) -> set[str]:
    return {card.title for card in feed.feed(member).cards}


def test_marking_is_audited_without_the_reason_or_the_professionals_note(street) -> None:
    """The audit log is kept for good: it says that a resident was marked, never why (the
    reason and the note are health data; they stay on the mark, which erasure removes)."""
    _mark(street)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "vulnerable")).one()
    assert entry.member_id == street.anna.id
    assert entry.note in ("marked vulnerable", "gemarkeerd als kwetsbaar")
    assert "ziekenhuis" not in entry.note and "Dochter" not in entry.note
    with pytest.raises(NotFound):
        residents.mark_vulnerable(street.anna.id, reason="x", actor=street.other_coord)
    with pytest.raises(NotFound):
        residents.mark_vulnerable(street.anna.id, reason="x", actor=street.bert)
    residents.unmark_vulnerable(street.anna.id, reason="Weer beter", actor=street.coord)
    residents.unmark_vulnerable(street.anna.id, reason="Weer beter", actor=street.coord)  # twice
    assert not matches.needs_coordinator(street.anna.id)
    assert db.session.scalar(
        select(AuditEntry.note)
        .where(AuditEntry.kind == "vulnerable")
        .order_by(AuditEntry.id.desc())
    ) in ("no longer marked vulnerable", "niet meer gemarkeerd als kwetsbaar")


def test_only_vog_checked_helpers_see_a_vulnerable_residents_requests(street, make) -> None:
    request = make.listing(street.anna, title="Boodschappen voor Anna")
    offer = make.listing(street.anna, "offer", title="Anna leest voor")
    assert "Boodschappen voor Anna" in _feed_titles(street.bert)
    _mark(street)
    assert _feed_titles(street.bert) == {"Anna leest voor"}  # her offer stays
    with pytest.raises(NotFound):
        listings.get_listing(request.id, street.bert)
    assert listings.get_listing(offer.id, street.bert).id == offer.id
    assert listings.get_listing(request.id, street.coord).id == request.id  # staff
    assert listings.get_listing(request.id, street.anna).id == request.id  # herself
    set_trust_level(street.bert, "vog")
    assert "Boodschappen voor Anna" in _feed_titles(db.session.get(Member, street.bert.id))


def test_suggestions_for_a_vulnerable_resident_are_vog_checked_helpers_only(street, make) -> None:
    request = make.listing(street.anna, title="Gordijnen ophangen")
    set_trust_level(street.carla, "vog")
    before = {s.member_id for s in suggestions.suggestions(request.id, actor=street.anna)}
    assert {street.bert.id, street.carla.id} <= before
    _mark(street)
    after = {s.member_id for s in suggestions.suggestions(request.id, actor=street.anna)}
    assert street.carla.id in after and street.bert.id not in after
    # Bert's offer is not suggested to her request; Carla's is.
    offer = make.listing(street.bert, "offer", title="Ik klus graag", category="boodschappen")
    assert suggestions.suggestions(offer.id, actor=street.bert) == []
    carlas = make.listing(street.carla, "offer", title="Carla klust", category="boodschappen")
    found = suggestions.suggestions(carlas.id, actor=street.carla)
    assert [s.listing_id for s in found] == [request.id]


def test_reacting_and_agreeing_need_a_vog_for_a_vulnerable_resident(street, make) -> None:
    request = make.listing(street.anna, title="Hulp bij de was")
    early = matches.react(request.id, actor=street.bert, message="Ik help")
    _mark(street)
    with pytest.raises(NotFound):  # she is out of sight for him now
        matches.react(request.id, actor=street.carla, message="Ik ook")
    # A reaction from before the mark ended with it (he may no longer reach her).
    assert db.session.get(Match, early.id).status == "declined"
    with pytest.raises(Conflict):
        matches.accept(early.id, actor=street.anna)
    set_trust_level(street.carla, "vog")
    carla = db.session.get(Member, street.carla.id)
    match = matches.react(request.id, actor=carla, message="Ik heb een VOG")
    assert matches.accept(match.id, actor=street.anna).status == "agreed"
    # Her reaction to an offer: the helper is the one who offers, and needs a VOG too.
    offer = make.listing(street.bert, "offer", title="Ik doe boodschappen")
    with pytest.raises(NotAllowed):
        matches.react(offer.id, actor=street.anna, message="Graag!")


def _coordinator_phone(street, phone: str = "024 123 45 67") -> None:
    with transaction():
        db.session.execute(update(Member).where(Member.id == street.coord.id).values(phone=phone))


def test_contact_with_a_vulnerable_resident_goes_through_the_coordinator(street, make) -> None:
    _coordinator_phone(street)
    set_trust_level(street.carla, "vog")
    _mark(street)
    request = make.listing(street.anna, title="Naar de apotheek")
    match = matches.react(request.id, actor=db.session.get(Member, street.carla.id), message="Ja")
    matches.accept(match.id, actor=street.anna)
    seen_by_helper = matches.contact_for(match, db.session.get(Member, street.carla.id))
    assert seen_by_helper.via_coordinator
    assert seen_by_helper.first_name == "Marieke" and seen_by_helper.phone == "024 123 45 67"
    assert seen_by_helper.email == street.coord.email and seen_by_helper.meeting_place is None
    seen_by_her = matches.contact_for(match, street.anna)
    assert not seen_by_her.via_coordinator and seen_by_her.email == street.carla.email


def test_the_clock_leaves_a_vulnerable_payer_to_the_coordinator(street, make) -> None:
    set_trust_level(street.carla, "vog")
    request = make.listing(street.anna, title="Ramen lappen")
    match = matches.react(request.id, actor=db.session.get(Member, street.carla.id), message="Ja")
    matches.accept(match.id, actor=street.anna)
    matches.complete(match.id, actor=street.carla, minutes=45)
    _mark(street)
    assert matches.needs_coordinator(street.anna.id)
    now = utcnow()
    backdate(Match, match.id, completed_at=now - timedelta(days=15), confirm_due_at=now)
    assert matches.tick(now)["held"] == 1
    assert db.session.get(Match, match.id).status == "awaiting_confirmation"


# Through the web and the API ----------------------------------------------------------------


def test_the_helper_sees_the_coordinator_on_the_match_page_and_in_the_api(
    app, client, login_en, api, street, make
) -> None:
    _coordinator_phone(street)
    set_trust_level(street.carla, "vog")
    _mark(street)
    request = make.listing(street.anna, title="Naar de markt")
    match = matches.react(request.id, actor=db.session.get(Member, street.carla.id), message="Ja")
    matches.accept(match.id, actor=street.anna)
    login_en(street.carla)
    html = client.get(f"/matches/{match.id}").text
    assert "024 123 45 67" in html and "through their coordinator" in html
    assert street.anna.email not in html and f"{street.anna.postcode[:4]} " not in html
    body = api(street.carla).get(f"/matches/{match.id}").get_json()
    assert body["contact"]["via_coordinator"] is True
    assert body["contact"]["phone"] == "024 123 45 67" and body["contact"]["meeting_place"] is None
    assert api(street.bert).get(f"/listings/{request.id}").status_code == 404


def test_the_coordinator_marks_and_unmarks_on_the_residents_pages(
    app, client, login_en, street, make
) -> None:
    client = login_en(street.coord)
    make.reason(street.coord, street.anna)
    url = f"/beheer/bewoners/{street.anna.id}/kwetsbaar"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"reason": ""}).status_code == 422
    done = client.post(url, data={"reason": "Woont alleen", "note": "Slechtziend"})
    assert done.status_code == 303
    file = client.get(f"/beheer/bewoners/{street.anna.id}").text
    assert "Woont alleen" in file and "Slechtziend" in file
    off = client.post(f"{url}/opheffen", data={"unmark_reason": ""})
    assert off.status_code == 422
    assert client.post(f"{url}/opheffen", data={"unmark_reason": "Weer fit"}).status_code == 303
    assert "Woont alleen" not in client.get(f"/beheer/bewoners/{street.anna.id}").text
    login_en(street.other_coord)
    assert client.get(url).status_code == 404
