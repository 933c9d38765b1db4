"""Passwords: a member changes theirs, or asks for a mailed link when it is forgotten.

Either way every other session and API token ends (`auth.services.end_all_sessions`). The
reset link is made when the mail is sent and never stored (the outbox holds a marker).
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from buurthulp.auth.models import Member
from buurthulp.auth.passwords import hash_password, verify_password
from buurthulp.auth.services import clean_email, clean_password, end_all_sessions, member_by_email
from buurthulp.db import transaction
from buurthulp.errors import InvalidInput
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.links import absolute_url
from buurthulp.outbox.services import link_marker, link_minter, queue_mail

RESET_SALT = "password-reset"


def change_password(
    member: Member, *, current: object, new: object, keep_session_id: int | None
) -> Member:
    """Change the password; every other session and every API token ends."""
    if not isinstance(current, str) or not verify_password(member.password_hash, current):
        raise InvalidInput(_("Your current password is not right."), field="current_password")
    new_password = clean_password(new, field="new_password")
    new_hash = hash_password(new_password)
    with transaction():
        fresh = db.session.get_one(Member, member.id)
        fresh.password_hash = new_hash
        end_all_sessions(fresh.id, keep_session_id=keep_session_id)
    return fresh


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def password_fingerprint(member: Member) -> str:
    """Part of every mailed token: it stops working once the password (hash) changes."""
    return hashlib.sha256((member.password_hash or "").encode()).hexdigest()[:16]


@link_minter("password-reset")
def _mint_reset_link(member_id: int | None, _params: dict[str, object]) -> str:
    """Made when the mail is sent, never stored; valid for an hour from then."""
    member = db.session.get(Member, member_id) if member_id else None
    if member is None:
        raise LookupError("the member of this reset mail is gone")
    token = _reset_serializer().dumps({"m": member.id, "f": password_fingerprint(member)})
    return absolute_url("auth.reset_password", token=token)


def request_password_reset(email: object) -> None:
    """Mail a reset link when the address has an active account; silent otherwise."""
    try:
        address = clean_email(email)
    except InvalidInput:
        return
    with transaction():
        member = member_by_email(address)
        if member is None or not member.is_active:
            return
        queue_mail(
            to=address,
            member_id=member.id,
            subject=_("Reset your Buurthulp password"),
            body=_(
                "Hello %(name)s,\n\nSomeone (hopefully you) asked to reset your password. "
                "Open this link within an hour to choose a new one:\n\n%(url)s\n\n"
                "Did you not ask for this? Then you can ignore this e-mail.",
                name=member.display_name,
                url=link_marker("reset"),
            ),
            links={"reset": ("password-reset", {})},
        )


def reset_password(token: object, new_password: object) -> Member:
    """Set a new password from a mailed token; the token works once and for an hour."""
    invalid = InvalidInput(
        _("This reset link is not valid any more. Ask for a new one."), field="token"
    )
    if not isinstance(token, str) or len(token) > 500:
        raise invalid
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except (SignatureExpired, BadSignature):
        raise invalid from None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        raise invalid
    new_hash = hash_password(clean_password(new_password))
    with transaction():
        member = db.session.get(Member, data["m"])
        if member is None or data.get("f") != password_fingerprint(member) or not member.is_active:
            raise invalid
        member.password_hash = new_hash
        end_all_sessions(member.id)
    return member
