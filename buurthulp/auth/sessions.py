"""Web sessions kept on the server: logging out ends a session for real.

Flask's session cookie is signed, not stored: on its own, a copied cookie would keep
working after logout. So the cookie carries a random secret whose hash names a row in
`auth_session`; the row is checked on every request and revoked on logout.

A member with a second factor logs in in two steps: after the password the browser is only
*held* (`hold`: the member's id, signed into the cookie, for a few minutes); the session
row is made once the code is right, and records that the second factor was passed.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from functools import cache
from typing import Any

from flask import current_app, g, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from buurthulp.auth import totp
from buurthulp.auth.models import AuthSession, Member
from buurthulp.auth.services import end_all_sessions, record_login, token_hash
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.i18n import MEMBER_LOCALE
from buurthulp.models_base import utcnow

SESSION_KEY = "sid"
HELD_KEY = "held_login"


def start(member: Member, *, code: str | None = None) -> int:
    """Log `member` in on this browser: a new server-side session, a fresh cookie; returns
    the session's id (also `current_session_id()` for the rest of this request).

    With `code` (the second step) the code is checked and used up in the same transaction
    that makes the session, and the session records that the second factor was passed; a
    wrong code makes no session.
    """
    secret = secrets.token_urlsafe(32)
    with transaction():
        passed = None
        if code is not None:
            totp.consume(member.id, code)
            passed = utcnow()
        row = AuthSession(
            member_id=member.id,
            token_hash=token_hash(secret),
            expires_at=utcnow() + timedelta(days=current_app.config["SESSION_DAYS"]),
            second_factor_at=passed,
        )
        db.session.add(row)
        db.session.flush()
        session_id = row.id
    locale = session.get("locale")
    session.clear()  # nothing from before the login carries over (session fixation)...
    if locale:
        session["locale"] = locale  # ...except the language the visitor chose
    session[SESSION_KEY] = secret
    login_user(member)
    g.auth_session_id, g.second_factor_passed = session_id, passed is not None
    record_login(member)
    return session_id


def hold(member: Member) -> None:
    """The password was right and a code must follow: remember who, briefly, in the signed
    cookie. Nobody is logged in yet; a new password or a reset makes the hold worthless."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[HELD_KEY] = {"m": member.id, "v": member.session_version, "t": int(time.time())}


def held_member() -> Member | None:
    """The member waiting for their second step on this browser, while the hold lasts."""
    held = session.get(HELD_KEY)
    if not isinstance(held, dict) or not all(isinstance(held.get(k), int) for k in "mvt"):
        return None
    if time.time() - held["t"] > current_app.config["SECOND_FACTOR_LOGIN_SECONDS"]:
        return None
    member = db.session.get(Member, held["m"])
    if member is None or not member.is_active or member.session_version != held["v"]:
        return None
    return member


def held_email() -> str:
    """The held member's address: the key that counts their failed codes (limits)."""
    held = session.get(HELD_KEY)
    member_id = held.get("m") if isinstance(held, dict) else None
    if not isinstance(member_id, int):
        return ""
    return db.session.scalar(select(Member.email).where(Member.id == member_id)) or ""


@cache
def _live_session() -> Any:
    """Built once, on first use (when every model is mapped): every page runs it, so it
    should cost one round trip and no query building."""
    return (
        select(Member, AuthSession.id, AuthSession.second_factor_at)
        .join(AuthSession, AuthSession.member_id == Member.id)
        .options(joinedload(Member.roles), joinedload(Member.neighbourhood))
        .where(
            AuthSession.token_hash == bindparam("token_hash"),
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > bindparam("now"),
            Member.status == "active",
        )
    )


def load_web_member(user_id: str) -> Member | None:
    """Flask-Login's loader: the member of a live server-side session, else nobody."""
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str) or not 20 <= len(secret) <= 100:
        return None
    found = (
        db.session.execute(_live_session(), {"token_hash": token_hash(secret), "now": utcnow()})
        .unique()
        .first()
    )
    if found is None or str(found[0].id) != user_id:
        return None
    g.auth_session_id = found[1]
    g.second_factor_passed = found[2] is not None
    g.setdefault(MEMBER_LOCALE, found[0].locale)
    return found[0]


def current_session_id() -> int | None:
    return g.get("auth_session_id")


def second_factor_passed() -> bool:
    """Did this browser's session pass the second factor (a code at login or set-up)?"""
    return bool(g.get("second_factor_passed"))


def end() -> None:
    """Log out this browser: the row is revoked, the cookie emptied."""
    secret = session.get(SESSION_KEY)
    if isinstance(secret, str) and secret:
        with transaction():
            db.session.execute(
                update(AuthSession)
                .where(AuthSession.token_hash == token_hash(secret))
                .values(revoked_at=utcnow())
                .execution_options(synchronize_session=False)
            )
    _clear()


def _clear() -> None:
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def end_everywhere(member: Member) -> None:
    """Log out on every device, and end every API token."""
    with transaction():
        end_all_sessions(member.id)
    _clear()
