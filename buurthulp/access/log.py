"""The personal-data access log: every staff view of a member's data leaves a row.

The service that loads a resident's data for staff (`..._for_staff(id, actor, reason=)`,
`open_...`) calls `record_staff_view` with every member whose data it hands out (one
member's statement, or all members of a list), so every page and API answer that uses it
is covered; views never call it. The members read those rows on "who looked at my data".
A member looking at their own data is not logged: the log answers "who else".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from buurthulp.access.models import AccessLogEntry
from buurthulp.access.reasons import reasons_today
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor, SystemActor
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.models_base import utcnow

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
    "work-queue": _l("You in the coordinator's work queue"),
    "resident-page": _l("Your trust level and what the coordinator keeps for you"),
    "trust": _l("Your trust level, to change it"),
    "vulnerable": _l("Your details, to mark you as someone who needs extra care"),
    "proxy-page": _l("Your listings and matches, to act on your behalf"),
    "proxy-summary": _l("Your printed summary of requests, matches and balance"),
    "welcome-letter": _l("Your printed welcome letter"),
    "proxy-feed": _l("Your listing, read by a coordinator looking for help for a neighbour"),
    "proxy-list": _l("You in the list of residents a coordinator acts for"),
    "attendees": _l("You in the list of who comes to an activity"),
    "suggestions": _l("You among the neighbours suggested for a listing"),
}

#: Why staff opened a resident's data, as the resident reads it ("other" comes with a few
#: words of the viewer's own, stored as "other: ..."). Lists never ask: "overview".
REASONS = {
    "request": _l("handling a request for help"),
    "report": _l("a concern report"),
    "resident-asked": _l("the resident asked for it"),
    "finance": _l("financial administration"),
    "other": _l("other"),
    "overview": _l("overview"),
}
OVERVIEW = "overview"
#: Pages that list many members: logged with the reason "overview", never asked.
LIST_VIEWS = frozenset(
    {
        "member-list",
        "grant",
        "pool-history",
        "staff-list",
        "mail-status",
        "audit-log",
        "match-queue",
        "work-queue",
        "proxy-feed",
        "proxy-list",
        "attendees",
        "suggestions",
    }
)

_PAGE_REASONS: ContextVar[dict[int, str] | None] = ContextVar("page_reasons", default=None)


@contextmanager
def page_reasons(reasons: dict[int, str]) -> Iterator[None]:
    """While a page for one resident is made: the reasons its viewer gave today, by
    resident. Every access-log row the page writes carries them; a row about someone else
    on the same page (the other side of a transfer) carries the page's reason."""
    token = _PAGE_REASONS.set(dict(reasons))
    try:
        yield
    finally:
        _PAGE_REASONS.reset(token)


def _reason_for(subject_id: int, what: str, given: str, today: dict[int, str]) -> str:
    if given:
        return given
    page = _PAGE_REASONS.get()
    if page:
        return page.get(subject_id) or next(iter(page.values()))
    return OVERVIEW if what in LIST_VIEWS else today.get(subject_id, "")


def _given_today(viewer: Member, ids: list[int], what: str, reason: str) -> dict[int, str]:
    """Outside a page that asked (an API answer): the reasons the viewer gave today for
    these residents, as the page would have carried them. One query, only when needed."""
    if reason or what in LIST_VIEWS or _PAGE_REASONS.get():
        return {}
    return reasons_today(viewer, ids)


def reason_label(stored: str) -> str:
    """A stored reason as the resident reads it: "verzoek van bewoner", "anders: ..."."""
    key, _sep, words = stored.partition(": ")
    label = REASONS.get(key)
    if label is None:
        return stored
    return f"{label}: {words}" if words else str(label)


def record_staff_view(
    *, viewer: Actor, subject_ids: Iterable[int | None], what: str, reason: str = ""
) -> None:
    """One row per member shown to `viewer`, in its own transaction (or the caller's).
    Without a `reason` a row carries the one its page asked for, "overview" for a list,
    or else (an API answer) the reason the viewer gave today for that resident."""
    if what not in WHAT:
        raise ValueError(f"unknown access-log kind {what!r}")
    if isinstance(viewer, SystemActor):
        return
    ids = sorted({i for i in subject_ids if i is not None and i != viewer.id})
    if not ids:
        return
    today = _given_today(viewer, ids, what, reason)
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
                    "reason": _reason_for(i, what, reason, today)[:200],
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
            reason=reason_label(entry.reason),
        )
        for entry, name in rows
    ]
