"""Erasure in the notifications: their own go; in other members' notifications their name
becomes the pseudonym and the free text that was theirs, or quotes what erasure removed,
becomes a dash."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, or_, select, update

from buurthulp.extensions import db
from buurthulp.notifications.models import DigestSent, Notification, Preference

_FREE_TEXT_PARAMS = ("reason", "text", "note", "message", "body", "description")


def forget_member(
    member_id: int,
    *,
    old_name: str,
    new_name: str,
    since: datetime,
    their_urls: Collection[str],
    quoted: Collection[str] = (),
) -> None:
    """The member's account is erased (inside the caller's transaction, only flushes).

    Their own notifications, settings and digest history go. In other members'
    notifications their name becomes `new_name`, and what they wrote themselves (a reason
    to cancel, a message to an activity's guests: the free text of a notification that
    leads to one of their matches or listings, `their_urls`), and any free text that
    quotes what erasure removed (`quoted`: a note about them, a description they wrote),
    becomes a dash.
    """
    for model in (Notification, Preference, DigestSent):
        db.session.execute(
            delete(model)
            .where(model.member_id == member_id)
            .execution_options(synchronize_session=False)
        )
    # As stored: JSON-escaped, without the quotes around it; in statements of bounded size.
    needles = [json.dumps(old_name), *(json.dumps(t)[1:-1] for t in quoted)]
    found: dict[int, tuple[str | None, str | None]] = {}
    for start in range(0, len(needles), 50):
        mentioned = or_(
            *(Notification.params.contains(n, autoescape=True) for n in needles[start : start + 50])
        )
        if their_urls and start == 0:
            mentioned = or_(mentioned, Notification.url.in_(sorted(their_urls)))
        query = select(Notification.id, Notification.url, Notification.params).where(
            Notification.created_at >= since, mentioned
        )
        found.update((i, (url, raw)) for i, url, raw in db.session.execute(query))
    for notification_id, (url, raw) in found.items():
        params = json.loads(raw or "{}")
        changed = {k: new_name if v == old_name else v for k, v in params.items()}
        for key, value in changed.items():
            if isinstance(value, str) and any(t in value for t in quoted):
                changed[key] = "—"
        if url in their_urls:
            changed.update({k: "—" for k in _FREE_TEXT_PARAMS if k in changed})
        if changed != params:
            db.session.execute(
                update(Notification)
                .where(Notification.id == notification_id)
                .values(params=json.dumps(changed))
                .execution_options(synchronize_session=False)
            )
