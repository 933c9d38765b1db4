"""The marketplace through the JSON API, as ../shared/API.md promises it: status codes, shapes,
the error body, who may do what, and nothing half-saved after a refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from buurthulp.extensions import db
from buurthulp.ledger import services as ledger
from buurthulp.listings.models import Listing
from buurthulp.matches.models import Match
from buurthulp.models_base import utcnow
from tests.marketplace.conftest import api_error

ACTIVITY = {
    "kind": "activity",
    "title": "Koffieochtend",
    "category": "gezelschap-en-wandelen",
    "starts_at": (utcnow() + timedelta(days=30)).replace(microsecond=0).isoformat(),
    "place_label": "Buurthuis De Klokkenberg",
    "capacity": 12,
}


def _count(model: type) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_posting_each_kind_gives_201_and_the_listing_without_any_exact_place(api, street) -> None:
    request = api(street.anna).post(
        "/listings",
        json={
            "kind": "request",
            "title": "Boodschappen doen",
            "description": "Op zaterdag naar de markt",
            "category": "boodschappen",
            "minutes_estimate": 60,
        },
    )
    assert request.status_code == 201
    body = request.get_json()
    assert (body["kind"], body["status"], body["owner"]["id"]) == (
        "request",
        "open",
        street.anna.id,
    )
    assert set(body["owner"]) == {"id", "display_name", "staff_role"}
    activity = api(street.anna).post("/listings", json=ACTIVITY)
    assert activity.status_code == 201, activity.get_data()
    assert activity.get_json()["capacity"] == 12
    offer = api(street.bert).post(
        "/listings",
        json={
            "kind": "offer",
            "title": "Ik help met de tuin",
            "category": "tuin",
            "standing": True,
        },
    )
    assert offer.status_code == 201 and offer.get_json()["expires_at"] is None

    seen = api(street.carla).get(f"/listings/{body['id']}").get_json()
    text = str(seen)
    for secret in (street.anna.email, str(street.anna.home_lat), street.anna.postcode):
        assert secret not in text  # (the privacy crawl checks every page for more)
    assert seen["distance_label"].startswith(("ca.", "about", "<", "within"))


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "wish"},
        {"title": ""},
        {"title": "x" * 121},
        {"title": 12},
        {"category": "nosuch"},
        {"minutes_estimate": 0},
        {"minutes_estimate": "lots"},
        {"description": "bad\x00byte"},
        {"extra": 1},
        {"starts_at": "2027-13-40T10:00:00+01:00"},
        {"starts_at": "2027-03-04T10:00:00"},  # no time zone
        {"starts_at": "2099-03-04T10:00:00+01:00"},  # absurdly far
        {"starts_at": "2001-03-04T10:00:00+01:00"},  # in the past
        {"capacity": 0},
        {"capacity": 10_000},
        {"place_label": ""},
    ],
)
def test_bad_input_is_a_4xx_with_the_error_shape_and_saves_nothing(api, street, change) -> None:
    before = _count(Listing)
    response = api(street.anna).post("/listings", json={**ACTIVITY, **change})
    assert response.status_code in (400, 422)
    api_error(response, response.status_code)
    assert _count(Listing) == before


def test_the_feed_pages_with_a_cursor_and_filters(api, street, make) -> None:
    for n in range(7):
        make.listing(street.anna, title=f"Boodschappen week {n}")
    make.listing(street.anna, "offer", title="Ik repareer fietsen", category="klussen-in-huis")
    first = api(street.bert).get("/listings?limit=5").get_json()
    assert len(first["items"]) == 5 and first["next_cursor"]
    rest = api(street.bert).get(f"/listings?limit=5&cursor={first['next_cursor']}").get_json()
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 8 and rest["next_cursor"] is None
    offers = api(street.bert).get("/listings?kind=offer").get_json()["items"]
    assert [c["title"] for c in offers] == ["Ik repareer fietsen"]
    found = api(street.bert).get("/listings?q=fiets").get_json()["items"]
    assert [c["title"] for c in found] == ["Ik repareer fietsen"]
    for bad in ("cursor=bogus", "limit=0", "limit=abc", "kind=wish", "within_km=-1"):
        api_error(api(street.bert).get(f"/listings?{bad}"), 400)
    api_error(api(street.bert).get("/listings?q=a%00b"), 422)  # a control character


def test_suggestions_are_for_the_owner_and_staff_only(api, street, make) -> None:
    listing = make.listing(street.anna, title="Hulp in de tuin", category="tuin")
    mine = api(street.anna).get(f"/listings/{listing.id}/suggestions")
    assert mine.status_code == 200
    for item in mine.get_json()["items"]:
        assert set(item) >= {"member", "score", "reasons", "distance_label"}
        assert item["member"]["id"] != street.anna.id
    api_error(api(street.bert).get(f"/listings/{listing.id}/suggestions"), 403)
    assert api(street.coord).get(f"/listings/{listing.id}/suggestions").status_code == 200
    api_error(api(street.stranger).get("/listings/999999/suggestions"), 404)


def test_a_request_from_reaction_to_booked_minutes_through_the_api(api, street, make) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen")
    reacted = api(street.bert).post(f"/listings/{listing.id}/matches", json={"message": "Ik kom"})
    assert reacted.status_code == 201
    match = reacted.get_json()
    assert (match["status"], match["contact"]) == ("proposed", None)
    url = f"/matches/{match['id']}"

    api_error(api(street.bert).get(f"{url}/messages"), 409)  # not agreed yet
    api_error(api(street.bert).post(f"{url}/accept"), 403)  # only the owner accepts
    api_error(api(street.bert).post(f"{url}/complete", json={"minutes": 30}), 409)
    agreed = api(street.anna).post(f"{url}/accept")
    assert agreed.status_code == 200 and agreed.get_json()["status"] == "agreed"
    api_error(api(street.anna).post(f"{url}/accept"), 409)  # twice
    assert api(street.bert).get(url).get_json()["contact"]["email"] == street.anna.email
    assert api(street.coord).get(url).get_json()["contact"] is None  # staff: not a party
    api_error(api(street.carla).get(url), 404)

    sent = api(street.bert).post(f"{url}/messages", json={"body": "Zaterdag om tien uur?"})
    assert sent.status_code == 201
    thread = api(street.anna).get(f"{url}/messages").get_json()["items"]
    assert [m["body"] for m in thread] == ["Zaterdag om tien uur?"]
    api_error(api(street.carla).post(f"{url}/messages", json={"body": "Hoi"}), 404)
    api_error(api(street.coord).get(f"{url}/messages"), 403)

    done = api(street.bert).post(f"{url}/complete", json={"minutes": 45})
    assert done.get_json()["status"] == "awaiting_confirmation"
    api_error(api(street.bert).post(f"{url}/confirm"), 403)  # not by the same party
    confirmed = api(street.anna).post(f"{url}/confirm").get_json()
    assert (confirmed["status"], confirmed["booked"]) == ("done", True)
    assert ledger.balance_minutes(street.bert) == 45
    again = api(street.anna).post(f"{url}/confirm")
    assert again.status_code in (200, 409)
    assert ledger.balance_minutes(street.bert) == 45  # booked exactly once
    api_error(api(street.anna).post(f"{url}/cancel", json={"reason": "toch niet"}), 409)
    thanks = api(street.anna).post(f"{url}/thanks", json={"body": "Dank je wel!"})
    assert thanks.status_code == 201 and thanks.get_json()["body"] == "Dank je wel!"


def test_a_reaction_to_ones_own_or_a_closed_listing_is_refused(api, street, make) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen")
    api_error(api(street.anna).post(f"/listings/{listing.id}/matches", json={"message": "Ik"}), 409)
    api(street.anna).post(f"/listings/{listing.id}/matches", json={"message": ""})
    closed = make.listing(street.anna, title="Al geregeld")
    from buurthulp.listings import services as listings

    listings.change_status(closed.id, "close", actor=street.anna)
    api_error(api(street.bert).post(f"/listings/{closed.id}/matches", json={"message": "Ik"}), 404)
    bad = api(street.bert).post(f"/listings/{listing.id}/matches", json={"message": 5})
    assert bad.status_code == 422
    assert _count(Match) == 0


def test_an_invitation_answered_no_and_a_dispute_through_the_api(api, street, make) -> None:
    listing = make.listing(
        street.anna, title="Hulp bij het formulier", category="administratie-en-formulieren"
    )
    invited = api(street.anna).post(
        f"/listings/{listing.id}/invitations", json={"member_id": street.bert.id}
    )
    assert invited.status_code == 201 and invited.get_json()["status"] == "invited"
    url = f"/matches/{invited.get_json()['id']}"
    api_error(api(street.anna).post(f"{url}/answer", json={"yes": True}), 403)
    no = api(street.bert).post(f"{url}/answer", json={"yes": False})
    assert no.get_json()["status"] == "declined"
    api_error(
        api(street.anna).post(f"/listings/{listing.id}/invitations", json={"member_id": 10**6}),
        404,
    )

    asked = api(street.anna).post(
        f"/listings/{listing.id}/invitations", json={"member_id": street.carla.id}
    )
    url = f"/matches/{asked.get_json()['id']}"
    assert api(street.carla).post(f"{url}/answer", json={"yes": True}).get_json()["status"] == (
        "agreed"
    )
    api(street.carla).post(f"{url}/complete", json={"minutes": 300})
    api_error(api(street.carla).post(f"{url}/dispute", json={"reason": "klopt niet"}), 403)
    disputed = api(street.anna).post(f"{url}/dispute", json={"reason": "Het was een uur"})
    assert disputed.get_json()["status"] == "disputed"
    assert ledger.balance_minutes(street.carla) == 0


def test_the_profile_is_read_and_replaced_and_bad_values_change_nothing(api, street) -> None:
    me = api(street.anna)
    profile = {
        "interests": ["tuin", "koken"],
        "talents": ["fietsen maken"],
        "availability": ["weekday_morning", "weekend_afternoon"],
        "radius_m": 1000,
        "languages": ["nl", "ar"],
        "phone": "06 12345678",
    }
    saved = {**profile, "interests": ["koken", "tuin"]}  # words come back in order
    assert me.put("/me/profile", json=profile).get_json() == saved
    assert me.get("/me/profile").get_json() == saved
    for bad in (
        {"availability": ["sunday"]},
        {"radius_m": 100},
        {"languages": ["klingon"]},
        {"phone": "bel me"},
        {"interests": ["x" * 41]},
    ):
        response = me.put("/me/profile", json={**profile, **bad})
        assert response.status_code == 422, bad
    assert me.get("/me/profile").get_json() == saved


def test_notifications_list_mark_read_and_settings(api, street, make) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen")
    api(street.bert).post(f"/listings/{listing.id}/matches", json={"message": "Ik kom"})
    page = api(street.anna).get("/notifications").get_json()
    assert [n["read"] for n in page["items"]] == [False] and page["next_cursor"] is None
    assert "Bert" in page["items"][0]["text"]
    assert api(street.anna).post("/notifications/read").get_json() == {"marked": 1}
    assert api(street.anna).get("/notifications").get_json()["items"][0]["read"] is True
    assert api(street.bert).get("/notifications").get_json()["items"] == []  # only mine

    settings = api(street.anna).put(
        "/me/notification-settings", json={"topic": "messages", "choice": "daily"}
    )
    lines = {s["topic"]: s["choice"] for s in settings.get_json()["items"]}
    assert lines["messages"] == "daily" and lines["reactions"] == "instant"
    api_error(
        api(street.anna).put("/me/notification-settings", json={"topic": "x", "choice": "off"}),
        422,
    )
