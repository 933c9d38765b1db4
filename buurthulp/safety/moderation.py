"""Moderation of listings by the coordinators of their neighbourhood.

    pending --approve--> open              pending --refuse (reason)--> hidden
    open / paused / matched --hide (reason)--> hidden --restore--> what it was before

A hidden listing is out of every feed and suggestion and takes no reactions (all of them
read the status); its owner still sees it, with the coordinator's reason, and cannot open
it again themselves. Every decision is kept (`safety_moderation`), audited, and told to the
owner. A coordinator never moderates their own listing; another one must.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from buurthulp.access.log import record_staff_view
from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_text, is_id
from buurthulp.links import path_for
from buurthulp.listings.models import Listing
from buurthulp.listings.premoderation import why_hidden
from buurthulp.listings.services import LISTING_DAYS
from buurthulp.models_base import utcnow
from buurthulp.notifications.services import notify
from buurthulp.protection.models import Moderation
from buurthulp.safety.labels import DECISION_LABELS

REASON_MAX = 500
HIDEABLE = ("open", "paused", "matched")


def not_found() -> NotFound:
    return NotFound(_("We could not find this listing. It may have been closed."))


def listing_for_staff(listing_id: object, actor: Member) -> Listing:
    """The moderation page: `listing_for_moderation`, and its owner in the access log."""
    listing = listing_for_moderation(listing_id, actor)
    record_staff_view(viewer=actor, subject_ids=[listing.owner_id], what="moderation")
    return listing


def listing_for_moderation(listing_id: object, actor: Member) -> Listing:
    """A listing of a neighbourhood where `actor` moderates; a 404 elsewhere."""
    if not is_id(listing_id):
        raise not_found()
    listing = db.session.get(Listing, listing_id)
    if listing is None or not may(
        actor, Permission.SAFETY_LISTINGS_MODERATE, listing.neighbourhood_id
    ):
        raise not_found()
    return listing


def decisions_of(listing_id: int) -> list[Moderation]:
    """Every decision about a listing, oldest first."""
    return list(
        db.session.scalars(
            select(Moderation).where(Moderation.listing_id == listing_id).order_by(Moderation.id)
        )
    )


def _clean_reason(reason: object) -> str:
    return clean_text(
        reason,
        field="reason",
        required=True,
        max_length=REASON_MAX,
        empty_message=_("Write the reason: the owner of the listing reads it."),
    )


def _checked(listing_id: object, actor: Member) -> Listing:
    listing = listing_for_moderation(listing_id, actor)
    if listing.owner_id == actor.id:
        raise NotAllowed(
            _("This is your own listing. Ask another coordinator."), code="own_benefit"
        )
    return listing


def _locked(listing_id: int) -> Listing:
    return db.session.get_one(Listing, listing_id, with_for_update=True, populate_existing=True)


def _decide(
    listing: Listing,
    decision: str,
    *,
    actor: Member,
    reason: str = "",
    previous_status: str | None = None,
    now: datetime | None = None,
) -> None:
    """Keep the decision, audit it and tell the owner (inside the caller's transaction)."""
    db.session.add(
        Moderation(
            listing_id=listing.id,
            decision=decision,
            reason=reason,
            previous_status=previous_status,
            actor_id=actor.id,
            actor_label=actor.display_name[:80],
            at=now or utcnow(),
        )
    )
    listing.updated_at = now or utcnow()
    db.session.flush()
    audit.record(
        actor,
        "moderation",
        member_id=listing.owner_id,
        neighbourhood_id=listing.neighbourhood_id,
        note=" · ".join(
            part for part in (str(DECISION_LABELS[decision]), f"“{listing.title}”", reason) if part
        ),
    )
    notify(
        listing.owner_id,
        f"safety.listing_{decision}",
        url=path_for("listings.show", listing_id=listing.id),
        title=listing.title,
        reason=reason,
    )


def approve(listing_id: object, *, actor: Member, now: datetime | None = None) -> Listing:
    """A waiting listing is fine: it goes online, with its full 30 days from now."""
    listing = _checked(listing_id, actor)
    now = now or utcnow()
    with transaction():
        listing = _locked(listing.id)
        if listing.status != "pending":
            raise Conflict(_("This listing does not wait for a check."))
        if db.session.get_one(Member, listing.owner_id).status != "active":
            raise Conflict(_("The owner of this listing cannot use Buurthulp right now."))
        listing.status = "open"
        if listing.kind != "activity" and listing.expires_at is not None:
            listing.expires_at = now + timedelta(days=LISTING_DAYS)
        _decide(listing, "approved", actor=actor, now=now)
    return listing


def refuse(listing_id: object, *, actor: Member, reason: object) -> Listing:
    """A waiting listing is not placed; the owner reads why."""
    why = _clean_reason(reason)
    listing = _checked(listing_id, actor)
    with transaction():
        listing = _locked(listing.id)
        if listing.status != "pending":
            raise Conflict(_("This listing does not wait for a check."))
        listing.status = "hidden"
        # Shown again later, it goes online as an approved one would.
        _decide(listing, "refused", actor=actor, reason=why, previous_status="open")
    return listing


def hide(listing_id: object, *, actor: Member, reason: object) -> Listing:
    """Take a listing out of sight; the owner reads why."""
    why = _clean_reason(reason)
    listing = _checked(listing_id, actor)
    with transaction():
        listing = _locked(listing.id)
        if listing.status == "pending":
            raise Conflict(_("This listing waits for its check: place it or refuse it."))
        if listing.status not in HIDEABLE:
            raise Conflict(_("This listing cannot be hidden now."))
        _hide(listing, actor=actor, reason=why)
    return listing


def _hide(listing: Listing, *, actor: Member, reason: str) -> None:
    previous = listing.status
    listing.status = "hidden"
    _decide(listing, "hidden", actor=actor, reason=reason, previous_status=previous)


def hide_in_transaction(listing_id: int | None, *, actor: Member, reason: str) -> None:
    """Hide a reported listing while a report is handled (only flushes). One that is
    hidden or closed already is left as it is."""
    if listing_id is None:
        return
    listing = _locked(listing_id)
    if listing.owner_id == actor.id:
        raise NotAllowed(
            _("This is your own listing. Ask another coordinator."), code="own_benefit"
        )
    if listing.status in HIDEABLE:
        _hide(listing, actor=actor, reason=reason)


def restore(listing_id: object, *, actor: Member) -> Listing:
    """Show a hidden listing again, as it was before it was hidden."""
    listing = _checked(listing_id, actor)
    with transaction():
        listing = _locked(listing.id)
        if listing.status != "hidden":
            raise Conflict(_("This listing is not hidden."))
        hidden_by = why_hidden(listing)
        listing.status = (hidden_by.previous_status if hidden_by else None) or "open"
        _decide(listing, "restored", actor=actor)
    return listing
