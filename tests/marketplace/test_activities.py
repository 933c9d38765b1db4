"""Activities: seats and the waiting list, cancelling, the reminder the day before (checked
again when it goes out), the calendar file, a series that skips a date, the organiser's
list and message, and time credits only when the organiser asks for them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.listings import activities, ics, services
from buurthulp.listings.models import Signup
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from tests.marketplace.conftest import Street

pytestmark = pytest.mark.usefixtures("english")


def _notified(member, kind: str) -> int:
    return len(
        db.session.scalars(
            select(Notification.id).where(
                Notification.member_id == member.id, Notification.kind == kind
            )
        ).all()
    )


def _at(days: int, hour: int = 10) -> datetime:
    """A moment `days` from now at `hour` o'clock in Amsterdam."""
    local = (utcnow() + timedelta(days=days)).astimezone(LOCAL_TZ)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_seats_fill_then_the_waiting_list_moves_up_when_someone_cancels(
    street: Street, make
) -> None:
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", capacity=2)
    dora, eva = make.resident(street.hood, name="Dora"), make.resident(street.hood, name="Eva")
    assert activities.sign_up(coffee.id, actor=street.bert).status == "confirmed"
    assert activities.sign_up(coffee.id, actor=street.carla).status == "confirmed"
    waiting = activities.sign_up(coffee.id, actor=dora)
    assert (waiting.status, waiting.position) == ("waiting", 1)
    assert activities.sign_up(coffee.id, actor=eva).position == 2
    assert _notified(street.anna, "activities.signed_up") == 4

    activities.cancel_signup(coffee.id, actor=street.bert)

    assert [p.status for p in activities.my_places(coffee, dora)] == ["confirmed"]
    assert _notified(dora, "activities.moved_up") == 1
    assert [(p.status, p.position) for p in activities.my_places(coffee, eva)] == [("waiting", 1)]
    assert activities.my_places(coffee, street.bert) == []
    # Giving up a waiting place moves nobody up and frees no seat.
    activities.cancel_signup(coffee.id, actor=eva)
    assert _notified(eva, "activities.moved_up") == 0
    coming = [a for a in activities.attendees(coffee, actor=street.anna) if a.status == "confirmed"]
    assert sorted(a.display_name for a in coming) == ["Carla", "Dora"]


def test_signing_up_twice_changes_nothing_and_cancelling_twice_is_refused(street, make) -> None:
    walk = make.listing(street.anna, "activity", title="Wandelgroep", capacity=5)
    first = activities.sign_up(walk.id, actor=street.bert)
    again = activities.sign_up(walk.id, actor=street.bert)
    assert first == again
    count = db.session.scalars(select(Signup.id).where(Signup.listing_id == walk.id)).all()
    assert len(count) == 1
    activities.cancel_signup(walk.id, actor=street.bert)
    with pytest.raises(Conflict):
        activities.cancel_signup(walk.id, actor=street.bert)
    # Coming back after cancelling is a fresh place at the back of the queue.
    assert activities.sign_up(walk.id, actor=street.bert).status == "confirmed"


@pytest.mark.parametrize("case", ["own", "closed", "request", "bad date", "past"])
def test_a_sign_up_that_cannot_be_is_refused_and_saves_nothing(street, make, case) -> None:
    walk = make.listing(street.anna, "activity", title="Wandelgroep")
    actor, listing_id, kwargs, error = street.bert, walk.id, {}, Conflict
    if case == "own":
        actor = street.anna
    elif case == "closed":  # a closed listing is not known to others any more
        services.change_status(walk.id, "close", actor=street.anna)
        error = NotFound
    elif case == "request":
        listing_id = make.listing(street.anna, title="Boodschappen").id
    elif case == "bad date":
        # The day after the only date, counted in Amsterdam as the dates are.
        day_after = activities.occurrences(walk)[0] + timedelta(days=1)
        kwargs, error = {"day": day_after}, InvalidInput
    elif case == "past":
        kwargs, error = {"now": walk.starts_at + timedelta(days=1)}, InvalidInput
    with pytest.raises(error):
        activities.sign_up(listing_id, actor=actor, **kwargs)
    assert db.session.scalars(select(Signup.id)).all() == []


