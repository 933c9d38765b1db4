"""What waits for a coordinator in the safeguards: reports nobody handled yet, listings that
wait for their check, and hidden listings.

Each list is one query however long it is (none for an empty scope), and each row says
where it belongs, since when, one line about it, where it is handled, and whose data the
line shows. Reports and listings to check are kinds of the coordinator's work queue
(`register_sources`); the pages "Meldingen" and "Oproepen controleren" are the queue's doors
onto them (`reports_for_staff`, `listings_for_staff`), so they word an item as the queue does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from buurthulp.access.log import record_staff_view
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor, scope_of
from buurthulp.auth.roles import Permission
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.links import path_for
from buurthulp.listings.models import Listing
from buurthulp.safety.labels import REASON_LABELS, TARGET_LABELS
from buurthulp.safety.models import Report
from buurthulp.work.queue import QueueItem, Scope, door, register_source

REPORT_DUE = timedelta(days=2)
CHECK_DUE = timedelta(days=1)


@dataclass(frozen=True)
class QueueRow:
    """Something that waits for a coordinator: where it belongs, since when, one line about
    it, where it is handled, and whose data the line shows (for the access log)."""

    kind: str  # "report" or "listing"
    id: int
    neighbourhood_id: int | None
    since: datetime
    summary: str
    url: str
    member_ids: tuple[int, ...]


def _in_scope(column: Any, scope: set[int] | None) -> list[Any]:
    return [] if scope is None else [column.in_(sorted(scope))]


def open_reports(scope: set[int] | None) -> list[QueueRow]:
    """Reports nobody handled yet in these neighbourhoods (None: all), oldest first; one
    query however many there are (none for an empty scope)."""
    if scope is not None and not scope:
        return []
    subject = aliased(Member)
    rows = db.session.execute(
        select(
            Report.id,
            Report.neighbourhood_id,
            Report.created_at,
            Report.reason,
            Report.target,
            Report.member_id,
            Report.reporter_id,
            subject.display_name,
            Listing.title,
        )
        .join(subject, subject.id == Report.member_id)
        .outerjoin(Listing, Listing.id == Report.listing_id)
        .where(Report.handled_at.is_(None), *_in_scope(Report.neighbourhood_id, scope))
        .order_by(Report.created_at, Report.id)
    )
    return [
        QueueRow(
            kind="report",
            id=row.id,
            neighbourhood_id=row.neighbourhood_id,
            since=row.created_at,
            summary=_report_summary(row.reason, row.target, row.display_name, row.title),
            url=path_for("safety.report", report_id=row.id),
            member_ids=(row.member_id, row.reporter_id),
        )
        for row in rows
    ]


def _report_summary(reason: str, target: str, name: str, title: str | None) -> str:
    what = f"{TARGET_LABELS[target]} “{title}”" if title else str(TARGET_LABELS[target])
    return _(
        "%(reason)s: %(what)s of %(name)s",
        reason=REASON_LABELS[reason],
        what=what,
        name=name,
    )


def pending_listings(scope: set[int] | None) -> list[QueueRow]:
    """Listings that wait for their check in these neighbourhoods (None: all), oldest
    first; one query however many there are (none for an empty scope)."""
    if scope is not None and not scope:
        return []
    rows = db.session.execute(
        select(
            Listing.id,
            Listing.neighbourhood_id,
            Listing.created_at,
            Listing.title,
            Listing.owner_id,
            Member.display_name,
        )
        .join(Member, Member.id == Listing.owner_id)
        .where(Listing.status == "pending", *_in_scope(Listing.neighbourhood_id, scope))
        .order_by(Listing.created_at, Listing.id)
    )
    return [_listing_row(row, row.created_at) for row in rows]


def _listing_row(row: Any, since: datetime) -> QueueRow:
    return QueueRow(
        kind="listing",
        id=row.id,
        neighbourhood_id=row.neighbourhood_id,
        since=since,
        summary=_(
            "“%(title)s” of %(name)s",
            title=row.title,
            name=row.display_name,
        ),
        url=path_for("safety.listing", listing_id=row.id),
        member_ids=(row.owner_id,),
    )


def hidden_listings(scope: set[int] | None) -> list[QueueRow]:
    """Hidden listings in these neighbourhoods (None: all), last hidden first; one query."""
    if scope is not None and not scope:
        return []
    rows = db.session.execute(
        select(
            Listing.id,
            Listing.neighbourhood_id,
            Listing.updated_at,
            Listing.title,
            Listing.owner_id,
            Member.display_name,
        )
        .join(Member, Member.id == Listing.owner_id)
        .where(Listing.status == "hidden", *_in_scope(Listing.neighbourhood_id, scope))
        .order_by(Listing.updated_at.desc(), Listing.id.desc())
    )
    return [_listing_row(row, row.updated_at) for row in rows]


# The work queue ----------------------------------------------------------------------------


def _item(row: QueueRow, kind: str, why: str, due: timedelta | None) -> QueueItem:
    return QueueItem(
        kind=kind,
        item_id=row.id,
        title=row.summary,
        why=why,
        since=row.since,
        due_at=None if due is None else row.since + due,
        url=row.url,
        neighbourhood_id=row.neighbourhood_id,
        subject_ids=tuple(row.member_ids),
    )


def report_items(scope: Scope, now: object = None) -> list[QueueItem]:
    """Reports nobody handled yet: they leave the queue once handled on their page."""
    why = _("A member made a report. Read it and decide what happens next.")
    return [_item(row, "report", why, REPORT_DUE) for row in open_reports(scope)]


def check_items(scope: Scope, now: object = None) -> list[QueueItem]:
    """A new member's first listings, waiting for a check before neighbours see them."""
    why = _("A new member's listing. Neighbours see it once you have checked it.")
    return [_item(row, "check", why, CHECK_DUE) for row in pending_listings(scope)]


def hidden_items(scope: Scope) -> list[QueueItem]:
    """Hidden listings: not work that waits (never overdue), but where a coordinator looks
    to place one back. The last hidden first."""
    why = _("Hidden: neighbours do not see it. Open it to place it back.")
    return [_item(row, "hidden", why, None) for row in hidden_listings(scope)]


def register_sources() -> None:
    """Add reports and listings to check to the work queue (when the safeguards plug in)."""
    register_source("report", _l("Reports"), report_items)
    register_source("check", _l("Listings to check"), check_items, about="listing")


def reports_for_staff(actor: Actor, *, now: datetime | None = None) -> list[QueueItem]:
    """The page "Meldingen": the work queue's reports in the actor's neighbourhoods, both
    parties of each written to the access log."""
    return door(
        actor,
        ("report",),
        permission=Permission.SAFETY_REPORTS_HANDLE,
        what="report-list",
        now=now,
    )


def listings_for_staff(
    actor: Actor, *, now: datetime | None = None
) -> tuple[list[QueueItem], list[QueueItem]]:
    """The page "Oproepen controleren": the work queue's listings to check, and the hidden
    listings, in the actor's neighbourhoods; every owner shown is written to the access log.
    """
    pending = door(  # asks for the permission first
        actor,
        ("check",),
        permission=Permission.SAFETY_LISTINGS_MODERATE,
        what="moderation-list",
        now=now,
    )
    hidden = hidden_items(scope_of(actor, Permission.SAFETY_LISTINGS_MODERATE))
    record_staff_view(
        viewer=actor,
        subject_ids=[i for item in hidden for i in item.subject_ids],
        what="moderation-list",
    )
    return pending, hidden
