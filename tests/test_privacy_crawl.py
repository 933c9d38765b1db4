"""The privacy crawl: a resident of the demo town reads everything they can reach, on the
pages and through the API, and nothing in it is another member's exact place, postcode,
e-mail address or phone number, unless the two agreed a match.

The values are searched for as the app could write them (`tests/support/secrets_scan.py`):
in any case, with or without spaces and dashes (a postcode "6521 BQ", a phone "06-1234
5678"), coordinates to four decimals (about 10 m: anything finer than a distance label),
each matched whole at its edges, one pass per page and kind.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import or_, select

from buurthulp.auth.models import Member
from buurthulp.demo import DOMAIN
from buurthulp.extensions import db
from buurthulp.listings.models import Listing
from buurthulp.matches.models import CONTACT_STATUSES, Match
from tests.conftest import DEMO_PASSWORD, demo_app
from tests.support.crawl import Page, crawl
from tests.support.secrets_scan import Secrets, coordinate_key

PASSWORD = DEMO_PASSWORD
LOGIN = f"bewoner001@{DOMAIN}"


def _secrets(others: list[Member], me: Member, allowed: set[int]) -> Secrets:
    """What `me` must not read of the others. A value `me` shares (the same postcode, so
    the same point) is mine to see; the other party of an agreed match sees my contact."""
    found = Secrets()
    mine = {coordinate_key(v) for v in (me.home_lat, me.home_lon) if v is not None}
    for member in others:
        if member.id in allowed:
            continue
        if member.email:  # a resident who is not online has none
            found.add_email(member.email, f"e-mail of member {member.id}")
        if member.phone:
            found.add_phone(member.phone, f"phone of member {member.id}")
        if member.postcode and member.postcode != me.postcode:
            found.add_postcode(member.postcode, f"postcode of member {member.id}")
            for value, name in ((member.home_lat, "latitude"), (member.home_lon, "longitude")):
                # My own data shows my own point: a neighbour on the same line is not leaked.
                if value is not None and coordinate_key(value) not in mine:
                    found.add_coordinate(value, f"{name} of member {member.id}")
    return found


def _allowed(me: Member) -> set[int]:
    """The other party of each agreed match: they see each other's contact details."""
    rows = db.session.execute(
        select(Match.owner_id, Match.responder_id).where(
            or_(Match.owner_id == me.id, Match.responder_id == me.id),
            Match.status.in_(CONTACT_STATUSES),
        )
    ).all()
    return {owner if responder == me.id else responder for owner, responder in rows}


def _api_pages(client: Any, me: Member) -> list[Page]:
    token = client.post("/api/v1/auth/token", json={"email": LOGIN, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}

    def get(path: str) -> Page:
        response = client.get(f"/api/v1{path}", headers=headers)
        return Page(path, response.status_code, response.mimetype, response.get_data(as_text=True))

    pages = [get(p) for p in ("/me", "/me/profile", "/me/transfers", "/notifications")]
    cursor, listing_ids = "", []
    while True:
        page = get(f"/listings?limit=100{cursor}")
        pages.append(page)
        body = client.get(f"/api/v1/listings?limit=100{cursor}", headers=headers).get_json()
        listing_ids += [item["id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        cursor = f"&cursor={body['next_cursor']}"
    mine = db.session.scalars(select(Listing.id).where(Listing.owner_id == me.id)).all()
    pages += [get(f"/listings/{i}") for i in {*listing_ids, *mine}]
    pages += [get(f"/listings/{i}/suggestions") for i in mine]
    my_matches = db.session.scalars(
        select(Match.id).where(or_(Match.owner_id == me.id, Match.responder_id == me.id))
    ).all()
    for match_id in my_matches:
        pages += [get(f"/matches/{match_id}"), get(f"/matches/{match_id}/messages")]
    return pages


# The demo town, built once per database for the suite.
app = pytest.fixture(scope="session", name="app")(demo_app)
pytestmark = pytest.mark.xdist_group("demo-town")


def test_a_resident_reads_no_one_elses_place_or_contact_details(app, client, db_session) -> None:
    me = db.session.scalar(select(Member).where(Member.email == LOGIN))
    allowed = _allowed(me)
    assert allowed, "the demo gives bewoner001 an agreed match: the exception is tested too"
    others = list(db.session.scalars(select(Member).where(Member.id != me.id)))
    secrets = _secrets(others, me, allowed)
    assert secrets.phones and secrets.coordinates, "the demo has phones and homes"

    response = client.post("/inloggen", data={"email": LOGIN, "password": PASSWORD})
    assert response.status_code == 303
    pages = list(crawl(client, "/"))
    web_count = len(pages)
    pages += _api_pages(client, me)

    leaks = []
    for page in pages:
        assert page.status < 500, page.url
        leaks += [f"{page.url}: {found}" for found in secrets.found_in(page.text)]
    assert leaks == []
    # The crawl went everywhere a resident goes, and the exception really shows up.
    urls = {p.url.split("?", 1)[0] for p in pages}
    for prefix in ("/hulp/", "/matches/", "/tijdbank/", "/notificaties/", "/account/profiel"):
        assert any(u.startswith(prefix) for u in urls), prefix
    assert web_count > 200
    partner = db.session.get(Member, next(iter(allowed)))
    assert any(partner.email in p.text for p in pages if p.url.startswith("/matches/"))
