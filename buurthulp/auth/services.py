"""Identity: who someone is and how they prove it. Log in, passwords, reset, tokens, roles.

The account lifecycle (register, create, move home) lives one floor up, in
`buurthulp.accounts`. Services take plain values and the acting member, never the request;
each user action is one `transaction()`. Errors are BuurthulpError subclasses with a
message a person can read.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import event, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from buurthulp.audit import services as audit
from buurthulp.auth import totp
from buurthulp.auth.models import ApiToken, AuthSession, Member, RoleAssignment
from buurthulp.auth.passwords import hash_password, verify_password
from buurthulp.auth.permissions import Actor, may
from buurthulp.auth.roles import Permission, Role
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotAuthenticated
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import has_control, has_format_character
from buurthulp.links import absolute_url
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.outbox.services import link_marker, link_minter, queue_mail

NAME_MAX = 80
EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 200
RESET_SALT = "password-reset"
# Words only the system may put beside a name: staff are marked by the site, not by
# themselves, so nobody can pass as a coordinator by choosing a name.
_ROLE_WORDS = re.compile(
    r"co[oö]rdinat|beheerder|\badmin|moderator|eropaf|medewerker|professional|\bstaff\b",
    re.IGNORECASE,
)


# Cleaning ---------------------------------------------------------------------------------


def clean_display_name(value: object) -> str:
    """A name other people see: plain visible text, no role words, at most 80 characters."""
    text = re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(_("Fill in your name."), field="display_name")
    if len(text) > NAME_MAX:
        raise InvalidInput(
            _("Your name can be at most %(n)s characters.", n=NAME_MAX), field="display_name"
        )
    if has_control(text, multiline=False) or has_format_character(text):
        raise InvalidInput(_("Your name contains characters we cannot use."), field="display_name")
    if _ROLE_WORDS.search(text):
        raise InvalidInput(
            _(
                "Use only your name. Buurthulp itself shows who is a coordinator or other "
                "professional."
            ),
            field="display_name",
        )
    return text


def clean_email(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(_("Fill in your e-mail address."), field="email")
    if len(text) > EMAIL_MAX:
        raise InvalidInput(_("This e-mail address is too long."), field="email")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(
            _("This is not a valid e-mail address, for example name@example.nl."), field="email"
        ) from None
    return result.normalized.lower()


def clean_password(value: object, field: str = "password") -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInput(_("Choose a password."), field=field)
    if len(value) < PASSWORD_MIN:
        raise InvalidInput(
            _("Use at least %(n)s characters for your password.", n=PASSWORD_MIN), field=field
        )
    if len(value) > PASSWORD_MAX:
        raise InvalidInput(
            _("Your password can be at most %(n)s characters.", n=PASSWORD_MAX), field=field
        )
    return value


def member_by_email(email: object) -> Member | None:
    """The member with this address (any status), or None; addresses are stored lower-case."""
    if not isinstance(email, str) or not email.strip() or len(email) > EMAIL_MAX:
        return None
    return db.session.scalar(select(Member).where(Member.email == email.strip().lower()))


# Logging in ---------------------------------------------------------------------------------


def authenticate(email: object, password: object) -> Member:
    """The member for these credentials; one vague message for every failure.

    A known and an unknown address cost the same: both verify one argon2 hash.
    """
    failure = NotAuthenticated(_("E-mail address or password is not right."))
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > PASSWORD_MAX:
        raise failure
    member = member_by_email(email)
    if not verify_password(member.password_hash if member else None, password) or member is None:
        raise failure
    if member.status == "pending":
        raise NotAuthenticated(
            _(
                "Your account is not confirmed yet. Open the link in the e-mail we sent you. "
                "No e-mail? Sign up again with the same address."
            )
        )
    if not member.is_active:
        raise NotAuthenticated(_("This account cannot log in. Please contact your coordinator."))
    return member


def record_login(member: Member) -> None:
    with transaction():
        db.session.execute(
            update(Member).where(Member.id == member.id).values(last_login_at=utcnow())
        )


def end_all_sessions(member_id: int, *, keep_session_id: int | None = None) -> None:
    """Every browser and API token of the member stops working (only flushes)."""
    now = utcnow()
    query = update(AuthSession).where(
        AuthSession.member_id == member_id, AuthSession.revoked_at.is_(None)
    )
    if keep_session_id is not None:
        query = query.where(AuthSession.id != keep_session_id)
    db.session.execute(query.values(revoked_at=now).execution_options(synchronize_session=False))
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.member_id == member_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(session_version=Member.session_version + 1)
        .execution_options(synchronize_session=False)
    )


@event.listens_for(Session, "before_flush")
def _end_sessions_when_no_longer_active(session: Session, _context: object, _objs: object) -> None:
    """A member who stops being active (suspended, erased) is logged out on every device at
    once, whichever service changes the status: restoring the account later must not bring
    an old session or token back to life. (The live-session and token checks refuse an
    inactive member too; this makes the end final.)"""
    for obj in session.dirty:
        if not isinstance(obj, Member) or obj.status == "active":
            continue
        if "active" not in inspect(obj).attrs.status.history.deleted:
            continue
        now = utcnow()
        connection = session.connection()  # Core statements: no autoflush inside a flush
        connection.execute(
            update(AuthSession.__table__)
            .where(AuthSession.member_id == obj.id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        connection.execute(
            update(ApiToken.__table__)
            .where(ApiToken.member_id == obj.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        obj.session_version = Member.session_version + 1


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


# Password reset -----------------------------------------------------------------------------


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


# API tokens ---------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(email: object, password: object, otp: object = None) -> str:
    """Exchange credentials for a bearer token; only its hash is stored.

    A member with a second factor also sends a code (`otp`: from the app, or a recovery
    code), used up here; staff without one get no token until they set it up on the site.
    """
    member = authenticate(email, password)
    with transaction():
        has_factor = totp.is_enabled(member.id)
        if member.is_staff and not has_factor:
            raise NotAllowed(
                _(
                    "Staff need two-step verification for the API. Log in on the website "
                    "first and set it up under My account."
                ),
                code="second_factor_setup_required",
            )
        passed = None
        if has_factor:
            if otp is None or otp == "":
                raise NotAuthenticated(
                    _(
                        "This account uses two-step verification: send the 6-digit code "
                        "from the app (or a recovery code) as “otp”."
                    ),
                    field="otp",
                    code="otp_required",
                )
            totp.consume(member.id, otp)
            passed = utcnow()
        token = secrets.token_urlsafe(32)
        db.session.add(
            ApiToken(
                member_id=member.id,
                token_hash=token_hash(token),
                session_version=member.session_version,
                expires_at=utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"]),
                second_factor_at=passed,
            )
        )
    return token


def live_token(token: str) -> ApiToken | None:
    """The token's row while it works: not revoked, not expired, its member active and not
    logged out everywhere since."""
    if not token or len(token) > 200:
        return None
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    now: datetime = utcnow()
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        return None
    member = found.member
    if not member.is_active or member.session_version != found.session_version:
        return None
    return found


def revoke_api_token(token: str) -> None:
    """The holder ends the token they sent; it never works again."""
    with transaction():
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        )


# Roles --------------------------------------------------------------------------------------


def assign_role(
    member: Member, role: Role, *, neighbourhood: Neighbourhood | None, actor: Actor
) -> RoleAssignment:
    """Give a member a role. Coordinators and outreach workers work in one neighbourhood;
    an admin role is global only."""
    if not may(actor, Permission.ROLES_MANAGE):
        raise NotAllowed(_("Only an admin can give roles."))
    if role in (Role.COORDINATOR, Role.OUTREACH) and neighbourhood is None:
        raise InvalidInput(_("Choose the neighbourhood this role is for."), field="neighbourhood")
    if role in (Role.ADMIN, Role.RESIDENT) and neighbourhood is not None:
        raise InvalidInput(
            _("An admin works for all neighbourhoods: choose “All neighbourhoods”."),
            field="neighbourhood",
        )
    try:
        with transaction():
            assignment = RoleAssignment(
                member_id=member.id,
                role=role.value,
                neighbourhood_id=neighbourhood.id if neighbourhood else None,
            )
            db.session.add(assignment)
            db.session.flush()
            # New powers start with a new login, on every device (and, for staff, with
            # their second factor).
            end_all_sessions(member.id)
            audit.record(
                actor,
                "role-change",
                member_id=member.id,
                neighbourhood_id=neighbourhood.id if neighbourhood else None,
                note=f"+ {role.value}" + (f" ({neighbourhood.name})" if neighbourhood else ""),
            )
    except IntegrityError:
        raise Conflict(_("This member already has that role.")) from None
    # The member's loaded roles would otherwise miss this one until the next commit (a
    # demo town built in one transaction refused a coordinator in their second area).
    if member in db.session:
        db.session.expire(member, ["roles"])
    return assignment


def staff_members() -> list[Member]:
    """Everyone with a staff role, by name: the admin's roles page."""
    return list(
        db.session.scalars(
            select(Member)
            .where(Member.roles.any(RoleAssignment.role != Role.RESIDENT.value))
            .order_by(Member.display_name, Member.id)
        )
    )
