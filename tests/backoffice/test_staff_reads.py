"""Staff reads leave a row in the access log, whichever door the data leaves by (finding 5):
the service that loads a resident's data for staff writes the row, so the page and the API
answer that use it are both covered. A match read through the API, who comes to an
activity (page and API), the neighbours suggested for a listing, and the list of residents
a coordinator keeps: one row per resident shown, none for what a member reads of their own.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from buurthulp.access.models import AccessLogEntry
from buurthulp.extensions import db
from buurthulp.listings import activities
from tests.backoffice.conftest import agreed

pytestmark = pytest.mark.both_databases


def _mark() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AccessLogEntry.id), 0)))


def _logged(viewer: Any, since: int) -> dict[int, set[str]]:
    """Who `viewer` read since the mark: resident -> the kinds of what was read."""
    rows = db.session.execute(
        select(AccessLogEntry.subject_id, AccessLogEntry.what).where(
            AccessLogEntry.id > since, AccessLogEntry.viewer_id == viewer.id
        )
    )
    found: dict[int, set[str]] = {}
    for subject_id, what in rows:
        found.setdefault(subject_id, set()).add(what)
    return found


def _coffee(street: Any, make: Any) -> Any:
    """Anna's coffee morning; Bert comes, Carla waits (one seat)."""
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", capacity=1)
    activities.sign_up(coffee.id, actor=street.bert)
    activities.sign_up(coffee.id, actor=street.carla)
    return coffee


def test_a_coordinator_reading_a_match_through_the_api_logs_both_parties(api, street, make) -> None:
    match = agreed(make, street.anna, street.bert)
    url = f"/matches/{match.id}"

    mark = _mark()
    answer = api(street.coord).get(url)
    assert answer.status_code == 200
    assert {answer.get_json()["owner"]["id"], answer.get_json()["responder"]["id"]} == {
        street.anna.id,
        street.bert.id,
    }
    assert _logged(street.coord, mark) == {street.anna.id: {"match"}, street.bert.id: {"match"}}

    mark = _mark()
    assert api(street.anna).get(url).status_code == 200  # a party reads her own match
    assert api(street.other_coord).get(url).status_code == 404  # not their neighbourhood
    assert db.session.scalar(select(func.count()).where(AccessLogEntry.id > mark)) == 0


def test_the_match_row_carries_the_reason_given_today(api, street, make) -> None:
    """The API cannot ask "why do you open this?"; the reason given on the website today
    for these residents is the one the rows carry."""
    match = agreed(make, street.anna, street.bert)
    make.reason(street.coord, street.anna, street.bert, reason="report")
    mark = _mark()
    assert api(street.coord).get(f"/matches/{match.id}").status_code == 200
    reasons = set(db.session.scalars(select(AccessLogEntry.reason).where(AccessLogEntry.id > mark)))
    assert reasons == {"report"}


def test_the_attendee_page_logs_a_row_for_each_attendee(client, login, street, make) -> None:
    coffee = _coffee(street, make)
    login(street.coord)
    mark = _mark()
    page = client.get(f"/hulp/{coffee.id}/deelnemers")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert street.bert.display_name in html and street.carla.display_name in html
    assert _logged(street.coord, mark) == {
        street.bert.id: {"attendees"},
        street.carla.id: {"attendees"},
    }

    login(street.anna)  # the organiser reads who comes to her own activity: no row
    mark = _mark()
    assert client.get(f"/hulp/{coffee.id}/deelnemers").status_code == 200
    assert _logged(street.anna, mark) == {}


def test_the_attendee_list_in_the_api_logs_a_row_for_each_attendee(api, street, make) -> None:
    coffee = _coffee(street, make)
    mark = _mark()
    answer = api(street.coord).get(f"/listings/{coffee.id}/attendees")
    assert answer.status_code == 200
    assert {p["member"]["id"] for p in answer.get_json()["items"]} == {
        street.bert.id,
        street.carla.id,
    }
    assert _logged(street.coord, mark) == {
        street.bert.id: {"attendees"},
        street.carla.id: {"attendees"},
    }
    rows = db.session.scalars(select(AccessLogEntry.reason).where(AccessLogEntry.id > mark))
    assert set(rows) == {"overview"}  # a list: never asked why

    mark = _mark()
    assert api(street.other_coord).get(f"/listings/{coffee.id}/attendees").status_code == 403
    assert api(street.anna).get(f"/listings/{coffee.id}/attendees").status_code == 200
    assert db.session.scalar(select(func.count()).where(AccessLogEntry.id > mark)) == 0


def test_the_suggestions_a_coordinator_reads_log_a_row_for_each_neighbour(
    api, client, login, street, make
) -> None:
    request = make.listing(street.anna, title="Boodschappen doen")
    mark = _mark()
    answer = api(street.coord).get(f"/listings/{request.id}/suggestions")
    assert answer.status_code == 200
    shown = {s["member"]["id"] for s in answer.get_json()["items"]}
    assert shown  # Bert and Carla live nearby
    assert set(_logged(street.coord, mark)) == shown

    login(street.coord)
    mark = _mark()
    page = client.get(f"/hulp/{request.id}/suggesties")
    assert page.status_code == 200
    assert set(_logged(street.coord, mark)) == shown

    mark = _mark()  # the owner reads her own suggestions: no row
    assert api(street.anna).get(f"/listings/{request.id}/suggestions").status_code == 200
    assert _logged(street.anna, mark) == {}


def test_the_list_of_residents_a_coordinator_keeps_logs_a_row_for_each(
    client, login, street, truus
) -> None:
    login(street.coord)
    mark = _mark()
    page = client.get("/beheer/namens")
    assert page.status_code == 200 and truus.display_name in page.get_data(as_text=True)
    assert _logged(street.coord, mark) == {truus.id: {"proxy-list"}}
