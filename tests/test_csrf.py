"""Forms refuse posts without their CSRF token; the API needs no token but never trusts cookies.

These tests run on an app with CSRF switched on (the other tests switch it off to stay short),
on the same database and inside the same rolled-back transaction as every other test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from buurthulp import create_app
from buurthulp.auth.models import Member
from buurthulp.extensions import db
from tests.conftest import test_config as config_for
from tests.factories import CENTRUM, PASSWORD, one_time_code

TOKEN_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def csrf_client(database_url: str, db_session: Any) -> Iterator[FlaskClient]:
    """A client of an app with CSRF protection on; it shares the test's transaction."""
    protected = create_app(config_for(database_url, WTF_CSRF_ENABLED=True))
    yield protected.test_client()
    with protected.app_context():
        db.engine.dispose()


def _token(client: FlaskClient, url: str) -> str:
    page = client.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200, url
    found = TOKEN_INPUT.search(page.get_data(as_text=True))
    assert found, f"no csrf_token field on {url}"
    return found.group(1)


def _assert_refused(response: Any) -> None:
    """A 400 and the friendly page with its explanation (in whichever language is chosen)."""
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "<h1>" in body and '<p class="lead">' in body, body[:500]


def _logged_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def _members() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Member.id)))


def _log_in(client: FlaskClient, member: Member, password: str = PASSWORD) -> Any:
    """Through the form with its token; staff then through the code step, with its token."""
    token = _token(client, "/inloggen")
    response = client.post(
        "/inloggen", data={"email": member.email, "password": password, "csrf_token": token}
    )
    if response.headers.get("Location", "").endswith("/inloggen/code"):
        token = _token(client, "/inloggen/code")
        code = {"code": one_time_code(member), "csrf_token": token}
        response = client.post("/inloggen/code", data=code)
    return response


def test_logging_in_without_the_token_is_refused_with_a_friendly_page(csrf_client, make):
    member = make.resident()
    response = csrf_client.post("/inloggen", data={"email": member.email, "password": PASSWORD})
    _assert_refused(response)
    assert not _logged_in(csrf_client)


def test_logging_in_with_the_token_from_the_form_works(csrf_client, make):
    member = make.resident()
    assert _log_in(csrf_client, member).status_code == 303
    assert _logged_in(csrf_client)


def test_the_code_step_of_a_staff_login_needs_the_token_too(csrf_client, make):
    coordinator = make.coordinator()
    token = _token(csrf_client, "/inloggen")
    form = {"email": coordinator.email, "password": PASSWORD, "csrf_token": token}
    assert csrf_client.post("/inloggen", data=form).status_code == 303
    _assert_refused(csrf_client.post("/inloggen/code", data={"code": one_time_code(coordinator)}))
    assert not _logged_in(csrf_client)
    token = _token(csrf_client, "/inloggen/code")
    code = {"code": one_time_code(coordinator), "csrf_token": token}
    assert csrf_client.post("/inloggen/code", data=code).status_code == 303
    assert _logged_in(csrf_client)


def test_staff_log_in_with_the_tokens_of_both_steps(csrf_client, make):
    assert _log_in(csrf_client, make.admin()).status_code == 303
    assert csrf_client.get("/beheer/").status_code == 200


def test_a_forged_token_is_refused_like_a_missing_one(csrf_client, make):
    member = make.resident()
    data = {"email": member.email, "password": PASSWORD, "csrf_token": "forged"}
    _assert_refused(csrf_client.post("/inloggen", data=data))
    assert not _logged_in(csrf_client)


REGISTRATION = {
    "display_name": "Annie",
    "email": "annie@example.org",
    "password": PASSWORD,
    "postcode": "6511AB",
    "house_number": "12",
    "privacy_consent": "y",
}


def test_registering_without_the_token_creates_nobody(csrf_client, make):
    make.neighbourhood(pc4=CENTRUM)
    before = _members()
    _assert_refused(csrf_client.post("/aanmelden", data=REGISTRATION))
    assert _members() == before


