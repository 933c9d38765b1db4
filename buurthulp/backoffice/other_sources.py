"""The work queue's source from privacy rights: residents helped through a coordinator to ask
before retention would erase them. (Privacy sits beside the back office, below it; the
back office words the rows as queue items and registers them when it plugs in.)
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.links import path_for
from buurthulp.privacy.retention import retention_due_for_review
from buurthulp.work.models import HandledItem
from buurthulp.work.queue import QueueItem, Scope, register_source

REVIEW_DUE = timedelta(days=30)


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


def register_sources() -> None:
    """Add the residents to ask before retention to the work queue."""
    register_source("retention", _l("Ask before retention"), retention_reviews, about="member")
