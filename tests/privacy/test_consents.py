"""Consents: what for, which version, when, who wrote it down and how; withdrawing the
privacy statement is erasing the account, after the member saw what that means."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from buurthulp.accounts.models import Consent
from buurthulp.audit.models import AuditEntry
from buurthulp.auth.models import Member
from buurthulp.errors import InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.privacy import consents
from tests.factories import PASSWORD


def _rows(member) -> list[Consent]:
    return list(
        db.session.scalars(
            select(Consent).where(Consent.member_id == member.id).order_by(Consent.id)
        )
    )


def test_a_member_agrees_to_a_new_version_once(street, app) -> None:
    anna = street.anna
    assert consents.missing_purposes(anna) == [consents.PRIVACY_STATEMENT]  # "test" is old
    first = consents.give(anna, consents.PRIVACY_STATEMENT, actor=anna)
    again = consents.give(anna, consents.PRIVACY_STATEMENT, actor=anna)
    assert first.id == again.id
    assert (first.text_version, first.method) == (app.config["PRIVACY_STATEMENT_VERSION"], "online")
    assert consents.missing_purposes(anna) == []
    [old, new] = consents.consents_of(anna)[::-1]
    assert (old.current, new.current, new.recorded_by) == (False, True, None)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.kind == "consent")) is None


def test_a_coordinator_writes_down_a_consent_given_by_phone(street) -> None:
    anna, coord = street.anna, street.coord
    with pytest.raises(InvalidInput) as how:
        consents.give(anna, consents.PRIVACY_STATEMENT, actor=coord, method="online")
    assert how.value.field == "method"
    with pytest.raises(NotFound):
        consents.give(anna, consents.PRIVACY_STATEMENT, actor=street.other_coord, method="phone")
    with pytest.raises(NotFound):
        consents.give(anna, consents.PRIVACY_STATEMENT, actor=street.bert, method="phone")
    consents.give(anna, consents.PRIVACY_STATEMENT, actor=coord, method="phone")
    row = consents.consents_of(anna)[0]
    assert (row.method, row.recorded_by, row.current) == ("phone", "Marieke", True)
    [audit] = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "consent")).all()
    assert (audit.actor_id, audit.member_id) == (coord.id, anna.id) and "phone" in audit.note


def test_the_privacy_statement_is_withdrawn_by_erasing_only(street, monkeypatch) -> None:
    anna = street.anna
    with pytest.raises(NotAllowed):
        consents.withdraw(anna, consents.PRIVACY_STATEMENT, actor=anna)
    # A purpose the account does not need is withdrawn at once.
    monkeypatch.setitem(consents.PURPOSES, "photos", consents.Purpose("Foto's", required=False))
    consents.give(anna, "photos", actor=anna)
    assert consents.withdraw(anna, "photos", actor=anna) == 1
    assert [
        r.withdrawn_at is not None for r in consents.consents_of(anna) if r.purpose == "photos"
    ] == [True]


def test_the_consents_page_gives_and_leads_to_erasure(street, login, english) -> None:
    client = login(street.anna)
    page = client.get("/account/toestemmingen")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "I agree" in text and "/account/verwijderen" in text
    given = client.post("/account/toestemmingen", data={"purpose": "privacy-statement"})
    assert given.status_code == 303
    assert "I agree" not in client.get("/account/toestemmingen").get_data(as_text=True)
    refused = client.post("/account/toestemmingen", data={"purpose": "something-else"})
    assert refused.status_code == 422


def test_a_member_erases_their_account_on_the_site(street, login, english) -> None:
    client, email = login(street.anna), street.anna.email
    page = client.get("/account/verwijderen")
    assert page.status_code == 200 and 'type="password"' in page.get_data(as_text=True)
    wrong = client.post("/account/verwijderen", data={"password": "nope nope nope", "confirm": "y"})
    assert wrong.status_code == 422 and "error-summary" in wrong.get_data(as_text=True)
    unticked = client.post("/account/verwijderen", data={"password": PASSWORD})
    assert unticked.status_code == 422
    assert db.session.get(Member, street.anna.id, populate_existing=True).status == "active"
    done = client.post("/account/verwijderen", data={"password": PASSWORD, "confirm": "y"})
    assert done.status_code == 303
    assert db.session.get(Member, street.anna.id, populate_existing=True).status == "erased"
    assert client.get("/account").status_code == 302  # logged out, for good
    assert client.post("/inloggen", data={"email": email, "password": PASSWORD}).status_code == 422


def test_staff_cannot_erase_their_own_account_on_the_site(street, login, english) -> None:
    client = login(street.coord)
    page = client.get("/account/verwijderen")
    assert "staff account" in page.get_data(as_text=True)
    refused = client.post("/account/verwijderen", data={"password": PASSWORD, "confirm": "y"})
    assert refused.status_code == 422
    assert db.session.get(Member, street.coord.id, populate_existing=True).status == "active"


def test_a_coordinator_erases_for_a_resident_after_typing_their_name(street, login, make) -> None:
    client = login(street.coord)
    make.reason(street.coord, street.anna, reason="resident-asked")
    url = f"/privacy/leden/{street.anna.id}/verwijderen"
    assert client.get(url).status_code == 200
    wrong = client.post(url, data={"note": "Per telefoon", "confirm_name": "Bert"})
    assert wrong.status_code == 422
    done = client.post(url, data={"note": "Per telefoon", "confirm_name": " anna "})
    assert done.status_code == 303
    assert db.session.get(Member, street.anna.id, populate_existing=True).status == "erased"
    page = client.get(f"/privacy/leden/{street.anna.id}")
    assert page.status_code == 200
    assert login(street.other_coord).get(url).status_code == 404


def test_the_staff_page_records_a_consent_and_is_access_logged(street, login, make) -> None:
    from buurthulp.access.models import AccessLogEntry

    client = login(street.coord)
    make.reason(street.coord, street.anna, reason="resident-asked")
    url = f"/privacy/leden/{street.anna.id}"
    assert client.get(url).status_code == 200
    saved = client.post(url, data={"purpose": "privacy-statement", "method": "paper"})
    assert saved.status_code == 303
    assert consents.consents_of(street.anna)[0].method == "paper"
    seen = db.session.scalars(
        select(AccessLogEntry.what).where(AccessLogEntry.subject_id == street.anna.id)
    ).all()
    assert "privacy-page" in seen
