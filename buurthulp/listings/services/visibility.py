"""Who may see a listing and who may help with it, as SQL (`visible_to`, `helpable_by`)
that the feed, both directions of suggestions, the queue and the API filter with, and the
same rule for one listing (`may_view`, `get_listing`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor, SystemActor, scope_of
from buurthulp.auth.roles import Permission
from buurthulp.errors import NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import (
    is_id,
)
from buurthulp.listings.models import CategoryRule, Listing
from buurthulp.listings.services.common import (
    not_found,
)
from buurthulp.models_base import utcnow
from buurthulp.protection.blocks import blocked_with
from buurthulp.protection.marks import is_vulnerable, levels_above, vog_checked_ids, vulnerable_ids

# One rule, in SQL ------------------------------------------------------------------------------
#
# Everything that lists or suggests listings filters with these expressions, and opening
# one listing asks the same expression for its id, so a page, the feed, a suggestion, the
# queue and the API can never disagree about who sees what.


def listed(now: datetime) -> ColumnElement[bool]:
    """Open and not past its end: in the feed, open for reactions."""
    return and_(
        Listing.status == "open", or_(Listing.expires_at.is_(None), Listing.expires_at > now)
    )


def _seen_by(member: Member) -> ColumnElement[bool]:
    """What keeps a listing from a member: a block either way, and a vulnerable resident's
    requests, which only VOG-checked helpers see."""
    rules = [Listing.owner_id.not_in(blocked_with(member.id))]
    if member.trust_level != "vog":
        rules.append(or_(Listing.kind != "request", Listing.owner_id.not_in(vulnerable_ids())))
    return and_(*rules)


def visible_to(actor: Actor | None) -> ColumnElement[bool]:
    """The listings `actor` may open: their own; every listing of a neighbourhood where they
    are staff; and otherwise an open or matched listing (a party to a match sees a closed
    one through the match page) that `_seen_by` allows. A member who is not active sees
    only their own."""
    if actor is None:
        return false()
    if isinstance(actor, SystemActor):
        return true()
    scope = scope_of(actor, Permission.LISTINGS_VIEW_ALL)
    if scope is None:
        return true()
    allowed: list[ColumnElement[bool]] = [Listing.owner_id == actor.id]
    if scope:
        allowed.append(Listing.neighbourhood_id.in_(sorted(scope)))
    if actor.is_active:
        allowed.append(and_(Listing.status.in_(("open", "matched")), _seen_by(actor)))
    return or_(*allowed)


def helpable_by(member: Member, now: datetime) -> ColumnElement[bool]:
    """The listings `member` may react to, and so find in the feed and in suggestions:
    listed, not their own, seen by them (`_seen_by`), and trusted enough: a category the
    neighbourhood reserves for trusted helpers takes those only (for a request the member
    would help), and a vulnerable member takes offers from VOG-checked helpers only."""
    rules = [listed(now), Listing.owner_id != member.id, _seen_by(member)]
    above = levels_above(member.trust_level)
    if above:
        reserved = (
            select(CategoryRule.id)
            .where(
                CategoryRule.neighbourhood_id == Listing.neighbourhood_id,
                CategoryRule.category_id == Listing.category_id,
                CategoryRule.trust_needed.in_(above),
            )
            .exists()
        )
        rules.append(or_(Listing.kind != "request", ~reserved))
    if is_vulnerable(member.id):
        rules.append(or_(Listing.kind != "offer", Listing.owner_id.in_(vog_checked_ids())))
    return and_(*rules)


def is_expired(listing: Listing, now: datetime | None = None) -> bool:
    return listing.expires_at is not None and listing.expires_at <= (now or utcnow())


def in_feed(listing: Listing, now: datetime | None = None) -> bool:
    """`listed` for a listing in hand (no query)."""
    return listing.status == "open" and not is_expired(listing, now)


def may_view(listing: Listing, actor: Actor | None) -> bool:
    """`visible_to` for one listing (one query)."""
    if actor is None:
        return False
    if listing.owner_id is not None and listing.owner_id == actor.id:
        return True
    found = db.session.scalar(select(Listing.id).where(Listing.id == listing.id, visible_to(actor)))
    return found is not None


def get_listing(listing_id: object, actor: Actor | None, *, need: str = "view") -> Listing:
    """Load and authorise: 404 for what the actor may not know exists, 403 for what they
    may see but not change."""
    if not is_id(listing_id):
        raise not_found()
    listing = db.session.get(Listing, listing_id)
    if listing is None or not may_view(listing, actor):
        raise not_found()
    if need == "manage" and (actor is None or listing.owner_id != actor.id):
        raise NotAllowed(_("Only the person who posted it can change this listing."))
    return listing


def listing_by_code(code: object, actor: Actor | None) -> Listing:
    """The listing a printed notice points at (its short code)."""
    if not isinstance(code, str) or not 4 <= len(code) <= 8:
        raise not_found()
    found = db.session.scalar(select(Listing).where(Listing.code == code.strip().upper()))
    if found is None or not may_view(found, actor):
        raise not_found()
    return found


def my_listings(owner: Member) -> list[Listing]:
    """Everything a member posted, open ones first, newest first."""
    return list(
        db.session.scalars(
            select(Listing)
            .where(Listing.owner_id == owner.id)
            .order_by((Listing.status == "closed"), Listing.created_at.desc(), Listing.id.desc())
        )
    )
