"""Moving the second factor to a new phone, and the pending secret of a set-up.

Setting it up again asks who is there first (the password and a code from the app in use
or a recovery code) and tells the member afterwards, in the app and by mail: a stolen
session alone cannot move it (ASVS 5.0 V7.5). A pending secret belongs to the one session
that started it, is replaced at each new start and works for ten minutes: whoever logs in
first no longer learns a newcomer's future secret.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pytest
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from buurthulp.accounts import second_factor
from buurthulp.auth import totp
from buurthulp.auth.models import AuthSession, Member, RecoveryCode, SecondFactor
from buurthulp.auth.permissions import CLI
from buurthulp.auth.services import token_hash
from buurthulp.db import transaction
from buurthulp.errors import BuurthulpError, InvalidInput, NotAuthenticated
from buurthulp.extensions import db
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from buurthulp.notifications.services import notifications_for, set_choice
from buurthulp.outbox.models import OutboxMessage
from tests.auth.factor_helpers import People, codes_on, factor_of, make_people
from tests.factories import PASSWORD, STAFF_OTP_SECRET, log_in, one_time_code

pytestmark = pytest.mark.both_databases

SETUP = "/account/tweestapsverificatie"
START = "/account/tweestapsverificatie/starten"
EXPIRED = "This QR code has expired"


@pytest.fixture
def people(make: Any) -> People:
    return make_people(make)


def _english(client: Any) -> Any:
    """These tests read the English texts; Dutch is checked in test_translations."""
    client.post("/taal", data={"locale": "en"})
    return client


@pytest.fixture(autouse=True)
def english(client):
    _english(client)


def _secret_on(page: str) -> str | None:
    """The pending secret the set-up page shows for typing in, if it shows one."""
    found = re.search(r'<strong class="secret">([A-Z2-7 ]+)</strong>', page)
    return found.group(1).replace(" ", "") if found else None


def _page(client: Any) -> str:
    response = client.get(SETUP)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _again(client: Any, password: object = PASSWORD, code: object = "") -> Any:
    """Press "set up on my phone" with the password and a code (a new phone)."""
    return client.post(START, data={"phone-password": password, "phone-code": code})


def _password_only(client: Any, member: Member) -> Any:
    """The login form alone: for a newcomer (staff without a factor) it draws a secret."""
    return client.post("/inloggen", data={"email": member.email, "password": PASSWORD})


def _newest_session_id(member: Member) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(AuthSession.id)
        .where(AuthSession.member_id == member.id, AuthSession.revoked_at.is_(None))
        .order_by(AuthSession.id.desc())
        .limit(1)
    )


def _a_session(member: Member) -> int:
    """A session row of the member (a browser), for calling the services directly."""
    with transaction():
        row = AuthSession(
            member_id=member.id,
            token_hash=token_hash(secrets.token_urlsafe(32)),
            expires_at=utcnow() + timedelta(days=1),
        )
        db.session.add(row)
    return row.id


def _age_pending(member: Member, by: timedelta) -> None:
    """Move the clock: the pending secret was drawn `by` earlier than it was."""
    drawn = factor_of(member).pending_at
    with transaction():
        db.session.execute(
            update(SecondFactor)
            .where(SecondFactor.member_id == member.id)
            .values(pending_at=drawn - by)
            .execution_options(synchronize_session=False)
        )


def _code(secret: str, at: datetime | None = None) -> str:
    return pyotp.TOTP(secret).at(at or utcnow())


# Finding 6: setting it up again asks who is there ---------------------------------------------


def test_setting_it_up_again_without_password_and_code_is_refused_and_changes_nothing(
    client, people, login
):
    login(people.coord)
    before = factor_of(people.coord).secret
    page = _page(client)
    assert 'name="phone-password"' in page and 'name="phone-code"' in page
    code = one_time_code(people.coord)
    for data in ({}, {"phone-password": PASSWORD}, {"phone-code": code}):
        refused = client.post(START, data=data)
        assert refused.status_code == 422, data
        assert "Please check the following" in refused.get_data(as_text=True)
    row = factor_of(people.coord)
    assert row.pending_secret is None and row.secret == before
    assert _secret_on(_page(client)) is None
    assert totp.open_secret(row.secret, people.coord.id) == STAFF_OTP_SECRET


def test_with_the_password_and_a_current_code_a_new_phone_is_set_up(client, people, login):
    login(people.coord)
    assert _again(client, PASSWORD, one_time_code(people.coord)).status_code == 303
    secret = _secret_on(_page(client))
    assert secret and secret != STAFF_OTP_SECRET
    done = client.post(SETUP, data={"code": _code(secret)})
    assert done.status_code == 200 and len(codes_on(done.get_data(as_text=True))) == 10
    row = factor_of(people.coord)
    assert row.pending_secret is None
    assert totp.open_secret(row.secret, people.coord.id) == secret


def test_a_recovery_code_opens_setting_it_up_again_and_is_spent(client, people, login):
    codes = second_factor.enable_with_secret(people.coord, STAFF_OTP_SECRET, actor=CLI)
    login(people.coord)
    typed = codes[2].upper().replace("-", " ")  # as read from paper
    assert _again(client, PASSWORD, typed).status_code == 303
    assert totp.recovery_codes_left(people.coord.id) == 9
    assert _secret_on(_page(client))
    # Spent: it opens nothing a second time.
    again = _again(client, PASSWORD, codes[2])
    assert again.status_code == 422 and "This code is not right" in again.get_data(as_text=True)


def test_a_wrong_password_or_code_is_refused_and_spends_nothing(client, people, login):
    codes = second_factor.enable_with_secret(people.coord, STAFF_OTP_SECRET, actor=CLI)
    login(people.coord)
    wrong_code = _again(client, PASSWORD, "000000")
    assert wrong_code.status_code == 422
    assert "This code is not right" in wrong_code.get_data(as_text=True)
    code = one_time_code(people.coord)
    for typed in (code, codes[0]):
        wrong_password = _again(client, "not my password", typed)
        assert wrong_password.status_code == 422
        assert "Your current password is not right." in wrong_password.get_data(as_text=True)
    assert factor_of(people.coord).pending_secret is None
    assert totp.recovery_codes_left(people.coord.id) == 10  # the wrong password spent none
    assert _again(client, PASSWORD, code).status_code == 303  # nor the code from the app


def test_wrong_answers_count_toward_the_login_limit_of_the_account(people, limited):
    """3 failures a minute per account (the `limited` app): a password, then two re-setups."""
    browser = limited.test_client()
    assert log_in(browser, people.coord).status_code == 303
    wrong_login = {"email": people.coord.email, "password": "not my password"}
    assert limited.test_client().post("/inloggen", data=wrong_login).status_code == 422
    statuses = [
        _again(browser, PASSWORD, "000000").status_code,
        _again(browser, "not my password", "111111").status_code,
        _again(browser, PASSWORD, one_time_code(people.coord)).status_code,
    ]
    assert statuses == [422, 422, 429]
    assert factor_of(people.coord).pending_secret is None


def test_after_the_change_the_member_is_told_in_the_app_and_by_mail_without_any_secret(
    client, people, login
):
    old_codes = second_factor.enable_with_secret(people.coord, STAFF_OTP_SECRET, actor=CLI)
    # A security notice comes whatever they chose: a thief cannot turn it off.
    with pytest.raises(InvalidInput):
        set_choice(people.coord, "account", "off", actor=people.coord)
    login(people.coord)
    used = one_time_code(people.coord)
    assert _again(client, PASSWORD, used).status_code == 303
    secret = _secret_on(_page(client))
    assert not db.session.scalars(
        select(Notification).where(Notification.member_id == people.coord.id)
    ).all()  # nothing yet: only a confirmed change is told
    first = _code(secret)
    done = client.post(SETUP, data={"code": first})
    new_codes = codes_on(done.get_data(as_text=True))
    assert len(new_codes) == 10

    [notice] = db.session.scalars(
        select(Notification).where(Notification.member_id == people.coord.id)
    ).all()
    assert notice.kind == second_factor.CHANGED_KIND
    [mail] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == people.coord.email)
    ).all()
    assert mail.member_id == people.coord.id
    with force_locale("en"):
        [shown] = notifications_for(people.coord)
    assert "new phone" in shown.text
    assert "two-step verification" in mail.subject.lower() or "tweestaps" in mail.subject.lower()
    told = " ".join([notice.params, notice.url or "", shown.text, mail.subject, mail.body])
    told_flat = told.replace(" ", "").replace("-", "").lower()
    for hidden in (secret, STAFF_OTP_SECRET, *new_codes, *old_codes):
        flat = hidden.replace("-", "").lower()
        assert flat not in told_flat
    assert used not in told and first not in told


def test_setting_it_up_the_first_time_asks_nothing_and_tells_nothing(client, people, login):
    login(people.anna)
    assert client.post(START).status_code == 303  # no password, no code: there is none yet
    secret = _secret_on(_page(client))
    assert client.post(SETUP, data={"code": _code(secret)}).status_code == 200
    assert factor_of(people.anna).enabled_at is not None
    assert not db.session.scalars(
        select(Notification).where(Notification.member_id == people.anna.id)
    ).all()
    assert not db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.member_id == people.anna.id)
    ).all()


def test_the_service_asks_the_password_and_a_code_when_a_factor_is_in_use(people):
    session_id = _a_session(people.coord)
    begin = second_factor.begin_set_up
    with pytest.raises(InvalidInput) as missing:
        begin(people.coord, actor=people.coord, session_id=session_id)
    assert missing.value.field == "password"
    for junk in (None, 123, ["x"], "x" * 10_000, "not my password"):
        with pytest.raises(InvalidInput):
            begin(
                people.coord,
                actor=people.coord,
                session_id=session_id,
                password=junk,
                code=one_time_code(people.coord),
            )
    for junk in (None, "", 123456, ["123456"], "9" * 10_000, "000000"):
        with pytest.raises(NotAuthenticated):
            begin(
                people.coord,
                actor=people.coord,
                session_id=session_id,
                password=PASSWORD,
                code=junk,
            )
    assert factor_of(people.coord).pending_secret is None
    begin(
        people.coord,
        actor=people.coord,
        session_id=session_id,
        password=PASSWORD,
        code=one_time_code(people.coord),
    )
    assert factor_of(people.coord).pending_session_id == session_id


# Finding 7: a pending secret belongs to one session, for ten minutes -------------------------


def test_a_pending_secret_started_in_one_session_cannot_be_confirmed_in_another(
    app, client, people, login
):
    login(people.anna)
    other = _english(app.test_client())
    assert log_in(other, people.anna).status_code == 303
    assert client.post(START).status_code == 303
    secret = _secret_on(_page(client))
    assert secret
    assert _secret_on(_page(other)) is None  # the other browser is not shown it
    stolen = other.post(SETUP, data={"code": _code(secret)})
    assert stolen.status_code == 422 and EXPIRED in stolen.get_data(as_text=True)
    assert factor_of(people.anna).enabled_at is None
    # The browser that started it still can.
    assert client.post(SETUP, data={"code": _code(secret)}).status_code == 200


def test_a_second_login_draws_a_new_pending_secret_and_the_first_stops(app, client, people):
    assert _password_only(client, people.newcomer).status_code == 303
    first = _secret_on(_page(client))
    later = _english(app.test_client())
    assert _password_only(later, people.newcomer).status_code == 303
    second = _secret_on(_page(later))
    assert first and second and first != second
    assert totp.open_secret(factor_of(people.newcomer).pending_secret, people.newcomer.id) == second
    assert _secret_on(_page(client)) is None  # the first browser's QR code is gone
    late = client.post(SETUP, data={"code": _code(first)})
    assert late.status_code == 422 and EXPIRED in late.get_data(as_text=True)
    assert factor_of(people.newcomer).enabled_at is None
    assert later.post(SETUP, data={"code": _code(second)}).status_code == 200


def test_the_same_session_keeps_its_pending_secret_while_it_is_valid(client, people):
    _password_only(client, people.newcomer)
    shown = _secret_on(_page(client))
    assert shown and _secret_on(_page(client)) == shown
    row = factor_of(people.newcomer)
    assert row.pending_session_id == _newest_session_id(people.newcomer)
    # Sealed as ever: the row does not hold it in usable form.
    assert shown not in row.pending_secret and shown.lower() not in row.pending_secret.lower()


def test_a_pending_secret_older_than_ten_minutes_is_refused(client, people):
    _password_only(client, people.newcomer)
    secret = _secret_on(_page(client))
    _age_pending(people.newcomer, timedelta(minutes=10, seconds=1))
    page = _page(client)
    assert _secret_on(page) is None and "Set up on my phone" in page
    late = client.post(SETUP, data={"code": _code(secret)})
    assert late.status_code == 422 and EXPIRED in late.get_data(as_text=True)
    assert factor_of(people.newcomer).enabled_at is None
    # Starting again gives a new QR code that works.
    assert client.post(START).status_code == 303
    fresh = _secret_on(_page(client))
    assert fresh and fresh != secret
    assert client.post(SETUP, data={"code": _code(fresh)}).status_code == 200


def test_confirming_checks_the_session_and_the_age_of_the_pending_secret(people):
    mine, theirs = _a_session(people.anna), _a_session(people.anna)
    started = utcnow()
    second_factor.begin_set_up(people.anna, actor=people.anna, session_id=mine, now=started)
    secret = totp.open_secret(factor_of(people.anna).pending_secret, people.anna.id)
    confirm = second_factor.confirm_set_up
    in_time = started + timedelta(minutes=9, seconds=30)
    too_late = started + timedelta(minutes=10, seconds=1)
    with pytest.raises(InvalidInput, match=f"{EXPIRED}|Deze QR-code is verlopen"):
        confirm(
            people.anna, _code(secret, in_time), actor=people.anna, session_id=theirs, now=in_time
        )
    with pytest.raises(InvalidInput, match=f"{EXPIRED}|Deze QR-code is verlopen"):
        confirm(
            people.anna, _code(secret, too_late), actor=people.anna, session_id=mine, now=too_late
        )
    with pytest.raises(InvalidInput):
        confirm(
            people.anna, _code(secret, in_time), actor=people.anna, session_id=None, now=in_time
        )
    assert second_factor.status_of(people.anna, session_id=theirs, now=in_time).pending is None
    assert second_factor.status_of(people.anna, session_id=mine, now=too_late).pending is None
    assert second_factor.status_of(people.anna, session_id=mine, now=in_time).pending.secret == (
        secret
    )
    codes = confirm(
        people.anna, _code(secret, in_time), actor=people.anna, session_id=mine, now=in_time
    )
    assert len(codes) == 10 and factor_of(people.anna).pending_session_id is None


def test_each_start_replaces_the_pending_secret(people):
    session_id = _a_session(people.anna)
    seen = set()
    for _ in range(3):
        second_factor.begin_set_up(people.anna, actor=people.anna, session_id=session_id)
        row = factor_of(people.anna)
        seen.add(totp.open_secret(row.pending_secret, people.anna.id))
    assert len(seen) == 3


def test_a_pending_secret_whose_session_is_gone_opens_for_nobody(people):
    session_id = _a_session(people.anna)
    second_factor.begin_set_up(people.anna, actor=people.anna, session_id=session_id)
    with transaction():
        db.session.execute(AuthSession.__table__.delete().where(AuthSession.id == session_id))
    row = factor_of(people.anna)
    assert row.pending_session_id is None  # the database let go of it (ON DELETE SET NULL)
    assert second_factor.status_of(people.anna, session_id=None).pending is None


def test_the_database_keeps_no_session_without_a_pending_secret(people):
    session_id = _a_session(people.anna)
    second_factor.begin_set_up(people.anna, actor=people.anna, session_id=session_id)
    with pytest.raises(IntegrityError), transaction():
        db.session.execute(
            update(SecondFactor)
            .where(SecondFactor.member_id == people.anna.id)
            .values(pending_secret=None, pending_at=None)
            .execution_options(synchronize_session=False)
        )
    assert factor_of(people.anna).pending_session_id == session_id


# Bad input ----------------------------------------------------------------------------------


def test_bad_input_gets_a_clear_4xx_never_a_500(client, people, login):
    login(people.coord)
    huge = "9" * 100_000
    for data in (
        {"phone-password": huge, "phone-code": one_time_code(people.coord)},
        {"phone-password": PASSWORD, "phone-code": huge},
        {"phone-password": [PASSWORD, "x"], "phone-code": ["000000", "111111"]},
    ):
        response = client.post(START, data=data)
        assert response.status_code == 422, data
        assert "Please check the following" in response.get_data(as_text=True)
    hidden = client.post(START, data={"phone-password": PASSWORD, "phone-code": "\x00" * 6})
    assert hidden.status_code == 422
    assert "invisible control character" in hidden.get_data(as_text=True)
    assert factor_of(people.coord).pending_secret is None
    for data in ({"code": huge}, {"code": "\x00"}, {"code": ["1", "2"]}, {}):
        response = client.post(SETUP, data=data)
        assert 400 <= response.status_code < 500, data
    unstarted = client.post(SETUP, data={"code": "123456"})
    assert unstarted.status_code == 422
    assert "Setting up has not started" in unstarted.get_data(as_text=True)


def test_the_services_refuse_junk_with_a_readable_error(people):
    session_id = _a_session(people.anna)
    second_factor.begin_set_up(people.anna, actor=people.anna, session_id=session_id)
    for junk in (None, 123456, ["123456"], "x" * 10_000, "\x00", "12345a"):
        with pytest.raises(BuurthulpError) as refused:
            second_factor.confirm_set_up(
                people.anna, junk, actor=people.anna, session_id=session_id
            )
        assert refused.value.message
    assert factor_of(people.anna).enabled_at is None
    assert not db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.member_id == people.anna.id)
    ).all()
