"""What in the marketplace waits for a coordinator, and why: disputed minutes, a request
for a contribution from the solidarity pool, a payment the clock could not make because
the payer's limit refused it, and a payment that waits because the payer is helped through
a coordinator. The staff page "Wacht op een coördinator" lists them; the safeguards issue's
work queue can read the same reasons from `reasons_of`.

A match leaves the list by itself once it is done or cancelled: every reason is read
together with the match's status, so nothing has to be cleared by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from buurthulp.access.log import record_staff_view
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import scope_of
from buurthulp.auth.roles import Permission
from buurthulp.extensions import db
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.listings.models import Listing
from buurthulp.matches.models import Match

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


def waiting_for(actor: Member) -> list[Waiting]:
    """The matches of the actor's neighbourhoods that wait for a coordinator, the longest
    waiting first. Both parties of each get a row in the access log: their names are shown.
    """
    items = waiting_in(scope_of(actor, Permission.MATCHES_VIEW_ALL))
    record_staff_view(
        viewer=actor,
        subject_ids=[i for item in items for i in (item.match.owner_id, item.match.responder_id)],
        what="match-queue",
    )
    return items


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


def waiting_in(scope: set[int] | None) -> list[Waiting]:
    """What waits in these neighbourhoods (None: everywhere), the longest waiting first;
    the caller logs what it shows (the back office's work queue reads this too).

    Three queries however long the list: the matches with their listings, then the parties.
    """
    if scope is not None and not scope:
        return []
    query = (
        select(Match)
        .join(Listing, Listing.id == Match.listing_id)
        .where(_WAITS)
        .options(
            contains_eager(Match.listing),
            selectinload(Match.owner),
            selectinload(Match.responder),
        )
        .order_by(Match.id)
        .limit(LIST_MAX)
    )
    if scope is not None:
        query = query.where(Listing.neighbourhood_id.in_(scope))
    items = [Waiting(match, reasons_of(match)) for match in db.session.scalars(query)]
    items.sort(key=lambda item: (item.since, item.match.id))
    return items