def test_registering_with_the_token_creates_the_account(csrf_client, make):
    make.neighbourhood(pc4=CENTRUM)
    before = _members()
    token = _token(csrf_client, "/aanmelden")
    response = csrf_client.post("/aanmelden", data={**REGISTRATION, "csrf_token": token})
    assert response.status_code == 303
    assert _members() == before + 1


def test_logging_out_needs_the_token(csrf_client, make):
    member = make.resident()
    _log_in(csrf_client, member)
    _assert_refused(csrf_client.post("/uitloggen"))
    assert _logged_in(csrf_client)
    token = _token(csrf_client, "/account")  # the log-out button in the header
    assert csrf_client.post("/uitloggen", data={"csrf_token": token}).status_code == 303
    assert not _logged_in(csrf_client)


def _page_language(client: FlaskClient) -> str:
    return re.search(r'<html lang="(\w+)"', client.get("/privacy").get_data(as_text=True))[1]


def test_switching_language_needs_the_token(csrf_client):
    assert _page_language(csrf_client) == "nl"
    _assert_refused(csrf_client.post("/taal", data={"locale": "en"}))
    assert _page_language(csrf_client) == "nl"
    token = _token(csrf_client, "/privacy")
    response = csrf_client.post("/taal", data={"locale": "en", "csrf_token": token})
    assert response.status_code == 303
    assert _page_language(csrf_client) == "en"


def test_changing_the_password_needs_the_token(csrf_client, make):
    member = make.resident()
    _log_in(csrf_client, member)
    old_hash = member.password_hash
    new = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    _assert_refused(csrf_client.post("/account/wachtwoord", data=new))
    db.session.refresh(member)
    assert member.password_hash == old_hash
    token = _token(csrf_client, "/account/wachtwoord")
    response = csrf_client.post("/account/wachtwoord", data={**new, "csrf_token": token})
    assert response.status_code == 303
    db.session.refresh(member)
    assert member.password_hash != old_hash


def test_the_api_needs_no_csrf_token(csrf_client, make):
    member = make.resident()
    response = csrf_client.post(
        "/api/v1/auth/token", json={"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 201
    token = response.get_json()["token"]
    me = csrf_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["id"] == member.id


def test_the_api_ignores_a_logged_in_browser_session(csrf_client, make):
    member = make.resident()
    assert _log_in(csrf_client, member).status_code == 303
    assert _logged_in(csrf_client)
    response = csrf_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "not_authenticated"


def test_a_missing_token_on_a_json_request_gets_the_json_error(csrf_client, make):
    member = make.resident()
    response = csrf_client.post(
        "/inloggen",
        data={"email": member.email, "password": PASSWORD},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"


def test_every_form_that_posts_carries_the_csrf_token() -> None:
    """Read straight from the templates, so a form that no test happens to post is caught
    too (a match's cancel form once lacked the token and answered 400 to everyone)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    missing = []
    checked = 0
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
            if not re.search(r'method="post"', form.group(0).split(">", 1)[0], flags=re.I):
                continue
            checked += 1
            if "csrf_token" not in form.group(0):
                line = text[: form.start()].count("\n") + 1
                missing.append(f"{name}:{line}")
    assert checked > 30
    assert missing == []


def test_the_refusal_speaks_the_language_of_the_members_account(csrf_client, make):
    """The member is loaded before CSRF is checked, so a refused form is explained in the
    language of their account (not only in the one the language switcher picked)."""
    from sqlalchemy import update

    member = make.resident()
    db.session.execute(update(Member).where(Member.id == member.id).values(locale="en"))
    assert _log_in(csrf_client, member).status_code == 303
    response = csrf_client.post("/uitloggen", data={})
    _assert_refused(response)
    assert "The form had expired" in response.get_data(as_text=True)
    assert _logged_in(csrf_client)
