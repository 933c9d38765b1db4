"""A listing's life after posting, through the services and the pages: its end comes near
("Extend by 30 days" in the mail, on the listing and on "My help"), a standing offer is
asked "still on?" and paused when nobody answers, "standing" is switched on and off, and
closing thanks the neighbours whose reactions were still open."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput
from buurthulp.extensions import db
from buurthulp.listings import clock, services
from buurthulp.listings.models import Listing
from buurthulp.listings.services import ListingInput
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.matching.feed import feed
from buurthulp.models_base import utcnow
from buurthulp.notifications import services as notifications
from buurthulp.notifications.models import Notification
from tests.marketplace.conftest import Street

pytestmark = pytest.mark.usefixtures("english")


def _kinds(member) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.member_id == member.id)
            .order_by(Notification.id)
        )
    )


def _fresh(listing_id: int) -> Listing:
    db.session.expire_all()
    return db.session.get_one(Listing, listing_id)


def _extend_link(mailbox) -> str:
    """The path of the extend / still-on link in the newest mail."""
    for word in mailbox[-1].get_content().split():
        if "/hulp/verlengen/" in word:
            return urlsplit(word).path
    raise AssertionError(mailbox[-1].get_content())


def _token(mailbox) -> str:
    return _extend_link(mailbox).rsplit("/", 1)[-1]


def _ends_in(listing: Listing, delta: timedelta) -> None:
    with transaction():
        db.session.get_one(Listing, listing.id).expires_at = utcnow() + delta


def _in_english(client, login, member):
    login(member)
    client.post("/taal", data={"locale": "en"})
    return client


# Expiry: reminders and the mailed link -------------------------------------------------------


def test_the_reminder_mail_names_the_button_behind_its_link(street: Street, make, mailbox) -> None:
    listing = make.listing(street.anna, title="Hulp bij het verhuizen")
    clock.remind_expiring(listing.expires_at - timedelta(days=6))
    body = mailbox[-1].get_content()
    assert "30 dagen verlengen: open deze link en klik op de knop" in body


def test_the_mailed_link_extends_once_then_stops_working(street: Street, make, mailbox) -> None:
    listing = make.listing(street.anna, title="Hulp bij het verhuizen")
    start = listing.expires_at
    clock.remind_expiring(start - timedelta(days=6))
    token = _token(mailbox)
    assert clock.read_extend_link(token).id == listing.id
    assert clock.extend_by_link(token).expires_at == start + timedelta(days=30)
    for again in (clock.read_extend_link, clock.extend_by_link):
        with pytest.raises(InvalidInput, match="already used"):
            again(token)
    assert _fresh(listing.id).expires_at == start + timedelta(days=30)  # extended once


def test_the_mailed_link_stops_working_once_the_owner_extended_on_the_site(
    street: Street, make, mailbox
) -> None:
    listing = make.listing(street.anna)
    clock.remind_expiring(listing.expires_at - timedelta(days=6))
    token = _token(mailbox)
    extended = services.extend(listing.id, actor=street.anna).expires_at
    with pytest.raises(InvalidInput):
        clock.extend_by_link(token)
    assert _fresh(listing.id).expires_at == extended


def test_the_week_and_the_day_links_are_one_link_for_one_end(street: Street, make, mailbox):
    listing = make.listing(street.anna)
    start = listing.expires_at
    clock.remind_expiring(start - timedelta(days=6))
    week = _token(mailbox)
    clock.remind_expiring(start - timedelta(hours=12))
    day = _token(mailbox)
    clock.extend_by_link(day)
    with pytest.raises(InvalidInput):
        clock.extend_by_link(week)  # the end both were made for has moved
    assert _fresh(listing.id).expires_at == start + timedelta(days=30)


def test_the_link_page_extends_on_its_button_without_logging_in(
    client, street: Street, make, mailbox
) -> None:
    listing = make.listing(street.anna, title="Hulp bij het verhuizen")
    start = listing.expires_at
    clock.remind_expiring(start - timedelta(days=6))
    path = _extend_link(mailbox)
    client.post("/taal", data={"locale": "en"})
    page = client.get(path)
    assert page.status_code == 200 and "Extend by 30 days" in page.get_data(as_text=True)
    assert _fresh(listing.id).expires_at == start  # opening the link changes nothing
    done = client.post(path)
    assert done.status_code == 200
    assert _fresh(listing.id).expires_at == start + timedelta(days=30)
    for method in (client.get, client.post):
        used = method(path)
        assert used.status_code == 422
        assert "already used" in used.get_data(as_text=True)
    assert _fresh(listing.id).expires_at == start + timedelta(days=30)


def test_a_paused_listing_is_reminded_and_ends_like_an_open_one(
    street: Street, make, mailbox
) -> None:
    listing = make.listing(street.anna, title="Gordijnen ophangen")
    start = listing.expires_at
    services.change_status(listing.id, "pause", actor=street.anna)
    assert clock.remind_expiring(start - timedelta(days=6)) == 1
    assert clock.remind_expiring(start - timedelta(hours=12)) == 1
    assert _kinds(street.anna)[-2:] == ["listings.ends_in_a_week", "listings.ends_tomorrow"]
    later = start + timedelta(days=1)
    assert services.is_expired(_fresh(listing.id), later)
    reopened = services.change_status(listing.id, "reopen", actor=street.anna, now=later)
    assert reopened.expires_at == later + timedelta(days=30)
    assert listing.id in [c.id for c in feed(street.bert, now=later).cards]


def test_the_owners_page_and_my_help_offer_extend_by_30_days(
    client, login, street: Street, make
) -> None:
    soon = make.listing(street.anna, title="Eindigt bijna")
    later = make.listing(street.anna, title="Eindigt later")
    paused = make.listing(street.anna, title="Staat op pauze")
    services.change_status(paused.id, "pause", actor=street.anna)
    _ends_in(soon, timedelta(days=5))
    _ends_in(paused, timedelta(days=2))
    _in_english(client, login, street.anna)

    mine = client.get("/hulp/mijn").get_data(as_text=True)
    assert "Extend by 30 days" in mine
    assert f'action="/hulp/{soon.id}/verlengen"' in mine
    assert f'action="/hulp/{paused.id}/verlengen"' in mine
    assert f'action="/hulp/{later.id}/verlengen"' not in mine  # more than a week left
    assert "Extend by 30 days" in client.get(f"/hulp/{later.id}").get_data(as_text=True)

    before = _fresh(soon.id).expires_at
    back = client.post(f"/hulp/{soon.id}/verlengen", data={"terug": "mijn"})
    assert back.status_code == 303 and back.headers["Location"].endswith("/hulp/mijn")
    assert _fresh(soon.id).expires_at == before + timedelta(days=30)
    mine = client.get("/hulp/mijn").get_data(as_text=True)
    assert f'action="/hulp/{soon.id}/verlengen"' not in mine
    # Anything else in "terug" goes to the listing, never elsewhere.
    other = client.post(f"/hulp/{later.id}/verlengen", data={"terug": "https://evil.example"})
    assert other.headers["Location"].endswith(f"/hulp/{later.id}")


# Standing offers: "still on?" -------------------------------------------------------------------


def _asked(street: Street, make, mailbox=None):
    offer = make.listing(street.bert, "offer", title="Ik laat honden uit", standing=True)
    asked_at = utcnow() + timedelta(days=95)
    assert clock.ask_still_on(asked_at) == 1
    return offer, asked_at


def test_an_unanswered_still_on_pauses_the_offer_after_30_days(street: Street, make) -> None:
    offer, asked_at = _asked(street, make)
    assert clock.pause_unanswered(asked_at + timedelta(days=29)) == 0
    assert _fresh(offer.id).status == "open"
    assert clock.pause_unanswered(asked_at + timedelta(days=31)) == 1
    assert clock.pause_unanswered(asked_at + timedelta(days=32)) == 0  # once
    assert _fresh(offer.id).status == "paused"
    assert _kinds(street.bert)[-1] == "listings.paused_unanswered"
    [shown, *_] = notifications.notifications_for(street.bert)
    assert "Open again" in shown.text and "Ik laat honden uit" in shown.text
    assert offer.id not in [c.id for c in feed(street.anna).cards]

    services.change_status(offer.id, "reopen", actor=street.bert)
    reopened = _fresh(offer.id)
    assert (reopened.status, reopened.still_on_asked_at) == ("open", None)
    assert clock.pause_unanswered(asked_at + timedelta(days=40)) == 0
    assert clock.ask_still_on(utcnow() + timedelta(days=95)) == 1  # asked again, later


def test_answering_still_on_keeps_the_offer_open(street: Street, make) -> None:
    offer, asked_at = _asked(street, make)
    services.extend(offer.id, actor=street.bert, now=asked_at + timedelta(days=3))
    assert _fresh(offer.id).still_on_asked_at is None
    assert clock.pause_unanswered(asked_at + timedelta(days=31)) == 0
    assert _fresh(offer.id).status == "open"


def test_the_still_on_link_in_the_mail_works_once(street: Street, make, mailbox) -> None:
    offer, _asked_at = _asked(street, make)
    assert "Nog steeds actueel? Open deze link en klik op de knop" in mailbox[-1].get_content()
    token = _token(mailbox)
    clock.extend_by_link(token)
    assert _fresh(offer.id).still_on_asked_at is None
    with pytest.raises(InvalidInput):
        clock.extend_by_link(token)


def test_the_still_on_button_shows_only_after_the_question(
    client, login, street: Street, make
) -> None:
    offer = make.listing(street.bert, "offer", title="Ik laat honden uit", standing=True)
    _in_english(client, login, street.bert)
    page = f"/hulp/{offer.id}"
    assert "Still on" not in client.get(page).get_data(as_text=True)
    clock.ask_still_on(utcnow() + timedelta(days=95))
    body = client.get(page).get_data(as_text=True)
    assert "Still on" in body and f'action="{page}/verlengen"' in body
    assert f'action="{page}/verlengen"' in client.get("/hulp/mijn").get_data(as_text=True)
    assert client.post(f"{page}/verlengen", data={"terug": "mijn"}).status_code == 303
    assert _fresh(offer.id).still_on_asked_at is None
    assert "Still on" not in client.get(page).get_data(as_text=True)


def test_ticking_and_unticking_standing_switches_the_end(street: Street, make) -> None:
    offer = make.listing(street.bert, "offer", title="Ik help met de tuin", category="tuin")
    assert offer.expires_at is not None
    data = {"kind": "offer", "title": "Ik help met de tuin", "category": "tuin"}
    services.update_listing(offer.id, ListingInput(**data, standing=True), actor=street.bert)
    assert _fresh(offer.id).expires_at is None
    clock.ask_still_on(utcnow() + timedelta(days=95))
    services.update_listing(offer.id, ListingInput(**data, standing=False), actor=street.bert)
    changed = _fresh(offer.id)
    assert changed.expires_at - utcnow() > timedelta(days=29)
    assert changed.still_on_asked_at is None  # no question left over
    # Saving again without changing "standing" keeps the end where it is.
    end = changed.expires_at
    services.update_listing(offer.id, ListingInput(**data, standing=False), actor=street.bert)
    assert _fresh(offer.id).expires_at == end
    # A request never stands.
    request = make.listing(street.anna, title="Heg knippen")
    services.update_listing(
        request.id,
        ListingInput(kind="request", title="Heg knippen", standing=True),
        actor=street.anna,
    )
    assert _fresh(request.id).expires_at is not None


def test_the_edit_page_switches_standing_on_and_off(client, login, street: Street, make) -> None:
    offer = make.listing(street.bert, "offer", title="Ik repareer fietsen", standing=True)
    login(street.bert)
    form = {"title": "Ik repareer fietsen", "category": "boodschappen", "when_kind": "flexible"}
    assert client.post(f"/hulp/{offer.id}/bewerken", data=form).status_code == 303
    assert _fresh(offer.id).expires_at is not None
    form["standing"] = "y"
    assert client.post(f"/hulp/{offer.id}/bewerken", data=form).status_code == 303
    assert _fresh(offer.id).expires_at is None


# Closing thanks the open reactions ------------------------------------------------------------


def test_closing_declines_open_reactions_kindly_and_keeps_agreed_ones(street: Street, make) -> None:
    listing = make.listing(street.anna, title="Verhuisdozen dragen", helpers_needed=2)
    agreed = matches.react(listing.id, actor=street.bert, message="Ik help")
    matches.accept(agreed.id, actor=street.anna)
    proposed = matches.react(listing.id, actor=street.carla, message="Ik ook")
    invited = matches.invite(listing.id, street.coord.id, actor=street.anna)
    services.change_status(listing.id, "close", actor=street.anna)
    db.session.expire_all()
    assert db.session.get(Match, agreed.id).status == "agreed"
    assert db.session.get(Match, proposed.id).status == "declined"
    assert db.session.get(Match, invited.id).status == "declined"
    assert _kinds(street.carla)[-1] == "matches.listing_closed"
    assert _kinds(street.coord)[-1] == "matches.listing_closed"
    assert "matches.listing_closed" not in _kinds(street.bert)
    [shown, *_] = notifications.notifications_for(street.carla)
    assert "Thank you" in shown.text and "Verhuisdozen dragen" in shown.text
    with pytest.raises(Conflict):
        matches.accept(proposed.id, actor=street.anna)


def test_closing_an_offer_thanks_those_who_asked_for_it(street: Street, make) -> None:
    offer = make.listing(street.bert, "offer", title="Ik kook een maaltijd")
    asked = matches.react(offer.id, actor=street.carla, message="Graag!")
    services.change_status(offer.id, "close", actor=street.bert)
    db.session.expire_all()
    assert db.session.get(Match, asked.id).status == "declined"
    assert _kinds(street.carla)[-1] == "matches.offer_closed"


def test_pausing_keeps_the_reactions_open(street: Street, make) -> None:
    listing = make.listing(street.anna)
    reaction = matches.react(listing.id, actor=street.bert, message="Ik help")
    services.change_status(listing.id, "pause", actor=street.anna)
    db.session.expire_all()
    assert db.session.get(Match, reaction.id).status == "proposed"


def test_the_close_button_mails_the_neighbours_who_reacted(
    client, login, street: Street, make, mailbox
) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen")
    reaction = matches.react(listing.id, actor=street.carla, message="Ik kan het")
    mailbox.clear()
    login(street.anna)
    assert client.post(f"/hulp/{listing.id}/sluiten").status_code == 303
    db.session.expire_all()
    assert db.session.get(Match, reaction.id).status == "declined"
    [mail] = [m for m in mailbox if m["To"] == street.carla.email]
    assert "Lamp ophangen" in mail.get_content()


STEP_WORDS = {
    "extend": "verlengen",
    "still_on": "verlengen",
    "pause": "pauzeren",
    "reopen": "heropenen",
    "close": "sluiten",
}


@pytest.mark.parametrize("status", ["open", "paused", "matched", "closed", "hidden", "pending"])
@pytest.mark.parametrize("clock_state", ["running", "ended", "standing", "asked"])
def test_the_listing_page_offers_exactly_the_steps_the_service_takes(
    street: Street, make, client, login, status, clock_state
) -> None:
    """The owner's buttons come from `lifecycle_steps`; each one it offers works."""
    kind = "request" if clock_state in ("running", "ended") else "offer"
    fields = {"standing": True} if kind == "offer" else {}
    listing = make.listing(street.anna, kind, **fields)
    now = utcnow()
    with transaction():
        row = db.session.get_one(Listing, listing.id)
        row.status = status
        if clock_state == "ended":
            row.expires_at = now - timedelta(days=1)
        if clock_state == "asked":
            row.still_on_asked_at = now - timedelta(days=2)
    row = db.session.get_one(Listing, listing.id)
    steps = services.lifecycle_steps(row, now)

    page = login(street.anna).get(f"/hulp/{listing.id}").get_data(as_text=True)
    shown = [word for word in STEP_WORDS.values() if f"/hulp/{listing.id}/{word}" in page]
    assert sorted(set(shown)) == sorted({STEP_WORDS[step] for step in steps})
    if status == "hidden":
        assert steps == []
    state = {f: getattr(row, f) for f in ("status", "expires_at", "still_on_asked_at")}
    for step in steps:  # each from the same state: put back after it
        if step in ("extend", "still_on"):
            services.extend(listing.id, actor=street.anna)
        else:
            services.change_status(listing.id, step, actor=street.anna)
        with transaction():
            row = db.session.get_one(Listing, listing.id)
            for field, value in state.items():
                setattr(row, field, value)
