"""What waits for a coordinator in the safeguards, for the work queue and the staff pages:
reports nobody handled yet, listings that wait for their check, and hidden listings.

Each list is one query however long it is (none for an empty scope), and each row says
where it belongs, since when, one line about it, where it is handled, and whose data the
line shows, so the page that lists it can write the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.links import path_for
from buurthulp.listings.models import Listing
from buurthulp.safety.labels import REASON_LABELS, TARGET_LABELS
from buurthulp.safety.models import Report


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
