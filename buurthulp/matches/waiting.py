"""What in the marketplace waits for a coordinator, and why: disputed minutes, a request
for a contribution from the solidarity pool, a payment the clock could not make because
the payer's limit refused it, and a payment that waits because the payer is helped through
a coordinator. They are kinds of the coordinator's work queue (`register_sources`); the
staff page "Wacht op een coördinator" is that queue's door onto them (`waiting_for`).

A match leaves the list by itself once it is done or cancelled: every reason is read
together with the match's status, so nothing has to be cleared by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, contains_eager

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor
from buurthulp.auth.roles import Permission
from buurthulp.extensions import db
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.links import path_for
from buurthulp.listings.models import Listing
from buurthulp.matches.models import Match
from buurthulp.work.queue import QueueItem, Scope, SourceFn, door, register_source

#: Why a match waits, as the coordinator reads it.
REASONS = {
    "disputed": _l("The minutes are disputed"),
    "pool": _l("Asks for a contribution from the solidarity pool"),
    "limit": _l("Limit reached: not confirmed automatically"),
    "helped": _l("Waits for a coordinator: the payer is helped through a coordinator"),
}
LIST_MAX = 500

_WAITS = or_(
    Match.status == "disputed",
    and_(
        Match.status == "awaiting_confirmation",
        or_(
            Match.pool_requested_at.is_not(None),
            Match.limit_refused_at.is_not(None),
            Match.held_for_coordinator_at.is_not(None),
        ),
    ),
)


@dataclass(frozen=True)
class Reason:
    key: str
    since: datetime

    @property
    def label(self) -> str:
        return str(REASONS[self.key])


@dataclass(frozen=True)
class Waiting:
    match: Match
    reasons: tuple[Reason, ...]

    @property
    def since(self) -> datetime:
        return min(reason.since for reason in self.reasons)


def reasons_of(match: Match) -> tuple[Reason, ...]:
    """Why this match waits for a coordinator now (nothing when it does not)."""
    if match.status == "disputed":
        return (Reason("disputed", match.disputed_at or match.updated_at),)
    if match.status != "awaiting_confirmation":
        return ()
    stamps = (
        ("pool", match.pool_requested_at),
        ("limit", match.limit_refused_at),
        ("helped", match.held_for_coordinator_at),
    )
    return tuple(Reason(key, at) for key, at in stamps if at is not None)


@dataclass(frozen=True)
class Named:
    """A match that waits, with its parties' names (read in the same query)."""

    waiting: Waiting
    owner_name: str
    responder_name: str


def waiting_named(scope: set[int] | None, *, limit: int = LIST_MAX) -> list[Named]:
    """What waits in these neighbourhoods with the parties' names, in one query (the
    back office's work queue); the caller logs what it shows."""
    if scope is not None and not scope:
        return []
    owner, responder = aliased(Member), aliased(Member)
    query = (
        select(Match, owner.display_name, responder.display_name)
        .join(Listing, Listing.id == Match.listing_id)
        .join(owner, owner.id == Match.owner_id)
        .join(responder, responder.id == Match.responder_id)
        .where(_WAITS)
        .options(contains_eager(Match.listing))
        .order_by(Match.id)
        .limit(limit)
    )
    if scope is not None:
        query = query.where(Listing.neighbourhood_id.in_(scope))
    return [
        Named(Waiting(match, reasons_of(match)), owner_name, responder_name)
        for match, owner_name, responder_name in db.session.execute(query)
    ]


DISPUTE_DUE = timedelta(days=7)
POOL_DUE = timedelta(days=3)
#: The work queue's kinds for matches that wait: (kind, label, reasons, due after).
KINDS = (
    ("dispute", _l("Disputed minutes"), ("disputed",), DISPUTE_DUE),
    ("pool", _l("Requests for the solidarity pool"), ("pool", "limit"), POOL_DUE),
    ("held", _l("Confirmations held for a coordinator"), ("helped",), POOL_DUE),
)


def _source(kind: str, keys: tuple[str, ...], due: timedelta) -> SourceFn:
    """The matches that wait for one of `keys`, as work-queue items of `kind`."""

    def source(scope: Scope, now: datetime) -> list[QueueItem]:
        items = []
        for named in waiting_named(scope):
            reasons = [r for r in named.waiting.reasons if r.key in keys]
            if not reasons:
                continue
            match, since = named.waiting.match, min(r.since for r in reasons)
            items.append(
                QueueItem(
                    kind=kind,
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


def register_sources() -> None:
    """Add the matches that wait to the work queue (when the marketplace plugs in)."""
    for kind, label, keys, due in KINDS:
        register_source(kind, label, _source(kind, keys, due), about="match")


def waiting_for(actor: Actor) -> list[QueueItem]:
    """The staff page "Wacht op een coördinator": the matches of the actor's neighbourhoods
    that wait, as the work queue shows them, most urgent first. Both parties of each are
    written to the access log: their names are shown."""
    return door(
        actor,
        (kind for kind, *_rest in KINDS),
        permission=Permission.MATCHES_VIEW_ALL,
        what="match-queue",
    )
