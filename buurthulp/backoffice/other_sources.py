"""The work queue's sources from other features: reports and listings to check (the
safeguards), and residents to ask before retention would erase them (privacy rights).

Those features answer in a fixed number of queries with plain rows; this module words
them as queue items and registers them, so the queue stays one page however many
features feed it. Imported once by the back office's plugin.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from buurthulp.backoffice.models import HandledItem
from buurthulp.backoffice.queue import QueueItem, Scope, register_source
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.links import path_for
from buurthulp.privacy.retention import retention_due_for_review
from buurthulp.safety.queue import open_reports, pending_listings

REPORT_DUE = timedelta(days=2)
CHECK_DUE = timedelta(days=1)
REVIEW_DUE = timedelta(days=30)


def reports(scope: Scope, now: object) -> list[QueueItem]:
    """Reports nobody handled yet: they leave the queue once handled on their page."""
    return [
        QueueItem(
            kind="report",
            item_id=row.id,
            title=row.summary,
            why=_("A member made a report. Read it and decide what happens next."),
            since=row.since,
            due_at=row.since + REPORT_DUE,
            url=row.url,
            neighbourhood_id=row.neighbourhood_id,
            subject_ids=tuple(row.member_ids),
        )
        for row in open_reports(scope)
    ]


def listings_to_check(scope: Scope, now: object) -> list[QueueItem]:
    """A new member's first listings, waiting for a check before neighbours see them."""
    return [
        QueueItem(
            kind="check",
            item_id=row.id,
            title=row.summary,
            why=_("A new member's listing. Neighbours see it once you have checked it."),
            since=row.since,
            due_at=row.since + CHECK_DUE,
            url=row.url,
            neighbourhood_id=row.neighbourhood_id,
            subject_ids=tuple(row.member_ids),
        )
        for row in pending_listings(scope)
    ]


def retention_reviews(scope: Scope, now: object) -> list[QueueItem]:
    """Residents helped through a coordinator who have been quiet for the neighbourhood's
    inactivity period. Retention never erases them by itself: the coordinator asks them
    whether they still want the account, and notes what was said. A note counts until
    the resident is active again."""
    reviews = retention_due_for_review(scope, now=now)  # type: ignore[arg-type]
    handled = {
        item_id: at
        for item_id, at in db.session.execute(
            select(HandledItem.item_id, HandledItem.handled_at).where(
                HandledItem.kind == "retention",
                HandledItem.item_id.in_([r.member_id for r in reviews] or [-1]),
            )
        )
    }
    items = []
    for review in reviews:
        noted = handled.get(review.member_id)
        if noted is not None and noted >= review.last_active_at:
            continue
        items.append(
            QueueItem(
                kind="retention",
                item_id=review.member_id,
                title=review.display_name,
                why=_(
                    "Helped through you and not active here for a long time. Ask whether "
                    "they still want their account; it is never erased by itself."
                ),
                since=review.last_active_at,
                due_at=review.last_active_at + REVIEW_DUE,
                url=path_for("backoffice.resident", member_id=review.member_id),
                neighbourhood_id=review.neighbourhood_id,
                subject_ids=(review.member_id,),
                needs_note=True,
            )
        )
    return items


register_source("report", _l("Reports"), reports)
register_source("check", _l("Listings to check"), listings_to_check)
register_source("retention", _l("Ask before retention"), retention_reviews)
