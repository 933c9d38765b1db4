"""The six ways minutes move: thanks, match, donation, grant, settlement, reversal.

Each is one service call and one transaction: clean and authorise first (no lock held),
then book through `booking` (`booking.book` for a movement between named sides; settlement
and reversal decide from the locked balance first, then `booking.write`). Whenever staff
act on someone's account, that person gets a notification in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from buurthulp.audit import services as audit
from buurthulp.auth.limits import hold_back
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import format_minutes
from buurthulp.i18n import gettext as _
from buurthulp.inputs import is_id
from buurthulp.ledger.models import Account, Transfer
from buurthulp.ledger.services import booking
from buurthulp.ledger.services.access import (
    acting_for,
    active_member_or_404,
    not_for_yourself,
    not_found_member,
    pool_for_staff,
    refuse_own_benefit,
    staff_member_or_404,
    staff_transfer_or_404,
)
from buurthulp.ledger.services.accounts import ensure_pool
from buurthulp.ledger.services.booking import Booking, Key, Move, Side, lock, member_pk
from buurthulp.ledger.services.cleaning import (
    clean_category,
    clean_minutes,
    clean_text,
    fingerprint,
)
from buurthulp.links import path_for
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.notifications.services import notify
from buurthulp.protection.blocks import blocked_between
from buurthulp.protection.marks import is_vog, is_vulnerable

# What each notice to a member is in the audit log of staff actions.
_AUDIT_KINDS = {
    "ledger.proxy_thanks": "proxy",
    "ledger.proxy_donation": "proxy",
    "ledger.grant": "grant",
    "ledger.settled": "settle",
    "ledger.reversed": "reversal",
}


def _tell(
    member_id: int | None, kind: str, actor: Member, *, note: str = "", **params: object
) -> None:
    """A member hears that staff acted on their account, and the audit log keeps it (both
    in the booking's transaction)."""
    if member_id is None or member_id == actor.id:
        return
    notify(member_id, kind, url=path_for("ledger.statement"), by=actor.display_name, **params)
    minutes = params.get("minutes")
    summary = f"{format_minutes(minutes)}" if isinstance(minutes, int) else ""
    audit.record(
        actor,
        _AUDIT_KINDS[kind],
        member_id=member_id,
        note=" · ".join(part for part in (summary, note) if part),
    )


def _book_and_tell(move: Move, tell: tuple[int | None, str, dict[str, object]] | None) -> Booking:
    """Book `move` and, when it was booked now, write the notification with it."""
    with transaction():
        result = booking.book(move)
        if tell is not None and result.created:
            member_id, kind, params = tell
            actor = db.session.get_one(Member, move.actor_id)
            _tell(member_id, kind, actor, **params)
    return result


def thank(
    *,
    payer: Member,
    to_member_id: object,
    minutes: object,
    description: object,
    actor: Member,
    idempotency_key: str | None = None,
    category: object = None,
) -> Booking:
    """A direct thank-you transfer to a member of the same neighbourhood."""
    amount = clean_minutes(minutes)
    text = clean_text(
        description,
        field="description",
        required=True,
        empty_message=_("Write a few words about what the time was for."),
    )
    cat = clean_category(category)
    on_behalf_of = acting_for(actor, payer)
    if is_id(to_member_id) and to_member_id == payer.id:
        raise InvalidInput(_("You cannot pay yourself."), field="to_member_id")
    if on_behalf_of is not None:
        refuse_own_benefit(actor, to_member_id if is_id(to_member_id) else None)  # type: ignore[arg-type]
    payee = active_member_or_404(to_member_id)
    if payer.neighbourhood_id is None or payee.neighbourhood_id != payer.neighbourhood_id:
        raise not_found_member()
    if blocked_between(payer.id, payee.id):  # nothing reaches the other, not even thanks
        raise not_found_member()
    if is_vulnerable(payee.id) and not is_vog(payer) and on_behalf_of is None:
        # The words would reach a resident only VOG-checked helpers may reach.
        why = _(
            "You cannot send time with a message to this neighbour. Their coordinator "
            "can pass on your thanks."
        )
        raise NotAllowed(why, field="to_member_id")
    key = Key.optional(idempotency_key, "thanks", payer.id, payee.id, amount, text, cat)
    hold_back("transfer", actor)
    move = Move(
        kind="thanks",
        payer=Side.of_member(payer),
        payee=Side.of_member(payee),
        minutes=amount,
        actor_id=actor.id,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        description=text,
        category=cat,
        key=key,
    )
    if on_behalf_of is None:
        return booking.book(move)
    tell = (payer.id, "ledger.proxy_thanks", {"minutes": amount, "to": payee.display_name})
    return _book_and_tell(move, tell)


def book_match_payment(
    match_id: int,
    payer: Member,
    payee: Member,
    minutes: object,
    category: object,
    actor: Member,
    on_behalf_of: Member | None = None,
    description: str = "",
) -> Booking:
    """The helped party pays the helper for a confirmed match: exactly once per match id.

    The marketplace's confirm step calls this (inside its own transaction or not); a second
    confirm, sequential or racing, returns the first booking with `created=False`.
    """
    if not is_id(match_id):
        raise InvalidInput(_("This match does not exist."), field="match_id")
    amount = clean_minutes(minutes)
    cat = clean_category(category)
    text = clean_text(description, field="description", required=False)
    payer_id, payee_id, actor_id = member_pk(payer), member_pk(payee), member_pk(actor)
    if payer_id == payee_id:
        raise InvalidInput(_("You cannot pay yourself."), field="to_member_id")
    if actor_id not in (payer_id, payee_id) and not may(
        actor, Permission.LEDGER_PROXY_ACT, (on_behalf_of or payer).neighbourhood_id
    ):
        raise NotAllowed(_("Only the two people in this match or their coordinator can confirm."))
    if on_behalf_of is not None and actor_id == payee_id:
        raise not_for_yourself()
    key = Key(f"match:{match_id}", fingerprint("match", match_id, payer_id, payee_id, amount))
    return booking.book(
        Move(
            kind="match",
            payer=Side.of_member(payer),
            payee=Side.of_member(payee),
            minutes=amount,
            actor_id=actor_id,
            on_behalf_of_id=member_pk(on_behalf_of) if on_behalf_of else None,
            description=text or _("Match %(id)s", id=match_id),
            category=cat,
            key=key,
        )
    )


def donate(
    *,
    payer: Member,
    minutes: object,
    description: object = "",
    actor: Member,
    idempotency_key: str | None = None,
) -> Booking:
    """Give minutes to the solidarity pool of the member's neighbourhood."""
    amount = clean_minutes(minutes)
    text = clean_text(description, field="description", required=False)
    on_behalf_of = acting_for(actor, payer)
    if payer.neighbourhood_id is None:
        raise InvalidInput(
            _("You are not part of a neighbourhood, so there is no pool to give to.")
        )
    key = Key.optional(idempotency_key, "donation", payer.id, amount, text)
    move = Move(
        kind="donation",
        payer=Side.of_member(payer),
        payee=Side.pool(payer.neighbourhood_id),
        minutes=amount,
        actor_id=actor.id,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        description=text or _("Gift to the solidarity pool"),
        key=key,
    )
    if on_behalf_of is None:
        return booking.book(move)
    return _book_and_tell(move, (payer.id, "ledger.proxy_donation", {"minutes": amount}))


def grant(
    *,
    neighbourhood_id: object,
    to_member_id: object,
    minutes: object,
    description: object,
    actor: Member,
    category: object = None,
    idempotency_key: str | None = None,
) -> Booking:
    """A coordinator pays a member from the pool, e.g. the helper of someone who cannot."""
    hood = pool_for_staff(neighbourhood_id, actor, Permission.LEDGER_POOL_GRANT)
    amount = clean_minutes(minutes)
    text = clean_text(
        description,
        field="description",
        required=True,
        empty_message=_("Write what the grant is for."),
    )
    cat = clean_category(category)
    refuse_own_benefit(actor, to_member_id if is_id(to_member_id) else None)  # type: ignore[arg-type]
    payee = active_member_or_404(to_member_id)
    if payee.neighbourhood_id != hood.id:
        raise not_found_member()
    key = Key.optional(idempotency_key, "grant", hood.id, payee.id, amount, text, cat)
    move = Move(
        kind="grant",
        payer=Side.pool(hood.id),
        payee=Side.of_member(payee),
        minutes=amount,
        actor_id=actor.id,
        description=text,
        category=cat,
        key=key,
    )
    return _book_and_tell(move, (payee.id, "ledger.grant", {"minutes": amount}))


def _set_closed(account_ids: tuple[int, ...], closed_at: datetime | None) -> None:
    db.session.execute(
        update(Account)
        .where(Account.id.in_(account_ids))
        .values(closed_at=closed_at)
        .execution_options(synchronize_session=False)
    )


def settle(*, member_id: object, actor: Member, reason: object) -> Transfer | None:
    """Close a leaving member's account: a debt is written off against the pool, credit
    goes to it. Returns the settling transfer, or None when the balance was already 0."""
    member = staff_member_or_404(member_id, actor, Permission.LEDGER_ACCOUNT_SETTLE)
    refuse_own_benefit(actor, member.id)
    why = clean_text(
        reason, field="reason", required=True, empty_message=_("Write why the account is settled.")
    )
    if member.neighbourhood_id is None:
        raise InvalidInput(
            _("This member has no neighbourhood, so there is no pool to settle with.")
        )
    with transaction():
        closed = close_account(member, actor_id=actor.id, reason=why)
        if closed is None:
            raise Conflict(_("This account is already settled."))
        _tell(member.id, "ledger.settled", actor, note=why)
    return db.session.get_one(Transfer, closed.transfer_id) if closed.transfer_id else None


@dataclass(frozen=True)
class Closed:
    """A member's account settled and closed: the transfer that settled it (None at 0) and
    the balance it had (negative: written off against the pool; positive: given to it)."""

    transfer_id: int | None
    balance: int


def close_account(
    member: Member, *, actor_id: int, reason: str, neighbourhood_id: int | None = None
) -> Closed | None:
    """Settle and close the member's account inside the caller's transaction (only
    flushes): a debt is written off against the pool of their neighbourhood, credit goes to
    it. None when the account was closed already. The settling transfer is named by the
    member's name as it is now: an erasure pseudonymises them first, so history keeps no name.
    """
    account_row = db.session.scalar(select(Account).where(Account.member_id == member.id))
    hood_id = neighbourhood_id or member.neighbourhood_id
    if hood_id is None and account_row is not None:
        hood_id = account_row.neighbourhood_id
    if hood_id is None:
        if account_row is not None and account_row.balance:
            raise InvalidInput(
                _("This member has no neighbourhood, so there is no pool to settle with.")
            )
        locks = lock(members=(member,))
        account = locks.of_member(member.id)
        if account.closed_at is not None:
            return None
        _set_closed((account.id,), utcnow())
        return Closed(None, 0)
    pool_id = ensure_pool(db.session.get_one(Neighbourhood, hood_id)).id
    locks = lock(pool_id, members=(member,))
    account, pool = locks.of_member(member.id), locks.by_id[pool_id]
    if account.closed_at is not None:
        return None
    transfer_id = None
    if account.balance:
        payer, payee = (account, pool) if account.balance > 0 else (pool, account)
        transfer_id = booking.write(
            Move(
                kind="settlement",
                payer=Side.account(payer.id),
                payee=Side.account(payee.id),
                minutes=abs(account.balance),
                actor_id=actor_id,
                description=_("Settlement: %(name)s leaves", name=member.display_name),
                reason=reason,
            )
        )
    _set_closed((account.id,), utcnow())
    return Closed(transfer_id, account.balance)


def reverse(*, transfer_id: object, actor: Member, reason: object) -> Transfer:
    """Undo a transfer by a new one the other way, linked to it. At most once; limits apply.

    Reversing a settlement reopens the member's account. Staff never reverse a transfer they
    are part of.
    """
    original = staff_transfer_or_404(transfer_id, actor, Permission.LEDGER_TRANSFER_REVERSE)
    refuse_own_benefit(actor, original.payer.member_id, original.payee.member_id)
    why = clean_text(
        reason,
        field="reason",
        required=True,
        empty_message=_("Write why this transfer is reversed."),
    )
    if original.kind == "reversal":
        raise Conflict(_("A reversal cannot be reversed. Book a new transfer instead."))
    actor_id = actor.id
    orig_id, orig_kind, minutes, category = (
        original.id,
        original.kind,
        original.minutes,
        original.category,
    )
    from_id, to_id = original.payee_account_id, original.payer_account_id
    parties = (original.payer.member_id, original.payee.member_id)
    try:
        with transaction():
            lock(from_id, to_id)
            already = db.session.scalar(
                select(Transfer.id).where(Transfer.reverses_transfer_id == orig_id)
            )
            if already is not None:
                raise Conflict(_("This transfer was already reversed."))
            if orig_kind == "settlement":
                _set_closed((from_id, to_id), None)
            new_id = booking.write(
                Move(
                    kind="reversal",
                    payer=Side.account(from_id),
                    payee=Side.account(to_id),
                    minutes=minutes,
                    actor_id=actor_id,
                    description=_("Reversal of transfer %(id)s", id=orig_id),
                    category=category,
                    reverses_id=orig_id,
                    reason=why,
                )
            )
            for member_id in parties:
                _tell(member_id, "ledger.reversed", actor, minutes=minutes, note=why)
    except IntegrityError:
        raise Conflict(_("This transfer was already reversed.")) from None
    return db.session.get_one(Transfer, new_id)
