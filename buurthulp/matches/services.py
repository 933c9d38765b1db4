"""Match rules: react, invite, accept, cancel, complete, confirm (the ledger books once),
dispute, message, thank. Every illegal step is refused with a reason a person can read.

In a match the one who was helped pays the helper: for a request the listing's owner pays,
for an offer the responder pays. Contact details and the meeting place are shared only
once both have agreed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import holders_of, may
from buurthulp.auth.roles import Permission
from buurthulp.db import id_in, transaction
from buurthulp.errors import Conflict, InvalidInput, LimitExceeded, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import format_minutes
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_int, clean_text, is_id
from buurthulp.ledger.services import book_match_payment
from buurthulp.links import path_for
from buurthulp.listings.models import Listing
from buurthulp.listings.services import get_listing, in_feed, trust_needed
from buurthulp.matches.models import CONTACT_STATUSES, OPEN_STATUSES, Match, Message, ThanksNote
from buurthulp.models_base import utcnow
from buurthulp.notifications.services import notify
from buurthulp.protection.blocks import blocked_between
from buurthulp.protection.marks import (
    acting_for,
    contact_person_for,
    is_vulnerable,
    record_proxy,
    trust_needed_for,
    trusted_enough,
    vulnerable_ids,
)
from buurthulp.protection.text import refuse_contact_details

REACTION_MAX = 1000
MESSAGE_MAX = 2000
THANKS_MAX = 500
REASON_MAX = 500
CONFIRM_DAYS = 14
REMINDERS_AFTER = (timedelta(days=3), timedelta(days=7))
# Agreed and after: these count as "a helper found" for a request.
TAKEN = ("agreed", "awaiting_confirmation", "disputed", "done")


def not_found() -> NotFound:
    return NotFound(_("We could not find this match."))


def payer_and_payee(match: Match) -> tuple[int, int]:
    """Who pays whom: the helped party pays the helper."""
    if match.listing.kind == "offer":
        return match.responder_id, match.owner_id
    return match.owner_id, match.responder_id


def other_party(match: Match, member_id: int) -> int:
    return match.responder_id if member_id == match.owner_id else match.owner_id


def _url(match: Match) -> str:
    return path_for("matches.show", match_id=match.id)


def _tell(member_id: int, kind: str, match: Match, **params: object) -> None:
    notify(member_id, kind, url=_url(match), title=match.listing.title, **params)


def _tell_coordinators(match: Match, kind: str, **params: object) -> None:
    """Every coordinator of the listing's neighbourhood hears that the match waits for them,
    except one who is a party: they cannot settle their own match, another one must."""
    for member_id in holders_of(Permission.MATCHES_DISPUTE_RESOLVE, match.listing.neighbourhood_id):
        if not is_party(match, member_id):
            _tell(member_id, kind, match, **params)


def may_help(member: Member, listing: Listing) -> bool:
    """May `member` help with this request? A category the neighbourhood reserves for
    trusted helpers only takes trusted ones, and a vulnerable resident is helped by
    VOG-checked helpers only."""
    return trusted_enough(member, trust_needed_for(trust_needed(listing), listing.owner_id))


def _refuse_untrusted(listing: Listing, helper: Member, helped_id: int) -> None:
    """The helper of a match must be trusted enough for the help and for the one helped:
    checked on reacting and again on agreeing (a VOG may have lapsed in between)."""
    if is_vulnerable(helped_id) and helper.trust_level != "vog":
        raise NotAllowed(
            _(
                "This neighbour is helped only by volunteers whose certificate of conduct "
                "(VOG) the coordinator checked. Ask your coordinator about it."
            ),
            code="trust_needed",
        )
    if listing.kind == "request" and not trusted_enough(helper, trust_needed(listing)):
        raise NotAllowed(
            _(
                "For this kind of help the neighbourhood asks for a helper the coordinator "
                "has met. Ask your coordinator about it."
            ),
            code="trust_needed",
        )


def _helper_and_helped(match: Match) -> tuple[int, int]:
    """For a request the responder helps the owner; for an offer the other way round."""
    if match.listing.kind == "offer":
        return match.owner_id, match.responder_id
    return match.responder_id, match.owner_id


def _acting(actor: Member, on_behalf_of: Member | None) -> Member:
    """Who takes the step: the actor, or the resident a coordinator acts for (checked)."""
    return actor if on_behalf_of is None else acting_for(actor, on_behalf_of)


# Loading ---------------------------------------------------------------------------------------


def is_party(match: Match, member_id: int) -> bool:
    return member_id in (match.owner_id, match.responder_id)


def get_match(match_id: object, actor: Member) -> Match:
    """The match for its two parties and for staff of its neighbourhood; 404 for others."""
    if not is_id(match_id):
        raise not_found()
    match = db.session.get(Match, match_id)
    if match is None:
        raise not_found()
    if is_party(match, actor.id):
        return match
    if may(actor, Permission.MATCHES_VIEW_ALL, match.listing.neighbourhood_id):
        return match
    raise not_found()


def _locked(match_id: int) -> Match:
    """The match row under lock (PostgreSQL), fresh from the database.

    The listing's row is locked first, always: two steps on matches of one listing (two
    accepts, an accept and a cancel) take the locks in the same order and never deadlock.
    """
    listing_id = db.session.scalar(select(Match.listing_id).where(Match.id == match_id))
    if listing_id is not None:
        db.session.get(Listing, listing_id, with_for_update=True, populate_existing=True)
    return db.session.get_one(Match, match_id, with_for_update=True, populate_existing=True)


def _party(match: Match, actor: Member, message: str) -> None:
    if not is_party(match, actor.id):
        raise NotAllowed(message)


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
        if existing is not None and existing.status not in ("cancelled", "declined"):
            raise Conflict(_("You already reacted to this listing."))
        if existing is None:
            match = Match(
                listing_id=listing.id,
                owner_id=listing.owner_id,
                responder_id=member.id,
                status="proposed",
                message=text,
                proxy_by_id=proxy_by_id,
            )
            db.session.add(match)
        else:  # reacting again after a cancelled or declined one
            match = existing
            match.status, match.message, match.invited = "proposed", text, False
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
    with transaction():
        existing = db.session.scalar(
            select(Match).where(Match.listing_id == listing.id, Match.responder_id == invitee.id)
        )
        if existing is not None and existing.status not in ("cancelled", "declined"):
            raise Conflict(_("This neighbour already reacted or was already asked."))
        match = existing or Match(
            listing_id=listing.id, owner_id=listing.owner_id, responder_id=invitee.id
        )
        match.status, match.invited, match.message = "invited", True, text
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
    if member.id != match.responder_id:
        raise NotAllowed(_("Only the neighbour who was asked can answer."))
    with transaction():
        match = _locked(match.id)
        if match.status != "invited":
            raise Conflict(_("This invitation was already answered or withdrawn."))
        if yes:
            _agree(match)
            if on_behalf_of is not None:
                match.proxy_by_id = actor.id
        else:
            match.status, match.updated_at = "declined", utcnow()
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
    if member.id != match.owner_id:
        raise NotAllowed(_("Only the person who posted the listing can accept."))
    with transaction():
        match = _locked(match.id)
        if match.status != "proposed":
            raise Conflict(_("This reaction cannot be accepted now."))
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
    match.status, match.agreed_at, match.updated_at = "agreed", now, now
    db.session.flush()
    _tell(match.responder_id, "matches.agreed", match)
    _tell(match.owner_id, "matches.agreed_owner", match)
    if listing.kind == "request" and taken + 1 >= listing.helpers_needed:
        listing.status = "matched"
        others = db.session.scalars(
            select(Match).where(
                Match.listing_id == listing.id,
                Match.id != match.id,
                Match.status.in_(("proposed", "invited")),
            )
        ).all()
        for other in others:
            other.status, other.updated_at = "declined", now
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
    _party(match, actor, _("Only the two people in this match can cancel it."))
    with transaction():
        match = _locked(match.id)
        if match.status not in ("invited", "proposed", "agreed", "awaiting_confirmation"):
            raise Conflict(_("This match cannot be cancelled any more."))
        _cancel_locked(match, by_id=actor.id, reason=why, notice="matches.cancelled", now=utcnow())
    return match


def _cancel_locked(
    match: Match, *, by_id: int, reason: str | None, notice: str, now: datetime
) -> None:
    """Cancel a locked match inside the caller's transaction: the other party hears it, and
    a request that lost its helper is open again."""
    was_taken = match.status in TAKEN
    match.status, match.cancel_reason, match.cancelled_by_id = "cancelled", reason, by_id
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
        if match.status == "awaiting_confirmation" and payer_id == member_id:
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


# Done, confirmed, booked -----------------------------------------------------------------


def complete(
    match_id: object, *, actor: Member, minutes: object, now: datetime | None = None
) -> Match:
    """Either party says it is done and how long it took; the other confirms."""
    amount = clean_int(minutes, field="minutes", minimum=1, maximum=10_000)
    match = get_match(match_id, actor)
    _party(match, actor, _("Only the two people in this match can mark it done."))
    now = now or utcnow()
    with transaction():
        match = _locked(match.id)
        if match.status != "agreed":
            raise Conflict(_("Only an agreed match can be marked done."))
        match.status, match.minutes = "awaiting_confirmation", amount
        match.completed_by_id, match.completed_at = actor.id, now
        match.confirm_due_at = now + timedelta(days=CONFIRM_DAYS)
        match.reminders_sent, match.updated_at = 0, now
        db.session.flush()
        _tell(other_party(match, actor.id), "matches.please_confirm", match, minutes=amount)
    return match


@dataclass(frozen=True)
class Confirmation:
    """What confirming gave: booked, or refused by the payer's lower limit (kindly said)."""

    match: Match
    booked: bool
    limit_message: str | None = None


