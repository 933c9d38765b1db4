"""Web sessions kept on the server: logging out ends a session for real.

Flask's session cookie is signed, not stored: on its own, a copied cookie would keep
working after logout. So the cookie carries a random secret whose hash names a row in
`auth_session`; the row is checked on every request and revoked on logout.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, g, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from buurthulp.auth.models import AuthSession, Member
from buurthulp.auth.services import end_all_sessions, record_login, token_hash
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.models_base import utcnow

SESSION_KEY = "sid"


def start(member: Member) -> None:
    """Log `member` in on this browser: a new server-side session, a fresh cookie."""
    secret = secrets.token_urlsafe(32)
    with transaction():
        db.session.add(
            AuthSession(
                member_id=member.id,
                token_hash=token_hash(secret),
                expires_at=utcnow() + timedelta(days=current_app.config["SESSION_DAYS"]),
            )
        )
    locale = session.get("locale")
    session.clear()  # nothing from before the login carries over (session fixation)...
    if locale:
        session["locale"] = locale  # ...except the language the visitor chose
    session[SESSION_KEY] = secret
    login_user(member)
    record_login(member)


# Built once: every page runs it, so it should cost one round trip and no query building.
_LIVE_SESSION = (
    select(Member, AuthSession.id)
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
        db.session.execute(_LIVE_SESSION, {"token_hash": token_hash(secret), "now": utcnow()})
        .unique()
        .first()
    )
    if found is None or str(found[0].id) != user_id:
        return None
    g.auth_session_id = found[1]
    return found[0]


def current_session_id() -> int | None:
    return g.get("auth_session_id")


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
