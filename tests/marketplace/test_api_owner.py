"""What an owner does to their listing through the JSON API, as on the pages: change it,
pause, reopen, close, extend; an organiser's activity (who comes, a message to them all, a
skipped date, the calendar file); my listings and my matches. Each endpoint as the owner,
as someone else (403 or 404), without a token (401), and with bad input (nothing saved)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.listings import activities
from buurthulp.listings import services as listings
from buurthulp.listings.models import Listing, SkippedDate
from buurthulp.matches import services as matches
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from tests.marketplace.conftest import api_error

REQUEST = {
    "kind": "request",
    "title": "Boodschappen doen",
    "category": "boodschappen",
    "slots": ["weekday_morning", "weekend_afternoon"],
    "helpers_needed": 2,
}


def _at(days: int, hour: int = 10) -> datetime:
    """A moment `days` from now at `hour` o'clock in Amsterdam."""
    local = (utcnow() + timedelta(days=days)).astimezone(LOCAL_TZ)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _activity(**change: Any) -> dict[str, Any]:
    return {
        "kind": "activity",
        "title": "Koffieochtend",
        "category": "gezelschap-en-wandelen",
        "starts_at": _at(9).isoformat(),
        "place_label": "Buurthuis De Klokkenberg",
        "capacity": 12,
        **change,
    }


def _count(model: type, *where: Any) -> int:
    return db.session.scalar(select(func.count(model.id)).where(*where))


def _notified(member: Any, kind: str) -> int:
    return _count(Notification, Notification.member_id == member.id, Notification.kind == kind)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


# Posting with the form's optional fields ----------------------------------------------------


def test_posting_takes_parts_of_the_week_helpers_credits_and_standing(api, street) -> None:
    request = api(street.anna).post("/listings", json=REQUEST)
    assert request.status_code == 201, request.get_data()
    body = request.get_json()
    assert body["slots"] == ["weekday_morning", "weekend_afternoon"]
    assert (body["helpers_needed"], body["standing"], body["credits"]) == (2, False, False)
    stored = db.session.get(Listing, body["id"])
    assert (stored.slots, stored.helpers_needed) == (1 | 16, 2)

    activity = api(street.anna).post("/listings", json=_activity(credits=True)).get_json()
    assert activity["credits"] is True and db.session.get(Listing, activity["id"]).credits
    offer = (
        api(street.bert)
        .post(
            "/listings",
            json={
                "kind": "offer",
                "title": "Ik help met de tuin",
                "category": "tuin",
                "standing": True,
            },
        )
        .get_json()
    )
    assert (offer["standing"], offer["expires_at"]) == (True, None)
    # As on the form: credits are for activities, "standing" for offers; elsewhere ignored.
    plain = api(street.anna).post("/listings", json={**REQUEST, "credits": True, "standing": True})
    assert plain.get_json()["credits"] is False and plain.get_json()["standing"] is False


@pytest.mark.parametrize(
    "change",
    [
        {"slots": ["sunday"]},
        {"slots": "weekday_morning"},
        {"slots": ["weekday_morning"] * 7},
        {"helpers_needed": 0},
        {"helpers_needed": 21},
        {"helpers_needed": "2"},
        {"credits": "yes"},
        {"standing": 1},
    ],
)
def test_bad_optional_fields_are_a_422_and_save_nothing(api, street, change) -> None:
    before = _count(Listing)
    api_error(api(street.anna).post("/listings", json={**REQUEST, **change}), 422)
    assert _count(Listing) == before


# Changing -------------------------------------------------------------------------------------


def test_the_owner_changes_a_listing_and_reads_the_change_back(api, street) -> None:
    listing = api(street.anna).post("/listings", json=REQUEST).get_json()
    url = f"/listings/{listing['id']}"
    changed = {
        "title": "Boodschappen op zaterdag",
        "description": "Naar de markt",
        "category": "boodschappen",
        "tags": ["markt"],
        "slots": ["weekend_morning"],
        "helpers_needed": 1,
        "minutes_estimate": 90,
    }
    response = api(street.anna).put(url, json=changed)
    assert response.status_code == 200, response.get_data()
    seen = api(street.bert).get(url).get_json()
    assert (seen["title"], seen["description"], seen["tags"]) == (
        "Boodschappen op zaterdag",
        "Naar de markt",
        ["markt"],
    )
    assert (seen["slots"], seen["helpers_needed"], seen["minutes_estimate"]) == (
        ["weekend_morning"],
        1,
        90,
    )
    assert seen["kind"] == "request" and seen["id"] == listing["id"]