def _may_confirm(match: Match, actor: Member) -> Member | None:
    """None when the actor confirms as the other party; the party when staff act for them."""
    if is_party(match, actor.id):
        if actor.id == match.completed_by_id:
            raise NotAllowed(_("The other person confirms. You marked it done yourself."))
        return None
    other = db.session.get_one(Member, other_party(match, match.completed_by_id or 0))
    if not may(actor, Permission.MATCHES_CONFIRM_ON_BEHALF, match.listing.neighbourhood_id):
        raise not_found()
    return other


def confirm(
    match_id: object,
    *,
    actor: Member,
    now: datetime | None = None,
    on_behalf_of: Member | None = None,
) -> Confirmation:
    """The other party (or their coordinator) confirms: done, and the time is booked once.
    A coordinator names the resident they keep with `on_behalf_of`; any coordinator of the
    neighbourhood may also confirm for the waiting party without naming them."""
    member = _acting(actor, on_behalf_of)
    match = get_match(match_id, member)
    now = now or utcnow()
    with transaction():
        match = _locked(match.id)
        if match.status == "done":
            return Confirmation(match, booked=True)  # a second confirm changes nothing
        if match.status != "awaiting_confirmation":
            raise Conflict(_("This match is not waiting for a confirmation."))
        for_whom = _may_confirm(match, member) or (on_behalf_of if member is not actor else None)
        try:
            _book(match, actor=actor, on_behalf_of=for_whom, now=now)
        except LimitExceeded as refused:
            return Confirmation(match, booked=False, limit_message=refused.message)
        if for_whom is not None:
            record_proxy(
                actor,
                for_whom,
                _(
                    "confirmed %(time)s for “%(title)s”",
                    time=format_minutes(match.minutes),
                    title=match.listing.title,
                ),
            )
    return Confirmation(match, booked=True)


