"""Account rules: sign up (with a confirmed address), create an account, move home, tags.

Signing up never tells whether an address already has an account: every attempt answers
"check your mailbox", and the mailbox says what happened (a confirmation link for a new
address, "you already have an account" to the owner of a known one). Both paths cost the
same: one argon2 hash, one row written, one mail queued.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from buurthulp.accounts.models import Consent
from buurthulp.accounts.passwords import password_fingerprint
from buurthulp.auth.models import Member, MemberTag, RoleAssignment
from buurthulp.auth.passwords import hash_password, verify_password
from buurthulp.auth.permissions import Actor
from buurthulp.auth.roles import Role
from buurthulp.auth.services import clean_display_name, clean_email, clean_password, member_by_email
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed
from buurthulp.extensions import db
from buurthulp.geo import blur_point, cell_of
from buurthulp.i18n import clean_locale
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_int, clean_tags, clean_text
from buurthulp.links import absolute_url
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.neighbourhoods.services import Home, resolve_home
from buurthulp.outbox.services import link_marker, link_minter, queue_mail
from buurthulp.protection.text import refuse_contact_details
from buurthulp.signals import member_created, member_moved

PRIVACY_PURPOSE = "privacy-statement"
CONFIRM_SALT = "confirm-email"
TAG_MAX = 40


@dataclass(frozen=True)
class Registration:
    display_name: str
    email: str
    password: str
    postcode: str
    house_number: str
    privacy_consent: bool
    locale: str = "nl"


def _place_at_home(member: Member, home: Home) -> None:
    """Store the exact point (staff only) and a stable blurred point for everyone else.

    The blur has its own key, so rotating the session secret moves nobody's public point.
    Its direction is drawn anew for each address: whoever knew the old home and saw the
    old public point knows that offset, and must not find the new home with it.
    """
    member.postcode, member.house_number = home.postcode, home.house_number
    member.home_lat, member.home_lon = home.point.lat, home.point.lon
    blurred = blur_point(
        home.point,
        secret=current_app.config["BUURTHULP_BLUR_KEY"],
        member_key=f"member:{member.id}:{home.postcode}:{home.house_number}",
    )
    member.public_lat, member.public_lon = blurred.lat, blurred.lon
    member.home_cell = cell_of(blurred)
    member.neighbourhood_id = home.neighbourhood.id


def _resolve(postcode: object, house_number: object) -> Home:
    return resolve_home(
        postcode if isinstance(postcode, str) else None,
        house_number if isinstance(house_number, str) else None,
    )


def _already_exists() -> Conflict:
    return Conflict(
        _("An account with this e-mail address already exists."),
        field="email",
    )


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
    consent_method: str = "online",
    locale: str = "nl",
    password_hash: str | None = None,
    require_home: bool = False,
    status: str = "active",
) -> Member:
    """Create one account (inside the caller's transaction or its own).

    For staff tools, the CLI and the demo: they know who they create. Sign-up goes through
    `register`, which never says whether an address is taken.
    """
    name = clean_display_name(display_name)
    clean_mail = clean_email(email) if email is not None else None
    pw_hash = password_hash or (hash_password(clean_password(password)) if password else None)
    home = None
    if postcode or house_number:
        home = _resolve(postcode, house_number)
    elif require_home:
        raise InvalidInput(_("Fill in your postcode and house number."), field="postcode")
    try:
        with transaction():
            member = Member(
                display_name=name,
                email=clean_mail,
                password_hash=pw_hash,
                locale=clean_locale(locale),
                status=status,
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
                        method=consent_method,
                    )
                )
            db.session.flush()
            member_created.send(member)
    except IntegrityError:
        raise _already_exists() from None
    return member


# Signing up ----------------------------------------------------------------------------------


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


@link_minter("confirm-email")
def _mint_confirm_link(member_id: int | None, _params: dict[str, object]) -> str:
    member = db.session.get(Member, member_id) if member_id else None
    if member is None:
        raise LookupError("the member of this confirmation mail is gone")
    token = _confirm_serializer().dumps({"m": member.id, "f": password_fingerprint(member)})
    return absolute_url("accounts.confirm", token=token)


@link_minter("login")
def _mint_login_link(_member_id: int | None, _params: dict[str, object]) -> str:
    return absolute_url("auth.login")


@link_minter("reset-request")
def _mint_forgot_link(_member_id: int | None, _params: dict[str, object]) -> str:
    return absolute_url("auth.forgot_password")


def _mail_confirmation(member: Member) -> None:
    queue_mail(
        to=member.email or "",
        member_id=member.id,
        subject=_("Confirm your e-mail address for Buurthulp"),
        body=_(
            "Hello %(name)s,\n\nWelcome to Buurthulp! Open this link to confirm your e-mail "
            "address and finish joining:\n\n%(url)s\n\nThe link works for three days. "
            "Did you not sign up? Then you can ignore this e-mail: nothing happens.",
            name=member.display_name,
            url=link_marker("confirm"),
        ),
        links={"confirm": ("confirm-email", {})},
    )


def _mail_owner_of_known_address(member: Member) -> None:
    queue_mail(
        to=member.email or "",
        member_id=member.id,
        subject=_("Someone tried to sign up with your e-mail address"),
        body=_(
            "Hello %(name)s,\n\nSomeone (maybe you) tried to sign up for Buurthulp with this "
            "e-mail address. You already have an account, so nothing was changed.\n\n"
            "Log in here: %(login)s\nForgot your password? Choose a new one here: %(forgot)s\n\n"
            "Was this not you? Then you can ignore this e-mail.",
            name=member.display_name,
            login=link_marker("login"),
            forgot=link_marker("forgot"),
        ),
        links={"login": ("login", {}), "forgot": ("reset-request", {})},
    )


def register(form: Registration) -> None:
    """A resident signs up: checked fully, then "check your mailbox" whatever happened.

    A new address gets a pending account and a confirmation link; a pending one gets its
    details replaced and a new link (whoever registered it first never confirmed it); the
    owner of an active account gets a note that they already have one.
    """
    if form.privacy_consent is not True:
        raise InvalidInput(
            _("You need to agree to the privacy statement to join."), field="privacy_consent"
        )
    name = clean_display_name(form.display_name)
    address = clean_email(form.email)
    pw_hash = hash_password(clean_password(form.password))
    home = _resolve(form.postcode, form.house_number)
    version = current_app.config["PRIVACY_STATEMENT_VERSION"]
    for _attempt in range(2):  # a racing sign-up with the same address: the second try sees it
        try:
            with transaction():
                existing = member_by_email(address)
                if existing is not None and existing.status != "pending":
                    _mail_owner_of_known_address(existing)
                    return
                if existing is None:
                    member = create_member(
                        display_name=name,
                        email=address,
                        password=None,
                        password_hash=pw_hash,
                        postcode=home.postcode,
                        house_number=home.house_number,
                        consent_version=version,
                        locale=form.locale,
                        status="pending",
                    )
                else:
                    member = existing
                    member.display_name, member.password_hash = name, pw_hash
                    member.locale = clean_locale(form.locale)
                    old_hood = member.neighbourhood_id
                    _place_at_home(member, home)
                    db.session.flush()
                    if old_hood != member.neighbourhood_id:
                        member_moved.send(member)
                _mail_confirmation(member)
                return
        except Conflict:
            continue


def confirm_email(token: object, password: object) -> Member:
    """The link from the confirmation mail, with the password chosen at sign-up: the
    account becomes active.

    The link proves the mailbox; the password proves who signed up. Without it, whoever
    signed up again with someone else's pending address (their own password, a fresh link
    to the owner's mailbox) would get the account the moment the owner clicked.
    """
    invalid = InvalidInput(
        _("This confirmation link is not valid any more. Sign up again to get a new one."),
        field="token",
    )
    if not isinstance(token, str) or len(token) > 500:
        raise invalid
    try:
        data = _confirm_serializer().loads(
            token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"]
        )
    except (SignatureExpired, BadSignature):
        raise invalid from None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        raise invalid
    with transaction():
        member = db.session.get(Member, data["m"])
        if member is None or data.get("f") != password_fingerprint(member):
            raise invalid
        if member.status not in ("active", "pending"):
            raise invalid
        if not isinstance(password, str) or not verify_password(member.password_hash, password):
            raise InvalidInput(
                _(
                    "This is not the password that was chosen when signing up with this "
                    "address. Forgot it? Sign up again with the same address: you will get "
                    "a new link."
                ),
                field="password",
            )
        member.status = "active"  # a second click with the password: already done
    return member


# Changing an account ------------------------------------------------------------------------


def move_home(member: Member, *, postcode: object, house_number: object, actor: Actor) -> Member:
    """A member changes address."""
    if actor.id != member.id:
        raise NotAllowed(_("Only the member can change their address here."))
    home = _resolve(postcode, house_number)
    with transaction():
        member = db.session.get_one(Member, member.id)
        old = member.neighbourhood_id
        _place_at_home(member, home)
        db.session.flush()
        if old != member.neighbourhood_id:
            member_moved.send(member)
    return member


def set_tags(member: Member, kind: str, tags: list[str]) -> None:
    """Replace a member's interests or talents (only flushes; callers own the transaction)."""
    for tag in [t for t in member.tags if t.kind == kind]:
        member.tags.remove(tag)
    db.session.flush()
    for tag in sorted({t.strip().lower()[:TAG_MAX] for t in tags if t.strip()}):
        member.tags.append(MemberTag(kind=kind, tag=tag))


def count_members() -> int:
    return db.session.scalar(select(func.count(Member.id))) or 0


# Profile ---------------------------------------------------------------------------------------

PHONE_MAX = 32
LANGUAGE_CODES = ("nl", "en", "de", "fr", "ar", "tr", "pl", "es", "uk", "so", "ti", "fy", "pap")


def clean_phone(value: object) -> str | None:
    text = clean_text(value, field="phone", max_length=PHONE_MAX, multiline=False)
    if not text:
        return None
    if not re.fullmatch(r"\+?[0-9 ()-]{6,20}", text):
        raise InvalidInput(_("Give a phone number, for example 06 12345678."), field="phone")
    return text


def update_profile(
    member: Member,
    *,
    interests: object,
    talents: object,
    availability: object,
    radius_m: object,
    languages: object,
    phone: object,
    actor: Actor,
) -> Member:
    """What drives matching: interests and talents, when free, how far, which languages.
    None of it is required to start."""
    if actor.id != member.id:
        raise NotAllowed(_("Only the member can change their profile here."))
    interest_tags = clean_tags(interests, field="interests")
    talent_tags = clean_tags(talents, field="talents")
    # Neighbours read these words beside the name (suggestions): no contact details.
    refuse_contact_details(", ".join(interest_tags), field="interests")
    refuse_contact_details(", ".join(talent_tags), field="talents")
    bits = clean_int(availability or 0, field="availability", minimum=0, maximum=63) or 0
    radius = clean_int(radius_m, field="radius_km", minimum=500, maximum=25_000) or 2000
    codes = clean_tags(languages, field="languages")
    unknown = [c for c in codes if c not in LANGUAGE_CODES]
    if unknown:
        raise InvalidInput(
            _("Use language codes such as nl, en, ar, tr: %(codes)s", codes=", ".join(unknown)),
            field="languages",
        )
    number = clean_phone(phone)
    with transaction():
        fresh = db.session.get_one(Member, member.id)
        set_tags(fresh, "interest", interest_tags)
        set_tags(fresh, "talent", talent_tags)
        fresh.availability, fresh.radius_m = bits, radius
        fresh.languages, fresh.phone = ",".join(codes), number
    return fresh