def test_changing_someone_elses_listing_is_refused_and_changes_nothing(api, street, make) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen")
    url = f"/listings/{listing.id}"
    body = {"title": "Overgenomen", "category": "boodschappen"}
    api_error(api(street.bert).put(url, json=body), 403)  # sees it, may not change it
    api_error(api(street.stranger).put(url, json=body), 403)
    api_error(api(street.coord).put(url, json=body), 403)  # staff change nothing here
    api_error(api(street.bert).put("/listings/999999", json=body), 404)
    closed = make.listing(street.anna, title="Al geregeld")
    listings.change_status(closed.id, "close", actor=street.anna)
    api_error(api(street.bert).put(f"/listings/{closed.id}", json=body), 404)  # cannot see it
    assert api_error(api(None).put(url, json=body), 401)["code"] == "not_authenticated"
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).title == "Lamp ophangen"


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Andere soort", "category": "boodschappen", "kind": "offer"},  # kind stays
        {"title": "", "category": "boodschappen"},
        {"title": "Zonder soort hulp"},
        {"title": "Onbekende soort", "category": "nosuch"},
        {"title": "Nul\x00byte", "category": "boodschappen"},
        {
            "title": "Vroeger",
            "category": "boodschappen",
            "when_kind": "date",
            "when_from": "2001-01-01",
        },
        {"title": "Datum", "category": "boodschappen", "when_from": "2026-02-30"},
        {"title": "Delen", "category": "boodschappen", "slots": ["sunday"]},
    ],
)
def test_a_bad_change_is_a_4xx_and_the_listing_stays_as_it_was(api, street, make, body) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen", slots=4, helpers_needed=2)
    response = api(street.anna).put(f"/listings/{listing.id}", json=body)
    assert response.status_code in (400, 422)
    api_error(response, response.status_code)
    db.session.expire_all()
    stored = db.session.get(Listing, listing.id)
    assert (stored.title, stored.kind, stored.slots, stored.helpers_needed) == (
        "Lamp ophangen",
        "request",
        4,
        2,
    )


def test_an_activity_is_changed_with_its_own_fields(api, street) -> None:
    activity = api(street.anna).post("/listings", json=_activity()).get_json()
    url = f"/listings/{activity['id']}"
    change = {k: v for k, v in _activity(capacity=20, credits=True).items() if k != "kind"}
    assert api(street.anna).put(url, json=change).get_json()["capacity"] == 20
    assert db.session.get(Listing, activity["id"]).credits is True
    without_place = {k: v for k, v in change.items() if k != "place_label"}
    api_error(api(street.anna).put(url, json=without_place), 422)
    assert api(street.anna).get(url).get_json()["place_label"] == "Buurthuis De Klokkenberg"


# Pause, reopen, close, extend ------------------------------------------------------------------


def test_pause_reopen_close_and_extend_change_the_status_as_on_the_page(api, street, make) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen")
    url = f"/listings/{listing.id}"
    anna = api(street.anna)

    paused = anna.post(f"{url}/pause")
    assert paused.status_code == 200 and paused.get_json()["status"] == "paused"
    api_error(api(street.bert).get(url), 404)  # out of sight for neighbours
    feed = api(street.bert).get("/listings").get_json()["items"]
    assert listing.id not in [c["id"] for c in feed]
    api_error(anna.post(f"{url}/pause"), 409)  # twice

    assert anna.post(f"{url}/reopen").get_json()["status"] == "open"
    assert api(street.bert).get(url).status_code == 200

    assert anna.post(f"{url}/close").get_json()["status"] == "closed"
    api_error(anna.post(f"{url}/extend"), 409)  # closed: reopen first
    assert anna.get(url).get_json()["status"] == "closed"
    assert anna.post(f"{url}/reopen").get_json()["status"] == "open"

    before = _when(anna.get(url).get_json()["expires_at"])
    extended = anna.post(f"{url}/extend")
    assert extended.status_code == 200
    assert _when(extended.get_json()["expires_at"]) - before == timedelta(days=30)
    assert _when(anna.get(url).get_json()["expires_at"]) - before == timedelta(days=30)


