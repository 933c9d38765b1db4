"""Two-step verification (TOTP): set up through the pages, log in with a code or a recovery
code, staff blocked until it is done, the API's `otp`, the admin's reset, and sessions that
end on every device when they must."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import func, select

from buurthulp.accounts import second_factor
from buurthulp.audit.models import AuditEntry
from buurthulp.auth import totp
from buurthulp.auth.models import (
    ApiToken,
    AuthSession,
    Member,
    RecoveryCode,
)
from buurthulp.auth.permissions import CLI
from buurthulp.auth.services import issue_api_token
from buurthulp.db import transaction
from buurthulp.errors import NotAllowed, NotAuthenticated
from buurthulp.extensions import db
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from buurthulp.notifications.services import notifications_for
from tests.auth.factor_helpers import People, codes_on, factor_of, make_people
from tests.factories import PASSWORD, STAFF_OTP_SECRET, log_in, one_time_code

STAFF_PAGE = "/tijdbank/beheer"


@pytest.fixture
def people(make: Any) -> People:
    return make_people(make)


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English texts; Dutch is checked in test_translations."""
    client.post("/taal", data={"locale": "en"})


def _path(response: Any) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def _password(client: Any, member: Member) -> Any:
    return client.post("/inloggen", data={"email": member.email, "password": PASSWORD})


def _start_set_up(client: Any, code: str | None = None) -> str:
    """Press "set up on my phone" (with the password and `code` when a factor is in use);
    the secret shown on the page (for typing in)."""
    again = {"phone-password": PASSWORD, "phone-code": code} if code else {}
    assert client.post("/account/tweestapsverificatie/starten", data=again).status_code == 303
    page = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    found = re.search(r'<strong class="secret">([A-Z2-7 ]+)</strong>', page)
    assert found, page
    return found.group(1).replace(" ", "")


# Setting up through the pages -----------------------------------------------------------------


