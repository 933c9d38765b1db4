"""Notifications: written in the transaction of what caused them, read on the list page.

Features name the kinds they send (`register_kind`) with a sentence in English for the
catalogue; the sentence is translated and filled in when the member reads it, so a
notification reads in the language the member uses today.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, update

from buurthulp.auth.models import Member
from buurthulp.db import in_transaction, transaction
from buurthulp.extensions import db
from buurthulp.i18n import format_minutes
from buurthulp.i18n import gettext as _
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification

PAGE_SIZE = 30
_KINDS: dict[str, object] = {}
#: How to show a parameter: minutes as "1 h 30 min", everything else as given.
_FORMATS: dict[str, Callable[[object], str]] = {
    name: lambda v: format_minutes(int(v))  # type: ignore[call-overload]
    for name in ("minutes", "lower", "upper")
}


def register_kind(kind: str, sentence: object) -> None:
    """A feature's notification: `sentence` is a lazy gettext string with %(name)s fields."""
    _KINDS[kind] = sentence


def notify(member_id: int, kind: str, *, url: str | None = None, **params: object) -> None:
    """Tell a member something, inside the caller's transaction (only flushes)."""
    if not in_transaction():
        raise RuntimeError("notify() must run inside transaction()")
    if kind not in _KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    db.session.add(
        Notification(
            member_id=member_id,
            kind=kind,
            params=json.dumps(params, default=str),
            url=url,
        )
    )
    db.session.flush()


@dataclass(frozen=True)
class Shown:
    id: int
    text: str
    url: str | None
    created_at: datetime
    read: bool


def text_of(notification: Notification) -> str:
    """The sentence in the reader's language, with its fields filled in."""
    sentence = _KINDS.get(notification.kind)
    params = json.loads(notification.params or "{}")
    values = {k: _FORMATS.get(k, str)(v) for k, v in params.items()}
    if sentence is None:
        return _("Something changed on your account.")
    try:
        return str(sentence) % values
    except (KeyError, TypeError, ValueError):
        return _("Something changed on your account.")


_UNREAD = select(func.count(Notification.id)).where(
    Notification.member_id == bindparam("member_id"), Notification.read_at.is_(None)
)


def unread_count(member: Member) -> int:
    """For the bell in the menu, on every page: a prebuilt statement, one round trip."""
    return int(db.session.scalar(_UNREAD, {"member_id": member.id}) or 0)


def notifications_for(
    member: Member, *, before_id: int | None = None, limit: int = PAGE_SIZE
) -> list[Shown]:
    """The member's notifications, newest first (keyset paging on id)."""
    query = (
        select(Notification)
        .where(Notification.member_id == member.id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return [
        Shown(n.id, text_of(n), n.url, n.created_at, n.read_at is not None)
        for n in db.session.scalars(query)
    ]


def mark_all_read(member: Member) -> int:
    """The member has seen them all; returns how many were unread."""
    with transaction() as session:
        result = session.execute(
            update(Notification)
            .where(Notification.member_id == member.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount or 0)