def _book(
    match: Match,
    *,
    actor: Member,
    on_behalf_of: Member | None,
    now: datetime,
    notice: str = "matches.done",
    **params: object,
) -> None:
    """Book the minutes (exactly once per match) and close the match, in one transaction.
    Both parties get `notice`: confirmed, confirmed by the clock, or settled by a coordinator."""
    payer_id, payee_id = payer_and_payee(match)
    payer, payee = db.session.get_one(Member, payer_id), db.session.get_one(Member, payee_id)
    booking = book_match_payment(
        match.id,
        payer,
        payee,
        match.minutes,
        match.listing.category.slug,
        actor,
        on_behalf_of=on_behalf_of,
        description=match.listing.title[:200],
    )
    match.status, match.transfer_id = "done", booking.transfer_id
    match.confirmed_by_id, match.confirmed_at, match.updated_at = actor.id, now, now
    db.session.flush()
    for member_id in (match.owner_id, match.responder_id):
        _tell(member_id, notice, match, minutes=match.minutes, **params)


def dispute(match_id: object, *, actor: Member, reason: object) -> Match:
    """The other party does not agree with the minutes: a coordinator looks at it."""
    why = clean_text(
        reason,
        field="reason",
        required=True,
        max_length=REASON_MAX,
        empty_message=_("Write what is not right, for example how long it really took."),
    )
    match = get_match(match_id, actor)
    _party(match, actor, _("Only the two people in this match can disagree about it."))
    with transaction():
        match = _locked(match.id)
        if match.status != "awaiting_confirmation":
            raise Conflict(_("Only minutes that wait for a confirmation can be disputed."))
        if actor.id == match.completed_by_id:
            raise NotAllowed(_("You gave these minutes yourself. Cancel instead, or wait."))
        match.status, match.dispute_reason, match.disputed_by_id = "disputed", why, actor.id
        match.disputed_at = match.updated_at = utcnow()
        db.session.flush()
        _tell(other_party(match, actor.id), "matches.disputed", match)
        _tell_coordinators(match, "matches.dispute_waits", by=actor.display_name)
    return match


