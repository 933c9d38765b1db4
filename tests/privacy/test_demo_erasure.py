"""Erase a busy member in the middle of the demo town: the ledger still verifies, and a
neighbour who had matches with them (and so saw their contact details) can reach none of
their data any more, on the pages or through the API."""

from __future__ import annotations

import pytest
from sqlalchemy import or_, select

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import CLI
from buurthulp.db import transaction
from buurthulp.demo import DOMAIN
from buurthulp.extensions import db
from buurthulp.listings.models import Listing
from buurthulp.matches.models import Match
from buurthulp.privacy.erasure import erase
from tests.conftest import DEMO_PASSWORD, demo_app
from tests.privacy.helpers import make_busy
from tests.support.crawl import Page, crawl
from tests.support.secrets_scan import Secrets, coordinate_key

PASSWORD = DEMO_PASSWORD
NAME = "Gerrit Zwanenburg"


def _by_email(local: str) -> Member:
    return db.session.scalar(select(Member).where(Member.email == f"{local}@{DOMAIN}"))


def _values_of(member: Member, me: Member) -> Secrets:
    found = Secrets()
    found.add_email(member.email, "e-mail")
    found.add_phrase(NAME, "name")
    found.add_phone(member.phone, "phone")
    if member.postcode != me.postcode:
        found.add_postcode(member.postcode, "postcode")
    mine = {coordinate_key(me.home_lat), coordinate_key(me.home_lon)}  # my export: my point
    for value, what in ((member.home_lat, "latitude"), (member.home_lon, "longitude")):
        if coordinate_key(value) not in mine:
            found.add_coordinate(value, what)
    for text in ("Bel aan bij nummer 12", "Mijn sleutel ligt bij de buren", "Het was korter"):
        found.add_phrase(text, f"what they wrote: {text}")
    return found


def _api_pages(client, me: Member, member_id: int) -> list[Page]:
    token = client.post("/api/v1/auth/token", json={"email": me.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}

    def get(path: str) -> Page:
        response = client.get(f"/api/v1{path}", headers=headers)
        return Page(path, response.status_code, response.mimetype, response.get_data(as_text=True))

    pages = [get(p) for p in ("/me", "/me/export", "/me/transfers?limit=100", "/notifications")]
    shared = db.session.scalars(
        select(Match.id).where(
            or_(Match.owner_id == me.id, Match.responder_id == me.id),
            or_(Match.owner_id == member_id, Match.responder_id == member_id),
        )
    ).all()
    assert len(shared) >= 5
    for match_id in shared:
        pages += [get(f"/matches/{match_id}"), get(f"/matches/{match_id}/messages")]
    theirs = db.session.scalars(select(Listing.id).where(Listing.owner_id == member_id)).all()
    pages += [get(f"/listings/{i}") for i in theirs]
    return pages


# The demo town, built once per database for the suite.
app = pytest.fixture(scope="session", name="app")(demo_app)
pytestmark = pytest.mark.xdist_group("demo-town")


def test_erasing_a_busy_member_of_the_demo_town(app, client, db_session, make, runner) -> None:
    me, busy, carla = _by_email("bewoner001"), _by_email("bewoner007"), _by_email("bewoner013")
    assert me.neighbourhood_id == busy.neighbourhood_id == carla.neighbourhood_id
    with transaction():
        db.session.get_one(Member, busy.id).display_name = NAME
    make_busy(make, busy, me, carla)
    values = _values_of(busy, me)
    # Before: the neighbour really sees them (the crawl below can find what it looks for).
    client.post("/inloggen", data={"email": me.email, "password": PASSWORD})
    before = client.get("/matches/").get_data(as_text=True) + client.get("/notificaties/").get_data(
        as_text=True
    )
    assert NAME in before

    done = erase(busy, actor=CLI, note="test")
    assert done.matches_cancelled >= 5 and done.settled_minutes < 0

    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0, verified.output
    client.post("/inloggen", data={"email": me.email, "password": PASSWORD})
    pages = list(crawl(client, "/"))
    assert len(pages) > 100
    pages += _api_pages(client, me, busy.id)
    leaks = []
    for page in pages:
        assert page.status < 500, page.url
        leaks += [f"{page.url}: {what}" for what in values.found_in(page.text)]
    assert leaks == []
    assert any(done.pseudonym in p.text for p in pages if p.url.startswith("/matches/"))
