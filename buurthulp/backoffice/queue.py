"""The coordinator's work queue: one list of what waits for them in their neighbourhoods,
most urgent first, each item saying why it is there and opening where it is handled.

The queue is a small registry of sources (`register_source(kind, label, fn)`): each source
answers, for a scope of neighbourhoods, the items of its kind in a fixed number of queries,
so the whole queue costs the same however long it is. Features add their own sources
(reports, listings waiting for a check, retention reviews) the same way.

An item leaves the queue when it is handled: most by themselves (a verified member, a
settled dispute); those without a "done" state of their own (a request nobody reacted to,
a quiet vulnerable resident) leave with a note of what was done (`handle_item`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from buurthulp.audit import services as audit
from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.permissions import Actor, may, scope_of
from buurthulp.auth.roles import Permission, Role
from buurthulp.backoffice.models import HandledItem, ProxyResident, Vulnerability
from buurthulp.db import transaction
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import InvalidQuery, clean_text, is_id
from buurthulp.links import path_for
from buurthulp.listings.models import Listing
from buurthulp.matches import waiting
from buurthulp.matches.models import Match, Message
from buurthulp.models_base import utcnow
from buurthulp.privacy.services import record_staff_view

#: Scope of a source: these neighbourhoods, or None for everywhere.
Scope = set[int] | None

LIST_MAX = 500  # per kind: a queue longer than this is a staffing problem, not a list
NOTE_MAX = 500
VERIFY_DUE = timedelta(days=14)
DISPUTE_DUE = timedelta(days=7)
POOL_DUE = timedelta(days=3)
NO_REACTION_AFTER = timedelta(days=5)
NO_REACTION_DUE = timedelta(days=2)  # after appearing
STALLED_AFTER = timedelta(days=14)
STALLED_DUE = timedelta(days=7)
QUIET_AFTER = timedelta(days=60)
QUIET_DUE = timedelta(days=15)
NOT_ONLINE_DUE = timedelta(days=3)


@dataclass(frozen=True)
class QueueItem:
    """One thing that waits: what (`title`), why, who is involved, since when, when it is
    overdue, and where it is handled (`url`)."""

    kind: str
    item_id: int
    title: str
    why: str
    since: datetime
    due_at: datetime
    url: str
    neighbourhood_id: int | None = None
    who: str = ""
    subject_ids: tuple[int, ...] = ()
    # Leaves the queue only with a note of what was done (no "done" state of its own).
    needs_note: bool = False

    def overdue(self, now: datetime) -> bool:
        return now >= self.due_at


SourceFn = Callable[[Scope, datetime], list[QueueItem]]


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any
    fn: SourceFn


SOURCES: dict[str, Source] = {}


def register_source(kind: str, label: Any, fn: SourceFn) -> None:
    """Add (or replace) a kind of item: `fn(scope, now)` returns its items in a fixed
    number of queries; `label` (lazy gettext) names the kind in counts and the filter."""
    SOURCES[kind] = Source(kind, label, fn)


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


def _urgency(item: QueueItem, now: datetime) -> tuple[bool, datetime, datetime, str, int]:
    return (not item.overdue(now), item.due_at, item.since, item.kind, item.item_id)


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
    found = {
        key: ([] if scope is not None and not scope else source.fn(scope, now))
        for key, source in SOURCES.items()
    }
    items = sorted(
        (item for key, some in found.items() if chosen in (None, key) for item in some),
        key=lambda item: _urgency(item, now),
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


# The sources built in here ------------------------------------------------------------------


def _not_handled(kind: str, column: Any) -> Any:
    return ~exists().where(HandledItem.kind == kind, HandledItem.item_id == column)


def _in_scope(query: Any, column: Any, scope: Scope) -> Any:
    return query if scope is None else query.where(column.in_(sorted(scope)))


def members_to_verify(scope: Scope, now: datetime) -> list[QueueItem]:
    """New residents nobody has met yet (no staff accounts: they were chosen, not met)."""
    staff = select(RoleAssignment.member_id).where(RoleAssignment.role != Role.RESIDENT.value)
    query = (
        select(Member.id, Member.display_name, Member.created_at, Member.neighbourhood_id)
        .where(
            Member.status == "active",
            Member.trust_level == "new",
            Member.neighbourhood_id.is_not(None),
            Member.id.not_in(staff),
            _not_handled("verify", Member.id),
        )
        .order_by(Member.created_at, Member.id)
        .limit(LIST_MAX)
    )
    why = _("New resident, not verified yet: meet them in person or see an ID.")
    return [
        QueueItem(
            kind="verify",
            item_id=row.id,
            title=row.display_name,
            why=why,
            since=row.created_at,
            due_at=row.created_at + VERIFY_DUE,
            url=path_for("backoffice.resident", member_id=row.id),
            neighbourhood_id=row.neighbourhood_id,
            subject_ids=(row.id,),
            needs_note=True,
        )
        for row in db.session.execute(_in_scope(query, Member.neighbourhood_id, scope))
    ]


def _waiting_matches(key: str, keys: tuple[str, ...], due: timedelta) -> SourceFn:
    """Matches that wait for a coordinator (matches.waiting) for one of `keys`."""

    def source(scope: Scope, now: datetime) -> list[QueueItem]:
        items = []
        for named in waiting.waiting_named(scope):
            reasons = [r for r in named.waiting.reasons if r.key in keys]
            if not reasons:
                continue
            match, since = named.waiting.match, min(r.since for r in reasons)
            items.append(
                QueueItem(
                    kind=key,
                    item_id=match.id,
                    title=match.listing.title,
                    why=" · ".join(r.label for r in reasons),
                    since=since,
                    due_at=since + due,
                    url=path_for("matches.show", match_id=match.id),
                    neighbourhood_id=match.listing.neighbourhood_id,
                    who=f"{named.owner_name} · {named.responder_name}",
                    subject_ids=(match.owner_id, match.responder_id),
                )
            )
        return items

    return source


def requests_without_reaction(scope: Scope, now: datetime) -> list[QueueItem]:
    """Open requests nobody reacted to within five days (and nobody agreed to help with)."""
    reacted = exists().where(
        Match.listing_id == Listing.id,
        or_(Match.invited.is_(False), Match.status.in_(("agreed", "awaiting_confirmation"))),
    )
    query = (
        select(
            Listing.id,
            Listing.title,
            Listing.created_at,
            Listing.neighbourhood_id,
            Listing.owner_id,
            Member.display_name,
        )
        .join(Member, Member.id == Listing.owner_id)
        .where(
            Listing.kind == "request",
            Listing.status == "open",
            or_(Listing.expires_at.is_(None), Listing.expires_at > now),
            Listing.created_at <= now - NO_REACTION_AFTER,
            ~reacted,
            _not_handled("no-reaction", Listing.id),
        )
        .order_by(Listing.created_at, Listing.id)
        .limit(LIST_MAX)
    )
    why = _("Nobody reacted in five days. Ask a neighbour who could help, or call the resident.")
    return [
        QueueItem(
            kind="no-reaction",
            item_id=row.id,
            title=row.title,
            why=why,
            since=row.created_at + NO_REACTION_AFTER,
            due_at=row.created_at + NO_REACTION_AFTER + NO_REACTION_DUE,
            url=path_for("listings.suggestions", listing_id=row.id),
            neighbourhood_id=row.neighbourhood_id,
            who=row.display_name,
            subject_ids=(row.owner_id,),
            needs_note=True,
        )
        for row in db.session.execute(_in_scope(query, Listing.neighbourhood_id, scope))
    ]


def stalled_matches(scope: Scope, now: datetime) -> list[QueueItem]:
    """Agreed matches nobody marked done within fourteen days."""
    owner, responder = aliased(Member), aliased(Member)
    query = (
        select(
            Match.id,
            Match.agreed_at,
            Match.owner_id,
            Match.responder_id,
            Listing.title,
            Listing.neighbourhood_id,
            owner.display_name.label("owner_name"),
            responder.display_name.label("responder_name"),
        )
        .join(Listing, Listing.id == Match.listing_id)
        .join(owner, owner.id == Match.owner_id)
        .join(responder, responder.id == Match.responder_id)
        .where(
            Match.status == "agreed",
            Match.agreed_at.is_not(None),
            Match.agreed_at <= now - STALLED_AFTER,
            _not_handled("stalled", Match.id),
        )
        .order_by(Match.agreed_at, Match.id)
        .limit(LIST_MAX)
    )
    why = _("Agreed over two weeks ago and not marked done. Ask both how it went.")
    return [
        QueueItem(
            kind="stalled",
            item_id=row.id,
            title=row.title,
            why=why,
            since=row.agreed_at + STALLED_AFTER,
            due_at=row.agreed_at + STALLED_AFTER + STALLED_DUE,
            url=path_for("matches.show", match_id=row.id),
            neighbourhood_id=row.neighbourhood_id,
            who=f"{row.owner_name} · {row.responder_name}",
            subject_ids=(row.owner_id, row.responder_id),
            needs_note=True,
        )
        for row in db.session.execute(_in_scope(query, Listing.neighbourhood_id, scope))
    ]


def waiting_for_residents_not_online(scope: Scope, now: datetime) -> list[QueueItem]:
    """A step that a resident who is not online must take, so their coordinator takes it:
    a reaction to accept, an invitation to answer, minutes to confirm. It leaves the queue
    once the step is taken (the match's status moves on)."""
    owner, responder = aliased(Member), aliased(Member)
    kept_owner, kept_responder = aliased(ProxyResident), aliased(ProxyResident)
    owner_kept = kept_owner.member_id.is_not(None)
    responder_kept = kept_responder.member_id.is_not(None)
    query = (
        select(
            Match.id,
            Match.status,
            Match.owner_id,
            Match.responder_id,
            Match.completed_by_id,
            Match.updated_at,
            Listing.title,
            Listing.neighbourhood_id,
            owner.display_name.label("owner_name"),
            responder.display_name.label("responder_name"),
            owner_kept.label("owner_kept"),
        )
        .join(Listing, Listing.id == Match.listing_id)
        .join(owner, owner.id == Match.owner_id)
        .join(responder, responder.id == Match.responder_id)
        .outerjoin(kept_owner, kept_owner.member_id == Match.owner_id)
        .outerjoin(kept_responder, kept_responder.member_id == Match.responder_id)
        .where(
            or_(
                and_(Match.status == "proposed", owner_kept),
                and_(Match.status == "invited", responder_kept),
                and_(
                    Match.status == "awaiting_confirmation",
                    Match.held_for_coordinator_at.is_(None),  # else "held" has it already
                    or_(
                        and_(owner_kept, Match.completed_by_id != Match.owner_id),
                        and_(responder_kept, Match.completed_by_id != Match.responder_id),
                    ),
                ),
            )
        )
        .order_by(Match.updated_at, Match.id)
        .limit(LIST_MAX)
    )
    steps = {
        "proposed": _("A neighbour reacted: accept on their behalf?"),
        "invited": _("They are asked to help: give their answer."),
        "awaiting_confirmation": _("The help is done: confirm the minutes on their behalf."),
    }
    items = []
    for row in db.session.execute(_in_scope(query, Listing.neighbourhood_id, scope)):
        if row.status == "invited":
            kept_id, kept_name = row.responder_id, row.responder_name
        elif row.status == "proposed" or (row.owner_kept and row.completed_by_id != row.owner_id):
            kept_id, kept_name = row.owner_id, row.owner_name
        else:
            kept_id, kept_name = row.responder_id, row.responder_name
        items.append(
            QueueItem(
                kind="not-online",
                item_id=row.id,
                title=row.title,
                why=steps[row.status],
                since=row.updated_at,
                due_at=row.updated_at + NOT_ONLINE_DUE,
                url=path_for("backoffice.proxy_match", proxy_id=kept_id, match_id=row.id),
                neighbourhood_id=row.neighbourhood_id,
                who=_("for %(name)s", name=kept_name),
                subject_ids=(row.owner_id, row.responder_id),
            )
        )
    return items


def quiet_vulnerable(scope: Scope, now: datetime) -> list[QueueItem]:
    """Vulnerable residents with no sign of life for sixty days: no login, listing, match
    step or message. A handled note (a visit, a call) counts as contact, so the resident
    comes back sixty days after it if it stays quiet."""

    def latest(column: Any, *where: Any) -> Any:
        return select(func.max(column)).where(*where).correlate(Member).scalar_subquery()

    query = (
        select(
            Member.id,
            Member.display_name,
            Member.neighbourhood_id,
            Member.last_login_at,
            Vulnerability.marked_at,
            latest(Listing.created_at, Listing.owner_id == Member.id).label("listed"),
            latest(
                Match.updated_at, or_(Match.owner_id == Member.id, Match.responder_id == Member.id)
            ).label("matched"),
            latest(Message.created_at, Message.author_id == Member.id).label("wrote"),
            latest(
                HandledItem.handled_at,
                HandledItem.kind == "quiet",
                HandledItem.item_id == Member.id,
            ).label("visited"),
        )
        .join(Vulnerability, Vulnerability.member_id == Member.id)
        .where(Member.status == "active")
        .order_by(Member.id)
    )
    items = []
    for row in db.session.execute(_in_scope(query, Member.neighbourhood_id, scope)):
        moments = (
            row.last_login_at,
            row.marked_at,
            row.listed,
            row.matched,
            row.wrote,
            row.visited,
        )
        last = max(_aware(m) for m in moments if m is not None)
        if now - last < QUIET_AFTER:
            continue
        items.append(
            QueueItem(
                kind="quiet",
                item_id=row.id,
                title=row.display_name,
                why=_("Marked vulnerable and nothing heard for sixty days. Call or visit."),
                since=last + QUIET_AFTER,
                due_at=last + QUIET_AFTER + QUIET_DUE,
                url=path_for("backoffice.resident", member_id=row.id),
                neighbourhood_id=row.neighbourhood_id,
                subject_ids=(row.id,),
                needs_note=True,
            )
        )
    return items[:LIST_MAX]


def _aware(moment: Any) -> datetime:
    """A max() over timestamps may come back as text on SQLite: read it as UTC."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


register_source("verify", _l("Members to verify"), members_to_verify)
register_source(
    "dispute", _l("Disputed minutes"), _waiting_matches("dispute", ("disputed",), DISPUTE_DUE)
)
register_source(
    "pool",
    _l("Requests for the solidarity pool"),
    _waiting_matches("pool", ("pool", "limit"), POOL_DUE),
)
register_source(
    "held",
    _l("Confirmations held for a coordinator"),
    _waiting_matches("held", ("helped",), POOL_DUE),
)
register_source(
    "not-online", _l("Waits for a resident who is not online"), waiting_for_residents_not_online
)
register_source("no-reaction", _l("Requests nobody reacted to"), requests_without_reaction)
register_source("stalled", _l("Agreed, not done after 14 days"), stalled_matches)
register_source("quiet", _l("Vulnerable residents not heard from"), quiet_vulnerable)