def ask_pool(match_id: object, *, actor: Member) -> Match:
    """The payer's limit refused the booking: a party (the payer, or the other on the payer's
    behalf) asks the coordinators for a contribution from the solidarity pool. They grant
    it from the pool and confirm on the payer's behalf. Asking twice tells them once."""
    match = get_match(match_id, actor)
    _party(match, actor, _("Only the two people in this match can ask for this."))
    with transaction():
        match = _locked(match.id)
        if match.status != "awaiting_confirmation":
            raise Conflict(_("This match is not waiting for a confirmation."))
        if match.pool_requested_at is None:
            match.pool_requested_at = utcnow()
            db.session.flush()
            payer_id, _payee = payer_and_payee(match)
            if actor.id != payer_id:
                _tell(payer_id, "matches.pool_asked", match, by=actor.display_name)
            _tell_coordinators(match, "matches.pool_waits", by=actor.display_name)
    return match


def resolve_dispute(
    match_id: object,
    *,
    actor: Member,
    minutes: object = None,
    note: object = "",
    cancel: bool = False,
    now: datetime | None = None,
) -> Match:
    """A coordinator settles disputed minutes: confirm them as given (`minutes=None`),
    confirm corrected minutes (with a note), or cancel the match (with a note; nothing is
    booked). Both parties hear the outcome and read the note.

    The ledger books once: the same decision a second time returns the match with its one
    transfer; a different decision on a settled match is refused. A coordinator who is a
    party never settles their own match (another coordinator must). A cancelled dispute
    does not reopen the listing: the help itself happened; the owner decides what is next.
    """
    text = clean_text(note, field="note", max_length=REASON_MAX)
    amount = clean_int(minutes, field="minutes", minimum=1, maximum=10_000, required=False)
    match = get_match(match_id, actor)
    if is_party(match, actor.id):
        raise NotAllowed(
            _("You are part of this match. Ask another coordinator to settle it."),
            code="own_benefit",
        )
    if not may(actor, Permission.MATCHES_DISPUTE_RESOLVE, match.listing.neighbourhood_id):
        raise NotAllowed(_("Only a coordinator of this neighbourhood can settle this."))
    now = now or utcnow()
    with transaction():
        match = _locked(match.id)
        if match.disputed_at is None and match.dispute_reason is None:
            raise Conflict(_("The minutes of this match are not disputed."))
        if match.status in ("done", "cancelled"):
            same = (
                match.status == "cancelled"
                if cancel
                else (match.status == "done" and amount in (None, match.minutes))
            )
            if same:
                return match  # pressed twice: it is settled, booked once
            raise Conflict(_("This dispute was already settled."))
        if match.status != "disputed":
            raise Conflict(_("The minutes of this match are not disputed."))
        changed = amount is not None and amount != match.minutes
        if (cancel or changed) and not text:
            raise InvalidInput(
                _("Write a short note for both: what you decided and why."), field="note"
            )
        match.resolution_note = text or None
        decision = _("cancelled") if cancel else format_minutes(amount or match.minutes)
        for member_id in (match.owner_id, match.responder_id):
            audit.record(
                actor,
                "dispute",
                member_id=member_id,
                note=" · ".join(part for part in (decision, text) if part),
            )
        if cancel:
            match.status, match.cancel_reason, match.cancelled_by_id = "cancelled", text, actor.id
            match.updated_at = now
            db.session.flush()
            for member_id in (match.owner_id, match.responder_id):
                _tell(member_id, "matches.dispute_cancelled", match, note=text)
            return match
        if changed:
            match.minutes = amount
        # The coordinator gives the confirmation that the disputing party held back.
        disputer = db.session.get_one(Member, match.disputed_by_id)
        _book(
            match,
            actor=actor,
            on_behalf_of=disputer,
            now=now,
            notice="matches.dispute_settled",
            note=text,
        )
    return match


