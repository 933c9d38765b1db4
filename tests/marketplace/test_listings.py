"""Listings through the services and the pages: posting every kind, changing, pausing,
closing, expiring by the clock, extending, searching in Dutch, and who may see what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.listings import clock, services
from buurthulp.listings.models import Listing
from buurthulp.listings.services import ListingInput
from buurthulp.matching.feed import feed
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from tests.marketplace.conftest import Street

pytestmark = [pytest.mark.both_databases, pytest.mark.usefixtures("english")]


def _count() -> int:
    return db.session.scalar(select(func.count(Listing.id)))


def test_a_request_is_posted_with_the_owners_blurred_point_only(street: Street, make) -> None:
    listing = make.listing(street.anna, title="Boodschappen op zaterdag", tags="fruit, markt")
    assert (listing.kind, listing.status, listing.category.slug) == (
        "request",
        "open",
        "boodschappen",
    )
    assert (listing.lat, listing.lon) == (street.anna.public_lat, street.anna.public_lon)
    assert (listing.lat, listing.lon) != (street.anna.home_lat, street.anna.home_lon)
    assert listing.cell == street.anna.home_cell
    assert listing.tag_list() == ["fruit", "markt"]
    assert listing.expires_at - utcnow() > timedelta(days=29)
    assert len(listing.code) == 6 and listing.code.isalnum()


def test_an_offer_can_stand_without_end_and_an_activity_ends_after_it_happened(
    street: Street, make
) -> None:
    offer = make.listing(street.bert, "offer", title="Ik help met de tuin", standing=True)
    assert offer.expires_at is None
    activity = make.listing(street.anna, "activity", title="Koffieochtend")
    assert activity.expires_at > activity.starts_at
    series = make.listing(street.anna, "activity", title="Wandelgroep", recurrence="weekly")
    assert series.expires_at is None


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": ""}, "title"),
        ({"title": "ab"}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"description": "x" * 4001}, "description"),
        ({"category": "bestaat-niet"}, "category"),
        ({"category": 12}, "category"),
        ({"minutes_estimate": 0}, "minutes_estimate"),
        ({"minutes_estimate": 10_001}, "minutes_estimate"),
        ({"minutes_estimate": "60"}, "minutes_estimate"),
        ({"when_kind": "date"}, "when_from"),
        (
            {"when_kind": "period", "when_from": date(2027, 1, 5), "when_until": date(2027, 1, 1)},
            "when_until",
        ),
        ({"when_kind": "date", "when_from": date(1, 1, 1)}, "when_from"),
        ({"when_kind": "date", "when_from": date.today() - timedelta(days=2)}, "when_from"),
        (
            {
                "when_kind": "period",
                "when_from": date.today(),
                "when_until": date.today() + timedelta(days=800),
            },
            "when_until",
        ),
        ({"tags": ["x" * 41]}, "tags"),
        ({"tags": [f"t{n}" for n in range(11)]}, "tags"),
        ({"title": "Hulp\x00nodig"}, "title"),
        ({"kind": "bribe"}, "kind"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(street, fields, field) -> None:
    data = {"kind": "request", "title": "Hulp met de tuin", "category": "tuin", **fields}
    before = _count()
    with pytest.raises(InvalidInput) as refused:
        services.post_listing(ListingInput(**data), actor=street.anna)
    assert refused.value.field == field
    assert _count() == before


def test_an_activity_needs_a_time_to_come_a_place_and_seats(street) -> None:
    base = {"kind": "activity", "title": "Samen eten", "category": "koken-en-maaltijden"}
    for extra, field in (
        ({"place_label": "Buurthuis", "capacity": 8}, "starts_at"),
        (
            {"starts_at": utcnow() - timedelta(days=2), "place_label": "Buurthuis", "capacity": 8},
            "starts_at",
        ),
        ({"starts_at": utcnow() + timedelta(days=2), "capacity": 8}, "place_label"),
        (
            {"starts_at": utcnow() + timedelta(days=2), "place_label": "Buurthuis", "capacity": 0},
            "capacity",
        ),
    ):
        with pytest.raises(InvalidInput) as refused:
            services.post_listing(ListingInput(**base, **extra), actor=street.anna)
        assert refused.value.field == field


def test_the_owner_changes_pauses_reopens_and_closes_a_listing(street, make) -> None:
    listing = make.listing(street.anna)
    services.update_listing(
        listing.id,
        ListingInput(kind="offer", title="Boodschappen, graag", category="boodschappen"),
        actor=street.anna,
    )
    listing = db.session.get(Listing, listing.id)
    assert (listing.title, listing.kind) == ("Boodschappen, graag", "request")  # kind stays
    assert services.change_status(listing.id, "pause", actor=street.anna).status == "paused"
    assert services.change_status(listing.id, "reopen", actor=street.anna).status == "open"
    assert services.change_status(listing.id, "close", actor=street.anna).status == "closed"
    with pytest.raises(Conflict):
        services.change_status(listing.id, "pause", actor=street.anna)


def test_only_the_owner_may_change_and_strangers_may_not_know_a_closed_one(street, make) -> None:
    listing = make.listing(street.anna)
    with pytest.raises(NotAllowed):
        services.change_status(listing.id, "close", actor=street.bert)
    services.change_status(listing.id, "close", actor=street.anna)
    with pytest.raises(NotFound):
        services.get_listing(listing.id, street.bert)
    assert services.get_listing(listing.id, street.coord).id == listing.id  # staff here
    with pytest.raises(NotFound):
        services.get_listing(listing.id, street.other_coord)  # staff elsewhere
    for bad in (None, 0, -1, "1", 2**40, True):
        with pytest.raises(NotFound):
            services.get_listing(bad, street.anna)


def test_an_expired_listing_leaves_the_feed_by_itself(street, make) -> None:
    listing = make.listing(street.anna, title="Wie helpt met de computer")
    assert listing.id in [c.id for c in feed(street.bert).cards]
    later = utcnow() + timedelta(days=31)
    assert listing.id not in [c.id for c in feed(street.bert, now=later).cards]
    assert services.is_expired(listing, later)


def test_reminders_a_week_and_a_day_before_the_end_and_a_one_click_extension(
    street, make, mailbox
) -> None:
    listing = make.listing(street.anna, title="Hulp bij het verhuizen")
    start = listing.expires_at
    assert clock.remind_expiring(start - timedelta(days=8)) == 0
    assert clock.remind_expiring(start - timedelta(days=6)) == 1
    assert clock.remind_expiring(start - timedelta(days=5)) == 0  # once
    assert clock.remind_expiring(start - timedelta(hours=12)) == 1
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.member_id == street.anna.id)
    ).all()
    assert kinds == ["listings.ends_in_a_week", "listings.ends_tomorrow"]
    mail = mailbox[-1].get_content()
    link = next(line for line in mail.splitlines() if "/hulp/verlengen/" in line)
    token = link.rsplit("/", 1)[-1]
    extended = clock.extend_by_link(token)
    assert extended.expires_at >= start + timedelta(days=29)
    with pytest.raises(InvalidInput):
        clock.extend_by_link(token + "x")


def test_a_standing_offer_is_asked_still_on_every_three_months(street, make) -> None:
    offer = make.listing(street.bert, "offer", title="Ik laat honden uit", standing=True)
    assert clock.ask_still_on(utcnow() + timedelta(days=30)) == 0
    assert clock.ask_still_on(utcnow() + timedelta(days=95)) == 1
    assert clock.ask_still_on(utcnow() + timedelta(days=96)) == 0
    services.extend(offer.id, actor=street.bert)
    assert db.session.get(Listing, offer.id).still_on_asked_at is None


def test_search_in_dutch_finds_partial_words(street, make) -> None:
    make.listing(street.anna, title="Boodschappen doen bij de markt")
    make.listing(street.carla, title="Fietsen samen", description="Een rondje in het park")
    titles = lambda q: {c.title for c in feed(street.bert, q=q).cards}  # noqa: E731
    assert titles("boods") == {"Boodschappen doen bij de markt"}
    assert titles("markt") == {"Boodschappen doen bij de markt"}
    assert titles("park") == {"Fietsen samen"}
    assert titles("fiets") == {"Fietsen samen"}
    assert titles("boods markt") == {"Boodschappen doen bij de markt"}
    assert titles("tandarts") == set()


def test_the_feed_never_holds_exact_points_and_ranks_by_band(street, make) -> None:
    make.listing(street.anna, title="Eerste")
    make.listing(street.carla, title="Tweede")
    page = feed(street.bert)
    for card in page.cards:
        text = repr(card)
        assert str(street.anna.home_lat) not in text and str(street.anna.postcode) not in text
        assert card.distance_label
    bands = [c.band for c in page.cards]
    assert bands == sorted(bands)


def test_a_listing_found_by_its_printed_code(street, make) -> None:
    listing = make.listing(street.anna)
    assert services.listing_by_code(listing.code.lower(), street.bert).id == listing.id
    with pytest.raises(NotFound):
        services.listing_by_code("ZZZZZZ", street.bert)


def test_the_pages_post_and_keep_what_was_typed(client, login, street) -> None:
    login(street.anna)
    form = {"kind": "request", "title": "", "category": "tuin", "description": "Heg knippen"}
    refused = client.post("/hulp/nieuw", data=form)
    assert refused.status_code == 422
    assert "Heg knippen" in refused.get_data(as_text=True)
    form["title"] = "Wie knipt mijn heg?"
    posted = client.post("/hulp/nieuw", data=form)
    assert posted.status_code == 303
    listing = db.session.scalar(select(Listing).where(Listing.title == "Wie knipt mijn heg?"))
    assert posted.headers["Location"].endswith(f"/hulp/{listing.id}")
    page = client.get(f"/hulp/{listing.id}").get_data(as_text=True)
    assert "Wie knipt mijn heg?" in page and listing.code in page
    assert client.post(f"/hulp/{listing.id}/pauzeren").status_code == 303
    assert db.session.get(Listing, listing.id).status == "paused"


def test_a_printed_notice_has_a_qr_code_and_no_address(client, login, street, make) -> None:
    listing = make.listing(street.anna, title="Gezelschap gezocht")
    login(street.bert)
    page = client.get(f"/hulp/{listing.id}/afdrukken").get_data(as_text=True)
    assert "<svg" in page and listing.code in page
    assert f"http://buurthulp.test/hulp/code/{listing.code}" in page
    import re

    text = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)  # the QR code's drawing aside
    assert street.anna.postcode not in text
    assert not re.search(rf"\b{re.escape(street.anna.house_number)}\b", text)


def test_a_printed_notice_shows_the_owners_first_name_only_when_she_chooses(
    client, login, street, make
) -> None:
    """On a notice board anyone reads it: by default only the neighbourhood; the owner can
    put her first name on it (never her surname), and nobody else can."""
    owner = make.resident(street.hood, name="Truus de Vries")
    listing = make.listing(owner, title="Wie helpt met de heg?")
    url = f"/hulp/{listing.id}/afdrukken"
    login(owner)
    plain = client.get(url).get_data(as_text=True)
    assert "Truus" not in plain.split("<form")[0] and street.hood.name in plain
    assert "Put my first name on it" in plain or "voornaam" in plain
    named = client.get(f"{url}?voornaam=1").get_data(as_text=True)
    assert "Truus" in named and "de Vries" not in named
    login(street.bert)
    other = client.get(f"{url}?voornaam=1").get_data(as_text=True)
    assert "Truus" not in other and "<form" not in other
