"""Export (AVG art. 15 and 20): all of a member's data, as JSON and as a page, through the
web, the API and a coordinator; never another member's contact details or place."""

from __future__ import annotations

import json

from sqlalchemy import select

from buurthulp.access.models import AccessLogEntry
from buurthulp.audit.models import AuditEntry
from buurthulp.extensions import db
from buurthulp.privacy.export import export_of
from buurthulp.schemas_base import slot_bits
from tests.privacy.helpers import make_busy


def _others_secrets(me, *members) -> list[str]:
    """Their e-mail, phone, and place (unless we share a postcode: then it is mine too)."""
    found = []
    for member in members:
        found.append(member.email)
        if member.postcode != me.postcode:
            found += [member.postcode, f"{member.home_lat:.4f}", f"{member.home_lon:.4f}"]
        if member.phone:
            found.append(member.phone)
    return found


def test_the_export_holds_everything_of_mine_and_nothing_of_theirs(street, make) -> None:
    anna, bert, carla = street.anna, street.bert, street.carla
    busy = make_busy(make, anna, bert, carla)
    from buurthulp.accounts.services import update_profile

    update_profile(
        bert,
        interests="",
        talents="",
        availability=0,
        radius_m=2000,
        languages="",
        phone="06 9999 0000",
        actor=bert,
    )
    export = export_of(anna)
    assert export.profile.email == anna.email and export.profile.phone == "06 1234 5678"
    assert export.profile.home_point is not None and export.profile.interests == ["wandelen"]
    assert len(export.listings) == 7
    assert {m.id for m in export.matches} == {m.id for m in busy.matches.values()}
    assert {m.other_party for m in export.matches} == {"Bert", "Carla"}
    reacted = next(m for m in export.matches if m.id == busy.matches["reacted"].id)
    assert reacted.my_reaction == "Ik help je graag" and reacted.my_part == "responder"
    proposed = next(m for m in export.matches if m.id == busy.matches["proposed"].id)
    assert proposed.my_reaction is None  # Bert wrote that one
    assert [m.body for m in export.messages] == ["Bel aan bij nummer 12"]
    assert [t.body for t in export.thanks] == ["Dank je wel lieve Bert"]
    assert export.ledger.balance_minutes == -120 and export.ledger.entries
    assert [c.text_version for c in export.consents] == ["test"]
    assert export.notifications
    text = export.model_dump_json()
    for secret in _others_secrets(anna, bert, carla):
        assert secret not in text
    assert "Ik kom om tien uur" not in text  # Bert's message is Bert's


def test_a_member_downloads_json_and_a_page(street, login, english) -> None:
    client = login(street.anna)
    page = client.get("/account/mijn-gegevens")
    assert page.status_code == 200 and "<h1>My data</h1>" in page.get_data(as_text=True)
    as_json = client.get("/account/mijn-gegevens/gegevens.json")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert "attachment" in as_json.headers["Content-Disposition"]
    assert as_json.headers["Cache-Control"] == "no-store"
    body = json.loads(as_json.get_data(as_text=True))
    assert body["format"] == "buurthulp-export" and body["profile"]["email"] == street.anna.email
    document = client.get("/account/mijn-gegevens/gegevens.html")
    html = document.get_data(as_text=True)
    assert document.mimetype == "text/html" and html.count("<h1>") == 1
    assert "<script" not in html and "stylesheet" not in html  # it reads on its own
    # A member looking at their own data is not in their access log.
    assert db.session.scalar(select(AccessLogEntry)) is None


def test_the_api_gives_the_same_export(street, api) -> None:
    response = api(street.anna).get("/me/export")
    assert response.status_code == 200
    body = response.get_json()
    assert body["profile"]["id"] == street.anna.id
    assert set(body) >= {"listings", "matches", "messages", "ledger", "consents", "access_log"}
    assert api(None).get("/me/export").status_code == 401
    spec = api(None).get("/openapi.json").get_json()
    assert "/api/v1/me/export" in spec["paths"]


def test_a_coordinator_exports_for_a_resident_and_it_is_logged_twice(street, login, make) -> None:
    client = login(street.coord)
    make.reason(street.coord, street.anna, reason="resident-asked")
    url = f"/privacy/leden/{street.anna.id}/export"
    printed = client.post(url, data={"format": "html"})
    assert printed.status_code == 200 and "inline" in printed.headers["Content-Disposition"]
    assert street.anna.email in printed.get_data(as_text=True)
    as_json = client.post(url, data={"format": "json"})
    assert json.loads(as_json.get_data(as_text=True))["profile"]["id"] == street.anna.id
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "export")).all()
    assert [(r.actor_id, r.member_id, r.note) for r in audit] == [
        (street.coord.id, street.anna.id, "html"),
        (street.coord.id, street.anna.id, "json"),
    ]
    seen = db.session.scalars(
        select(AccessLogEntry.what).where(AccessLogEntry.subject_id == street.anna.id)
    ).all()
    assert seen.count("export") == 2
    # Another neighbourhood's coordinator may not know she exists; a resident may not ask.
    other = login(street.other_coord)
    assert other.post(url, data={"format": "json"}).status_code == 404


def test_a_resident_cannot_export_someone_else(street, login) -> None:
    client = login(street.bert)
    response = client.post(f"/privacy/leden/{street.anna.id}/export", data={"format": "json"})
    assert response.status_code == 403


def test_the_page_to_print_stacks_its_tables_on_a_phone_with_its_own_allowed_style(
    street, login, make
) -> None:
    """The page stands alone (no stylesheet to fetch, also when saved), yet its tables must
    not scroll sideways on a phone: it carries a few rules inline, and its CSP allows
    exactly those by hash (any other inline style stays refused). The browser journey
    (tests/browser/test_safeguards.py) checks the reflow itself at 320 px."""
    import base64
    import hashlib
    import re

    member = login(street.anna).get("/account/mijn-gegevens/gegevens.html")
    make.reason(street.coord, street.anna, reason="resident-asked")
    staff = login(street.coord).post(
        f"/privacy/leden/{street.anna.id}/export", data={"format": "html"}
    )
    for response in (member, staff):
        html = response.get_data(as_text=True)
        [css] = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
        assert "display:block" in css and "&#" not in css  # the rules, not escaped
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        policy = response.headers["Content-Security-Policy"]
        assert f"style-src 'self' 'sha256-{digest}';" in policy
        assert "unsafe-inline" not in policy and "script-src 'self'" in policy
        assert 'rel="icon" href="data:,"' in html  # no request for /favicon.ico either


def test_the_export_says_everything_a_listing_says(street, make) -> None:
    """One shape per entity: the export's listing is the API's (tags, parts of the week, the
    end date, capacity, repetition were missing from a second set of shapes)."""
    morning = slot_bits(["weekday_morning"])
    make.listing(street.anna, title="Samen wandelen", tags=["wandelen"], slots=morning)
    make.listing(street.anna, "activity", title="Koffieochtend", recurrence="weekly")
    exported = export_of(street.anna).model_dump(mode="json")
    by_title = {item["title"]: item for item in exported["listings"]}
    walk, coffee = by_title["Samen wandelen"], by_title["Koffieochtend"]
    assert walk["tags"] == ["wandelen"] and walk["slots"] == ["weekday_morning"]
    assert walk["expires_at"] is not None and walk["distance_label"] is None
    assert (coffee["capacity"], coffee["recurrence"]) == (10, "weekly")
    assert {"code", "helpers_needed", "closed_at", "skipped_dates"} <= set(walk)