def test_the_reminder_the_day_before_skips_whoever_cancelled_and_goes_once(street, make) -> None:
    starts = _at(3, hour=14)
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", starts_at=starts)
    activities.sign_up(coffee.id, actor=street.bert)
    activities.sign_up(coffee.id, actor=street.carla)
    activities.cancel_signup(coffee.id, actor=street.carla)
    day_before = starts - timedelta(days=1, hours=4)

    assert activities.remind(now=starts - timedelta(days=2, hours=4)) == 0  # too early
    assert activities.remind(now=day_before) == 1
    assert activities.remind(now=day_before + timedelta(hours=1)) == 0
    assert _notified(street.bert, "activities.reminder") == 1
    assert _notified(street.carla, "activities.reminder") == 0


def test_a_called_off_activity_reminds_nobody(street, make) -> None:
    starts = _at(3, hour=14)
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", starts_at=starts)
    activities.sign_up(coffee.id, actor=street.bert)
    services.change_status(coffee.id, "close", actor=street.anna)
    assert activities.remind(now=starts - timedelta(days=1, hours=4)) == 0
    assert _notified(street.bert, "activities.reminder") == 0


def test_a_weekly_series_skips_one_date_and_the_calendar_file_says_so(street, make) -> None:
    starts = _at(2, hour=19)
    walk = make.listing(
        street.anna, "activity", title="Wandelgroep, dinsdag", starts_at=starts, recurrence="weekly"
    )
    first, second, third = activities.occurrences(walk, count=3)
    assert (second - first, third - second) == (timedelta(weeks=1), timedelta(weeks=1))
    services.skip_date(walk.id, second, actor=street.anna)
    db.session.refresh(walk)
    assert second not in activities.occurrences(walk, count=3)
    with pytest.raises(InvalidInput):
        activities.sign_up(walk.id, actor=street.bert, day=second)
    with pytest.raises(NotAllowed):
        services.skip_date(walk.id, third, actor=street.bert)

    text = ics.ics(walk)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "RRULE:FREQ=WEEKLY\r\n" in text
    assert f"EXDATE;TZID=Europe/Amsterdam:{second:%Y%m%d}T190000\r\n" in text
    assert "SUMMARY:Wandelgroep\\, dinsdag\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_each_date_of_a_series_has_its_own_seats(street, make) -> None:
    walk = make.listing(
        street.anna, "activity", title="Wandelgroep", capacity=1, recurrence="weekly"
    )
    first, second = activities.occurrences(walk, count=2)
    assert activities.sign_up(walk.id, actor=street.bert, day=first).status == "confirmed"
    assert activities.sign_up(walk.id, actor=street.carla, day=first).status == "waiting"
    assert activities.sign_up(walk.id, actor=street.carla, day=second).status == "confirmed"


def test_the_organiser_sees_who_comes_and_writes_to_them_all(street, make) -> None:
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", capacity=1)
    activities.sign_up(coffee.id, actor=street.bert)
    activities.sign_up(coffee.id, actor=street.carla)  # waiting: hears it too
    with pytest.raises(NotAllowed):
        activities.attendees(coffee, actor=street.bert)
    with pytest.raises(NotAllowed):
        activities.message_attendees(coffee.id, actor=street.bert, body="Hoi")
    with pytest.raises(InvalidInput):
        activities.message_attendees(coffee.id, actor=street.anna, body="  ")
    assert activities.message_attendees(coffee.id, actor=street.anna, body="Neem een mok mee") == 2
    assert _notified(street.bert, "activities.message") == 1
    assert _notified(street.carla, "activities.message") == 1
    # The coordinator of the neighbourhood may see the list too; one elsewhere may not.
    assert len(activities.attendees(coffee, actor=street.coord)) == 2
    with pytest.raises(NotAllowed):
        activities.attendees(coffee, actor=street.other_coord)


def test_time_credits_only_when_the_organiser_asks_and_only_after_taking_part(street, make) -> None:
    plain = make.listing(street.anna, "activity", title="Koffieochtend")
    paid = make.listing(street.anna, "activity", title="Computercafé", credits=True)
    for listing in (plain, paid):
        activities.sign_up(listing.id, actor=street.bert)
    after = paid.starts_at + timedelta(hours=1)
    assert not activities.took_part(paid, street.bert)  # not yet
    assert activities.took_part(paid, street.bert, now=after)
    assert not activities.took_part(plain, street.bert, now=after)
    assert not activities.took_part(paid, street.carla, now=after)  # never signed up


