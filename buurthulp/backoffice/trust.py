"""Trust levels: new → verified (met in person or an ID seen) → VOG checked (a certificate
of conduct, renewed every three years). `Member.trust_level` is the current level;
`TrustRecord` keeps every step: who, when, how, and a VOG's date of issue. The document
itself is never stored.

A month before a VOG is three years old the member and the coordinators are reminded once;
on the day it lapses the member is "verified" again (they were met; the VOG is not valid).
`flask listings tick` runs `tick` every hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import SystemActor, holders_of, may
from buurthulp.auth.roles import Permission
from buurthulp.backoffice.models import TrustRecord
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import clean_choice, clean_date, clean_text, is_id
from buurthulp.links import path_for
from buurthulp.models_base import utcnow
from buurthulp.notifications.services import notify
from buurthulp.personal_data import Forgetting

VOG_YEARS = 3
REMIND_BEFORE = timedelta(days=30)
NOTE_MAX = 500
CLOCK = SystemActor("clock")

#: What a coordinator records, and the level it leads to.
STEPS = {
    "in-person": _l("I met them in person"),
    "id-seen": _l("I saw an ID document (I did not keep a copy)"),
    "vog": _l("I saw their certificate of conduct (VOG)"),
    "lowered": _l("Lower the trust level by one step"),
}
LEVELS = {
    "new": _l("new"),
    "verified": _l("verified"),
    "vog": _l("VOG checked"),
}
HOWS = {
    "in-person": _l("met in person"),
    "id-seen": _l("ID seen"),
    "vog": _l("VOG seen"),
    "lowered": _l("lowered by a coordinator"),
    "lapsed": _l("VOG lapsed after three years"),
}
LOWER = {"vog": "verified", "verified": "new"}


def today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def vog_valid_until(issued_on: date) -> date:
    """Three years after the date of issue (29 February becomes 28 February)."""
    try:
        return issued_on.replace(year=issued_on.year + VOG_YEARS)
    except ValueError:
        return issued_on.replace(year=issued_on.year + VOG_YEARS, day=28)


@dataclass(frozen=True)
class TrustStep:
    level: str
    how: str
    vog_issued_on: date | None
    recorded_by: str
    recorded_at: datetime
    note: str

    @property
    def level_label(self) -> str:
        return str(LEVELS.get(self.level, self.level))

    @property
    def how_label(self) -> str:
        return str(HOWS.get(self.how, self.how))

    @property
    def valid_until(self) -> date | None:
        return vog_valid_until(self.vog_issued_on) if self.vog_issued_on else None


def history(member: Member) -> list[TrustStep]:
    """Every step on the member's trust ladder, newest first (one query)."""
    by = aliased(Member)
    rows = db.session.execute(
        select(TrustRecord, by.display_name)
        .outerjoin(by, by.id == TrustRecord.recorded_by_id)
        .where(TrustRecord.member_id == member.id)
        .order_by(TrustRecord.id.desc())
    )
    return [
        TrustStep(
            level=record.level,
            how=record.how,
            vog_issued_on=record.vog_issued_on,
            recorded_by=name or CLOCK.display_name,
            recorded_at=record.recorded_at,
            note=record.note,
        )
        for record, name in rows
    ]


def current_vog(member: Member) -> TrustRecord | None:
    """The VOG the member's level rests on (None unless their level is "vog")."""
    if member.trust_level != "vog":
        return None
    return db.session.scalar(
        select(TrustRecord)
        .where(TrustRecord.member_id == member.id, TrustRecord.how == "vog")
        .order_by(TrustRecord.id.desc())
        .limit(1)
    )


def _member_for_trust(member_id: object, actor: Member) -> Member:
    if not is_id(member_id):
        raise NotFound(_("We could not find this member."))
    member = db.session.get(Member, member_id)
    if member is None or not may(actor, Permission.MEMBERS_TRUST_SET, member.neighbourhood_id):
        raise NotFound(_("We could not find this member."))
    if member.id == actor.id:
        raise NotAllowed(
            _("You cannot do this for your own account. Ask another coordinator to do it."),
            code="own_benefit",
        )
    if member.status != "active":
        raise Conflict(_("This member's account is not active."))
    return member


def _clean_vog_date(value: object, now: datetime) -> date:
    if value in (None, ""):
        raise InvalidInput(_("Fill in the date of issue on the VOG."), field="vog_issued_on")
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(_("Give a date."), field="vog_issued_on")
    issued = clean_date(value, "vog_issued_on")
    assert issued is not None
    if issued > today(now):
        raise InvalidInput(_("The date of issue cannot be in the future."), field="vog_issued_on")
    if vog_valid_until(issued) <= today(now):
        raise InvalidInput(
            _("This VOG is more than three years old. Ask for a new one."), field="vog_issued_on"
        )
    return issued


