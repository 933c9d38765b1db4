"""Accounts through the same paths a person takes: the forms, the mailbox, the session."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from buurthulp.accounts.models import Consent
from buurthulp.auth.models import ApiToken, Member
from buurthulp.extensions import db
from buurthulp.outbox.models import OutboxMessage
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English texts; Dutch is checked in test_translations."""
    client.post("/taal", data={"locale": "en"})


def _register(client, **overrides):
    data = {
        "display_name": "Annie",
        "email": "annie@example.org",
        "password": PASSWORD,
        "postcode": "6511 ab",
        "house_number": "12",
        "privacy_consent": "y",
    }
    data.update(overrides)
    return client.post("/aanmelden", data=data)


def _count_members() -> int:
    return db.session.scalar(select(func.count(Member.id)))


def link_in(mail, path_part: str) -> str:
    """The link in a delivered mail whose path contains `path_part` (the path only)."""
    body = mail.get_content()
    found = re.search(r"https?://\S*" + re.escape(path_part) + r"\S*", body)
    assert found, body
    return urlsplit(found.group(0)).path


def _confirm(client, mail, password: str = PASSWORD) -> None:
    path = link_in(mail, "/aanmelden/bevestigen/")
    assert client.get(path).status_code == 200
    assert client.post(path, data={"password": password}).status_code == 303


