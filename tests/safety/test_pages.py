"""Every safeguard page renders in each state it can be in, in Dutch and in English, with
one h1 and its tables stacking on a phone; what residents typed comes back escaped."""

from __future__ import annotations

import re

import pytest

from buurthulp.matches import services as matches
from buurthulp.safety import moderation, suspension
from buurthulp.safety import services as safety

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def _world(street, make):
    listing = make.listing(street.bert, title="Geld lenen?", description="Vraag")
    request = make.listing(street.anna, title="Boodschappen doen")
    match = matches.react(request.id, actor=street.bert, message="Ik help graag")
    matches.accept(match.id, actor=street.anna)
    message = matches.post_message(match.id, actor=street.bert, body=XSS)
    by_message = safety.report(
        safety.ReportInput(reason="other", text=XSS, message_id=message.id), actor=street.anna
    )
    by_listing = safety.report(
        safety.ReportInput(reason="scam", listing_id=listing.id), actor=street.carla
    )
    safety.handle_report(
        by_listing.id, actor=street.coord, outcome="hidden", note=XSS, message="Geen geld"
    )
    suspension.suspend(street.carla.id, actor=street.coord, reason=XSS)
    return listing, match, message, by_message, by_listing


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_coordinator_pages_render_in_every_state(client, login, street, make, language):
    listing, match, _message, by_message, by_listing = _world(street, make)
    login(street.coord)
    client.post("/taal", data={"locale": language})
    urls = [
        "/veiligheid/beheer/meldingen",
        f"/veiligheid/beheer/meldingen/{by_message.id}",  # a message, open
        f"/veiligheid/beheer/meldingen/{by_listing.id}",  # a listing, handled
        "/veiligheid/beheer/oproepen",
        f"/veiligheid/beheer/oproepen/{listing.id}",  # hidden, with its decisions
        f"/veiligheid/beheer/leden/{street.carla.id}/schorsing",  # suspended
        f"/veiligheid/beheer/leden/{street.bert.id}/schorsing",  # active
        f"/matches/{match.id}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert len(re.findall(r"<h1[\s>]", page)) == 1, url
        assert "<script>alert" not in page and "<img src=x" not in page, url
        for table in re.findall(r"<table[^>]*>", page):
            assert "table--stack" in table, url


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_resident_pages_render(client, login, street, make, language):
    listing, match, message, _by_message, _by_listing = _world(street, make)
    moderation.restore(listing.id, actor=street.coord)
    login(street.anna)
    client.post("/taal", data={"locale": language})

    def check(url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert len(re.findall(r"<h1[\s>]", page)) == 1, url
        assert "<script>alert" not in page, url
        return page

    for url in (
        "/veiligheid/melden",
        f"/veiligheid/melden?oproep={listing.id}",
        f"/veiligheid/melden?bericht={message.id}",
        f"/veiligheid/melden?lid={street.bert.id}",
        f"/veiligheid/blokkeren/{street.bert.id}",
        f"/hulp/{listing.id}",
        f"/matches/{match.id}",
        "/account",
    ):
        check(url)
    safety.block(street.bert.id, actor=street.anna)
    assert f"/veiligheid/blokkeren/{street.bert.id}/opheffen" in check(
        f"/veiligheid/blokkeren/{street.bert.id}"
    )
    assert "Bert" in check("/account")