@pytest.mark.parametrize("action", ["pause", "reopen", "close", "extend"])
def test_only_the_owner_pauses_reopens_closes_or_extends(api, street, make, action) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen")
    url = f"/listings/{listing.id}/{action}"
    for other in (street.bert, street.stranger, street.coord):
        api_error(api(other).post(url), 403)
    api_error(api(street.bert).post(f"/listings/999999/{action}"), 404)
    api_error(api(None).post(url), 401)
    listings.change_status(listing.id, "pause", actor=street.anna)
    api_error(api(street.bert).post(url), 404)  # a paused listing is not theirs to know
    db.session.expire_all()
    stored = db.session.get(Listing, listing.id)
    assert stored.status == "paused" and stored.expires_at == listing.expires_at


# My listings, my matches ------------------------------------------------------------------------


def test_my_listings_are_mine_only_open_first_in_one_page(api, street, make) -> None:
    older = make.listing(street.anna, title="Lamp ophangen")
    newer = make.listing(street.anna, title="Boodschappen")
    done = make.listing(street.anna, title="Al geregeld")
    listings.change_status(done.id, "close", actor=street.anna)
    make.listing(street.bert, title="Van Bert")
    page = api(street.anna).get("/me/listings").get_json()
    assert [x["id"] for x in page["items"]] == [newer.id, older.id, done.id]
    assert page["next_cursor"] is None
    assert all(x["owner"]["id"] == street.anna.id for x in page["items"])
    assert [x["title"] for x in api(street.bert).get("/me/listings").get_json()["items"]] == [
        "Van Bert"
    ]
    assert api(street.carla).get("/me/listings").get_json() == {"items": [], "next_cursor": None}
    api_error(api(None).get("/me/listings"), 401)


def test_my_matches_are_those_i_am_a_party_to(api, street, make) -> None:
    listing = make.listing(street.anna, title="Lamp ophangen")
    match = matches.react(listing.id, actor=street.bert, message="Ik kom")
    matches.accept(match.id, actor=street.anna)
    for party in (street.anna, street.bert):
        page = api(party).get("/me/matches").get_json()
        assert [m["id"] for m in page["items"]] == [match.id] and page["next_cursor"] is None
        assert page["items"][0]["status"] == "agreed"
    mine = api(street.bert).get("/me/matches").get_json()["items"][0]
    assert mine["contact"]["email"] == street.anna.email  # agreed: the parties' contact
    assert api(street.carla).get("/me/matches").get_json()["items"] == []
    assert api(street.coord).get("/me/matches").get_json()["items"] == []  # not staff's list
    api_error(api(None).get("/me/matches"), 401)


# Activities: who comes, a message to them, a skipped date, the calendar --------------------------


def test_the_organiser_and_staff_see_who_comes(api, street, make) -> None:
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", capacity=1)
    api(street.bert).post(f"/listings/{coffee.id}/signups")
    api(street.carla).post(f"/listings/{coffee.id}/signups")  # full: waits
    url = f"/listings/{coffee.id}/attendees"
    for viewer in (street.anna, street.coord):
        page = api(viewer).get(url).get_json()
        people = [(p["member"]["id"], p["status"]) for p in page["items"]]
        assert people == [(street.bert.id, "confirmed"), (street.carla.id, "waiting")]
        assert page["next_cursor"] is None
    assert set(page["items"][0]["member"]) == {"id", "display_name", "staff_role"}
    for other in (street.bert, street.other_coord, street.stranger):
        api_error(api(other).get(url), 403)
    api_error(api(street.anna).get("/listings/999999/attendees"), 404)
    api_error(api(None).get(url), 401)


