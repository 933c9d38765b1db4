"""Coming to an agreement, and ending one: a neighbour reacts or is invited, the owner
accepts (or the one asked says yes or no), and either party cancels; a member who leaves
ends all of theirs.

It exists as the first half of the match's life (up to "agreed", and every way out of it
before the minutes are settled), apart from `completing`, which books them. The one who
was helped pays the helper: for a request the listing's owner pays, for an offer the
responder pays.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select

from buurthulp.auth.limits import hold_back
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_text, is_id
from buurthulp.listings.models import Listing
from buurthulp.listings.services import get_listing, in_feed
from buurthulp.matches.actions import ACCEPT, CANCEL, DECLINE, SAY_YES, Why, refusals
from buurthulp.matches.models import OPEN_STATUSES, Match, MatchStatus
from buurthulp.matches.services.common import (
    REACTION_MAX,
    REASON_MAX,
    TAKEN,
    _acting,
    _helper_and_helped,
    _locked,
    _refuse_for,
    _refuse_untrusted,
    _tell,
    get_match,
    may_help,
    other_party,
    payer_and_payee,
)
from buurthulp.matches.services.completing import _book
from buurthulp.models_base import utcnow
from buurthulp.protection.blocks import blocked_between
from buurthulp.protection.marks import record_proxy
from buurthulp.protection.text import refuse_contact_details

# A neighbour may react (or be asked) again after one of these.
ENDED = (MatchStatus.CANCELLED, MatchStatus.DECLINED)


# Reacting and inviting -----------------------------------------------------------------------


def react(
    listing_id: object, *, actor: Member, message: object, on_behalf_of: Member | None = None
) -> Match:
    """A neighbour reacts to a request or an offer: the match is proposed. A coordinator
    may react `on_behalf_of` a resident who is not online (stored and shown as such)."""
    text = clean_text(
        message,
        field="message",
        required=True,
        max_length=REACTION_MAX,
        empty_message=_("Write a few words to the neighbour."),
    )
    # Read before anything is agreed: contact details wait until the match is.
    refuse_contact_details(text, field="message")
    member = _acting(actor, on_behalf_of)
    proxy_by_id = actor.id if on_behalf_of is not None else None
    listing = get_listing(listing_id, member)
    _check_can_react(listing, member)
    with transaction():
        listing = db.session.get_one(Listing, listing.id, with_for_update=True)
        if not in_feed(listing):
            raise Conflict(_("This listing is no longer open for reactions."))
        existing = db.session.scalar(
            select(Match).where(Match.listing_id == listing.id, Match.responder_id == member.id)
        )
        if existing is not None and existing.status not in ENDED:
            raise Conflict(_("You already reacted to this listing."))
        if existing is None:
            match = Match(
                listing_id=listing.id,
                owner_id=listing.owner_id,
                responder_id=member.id,
                status=MatchStatus.PROPOSED,
                message=text,
                proxy_by_id=proxy_by_id,
            )
            db.session.add(match)
        else:  # reacting again after a cancelled or declined one
            match = existing
            match.status, match.message, match.invited = MatchStatus.PROPOSED, text, False
            match.cancel_reason = match.cancelled_by_id = None
            match.proxy_by_id = proxy_by_id
            match.updated_at = utcnow()
        db.session.flush()
        _tell(listing.owner_id, "matches.reaction", match, by=member.display_name)
        if on_behalf_of is not None:
            record_proxy(actor, member, _("reacted to “%(title)s”", title=listing.title))
    return match


def _check_can_react(listing: Listing, actor: Member) -> None:
    if not may(actor, Permission.MATCHES_TAKE_PART):
        raise NotAllowed(_("Your account cannot react to listings right now."))
    if listing.owner_id == actor.id:
        raise Conflict(_("This is your own listing."))
    if listing.kind == "activity":
        raise Conflict(_("For an activity you sign up instead."))
    if not in_feed(listing):
        raise Conflict(_("This listing is no longer open for reactions."))
    if blocked_between(actor.id, listing.owner_id):
        raise NotFound(_("We could not find this listing. It may have been closed."))
    if listing.kind == "request":
        _refuse_untrusted(listing, actor, listing.owner_id)
    else:
        _refuse_untrusted(listing, listing.owner, actor.id)


def invite(listing_id: object, member_id: object, *, actor: Member, message: object = "") -> Match:
    """The owner asks a suggested neighbour; they can say yes or no without explaining."""
    text = clean_text(message, field="message", max_length=REACTION_MAX)
    refuse_contact_details(text, field="message")
    listing = get_listing(listing_id, actor, need="manage")
    if not in_feed(listing):
        raise Conflict(_("This listing is no longer open."))
    if not is_id(member_id) or member_id == actor.id:
        raise NotFound(_("We could not find this member."))
    invitee = db.session.get(Member, member_id)
    if invitee is None or invitee.status != "active" or blocked_between(actor.id, invitee.id):
        raise NotFound(_("We could not find this member."))
    if listing.kind == "request" and not may_help(invitee, listing):
        raise NotAllowed(_("This neighbour cannot be asked for this kind of help."))
    hold_back("invitation", actor)
    with transaction():
        existing = db.session.scalar(
            select(Match).where(Match.listing_id == listing.id, Match.responder_id == invitee.id)
        )
        if existing is not None and existing.status not in ENDED:
            raise Conflict(_("This neighbour already reacted or was already asked."))
        match = existing or Match(
            listing_id=listing.id, owner_id=listing.owner_id, responder_id=invitee.id
        )
        match.status, match.invited, match.message = MatchStatus.INVITED, True, text
        match.updated_at = utcnow()
        db.session.add(match)
        db.session.flush()
        _tell(invitee.id, "matches.invited", match, by=actor.display_name)
    return match


def answer_invitation(
    match_id: object, *, yes: bool, actor: Member, on_behalf_of: Member | None = None
) -> Match:
    """The invited neighbour (or their coordinator, `on_behalf_of` them) says yes (then it
    is agreed) or no (no reason asked)."""
    member = _acting(actor, on_behalf_of)
    match = get_match(match_id, member)
    step = SAY_YES if yes else DECLINE
    _refuse_for(
        refusals(step, match, actor, on_behalf_of=on_behalf_of),
        {Why.WHO: NotAllowed(_("Only the neighbour who was asked can answer."))},
        final=False,
    )
    with transaction():
        match = _locked(match.id)
        _refuse_for(
            refusals(step, match, actor, on_behalf_of=on_behalf_of),
            {Why.STATUS: Conflict(_("This invitation was already answered or withdrawn."))},
        )
        if yes:
            _agree(match)
            if on_behalf_of is not None:
                match.proxy_by_id = actor.id
        else:
            match.status, match.updated_at = MatchStatus.DECLINED, utcnow()
            _tell(match.owner_id, "matches.invitation_declined", match)
        if on_behalf_of is not None:
            title = match.listing.title
            answer = (
                _("said yes to “%(title)s”", title=title)
                if yes
                else _("said no to “%(title)s”", title=title)
            )
            record_proxy(actor, member, answer)
    return match


# Agreeing ---------------------------------------------------------------------------------


def accept(match_id: object, *, actor: Member, on_behalf_of: Member | None = None) -> Match:
    """The owner (or their coordinator, `on_behalf_of` them) accepts a reaction: agreed. A
    one-helper request then thanks the others."""
    member = _acting(actor, on_behalf_of)
    match = get_match(match_id, member)
    _refuse_for(
        refusals(ACCEPT, match, actor, on_behalf_of=on_behalf_of),
        {Why.WHO: NotAllowed(_("Only the person who posted the listing can accept."))},
        final=False,
    )
    with transaction():
        match = _locked(match.id)
        _refuse_for(
            refusals(ACCEPT, match, actor, on_behalf_of=on_behalf_of),
            {Why.STATUS: Conflict(_("This reaction cannot be accepted now."))},
        )
        _agree(match)
        if on_behalf_of is not None:
            match.accepted_proxy_by_id = actor.id
            record_proxy(
                actor, member, _("accepted a reaction to “%(title)s”", title=match.listing.title)
            )
    return match


def _agree(match: Match) -> None:
    """Agreed, inside the caller's transaction: the listing row is locked, so two accepts
    for the last place of a request cannot both win."""
    listing = db.session.get_one(Listing, match.listing_id, with_for_update=True)
    if listing.status not in ("open", "matched") or not (
        listing.status == "matched" or in_feed(listing)
    ):
        raise Conflict(_("This listing is no longer open."))
    if blocked_between(match.owner_id, match.responder_id):
        raise Conflict(_("You cannot agree with this neighbour."))
    people = db.session.scalars(
        select(Member.status).where(Member.id.in_((match.owner_id, match.responder_id)))
    ).all()
    if any(status != "active" for status in people):
        raise Conflict(_("This neighbour cannot take part right now."))
    helper_id, helped_id = _helper_and_helped(match)
    _refuse_untrusted(listing, db.session.get_one(Member, helper_id), helped_id)
    taken = _taken(listing.id)
    if listing.kind == "request" and taken >= listing.helpers_needed:
        raise Conflict(_("This request already has its helper."))
    now = utcnow()
    match.status, match.agreed_at, match.updated_at = MatchStatus.AGREED, now, now
    db.session.flush()
    _tell(match.responder_id, "matches.agreed", match)
    _tell(match.owner_id, "matches.agreed_owner", match)
    if listing.kind == "request" and taken + 1 >= listing.helpers_needed:
        listing.status = "matched"
        others = db.session.scalars(
            select(Match).where(
                Match.listing_id == listing.id,
                Match.id != match.id,
                Match.status.in_((MatchStatus.PROPOSED, MatchStatus.INVITED)),
            )
        ).all()
        for other in others:
            other.status, other.updated_at = MatchStatus.DECLINED, now
            _tell(other.responder_id, "matches.already_helped", other)


def _taken(listing_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(Match.id)).where(
                Match.listing_id == listing_id, Match.status.in_(TAKEN)
            )
        )
        or 0
    )


def cancel(match_id: object, *, actor: Member, reason: object) -> Match:
    """Either party stops, with a reason the other reads."""
    why = clean_text(
        reason,
        field="reason",
        required=True,
        max_length=REASON_MAX,
        empty_message=_("Write a few words about why."),
    )
    match = get_match(match_id, actor)
    _refuse_for(
        refusals(CANCEL, match, actor),
        {Why.WHO: NotAllowed(_("Only the two people in this match can cancel it."))},
        final=False,
    )
    with transaction():
        match = _locked(match.id)
        _refuse_for(
            refusals(CANCEL, match, actor),
            {Why.STATUS: Conflict(_("This match cannot be cancelled any more."))},
        )
        _cancel_locked(match, by_id=actor.id, reason=why, notice="matches.cancelled", now=utcnow())
    return match


def _cancel_locked(
    match: Match, *, by_id: int, reason: str | None, notice: str, now: datetime
) -> None:
    """Cancel a locked match inside the caller's transaction: the other party hears it, and
    a request that lost its helper is open again."""
    was_taken = match.status in TAKEN
    match.status, match.cancel_reason, match.cancelled_by_id = MatchStatus.CANCELLED, reason, by_id
    match.updated_at = now
    db.session.flush()
    params = {"reason": reason} if reason is not None else {}
    _tell(other_party(match, by_id), notice, match, **params)
    listing = db.session.get_one(Listing, match.listing_id, with_for_update=True)
    if was_taken and listing.status == "matched" and _taken(listing.id) < listing.helpers_needed:
        listing.status = "open"  # the request needs a helper again


def end_for_leaving_member(member_id: int, *, now: datetime) -> tuple[int, int]:
    """A member leaves (their account is erased): each of their open matches ends, inside
    the caller's transaction (only flushes), and the other party hears why.

    Help they received and that waits for their confirmation is booked first, as the clock
    would after 14 days (the helper keeps their minutes; the leaving member's debt is then
    settled against the pool); when their lower limit refuses it, it is cancelled like the
    rest (so it is when their account was settled already). Returns (cancelled, booked)."""
    ids = db.session.scalars(
        select(Match.id)
        .where(
            or_(Match.owner_id == member_id, Match.responder_id == member_id),
            Match.status.in_(OPEN_STATUSES),
        )
        .order_by(Match.id)
    ).all()
    cancelled = booked = 0
    for match_id in ids:
        match = _locked(match_id)
        if match.status not in OPEN_STATUSES:
            continue
        payer_id, _payee = payer_and_payee(match)
        if match.status == MatchStatus.AWAITING_CONFIRMATION and payer_id == member_id:
            payer = db.session.get_one(Member, payer_id)
            try:
                with db.session.begin_nested():
                    _book(match, actor=payer, on_behalf_of=None, now=now)
                booked += 1
                continue
            except Conflict:  # the lower limit, or an account settled already
                match = _locked(match_id)
        _cancel_locked(match, by_id=member_id, reason=None, notice="matches.partner_left", now=now)
        cancelled += 1
    return cancelled, booked
