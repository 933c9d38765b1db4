"""Why staff open one resident's personal data: asked once per resident per day.

The reason guard (`backoffice.guards.asks_reason`) asks before a single-resident staff page
opens; the reason given here is then carried by every access-log row that page writes that
day, so the resident reads who, when, what and why. Lists never ask: they log "overview".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from buurthulp.access.models import ACCESS_REASONS, AccessLogEntry, AccessReason
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import InvalidInput, NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_choice, clean_text, is_id
from buurthulp.models_base import utcnow
from buurthulp.personal_data import Forgetting

EXPLANATION_MAX = 200
SUBJECTS_MAX = 10  # one page shows one resident (a match page: two)


def today(now: datetime | None = None) -> date:
    """The day as the staff member lives it (Amsterdam), not the server's UTC day."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def _stored(row: AccessReason) -> str:
    return f"other: {row.explanation}" if row.reason == "other" and row.explanation else row.reason


def reasons_today(
    viewer: Member, subject_ids: Iterable[int], *, now: datetime | None = None
) -> dict[int, str]:
    """The reasons `viewer` gave today, by resident (as the access log stores them)."""
    ids = sorted({i for i in subject_ids if i != viewer.id})
    if not ids:
        return {}
    rows = db.session.scalars(
        select(AccessReason).where(
            AccessReason.viewer_id == viewer.id,
            AccessReason.subject_id.in_(ids),
            AccessReason.day == today(now),
        )
    )
    return {row.subject_id: _stored(row) for row in rows}


def give_reason(
    *,
    viewer: Member,
    subject_ids: Iterable[object],
    reason: object,
    explanation: object = "",
    now: datetime | None = None,
) -> list[int]:
    """Record why `viewer` opens these residents' data today; returns the residents it was
    recorded for. Unknown ids are left out without a word (a made-up id learns nothing),
    and a reason already given today stays as it was."""
    if not may(viewer, Permission.MEMBERS_PERSONAL_VIEW):
        raise NotAllowed(_("This is for coordinators only."))
    chosen = clean_choice(reason, ACCESS_REASONS, field="reason")
    words = clean_text(
        explanation, field="explanation", max_length=EXPLANATION_MAX, multiline=False
    )
    if chosen == "other" and not words:
        raise InvalidInput(_("Say in a few words why you open it."), field="explanation")
    wanted = sorted({i for i in subject_ids if is_id(i) and i != viewer.id})[:SUBJECTS_MAX]
    if not wanted:
        return []
    now = now or utcnow()
    day = today(now)
    known: set[int] = set()
    try:
        with transaction():
            known = set(db.session.scalars(select(Member.id).where(Member.id.in_(wanted))))
            given = set(reasons_today(viewer, known, now=now))
            for subject_id in sorted(known - given):
                db.session.add(
                    AccessReason(
                        viewer_id=viewer.id,
                        subject_id=subject_id,
                        day=day,
                        reason=chosen,
                        explanation=words if chosen == "other" else "",
                        at=now,
                    )
                )
    except IntegrityError:  # the same form sent twice at once: the first one counts
        pass
    return sorted(known)


def forget(forgetting: Forgetting) -> None:
    """Erasure: the words staff wrote to open the member's file go; the access log keeps
    only the kind of each reason ("verzoek van bewoner"), which the database allows as
    the one change to that log."""
    member_id = forgetting.member_id
    forgetting.quote(
        *db.session.scalars(
            select(AccessReason.explanation).where(AccessReason.subject_id == member_id)
        )
    )
    db.session.execute(
        update(AccessReason)
        .where(AccessReason.subject_id == member_id, AccessReason.explanation != "")
        .values(explanation="")
        .execution_options(synchronize_session=False)
    )
    worded = db.session.scalars(
        select(AccessLogEntry.reason)
        .where(AccessLogEntry.subject_id == member_id, AccessLogEntry.reason.contains(": "))
        .distinct()
    ).all()
    for reason in worded:  # a handful of distinct reasons, however long the log
        db.session.execute(
            update(AccessLogEntry)
            .where(AccessLogEntry.subject_id == member_id, AccessLogEntry.reason == reason)
            .values(reason=reason.partition(": ")[0])
            .execution_options(synchronize_session=False)
        )
