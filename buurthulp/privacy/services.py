"""The personal-data access log: every staff view of a member's data leaves a row.

Staff pages call `record_staff_view` with every member whose data the page shows (one
member's statement, or all members of a list); the members read those rows on "who looked
at my data". A member looking at their own data is not logged: the log answers "who else".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor, SystemActor
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.models_base import utcnow
from buurthulp.privacy.models import AccessLogEntry

#: What was seen, as the member reads it on their "who looked at my data" page.
WHAT = {
    "ledger-statement": _l("Your time-bank statement"),
    "member-list": _l("You in a list of members"),
    "limits": _l("Your time-credit limits"),
    "settle": _l("Your balance, to settle your account"),
    "proxy-thanks": _l("Your balance, to say thank you on your behalf"),
    "proxy-donation": _l("Your balance, to give to the pool on your behalf"),
    "grant": _l("You in the list for a grant from the pool"),
    "pool-history": _l("You in the history of the solidarity pool"),
    "transfer": _l("A transfer you are part of"),
    "staff-list": _l("You in the list of staff"),
    "mail-status": _l("An e-mail to you that could not be delivered"),
    "match": _l("A match you are part of"),
    "audit-log": _l("You in the log of what staff did"),
    "match-queue": _l("You in the list of matches that wait for a coordinator"),
    "privacy-page": _l("Your consents, to handle a privacy request of yours"),
    "export": _l("All your data, to give you a copy"),
    "erasure": _l("Your account, to erase it at your request"),
    "report": _l("A report you made, or one about you"),
    "report-list": _l("You in the list of reports that wait for a coordinator"),
    "moderation": _l("Your listing, to check it"),
    "moderation-list": _l("You in the list of listings to check"),
    "suspension": _l("Your account, to suspend it or lift a suspension"),
}


def record_staff_view(
    *, viewer: Actor, subject_ids: Iterable[int | None], what: str, reason: str = ""
) -> None:
    """One row per member shown to `viewer`, in its own transaction (or the caller's)."""
    if what not in WHAT:
        raise ValueError(f"unknown access-log kind {what!r}")
    if isinstance(viewer, SystemActor):
        return
    ids = sorted({i for i in subject_ids if i is not None and i != viewer.id})
    if not ids:
        return
    now = utcnow()
    with transaction(keep_loaded=True) as session:
        # One statement for the whole list, however long: a list page costs the same.
        session.execute(
            insert(AccessLogEntry),
            [
                {
                    "viewer_id": viewer.id,
                    "subject_id": i,
                    "what": what,
                    "reason": reason[:200],
                    "at": now,
                }
                for i in ids
            ],
        )


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    viewer: str
    what: str
    reason: str


def access_log_for(member: Member, *, limit: int = 200) -> list[AccessRow]:
    """Who of staff looked at `member`'s data, newest first."""
    rows = db.session.execute(
        select(AccessLogEntry, Member.display_name)
        .outerjoin(Member, Member.id == AccessLogEntry.viewer_id)
        .where(AccessLogEntry.subject_id == member.id)
        .order_by(AccessLogEntry.id.desc())
        .limit(limit)
    )
    return [
        AccessRow(
            at=entry.at,
            viewer=name or "—",
            what=str(WHAT.get(entry.what, entry.what)),
            reason=entry.reason,
        )
        for entry, name in rows
    ]
