"""The match from reaction to booked time: every step, every illegal step refused, who sees
whose contact details, who pays whom, limits, disputes, and the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.ledger import services as ledger
from buurthulp.ledger.models import Transfer
from buurthulp.ledger.verify import verify
from buurthulp.listings import services as listings
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from tests.marketplace.conftest import Street

pytestmark = pytest.mark.usefixtures("english")


def _agreed(street: Street, make, kind: str = "request", **fields) -> Match:
    listing = make.listing(street.anna, kind, title="Boodschappen doen", **fields)
    match = matches.react(listing.id, actor=street.bert, message="Ik kan zaterdag!")
    return matches.accept(match.id, actor=street.anna)


def _kinds(member) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.member_id == member.id)
            .order_by(Notification.id)
        )
    )


def test_a_request_from_reaction_to_booked_time(street: Street, make) -> None:
    listing = make.listing(street.anna, title="Boodschappen doen")
    match = matches.react(listing.id, actor=street.bert, message="Ik kan zaterdag!")
    assert match.status == "proposed" and _kinds(street.anna) == ["matches.reaction"]
    assert matches.contact_for(match, street.bert) is None  # nothing shared yet
    match = matches.accept(match.id, actor=street.anna)
    assert match.status == "agreed"
    contact = matches.contact_for(match, street.bert)
    assert contact.first_name == "Anna" and contact.email == street.anna.email
    assert contact.meeting_place.startswith(street.anna.postcode[:4])
    assert db.session.get(type(listing), listing.id).status == "matched"
    matches.post_message(match.id, actor=street.bert, body="Om tien uur?")
    match = matches.complete(match.id, actor=street.bert, minutes=45)
    assert match.status == "awaiting_confirmation"
    outcome = matches.confirm(match.id, actor=street.anna)
    assert outcome.booked and outcome.match.status == "done"
    # The one who was helped (the owner of a request) paid the helper.
    assert ledger.balance_minutes(street.anna) == -45
    assert ledger.balance_minutes(street.bert) == 45
    assert verify() == []
    matches.leave_thanks(match.id, actor=street.anna, body="Dank je wel!")
    with pytest.raises(Conflict):
        matches.leave_thanks(match.id, actor=street.anna, body="Nog eens")


def test_for_an_offer_the_responder_pays(street: Street, make) -> None:
    offer = make.listing(street.bert, "offer", title="Ik help met de computer")
    match = matches.react(offer.id, actor=street.anna, message="Graag!")
    matches.accept(match.id, actor=street.bert)
    matches.complete(match.id, actor=street.bert, minutes=30)
    matches.confirm(match.id, actor=street.anna)
    assert (ledger.balance_minutes(street.anna), ledger.balance_minutes(street.bert)) == (-30, 30)


def test_a_second_confirm_books_nothing_more(street, make) -> None:
    match = _agreed(street, make)
    matches.complete(match.id, actor=street.bert, minutes=20)
    first = matches.confirm(match.id, actor=street.anna)
    again = matches.confirm(match.id, actor=street.anna)
    assert first.booked and again.booked
    assert db.session.scalar(select(func.count(Transfer.id)).where(Transfer.kind == "match")) == 1


@pytest.mark.parametrize(
    "step",
    [
        "accept twice",
        "accept by a non-owner",
        "react to one's own listing",
        "complete before agreed",
        "confirm by the same party",
        "act on a closed listing",
        "act on an expired listing",
        "cancel after done",
        "message before agreed",
        "react twice",
    ],
)
def test_every_illegal_step_is_refused(street: Street, make, step: str) -> None:
    listing = make.listing(street.anna, title="Een klus")
    match = matches.react(listing.id, actor=street.bert, message="Ik help")
    refusals = (Conflict, NotAllowed, NotFound)
    with pytest.raises(refusals):
        if step == "accept twice":
            matches.accept(match.id, actor=street.anna)
            matches.accept(match.id, actor=street.anna)
        elif step == "accept by a non-owner":
            matches.accept(match.id, actor=street.bert)
        elif step == "react to one's own listing":
            matches.react(listing.id, actor=street.anna, message="Zelf")
        elif step == "complete before agreed":
            matches.complete(match.id, actor=street.bert, minutes=10)
        elif step == "confirm by the same party":
            matches.accept(match.id, actor=street.anna)
            matches.complete(match.id, actor=street.bert, minutes=10)
            matches.confirm(match.id, actor=street.bert)
        elif step == "act on a closed listing":
            listings.change_status(listing.id, "close", actor=street.anna)
            matches.react(listing.id, actor=street.carla, message="Nog open?")
        elif step == "act on an expired listing":
            db.session.get(type(listing), listing.id).expires_at = utcnow() - timedelta(days=1)
            db.session.commit()
            matches.react(listing.id, actor=street.carla, message="Te laat?")
        elif step == "cancel after done":
            matches.accept(match.id, actor=street.anna)
            matches.complete(match.id, actor=street.bert, minutes=10)
            matches.confirm(match.id, actor=street.anna)
            matches.cancel(match.id, actor=street.bert, reason="toch niet")
        elif step == "message before agreed":
            matches.post_message(match.id, actor=street.bert, body="Hallo")
        elif step == "react twice":
            matches.react(listing.id, actor=street.bert, message="Nog een keer")


def test_a_one_helper_request_thanks_the_other_reactions_kindly(street, make) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen")
    first = matches.react(listing.id, actor=street.bert, message="Ik")
    second = matches.react(listing.id, actor=street.carla, message="Ik ook")
    matches.accept(first.id, actor=street.anna)
    assert db.session.get(Match, second.id).status == "declined"
    assert "matches.already_helped" in _kinds(street.carla)
    with pytest.raises(Conflict):
        matches.accept(second.id, actor=street.anna)


def test_cancelling_an_agreed_request_opens_it_again(street, make) -> None:
    match = _agreed(street, make)
    with pytest.raises(InvalidInput):
        matches.cancel(match.id, actor=street.bert, reason="")
    matches.cancel(match.id, actor=street.bert, reason="Ik ben ziek")
    assert db.session.get(type(match.listing), match.listing_id).status == "open"
    assert matches.contact_for(db.session.get(Match, match.id), street.anna) is None
    assert "matches.cancelled" in _kinds(street.anna)


def test_an_invited_neighbour_may_say_no_without_a_reason(street, make) -> None:
    listing = make.listing(street.anna, title="Wandelen")
    match = matches.invite(listing.id, street.carla.id, actor=street.anna)
    assert match.status == "invited" and "matches.invited" in _kinds(street.carla)
    with pytest.raises(NotAllowed):
        matches.answer_invitation(match.id, yes=True, actor=street.anna)
    assert matches.answer_invitation(match.id, yes=False, actor=street.carla).status == "declined"
    again = matches.invite(listing.id, street.carla.id, actor=street.anna)
    assert matches.answer_invitation(again.id, yes=True, actor=street.carla).status == "agreed"


def test_others_do_not_see_a_match_and_staff_of_another_neighbourhood_neither(street, make) -> None:
    match = _agreed(street, make)
    with pytest.raises(NotFound):
        matches.get_match(match.id, street.carla)
    with pytest.raises(NotFound):
        matches.get_match(match.id, street.other_coord)
    assert matches.get_match(match.id, street.coord).id == match.id
    assert matches.contact_for(match, street.coord) is None  # staff are not a party


def test_a_limit_refusal_is_kind_and_the_payer_can_ask_the_pool(street, make) -> None:
    ledger.change_limits(
        member_id=street.anna.id, lower=-30, upper=3000, actor=street.coord, reason="klein"
    )
    match = _agreed(street, make)
    matches.complete(match.id, actor=street.bert, minutes=60)
    outcome = matches.confirm(match.id, actor=street.anna)
    assert not outcome.booked and "at most 30 minutes" in outcome.limit_message
    assert db.session.get(Match, match.id).status == "awaiting_confirmation"
    assert ledger.balance_minutes(street.anna) == 0
    matches.ask_pool(match.id, actor=street.anna)
    assert db.session.get(Match, match.id).pool_requested_at is not None
    with pytest.raises(NotFound):  # only the two parties may ask
        matches.ask_pool(match.id, actor=street.carla)


def test_disputed_minutes_wait_for_a_coordinator(street, make) -> None:
    match = _agreed(street, make)
    matches.complete(match.id, actor=street.bert, minutes=300)
    with pytest.raises(NotAllowed):
        matches.dispute(match.id, actor=street.bert, reason="eigen")
    disputed = matches.dispute(match.id, actor=street.anna, reason="Het was een uur")
    assert disputed.status == "disputed" and disputed.dispute_reason == "Het was een uur"
    with pytest.raises(Conflict):
        matches.confirm(match.id, actor=street.anna)


def test_a_coordinator_confirms_for_the_payer_but_never_for_themself(street, make) -> None:
    match = _agreed(street, make)
    matches.complete(match.id, actor=street.bert, minutes=15)
    with pytest.raises(NotFound):
        matches.confirm(match.id, actor=street.other_coord, reason="Gebeld")
    # Only where the match waits for a coordinator, and always with a reason.
    with pytest.raises(NotAllowed, match=r"waits for a coordinator|op een coördinator wacht"):
        matches.confirm(match.id, actor=street.coord, reason="Gebeld")
    matches.ask_pool(match.id, actor=street.anna)
    with pytest.raises(InvalidInput):
        matches.confirm(match.id, actor=street.coord)
    outcome = matches.confirm(match.id, actor=street.coord, reason="Anna belde: klopt")
    assert outcome.booked
    transfer = db.session.get(Transfer, outcome.match.transfer_id)
    assert (transfer.entered_by_id, transfer.on_behalf_of_id) == (street.coord.id, street.anna.id)


def test_reminders_then_confirmed_by_itself_after_fourteen_days(street, make) -> None:
    match = _agreed(street, make)
    done_at = utcnow()
    matches.complete(match.id, actor=street.bert, minutes=40, now=done_at)
    assert matches.tick(done_at + timedelta(days=1)) == {
        "reminded": 0,
        "confirmed": 0,
        "refused": 0,
        "held": 0,
    }
    assert matches.tick(done_at + timedelta(days=3, hours=1))["reminded"] == 1
    assert matches.tick(done_at + timedelta(days=7, hours=1))["reminded"] == 1
    assert matches.tick(done_at + timedelta(days=8))["reminded"] == 0
    assert matches.tick(done_at + timedelta(days=14, hours=1))["confirmed"] == 1
    match = db.session.get(Match, match.id)
    assert match.status == "done" and match.auto_confirmed
    assert ledger.balance_minutes(street.bert) == 40
    assert _kinds(street.anna).count("matches.reminder") == 2
    # Both are told it was confirmed by the clock, not by the other.
    for member in (street.anna, street.bert):
        assert "matches.auto_done" in _kinds(member) and "matches.done" not in _kinds(member)


def test_the_match_page_shows_contact_only_to_the_parties_once_agreed(
    app, client, login, street, make
) -> None:
    listing = make.listing(street.anna, title="Gordijnen ophangen")
    match = matches.react(listing.id, actor=street.bert, message="Ik heb een ladder")
    login(street.bert)
    page = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert street.anna.email not in page
    matches.accept(match.id, actor=street.anna)
    page = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert street.anna.email in page and street.anna.house_number in page
    other = app.test_client()
    other.post("/inloggen", data={"email": street.carla.email, "password": "correct horse battery"})
    assert other.get(f"/matches/{match.id}").status_code == 404
    assert (
        client.post(f"/matches/{match.id}/bericht", data={"body": "Tot zaterdag"}).status_code
        == 303
    )
    assert client.post(f"/matches/{match.id}/klaar", data={"minutes": "0"}).status_code == 422
    assert client.post(f"/matches/{match.id}/klaar", data={"minutes": "50"}).status_code == 303
    login(street.anna)
    assert client.post(f"/matches/{match.id}/bevestigen").status_code == 303
    assert ledger.balance_minutes(street.bert) == 50


def test_staff_are_marked_beside_their_name_on_match_attendee_and_notice_pages(
    street, make, client, login, english
) -> None:
    """A resident could call herself "Marieke"; only the site can put the staff mark."""
    from buurthulp.listings import activities

    request = make.listing(street.anna, title="Lamp ophangen")
    match = matches.react(request.id, actor=street.coord, message="Ik kom wel even langs")
    matches.accept(match.id, actor=street.anna)
    matches.post_message(match.id, actor=street.coord, body="Morgen om tien uur?")
    matches.complete(match.id, actor=street.coord, minutes=30)
    walk = make.listing(street.anna, "activity", title="Wandelgroep")
    activities.sign_up(walk.id, actor=street.coord)
    offer = make.listing(street.coord, "offer", title="Hulp met formulieren")

    login(street.anna)
    badge = 'Marieke <span class="role-badge">'
    match_page = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert match_page.count(badge) >= 3  # "With", the message's author, "says it is done"
    attendees = client.get(f"/hulp/{walk.id}/deelnemers").get_data(as_text=True)
    assert badge in attendees
    # A notice names nobody unless its owner chooses: then her first name, with the mark.
    assert "Marieke" not in client.get(f"/hulp/{offer.id}/afdrukken").get_data(as_text=True)
    assert "Marieke" not in client.get(f"/hulp/{offer.id}/afdrukken?voornaam=1").get_data(
        as_text=True
    )  # only the owner chooses
    login(street.coord)
    notice = client.get(f"/hulp/{offer.id}/afdrukken?voornaam=1").get_data(as_text=True)
    assert badge in notice


@pytest.mark.parametrize("ending", ["done", "cancelled"])
def test_contact_details_go_when_the_match_ends_and_the_thread_stays(
    client, login, api, street, make, ending
) -> None:
    """ "Alleen zolang jullie elkaar helpen": from agreeing until done or cancelled, on the
    page and in the API; what they wrote each other stays readable for both."""
    match = _agreed(street, make)
    matches.post_message(match.id, actor=street.bert, body="Ik neem mijn boormachine mee")
    url = f"/matches/{match.id}"
    login(street.bert)
    assert street.anna.email in client.get(url).get_data(as_text=True)
    assert api(street.bert).get(url).get_json()["contact"]["email"] == street.anna.email
    if ending == "done":
        matches.complete(match.id, actor=street.bert, minutes=30)
        matches.confirm(match.id, actor=street.anna)
    else:
        matches.cancel(match.id, actor=street.anna, reason="Het is al gelukt")
    for member, other in ((street.bert, street.anna), (street.anna, street.bert)):
        login(member)
        page = client.get(url).get_data(as_text=True)
        assert other.email not in page and 'id="contact-title"' not in page
        place = f"{street.anna.postcode[:4]} {street.anna.postcode[4:]}, {street.anna.house_number}"
        assert place not in page  # the meeting place (at the home of the one helped)
        assert "Ik neem mijn boormachine mee" in page
        body = api(member).get(url).get_json()
        assert body["contact"] is None
        thread = api(member).get(f"{url}/messages")
        assert thread.status_code == 200
        assert [m["body"] for m in thread.get_json()["items"]] == ["Ik neem mijn boormachine mee"]
