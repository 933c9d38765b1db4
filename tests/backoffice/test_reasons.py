"""Why do you open this? Each single-resident staff page asks once per resident per day;
the resident reads who, when, what and why. Lists log "overview" without asking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from buurthulp.access import reasons
from buurthulp.access.models import AccessLogEntry, AccessReason
from buurthulp.extensions import db
from buurthulp.matches import services as matches
from buurthulp.models_base import utcnow
from tests.backoffice.conftest import agreed

QUESTION = 'action="/beheer/waarom"'


def _rows(subject, what: str | None = None) -> list[tuple[str, str]]:
    query = select(AccessLogEntry.what, AccessLogEntry.reason).where(
        AccessLogEntry.subject_id == subject.id
    )
    if what:
        query = query.where(AccessLogEntry.what == what)
    return [tuple(row) for row in db.session.execute(query.order_by(AccessLogEntry.id))]


def test_a_resident_page_asks_why_once_a_day_and_logs_the_answer(
    app, client, login, street, monkeypatch
) -> None:
    login(street.coord)
    url = f"/beheer/bewoners/{street.anna.id}"
    first = client.get(url)
    assert first.status_code == 200 and QUESTION in first.text
    assert "Anna" not in first.text and _rows(street.anna) == []  # nothing seen yet
    unchosen = client.post("/beheer/waarom", data={"subjects": str(street.anna.id), "next": url})
    assert unchosen.status_code == 422
    answer = {"reason": "resident-asked", "subjects": str(street.anna.id), "next": url}
    sent = client.post("/beheer/waarom", data=answer)
    assert sent.status_code == 303 and sent.headers["Location"].endswith(url)
    assert QUESTION not in client.get(url).text
    assert QUESTION not in client.get(url).text  # asked once a day, not once a page
    assert _rows(street.anna, "resident-page") == [("resident-page", "resident-asked")] * 2
    # The ledger's statement of the same resident, the same day: no question again.
    statement = client.get(f"/tijdbank/beheer/leden/{street.anna.id}")
    assert QUESTION not in statement.text
    assert _rows(street.anna, "ledger-statement") == [("ledger-statement", "resident-asked")]
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(reasons, "utcnow", lambda: tomorrow)
    assert QUESTION in client.get(url).text


def test_other_needs_a_few_words_and_the_resident_reads_them(
    app, client, login, login_en, street
) -> None:
    login(street.coord)
    url = f"/tijdbank/beheer/leden/{street.bert.id}"
    data = {"reason": "other", "subjects": str(street.bert.id), "next": url}
    assert client.post("/beheer/waarom", data=data).status_code == 422
    data["explanation"] = "Controle van de jaarcijfers"
    assert client.post("/beheer/waarom", data=data).status_code == 303
    client.get(url)
    assert _rows(street.bert, "ledger-statement") == [
        ("ledger-statement", "other: Controle van de jaarcijfers")
    ]
    login_en(street.bert)
    mine = client.get("/account/inzage").text
    assert "Marieke" in mine and "Your time-bank statement" in mine
    assert "other: Controle van de jaarcijfers" in mine


def test_the_staff_match_page_asks_for_both_parties_and_a_party_is_never_asked(
    app, client, login, street, make
) -> None:
    match = agreed(make, street.anna, street.bert)
    login(street.anna)
    assert QUESTION not in client.get(f"/matches/{match.id}").text
    login(street.coord)
    page = client.get(f"/matches/{match.id}").text
    assert QUESTION in page and "Anna" not in page and "Bert" not in page
    subjects = f"{street.anna.id},{street.bert.id}"
    client.post("/beheer/waarom", data={"reason": "report", "subjects": subjects, "next": "/"})
    assert QUESTION not in client.get(f"/matches/{match.id}").text
    assert _rows(street.anna, "match") == [("match", "report")]
    assert _rows(street.bert, "match") == [("match", "report")]
    login(street.other_coord)  # the question never tells that a match exists
    assert client.get(f"/matches/{match.id}").status_code == 404
    assert matches.get_match(match.id, street.coord).id == match.id


def test_a_list_logs_overview_without_asking(app, client, login, street) -> None:
    login(street.coord)
    page = client.get(f"/tijdbank/beheer/buurt/{street.hood.id}/leden")
    assert page.status_code == 200 and QUESTION not in page.text
    assert _rows(street.anna) == [("member-list", "overview")]


def test_the_answer_form_learns_nothing_and_sends_nobody_elsewhere(
    app, client, login, street
) -> None:
    login(street.coord)
    data = {"reason": "request", "subjects": "999999,abc", "next": "//evil.example/x"}
    sent = client.post("/beheer/waarom", data=data)
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/")
    assert db.session.scalar(select(func.count(AccessReason.id))) == 0
    login(street.anna)
    data = {"reason": "request", "subjects": str(street.bert.id), "next": "/"}
    assert client.post("/beheer/waarom", data=data).status_code == 403


def test_giving_a_reason_twice_keeps_the_first(street) -> None:
    reasons.give_reason(viewer=street.coord, subject_ids=[street.anna.id], reason="finance")
    reasons.give_reason(viewer=street.coord, subject_ids=[street.anna.id], reason="report")
    assert reasons.reasons_today(street.coord, [street.anna.id]) == {street.anna.id: "finance"}


@pytest.mark.parametrize(
    "page",
    ["privacy", "erase", "report", "moderation"],
)
def test_the_safeguards_single_resident_pages_ask_why_first(street, make, login, page) -> None:
    """A coordinator's privacy page, erasure page, report and listing check name residents:
    each asks the reason first, and the rows they log carry it."""
    from buurthulp.listings.models import Listing
    from buurthulp.neighbourhoods.models import Neighbourhood
    from buurthulp.safety import services as safety

    client = login(street.coord)
    if page in ("privacy", "erase"):
        suffix = "" if page == "privacy" else "/verwijderen"
        url, subjects = f"/privacy/leden/{street.anna.id}{suffix}", [street.anna]
    elif page == "report":
        make.listing(street.bert, "offer", title="Fietsen maken")  # Anna has seen Bert
        report = safety.report(
            safety.ReportInput(reason="unsafe", text="Niet prettig", member_id=street.bert.id),
            actor=street.anna,
        )
        url, subjects = f"/veiligheid/beheer/meldingen/{report.id}", [street.anna, street.bert]
    else:
        from sqlalchemy import update

        from buurthulp.db import transaction
        from buurthulp.extensions import db

        with transaction():
            db.session.execute(
                update(Neighbourhood)
                .where(Neighbourhood.id == street.hood.id)
                .values(premoderation=True)
            )
        listing = make.listing(street.carla, title="Ramen lappen")
        assert db.session.get(Listing, listing.id).status == "pending"
        url, subjects = f"/veiligheid/beheer/oproepen/{listing.id}", [street.carla]
    first = client.get(url)
    assert first.status_code == 200
    assert 'action="/beheer/waarom"' in first.get_data(as_text=True)
    for member in subjects:
        assert member.display_name not in first.get_data(as_text=True)
    make.reason(street.coord, *subjects, reason="report")
    assert 'action="/beheer/waarom"' not in client.get(url).get_data(as_text=True)