def test_signing_up_sends_a_confirmation_link_and_the_link_opens_the_account(client, make, mailbox):
    hood = make.neighbourhood("Centrum", pc4=("6511", "6512"))
    response = _register(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/aanmelden/kijk-in-je-mail")
    member = db.session.scalar(select(Member).where(Member.email == "annie@example.org"))
    assert member.status == "pending"
    assert member.neighbourhood_id == hood.id and member.postcode == "6511AB"
    assert member.role_names == ["resident"]
    assert member.password_hash.startswith("$argon2id$") and PASSWORD not in member.password_hash
    consent = db.session.scalar(select(Consent).where(Consent.member_id == member.id))
    assert consent.purpose == "privacy-statement" and consent.text_version
    # The public point is blurred away from the exact one, but stays close.
    assert (member.public_lat, member.public_lon) != (member.home_lat, member.home_lon)
    assert abs(member.public_lat - member.home_lat) < 0.01
    # Not yet: a pending account cannot log in.
    early = client.post("/inloggen", data={"email": "annie@example.org", "password": PASSWORD})
    assert early.status_code == 422 and "not confirmed yet" in early.get_data(as_text=True)
    [mail] = mailbox
    assert mail["To"] == "annie@example.org"
    _confirm(client, mail)
    db.session.expire_all()
    assert db.session.get(Member, member.id).status == "active"
    assert "Hello Annie" in client.get("/").get_data(as_text=True)


def test_the_confirmation_link_is_not_stored_and_works_once_for_its_account(client, make, mailbox):
    make.neighbourhood(pc4=("6511",))
    _register(client)
    row = db.session.scalar(select(OutboxMessage))
    assert "/aanmelden/bevestigen/" not in row.body and "[[link:confirm]]" in row.body
    path = link_in(mailbox[0], "/aanmelden/bevestigen/")
    assert client.post(path + "x", data={"password": PASSWORD}).status_code == 422  # tampered
    assert client.post(path, data={"password": PASSWORD}).status_code == 303


def test_register_log_out_and_log_in_again(client, make, mailbox):
    make.neighbourhood(pc4=("6511",))
    _register(client)
    _confirm(client, mailbox[0])
    assert client.post("/uitloggen").status_code == 303
    assert "Hello Annie" not in client.get("/").get_data(as_text=True)
    response = client.post("/inloggen", data={"email": "ANNIE@example.org", "password": PASSWORD})
    assert response.status_code == 303
    assert "Annie" in client.get("/").get_data(as_text=True)


def test_signing_up_with_a_known_address_answers_the_same_and_mails_the_owner(
    client, make, mailbox
):
    hood = make.neighbourhood(pc4=("6511",))
    owner = make.resident(hood, email="annie@example.org", name="Annie")
    before = _count_members()
    fresh = _register(client, email="someone-new@example.org")
    known = _register(client, display_name="Other", email="Annie@Example.ORG")
    assert known.status_code == fresh.status_code == 303
    assert known.headers["Location"] == fresh.headers["Location"]
    assert _count_members() == before + 1  # only the new address
    db.session.expire_all()
    assert db.session.get(Member, owner.id).display_name == "Annie"
    to_owner = [m for m in mailbox if m["To"] == "annie@example.org"]
    assert len(to_owner) == 1
    assert "already have an account" in to_owner[0].get_content()
    assert "/inloggen" in to_owner[0].get_content()


def test_signing_up_again_while_pending_replaces_the_details_and_sends_a_new_link(
    client, make, mailbox
):
    make.neighbourhood(pc4=("6511", "6512"))
    _register(client, display_name="Somebody Else", password="attacker password")
    _register(client, display_name="Annie", postcode="6512AA")
    member = db.session.scalar(select(Member).where(Member.email == "annie@example.org"))
    assert member.display_name == "Annie" and member.postcode == "6512AA"
    assert _count_members() == 1
    first, second = mailbox
    # The first link belonged to the old password: it no longer works.
    old_link = link_in(first, "/aanmelden/bevestigen/")
    assert client.post(old_link, data={"password": "attacker password"}).status_code == 422
    _confirm(client, second)
    response = client.post("/inloggen", data={"email": member.email, "password": PASSWORD})
    assert response.status_code in (200, 303)


def test_signing_up_over_someone_elses_pending_address_cannot_take_their_account(
    client, make, mailbox
):
    """Finding found in review: Annie signs up; Mallory signs up again with Annie's address
    and a password of her own. Annie finds a fresh link in her mailbox and clicks it; the
    account must not open with Mallory's password."""
    make.neighbourhood(pc4=("6511",))
    _register(client)  # Annie
    _register(client, display_name="Annie", password="mallory-password-123")  # Mallory
    path = link_in(mailbox[-1], "/aanmelden/bevestigen/")
    refused = client.post(path, data={"password": PASSWORD})  # Annie's own password
    assert refused.status_code == 422
    assert "not the password that was chosen" in refused.get_data(as_text=True)
    assert client.post(path, data={}).status_code == 422  # no password: nothing happens
    member = db.session.scalar(select(Member).where(Member.email == "annie@example.org"))
    db.session.refresh(member)
    assert member.status == "pending"
    client.post("/uitloggen")
    stolen = client.post(
        "/inloggen", data={"email": "annie@example.org", "password": "mallory-password-123"}
    )
    assert stolen.status_code == 422  # Mallory cannot log in
    # Annie signs up once more and confirms with her own password.
    _register(client)
    _confirm(client, mailbox[-1])
    db.session.refresh(member)
    assert member.status == "active"


def test_unknown_postcode_and_outside_area_get_a_clear_message(client, make):
    make.neighbourhood(pc4=("6511",))
    unknown = _register(client, postcode="0000AA")
    assert unknown.status_code == 422
    assert "Dutch postcode" in unknown.get_data(as_text=True)
    far_away = _register(client, postcode="9711AB")  # Groningen: real, but not served
    assert far_away.status_code == 422
    assert "outside the neighbourhoods we serve" in far_away.get_data(as_text=True)
    assert _count_members() == 0


def test_a_home_just_outside_the_postcodes_joins_the_nearest_neighbourhood(client, make):
    hood = make.neighbourhood(pc4=("6511",))
    assert _register(client, postcode="6512AA").status_code == 303  # next to 6511, < 2 km
    member = db.session.scalar(select(Member).where(Member.email == "annie@example.org"))
    assert member.neighbourhood_id == hood.id


def test_bad_input_on_every_registration_field(client, make, mailbox):
    make.neighbourhood(pc4=("6511",))
    huge = "x" * 10_000
    cases = {
        "display_name": ["", huge, "Annie (coördinator)", "\u3164\u200b"],
        "email": ["", "not-an-email", huge + "@example.org"],
        "password": ["", "short", huge],
        "postcode": ["", huge, "12345"],
        "house_number": ["", huge, "-1"],
        "privacy_consent": [""],
    }
    for field, values in cases.items():
        for value in values:
            response = _register(client, **{field: value})
            assert response.status_code == 422, (field, value[:20])
            body = response.get_data(as_text=True)
            assert 'class="error-summary"' in body, (field, value[:20])
    assert _count_members() == 0
    assert mailbox == []


def test_a_failed_form_keeps_what_was_typed(client, make):
    make.neighbourhood(pc4=("6511",))
    body = _register(client, password="short").get_data(as_text=True)
    assert 'value="Annie"' in body and 'value="annie@example.org"' in body
    assert 'value="12"' in body


def test_wrong_password_does_not_tell_whether_the_email_exists(client, make):
    member = make.resident()
    wrong = client.post("/inloggen", data={"email": member.email, "password": "wrong password!"})
    unknown = client.post("/inloggen", data={"email": "nobody@example.org", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 422
    message = "E-mail address or password is not right."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "/%0d%0aSet-Cookie:x",
        "/\tevil",
    ],
)
def test_login_never_redirects_to_another_site(client, make, target):
    member = make.resident()
    response = client.post(
        "/inloggen",
        query_string={"next": target},
        data={"email": member.email, "password": PASSWORD},
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert urlsplit(location).netloc in ("", "buurthulp.test"), location
    assert "evil" not in location or location.startswith("/%0d"), location


def test_login_follows_a_path_on_this_site(client, make):
    member = make.resident()
    response = client.post(
        "/inloggen?next=/tijdbank/", data={"email": member.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/tijdbank/"


def test_password_reset_by_mailed_link_works_once(client, make, mailbox):
    member = make.resident()
    response = client.post("/wachtwoord-vergeten", data={"email": member.email})
    assert response.status_code == 303
    [mail] = mailbox
    assert mail["To"] == member.email
    path = link_in(mail, "/wachtwoord-herstellen/")
    new_password = "a brand new passphrase"
    assert client.post(path, data={"password": new_password}).status_code == 303
    again = client.post(path, data={"password": "another one again"})
    assert again.status_code == 422
    login = client.post("/inloggen", data={"email": member.email, "password": new_password})
    assert login.status_code == 303


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, make, mailbox
):
    response = client.post("/wachtwoord-vergeten", data={"email": "nobody@example.org"})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert mailbox == []


def test_a_forged_reset_token_is_refused(client, make):
    make.resident()
    response = client.post(
        "/wachtwoord-herstellen/forged.token.value", data={"password": "a brand new passphrase"}
    )
    assert response.status_code == 422
    assert "not valid any more" in response.get_data(as_text=True)


def test_changing_the_password_ends_other_sessions_and_tokens(app, client, make, api_headers):
    member = make.resident()
    headers = api_headers(member)
    other_device = app.test_client()
    other_device.post("/inloggen", data={"email": member.email, "password": PASSWORD})
    client.post("/inloggen", data={"email": member.email, "password": PASSWORD})
    assert other_device.get("/account").status_code == 200
    response = client.post(
        "/account/wachtwoord",
        data={"current_password": PASSWORD, "new_password": "my new passphrase"},
    )
    assert response.status_code == 303
    assert client.get("/account").status_code == 200  # this session goes on
    assert other_device.get("/account").status_code == 302  # the other one is logged out
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.member_id == member.id)).all()
    assert all(t.revoked_at is not None for t in tokens)


def test_change_password_with_the_wrong_current_password_changes_nothing(client, make, login):
    member = make.resident()
    login(member)
    old_hash = member.password_hash
    response = client.post(
        "/account/wachtwoord",
        data={"current_password": "wrong password", "new_password": "my new passphrase"},
    )
    assert response.status_code == 422
    db.session.refresh(member)
    assert member.password_hash == old_hash