def set_trust(
    member_id: object,
    *,
    step: object,
    actor: Member,
    vog_issued_on: object = None,
    note: object = "",
    now: datetime | None = None,
) -> TrustRecord:
    """A coordinator records what they checked: met in person or an ID seen (verified), a
    VOG seen (its date of issue; the member must be verified first), or lowers the level
    one step (with a note why). Audited; the member is told."""
    member = _member_for_trust(member_id, actor)
    how = clean_choice(step, STEPS, field="step")
    text = clean_text(note, field="note", max_length=NOTE_MAX)
    now = now or utcnow()
    issued = None
    current = member.trust_level
    if how in ("in-person", "id-seen"):
        level = "verified"
        if current != "new":
            raise Conflict(_("%(name)s is already verified.", name=member.display_name))
    elif how == "vog":
        level = "vog"
        if current == "new":
            raise InvalidInput(
                _("Verify %(name)s first: meet them or see an ID.", name=member.display_name),
                field="step",
            )
        issued = _clean_vog_date(vog_issued_on, now)
    else:
        if current not in LOWER:
            raise Conflict(_("%(name)s is at the lowest level already.", name=member.display_name))
        if not text:
            raise InvalidInput(_("Write why you lower the level."), field="note")
        level = LOWER[current]
    with transaction():
        fresh = db.session.get_one(Member, member.id, with_for_update=True, populate_existing=True)
        if fresh.trust_level != current:
            raise Conflict(_("Someone changed this member's trust level just now. Look again."))
        fresh.trust_level = level
        record = TrustRecord(
            member_id=member.id,
            level=level,
            how=how,
            vog_issued_on=issued,
            recorded_by_id=actor.id,
            recorded_at=now,
            note=text,
        )
        db.session.add(record)
        db.session.flush()
        summary = f"{LEVELS[level]} ({HOWS[how]})"
        if issued is not None:
            summary += f", {issued.isoformat()}"
        audit.record(
            actor,
            "verification",
            member_id=member.id,
            note=" · ".join(part for part in (summary, text) if part),
        )
        if how == "vog":
            assert issued is not None
            notify(
                member.id,
                "backoffice.vog_checked",
                by=actor.display_name,
                day=vog_valid_until(issued).isoformat(),
            )
        elif level == "verified" and how != "lowered":
            notify(member.id, "backoffice.verified", by=actor.display_name)
    return record


def tick(now: datetime | None = None) -> dict[str, int]:
    """Remind a month before a VOG turns three (once), and let a lapsed one go."""
    now = now or utcnow()
    day = today(now)
    latest = (
        select(func.max(TrustRecord.id))
        .where(TrustRecord.how == "vog")
        .group_by(TrustRecord.member_id)
    )
    rows = db.session.execute(
        select(TrustRecord.id, TrustRecord.member_id, TrustRecord.vog_issued_on)
        .join(Member, Member.id == TrustRecord.member_id)
        .where(TrustRecord.id.in_(latest), Member.trust_level == "vog", Member.status == "active")
        .order_by(TrustRecord.id)
    ).all()
    counts = {"VOG reminders": 0, "VOG lapsed": 0}
    for record_id, member_id, issued in rows:
        until = vog_valid_until(issued)
        if day >= until:
            counts["VOG lapsed"] += _lapse(record_id, member_id, until, now)
        elif day >= until - REMIND_BEFORE:
            counts["VOG reminders"] += _remind(record_id, member_id, until, now)
    return counts


def _tell_coordinators(member: Member, kind: str, until: date) -> None:
    if member.neighbourhood_id is None:
        return
    for holder in holders_of(Permission.MEMBERS_TRUST_SET, member.neighbourhood_id):
        if holder != member.id:
            notify(
                holder,
                kind,
                url=path_for("backoffice.resident", member_id=member.id),
                name=member.display_name,
                day=until.isoformat(),
            )


def _remind(record_id: int, member_id: int, until: date, now: datetime) -> int:
    with transaction():
        record = db.session.get_one(TrustRecord, record_id, with_for_update=True)
        if record.reminded_at is not None:
            return 0
        record.reminded_at = now
        member = db.session.get_one(Member, member_id)
        notify(member.id, "backoffice.vog_expiring", day=until.isoformat())
        _tell_coordinators(member, "backoffice.vog_expiring_staff", until)
    return 1


def _lapse(record_id: int, member_id: int, until: date, now: datetime) -> int:
    with transaction():
        member = db.session.get_one(Member, member_id, with_for_update=True, populate_existing=True)
        if member.trust_level != "vog":
            return 0
        member.trust_level = "verified"
        db.session.add(
            TrustRecord(member_id=member.id, level="verified", how="lapsed", recorded_at=now)
        )
        db.session.flush()
        audit.record(CLOCK, "verification", member_id=member.id, note=str(HOWS["lapsed"]))
        notify(member.id, "backoffice.vog_lapsed", day=until.isoformat())
        _tell_coordinators(member, "backoffice.vog_lapsed_staff", until)
    return 1


def forget(forgetting: Forgetting) -> None:
    """Erasure: the notes on the member's trust steps go; the steps stay (who verified
    whom, when), as the ladder's history."""
    forgetting.quote(
        *db.session.scalars(
            select(TrustRecord.note).where(TrustRecord.member_id == forgetting.member_id)
        )
    )
    db.session.execute(
        update(TrustRecord)
        .where(TrustRecord.member_id == forgetting.member_id, TrustRecord.note != "")
        .values(note="")
        .execution_options(synchronize_session=False)
    )
