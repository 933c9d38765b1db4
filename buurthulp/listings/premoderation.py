"""Pre-moderation: does a new (or reopened) listing wait for a coordinator's check first?

The listings' own rule, read from the moderation decisions the safeguards write
(`protection.models.Moderation`); the coordinator's side (approving, refusing, hiding) is
`safety.moderation`, one floor up.
"""

from __future__ import annotations

from sqlalchemy import func, select

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import holders_of, may
from buurthulp.auth.roles import Permission
from buurthulp.extensions import db
from buurthulp.links import path_for
from buurthulp.listings.models import Listing
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.notifications.services import notify
from buurthulp.protection.models import Moderation

#: With pre-moderation on, this many first listings of a new member wait for a check.
PREMODERATED_LISTINGS = 3


# Pre-moderation -----------------------------------------------------------------------------


def _premoderated(owner: Member) -> bool:
    """Does this owner's neighbourhood check a new member's first listings? Members the
    coordinator has met (verified or VOG-checked) and staff of the neighbourhood are
    trusted already."""
    hood_id = owner.neighbourhood_id
    if hood_id is None or owner.trust_level != "new":
        return False
    flag = select(Neighbourhood.premoderation).where(Neighbourhood.id == hood_id)
    if not db.session.scalar(flag):
        return False
    return not may(owner, Permission.SAFETY_LISTINGS_MODERATE, hood_id)


def _earlier_listings(owner_id: int, before_id: int | None = None) -> int:
    query = select(func.count(Listing.id)).where(Listing.owner_id == owner_id)
    if before_id is not None:
        query = query.where(Listing.id < before_id)
    return int(db.session.scalar(query) or 0)


def status_for_new_listing(owner: Member, *, writer: Member | None = None) -> str:
    """ "pending" (a coordinator checks it before neighbours see it) or "open". `writer`
    is the coordinator who posts it on the owner's behalf, if one does."""
    # A coordinator of the neighbourhood wrote it: the one who would check it wrote it.
    if writer is not None and may(
        writer, Permission.SAFETY_LISTINGS_MODERATE, owner.neighbourhood_id
    ):
        return "open"
    if _premoderated(owner) and _earlier_listings(owner.id) < PREMODERATED_LISTINGS:
        return "pending"
    return "open"


def status_on_reopen(listing: Listing) -> str:
    """Reopening a listing that was closed while it waited for its check does not skip the
    check: it waits again. Anything approved once, or posted after the first few, opens."""
    owner = db.session.get_one(Member, listing.owner_id)
    if not _premoderated(owner) or (
        _earlier_listings(owner.id, before_id=listing.id) >= PREMODERATED_LISTINGS
    ):
        return "open"
    approved = db.session.scalar(
        select(Moderation.id)
        .where(Moderation.listing_id == listing.id, Moderation.decision == "approved")
        .limit(1)
    )
    return "open" if approved is not None else "pending"


def tell_moderators(listing: Listing) -> None:
    """A listing waits for a check: the neighbourhood's coordinators hear it once (inside
    the caller's transaction)."""
    for member_id in holders_of(Permission.SAFETY_LISTINGS_MODERATE, listing.neighbourhood_id):
        if member_id != listing.owner_id:
            notify(
                member_id,
                "safety.listing_waits",
                url=path_for("safety.listing", listing_id=listing.id),
                title=listing.title,
            )


def why_hidden(listing: Listing) -> Moderation | None:
    """The decision that hid this listing (its reason is the owner's to read), if hidden."""
    if listing.status != "hidden":
        return None
    return db.session.scalar(
        select(Moderation)
        .where(
            Moderation.listing_id == listing.id,
            Moderation.decision.in_(("hidden", "refused")),
        )
        .order_by(Moderation.id.desc())
        .limit(1)
    )