# Messages and thanks ----------------------------------------------------------------------


def post_message(
    match_id: object, *, actor: Member, body: object, on_behalf_of: Member | None = None
) -> Message:
    """A message in the private thread, once both have agreed (a coordinator may write
    `on_behalf_of` a resident they keep: stored and shown as such)."""
    text = clean_text(
        body,
        field="body",
        required=True,
        max_length=MESSAGE_MAX,
        empty_message=_("Write your message."),
    )
    member = _acting(actor, on_behalf_of)
    match = get_match(match_id, member)
    _party(match, member, _("Only the two people in this match can write here."))
    if match.status not in CONTACT_STATUSES:
        raise Conflict(_("You can write to each other once you have agreed."))
    if blocked_between(match.owner_id, match.responder_id):
        raise NotAllowed(
            _("You cannot write to each other any more. Your coordinator can help if needed.")
        )
    with transaction():
        message = Message(
            match_id=match.id,
            author_id=member.id,
            body=text,
            proxy_by_id=actor.id if on_behalf_of is not None else None,
        )
        db.session.add(message)
        db.session.flush()
        _tell(other_party(match, member.id), "matches.message", match, by=member.display_name)
        if on_behalf_of is not None:
            record_proxy(
                actor, member, _("wrote a message about “%(title)s”", title=match.listing.title)
            )
    return message


def messages_of(match: Match, *, after_id: int | None = None, limit: int = 200) -> list[Message]:
    """The thread, oldest first (the reader is checked by the caller, `get_match`)."""
    query = select(Message).where(Message.match_id == match.id).order_by(Message.id).limit(limit)
    if after_id is not None:
        query = query.where(Message.id > after_id)
    return list(db.session.scalars(query))


def leave_thanks(match_id: object, *, actor: Member, body: object) -> ThanksNote:
    """After a match, a short note for the other. One each, no stars."""
    text = clean_text(
        body,
        field="body",
        required=True,
        max_length=THANKS_MAX,
        empty_message=_("Write a few words of thanks."),
    )
    match = get_match(match_id, actor)
    _party(match, actor, _("Only the two people in this match can thank each other here."))
    if match.status != "done":
        raise Conflict(_("You can say thank you once the help is confirmed."))
    with transaction():
        if db.session.scalar(
            select(ThanksNote.id).where(
                ThanksNote.match_id == match.id, ThanksNote.author_id == actor.id
            )
        ):
            raise Conflict(_("You already left a note of thanks."))
        note = ThanksNote(match_id=match.id, author_id=actor.id, body=text)
        db.session.add(note)
        db.session.flush()
        _tell(other_party(match, actor.id), "matches.thanked", match, by=actor.display_name)
    return note