def test_the_pages_sign_up_show_the_waiting_place_and_sign_off(client, login, street, make):
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", capacity=1)
    activities.sign_up(coffee.id, actor=street.bert)
    client.post("/taal", data={"locale": "nl"})
    login(street.carla)
    page = f"/hulp/{coffee.id}"
    response = client.post(f"{page}/aanmelden")
    assert response.status_code == 303
    body = client.get(page).get_data(as_text=True)
    assert "op nummer 1 van de wachtlijst" in body  # the pages speak Dutch first
    calendar = client.get(f"{page}/agenda.ics")
    assert calendar.status_code == 200
    assert calendar.mimetype == "text/calendar"
    assert "attachment" in calendar.headers["Content-Disposition"]
    assert client.post(f"{page}/afmelden").status_code == 303
    assert "wachtlijst" not in client.get(page).get_data(as_text=True)


def test_the_api_gives_a_seat_then_a_waiting_position_and_a_204_on_cancel(
    client, api_headers, street, make
) -> None:
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", capacity=1)
    url = f"/api/v1/listings/{coffee.id}/signups"
    first = client.post(url, headers=api_headers(street.bert))
    assert (first.status_code, first.json["status"]) == (201, "confirmed")
    second = client.post(url, headers=api_headers(street.carla))
    assert (second.status_code, second.json["status"], second.json["position"]) == (
        201,
        "waiting",
        1,
    )
    gone = client.delete(f"{url}/me", headers=api_headers(street.bert))
    assert gone.status_code == 204
    assert [p.status for p in activities.my_places(coffee, street.carla)] == ["confirmed"]
    again = client.delete(f"{url}/me", headers=api_headers(street.bert))
    assert again.status_code == 409 and again.json["error"]["code"]
    request = make.listing(street.anna, title="Boodschappen")
    wrong = client.post(f"/api/v1/listings/{request.id}/signups", headers=api_headers(street.bert))
    assert wrong.status_code == 409


def _last_sunday(year: int, month: int) -> int:
    """The day of the month of its last Sunday (March and October: 31 days)."""
    return max(d for d in range(25, 32) if datetime(year, month, d).weekday() == 6)


def _offset_by_the_files_rule(local: datetime) -> timedelta:
    """The UTC offset the file's own VTIMEZONE gives a wall-clock time in Amsterdam."""
    summer_from = datetime(local.year, 3, _last_sunday(local.year, 3), 2)
    summer_until = datetime(local.year, 10, _last_sunday(local.year, 10), 3)
    return timedelta(hours=2 if summer_from <= local < summer_until else 1)


@pytest.mark.parametrize("month", [1, 7])  # winter time and summer time
def test_the_calendar_file_defines_the_amsterdam_time_it_uses(street, make, month) -> None:
    now = utcnow().astimezone(LOCAL_TZ)
    year = now.year + (1 if now.month >= month else 0)
    starts = datetime(year, month, 15, 10, tzinfo=LOCAL_TZ)
    coffee = make.listing(street.anna, "activity", title="Koffieochtend", starts_at=starts)
    lines = ics.ics(coffee).split("\r\n")
    assert lines.index("BEGIN:VTIMEZONE") < lines.index("BEGIN:VEVENT")  # RFC 5545 3.6.5
    assert "TZID:Europe/Amsterdam" in lines
    summer = lines[lines.index("BEGIN:DAYLIGHT") : lines.index("END:DAYLIGHT")]
    winter = lines[lines.index("BEGIN:STANDARD") : lines.index("END:STANDARD")]
    # The rules the offsets below are computed by: last Sunday of March / of October.
    assert {"TZOFFSETTO:+0200", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"} <= set(summer)
    assert {"TZOFFSETTO:+0100", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"} <= set(winter)
    start_line = next(line for line in lines if line.startswith("DTSTART;"))
    assert start_line == f"DTSTART;TZID=Europe/Amsterdam:{year}{month:02d}15T100000"
    wall = datetime.strptime(start_line.rsplit(":", 1)[1], "%Y%m%dT%H%M%S")
    # A calendar reading the file lands on the moment the activity starts.
    assert wall - _offset_by_the_files_rule(wall) == coffee.starts_at.replace(tzinfo=None)
    assert _offset_by_the_files_rule(wall) == starts.utcoffset()


def test_the_calendar_download_carries_the_time_zone(client, login, street, make) -> None:
    coffee = make.listing(street.anna, "activity", title="Koffieochtend")
    login(street.bert)
    body = client.get(f"/hulp/{coffee.id}/agenda.ics").get_data(as_text=True)
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Amsterdam\r\n" in body
    assert body.index("END:VTIMEZONE") < body.index("BEGIN:VEVENT")
