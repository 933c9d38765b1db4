"""The privacy crawl: a resident of the demo town reads everything they can reach, on the
pages and through the API, and nothing in it is another member's exact place, postcode,
e-mail address or phone number, unless the two agreed a match.

The values are searched for as the app could write them: in any case, with or without
spaces and dashes (a postcode "6521 BQ", a phone "06-1234 5678"), coordinates to four
decimals (about 10 m: anything finer than a distance label).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import or_, select

from buurthulp.auth.models import Member
from buurthulp.demo import DOMAIN, build_demo_town
from buurthulp.extensions import db
from buurthulp.listings.models import Listing
from buurthulp.matches.models import CONTACT_STATUSES, Match
from tests.support.crawl import Page, crawl

PASSWORD = "demo-password-123"
LOGIN = f"bewoner001@{DOMAIN}"


def _compact(text: str) -> str:
    """Lower case without spaces, dashes or brackets: "6521 BQ" and "06-1234 5678" alike."""
    return re.sub(r"[\s()\-]+", "", text.lower())


def _secrets_of(member: Member, me: Member) -> list[tuple[str, str]]:
    """(value as searched in the compacted text, what it is) of what must not be read.
    A value `me` shares (the same postcode, so the same point) is mine to see."""
    found = []
    if member.email:  # a resident who is not online has none
        found.append((_compact(member.email), "e-mail"))
    if member.phone:
        found.append((_compact(member.phone), "phone"))
    if member.postcode and member.postcode != me.postcode:
        found.append((_compact(member.postcode), "postcode"))
        mine = {f"{v:.4f}" for v in (me.home_lat, me.home_lon) if v is not None}
        for value, name in ((member.home_lat, "latitude"), (member.home_lon, "longitude")):
            # My own data shows my own point: a neighbour on the same line is not leaked.
            if value is not None and f"{value:.4f}" not in mine:
                found.append((f"{value:.4f}", name))
    return found


def _shows(text: str, value: str) -> bool:
    """`value` stands in `text` on its own: a coordinate or phone glued to more digits (the
    microseconds of a timestamp, "05.817712", hold "5.8177") is not one."""
    return re.search(rf"(?<!\d){re.escape(value)}", text) is not None


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


def test_a_resident_reads_no_one_elses_place_or_contact_details(app, client, db_session) -> None:
    build_demo_town(PASSWORD)
    me = db.session.scalar(select(Member).where(Member.email == LOGIN))
    allowed = _allowed(me)
    assert allowed, "the demo gives bewoner001 an agreed match: the exception is tested too"
    others = db.session.scalars(select(Member).where(Member.id != me.id)).all()
    secrets = [
        (value, f"{what} of member {member.id}")
        for member in others
        if member.id not in allowed
        for value, what in _secrets_of(member, me)
    ]
    assert any(what.startswith("phone") for _v, what in secrets), "the demo has phones"

    response = client.post("/inloggen", data={"email": LOGIN, "password": PASSWORD})
    assert response.status_code == 303
    pages = list(crawl(client, "/"))
    web_count = len(pages)
    pages += _api_pages(client, me)

    leaks = []
    for page in pages:
        assert page.status < 500, page.url
        text = _compact(page.text)
        leaks += [f"{page.url}: {what} ({value})" for value, what in secrets if _shows(text, value)]
    assert leaks == []
    # The crawl went everywhere a resident goes, and the exception really shows up.
    urls = {p.url.split("?", 1)[0] for p in pages}
    for prefix in ("/hulp/", "/matches/", "/tijdbank/", "/notificaties/", "/account/profiel"):
        assert any(u.startswith(prefix) for u in urls), prefix
    assert web_count > 200
    partner = db.session.get(Member, next(iter(allowed)))
    assert any(partner.email in p.text for p in pages if p.url.startswith("/matches/"))
