"""Settling the minutes: either party marks the help done, the other confirms (or disputes
them), the ledger books once, and a coordinator settles disputed minutes or adds time from
the solidarity pool when the payer's lower limit refuses.

It exists as the second half of the match's life, from "agreed" to "done", and the one
place that books a match's minutes (`_book`): by a party, by a coordinator, by the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, LimitExceeded, NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import format_minutes
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_int, clean_text
from buurthulp.ledger.services import book_match_payment
from buurthulp.matches.actions import (
    ASK_POOL,
    COMPLETE,
    CONFIRM,
    DISPUTE,
    RESOLVE,
    Why,
    refusals,
)
from buurthulp.matches.models import Match, MatchStatus
from buurthulp.matches.services.common import (
    CONFIRM_DAYS,
    REASON_MAX,
    _acting,
    _locked,
    _refuse_for,
    _tell,
    _tell_coordinators,
    get_match,
    is_party,
    not_found,
    other_party,
    payer_and_payee,
)
from buurthulp.models_base import utcnow
from buurthulp.protection.marks import record_proxy

# Done, confirmed, booked -----------------------------------------------------------------


def complete(
    match_id: object, *, actor: Member, minutes: object, now: datetime | None = None
) -> Match:
    """Either party says it is done and how long it took; the other confirms."""
    amount = clean_int(minutes, field="minutes", minimum=1, maximum=10_000)
    match = get_match(match_id, actor)
    _refuse_for(
        refusals(COMPLETE, match, actor),
        {Why.WHO: NotAllowed(_("Only the two people in this match can mark it done."))},
        final=False,
    )
    now = now or utcnow()
    with transaction():
        match = _locked(match.id)
        _refuse_for(
            refusals(COMPLETE, match, actor),
            {Why.STATUS: Conflict(_("Only an agreed match can be marked done."))},
        )
        match.status, match.minutes = MatchStatus.AWAITING_CONFIRMATION, amount
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


def _confirmed_for(match: Match, member: Member) -> Member | None:
    """None when the member confirms as the other party; that party when staff confirm for
    them (whether they may, the match rules said)."""
    if is_party(match, member.id):
        return None
    return db.session.get_one(Member, other_party(match, match.completed_by_id or 0))


def confirm(
    match_id: object,
    *,
    actor: Member,
    now: datetime | None = None,
    on_behalf_of: Member | None = None,
    reason: object = "",
) -> Confirmation:
    """The other party (or their coordinator) confirms: done, and the time is booked once.
    A coordinator names the resident they keep with `on_behalf_of`; a coordinator of the
    neighbourhood may also confirm for the waiting party without naming them, but only
    where the match waits for a coordinator (the pool, a limit, a resident helped through
    them), and always saying why (`reason`, in the audit log)."""
    member = _acting(actor, on_behalf_of)
    match = get_match(match_id, member)
    as_staff = on_behalf_of is None and not is_party(match, actor.id)
    why_text = (
        clean_text(
            reason,
            field="reason",
            required=True,
            max_length=REASON_MAX,
            multiline=False,
            empty_message=_("Write in a few words why you confirm on their behalf."),
        )
        if as_staff
        else ""
    )
    now = now or utcnow()
    with transaction():
        match = _locked(match.id)
        why = refusals(CONFIRM, match, actor, on_behalf_of=on_behalf_of)
        if why and match.status == MatchStatus.DONE:
            return Confirmation(match, booked=True)  # a second confirm changes nothing
        _refuse_for(
            why,
            {
                Why.STATUS: Conflict(_("This match is not waiting for a confirmation.")),
                Why.OWN_MINUTES: NotAllowed(
                    _("The other person confirms. You marked it done yourself.")
                ),
                Why.PERMISSION: not_found(),
                Why.NOT_WAITING: NotAllowed(
                    _("A coordinator confirms only a match that waits for a coordinator.")
                ),
            },
        )
        for_whom = _confirmed_for(match, member) or (on_behalf_of if member is not actor else None)
        try:
            _book(match, actor=actor, on_behalf_of=for_whom, now=now)
        except LimitExceeded as refused:
            return Confirmation(match, booked=False, limit_message=refused.message)
        if for_whom is not None:
            done = _(
                "confirmed %(time)s for “%(title)s”",
                time=format_minutes(match.minutes),
                title=match.listing.title,
            )
            record_proxy(actor, for_whom, f"{done}: {why_text}" if why_text else done)
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
    match.status, match.transfer_id = MatchStatus.DONE, booking.transfer_id
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
    _refuse_for(
        refusals(DISPUTE, match, actor),
        {Why.WHO: NotAllowed(_("Only the two people in this match can disagree about it."))},
        final=False,
    )
    with transaction():
        match = _locked(match.id)
        _refuse_for(
            refusals(DISPUTE, match, actor),
            {
                Why.STATUS: Conflict(
                    _("Only minutes that wait for a confirmation can be disputed.")
                ),
                Why.OWN_MINUTES: NotAllowed(
                    _("You gave these minutes yourself. Cancel instead, or wait.")
                ),
            },
        )
        match.status, match.dispute_reason = MatchStatus.DISPUTED, why
        match.disputed_by_id = actor.id
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
    _refuse_for(
        refusals(ASK_POOL, match, actor),
        {Why.WHO: NotAllowed(_("Only the two people in this match can ask for this."))},
        final=False,
    )
    with transaction():
        match = _locked(match.id)
        _refuse_for(
            refusals(ASK_POOL, match, actor),
            {Why.STATUS: Conflict(_("This match is not waiting for a confirmation."))},
        )
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
    _refuse_for(
        refusals(RESOLVE, match, actor),
        {
            Why.WHO: NotAllowed(
                _("You are part of this match. Ask another coordinator to settle it."),
                code="own_benefit",
            ),
            Why.PERMISSION: NotAllowed(
                _("Only a coordinator of this neighbourhood can settle this.")
            ),
        },
        final=False,
    )
    now = now or utcnow()
    with transaction():
        match = _locked(match.id)
        if refusals(RESOLVE, match, actor):  # only disputed minutes are settled
            return _settled_before(match, cancel=cancel, amount=amount)
        if match.disputed_at is None and match.dispute_reason is None:
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
            match.status, match.cancel_reason = MatchStatus.CANCELLED, text
            match.cancelled_by_id = actor.id
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


def _settled_before(match: Match, *, cancel: bool, amount: int | None) -> Match:
    """The match is not disputed (any more): the same decision pressed twice returns the
    match as it is (settled, booked once); anything else is refused."""
    if match.disputed_at is None and match.dispute_reason is None:
        raise Conflict(_("The minutes of this match are not disputed."))
    if match.status in (MatchStatus.DONE, MatchStatus.CANCELLED):
        same = (
            match.status == MatchStatus.CANCELLED
            if cancel
            else (match.status == MatchStatus.DONE and amount in (None, match.minutes))
        )
        if same:
            return match  # pressed twice: it is settled, booked once
        raise Conflict(_("This dispute was already settled."))
    raise Conflict(_("The minutes of this match are not disputed."))
