"""A listing's life after posting: pause, reopen, close, extend, skip a date of a series,
and the stamp that makes a mailed "extend" link work once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from buurthulp.auth.models import Member
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.listings import premoderation
from buurthulp.listings.models import (
    Listing,
    SkippedDate,
)
from buurthulp.listings.services.common import (
    LISTING_DAYS,
    as_day,
    restart_clock,
)
from buurthulp.listings.services.visibility import get_listing, is_expired
from buurthulp.models_base import utcnow
from buurthulp.signals import listing_closed

ACTIONS = {
    # action: (from statuses, to status)
    "pause": (("open",), "paused"),
    "reopen": (("paused", "closed", "open"), "open"),
    "close": (("open", "paused", "matched", "pending"), "closed"),
}


def lifecycle_steps(listing: Listing, now: datetime | None = None) -> list[str]:
    """The owner's buttons on the listing page, in order: exactly the steps `extend` and
    `change_status` take for this listing now, so the page never offers what the service
    would refuse. ("still_on" is `extend` answering the three-monthly question.)"""
    if listing.status == "hidden":
        return []  # a coordinator hid it: the owner can only ask them
    steps = []
    if listing.expires_at is not None and listing.status != "closed":
        steps.append("extend")
    if listing.expires_at is None and listing.still_on_asked_at and listing.status == "open":
        steps.append("still_on")
    if listing.status in ACTIONS["pause"][0]:
        steps.append("pause")
    expired_open = listing.status == "open" and is_expired(listing, now)
    if listing.status in ("paused", "closed") or expired_open:
        steps.append("reopen")
    if listing.status in ACTIONS["close"][0]:
        steps.append("close")
    return steps


def change_status(
    listing_id: object, action: str, *, actor: Member, now: datetime | None = None
) -> Listing:
    """Pause (out of the feed for a while), reopen, or close a listing."""
    if action not in ACTIONS:
        raise InvalidInput(_("This is not something a listing can do."), field="action")
    listing = get_listing(listing_id, actor, need="manage")
    now = now or utcnow()
    allowed, target = ACTIONS[action]
    with transaction():
        listing = db.session.get_one(Listing, listing.id, with_for_update=True)
        if listing.status not in allowed:
            raise Conflict(_("This listing cannot do that now."))
        if action == "reopen":
            if is_expired(listing, now):
                restart_clock(listing, now + timedelta(days=LISTING_DAYS))
            # Reopening answers an open "still on?" question (or one left unanswered).
            listing.still_on_asked_at = None
            # One closed while it waited for its check waits again.
            target = premoderation.status_on_reopen(listing)
        listing.status = target
        listing.closed_at = now if target == "closed" else None
        listing.updated_at = now
        if target == "closed":
            # Matches decline the open reactions and thank those neighbours (a signal:
            # matches imports listings, never the other way round).
            listing_closed.send(listing)
    return listing


def close_all_of(owner_id: int, *, now: datetime) -> int:
    """The owner leaves (their account is erased): every listing of theirs closes, with the
    same signal as closing one by hand, and loses its description (only flushes; the title
    stays as the label of the matches and transfers made for it). Returns how many closed."""
    listings = db.session.scalars(
        select(Listing).where(Listing.owner_id == owner_id).order_by(Listing.id).with_for_update()
    ).all()
    closed = 0
    for listing in listings:
        listing.description = ""
        if listing.status != "closed":
            listing.status, listing.closed_at, listing.updated_at = "closed", now, now
            db.session.flush()
            listing_closed.send(listing)
            closed += 1
    db.session.flush()
    return closed


def clock_stamp(listing: Listing) -> int | None:
    """What a mailed "extend" or "still on" link is minted for: the end it would move, or
    the moment the question was asked (whole seconds, the same on both databases)."""
    moment = listing.expires_at or listing.still_on_asked_at
    return int(moment.timestamp()) if moment is not None else None


def link_used() -> InvalidInput:
    return InvalidInput(
        _(
            "This link was already used, or your listing was extended since. "
            "Log in to see your listing."
        )
    )


def check_link_stamp(listing: Listing, minted_for: int) -> None:
    """A mailed link works only for the end (or question) it was made for."""
    if clock_stamp(listing) != minted_for:
        raise link_used()
    if listing.status == "closed":
        raise Conflict(_("This listing is closed. Reopen it first."))


def extend(
    listing_id: object,
    *,
    actor: Member,
    now: datetime | None = None,
    minted_for: int | None = None,
) -> Listing:
    """ "Extend by 30 days": from the old end or from now, whichever is later. For a
    standing offer (no end) it answers "still on?" with yes.

    `minted_for` comes from a mailed link: the link works only while the listing still
    has the end (or the open question) it was made for, so it works once."""
    listing = get_listing(listing_id, actor, need="manage")
    now = now or utcnow()
    with transaction():
        listing = db.session.get_one(Listing, listing.id, with_for_update=True)
        if minted_for is not None:
            check_link_stamp(listing, minted_for)
        if listing.status == "closed":
            raise Conflict(_("This listing is closed. Reopen it first."))
        if listing.expires_at is None:
            listing.still_on_asked_at = None  # "still on": yes
        else:
            restart_clock(listing, max(listing.expires_at, now) + timedelta(days=LISTING_DAYS))
        listing.updated_at = now
    return listing


def skip_date(listing_id: object, day: object, *, actor: Member) -> Listing:
    """A repeating activity does not happen on `day`."""
    listing = get_listing(listing_id, actor, need="manage")
    if listing.kind != "activity" or listing.recurrence is None:
        raise Conflict(_("Only a repeating activity can skip a date."))
    chosen = as_day(day, "day")
    if chosen is None:
        raise InvalidInput(_("Choose the date to skip."), field="day")
    try:
        with transaction():
            db.session.add(SkippedDate(listing_id=listing.id, day=chosen))
    except IntegrityError:
        pass  # already skipped: nothing to do
    return db.session.get_one(Listing, listing.id, populate_existing=True)
