"""Accounts through the same paths a person takes: the forms, the session, the outbox."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from buurthulp.auth.models import ApiToken, Member
from buurthulp.extensions import db
from buurthulp.notifications.models import OutboxMail
from buurthulp.privacy.models import Consent
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


def test_registering_creates_a_resident_in_the_neighbourhood_of_their_postcode(client, make):
    hood = make.neighbourhood("Centrum", pc4=("6511", "6512"))
    response = _register(client)
    assert response.status_code == 302
    member = db.session.scalar(select(Member).where(Member.email == "annie@example.org"))
    assert member.neighbourhood_id == hood.id
    assert member.postcode == "6511AB"
    assert member.role_names == ["resident"]
    assert member.password_hash.startswith("$argon2id$")
    assert PASSWORD not in member.password_hash
    consent = db.session.scalar(select(Consent).where(Consent.member_id == member.id))
    assert consent.purpose == "privacy-statement" and consent.text_version
    # The public point is blurred away from the exact one, but stays close.
    assert (member.public_lat, member.public_lon) != (member.home_lat, member.home_lon)
    assert abs(member.public_lat - member.home_lat) < 0.01
    home = client.get("/")
    assert "Annie" in home.get_data(as_text=True)


def test_register_log_out_and_log_in_again(client, make):
    make.neighbourhood(pc4=("6511",))
    assert _register(client).status_code == 302
    assert client.post("/uitloggen").status_code == 302
    assert "Hello Annie" not in client.get("/").get_data(as_text=True)
    response = client.post("/inloggen", data={"email": "ANNIE@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "Annie" in client.get("/").get_data(as_text=True)


def test_a_duplicate_email_is_refused_and_nothing_is_saved(client, make):
    make.neighbourhood(pc4=("6511",))
    assert _register(client).status_code == 302
    client.post("/uitloggen")
    before = _count_members()
    response = _register(client, display_name="Other", email="Annie@Example.ORG")
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert _count_members() == before


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
    assert _register(client, postcode="6512AA").status_code == 302  # next to 6511, < 2 km
    member = db.session.scalar(select(Member).where(Member.email == "annie@example.org"))
    assert member.neighbourhood_id == hood.id


def test_bad_input_on_every_registration_field(client, make):
    make.neighbourhood(pc4=("6511",))
    huge = "x" * 10_000
    cases = {
        "display_name": ["", huge],
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


def test_wrong_password_does_not_tell_whether_the_email_exists(client, make):
    member = make.resident()
    wrong = client.post("/inloggen", data={"email": member.email, "password": "wrong password!"})
    unknown = client.post("/inloggen", data={"email": "nobody@example.org", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 422
    message = "E-mail address or password is not right."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_login_never_redirects_to_another_site(client, make):
    member = make.resident()
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(
            f"/inloggen?next={target}", data={"email": member.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/"), target
        assert "evil" not in response.headers["Location"]
        client.post("/uitloggen")


def test_password_reset_by_mailed_token_works_once(client, make):
    member = make.resident()
    response = client.post("/wachtwoord-vergeten", data={"email": member.email})
    assert response.status_code == 302
    mail = db.session.scalar(select(OutboxMail).order_by(OutboxMail.id.desc()))
    assert mail.to == member.email
    link = re.search(r"http\S+/wachtwoord-herstellen/(\S+)", mail.body)
    assert link, mail.body
    token = link.group(1)
    new_password = "a brand new passphrase"
    assert (
        client.post(f"/wachtwoord-herstellen/{token}", data={"password": new_password}).status_code
        == 302
    )
    again = client.post(f"/wachtwoord-herstellen/{token}", data={"password": "another one again"})
    assert again.status_code == 422
    assert (
        client.post("/inloggen", data={"email": member.email, "password": new_password}).status_code
        == 302
    )


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, make):
    response = client.post("/wachtwoord-vergeten", data={"email": "nobody@example.org"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0


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
    response = client.post(
        "/account/wachtwoord",
        data={"current_password": PASSWORD, "new_password": "my new passphrase"},
    )
    assert response.status_code == 302
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
