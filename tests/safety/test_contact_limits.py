"""What reaches other people is held back per member and kind (CONTACT_RATE_LIMIT): a
member who sends too many messages, thanks, transfers, invitations, guest messages, blocks
or reports in a short while gets a kind 429, and nothing more is sent. Web and API share
the count: the services hold back, not the routes."""

from __future__ import annotations

import pytest

from buurthulp.auth.limits import CONTACT_KINDS, hold_back
from buurthulp.errors import TooMany
from buurthulp.matches import services as matches
from tests.conftest import rate_limited_app
from tests.factories import log_in

pytestmark = pytest.mark.both_databases


@pytest.fixture
def contact_limited(database_url, db_session, monkeypatch):
    """An app with the contact limit on (2 an hour), in the test's transaction."""
    with rate_limited_app(database_url, monkeypatch, CONTACT_RATE_LIMIT="2 per hour") as app:
        yield app


def test_the_third_message_in_an_hour_waits_on_the_page_and_in_the_api(
    contact_limited, street, make
) -> None:
    listing = make.listing(street.anna, title="Boodschappen doen")
    match = matches.react(listing.id, actor=street.bert, message="Ik help graag")
    matches.accept(match.id, actor=street.anna)
    client = contact_limited.test_client()
    assert log_in(client, street.bert).status_code == 303
    url = f"/matches/{match.id}/bericht"
    sent = [client.post(url, data={"body": f"Bericht {n}"}) for n in range(2)]
    assert [r.status_code for r in sent] == [303, 303]
    held = client.post(url, data={"body": "Nog een"}, headers={"Accept-Language": "nl"})
    assert held.status_code == 429
    page = held.get_data(as_text=True)
    assert "Nog een" in page  # what was typed stays in the form
    assert "many times in a short while" in page or "vaak achter elkaar" in page
    thread = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "Bericht 0" in thread and "Bericht 1" in thread  # nothing more was sent
    assert "Nog een" not in thread
    from tests.factories import api_token

    api = contact_limited.test_client()
    answer = api.post(
        f"/api/v1/matches/{match.id}/messages",
        json={"body": "Via de API"},
        headers={"Authorization": f"Bearer {api_token(street.bert)}"},
    )
    assert answer.status_code == 429
    assert answer.get_json()["error"]["code"] == "too_many_requests"
    # Anna's count is her own.
    other = contact_limited.test_client()
    assert log_in(other, street.anna).status_code == 303
    assert other.post(url, data={"body": "Dank je"}).status_code == 303


def test_each_kind_is_counted_on_its_own_and_staff_are_not_held_back(
    contact_limited, street
) -> None:
    with contact_limited.test_request_context():
        for kind in CONTACT_KINDS:
            hold_back(kind, street.anna)
            hold_back(kind, street.anna)
            with pytest.raises(TooMany):
                hold_back(kind, street.anna)
        for _ in range(5):
            hold_back("message", street.coord)
        with pytest.raises(ValueError):
            hold_back("nonsense", street.anna)