def test_a_resident_sets_it_up_with_a_qr_code_and_gets_ten_recovery_codes_once(
    client, people, login
):
    login(people.anna)
    account = client.get("/account").get_data(as_text=True)
    assert "Two-step verification</a>" not in account  # a status follows the words
    assert "Two-step verification: off" in account
    intro = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert "Set up on my phone" in intro and "<svg" not in intro
    secret = _start_set_up(client)
    page = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert "<svg" in page and "QR code" in page  # the otpauth:// address as a QR code
    assert "Type the code the app now shows" in page

    wrong = client.post("/account/tweestapsverificatie", data={"code": "000000"})
    assert wrong.status_code == 422 and "This code is not right" in wrong.get_data(as_text=True)
    assert factor_of(people.anna).enabled_at is None

    right = client.post("/account/tweestapsverificatie", data={"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 200
    codes = codes_on(right.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert factor_of(people.anna).enabled_at is not None
    # Stored hashed only, never as typed.
    stored = set(
        db.session.scalars(
            select(RecoveryCode.code_hash).where(RecoveryCode.member_id == people.anna.id)
        )
    )
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert not any(c in h or c.replace("-", "") in h for c in codes for h in stored)
    # Shown once: the page afterwards says how many are left, not which.
    after = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert "You have 10 recovery codes left." in after
    assert not codes_on(after)
    # This browser proved the code: its session counts as passed.
    db.session.expire_all()
    live = db.session.scalars(
        select(AuthSession).where(
            AuthSession.member_id == people.anna.id, AuthSession.revoked_at.is_(None)
        )
    ).all()
    assert len(live) == 1 and live[0].second_factor_at is not None


def test_turning_it_on_logs_out_the_other_devices(app, client, people, login, api_headers):
    phone = app.test_client()
    assert log_in(phone, people.anna).status_code == 303
    headers = api_headers(people.anna)
    login(people.anna)
    secret = _start_set_up(client)
    client.post("/account/tweestapsverificatie", data={"code": pyotp.TOTP(secret).now()})
    assert phone.get("/account").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/account").status_code == 200  # this browser stays


def test_the_secret_is_sealed_in_the_database_not_stored_plain(app, people):
    row = factor_of(people.coord)
    assert row.secret and STAFF_OTP_SECRET not in row.secret
    assert STAFF_OTP_SECRET.lower() not in row.secret.lower()
    assert totp.open_secret(row.secret, people.coord.id) == STAFF_OTP_SECRET
    # Another member's row, or another data key, does not open it.
    assert totp.open_secret(row.secret, people.anna.id) is None
    other_key = {**app.config, "BUURTHULP_DATA_KEY": "another-key"}
    original = dict(app.config)
    app.config.update(other_key)
    try:
        assert totp.open_secret(row.secret, people.coord.id) is None
    finally:
        app.config.clear()
        app.config.update(original)
    # Not SECRET_KEY either: a new session secret changes nothing.
    app.config["SECRET_KEY"], old = "a rotated session secret", app.config["SECRET_KEY"]
    try:
        assert totp.open_secret(row.secret, people.coord.id) == STAFF_OTP_SECRET
    finally:
        app.config["SECRET_KEY"] = old


def test_a_half_finished_new_set_up_keeps_the_old_phone_working(client, people, login):
    codes = second_factor.enable_with_secret(people.coord, STAFF_OTP_SECRET, actor=CLI)
    login(people.coord)
    _start_set_up(client, codes[0])  # a new phone, not confirmed
    assert factor_of(people.coord).pending_secret is not None
    other = client.application.test_client()
    assert log_in(other, people.coord).status_code == 303  # the old secret still works


def test_staff_cannot_turn_it_off_only_set_it_up_again(client, people, login):
    login(people.coord)
    page = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert "Turn it off" not in page and "New phone?" in page
    response = client.post(
        "/account/tweestapsverificatie/uitzetten", data={"off-code": one_time_code(people.coord)}
    )
    assert response.status_code == 403
    assert factor_of(people.coord).enabled_at is not None
    with pytest.raises(NotAllowed):
        second_factor.turn_off(people.coord, one_time_code(people.coord), actor=people.coord)


def test_a_resident_turns_it_off_with_a_code(client, people, login):
    second_factor.enable_with_secret(people.anna, STAFF_OTP_SECRET, actor=CLI)
    login(people.anna)
    wrong = client.post("/account/tweestapsverificatie/uitzetten", data={"off-code": "12345"})
    assert wrong.status_code == 422 and factor_of(people.anna) is not None
    code = {"off-code": one_time_code(people.anna)}
    response = client.post("/account/tweestapsverificatie/uitzetten", data=code)
    assert response.status_code == 303
    assert factor_of(people.anna) is None
    assert db.session.scalar(select(func.count(RecoveryCode.id))) >= 10  # the others' codes
    assert not db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.member_id == people.anna.id)
    ).all()


# Logging in with a code -----------------------------------------------------------------------


def test_with_a_second_factor_the_password_alone_logs_nobody_in(client, people):
    response = _password(client, people.coord)
    assert response.status_code == 303 and _path(response) == "/inloggen/code"
    assert _path(client.get("/account")) == "/inloggen"  # not logged in yet
    wrong = client.post("/inloggen/code", data={"code": "000000"})
    assert wrong.status_code == 422
    assert "This code is not right" in wrong.get_data(as_text=True)
    right = client.post("/inloggen/code", data={"code": one_time_code(people.coord)})
    assert right.status_code == 303
    assert client.get(STAFF_PAGE).status_code == 200
    session_row = db.session.scalar(
        select(AuthSession).where(AuthSession.member_id == people.coord.id)
    )
    assert session_row.second_factor_at is not None


def test_the_code_step_keeps_where_the_member_was_going(client, people):
    response = client.post(
        f"/inloggen?next={STAFF_PAGE}", data={"email": people.coord.email, "password": PASSWORD}
    )
    assert urlsplit(response.headers["Location"]).query == f"next={STAFF_PAGE}"
    done = client.post(
        f"/inloggen/code?next={STAFF_PAGE}", data={"code": one_time_code(people.coord)}
    )
    assert _path(done) == STAFF_PAGE


def test_a_code_is_accepted_once_not_again_within_its_window(app, client, people):
    code = one_time_code(people.coord)
    _password(client, people.coord)
    assert client.post("/inloggen/code", data={"code": code}).status_code == 303
    thief = app.test_client()
    _password(thief, people.coord)
    replay = thief.post("/inloggen/code", data={"code": code})
    assert replay.status_code == 422
    assert _path(thief.get(STAFF_PAGE)) == "/inloggen"


def test_a_recovery_code_logs_in_once_and_then_is_used_up(app, client, people):
    codes = second_factor.enable_with_secret(people.anna, STAFF_OTP_SECRET, actor=CLI)
    _password(client, people.anna)
    typed = codes[3].upper().replace("-", " ")  # as read from paper: any case, spaces
    assert client.post("/inloggen/code", data={"code": typed}).status_code == 303
    assert totp.recovery_codes_left(people.anna.id) == 9
    again = app.test_client()
    _password(again, people.anna)
    assert again.post("/inloggen/code", data={"code": codes[3]}).status_code == 422
    assert again.post("/inloggen/code", data={"code": codes[4]}).status_code == 303


def test_the_code_step_expires_and_survives_no_password_change(client, people):
    _password(client, people.coord)
    with client.session_transaction() as cookie:
        cookie["held_login"] = {**cookie["held_login"], "t": cookie["held_login"]["t"] - 3600}
    late = client.post("/inloggen/code", data={"code": one_time_code(people.coord)})
    assert late.status_code == 302 and _path(late) == "/inloggen"
    assert client.get("/inloggen/code").status_code == 302


def test_nobody_reaches_the_code_step_without_the_password(client, people):
    response = client.post("/inloggen/code", data={"code": one_time_code(people.coord)})
    assert _path(response) == "/inloggen"
    assert _path(client.get("/account")) == "/inloggen"


def test_wrong_codes_count_with_wrong_passwords_per_account(people, limited):
    """3 failures a minute per account (the `limited` app): a password and two codes."""
    visitor = limited.test_client()
    wrong_password = {"email": people.coord.email, "password": "not my password"}
    assert visitor.post("/inloggen", data=wrong_password).status_code == 422
    assert _password(visitor, people.coord).status_code == 303
    statuses = [visitor.post("/inloggen/code", data={"code": "000000"}).status_code]
    other = limited.test_client()  # another browser, the same account
    _password(other, people.coord)
    statuses.append(other.post("/inloggen/code", data={"code": "111111"}).status_code)
    statuses.append(
        other.post("/inloggen/code", data={"code": one_time_code(people.coord)}).status_code
    )
    assert statuses == [422, 422, 429]
    # The API's codes meet the same count.
    api = limited.test_client().post(
        "/api/v1/auth/token",
        json={"email": people.coord.email, "password": PASSWORD, "otp": "000000"},
    )
    assert api.status_code == 429


# Staff without a second factor ------------------------------------------------------------------


def test_staff_without_it_are_sent_to_set_it_up_and_see_no_resident_data(client, people):
    first = _password(client, people.newcomer)
    assert first.status_code == 303 and _path(first) == "/account/tweestapsverificatie"
    page = client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert "<svg" in page  # the QR code at once: one step less for a newcomer
    assert "You see residents' data only after you have set this up." in page
    for url in (STAFF_PAGE, f"/tijdbank/beheer/leden/{people.anna.id}", "/matches/beheer"):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert _path(blocked) == "/account/tweestapsverificatie", url
    assert client.get("/account").status_code == 200  # their own account is fine
    secret = totp.open_secret(factor_of(people.newcomer).pending_secret, people.newcomer.id)
    done = client.post(
        f"/account/tweestapsverificatie?next={STAFF_PAGE}",
        data={"code": pyotp.TOTP(secret).now()},
    )
    assert done.status_code == 200 and len(codes_on(done.get_data(as_text=True))) == 10
    assert f'href="{STAFF_PAGE}"' in done.get_data(as_text=True)
    assert client.get(STAFF_PAGE).status_code == 200


def test_a_staff_session_from_before_the_second_factor_is_blocked(client, people):
    """A session row without the second step (from before this existed) shows staff nothing."""
    log_in(client, people.coord)
    with transaction():
        db.session.execute(
            AuthSession.__table__.update()
            .where(AuthSession.member_id == people.coord.id)
            .values(second_factor_at=None)
        )
    assert _path(client.get(STAFF_PAGE)) == "/account/tweestapsverificatie"


def test_staff_logging_in_again_halfway_get_a_new_qr_code(app, client, people):
    """Each login draws a new secret for its own browser: whoever logged in first (with a
    leaked first password) does not learn the one that will be set up."""
    _password(client, people.newcomer)
    pending = factor_of(people.newcomer).pending_secret
    first = totp.open_secret(pending, people.newcomer.id)
    _password(app.test_client(), people.newcomer)
    assert factor_of(people.newcomer).pending_secret != pending
    assert totp.open_secret(factor_of(people.newcomer).pending_secret, people.newcomer.id) != first


# The API ----------------------------------------------------------------------------------------


def test_the_api_token_needs_the_otp_field_when_the_member_has_a_second_factor(client, people):
    body = {"email": people.coord.email, "password": PASSWORD}
    missing = client.post("/api/v1/auth/token", json=body)
    assert missing.status_code == 401
    assert missing.get_json()["error"]["code"] == "otp_required"
    wrong = client.post("/api/v1/auth/token", json={**body, "otp": "000000"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "otp_invalid"
    code = one_time_code(people.coord)
    right = client.post("/api/v1/auth/token", json={**body, "otp": code})
    assert right.status_code == 201
    token = right.get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["id"] == people.coord.id
    replay = client.post("/api/v1/auth/token", json={**body, "otp": code})
    assert replay.status_code == 401 and replay.get_json()["error"]["code"] == "otp_invalid"


def test_a_resident_without_a_second_factor_needs_no_otp(client, people):
    body = {"email": people.anna.email, "password": PASSWORD}
    assert client.post("/api/v1/auth/token", json=body).status_code == 201


def test_staff_without_a_second_factor_get_no_api_token(client, people):
    body = {"email": people.newcomer.email, "password": PASSWORD}
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "second_factor_setup_required"
    assert "two-step verification" in error["message"]
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_a_staff_token_without_the_second_step_opens_nothing(client, people):
    """A token from before the second factor existed: refused with a clear error."""
    from buurthulp.auth.services import token_hash

    with transaction():
        db.session.add(
            ApiToken(
                member_id=people.coord.id,
                token_hash=token_hash("an-old-token-from-before-" + "x" * 20),
                session_version=people.coord.session_version,
                expires_at=utcnow() + timedelta(days=1),
            )
        )
    headers = {"Authorization": "Bearer an-old-token-from-before-" + "x" * 20}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "second_factor_required"


def test_the_openapi_document_describes_otp_and_its_errors(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/auth/token"]["post"]
    assert "otp_required" in operation["responses"]["401"]["description"]
    assert "second_factor_setup_required" in operation["responses"]["403"]["description"]
    assert "otp" in spec["components"]["schemas"]["TokenIn"]["properties"]


# Losing the phone: the admin's reset --------------------------------------------------------------


def test_an_admin_resets_it_logged_told_and_every_session_and_token_ends(
    app, client, people, login, api_headers
):
    phone, laptop = app.test_client(), app.test_client()
    assert log_in(phone, people.coord).status_code == 303
    assert log_in(laptop, people.coord).status_code == 303
    headers = api_headers(people.coord)
    login(people.admin)
    assert client.get("/beheer/").get_data(as_text=True).count("/beheer/tweestapsverificatie")
    form = {"email": people.coord.email, "reason": "Telefoon kwijt, belde zelf", "checked": "y"}
    response = client.post("/beheer/tweestapsverificatie", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert factor_of(people.coord) is None
    assert not db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.member_id == people.coord.id)
    ).all()
    [row] = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "second-factor"))
    assert (row.actor_id, row.member_id, row.note) == (
        people.admin.id,
        people.coord.id,
        "Telefoon kwijt, belde zelf",
    )
    assert row.neighbourhood_id == people.hood.id
    # Every device and token, at once.
    assert _path(phone.get(STAFF_PAGE)) == "/inloggen"
    assert _path(laptop.get("/account")) == "/inloggen"
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    told = db.session.scalars(
        select(Notification).where(Notification.member_id == people.coord.id)
    ).all()
    assert [n.kind for n in told] == [second_factor.RESET_KIND]
    notices = _password(phone, people.coord)  # staff: straight to setting it up again
    assert _path(notices) == "/account/tweestapsverificatie"
    with force_locale("en"):
        [notice] = notifications_for(people.coord)
        assert "Beheer reset your two-step verification" in notice.text


def test_the_reset_form_says_what_is_wrong_and_needs_the_check(client, people, login):
    login(people.admin)
    unknown = {"email": "nobody@example.org", "reason": "kwijt", "checked": "y"}
    response = client.post("/beheer/tweestapsverificatie", data=unknown)
    assert response.status_code == 422
    assert "No member has this e-mail address." in response.get_data(as_text=True)
    nothing = {"email": people.anna.email, "reason": "kwijt", "checked": "y"}
    response = client.post("/beheer/tweestapsverificatie", data=nothing)
    assert response.status_code == 422
    assert "no two-step verification to reset" in response.get_data(as_text=True)
    unchecked = {"email": people.coord.email, "reason": "kwijt"}
    assert client.post("/beheer/tweestapsverificatie", data=unchecked).status_code == 422
    assert factor_of(people.coord) is not None


def test_only_an_admin_may_reset(people):
    with pytest.raises(NotAllowed):
        second_factor.reset(people.anna, actor=people.coord, reason="kwijt")
    with pytest.raises(NotAllowed):
        second_factor.reset(people.coord, actor=people.anna, reason="kwijt")
    assert factor_of(people.coord) is not None


# Suspension ends every session, on every device -------------------------------------------------


def _set_status(member: Member, status: str) -> None:
    from buurthulp.auth.services import deactivate

    with transaction():
        fresh = db.session.get_one(Member, member.id)
        if status == "active":
            fresh.status = status
        else:
            deactivate(fresh, status)  # the one way out of "active"


def test_leaving_active_any_other_way_is_refused(people) -> None:
    """Sessions end one way: a status written past `deactivate` would leave them running."""
    with pytest.raises(RuntimeError, match="deactivate"), transaction():
        db.session.get_one(Member, people.anna.id).status = "suspended"
    assert db.session.get_one(Member, people.anna.id).status == "active"


def test_a_suspended_member_is_logged_out_everywhere_at_once_and_stays_out(
    app, client, people, login, api_headers
):
    other_device = app.test_client()
    assert log_in(other_device, people.anna).status_code == 303
    headers = api_headers(people.anna)
    login(people.anna)
    assert client.get("/account").status_code == 200
    assert other_device.get("/api/v1/me", headers=headers).status_code == 200
    _set_status(people.anna, "suspended")
    assert _path(client.get("/account")) == "/inloggen"
    assert _path(other_device.get("/account")) == "/inloggen"
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    # Restoring the account brings no old session or token back.
    _set_status(people.anna, "active")
    assert _path(client.get("/account")) == "/inloggen"
    assert _path(other_device.get("/account")) == "/inloggen"
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert log_in(client, people.anna).status_code == 303  # a new login works


def test_a_suspended_staff_member_is_refused_at_the_code_step(client, people):
    _password(client, people.coord)
    _set_status(people.coord, "suspended")
    response = client.post("/inloggen/code", data={"code": one_time_code(people.coord)})
    assert _path(response) == "/inloggen"


# The services ----------------------------------------------------------------------------------


def test_consuming_a_code_is_refused_outside_a_transaction_and_for_junk(people):
    with pytest.raises(RuntimeError):
        totp.consume(people.coord.id, "123456")
    for junk in (None, "", 123456, "x" * 200, "12345a", "\x00"):
        with pytest.raises(NotAuthenticated), transaction():
            totp.consume(people.coord.id, junk)


def test_only_the_member_sets_up_their_own(people):
    with pytest.raises(NotAllowed):
        second_factor.begin_set_up(people.anna, actor=people.coord, session_id=None)
    with pytest.raises(NotAllowed):
        second_factor.enable_with_secret(people.anna, STAFF_OTP_SECRET, actor=people.admin)


def test_issue_api_token_takes_a_recovery_code_as_otp(people):
    codes = second_factor.enable_with_secret(people.anna, STAFF_OTP_SECRET, actor=CLI)
    assert issue_api_token(people.anna.email, PASSWORD, otp=codes[0])
    with pytest.raises(NotAuthenticated):
        issue_api_token(people.anna.email, PASSWORD, otp=codes[0])


# The newcomer's tools: `users otp` and the demo --------------------------------------------------


def test_users_otp_prints_the_current_code_in_development_only(app, runner, people, monkeypatch):
    monkeypatch.setitem(app.config, "ENV", "development")
    result = runner.invoke(args=["users", "otp", people.coord.email])
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip()
    assert printed in {
        pyotp.TOTP(STAFF_OTP_SECRET).at(utcnow() + timedelta(seconds=s)) for s in (-30, 0)
    }
    missing = runner.invoke(args=["users", "otp", people.anna.email])
    assert missing.exit_code != 0 and "no two-step verification" in missing.output
    monkeypatch.setitem(app.config, "ENV", "production")
    refused = runner.invoke(args=["users", "otp", people.coord.email])
    assert refused.exit_code != 0
    assert "only in development" in refused.output
    assert printed not in refused.output


def test_the_demo_prints_each_staff_accounts_secret(app: Flask, runner, monkeypatch):
    from buurthulp import demo

    real_build = demo.build_demo_town
    monkeypatch.setattr(demo, "build_demo_town", lambda pw: real_build(pw, residents=80))
    result = runner.invoke(args=["demo", "--password", "demo-password-123"])
    assert result.exit_code == 0, result.output
    assert "TOTP secret" in result.output
    staff_lines = [
        line
        for line in result.output.splitlines()
        if line.split(" ")[0] in {"admin", "coordinator", "outreach"}
    ]
    assert len(staff_lines) == 5
    for line in staff_lines:
        email, secret = line.split()[1], re.search(r"\b[A-Z2-7]{32}\b", line).group(0)
        member = db.session.scalar(select(Member).where(Member.email == email))
        assert second_factor.current_code(member) == pyotp.TOTP(secret).now()
    resident_lines = [line for line in result.output.splitlines() if line.startswith("resident")]
    assert resident_lines and not any(re.search(r"\b[A-Z2-7]{32}\b", ln) for ln in resident_lines)
