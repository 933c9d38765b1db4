"""The time bank pages: who may open what, forms that refuse kindly, statements and CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from buurthulp.access.models import AccessLogEntry
from buurthulp.extensions import db
from buurthulp.ledger import services
from buurthulp.ledger.models import Transfer
from tests.factories import log_in
from tests.ledger.helpers import Town, balance, pool_balance, snapshot

pytestmark = pytest.mark.both_databases


def as_member(app, member) -> FlaskClient:
    client = app.test_client()
    if member is not None:
        response = log_in(client, member)  # staff: with the code from their app
        assert response.status_code == 303
    client.post("/taal", data={"locale": "en"})  # assertions read the English msgids
    return client


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def test_every_ledger_route_has_a_guard(app) -> None:
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("ledger."):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "access", None), rule.rule


# Access matrix ----------------------------------------------------------------------------

STAFF_URLS = [
    "/tijdbank/beheer",
    "/tijdbank/beheer/buurt/{hood}/leden",
    "/tijdbank/beheer/leden/{bob}",
    "/tijdbank/beheer/leden/{bob}/overzicht.csv",
    "/tijdbank/beheer/leden/{bob}/bedanken",
    "/tijdbank/beheer/leden/{bob}/pot-geven",
    "/tijdbank/beheer/leden/{bob}/limieten",
    "/tijdbank/beheer/leden/{bob}/afrekenen",
    "/tijdbank/beheer/overboekingen/{transfer}/terugdraaien",
    "/tijdbank/beheer/pot/{hood}",
    "/tijdbank/beheer/pot/{hood}/toekennen",
    "/tijdbank/beheer/gezondheid",
]
# What a coordinator of the *other* neighbourhood gets: 404 for residents and transfers they
# may not know, 403 for this neighbourhood's pages (neighbourhoods are public).
OTHER_COORD = {
    "/tijdbank/beheer": 200,
    "/tijdbank/beheer/buurt/{hood}/leden": 403,
    "/tijdbank/beheer/pot/{hood}": 403,
    "/tijdbank/beheer/pot/{hood}/toekennen": 403,
    "/tijdbank/beheer/gezondheid": 200,
}


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_access_matrix(app, make, town: Town, url: str) -> None:
    make.reason(town.coord, town.bob)  # today's "why do you open this?" is answered
    transfer = services.thank(
        payer=town.alice, to_member_id=town.bob.id, minutes=5, description="x", actor=town.alice
    ).transfer
    path = url.format(hood=town.hood.id, bob=town.bob.id, transfer=transfer.id)
    assert as_member(app, None).get(path).status_code == 302  # to the login page
    assert as_member(app, town.alice).get(path).status_code == 403
    assert as_member(app, town.other_coord).get(path).status_code == OTHER_COORD.get(url, 404)
    response = as_member(app, town.coord).get(path)
    assert response.status_code == 200
    if response.mimetype == "text/html":
        assert h1_count(response.get_data(as_text=True)) == 1


@pytest.mark.parametrize(
    "url", ["/tijdbank/", "/tijdbank/overzicht.csv", "/tijdbank/bedanken", "/tijdbank/pot-geven"]
)
def test_resident_pages_need_a_login_and_show_one_h1(app, town: Town, url: str) -> None:
    response = as_member(app, None).get(url)
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    response = as_member(app, town.alice).get(url)
    assert response.status_code == 200
    if response.mimetype == "text/html":
        assert h1_count(response.get_data(as_text=True)) == 1


# Resident pages ---------------------------------------------------------------------------


def test_thanking_through_the_form_books_once_even_when_sent_twice(app, town: Town) -> None:
    client = as_member(app, town.alice)
    page = client.get("/tijdbank/bedanken").get_data(as_text=True)
    assert "Bob" in page and "Carol" in page and "Stranger" not in page
    assert town.bob.email not in page  # names only, never contact details
    key = re.search(r'name="request_key"[^>]*value="([^"]+)"', page).group(1)
    form = {
        "to_member_id": town.bob.id,
        "hours": 1,
        "minutes": 15,
        "description": "Lamp opgehangen",
        "request_key": key,
    }
    first = client.post("/tijdbank/bedanken", data=form)
    assert first.status_code == 303 and first.headers["Location"].endswith("/tijdbank/")
    second = client.post("/tijdbank/bedanken", data=form)
    assert second.status_code == 303
    assert (balance(town.alice), balance(town.bob)) == (-75, 75)
    statement = client.get("/tijdbank/").get_data(as_text=True)
    assert "Lamp opgehangen" in statement
    assert "1 u 15 min" in statement or "1 h 15 min" in statement
    assert "already" in statement or "al " in statement


@pytest.mark.parametrize(
    "form, field",
    [
        ({"to_member_id": "999999", "hours": "1", "description": "x"}, "to_member_id"),
        ({"to_member_id": "stranger", "hours": "1", "description": "x"}, "to_member_id"),
        ({"hours": "0", "minutes": "0", "description": "x"}, "minutes"),
        ({"hours": "abc", "description": "x"}, "hours"),
        ({"hours": "-1", "description": "x"}, "hours"),
        ({"hours": "9999", "description": "x"}, "hours"),
        ({"minutes": "60", "description": "x"}, "minutes"),
        ({"hours": "1", "description": ""}, "description"),
        ({"hours": "1", "description": "x" * 10_000}, "description"),
        ({"hours": "11", "description": "te veel"}, "minutes"),  # past the lower limit
    ],
)
def test_bad_thank_you_input_is_shown_next_to_the_field(app, town: Town, form, field) -> None:
    client = as_member(app, town.alice)
    data = {"to_member_id": str(town.bob.id), "request_key": "k", **form}
    if data["to_member_id"] == "stranger":
        data["to_member_id"] = str(town.stranger.id)
    before = snapshot()
    response = client.post("/tijdbank/bedanken", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html, html[html.find("error-summary") :][:800]
    assert 'class="error-summary"' in html and h1_count(html) == 1
    assert snapshot() == before


def test_a_donation_through_the_form_reaches_the_pool(app, town: Town) -> None:
    client = as_member(app, town.alice)
    response = client.post("/tijdbank/pot-geven", data={"minutes": "30", "request_key": "d1"})
    assert response.status_code == 303
    assert (balance(town.alice), pool_balance(town.hood)) == (-30, 30)


def test_the_statement_filters_by_period_and_pages(app, town: Town) -> None:
    for n in range(30):
        services.thank(
            payer=town.alice,
            to_member_id=town.bob.id,
            minutes=1,
            description=f"regel-{n:02d}",
            actor=town.alice,
        )
    client = as_member(app, town.alice)
    html = client.get("/tijdbank/").get_data(as_text=True)
    assert "regel-29" in html and "regel-05" in html and "regel-04" not in html
    older = re.search(r'href="([^"]*voor=\d+[^"]*)"', html).group(1).replace("&amp;", "&")
    html = client.get(older).get_data(as_text=True)
    assert "regel-04" in html and "regel-05" not in html
    html = client.get("/tijdbank/?van=2001-01-01&tot=2001-12-31").get_data(as_text=True)
    assert "regel-" not in html
    bad = client.get("/tijdbank/?van=2020-05-01&tot=2020-01-01")
    assert bad.status_code == 422
    assert client.get("/tijdbank/?van=gisteren").status_code == 422


def test_the_csv_download_has_every_line_and_no_formulas(app, town: Town) -> None:
    services.thank(
        payer=town.alice,
        to_member_id=town.bob.id,
        minutes=20,
        description='=HYPERLINK("http://evil")',
        actor=town.alice,
    )
    services.thank(
        payer=town.bob, to_member_id=town.alice.id, minutes=5, description="Bedankt", actor=town.bob
    )
    response = as_member(app, town.alice).get("/tijdbank/overzicht.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3
    assert rows[1][2:6] == ["Bob", '\'=HYPERLINK("http://evil")', "-20", "-20"]
    assert rows[2][2:6] == ["Bob", "Bedankt", "5", "-15"]


# Coordinator pages ------------------------------------------------------------------------


def test_opening_a_members_statement_is_logged(app, town: Town) -> None:
    def logged() -> int:
        return db.session.scalar(
            select(func.count(AccessLogEntry.id)).where(
                AccessLogEntry.subject_id == town.bob.id, AccessLogEntry.viewer_id == town.coord.id
            )
        )

    client = as_member(app, town.coord)
    url = f"/tijdbank/beheer/leden/{town.bob.id}"
    question = client.get(url)  # first: why do you open this? (nothing seen yet)
    assert question.status_code == 200 and 'action="/beheer/waarom"' in question.text
    assert logged() == 0
    answer = {"reason": "finance", "subjects": str(town.bob.id), "next": url}
    assert client.post("/beheer/waarom", data=answer).headers["Location"].endswith(url)
    assert client.get(url).status_code == 200
    assert logged() == 1
    assert db.session.scalar(select(AccessLogEntry.reason)) == "finance"


def test_coordinator_forms_book_and_refuse(app, make, town: Town) -> None:
    make.reason(town.coord, town.alice)
    client = as_member(app, town.coord)
    base = f"/tijdbank/beheer/leden/{town.alice.id}"
    response = client.post(
        f"/tijdbank/beheer/pot/{town.hood.id}/toekennen",
        data={
            "to_member_id": town.alice.id,
            "hours": "2",
            "description": "Voor de vervoershulp",
            "category": "vervoer",
            "request_key": "g1",
        },
    )
    assert response.status_code == 303
    assert (balance(town.alice), pool_balance(town.hood)) == (120, -120)
    # Limits: a lower limit above the balance is refused on its field.
    response = client.post(
        f"{base}/limieten", data={"lower_limit": "-60", "upper_limit": "60", "reason": "proef"}
    )
    assert response.status_code == 422 and "above this upper limit" in response.get_data(
        as_text=True
    )
    assert (
        client.post(
            f"{base}/limieten", data={"lower_limit": "-60", "upper_limit": "600", "reason": ""}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{base}/limieten",
            data={"lower_limit": "-60", "upper_limit": "600", "reason": "afspraak"},
        ).status_code
        == 303
    )
    assert services.account_of(town.alice).upper_limit == 600
    # Acting for Alice, then reversing it.
    response = client.post(
        f"{base}/bedanken",
        data={
            "to_member_id": town.bob.id,
            "minutes": "20",
            "description": "Voor haar gedaan",
            "request_key": "p1",
        },
    )
    assert response.status_code == 303
    proxied = db.session.scalar(select(Transfer).where(Transfer.on_behalf_of_id == town.alice.id))
    assert proxied.entered_by_id == town.coord.id
    url = f"/tijdbank/beheer/overboekingen/{proxied.id}/terugdraaien?terug={town.alice.id}"
    assert client.post(url, data={"reason": ""}).status_code == 422
    response = client.post(url, data={"reason": "Per ongeluk"})
    assert response.status_code == 303 and response.headers["Location"].endswith(base)
    assert balance(town.alice) == 120
    assert client.post(url, data={"reason": "nog eens"}).status_code == 422  # already reversed
    # Settling closes the account.
    assert client.post(f"{base}/afrekenen", data={"reason": "verhuist"}).status_code == 422
    assert (
        client.post(f"{base}/afrekenen", data={"reason": "verhuist", "confirm": "y"}).status_code
        == 303
    )
    assert (balance(town.alice), pool_balance(town.hood)) == (0, 0)
    assert "All checks pass" in client.get("/tijdbank/beheer/gezondheid").get_data(as_text=True)


def test_the_header_shows_the_balance_and_a_warning(app, town: Town) -> None:
    services.thank(
        payer=town.alice,
        to_member_id=town.bob.id,
        minutes=500,
        description="veel hulp",
        actor=town.alice,
    )
    html = as_member(app, town.alice).get("/tijdbank/").get_data(as_text=True)
    assert 'class="balance"' in html
    assert "received a lot of help" in html or "veel hulp gekregen" in html
