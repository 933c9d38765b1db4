"""Consents: for what, to which version of the text, when, recorded by whom and how.

A member gives and withdraws their own consents on the site; for a resident who is not
online a coordinator writes down a consent given on paper, by phone or in person (and that
is in the audit log). Withdrawing is as easy as giving and takes effect at once.

The privacy statement is the ground the whole account stands on: withdrawing it means
"stop keeping my data", so it erases the account (`privacy.erasure`), after the member
has seen what that means and confirmed it. A purpose that is not needed for the account
(`required=False`) is simply withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from buurthulp.accounts.models import CONSENT_METHODS, Consent
from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor, SystemActor, may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.models_base import utcnow

PRIVACY_STATEMENT = "privacy-statement"


@dataclass(frozen=True)
class Purpose:
    label: object
    required: bool  # withdrawing it ends the account


PURPOSES: dict[str, Purpose] = {
    PRIVACY_STATEMENT: Purpose(
        _l("The privacy statement: Buurthulp keeps and uses my data to bring neighbours together"),
        required=True,
    ),
}

METHOD_LABELS = {
    "online": _l("on the website"),
    "paper": _l("on paper"),
    "phone": _l("by phone"),
    "in-person": _l("in person"),
}
#: What staff may write down: a consent given online is given by the member themselves.
STAFF_METHODS = tuple(m for m in CONSENT_METHODS if m != "online")


def current_version(purpose: str) -> str:
    """The version of the text a consent is given to now."""
    if purpose == PRIVACY_STATEMENT:
        return str(current_app.config["PRIVACY_STATEMENT_VERSION"])
    return "1"


@dataclass(frozen=True)
class ConsentRow:
    id: int
    purpose: str
    label: str
    text_version: str
    given_at: datetime
    withdrawn_at: datetime | None
    method: str
    method_label: str
    recorded_by: str | None  # a coordinator's name; None when the member gave it themselves
    current: bool  # given to the version of the text in use now, and not withdrawn


def consents_of(member: Member) -> list[ConsentRow]:
    """Every consent of the member, newest first (the caller decides who may read them)."""
    rows = db.session.execute(
        select(Consent, Member.display_name)
        .outerjoin(Member, Member.id == Consent.recorded_by_id)
        .where(Consent.member_id == member.id)
        .order_by(Consent.given_at.desc(), Consent.id.desc())
    )
    return [
        ConsentRow(
            id=consent.id,
            purpose=consent.purpose,
            label=str(PURPOSES[consent.purpose].label)
            if consent.purpose in PURPOSES
            else consent.purpose,
            text_version=consent.text_version,
            given_at=consent.given_at,
            withdrawn_at=consent.withdrawn_at,
            method=consent.method,
            method_label=str(METHOD_LABELS.get(consent.method, consent.method)),
            recorded_by=name if consent.recorded_by_id not in (None, member.id) else None,
            current=consent.withdrawn_at is None
            and consent.text_version == current_version(consent.purpose),
        )
        for consent, name in rows
    ]


def missing_purposes(member: Member) -> list[str]:
    """Purposes the member has no live consent for in the current version of the text."""
    live = {row.purpose for row in consents_of(member) if row.current}
    return [purpose for purpose in PURPOSES if purpose not in live]


def _clean_purpose(purpose: object) -> str:
    if not isinstance(purpose, str) or purpose not in PURPOSES:
        raise InvalidInput(_("Choose what the consent is for."), field="purpose")
    return purpose


def _check_actor(member: Member, actor: Actor, method: object) -> str:
    """The member for themselves (online), or staff of their neighbourhood (how it was given)."""
    if not isinstance(actor, SystemActor) and actor.id == member.id:
        return "online"
    if not may(actor, Permission.PRIVACY_RIGHTS_HANDLE, member.neighbourhood_id):
        raise NotFound(_("We could not find this member."))
    if method not in STAFF_METHODS:
        raise InvalidInput(_("Choose how the resident gave their consent."), field="method")
    return str(method)


def give(member: Member, purpose: object, *, actor: Actor, method: object = None) -> Consent:
    """Record a consent to the current version of the text. Giving it again while it holds
    changes nothing (pressed twice: one row)."""
    chosen = _clean_purpose(purpose)
    how = _check_actor(member, actor, method)
    if member.status != "active":
        raise Conflict(_("This account is not active."))
    version = current_version(chosen)
    staff = isinstance(actor, SystemActor) or actor.id != member.id
    with transaction():
        db.session.get_one(Member, member.id, with_for_update=True)
        found = db.session.scalar(
            select(Consent).where(
                Consent.member_id == member.id,
                Consent.purpose == chosen,
                Consent.text_version == version,
                Consent.withdrawn_at.is_(None),
            )
        )
        if found is not None:
            return found
        consent = Consent(
            member_id=member.id,
            purpose=chosen,
            text_version=version,
            method=how,
            recorded_by_id=actor.id,
        )
        db.session.add(consent)
        db.session.flush()
        if staff:
            audit.record(
                actor,
                "consent",
                member_id=member.id,
                note=f"+ {chosen} {version} ({how})",
            )
    return consent


def withdraw(member: Member, purpose: object, *, actor: Actor, method: object = None) -> int:
    """Withdraw a consent that is not needed for the account, at once. The privacy
    statement is withdrawn by erasing the account (`erasure.erase`): refused here, so
    nobody loses their account by one click without seeing what it means."""
    chosen = _clean_purpose(purpose)
    how = _check_actor(member, actor, method)
    if PURPOSES[chosen].required:
        raise NotAllowed(
            _("Withdrawing this consent erases your account. Use “Erase my account” for that.")
        )
    staff = isinstance(actor, SystemActor) or actor.id != member.id
    with transaction():
        result = db.session.execute(
            update(Consent)
            .where(
                Consent.member_id == member.id,
                Consent.purpose == chosen,
                Consent.withdrawn_at.is_(None),
            )
            .values(withdrawn_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if staff and result.rowcount:
            audit.record(actor, "consent", member_id=member.id, note=f"- {chosen} ({how})")
    return int(result.rowcount or 0)


def withdraw_all(member_id: int, *, now: datetime) -> None:
    """Every live consent of the member ends now (an erasure; only flushes). The rows stay:
    they show what the member agreed to while the account lived."""
    db.session.execute(
        update(Consent)
        .where(Consent.member_id == member_id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
        .execution_options(synchronize_session=False)
    )
