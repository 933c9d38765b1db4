"""What happens without anyone pressing a button: the clock (reminders to confirm, and
confirming by itself after 14 days, unless a coordinator must), the fairness counts the
suggestions read, and withdrawing open reactions when a listing closes.

It exists apart from the steps a person takes (`agreeing`, `completing`): these run from
`flask listings tick` and from signals, for many matches at once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from buurthulp.auth.models import Member
from buurthulp.db import id_in, transaction
from buurthulp.errors import LimitExceeded
from buurthulp.extensions import db
from buurthulp.listings.models import Listing
from buurthulp.matches.models import OPEN_STATUSES, Match, MatchStatus
from buurthulp.matches.services.common import (
    REMINDERS_AFTER,
    _locked,
    _tell,
    _tell_coordinators,
    other_party,
    payer_and_payee,
)
from buurthulp.matches.services.completing import _book
from buurthulp.models_base import utcnow
from buurthulp.protection.marks import vulnerable_ids

# The clock: reminders and confirming by itself ------------------------------------------------


def needs_coordinator(member_id: int) -> bool:
    """Is this member helped through a coordinator? Then the clock never confirms a payment
    from their account by itself: a coordinator confirms for them, and until then the match
    waits on the staff page "Wacht op een coördinator".

    That is a member without an e-mail address (residents a coordinator keeps for, proxy
    residents, are created without one, and nobody could have mailed them "please
    confirm"), a suspended member (they cannot log in, so their agreed matches are the
    coordinator's to finish) and a resident a coordinator marked vulnerable (kwetsbaar).
    """
    return bool(
        db.session.scalar(select(helped_through_coordinator()).where(Member.id == member_id))
    )


def helped_through_coordinator() -> Any:
    """`needs_coordinator` as a SQL condition on `Member`, for queries over many members
    (the retention rules never erase such a member for being inactive). Change both
    together: `needs_coordinator` reads this one."""
    return or_(
        Member.email.is_(None),
        Member.email == "",
        Member.status == "suspended",
        Member.id.in_(vulnerable_ids()),
    )


def tick(now: datetime | None = None) -> dict[str, int]:
    """Remind who must confirm (after 3 and 7 days); after 14 days without an answer or a
    dispute, confirm by itself and tell both. Run from `flask listings tick`.

    When the payer is helped through a coordinator, the match waits for the coordinator
    instead (they are told once). When the payer's lower limit refuses the booking, the
    payer and the coordinators are told once, not every hour; the clock still tries again
    each time, so a payer who earned time in the meantime is booked without anyone's help.
    """
    now = now or utcnow()
    counts = {"reminded": 0, "confirmed": 0, "refused": 0, "held": 0}
    due = db.session.scalars(
        select(Match.id).where(
            Match.status == MatchStatus.AWAITING_CONFIRMATION,
            Match.confirm_due_at.is_not(None),
        )
    ).all()
    for match_id in due:
        with transaction():
            match = _locked(match_id)
            if match.status != MatchStatus.AWAITING_CONFIRMATION or match.completed_at is None:
                continue
            waited = now - match.completed_at
            if match.confirm_due_at is not None and now >= match.confirm_due_at:
                counts[_confirm_by_itself(match, now)] += 1
            elif (
                match.reminders_sent < len(REMINDERS_AFTER)
                and waited >= REMINDERS_AFTER[match.reminders_sent]
            ):
                match.reminders_sent += 1
                _tell(
                    other_party(match, match.completed_by_id or 0),
                    "matches.reminder",
                    match,
                    minutes=match.minutes,
                )
                counts["reminded"] += 1
    return counts


def _confirm_by_itself(match: Match, now: datetime) -> str:
    """The 14 days are over: book, or hand the match to the coordinator (told once)."""
    payer_id, _payee = payer_and_payee(match)
    if needs_coordinator(payer_id):
        if match.held_for_coordinator_at is not None:
            return "held"  # already waiting; nobody is told twice
        match.held_for_coordinator_at = now
        db.session.flush()
        _tell_coordinators(match, "matches.helped_waits")
        return "held"
    completer = db.session.get_one(Member, match.completed_by_id)
    try:
        with db.session.begin_nested():
            _book(match, actor=completer, on_behalf_of=None, now=now, notice="matches.auto_done")
            match.auto_confirmed = True
    except LimitExceeded:
        if match.limit_refused_at is None:
            match.limit_refused_at = now
            db.session.flush()
            _tell(payer_id, "matches.limit_reached", match, minutes=match.minutes)
            if match.pool_requested_at is None:  # else the coordinators know already
                _tell_coordinators(match, "matches.limit_waits")
        return "refused"
    return "confirmed"


def open_match_counts(member_ids: Collection[int]) -> dict[int, int]:
    """How many open matches each member is in (fairness: spread the asking)."""
    if not member_ids:
        return {}
    counts: dict[int, int] = {}
    for column in (Match.owner_id, Match.responder_id):
        for member_id, n in db.session.execute(
            select(column, func.count(Match.id))
            .where(id_in(column, member_ids), Match.status.in_(OPEN_STATUSES))
            .group_by(column)
        ):
            counts[member_id] = counts.get(member_id, 0) + int(n)
    return counts


def invitations_since(member_ids: Collection[int], since: datetime) -> dict[int, int]:
    """How often each member was asked since `since` (fairness: spread the asking)."""
    if not member_ids:
        return {}
    return {
        member_id: int(n)
        for member_id, n in db.session.execute(
            select(Match.responder_id, func.count(Match.id))
            .where(
                id_in(Match.responder_id, member_ids),
                Match.invited.is_(True),
                Match.created_at >= since,
            )
            .group_by(Match.responder_id)
        )
    }


def withdraw_open_reactions(listing_id: int) -> int:
    """A closed listing takes no more reactions: the open ones (reacted or asked, not yet
    answered) are declined, and each of those neighbours is thanked kindly. Runs inside
    the caller's transaction (only flushes); returns how many were declined."""
    listing = db.session.get_one(Listing, listing_id)
    kind = "matches.offer_closed" if listing.kind == "offer" else "matches.listing_closed"
    now = utcnow()
    open_ones = db.session.scalars(
        select(Match)
        .where(
            Match.listing_id == listing_id,
            Match.status.in_((MatchStatus.PROPOSED, MatchStatus.INVITED)),
        )
        .order_by(Match.id)
    ).all()
    for match in open_ones:
        match.status, match.updated_at = MatchStatus.DECLINED, now
        _tell(match.responder_id, kind, match)
    db.session.flush()
    return len(open_ones)


def withdraw_unreachable(member_id: int) -> int:
    """The member was marked vulnerable: open reactions and invitations on their listings
    from helpers without a VOG end (those helpers may no longer reach them), each helper
    thanked kindly without a word about why. Inside the caller's transaction; returns how
    many ended."""
    now = utcnow()
    open_ones = db.session.scalars(
        select(Match)
        .join(Listing, Listing.id == Match.listing_id)
        .join(Member, Member.id == Match.responder_id)
        .where(
            Listing.owner_id == member_id,
            Match.status.in_((MatchStatus.PROPOSED, MatchStatus.INVITED)),
            Member.trust_level != "vog",
        )
        .order_by(Match.id)
    ).all()
    for match in open_ones:
        match.status, match.updated_at = MatchStatus.DECLINED, now
        _tell(match.responder_id, "matches.handed_over", match)
    db.session.flush()
    return len(open_ones)


def on_listing_closed(listing: Listing) -> None:
    """Receiver of `signals.listing_closed` (connected by `marketplace.register`)."""
    withdraw_open_reactions(listing.id)