def test_the_organiser_writes_to_everyone_who_comes(api, street, make) -> None:
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", capacity=1)
    activities.sign_up(coffee.id, actor=street.bert)
    activities.sign_up(coffee.id, actor=street.carla)
    url = f"/listings/{coffee.id}/attendees/message"
    for bad in ({"body": ""}, {"body": "   "}, {}, {"body": 5}, {"body": "x" * 2001}):
        api_error(api(street.anna).post(url, json=bad), 422)
    api_error(api(street.bert).post(url, json={"body": "Hoi"}), 403)
    api_error(api(street.coord).post(url, json={"body": "Hoi"}), 403)
    api_error(api(street.anna).post("/listings/999999/attendees/message", json={"body": "x"}), 404)
    api_error(api(None).post(url, json={"body": "Hoi"}), 401)
    assert _notified(street.bert, "activities.message") == 0  # nothing went out yet

    sent = api(street.anna).post(url, json={"body": "Neem een mok mee"})
    assert sent.status_code == 200 and sent.get_json() == {"sent": 2}
    assert _notified(street.bert, "activities.message") == 1
    assert _notified(street.carla, "activities.message") == 1

    request = make.listing(street.anna, title="Lamp ophangen")
    api_error(
        api(street.anna).post(f"/listings/{request.id}/attendees/message", json={"body": "x"}), 409
    )


def test_the_organiser_skips_one_date_of_a_series(api, street, make) -> None:
    walk = make.listing(
        street.anna, "activity", title="Wandelgroep", starts_at=_at(2, 19), recurrence="weekly"
    )
    _first, second, third = activities.occurrences(walk, count=3)
    url = f"/listings/{walk.id}/skip"
    for bad in ({}, {"day": "2026-02-30"}, {"day": "morgen"}, {"day": 20260301}, {"x": 1}):
        api_error(api(street.anna).post(url, json=bad), 422)
    api_error(api(street.bert).post(url, json={"day": third.isoformat()}), 403)
    api_error(api(street.anna).post("/listings/999999/skip", json={"day": "2030-01-01"}), 404)
    api_error(api(None).post(url, json={"day": third.isoformat()}), 401)
    assert _count(SkippedDate) == 0

    skipped = api(street.anna).post(url, json={"day": second.isoformat()})
    assert skipped.status_code == 200 and skipped.get_json()["skipped_dates"] == [
        second.isoformat()
    ]
    assert api(street.bert).get(f"/listings/{walk.id}").get_json()["skipped_dates"] == [
        second.isoformat()
    ]
    db.session.expire_all()
    assert second not in activities.occurrences(db.session.get(Listing, walk.id), count=3)

    once = make.listing(street.anna, "activity", title="Eenmalig")
    api_error(api(street.anna).post(f"/listings/{once.id}/skip", json={"day": "2030-01-01"}), 409)


def test_the_calendar_file_of_an_activity_for_any_member(api, street, make) -> None:
    walk = make.listing(street.anna, "activity", title="Wandelgroep", recurrence="weekly")
    response = api(street.bert).get(f"/listings/{walk.id}/agenda.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="activiteit-{walk.id}.ics"'
    )
    text = response.get_data(as_text=True)
    assert "SUMMARY:Wandelgroep\r\n" in text and "RRULE:FREQ=WEEKLY\r\n" in text
    request = make.listing(street.anna, title="Lamp ophangen")
    api_error(api(street.bert).get(f"/listings/{request.id}/agenda.ics"), 404)
    api_error(api(street.bert).get("/listings/999999/agenda.ics"), 404)
    api_error(api(None).get(f"/listings/{walk.id}/agenda.ics"), 401)


def test_the_openapi_document_describes_the_new_endpoints(client, db_session) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in [
        ("/api/v1/listings/{id}", "put"),
        ("/api/v1/listings/{id}/pause", "post"),
        ("/api/v1/listings/{id}/reopen", "post"),
        ("/api/v1/listings/{id}/close", "post"),
        ("/api/v1/listings/{id}/extend", "post"),
        ("/api/v1/me/listings", "get"),
        ("/api/v1/me/matches", "get"),
        ("/api/v1/listings/{id}/attendees", "get"),
        ("/api/v1/listings/{id}/attendees/message", "post"),
        ("/api/v1/listings/{id}/skip", "post"),
        ("/api/v1/listings/{id}/agenda.ics", "get"),
    ]:
        operation = paths[path][method]
        assert {"401", "422"} <= set(operation["responses"]), path
    calendar = paths["/api/v1/listings/{id}/agenda.ics"]["get"]["responses"]["200"]
    assert list(calendar["content"]) == ["text/calendar"]
    assert "always null" in paths["/api/v1/me/listings"]["get"]["summary"]