def _remove_messages(*where: object, now: datetime) -> int:
    """Empty the text of the messages `where` selects and mark them removed (only flushes)."""
    result = db.session.execute(
        update(Message)
        .where(Message.removed_at.is_(None), *where)
        .values(body="", removed_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def remove_texts_of(member_id: int, *, now: datetime) -> int:
    """The member's account is erased: what they wrote to others in matches goes (inside
    the caller's transaction, only flushes). Their messages become "removed", their
    reactions, invitations and reasons empty, their notes of thanks gone. Returns how many
    messages were removed."""
    removed = _remove_messages(Message.author_id == member_id, now=now)
    wrote_it = or_(
        (Match.responder_id == member_id) & Match.invited.is_(False),
        (Match.owner_id == member_id) & Match.invited.is_(True),
    )
    for statement in (
        update(Match).where(wrote_it, Match.message != "").values(message=""),
        update(Match).where(Match.cancelled_by_id == member_id).values(cancel_reason=None),
        update(Match).where(Match.disputed_by_id == member_id).values(dispute_reason=None),
        delete(ThanksNote).where(ThanksNote.author_id == member_id),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    return removed


CLOSED_STATUSES = ("done", "cancelled", "declined")


def remove_thread_texts(match_ids: Collection[int], *, now: datetime) -> int:
    """Retention: the texts of these ended matches go (their messages and the reaction that
    started them); the thread shows "removed". Only flushes; returns messages removed."""
    if not match_ids:
        return 0
    removed = _remove_messages(id_in(Message.match_id, match_ids), now=now)
    db.session.execute(
        update(Match)
        .where(id_in(Match.id, match_ids), Match.status.in_(CLOSED_STATUSES), Match.message != "")
        .values(message="")
        .execution_options(synchronize_session=False)
    )
    return removed


def thanks_of(match: Match) -> list[ThanksNote]:
    return list(
        db.session.scalars(
            select(ThanksNote).where(ThanksNote.match_id == match.id).order_by(ThanksNote.id)
        )
    )


# What a party sees of the other ------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """The other party, as shown once agreed: first name, how to reach them, where. For a
    vulnerable resident it is their coordinator instead (`via_coordinator`)."""

    first_name: str
    email: str | None
    phone: str | None
    meeting_place: str | None
    via_coordinator: bool = False


def contact_for(match: Match, viewer: Member) -> Contact | None:
    """Only the two parties, only once agreed (and while it lasts). Contact with a
    vulnerable resident goes through their coordinator: the helper sees the coordinator's
    name and phone, never the resident's details or address."""
    if not is_party(match, viewer.id) or match.status not in CONTACT_STATUSES:
        return None
    other = db.session.get_one(Member, other_party(match, viewer.id))
    if is_vulnerable(other.id):
        person = contact_person_for(other.id)
        return Contact(
            first_name=(person.display_name if person else "").split(" ")[0],
            email=person.email if person else None,
            phone=person.phone if person else None,
            meeting_place=None,
            via_coordinator=True,
        )
    payer_id, _payee = payer_and_payee(match)
    helped = db.session.get_one(Member, payer_id)
    place = None
    if helped.postcode and helped.house_number:
        place = f"{helped.postcode[:4]} {helped.postcode[4:]}, {helped.house_number}"
    return Contact(
        first_name=(other.display_name or "").split(" ")[0],
        email=other.email,
        phone=other.phone,
        meeting_place=place,
    )


def matches_of(member: Member, *, open_only: bool = False) -> list[Match]:
    query = (
        select(Match)
        .where(or_(Match.owner_id == member.id, Match.responder_id == member.id))
        .order_by(Match.updated_at.desc(), Match.id.desc())
    )
    if open_only:
        query = query.where(Match.status.in_(OPEN_STATUSES))
    return list(db.session.scalars(query))


def matches_for_listing(listing: Listing) -> list[Match]:
    return list(
        db.session.scalars(
            select(Match).where(Match.listing_id == listing.id).order_by(Match.created_at)
        )
    )


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
            Match.status == "awaiting_confirmation", Match.confirm_due_at.is_not(None)
        )
    ).all()
    for match_id in due:
        with transaction():
            match = _locked(match_id)
            if match.status != "awaiting_confirmation" or match.completed_at is None:
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
        .where(Match.listing_id == listing_id, Match.status.in_(("proposed", "invited")))
        .order_by(Match.id)
    ).all()
    for match in open_ones:
        match.status, match.updated_at = "declined", now
        _tell(match.responder_id, kind, match)
    db.session.flush()
    return len(open_ones)


def on_listing_closed(listing: Listing) -> None:
    """Receiver of `signals.listing_closed` (connected by `marketplace.register`)."""
    withdraw_open_reactions(listing.id)
