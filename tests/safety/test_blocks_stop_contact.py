"""From a block on, nothing reaches the other: no note of thanks, no thank-you transfer, no
message, no contact details, no seat at the other's activity (so no reminder), no line in
the daily mail; what was open ends with a kind word that does not name the block. The one
who blocked can still report; a neighbour never met is not found by counting ids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from buurthulp.backoffice import residents
from buurthulp.errors import NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.ledger import services as ledger
from buurthulp.listings import activities
from buurthulp.listings.models import Signup
from buurthulp.matches import services as matches
from buurthulp.matches.actions import MESSAGE, THANK, allowed_actions
from buurthulp.matches.models import Match
from buurthulp.notifications.models import Notification
from buurthulp.notifications.services import set_choice
from buurthulp.safety import services as safety
from tests.safety.conftest import kinds_of

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.both_databases]


def _agreed(street, make, title: str = "Boodschappen doen") -> Match:
    listing = make.listing(street.anna, title=title)
    match = matches.react(listing.id, actor=street.bert, message="Ik help graag")
    return matches.accept(match.id, actor=street.anna)


def _done(street, make) -> Match:
    match = _agreed(street, make, title="Lamp ophangen")
    matches.complete(match.id, actor=street.bert, minutes=30)
    return matches.confirm(match.id, actor=street.anna).match


def test_no_note_of_thanks_and_no_message_after_a_block(street, make) -> None:
    done = _done(street, make)
    assert {MESSAGE, THANK} <= allowed_actions(done, street.bert)
    safety.block(street.bert.id, actor=street.anna)
    match = db.session.get(Match, done.id)
    for member in (street.anna, street.bert):  # both ways, and the page offers neither
        assert not {MESSAGE, THANK} & allowed_actions(match, member)
    with pytest.raises(NotAllowed, match="cannot write to each other any more"):
        matches.leave_thanks(done.id, actor=street.bert, body="Dank je wel")
    with pytest.raises(NotAllowed):
        matches.post_message(done.id, actor=street.bert, body="Waarom?")


def test_no_thank_you_transfer_after_a_block(street, make) -> None:
    make.listing(street.bert, "offer", title="Fietsen maken")
    ledger.thank(
        payer=street.bert,
        to_member_id=street.anna.id,
        minutes=10,
        description="Fijn",
        actor=street.bert,
    )
    safety.block(street.bert.id, actor=street.anna)
    for payer, payee in ((street.bert, street.anna), (street.anna, street.bert)):
        with pytest.raises(NotFound):
            ledger.thank(
                payer=payer,
                to_member_id=payee.id,
                minutes=10,
                description="Nog eens",
                actor=payer,
            )


def test_no_contact_details_on_a_match_that_waits_for_its_minutes(street, make) -> None:
    match = _agreed(street, make)
    matches.complete(match.id, actor=street.bert, minutes=30)
    assert matches.contact_for(db.session.get(Match, match.id), street.bert) is not None
    safety.block(street.anna.id, actor=street.bert)
    waiting = db.session.get(Match, match.id)
    assert waiting.status == "awaiting_confirmation"  # the help was given: the books stay
    assert matches.contact_for(waiting, street.bert) is None
    assert matches.contact_for(waiting, street.anna) is None


def test_seats_at_each_others_activities_go_and_with_them_the_reminders(street, make) -> None:
    annas = make.listing(street.anna, "activity", title="Koffieochtend")
    berts = make.listing(street.bert, "activity", title="Wandelen")
    activities.sign_up(annas.id, actor=street.bert)
    activities.sign_up(berts.id, actor=street.anna)
    activities.sign_up(annas.id, actor=street.carla)
    safety.block(street.bert.id, actor=street.anna)
    live = {
        (s.listing_id, s.member_id)
        for s in db.session.scalars(select(Signup).where(Signup.status != "cancelled"))
    }
    assert live == {(annas.id, street.carla.id)}


def test_what_was_open_ends_and_the_other_is_told_without_naming_the_block(street, make) -> None:
    request = make.listing(street.anna, title="Ramen zemen")
    reaction = matches.react(request.id, actor=street.bert, message="Ik kan zaterdag")
    safety.block(street.bert.id, actor=street.anna)
    assert db.session.get(Match, reaction.id).status == "declined"
    told = db.session.scalars(
        select(Notification).where(
            Notification.member_id == street.bert.id, Notification.kind == "matches.cancelled"
        )
    ).one()
    assert "stopped" in told.params and "block" not in told.params.lower()


def test_the_daily_mail_drops_its_lines_about_the_other(street, make) -> None:
    set_choice(street.anna, "messages", "daily", actor=street.anna)
    match = _agreed(street, make)
    matches.post_message(match.id, actor=street.bert, body="Tot zaterdag")
    waiting = select(Notification).where(
        Notification.member_id == street.anna.id,
        Notification.url == f"/matches/{match.id}",
        Notification.digest_pending.is_(True),
    )
    assert db.session.scalars(waiting).all()
    safety.block(street.bert.id, actor=street.anna)
    db.session.expire_all()
    assert db.session.scalars(waiting).all() == []
    assert "matches.message" in kinds_of(street.anna)  # still in her inbox


def test_block_and_report_is_one_flow(street, make) -> None:
    listing = make.listing(street.bert, title="Geld lenen?")
    safety.block(street.bert.id, actor=street.anna)
    about_listing = safety.report(
        safety.ReportInput(reason="scam", listing_id=listing.id), actor=street.anna
    )
    about_him = safety.report(
        safety.ReportInput(reason="unsafe", member_id=street.bert.id), actor=street.anna
    )
    assert (about_listing.listing_id, about_him.member_id) == (listing.id, street.bert.id)
    with pytest.raises(NotFound):  # the blocked one does not see her listing to report it
        safety.report(
            safety.ReportInput(reason="spam", listing_id=make.listing(street.anna).id),
            actor=street.bert,
        )


def test_the_web_flow_blocks_then_reports(client, login, street, make) -> None:
    listing = make.listing(street.bert, title="Geld lenen?")
    login(street.anna)
    assert client.post(f"/veiligheid/blokkeren/{street.bert.id}").status_code == 303
    form = client.get(f"/veiligheid/melden?oproep={listing.id}")
    assert form.status_code == 200
    sent = client.post(
        f"/veiligheid/melden?oproep={listing.id}", data={"reason": "scam", "text": ""}
    )
    assert sent.status_code == 303
    assert safety.Report.query.filter_by(listing_id=listing.id).count() == 1


def test_a_neighbour_never_met_is_not_found_by_id(client, login, street, make) -> None:
    never_met = make.resident(street.hood, name="Nel")
    vulnerable = make.resident(street.hood, name="Toos")
    residents.mark_vulnerable(vulnerable.id, reason="Slecht ter been", actor=street.coord)
    login(street.anna)
    for member in (never_met, vulnerable):
        assert client.get(f"/veiligheid/blokkeren/{member.id}").status_code == 404
        assert client.get(f"/veiligheid/blokkeren/{member.id + 1000}").status_code == 404
    make.listing(never_met, "offer", title="Soep koken")  # now Anna can see her here
    assert client.get(f"/veiligheid/blokkeren/{never_met.id}").status_code == 200


def test_a_non_vog_helper_sends_no_words_to_a_vulnerable_resident(street, make) -> None:
    make.listing(street.anna, title="Ramen zemen")
    residents.mark_vulnerable(street.anna.id, reason="Net verhuisd", actor=street.coord)
    with pytest.raises(NotAllowed, match="coordinator can pass on your thanks"):
        ledger.thank(
            payer=street.bert,
            to_member_id=street.anna.id,
            minutes=10,
            description="Groetjes",
            actor=street.bert,
        )
