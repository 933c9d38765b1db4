"""Identity: who someone is and how they prove it. Names and addresses as we accept them,
logging in, the end of every session, API tokens.

What a member does with their account (register, passwords, roles, the second factor) lives
one floor up, in `buurthulp.accounts`, and writes the audit log; this floor writes none.
Services take plain values and the acting member, never the request; each user action is
one `transaction()`. Errors are BuurthulpError subclasses with a
message a person can read.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from buurthulp.auth import totp
from buurthulp.auth.models import ApiToken, AuthSession, Member
from buurthulp.auth.passwords import verify_password
from buurthulp.db import transaction
from buurthulp.errors import InvalidInput, NotAllowed, NotAuthenticated
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import has_control
from buurthulp.models_base import utcnow

NAME_MAX = 80
EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 200
# Words only the system may put beside a name: staff are marked by the site, not by
# themselves, so nobody can pass as a coordinator by choosing a name.
# They are looked for in the name folded to plain Latin letters (`_role_word_in`), so
# "coo\u0308rdinator", a Cyrillic "\u0441", fullwidth or "fancy" letters and "c.o.o.r.d"
# are found too; "admin" and "staff" are short, so only as words ("Badminton", "Stafford").
_ROLE_WORDS = re.compile(r"coordinat|beheerder|moderator|eropaf|medewerker|professional")
_SHORT_ROLE_WORDS = re.compile(r"\badmin|\bstaff\b")
# Letters that show as blank space (Hangul and Braille fillers): a name is never made of them.
_FILLERS = dict.fromkeys(map(ord, "\u115f\u1160\u3164\uffa0\u2800"))
# Letters of other scripts (and digits) that pass for Latin ones, lower case; NFKC has already
# made fullwidth and mathematical letters plain (and the lunate sigma U+03F2, which looks like
# a c, a plain sigma U+03C3: so that one is a c). Only for the role-word check.
_LOOKALIKES = str.maketrans(
    "авсдеђһіјкӏмнорԛѕтуԝхѡԁ" "αβγεηικμνορτυχωσ" "ɑɡɩıȷʟɴʀꜱᴀʙᴄᴅᴇꜰɢʜɪᴊᴋᴍᴏᴘᴛᴜᴠᴡʏᴢ" "01345789$@|!",
    "abcdehhijklmhopqstywxwd" "abyenikuvoptuxwc" "agiijlnrsabcdefghijkmoptuvwyz" "oieastbgsali",
)  # fmt: skip


def _role_word_in(name: str) -> bool:
    """Whether `name` (NFKC, invisible characters gone) holds a staff word in disguise: accents
    dropped (NFD, then the combining marks), look-alikes made Latin, lower case, then read
    without anything that is not a letter."""
    decomposed = unicodedata.normalize("NFD", name.casefold())
    base = "".join(c for c in decomposed if unicodedata.category(c)[0] != "M")
    for variant in (base, base.replace("1", "l").replace("|", "l")):  # "professiona1"
        latin = variant.translate(_LOOKALIKES)
        if _ROLE_WORDS.search(re.sub(r"[^a-z]+", "", latin)):
            return True
        words = re.sub(r"[^a-z]+", " ", latin)
        # "a d m i n", "s.t.a.f.f": letters standing alone, one after another, are one word.
        words = re.sub(r"\b[a-z](?: [a-z]\b)+", lambda m: m.group().replace(" ", ""), words)
        if _SHORT_ROLE_WORDS.search(words):
            return True
    return False


# Cleaning ---------------------------------------------------------------------------------


def clean_display_name(value: object) -> str:
    """A name other people see: plain visible text, no role words, at most 80 characters.

    Stored as typed, in NFKC ("Zoe" with a combining diaeresis is "Zoë", fullwidth letters
    are plain ones), without invisible format characters (zero-width spaces, direction
    marks, soft hyphens) or fillers that show as blank space.
    """
    text = re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else ""
    if has_control(text, multiline=False):
        raise InvalidInput(_("Your name contains characters we cannot use."), field="display_name")
    text = unicodedata.normalize("NFKC", text).translate(_FILLERS)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InvalidInput(_("Fill in your name."), field="display_name")
    if len(text) > NAME_MAX:
        raise InvalidInput(
            _("Your name can be at most %(n)s characters.", n=NAME_MAX), field="display_name"
        )
    if _role_word_in(text):
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


def deactivate(member: Member, status: str) -> None:
    """The one way a member stops being active (suspended, erased): the status changes and
    every session and API token ends at once, in the caller's transaction. Restoring the
    account later does not bring an old session or token back: they start with a new login.
    (The live-session and token checks refuse an inactive member too.)"""
    if status == "active":
        raise ValueError("deactivate() is for leaving the active status")
    leaving: set[int] = db.session().info.setdefault(_DEACTIVATING, set())
    leaving.add(id(member))
    try:
        member.status = status
        db.session.flush()
    finally:
        leaving.discard(id(member))
    end_all_sessions(member.id)


_DEACTIVATING = "buurthulp_deactivating"


@event.listens_for(Session, "before_flush")
def _only_deactivate_ends_active(session: Session, _context: object, _objs: object) -> None:
    """A tripwire, not a second way: a status that leaves "active" anywhere but in
    `deactivate` would leave the member's sessions running, so the flush refuses it."""
    leaving = session.info.get(_DEACTIVATING, set())
    for obj in session.dirty:
        if (
            isinstance(obj, Member)
            and obj.status != "active"
            and id(obj) not in leaving
            and "active" in inspect(obj).attrs.status.history.deleted
        ):
            raise RuntimeError("a member leaves 'active' only through deactivate()")


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
