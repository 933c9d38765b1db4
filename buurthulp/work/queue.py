"""The coordinator's work queue: one list of what waits for them in their neighbourhoods,
most urgent first, each item saying why it is there and opening where it is handled.

The queue is a small registry of sources (`register_source(kind, label, fn)`): each source
answers, for a scope of neighbourhoods, the items of its kind in a fixed number of queries,
so the whole queue costs the same however long it is. Each feature registers the sources
of its own work when it plugs in (the matches that wait, the safeguards' reports and
listings to check, the back office's residents); a staff page that shows a part of the work
(the reports, the matches that wait) is a `door` onto the same sources, so there is one
list and one way to word an item.

An item leaves the queue when it is handled: most by themselves (a verified member, a
settled dispute); those without a "done" state of their own (a request nobody reacted to,
a quiet vulnerable resident) leave with a note of what was done (`handle_item`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import or_, select, update

from buurthulp.access.log import record_staff_view
from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor, may, scope_of
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import InvalidQuery, clean_text, is_id
from buurthulp.models_base import utcnow
from buurthulp.personal_data import Forgetting
from buurthulp.work.models import HandledItem

#: Scope of a source: these neighbourhoods, or None for everywhere.
Scope = set[int] | None

LIST_MAX = 500  # per kind: a queue longer than this is a staffing problem, not a list
NOTE_MAX = 500


@dataclass(frozen=True)
class QueueItem:
    """One thing that waits: what (`title`), why, who is involved, since when, when it is
    overdue, and where it is handled (`url`)."""

    kind: str
    item_id: int
    title: str
    why: str
    since: datetime
    due_at: datetime | None  # None: never overdue (a list to look at, not work that waits)
    url: str
    neighbourhood_id: int | None = None
    who: str = ""
    subject_ids: tuple[int, ...] = ()
    # Leaves the queue only with a note of what was done (no "done" state of its own).
    needs_note: bool = False

    def overdue(self, now: datetime) -> bool:
        return self.due_at is not None and now >= self.due_at


SourceFn = Callable[[Scope, datetime], list[QueueItem]]


#: What a source's item ids are: a member, a listing, a match, or something else (a report).
About = Literal["member", "listing", "match", "other"]


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any
    fn: SourceFn
    about: About = "other"


SOURCES: dict[str, Source] = {}


def register_source(kind: str, label: Any, fn: SourceFn, *, about: About = "other") -> None:
    """Add (or replace) a kind of item: `fn(scope, now)` returns its items in a fixed
    number of queries; `label` (lazy gettext) names the kind in counts and the filter;
    `about` says what its item ids are, so erasure finds the notes about a member."""
    SOURCES[kind] = Source(kind, label, fn, about)


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]
    counts: dict[str, int]
    overdue: dict[str, int]
    kind: str | None
    now: datetime

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def kinds(self) -> list[tuple[str, str]]:
        return [(kind, str(source.label)) for kind, source in SOURCES.items()]


_NEVER = datetime.max.replace(tzinfo=UTC)


def _urgency(item: QueueItem, now: datetime) -> tuple[bool, datetime, datetime, str, int]:
    due = item.due_at or _NEVER
    return (not item.overdue(now), due, item.since, item.kind, item.item_id)


def _gather(scope: Scope, now: datetime, kinds: Iterable[str]) -> dict[str, list[QueueItem]]:
    return {
        key: ([] if scope is not None and not scope else SOURCES[key].fn(scope, now))
        for key in kinds
    }


def most_urgent_first(items: Iterable[QueueItem], now: datetime) -> list[QueueItem]:
    """Overdue items first, then by how soon they fall due (items without a due date
    last, oldest first)."""
    return sorted(items, key=lambda item: _urgency(item, now))


def read_queue(actor: Actor, *, kind: object = None, now: datetime | None = None) -> Queue:
    """The actor's queue (their neighbourhoods), most urgent first: overdue items, then by
    how soon they fall due. Counts cover every kind; `kind` narrows the list to one. The
    residents it names are written to the access log (reason "overview")."""
    if not may(actor, Permission.BACKOFFICE_QUEUE_VIEW):
        raise NotAllowed(_("The work queue is for coordinators."))
    if kind in ("", None):
        chosen = None
    elif isinstance(kind, str) and kind in SOURCES:
        chosen = kind
    else:
        raise InvalidQuery(_("This kind of item is not known."), field="soort")
    now = now or utcnow()
    scope = scope_of(actor, Permission.BACKOFFICE_QUEUE_VIEW)
    found = _gather(scope, now, SOURCES)
    items = most_urgent_first(
        (item for key, some in found.items() if chosen in (None, key) for item in some), now
    )
    record_staff_view(
        viewer=actor, subject_ids=[i for item in items for i in item.subject_ids], what="work-queue"
    )
    return Queue(
        items=items,
        counts={key: len(some) for key, some in found.items()},
        overdue={key: sum(item.overdue(now) for item in some) for key, some in found.items()},
        kind=chosen,
        now=now,
    )


def door(
    actor: Actor,
    kinds: Iterable[str],
    *,
    permission: Permission,
    what: str,
    now: datetime | None = None,
) -> list[QueueItem]:
    """The part of the work queue that one staff page shows (the reports, the matches that
    wait): the items of these kinds in the neighbourhoods `permission` gives the actor,
    most urgent first. The residents it names are written to the access log as `what`.
    The page's own guard already asked for `permission`; this asks again, so no caller can
    forget."""
    if not may(actor, permission):
        raise NotAllowed(_("This list is for coordinators."))
    now = now or utcnow()
    found = _gather(scope_of(actor, permission), now, kinds)
    items = most_urgent_first((item for some in found.values() for item in some), now)
    record_staff_view(
        viewer=actor, subject_ids=[i for item in items for i in item.subject_ids], what=what
    )
    return items


def find_item(
    kind: object, item_id: object, *, actor: Actor, now: datetime | None = None
) -> tuple[Source, QueueItem]:
    """One item of the actor's queue (404 when it is not there, or not theirs). Writes
    nothing: the caller logs what it shows."""
    if not may(actor, Permission.BACKOFFICE_QUEUE_VIEW):
        raise NotAllowed(_("The work queue is for coordinators."))
    source = SOURCES.get(kind) if isinstance(kind, str) else None
    if source is None or not is_id(item_id):
        raise NotFound(_("This item is not in your work queue (any more)."))
    scope = scope_of(actor, Permission.BACKOFFICE_QUEUE_VIEW)
    if scope is not None and not scope:
        raise NotFound(_("This item is not in your work queue (any more)."))
    item = next((i for i in source.fn(scope, now or utcnow()) if i.item_id == item_id), None)
    if item is None:
        raise NotFound(_("This item is not in your work queue (any more)."))
    return source, item


def item_for_staff(
    kind: object, item_id: object, *, actor: Actor, now: datetime | None = None
) -> tuple[Source, QueueItem]:
    """`find_item` for the page that shows the item: the residents it names are logged."""
    source, item = find_item(kind, item_id, actor=actor, now=now)
    record_staff_view(viewer=actor, subject_ids=item.subject_ids, what="work-queue")
    return source, item


def handle_item(
    kind: object, item_id: object, *, note: object, actor: Member, now: datetime | None = None
) -> HandledItem:
    """An item without a "done" state of its own leaves the queue with a note of what was
    done (audited). The item must be in the actor's queue now; one that leaves by itself
    (a dispute, a member to verify once verified) is handled where it opens."""
    text = clean_text(
        note,
        field="note",
        required=True,
        max_length=NOTE_MAX,
        empty_message=_("Write in a few words what you did."),
    )
    now = now or utcnow()
    source, item = find_item(kind, item_id, actor=actor, now=now)
    if not item.needs_note:
        raise Conflict(_("This item leaves the queue by itself once it is handled where it opens."))
    with transaction():
        row = HandledItem(
            kind=source.kind,
            item_id=item.item_id,
            neighbourhood_id=item.neighbourhood_id,
            handled_by_id=actor.id,
            handled_at=now,
            note=text,
        )
        db.session.add(row)
        db.session.flush()
        audit.record(
            actor,
            "queue",
            member_id=item.subject_ids[0] if item.subject_ids else None,
            neighbourhood_id=item.neighbourhood_id,
            note=f"{source.label} · {item.title}: {text}",
        )
    return row


def forget_notes(forgetting: Forgetting) -> None:
    """Erasure: the notes of handled items about the member (their account, their
    listings, their matches) are emptied; that an item was handled, by whom, stays."""
    ids = {
        "member": (forgetting.member_id,),
        "listing": forgetting.listing_ids,
        "match": forgetting.match_ids,
    }
    about = [
        (HandledItem.kind == source.kind) & HandledItem.item_id.in_(ids[source.about])
        for source in SOURCES.values()
        if ids.get(source.about)
    ]
    if not about:
        return
    forgetting.quote(*db.session.scalars(select(HandledItem.note).where(or_(*about))))
    db.session.execute(
        update(HandledItem)
        .where(or_(*about), HandledItem.note != "")
        .values(note="")
        .execution_options(synchronize_session=False)
    )
