"""Account rules: register, log in, tokens, password reset and change, roles.

Services take plain values and the acting member, never the request; each user action is
one `transaction()`. Errors are BuurthulpError subclasses with a message a person can read.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from buurthulp.auth.models import ApiToken, Member, MemberTag, RoleAssignment
from buurthulp.auth.passwords import hash_password, verify_password
from buurthulp.auth.roles import Role
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotAuthenticated
from buurthulp.extensions import db
from buurthulp.geo import blur_point
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.neighbourhoods.services import Home, resolve_home
from buurthulp.notifications.services import send_mail
from buurthulp.privacy.models import Consent
from buurthulp.signals import member_created, member_moved

NAME_MAX = 80
EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 200
PRIVACY_PURPOSE = "privacy-statement"
RESET_SALT = "password-reset"


@dataclass(frozen=True)
class Registration:
    display_name: str
    email: str
    password: str
    postcode: str
    house_number: str
    privacy_consent: bool
    locale: str = "nl"


# Cleaning ---------------------------------------------------------------------------------


def clean_display_name(value: object) -> str:
    text = re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(_("Fill in your name."), field="display_name")
    if len(text) > NAME_MAX:
        raise InvalidInput(
            _("Your name can be at most %(n)s characters.", n=NAME_MAX), field="display_name"
        )
    if any(ord(c) < 32 for c in text):
        raise InvalidInput(_("Your name contains characters we cannot use."), field="display_name")
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


def _email_taken(email: str) -> bool:
    return db.session.scalar(select(Member.id).where(Member.email == email)) is not None


# Registration and accounts -----------------------------------------------------------------


def _place_at_home(member: Member, home: Home) -> None:
    """Store the exact point (staff only) and a stable blurred point for everyone else."""
    member.postcode, member.house_number = home.postcode, home.house_number
    member.home_lat, member.home_lon = home.point.lat, home.point.lon
    blurred = blur_point(
        home.point, secret=current_app.config["SECRET_KEY"], member_key=f"member:{member.id}"
    )
    member.public_lat, member.public_lon = blurred.lat, blurred.lon
    member.neighbourhood_id = home.neighbourhood.id


def create_member(
    *,
    display_name: object,
    email: object | None,
    password: object | None,
    role: Role = Role.RESIDENT,
    postcode: object | None = None,
    house_number: object | None = None,
    neighbourhood: Neighbourhood | None = None,
    consent_version: str | None = None,
    recorded_by: Member | None = None,
    locale: str = "nl",
    password_hash: str | None = None,
    require_home: bool = False,
) -> Member:
    """Create one account (inside the caller's transaction or its own)."""
    name = clean_display_name(display_name)
    clean_mail = clean_email(email) if email is not None else None
    pw_hash = password_hash or (hash_password(clean_password(password)) if password else None)
    home = None
    if postcode or house_number:
        home = resolve_home(
            postcode if isinstance(postcode, str) else None,
            house_number if isinstance(house_number, str) else None,
        )
    elif require_home:
        raise InvalidInput(_("Fill in your postcode and house number."), field="postcode")
    try:
        with transaction():
            if clean_mail and _email_taken(clean_mail):
                raise Conflict(
                    _(
                        "An account with this e-mail address already exists. "
                        "Log in, or reset your password."
                    ),
                    field="email",
                )
            member = Member(
                display_name=name,
                email=clean_mail,
                password_hash=pw_hash,
                locale=locale if locale in ("nl", "en") else "nl",
            )
            db.session.add(member)
            db.session.flush()
            if home is not None:
                _place_at_home(member, home)
            elif neighbourhood is not None:
                member.neighbourhood_id = neighbourhood.id
            scoped = role in (Role.COORDINATOR, Role.OUTREACH)
            if scoped and neighbourhood is None and member.neighbourhood_id is None:
                raise InvalidInput(
                    _("Staff need a neighbourhood: give a postcode or choose the neighbourhood."),
                    field="postcode",
                )
            scope = (
                (neighbourhood.id if neighbourhood else member.neighbourhood_id) if scoped else None
            )
            member.roles.append(RoleAssignment(role=role.value, neighbourhood_id=scope))
            if consent_version:
                db.session.add(
                    Consent(
                        member_id=member.id,
                        purpose=PRIVACY_PURPOSE,
                        text_version=consent_version,
                        recorded_by_id=recorded_by.id if recorded_by else None,
                    )
                )
            db.session.flush()
            member_created.send(member)
    except IntegrityError:
        raise Conflict(
            _(
                "An account with this e-mail address already exists. "
                "Log in, or reset your password."
            ),
            field="email",
        ) from None
    return member


def register(form: Registration) -> Member:
    """A resident signs up: name, e-mail, password, address and consent to the privacy text."""
    if form.privacy_consent is not True:
        raise InvalidInput(
            _("You need to agree to the privacy statement to join."), field="privacy_consent"
        )
    return create_member(
        display_name=form.display_name,
        email=form.email,
        password=form.password,
        postcode=form.postcode,
        house_number=form.house_number,
        consent_version=current_app.config["PRIVACY_STATEMENT_VERSION"],
        locale=form.locale,
        require_home=True,
    )


def move_home(member: Member, *, postcode: object, house_number: object, actor: Member) -> Member:
    """A member changes address (or staff do it for them)."""
    if actor.id != member.id:
        raise NotAllowed(_("Only the member can change their address here."))
    home = resolve_home(
        postcode if isinstance(postcode, str) else None,
        house_number if isinstance(house_number, str) else None,
    )
    with transaction():
        member = db.session.get(Member, member.id)
        old = member.neighbourhood_id
        _place_at_home(member, home)
        db.session.flush()
        if old != member.neighbourhood_id:
            member_moved.send(member)
    return member


def authenticate(email: object, password: object) -> Member:
    """The member for these credentials; one vague message for every failure."""
    failure = NotAuthenticated(_("E-mail address or password is not right."))
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > PASSWORD_MAX:
        raise failure
    address = email.strip().lower()[:EMAIL_MAX]
    member = db.session.scalar(select(Member).where(Member.email == address)) if address else None
    if not verify_password(member.password_hash if member else None, password) or member is None:
        raise failure
    if not member.is_active:
        raise NotAuthenticated(_("This account cannot log in. Please contact your coordinator."))
    return member


def record_login(member: Member) -> None:
    with transaction():
        db.session.execute(
            update(Member).where(Member.id == member.id).values(last_login_at=utcnow())
        )


def load_session_member(session_id: str) -> Member | None:
    """Flask-Login's loader: the id must carry the member's current session version."""
    member_id, _sep, version = session_id.partition(":")
    if not member_id.isdigit() or not version.isdigit():
        return None
    member = db.session.get(Member, int(member_id))
    if member is None or member.session_version != int(version) or not member.is_active:
        return None
    return member


def change_password(member: Member, *, current: object, new: object) -> Member:
    """Change the password and end every other session and API token."""
    if not isinstance(current, str) or not verify_password(member.password_hash, current):
        raise InvalidInput(_("Your current password is not right."), field="current_password")
    new_password = clean_password(new, field="new_password")
    new_hash = hash_password(new_password)
    with transaction():
        fresh = db.session.get(Member, member.id)
        fresh.password_hash = new_hash
        fresh.session_version += 1
        _revoke_tokens(fresh.id)
    return fresh


def _revoke_tokens(member_id: int) -> None:
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.member_id == member_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


# Password reset -----------------------------------------------------------------------------


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _reset_fingerprint(member: Member) -> str:
    """Part of the token: it stops working once the password (hash) changes, so single use."""
    return hashlib.sha256((member.password_hash or "").encode()).hexdigest()[:16]


def request_password_reset(email: object, *, reset_url: str) -> None:
    """Mail a reset link when the address has an account; silent otherwise (no enumeration).

    `reset_url` is a format string with `{token}`, built by the caller (web or API).
    """
    try:
        address = clean_email(email)
    except InvalidInput:
        return
    with transaction():
        member = db.session.scalar(select(Member).where(Member.email == address))
        if member is None or not member.is_active:
            return
        token = _reset_serializer().dumps({"m": member.id, "f": _reset_fingerprint(member)})
        send_mail(
            to=address,
            subject=_("Reset your Buurthulp password"),
            body=_(
                "Hello %(name)s,\n\nSomeone (hopefully you) asked to reset your password. "
                "Open this link within an hour to choose a new one:\n\n%(url)s\n\n"
                "Did you not ask for this? Then you can ignore this e-mail.",
                name=member.display_name,
                url=reset_url.format(token=token),
            ),
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
        if member is None or data.get("f") != _reset_fingerprint(member) or not member.is_active:
            raise invalid
        member.password_hash = new_hash
        member.session_version += 1
        _revoke_tokens(member.id)
    return member


# API tokens ---------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(email: object, password: object) -> str:
    """Exchange credentials for a bearer token; only its hash is stored."""
    member = authenticate(email, password)
    token = secrets.token_urlsafe(32)
    with transaction():
        db.session.add(
            ApiToken(
                member_id=member.id,
                token_hash=_token_hash(token),
                session_version=member.session_version,
                expires_at=utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"]),
            )
        )
    return token


def member_for_token(token: str) -> Member | None:
    if not token or len(token) > 200:
        return None
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    now: datetime = utcnow()
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        return None
    member = found.member
    if not member.is_active or member.session_version != found.session_version:
        return None
    return member


# Roles --------------------------------------------------------------------------------------


def assign_role(
    member: Member, role: Role, *, neighbourhood: Neighbourhood | None, actor: Member | None
) -> RoleAssignment:
    """Give a member a role; staff roles other than admin need a neighbourhood."""
    if role in (Role.COORDINATOR, Role.OUTREACH) and neighbourhood is None:
        raise InvalidInput(_("Choose the neighbourhood this role is for."), field="neighbourhood")
    try:
        with transaction():
            assignment = RoleAssignment(
                member_id=member.id,
                role=role.value,
                neighbourhood_id=neighbourhood.id if neighbourhood else None,
            )
            db.session.add(assignment)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("This member already has that role.")) from None
    return assignment


def set_tags(member: Member, kind: str, tags: list[str]) -> None:
    """Replace a member's interests or talents (only flushes; callers own the transaction)."""
    for tag in [t for t in member.tags if t.kind == kind]:
        member.tags.remove(tag)
    db.session.flush()
    for tag in sorted({t.strip().lower()[:40] for t in tags if t.strip()}):
        member.tags.append(MemberTag(kind=kind, tag=tag))


def count_members() -> int:
    return db.session.scalar(select(func.count(Member.id))) or 0
